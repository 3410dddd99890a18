"""The milestone tracker's rows: each visible action's milestones, with their state at a date.

Definitions follow DESIGN.md's "words with one meaning": a milestone is late when it has no
actual date, is not done, and its planned date is *before* the status date; `due` and
`upcoming` split the 90 days that follow (30 and 90, both ends included).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from model.derive import UPCOMING_DAYS, milestone_states
from model.plan import Plan

DUE_DAYS, UPCOMING_LIMIT = UPCOMING_DAYS  # 30, 90

# State codes, from the most to the least urgent (the tracker sorts them in this order).
STATES: tuple[str, ...] = ("late", "due", "upcoming", "later", "done")

ROW_COLUMNS = {
    "id": "string", "title": "string", "action_id": "string", "action_title": "string",
    "axis_id": "string", "axis_title": "string", "owner": "string", "service": "string",
    "planned": "datetime64[s]", "actual": "datetime64[s]", "instance": "string",
    "state": "string", "days": "Int64", "done_this_term": "bool",
}

# Quick views, by name; the URL names them in French (`jalons=`, see model.view).
QUICK_VIEWS: tuple[str, ...] = ("late", "due30", "due90", "done_term")
QUICK_VIEW_OF_URL = {"retard": "late", "30j": "due30", "90j": "due90", "realises": "done_term"}


def milestone_rows(plan: Plan, actions: pd.DataFrame, status_date: dt.date,
                   outside: str = "Hors stratégie") -> pd.DataFrame:
    """The milestones of `actions` (the visible ones), with their action, axis and state.

    `days` is signed: the planned date minus the status date (negative when late, 0 on
    the status date itself); it is empty for a done milestone. `outside` names the axis of
    actions outside the strategy, in the reader's language.
    """
    milestones = plan.milestones[plan.milestones["action_id"].isin(actions["id"])]
    if milestones.empty:
        return pd.DataFrame(columns=list(ROW_COLUMNS)).astype(ROW_COLUMNS)
    by_action = actions.drop_duplicates("id").set_index("id")
    action_ids = milestones["action_id"]
    axis_ids = action_ids.map(by_action["axis_id"])
    axis_titles = axis_ids.map(plan.axes.drop_duplicates("id").set_index("id")["title"])
    day = pd.Timestamp(status_date)
    states = milestone_states(milestones, status_date)
    days = ((milestones["planned"] - day) / pd.Timedelta(days=1)).round().astype("Int64")
    days = days.mask(states == "done")
    states = states.mask((states == "upcoming") & (days <= DUE_DAYS), "due")
    rows = pd.DataFrame({
        "id": milestones["id"], "title": milestones["title"], "action_id": action_ids,
        "action_title": action_ids.map(by_action["title"]), "axis_id": axis_ids,
        "axis_title": axis_titles.astype("string").fillna(outside), "owner": action_ids.map(by_action["owner"]),
        "service": action_ids.map(by_action["service"]), "planned": milestones["planned"],
        "actual": milestones["actual"], "instance": milestones["instance"], "state": states,
        "days": days, "done_this_term": _done_in_current_term(plan, milestones, status_date),
    })
    rows = rows.astype(ROW_COLUMNS)
    return rows.sort_values(["planned", "id"], kind="stable").reset_index(drop=True)


def _done_in_current_term(plan: Plan, milestones: pd.DataFrame, status_date: dt.date) -> pd.Series:
    """An actual date within the current term (a milestone marked done without one is not
    counted: nothing says when it was done)."""
    term = plan.current_term(status_date)
    if term is None:
        return pd.Series(False, index=milestones.index)
    actual = milestones["actual"]
    inside = actual.notna() & (actual >= term["start"]) & (actual < term["end"])
    return inside.fillna(False).astype(bool)


def quick_view(rows: pd.DataFrame, name: str | None) -> pd.DataFrame:
    """The rows of one quick view (`late`, `due30`, `due90`, `done_term`); all for None."""
    if name is None:
        return rows
    if name == "late":
        keep = rows["state"] == "late"
    elif name == "due30":
        keep = rows["state"] == "due"
    elif name == "due90":
        keep = rows["state"].isin(("due", "upcoming"))
    elif name == "done_term":
        keep = rows["done_this_term"]
    else:
        raise ValueError(f"unknown quick view: {name!r}")
    return rows[keep.fillna(False).astype(bool)]
