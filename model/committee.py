"""What a steering committee looks at: the term's actions, météo per axis, attention points
and expected decisions. Pure pandas, from the visible actions."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from model.filters import OUTSIDE, visible_range
from model.plan import Plan
from model.view import View
from model.vocab import WEATHERS


def committee_view(view: View) -> View:
    """The committee looks at the current term unless the link names a period."""
    return view if (view.start or view.end) else replace(view, zoom="mandat")


def plan_in_range(plan: Plan, view: View, status_date: dt.date) -> Plan:
    """The plan restricted to actions that overlap the visible period (fewer, larger rows)."""
    start, end = visible_range(plan, view, status_date)
    actions = plan.actions
    overlap = (actions["start"] < end) & (actions["end"] + pd.Timedelta(days=1) > start)
    return replace(plan, actions=actions[overlap])


@dataclass(frozen=True)
class AxisWeather:
    axis_id: str
    title: str
    worst: str | None  # the worst météo among the axis's visible actions
    counts: tuple[tuple[str, int], ...]  # (météo code, number of actions), best to worst


def weather_by_axis(plan: Plan, actions: pd.DataFrame, outside_title: str) -> list[AxisWeather]:
    """Per axis (and « Hors stratégie »), how its visible actions feel, worst first named."""
    titles = dict(zip(plan.axes["id"], plan.axes["title"]))
    keys = actions["axis_id"].where(actions["axis_id"].isin(titles.keys()), OUTSIDE)
    result = []
    for axis_id in [*plan.axes["id"], OUTSIDE]:
        weathers = actions.loc[(keys == axis_id).to_numpy(bool), "weather"].dropna()
        if weathers.empty:
            continue
        counts = tuple((code, int((weathers == code).sum())) for code in WEATHERS
                       if (weathers == code).any())
        worst = max((code for code, _n in counts), key=WEATHERS.index)
        result.append(AxisWeather(axis_id, titles.get(axis_id, outside_title), worst, counts))
    return result


def with_text(actions: pd.DataFrame, column: str) -> pd.DataFrame:
    """Visible actions whose `attention` or `decision` is filled, in the plan's order."""
    return actions[actions[column].notna() & (actions[column].str.strip() != "")]

