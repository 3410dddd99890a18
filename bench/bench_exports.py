"""How long the committee deck and the PDF of the example plan take in a warm process.

Run: `.venv/bin/python bench/bench_exports.py [--reps 5] [--big 10000]` (`--reps 0`: only
the big plan).
Target (issue 5): under 3 s each, median of 5, once the process's Chromium is started.

The app is served by werkzeug in a thread (threaded, like gunicorn's gthread workers) and
each export is fetched over HTTP, as a browser would fetch it. The first export of each
kind starts the process's Chromium and loads plotly.js: it is timed apart, as "cold".
`--big N` also times the workbook and the deck of a synthetic N-action plan (2 milestones
each), function calls without HTTP, to show that exports stay bounded (a deck of more than
120 actions has no timeline picture: the slide says why).
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from settings import Settings  # noqa: E402

EXPORTS = ("comite.pptx", "comite.pdf", "plan.xlsx", "timeline.png", "timeline.svg")


def fetch(url: str) -> tuple[float, int]:
    """Seconds to download `url` entirely, and its size in bytes."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        size = len(response.read())
    return time.perf_counter() - start, size


def bench_http(reps: int) -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with tempfile.TemporaryDirectory() as instance:
        server = make_server("127.0.0.1", 0, create_app(Settings(instance=Path(instance))).server,
                             threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}/export/"
        try:
            print(f"{'export (example plan)':<24}{'cold':>8}{'median':>9}{'min':>8}{'max':>8}"
                  f"{'size':>11}")
            for name in EXPORTS:
                cold, size = fetch(base + name)
                times = [fetch(base + name)[0] for _ in range(reps)]
                print(f"{name:<24}{cold:>7.2f}s{statistics.median(times):>8.2f}s"
                      f"{min(times):>7.2f}s{max(times):>7.2f}s{size / 1024:>8.0f} kB")
        finally:
            server.shutdown()


def bench_big(actions: int) -> None:
    from bench.synthetic import STATUS_DATE, synthetic_plan
    from exports.deck import committee_deck, no_picture
    from exports.excel import plan_workbook
    from exports.facts import ExportFacts
    from model.filters import visible_actions
    from model.view import View

    plan = synthetic_plan(actions)
    view = View()
    facts = ExportFacts(plan=plan, problems=(), view=view, status_date=STATUS_DATE,
                        actions=visible_actions(plan, view, STATUS_DATE), version_found=True,
                        exported_at=dt.datetime(2026, 10, 15, 12, 0))
    steps = {
        "workbook": lambda: plan_workbook(facts),
        # Over PICTURE_MAX_ACTIONS, the route makes the deck without drawing the timeline.
        "deck": lambda: committee_deck(facts, lambda: no_picture(facts) or ""),
    }
    print(f"\nsynthetic plan: {actions:,} actions, {len(plan.milestones):,} milestones")
    print(f"{'export':<24}{'wall':>8}{'cpu':>8}{'size':>11}")
    for name, step in steps.items():
        start, cpu = time.perf_counter(), time.process_time()
        size = len(step())
        # CPU time as well: on a busy machine it moves less than the wall clock.
        print(f"{name:<24}{time.perf_counter() - start:>7.2f}s{time.process_time() - cpu:>7.2f}s"
              f"{size / 1024:>8.0f} kB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--big", type=int, default=0, help="also time a synthetic N-action plan")
    args = parser.parse_args()
    if args.reps:
        bench_http(args.reps)
    if args.big:
        bench_big(args.big)


if __name__ == "__main__":
    main()
