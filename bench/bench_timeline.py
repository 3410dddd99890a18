"""Horizon's timeline figure against `plotly.express.timeline`, on synthetic plans.

Run: `.venv/bin/python bench/bench_timeline.py [--sizes 200,2000,10000] [--reps 7]
[--no-browser]`. Not a pytest test: it prints a table and the ratios to px.timeline;
`bench/README.md` keeps the figures and says how they were taken.

What is compared, for N actions (bench/synthetic.py: 2 milestones each, 6 axes, municipal
terms, ~15 % past the term's end):

- build: `timeline_figure(plan, View(), status_date)` (filtering, layout, French hover text,
  bands, milestones, terms, hatching, progress: everything), a plan's first figure (no
  per-plan text kept; "warm": the same plan again, as after a filter change), against the
  `px.timeline` call
  alone on a frame prepared beforehand with the same hover fields already formatted
  (title, axis, owner, service, dates, status, progress, météo, budget), rows labelled
  with titles as Horizon's are (`y="title"`: the synthetic titles are unique);
- payload: `fig.to_json()` and what Dash sends: `plotly.io.json.to_json_plotly(fig)`,
  which Dash's own `dash._utils.to_json` calls for a callback's output (compact, with
  `<`, `>` and `/` escaped), the same serialiser for both figures, in kB;
- draw: `Plotly.newPlot` until two animation frames later (drawn) in Debian's Chromium,
  headless, plotly.min.js from the installed plotly package; both figures get the same
  width and Horizon's height (rows × row height), the JSON is parsed before the clock starts,
  and the previous figure's garbage is collected (`gc()`, untimed) before each draw;
- callback: the filter callback's server time at 2,000 actions without the plan lookup
  (`visible_actions` + `timeline_figure` + `to_plotly_json` + JSON encode) over realistic
  views, p50 and p95.

Repetitions are interleaved (each round runs every size and both builders) and the median
is reported, because this machine is noisy.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

import pandas as pd  # noqa: E402
import plotly  # noqa: E402
import plotly.express as px  # noqa: E402
from plotly.io.json import to_json_plotly  # noqa: E402

from bench.synthetic import STATUS_DATE, synthetic_plan  # noqa: E402
from components.i18n import (STATUS_LABELS, WEATHER_LABELS, format_day, format_money,  # noqa: E402
                             format_share, label)
from components.timeline import forget_plans, timeline_figure  # noqa: E402
from model import filters  # noqa: E402
from model.filters import visible_actions  # noqa: E402
from model.plan import Plan  # noqa: E402
from model.view import View  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
WIDTH = 1800
TARGETS = {"build": {2_000: 0.7, 10_000: 1.0}, "payload": 1.0, "draw": 1.3, "p95_ms": 100}
CALLBACK_VIEWS = {
    "tout": View(),
    "axe": View(axes=("AX2",)),
    "statut": View(statuses=("in_progress",)),
    "texte": View(text="portail"),
    "retard": View(late_only=True),
    "couleur=service": View(color_by="service"),
}


def px_frame(plan: Plan) -> pd.DataFrame:
    """The actions with the hover fields Horizon shows, formatted as Horizon formats them."""
    actions = plan.actions
    axis_titles = plan.axes.set_index("id")["title"]
    return pd.DataFrame({
        "id": actions["id"],
        "start": actions["start"],
        "end": actions["end"] + pd.Timedelta(days=1),  # end-inclusive, as Horizon draws
        "title": actions["title"],
        "axis": actions["axis_id"].map(axis_titles).fillna(label("outside_strategy")),
        "owner": actions["owner"],
        "service": actions["service"],
        "dates": [f"{format_day(s)} – {format_day(e)}"
                  for s, e in zip(actions["start"].dt.date, actions["end"].dt.date)],
        "status": [STATUS_LABELS["fr"].get(s if isinstance(s, str) else None)
                   for s in actions["status"]],
        "progress": [format_share(p) if pd.notna(p) else "" for p in actions["progress"]],
        "météo": [WEATHER_LABELS["fr"].get(w if isinstance(w, str) else None)
                  for w in actions["weather"]],
        "budget": [format_money(b) if pd.notna(b) else "" for b in actions["budget"]],
    })


def build_px(frame: pd.DataFrame, height: int):
    return px.timeline(frame, x_start="start", x_end="end", y="title", color="status",
                       hover_data=["title", "axis", "owner", "service", "dates", "status",
                                   "progress", "météo", "budget"], height=height)


def build_horizon(plan: Plan, view: View = View()):
    return timeline_figure(plan, view, STATUS_DATE)


def build_horizon_cold(plan: Plan):
    """A plan's first figure: nothing kept from an earlier figure of the same plan."""
    forget_plans()
    filters._HAYSTACKS.clear()  # the text search's cache (unused by this view anyway)
    return timeline_figure(plan, View(), STATUS_DATE)


def dash_json(figure) -> str:
    """The figure's JSON as Dash sends it (dash._utils.to_json is this call)."""
    return to_json_plotly(figure)


def timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - start) * 1000, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_builds(plans, frames, heights, reps):
    """Median build time (ms) per (size, builder), interleaved rounds. Horizon's is taken
    cold (the plan's first figure: what px.timeline is compared with) and warm (the same
    plan again, as after a filter change: per-plan text is kept, see plan_texts)."""
    builders = {"horizon": build_horizon_cold, "horizon-warm": build_horizon}
    times = {(size, who): [] for size in plans for who in (*builders, "px")}
    for size in plans:  # warm-up: imports, validators, caches of plotly and pandas
        build_horizon(plans[size]), build_px(frames[size], heights[size])
    for _round in range(reps):
        for size in plans:
            for who, builder in builders.items():
                times[size, who].append(timed(builder, plans[size])[0])
            times[size, "px"].append(timed(build_px, frames[size], heights[size])[0])
    return {key: statistics.median(values) for key, values in times.items()}


def measure_draws(figures: dict, reps: int) -> dict:
    """Median `Plotly.newPlot` time per key of `figures` ({key: JSON string}): wall-clock ms
    and the renderer process's CPU ms (Chrome's `ProcessTime` metric), which a busy machine
    disturbs less than the wall clock."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--js-flags=--expose-gc"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.set_default_timeout(600_000)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        page.set_content("<!doctype html><html><body style='margin:0'></body></html>")
        page.add_script_tag(path=str(PLOTLY_JS))
        page.evaluate("""() => { window.figures = {};
          window.draw = async (key) => {
            const div = document.createElement('div');
            div.id = 'figure';
            document.body.appendChild(div);
            const figure = window.figures[key];
            const start = performance.now();
            await Plotly.newPlot(div, figure.data, figure.layout, {responsive: false});
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            return performance.now() - start; };
          // Collect the last figure's garbage before the next draw starts: else whatever
          // follows the 10,000-action figure pays for it (it was Horizon's 200-action draw).
          window.clear = () => { const div = document.getElementById('figure');
            Plotly.purge(div); div.remove(); window.gc(); }; }""")
        for key, text in figures.items():
            page.evaluate("([key, text]) => { window.figures[key] = JSON.parse(text); }",
                          [list(key), text])

        def process_ms() -> float:
            metrics = cdp.send("Performance.getMetrics")["metrics"]
            return next(m["value"] for m in metrics if m["name"] == "ProcessTime") * 1000

        def draw(key) -> tuple[float, float]:
            before = process_ms()
            wall = page.evaluate("(key) => draw(key)", list(key))
            cpu = process_ms() - before
            if os.environ.get("BENCH_COUNT_TICKS"):
                print(key, page.evaluate("() => [document.querySelectorAll('.ytick').length, "
                                         "document.querySelectorAll('.point').length]"),
                      file=sys.stderr)
            page.evaluate("() => clear()")
            return wall, cpu

        for key in figures:  # warm-up
            draw(key)
        times = {key: [] for key in figures}
        for _round in range(reps):
            for key in figures:
                times[key].append(draw(key))
                print(f"  draw {key}: {times[key][-1][0]:,.0f} ms wall, "
                      f"{times[key][-1][1]:,.0f} ms CPU", file=sys.stderr, flush=True)
        browser.close()
    return {key: (statistics.median(w for w, _c in values),
                  statistics.median(c for _w, c in values)) for key, values in times.items()}


def measure_callback(plan: Plan, rounds: int) -> dict:
    """Server time (ms) of the filter callback's work per view: p50 and p95."""
    def callback(view):
        visible_actions(plan, view, STATUS_DATE)  # what the KPI strip and table reuse
        return dash_json(timeline_figure(plan, view, STATUS_DATE))
    for view in CALLBACK_VIEWS.values():
        callback(view)
    times = {name: [] for name in CALLBACK_VIEWS}
    for _round in range(rounds):
        for name, view in CALLBACK_VIEWS.items():
            times[name].append(timed(callback, view)[0])
    everything = [t for values in times.values() for t in values]
    result = {name: (percentile(values, 0.5), percentile(values, 0.95))
              for name, values in times.items()}
    result["toutes vues"] = (percentile(everything, 0.5), percentile(everything, 0.95))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,2000,10000")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--callback-rounds", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    plans = {size: synthetic_plan(size) for size in sizes}
    frames = {size: px_frame(plans[size]) for size in sizes}
    horizon = {size: build_horizon(plans[size]) for size in sizes}
    heights = {size: horizon[size].layout.height for size in sizes}
    pxs = {size: build_px(frames[size], heights[size]) for size in sizes}
    for size in sizes:
        pxs[size].update_layout(width=WIDTH)
        horizon[size].update_layout(width=WIDTH)

    builds = measure_builds(plans, frames, heights, args.reps)
    payload = {}
    for size in sizes:
        for who, figure in (("horizon", horizon[size]), ("px", pxs[size])):
            payload[size, who] = (len(figure.to_json()) / 1000, len(dash_json(figure)) / 1000)
    draws = {}
    if not args.no_browser:
        draws = measure_draws({(size, who): figure.to_json() for size in sizes
                               for who, figure in (("horizon", horizon[size]),
                                                   ("px", pxs[size]))}, args.reps)
    callback = measure_callback(plans[2_000] if 2_000 in plans else synthetic_plan(2_000),
                                args.callback_rounds)

    print(f"# bench_timeline — {dt.date.today().isoformat()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, plotly {plotly.__version__}, "
          f"pandas {pd.__version__}, median of {args.reps} interleaved rounds")
    print()
    print("| actions | build H / px (ms) | ratio | build H warm (ms) | to_json H / px (kB) | ratio "
          "| Dash JSON H / px (kB) | ratio | draw H / px (ms, wall) | draw H / px (ms, CPU) "
          "| ratio (CPU) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        build_h, build_p = builds[size, "horizon"], builds[size, "px"]
        (json_h, dash_h), (json_p, dash_p) = payload[size, "horizon"], payload[size, "px"]
        if draws:
            (wall_h, cpu_h), (wall_p, cpu_p) = draws[size, "horizon"], draws[size, "px"]
            draw = (f"{wall_h:,.0f} / {wall_p:,.0f} | {cpu_h:,.0f} / {cpu_p:,.0f} "
                    f"| {cpu_h / cpu_p:.2f}×")
        else:
            draw = "– | – | –"
        print(f"| {size:,} | {build_h:,.1f} / {build_p:,.1f} | {build_h / build_p:.2f}× "
              f"| {builds[size, 'horizon-warm']:,.1f} "
              f"| {json_h:,.0f} / {json_p:,.0f} | {json_h / json_p:.2f}× "
              f"| {dash_h:,.0f} / {dash_p:,.0f} | {dash_h / dash_p:.2f}× | {draw} |")
    print()
    print(f"Filter callback at 2,000 actions ({args.callback_rounds} rounds per view): "
          "visible_actions + timeline_figure + to_plotly_json + JSON encode")
    print()
    print("| view | p50 (ms) | p95 (ms) |")
    print("|---|---:|---:|")
    for name, (p50, p95) in callback.items():
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")
    print()
    print("Targets: build ≤ 0.7× at 2,000 and ≤ 1.0× at 10,000; payload ≤ 1.0×; "
          "draw ≤ 1.3×; callback p95 ≤ 100 ms.")
    verdicts = []
    for size, target in TARGETS["build"].items():
        if size in sizes:
            ratio = builds[size, "horizon"] / builds[size, "px"]
            verdicts.append(f"build {size:,}: {ratio:.2f}× {'ok' if ratio <= target else 'MISSED'}")
    for size in sizes:
        ratio = payload[size, "horizon"][1] / payload[size, "px"][1]
        verdicts.append(f"payload {size:,}: {ratio:.2f}× "
                        f"{'ok' if ratio <= TARGETS['payload'] else 'MISSED'}")
        if draws:
            ratio = draws[size, "horizon"][1] / draws[size, "px"][1]
            verdicts.append(f"draw {size:,}: {ratio:.2f}× "
                            f"{'ok' if ratio <= TARGETS['draw'] else 'MISSED'}")
    p95 = callback["toutes vues"][1]
    verdicts.append(f"callback p95: {p95:.0f} ms {'ok' if p95 <= TARGETS['p95_ms'] else 'MISSED'}")
    print("; ".join(verdicts))


if __name__ == "__main__":
    main()
