"""How many `parse_date` calls per second, on a mix of the forms real plans hold.

Run: `.venv/bin/python bench/bench_values.py`. No target: a figure to watch over time.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from loaders.problems import ValueProblem  # noqa: E402
from loaders.values import parse_date  # noqa: E402

# Roughly what a 10,000-row plan holds: mostly Excel dates, then typed text of every kind.
MIX: list[object] = [
    dt.datetime(2026, 3, 15), dt.datetime(2027, 6, 30), dt.date(2026, 1, 1), 46096, 46096.0,
    "15/03/2026", "2026-03-15", "15/03/26", "03/2026", "mars 2026", "sept. 2026",
    "févr. 2027", "1er mars 2026", "T2 2026", "2e trimestre 2026", "S1 2027",
    "1er semestre 2027", "2027", "fin 2026", "mi-2027", "", "bientôt",
]


def calls_per_second(values: list[object], seconds: float = 1.0) -> float:
    """Parse `values` round after round for about `seconds`; the rate of single calls."""
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for value in values:
            try:
                parse_date(value)
            except ValueProblem:
                pass
        calls += len(values)
    return calls / elapsed


def main() -> None:
    rate = calls_per_second(MIX)
    text_rate = calls_per_second([value for value in MIX if isinstance(value, str)])
    print(f"parse_date: {rate:,.0f} calls/s on a mix of {len(MIX)} forms "
          f"({text_rate:,.0f} calls/s on text only; "
          f"10,000 rows × 2 dates ≈ {20_000 / rate * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
