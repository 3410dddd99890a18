"""Load test: Horizon under gunicorn on 127.0.0.1, driven by a headless Locust.

    .venv/bin/python bench/load_test.py                 50 users, 5 minutes (the figures)
    .venv/bin/python bench/load_test.py --minutes 1     a quick run while developing

Steps: write a few versions of the example plan (dates moved, progress gained); start
`gunicorn -c gunicorn.conf.py app:server` (2 workers, worker recycling off so that memory
growth shows); sign in as an editor and upload those versions through POST /televerser (the
baselines users switch to); open each page once in Chromium and keep the callback bodies it
sends (bench/locustfile.py replays them); run Locust; sample the workers' RSS from /proc
every few seconds; print the summary table against the targets (issue 6) and write it, with
the raw figures, to bench/out/load-<time>/.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import resource

import numpy as np
import openpyxl
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders import load_path  # noqa: E402  (the repository root is on the path now)
from settings import EXAMPLE_PLAN  # noqa: E402

PATHS = ("/", "/jalons", "/comite", "/coherence", "/indicateurs")
TARGETS = {"callback": 300.0, "page": 1000.0}  # p95, milliseconds
RSS_GROWTH_LIMIT = 0.10
VENV_BIN = Path(sys.executable).parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second")
    parser.add_argument("--editors", type=int, default=3, help="users among them who upload")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: gunicorn.conf.py's, cores + 1)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0),
                        metavar=("MIN", "MAX"), help="seconds between two actions of a user")
    parser.add_argument("--editor-password", default="charge-horizon",
                        help='editors sign in with it ("" : local mode, no sign-in)')
    parser.add_argument("--redis-url", default="",
                        help="HORIZON_REDIS_URL for the servers; this database is emptied "
                             "first, so give the test one of its own (redis://…/14)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or ROOT / "bench" / "out" / f"load-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    uploads = write_versions(out / "versions", count=4)
    if args.redis_url:
        import redis
        redis.Redis.from_url(args.redis_url).flushdb()  # no export served from a past run
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    load_before = uptime()
    server = start_server(out, port, args)
    try:
        wait_healthy(url, server)
        versions = seed_versions(url, uploads[:3], args.editor_password)
        callbacks = capture_callbacks(url)
        config = write_config(out, callbacks, versions, uploads, args)
        samples: list[tuple[float, int, int]] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(server.pid, samples, stop),
                                   daemon=True)
        started = time.monotonic()
        sampler.start()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        workers_before = sum(cpu_seconds(pid) for pid in worker_pids(server.pid))
        run_locust(url, config, out, args)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        duration = time.monotonic() - started
        cpu = {"locust": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
               "workers": sum(cpu_seconds(pid) for pid in worker_pids(server.pid))
               - workers_before}
        stop.set()
        sampler.join()
        load_after = uptime()
    finally:
        stop_server(server)
    summary = summarise(out, samples, duration, args, load_before, load_after, cpu)
    (out / "summary.md").write_text(summary["table"], encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(summary["table"])
    print(f"\nRaw figures: {out}")
    return 0 if summary["passed"] else 1


# --- preparing ----------------------------------------------------------------------------

def write_versions(folder: Path, count: int) -> list[Path]:
    """Versions of the example plan as a committee sees them arrive: each later one moves
    some ends by a month more and adds progress, so `base=` has slippage to show."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        workbook = openpyxl.load_workbook(EXAMPLE_PLAN)
        sheet = workbook["Plan"]
        header = [cell.value for cell in sheet[1]]
        end, progress = header.index("fin") + 1, header.index("avancement") + 1
        for row in range(2, sheet.max_row + 1):
            if row % 3 == number % 3 and isinstance(sheet.cell(row, end).value, dt.datetime):
                sheet.cell(row, end).value += dt.timedelta(days=30 * number)
            done = sheet.cell(row, progress).value
            if isinstance(done, (int, float)):
                sheet.cell(row, progress).value = min(1, done + 0.05 * number)
        path = folder / f"plan-v{number}.xlsx"
        workbook.save(path)
        paths.append(path)
    return paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(out: Path, port: int, args) -> subprocess.Popen:
    env = {**os.environ, "HORIZON_BIND": f"127.0.0.1:{port}",
           "HORIZON_THREADS": str(args.threads),
           "HORIZON_INSTANCE": str(out / "instance"), "HORIZON_MAX_REQUESTS": "0",
           "HORIZON_EDITOR_PASSWORD": args.editor_password,
           "HORIZON_REDIS_URL": args.redis_url}
    if args.workers:
        env["HORIZON_WORKERS"] = str(args.workers)
    log = (out / "gunicorn.log").open("wb")
    return subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:server"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (code {server.returncode}): see gunicorn.log")
        try:
            if requests.get(url + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # the workers are still importing the app
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def seed_versions(url: str, uploads: list[Path], password: str) -> list[str]:
    """Upload versions as an editor (POST /televerser); their version prefixes."""
    session = requests.Session()
    session.get(url + "/", timeout=30)
    if password:
        form = session.get(url + "/connexion", timeout=30).text
        token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = session.post(url + "/connexion", allow_redirects=False, timeout=30,
                              data={"csrf_token": token, "mot_de_passe": password,
                                    "suivant": "/"})
        if answer.status_code != 303:
            raise SystemExit(f"editor sign-in refused (HTTP {answer.status_code})")
    versions = []
    for path in uploads:
        answer = session.post(url + "/televerser", timeout=120,
                              headers={"X-CSRFToken": session.cookies.get("_csrf_token", "")},
                              files={"fichier": (path.name, path.read_bytes())},
                              data={"libelle": f"version {path.stem}"})
        if answer.status_code == 404:
            raise SystemExit("POST /televerser does not exist on this server: no upload route")
        if answer.status_code != 200:
            raise SystemExit(f"upload refused: HTTP {answer.status_code} {answer.text[:200]}")
        search = answer.json()["search"]
        versions.append(dict(pair.split("=", 1) for pair in
                             search.lstrip("?").split("&"))["version"])
    return versions


def capture_callbacks(url: str) -> dict:
    """Open each page in Chromium and keep the callback bodies the renderer sends.

    Each body gets its wave: 1 when all its inputs are in the shell (sent as the page
    loads), 2 when it waits for components the page content adds.
    """
    from playwright.sync_api import sync_playwright
    shell = layout_ids(requests.get(url + "/_dash-layout", timeout=30).json())
    captured: dict[str, list] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page()
        for path in PATHS:
            bodies: list[dict] = []

            def keep(request, bodies=bodies):
                if "/_dash-update-component" in request.url:
                    bodies.append(json.loads(request.post_data))
            page.on("request", keep)
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1000)
            page.remove_listener("request", keep)
            captured[path] = [{"wave": 1 if inputs_in(body, shell) else 2, "body": body}
                              for body in bodies]
        browser.close()
    return captured


def layout_ids(node) -> set:
    """Every string id in a Dash layout (JSON)."""
    found: set = set()
    if isinstance(node, dict):
        props = node.get("props", {})
        if isinstance(props.get("id"), str):
            found.add(props["id"])
        for value in props.values():
            found |= layout_ids(value)
    elif isinstance(node, list):
        for item in node:
            found |= layout_ids(item)
    return found


def inputs_in(body: dict, shell: set) -> bool:
    return all(isinstance(item, dict) and item.get("id") in shell for item in body["inputs"])


def write_config(out: Path, callbacks: dict, versions: list[str], uploads: list[Path],
                 args) -> Path:
    plan = load_path(EXAMPLE_PLAN).plan
    actions = plan.actions

    def values(column: str) -> list[str]:
        return sorted({str(value) for value in actions[column].dropna()}) \
            if column in actions else []
    words = sorted({word for title in actions["title"] for word in str(title).split()
                    if len(word) > 5})
    config = {
        "callbacks": callbacks, "versions": versions, "uploads": [str(p) for p in uploads],
        "actions": [str(action) for action in actions["id"]],
        "choices": {"filter-axes": [str(axis) for axis in plan.axes["id"].unique()],
                    "filter-services": values("service"), "filter-owners": values("owner"),
                    "filter-statuses": values("status"), "filter-weathers": values("weather")},
        "words": words[:40], "editors": args.editors, "editor_password": args.editor_password,
        "think_min": args.think[0], "think_max": args.think[1],
    }
    path = out / "config.json"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# --- running ------------------------------------------------------------------------------

def run_locust(url: str, config: Path, out: Path, args) -> None:
    env = {**os.environ, "HORIZON_BENCH_CONFIG": str(config),
           "HORIZON_BENCH_OUT": str(out / "times.json")}
    command = [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
               "--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
               "--run-time", f"{int(args.minutes * 60)}s", "--host", url, "--only-summary",
               "--csv", str(out / "locust"), "--stop-timeout", "30", "--loglevel", "WARNING"]
    with (out / "locust.log").open("wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                       check=False)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def sample_rss(master: int, samples: list, stop: threading.Event, every: float = 5.0) -> None:
    """(seconds since start, worker pid, RSS kB) for each gunicorn worker, every few seconds."""
    started = time.monotonic()
    while not stop.is_set():
        now = time.monotonic() - started
        for pid in worker_pids(master):
            rss = rss_kb(pid)
            if rss is not None:
                samples.append((now, pid, rss))
        stop.wait(every)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # gunicorn and its workers (own session)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


# --- reporting ----------------------------------------------------------------------------

def summarise(out: Path, samples: list, duration: float, args, load_before: str,
              load_after: str, cpu: dict) -> dict:
    recorded = json.loads((out / "times.json").read_text(encoding="utf-8"))
    times, failures = recorded["times"], recorded["failures"]
    rows, figures = [], {}
    for kind in sorted(times, key=lambda name: (not name.startswith(("page", "callback")),
                                                name)):
        values = np.array(times[kind])
        figure = {"count": int(values.size), "failed": int(failures.get(kind, 0)),
                  "p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)),
                  "max": float(values.max())}
        figures[kind] = figure
        hits = recorded.get("cache_hits", {}).get(kind)
        rows.append(f"| {kind}{f' ({hits} from a cache)' if hits else ''} | {figure['count']} | "
                    f"{figure['failed']} | {figure['p50']:.0f} | {figure['p95']:.0f} | "
                    f"{figure['max']:.0f} |")
    total_failed = sum(int(count) for count in failures.values())
    server_log = (out / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    server_errors = {"tracebacks": server_log.count("Traceback (most recent call last)"),
                     "worker timeouts": server_log.count("WORKER TIMEOUT"),
                     "workers lost": server_log.count("was sent SIGKILL")
                     + server_log.count("exited with code")}
    memory = rss_growth(samples, duration)
    checks = [
        ("zero failed requests", total_failed == 0, f"{total_failed} failed"),
        ("no error in the server log", not any(server_errors.values()),
         ", ".join(f"{count} {what}" for what, count in server_errors.items())),
        ("callback p95 ≤ 300 ms", figures.get("callback", {}).get("p95", 1e9) <= 300,
         f"{figures.get('callback', {}).get('p95', float('nan')):.0f} ms"),
        ("page p95 ≤ 1 s (document, layout, dependencies)",
         figures.get("page", {}).get("p95", 1e9) <= 1000,
         f"{figures.get('page', {}).get('p95', float('nan')):.0f} ms"),
        ("RSS growth < 10 % over the second half", memory["growth"] < RSS_GROWTH_LIMIT,
         f"{memory['growth'] * 100:+.1f} % ({memory['mid_mb']:.0f} → {memory['end_mb']:.0f} MB, "
         f"{memory['workers']} workers{', restarted' if memory['restarted'] else ''})"),
    ]
    lines = [f"Load test: {args.users} users ({args.editors} editors), {args.minutes:g} min, "
             f"gunicorn {memory['workers']} workers × {args.threads} threads, think time "
             f"{args.think[0]:g}–{args.think[1]:g} s"
             f"{', Redis ' + args.redis_url if args.redis_url else ''}",
             f"Machine before: {load_before}", f"Machine after:  {load_after}",
             f"CPU used during the run ({duration:.0f} s × {os.cpu_count()} cores = "
             f"{os.cpu_count() * duration:.0f} s): "
             f"gunicorn workers {cpu['workers']:.0f} s, Locust {cpu['locust']:.0f} s", "",
             "| requests | count | failed | p50 ms | p95 ms | max ms |",
             "|---|---|---|---|---|---|", *rows,
             "", "| target | met | measured |", "|---|---|---|",
             *(f"| {name} | {'yes' if ok else 'NO'} | {measured} |"
               for name, ok, measured in checks)]
    requests_made = sum(figure["count"] for kind, figure in figures.items()
                        if kind != "page complete")
    per_request = 1000 * cpu["workers"] / max(1, requests_made)
    lines += ["", f"Server CPU per request (all kinds, Chromium apart): {per_request:.0f} ms",
              "Slowest callbacks (p95, ms): " + ", ".join(
                  f"{name} {p95:.0f}" for name, p95 in slowest_callbacks(out))]
    if recorded["failure_samples"]:
        lines += ["", "Failures (first ones):", *(f"- {text}" for text in
                                                  recorded["failure_samples"])]
    return {"figures": figures, "memory": memory, "checks": [list(check) for check in checks],
            "passed": all(ok for _, ok, _ in checks), "table": "\n".join(lines) + "\n",
            "load_before": load_before, "load_after": load_after, "cpu": cpu,
            "server_errors": server_errors}


def slowest_callbacks(out: Path, count: int = 6) -> list[tuple[str, float]]:
    """The callbacks with the highest p95, from Locust's own statistics."""
    with (out / "locust_stats.csv").open(encoding="utf-8") as stream:
        rows = [row for row in csv.DictReader(stream) if row["Name"].startswith("callback ")]
    rows.sort(key=lambda row: -float(row["95%"] or 0))
    return [(row["Name"].removeprefix("callback "), float(row["95%"])) for row in rows[:count]]


def rss_growth(samples: list, duration: float) -> dict:
    """Total worker RSS around the middle of the run and at its end (medians of a few
    samples each, so one garbage collection does not decide), and the growth between."""
    pids = sorted({pid for _, pid, _ in samples})
    totals: dict[float, int] = {}
    for moment, _, rss in samples:
        key = round(moment)
        totals[key] = totals.get(key, 0) + rss
    moments = sorted(totals)
    if len(moments) < 4:
        return {"growth": float("nan"), "mid_mb": 0, "end_mb": 0, "workers": len(pids),
                "restarted": False}
    half = duration / 2
    middle = ([totals[m] for m in moments if abs(m - half) <= 15]
              or [totals[moments[len(moments) // 2]]])
    end = [totals[m] for m in moments[-4:]]
    mid_kb, end_kb = float(np.median(middle)), float(np.median(end))
    last = {pid for moment, pid, _ in samples if moment == samples[-1][0]}
    return {"growth": (end_kb - mid_kb) / mid_kb, "mid_mb": mid_kb / 1024, "end_mb": end_kb / 1024,
            "workers": len(pids), "restarted": set(pids) != last,  # a worker died or was replaced
            "series": [(m, totals[m] / 1024) for m in moments]}


if __name__ == "__main__":
    raise SystemExit(main())
