"""A baseline of the example plan, as a committee would have seen it months earlier: the
current example then reads as « what moved since ». Used by the slippage tests."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from settings import EXAMPLE_PLAN

# In the baseline, relative to the example: A02 ended 45 days earlier (it slipped +45 j),
# A05 10 days earlier (+10 j), A03 was cloudy (sunny now); A40 did not exist yet (added
# since); A99 existed (removed since); J006 was planned after the status date (now late).
A02_END_SHIFT, A05_END_SHIFT = 45, 10


def baseline_workbook(path: Path) -> Path:
    """Write the baseline version of the example plan to `path` (.xlsx)."""
    workbook = openpyxl.load_workbook(EXAMPLE_PLAN)
    plan = workbook["Plan"]
    headers = [cell.value for cell in plan[1]]
    column = {name: headers.index(name) for name in headers}
    for row in list(plan.iter_rows(min_row=2)):
        ident = row[column["id"]].value
        if ident == "A02":
            row[column["fin"]].value -= dt.timedelta(days=A02_END_SHIFT)
        elif ident == "A05":
            row[column["fin"]].value -= dt.timedelta(days=A05_END_SHIFT)
        elif ident == "A03":
            row[column["météo"]].value = "nuages"
    rows = {row[column["id"]].value: row[0].row for row in plan.iter_rows(min_row=2)}
    plan.delete_rows(rows["A40"])
    extra = [None] * len(headers)
    extra[column["id"]], extra[column["action"]] = "A99", "Ancienne action abandonnée depuis"
    extra[column["début"]] = dt.datetime(2024, 1, 1)
    extra[column["fin"]] = dt.datetime(2026, 6, 30)
    plan.append(extra)
    milestones = workbook["Jalons"]
    for row in milestones.iter_rows(min_row=2):
        if row[0].value == "J006":
            row[3].value = dt.datetime(2026, 12, 15)
    for number in reversed([row[0].row for row in milestones.iter_rows(min_row=2)
                            if row[1].value == "A40"]):
        milestones.delete_rows(number)
    workbook.save(path)
    return path


def store_both_versions(folder: Path) -> tuple[Path, str, str]:
    """Store the baseline, then the example, as uploads would: (instance folder, baseline
    prefix, current prefix)."""
    from loaders.store import PlanStore
    store = PlanStore(EXAMPLE_PLAN, folder / "instance")
    try:
        base = store.save_upload(baseline_workbook(folder / "base.xlsx").read_bytes(),
                                 "plan-mars.xlsx")
        current = store.save_upload(EXAMPLE_PLAN.read_bytes(), "plan-octobre.xlsx")
    finally:
        store.close()
    return folder / "instance", base.plan.version[:12], current.plan.version[:12]
