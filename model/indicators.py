"""Indicators: one per id, with its measures and whether it keeps to its trajectory.

The `Indicateurs` sheet has one row per measure; rows sharing an id describe one indicator
(its name, unit, attachment, reference and target are read from the first row that gives
them).

**On track** is judged at the latest measure's date (on or before the status date) against
the straight line from (reference date, reference value) to (target date, target); before
the reference date the line is the reference value, after the target date it is the target.
When the target is at or above the reference, higher is better and the indicator is on
track when its value is at or above the line; when the target is below the reference,
lower is better and it is on track at or below the line. Without a reference value and
date, a target date after the reference date, or a measure, the state is `unknown`.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from model.filters import OUTSIDE, visible_actions
from model.plan import Plan
from model.view import View

State = Literal["on_track", "off_track", "unknown"]
# A measure exactly on the line is on track, whatever floating-point rounding says.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str | None
    action_id: str | None  # the action it is attached to, if any
    action_title: str | None
    axis_id: str | None  # its own axis, or its action's axis
    axis_title: str | None
    ref_value: float | None
    ref_date: dt.date | None
    target: float | None
    target_date: dt.date | None
    measures: tuple[tuple[dt.date, float], ...]  # (measured on, value), oldest first
    expected: float | None  # the trajectory's value at the latest measure's date
    state: State
    missing: tuple[str, ...]  # why the state is unknown: "reference", "target_date", "measure"
    later_measures: int = 0  # measures after the status date, left out
    undated_measures: int = 0  # values without a measure date, left out

    @property
    def current(self) -> tuple[dt.date, float] | None:
        """The latest measure (date, value), or None."""
        return self.measures[-1] if self.measures else None

    @property
    def lower_is_better(self) -> bool | None:
        if self.ref_value is None or self.target is None:
            return None
        return self.target < self.ref_value


def trajectory_value(ref_date: dt.date, ref_value: float, target_date: dt.date, target: float,
                     day: dt.date) -> float:
    """The straight line from the reference to the target at `day` (flat outside them)."""
    span = (target_date - ref_date).days
    elapsed = min(max((day - ref_date).days, 0), span)
    return ref_value + (target - ref_value) * elapsed / span


def judge(ref_date: dt.date | None, ref_value: float | None, target_date: dt.date | None,
          target: float | None, measures: tuple[tuple[dt.date, float], ...]
          ) -> tuple[State, float | None, tuple[str, ...]]:
    """(state, expected value at the latest measure, reasons the state is unknown)."""
    missing = []
    if ref_date is None or ref_value is None:
        missing.append("reference")
    if target is None or target_date is None or (ref_date is not None
                                                 and target_date <= ref_date):
        missing.append("target_date")
    if not measures:
        missing.append("measure")
    if missing:
        return "unknown", None, tuple(missing)
    day, value = measures[-1]
    expected = trajectory_value(ref_date, ref_value, target_date, target, day)
    margin = TOLERANCE * max(1.0, abs(expected))
    if target < ref_value:
        on_track = value <= expected + margin
    else:
        on_track = value >= expected - margin
    return ("on_track" if on_track else "off_track"), expected, ()


DESCRIPTION = ("name", "unit", "action_id", "axis_id", "ref_value", "ref_date", "target",
               "target_date")


def indicators(plan: Plan, status_date: dt.date | None = None,
               frame: pd.DataFrame | None = None) -> list[Indicator]:
    """Every indicator of `frame` (default: the plan's), in workbook order, as of the date."""
    rows = plan.indicators if frame is None else frame
    if rows.empty:
        return []
    # One pass over the frame, not one per indicator: a groupby per id costs ~30 ms each.
    described = rows.groupby("id", sort=False)[list(DESCRIPTION)].first()
    valued = rows["value"].notna()
    dated = rows[valued & rows["measured_on"].notna()]
    later = (dated["measured_on"] > pd.Timestamp(status_date)) if status_date is not None \
        else pd.Series(False, index=dated.index)
    kept = dated[~later].sort_values("measured_on", kind="stable")
    measures: dict[str, list] = {}
    for identifier, day, value in zip(kept["id"], kept["measured_on"], kept["value"]):
        measures.setdefault(identifier, []).append((day.date(), float(value)))
    later_counts = dated.loc[later, "id"].value_counts().to_dict()
    undated_counts = rows.loc[valued & rows["measured_on"].isna(), "id"].value_counts().to_dict()
    action_titles = dict(zip(plan.actions["id"], plan.actions["title"]))
    action_axes = dict(zip(plan.actions["id"], plan.actions["axis_id"]))
    axis_titles = dict(zip(plan.axes["id"], plan.axes["title"]))
    result = []
    for identifier, described_row in zip(described.index, described.itertuples(index=False)):
        first = {column: _plain(value) for column, value in zip(DESCRIPTION, described_row)}
        action_id, axis_id = first["action_id"], first["axis_id"]
        action_title = None
        if action_id is not None and action_id in action_titles:
            action_title = _plain(action_titles[action_id])
            axis_id = axis_id or _plain(action_axes[action_id])
        series = tuple(measures.get(identifier, ()))
        state, expected, missing = judge(first["ref_date"], first["ref_value"],
                                         first["target_date"], first["target"], series)
        result.append(Indicator(
            id=str(identifier), name=first["name"] or str(identifier), unit=first["unit"],
            action_id=action_id, action_title=action_title, axis_id=axis_id,
            axis_title=axis_titles.get(axis_id) if axis_id else None,
            ref_value=first["ref_value"], ref_date=first["ref_date"], target=first["target"],
            target_date=first["target_date"], measures=series, expected=expected,
            state=state, missing=missing, later_measures=int(later_counts.get(identifier, 0)),
            undated_measures=int(undated_counts.get(identifier, 0)),
        ))
    return result


def visible_indicators(plan: Plan, view: View, status_date: dt.date) -> list[Indicator]:
    """Indicators of the visible actions, of the chosen axes (all axes when none is chosen),
    and those attached to nothing; with `action=`, only that action's."""
    rows = plan.indicators
    if view.action:
        return indicators(plan, status_date, rows[(rows["action_id"] == view.action)
                                                  .fillna(False).astype(bool)])
    shown_actions = visible_actions(plan, view, status_date)["id"]
    on_action = rows["action_id"].notna()
    on_axis = rows["axis_id"].notna() & ~on_action
    keep = ~on_action & ~on_axis
    keep |= (on_action & rows["action_id"].isin(shown_actions)).fillna(False).astype(bool)
    if view.axes:
        chosen = [axis for axis in view.axes if axis != OUTSIDE]
        keep |= (on_axis & rows["axis_id"].isin(chosen)).fillna(False).astype(bool)
    else:
        keep |= on_axis
    return indicators(plan, status_date, rows[keep])


def _plain(value):
    """A frame's cell as a plain Python value: None for any missing, dates as `date`."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars -> plain Python numbers
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


def action_title(plan: Plan, action_id: str | None) -> str | None:
    """The title of an action of the plan, or None."""
    if action_id is None:
        return None
    found = plan.actions.loc[plan.actions["id"] == action_id, "title"]
    return None if found.empty else str(found.iloc[0])
