"""Which actions a view shows, and the dates it spans."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from model.derive import late_actions, past_term, term_end
from model.plan import Plan
from model.terms import current_term
from model.view import View

OUTSIDE = "__hors__"  # the axis filter value of « Hors stratégie »


def visible_actions(plan: Plan, view: View, status_date: dt.date) -> pd.DataFrame:
    """The plan's actions that pass every filter of the view (OR within, AND across)."""
    actions = plan.actions
    keep = pd.Series(True, index=actions.index)
    if view.axes:
        axis = actions["axis_id"].fillna(OUTSIDE)
        keep &= axis.isin(view.axes)
    for column, chosen in (("service", view.services), ("owner", view.owners),
                           ("status", view.statuses), ("weather", view.weathers)):
        if chosen:
            keep &= actions[column].isin(chosen).fillna(False).astype(bool)
    if view.text:
        keep &= _haystack(actions).str.contains(view.text.casefold(), regex=False)
    if view.late_only:
        keep &= late_actions(actions, status_date)
    if view.past_term_only:
        keep &= past_term(actions, term_end(plan, status_date))
    return actions[keep]


_HAYSTACKS: dict[int, tuple[pd.DataFrame, pd.Series]] = {}  # id(actions) -> (actions, text)


def _haystack(actions: pd.DataFrame) -> pd.Series:
    """What the text search reads, casefolded: built once per plan (a third of a text
    filter's time at 2,000 actions), checked against the frame itself, a few plans kept."""
    cached = _HAYSTACKS.get(id(actions))
    if cached is not None and cached[0] is actions:
        return cached[1]
    haystack = (actions["id"].fillna("") + " " + actions["title"].fillna("") + " "
                + actions["owner"].fillna("") + " "
                + actions["description"].fillna("")).str.casefold()
    if len(_HAYSTACKS) >= 8:
        _HAYSTACKS.pop(next(iter(_HAYSTACKS)), None)
    _HAYSTACKS[id(actions)] = (actions, haystack)
    return haystack


def visible_range(plan: Plan, view: View, status_date: dt.date) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The x range of the view: `du`/`au` when given, else the zoom preset's."""
    actions, axes, terms = plan.actions, plan.axes, plan.calendar
    spans = {
        "plan": (actions["start"].min(), actions["end"].max() + pd.Timedelta(days=1)),
        "strategie": (axes["start"].min(), axes["end"].max() + pd.Timedelta(days=1)),
    }
    term = current_term(terms, status_date)  # Plan.current_term would build the calendar again
    if term is not None:
        spans["mandat"] = (term["start"], term["end"])
    starts = [start for start, _end in spans.values() if pd.notna(start)]
    ends = [end for _start, end in spans.values() if pd.notna(end)]
    if starts:
        low, high = min(starts), max(ends)
        touching = terms[(terms["end"] > low) & (terms["start"] < high)]
        spans["tout"] = (min([low, *touching["start"]]), max([high, *touching["end"]]))
    start, end = spans.get(view.zoom, spans.get("plan", (None, None)))
    if pd.isna(start) or pd.isna(end):
        today = pd.Timestamp(status_date)
        start, end = today - pd.Timedelta(days=365), today + pd.Timedelta(days=365)
    if view.start:
        start = pd.Timestamp(view.start)
    if view.end:
        end = pd.Timestamp(view.end) + pd.Timedelta(days=1)
    return pd.Timestamp(start), pd.Timestamp(end)
