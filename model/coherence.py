"""Coherence between the strategy and the plan: which axes are served in which years, and gaps.

Pure pandas/numpy on the visible actions (the view's filters and status date), so the page,
the committee deck and tests share one answer.

Definitions:

- **Years of an action.** An action is active in every calendar year its span touches
  (start and end inclusive, whole days).
- **Budget per year.** An action's budget is spread over the years in proportion to its
  days: 100 000 € from 1 July 2025 to 30 June 2026 (365 days) gives 184/365 of it
  (50 411 €) to 2025 and 181/365 (49 589 €) to 2026. An action without a budget counts
  as an action and adds nothing to the budget.
- **Axes with no action in the next 12 months.** Axes whose horizon meets the window from
  the status date to the same day a year later (inclusive), and that no visible action
  still open (not done nor abandoned) meets in that window.
- **Past the current term.** Days from the current term's end (the next term's first day)
  on. For each axis: the visible actions, except abandoned ones, that run past it, their
  whole budget, and the part of that budget prorated to the days past the term (the figure
  that commits the next council).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.derive import term_end
from model.filters import OUTSIDE, visible_actions
from model.plan import Plan
from model.view import View
from model.vocab import CLOSED_STATUSES

WINDOW = pd.DateOffset(years=1)


@dataclass(frozen=True)
class YearMatrix:
    """Axes × years. Row order: the strategy's axes, then « Hors stratégie » (`OUTSIDE`)."""
    years: tuple[int, ...]
    rows: pd.DataFrame  # index axis key; title (NA for OUTSIDE), actions and budget totals
    actions: pd.DataFrame  # index axis key, one int column per year: actions active that year
    budget: pd.DataFrame  # same shape: budget spread over the years in proportion to days (€)
    year_actions: pd.Series  # per year, every row together
    year_budget: pd.Series
    unbudgeted: int  # visible actions without a budget (counted, adding 0 €)


@dataclass(frozen=True)
class Coherence:
    matrix: YearMatrix
    idle_axes: pd.DataFrame  # id, title, start, end, next_start (first later open action)
    outside_strategy: pd.DataFrame  # the visible actions outside the strategy
    # the actions, with axis_title, axis_start, axis_end, starts_before, ends_after
    outside_horizon: pd.DataFrame
    # the milestones, with action_title, start, end, planned_outside, actual_outside
    milestones_outside: pd.DataFrame
    past_term: pd.DataFrame  # index axis key: title, actions, budget, budget_past_term
    term_end: pd.Timestamp | None  # first day past the current term; None without a term
    window_end: pd.Timestamp  # last day of the 12-month window


def year_days(starts: pd.Series, ends: pd.Series, years: list[int]) -> np.ndarray:
    """Days of each span (inclusive) falling in each calendar year: shape (spans, years)."""
    start = starts.to_numpy("datetime64[D]")[:, None]
    end = ends.to_numpy("datetime64[D]")[:, None]
    year_start = np.array([f"{year:04d}-01-01" for year in years], dtype="datetime64[D]")
    year_end = np.array([f"{year:04d}-12-31" for year in years], dtype="datetime64[D]")
    overlap = (np.minimum(end, year_end[None, :]) - np.maximum(start, year_start[None, :]))
    return np.clip(overlap.astype("int64") + 1, 0, None)


def span_days(starts: pd.Series, ends: pd.Series) -> np.ndarray:
    """Days of each span, start and end included."""
    return (ends.to_numpy("datetime64[D]") - starts.to_numpy("datetime64[D]")).astype("int64") + 1


def budget_by_year(actions: pd.DataFrame, years: list[int] | None = None) -> pd.DataFrame:
    """Each action's budget spread over the calendar years in proportion to its days (€)."""
    if years is None:
        years = _years(actions)
    days = year_days(actions["start"], actions["end"], years)
    total = span_days(actions["start"], actions["end"])
    budget = actions["budget"].astype("float64").fillna(0.0).to_numpy()
    spread = budget[:, None] * days / total[:, None]
    return pd.DataFrame(spread, index=actions["id"].to_numpy(object), columns=years)


def axis_keys(plan: Plan, actions: pd.DataFrame) -> pd.Series:
    """Each action's axis id, or `OUTSIDE` when it has none or names no axis of the strategy."""
    known = actions["axis_id"].isin(plan.axes["id"]).fillna(False).astype(bool)
    return actions["axis_id"].astype(object).where(known, OUTSIDE)


def shown_axes(plan: Plan, view: View) -> pd.DataFrame:
    """The strategy's axes the view shows: those chosen in `axes=`, else all."""
    if view.axes:
        return plan.axes[plan.axes["id"].isin(view.axes)]
    return plan.axes


def year_matrix(plan: Plan, view: View, actions: pd.DataFrame) -> YearMatrix:
    """Actions and budget per axis and per calendar year the visible actions touch."""
    actions = actions[actions["start"].notna() & actions["end"].notna()]
    years = _years(actions)
    keys = axis_keys(plan, actions).to_numpy(object)
    axes = shown_axes(plan, view)
    order = list(axes["id"])
    titles = dict(zip(axes["id"], axes["title"]))
    if (keys == OUTSIDE).any():
        order.append(OUTSIDE)
    days = year_days(actions["start"], actions["end"], years)
    active = pd.DataFrame((days > 0).astype("int64"), columns=years).groupby(keys).sum()
    spread = budget_by_year(actions, years).set_axis(range(len(actions))).groupby(keys).sum()
    active = active.reindex(order, fill_value=0).astype("int64")
    spread = spread.reindex(order, fill_value=0.0).astype("float64")
    counts = pd.Series(keys).value_counts()
    budgets = pd.Series(actions["budget"].astype("float64").fillna(0.0).to_numpy()).groupby(
        keys).sum()
    rows = pd.DataFrame({
        "title": pd.Series([titles.get(key, pd.NA) for key in order], index=order,
                           dtype="string"),
        "actions": counts.reindex(order, fill_value=0).astype("int64"),
        "budget": budgets.reindex(order, fill_value=0.0).astype("float64"),
    }, index=pd.Index(order, dtype=object))
    return YearMatrix(years=tuple(years), rows=rows, actions=active, budget=spread,
                      year_actions=active.sum(axis=0), year_budget=spread.sum(axis=0),
                      unbudgeted=int(actions["budget"].isna().sum()))


def idle_axes(plan: Plan, view: View, actions: pd.DataFrame, status_date: dt.date) -> pd.DataFrame:
    """Axes whose horizon meets the next 12 months but no open visible action does."""
    day = pd.Timestamp(status_date)
    window_end = day + WINDOW
    axes = shown_axes(plan, view)
    axes = axes[(axes["start"] <= window_end) & (axes["end"] >= day)]
    open_actions = actions[~actions["status"].isin(CLOSED_STATUSES).fillna(False).astype(bool)]
    serving = open_actions[(open_actions["start"] <= window_end) & (open_actions["end"] >= day)]
    idle = axes[~axes["id"].isin(serving["axis_id"].dropna())]
    later = open_actions[open_actions["start"] > window_end]
    next_start = later.groupby("axis_id")["start"].min()
    result = idle[["id", "title", "start", "end"]].copy()
    # reindex, not map: pandas 3 maps through an empty datetime Series as float64.
    result["next_start"] = (next_start.astype("datetime64[s]")
                            .reindex(result["id"].to_numpy(object)).to_numpy())
    return result.reset_index(drop=True)


def outside_strategy(plan: Plan, actions: pd.DataFrame) -> pd.DataFrame:
    """Visible actions attached to no axis of the strategy."""
    return actions[(axis_keys(plan, actions) == OUTSIDE).to_numpy(bool)].reset_index(drop=True)


def outside_horizon(plan: Plan, actions: pd.DataFrame) -> pd.DataFrame:
    """Visible actions that start before, or end after, their axis's horizon."""
    axes = plan.axes[["id", "title", "start", "end"]].rename(columns={
        "id": "axis_id", "title": "axis_title", "start": "axis_start", "end": "axis_end"})
    joined = actions.merge(axes, on="axis_id", how="inner")
    joined["starts_before"] = (joined["start"] < joined["axis_start"]).fillna(False)
    joined["ends_after"] = (joined["end"] > joined["axis_end"]).fillna(False)
    return joined[joined["starts_before"] | joined["ends_after"]].reset_index(drop=True)


def milestones_outside(plan: Plan, actions: pd.DataFrame) -> pd.DataFrame:
    """Milestones of visible actions planned (or done) before their action's start or after
    its end."""
    owners = actions[["id", "title", "start", "end"]].rename(columns={
        "id": "action_id", "title": "action_title"})
    joined = plan.milestones.merge(owners, on="action_id", how="inner")

    def outside(day: pd.Series) -> pd.Series:
        return (day.notna() & ((day < joined["start"]) | (day > joined["end"]))).astype(bool)

    joined["planned_outside"] = outside(joined["planned"])
    joined["actual_outside"] = outside(joined["actual"])
    return joined[joined["planned_outside"] | joined["actual_outside"]].reset_index(drop=True)


def past_term_by_axis(plan: Plan, view: View, actions: pd.DataFrame,
                      end_of_term: pd.Timestamp | None) -> pd.DataFrame:
    """Per axis: actions (not abandoned) running past the term, whole and prorated budget."""
    columns = {"title": "string", "actions": "int64", "budget": "float64",
               "budget_past_term": "float64"}
    if end_of_term is None:
        return pd.DataFrame(columns=list(columns)).astype(columns)
    committing = actions[(actions["end"] >= end_of_term)
                         & (actions["status"] != "abandoned").fillna(True).astype(bool)]
    starts = committing["start"].where(committing["start"] >= end_of_term, end_of_term)
    share = span_days(starts, committing["end"]) / span_days(committing["start"], committing["end"])
    budget = committing["budget"].astype("float64")
    keys = axis_keys(plan, committing).to_numpy(object)
    frame = pd.DataFrame({"actions": 1, "budget": budget.fillna(0.0).to_numpy(),
                          "budget_past_term": (budget.fillna(0.0) * share).to_numpy()})
    sums = frame.groupby(keys).sum()
    axes = shown_axes(plan, view)
    order = [axis for axis in [*axes["id"], OUTSIDE] if axis in sums.index]
    titles = dict(zip(axes["id"], axes["title"]))
    result = sums.reindex(order)
    result.insert(0, "title", pd.Series([titles.get(key, pd.NA) for key in order],
                                        index=result.index, dtype="string"))
    return result.astype(columns)


def coherence_report(plan: Plan, view: View, status_date: dt.date) -> Coherence:
    """The matrix and the gap lists of the view's visible actions at the status date."""
    actions = visible_actions(plan, view, status_date)
    cut = term_end(plan, status_date)
    return Coherence(
        matrix=year_matrix(plan, view, actions),
        idle_axes=idle_axes(plan, view, actions, status_date),
        outside_strategy=outside_strategy(plan, actions),
        outside_horizon=outside_horizon(plan, actions),
        milestones_outside=milestones_outside(plan, actions),
        past_term=past_term_by_axis(plan, view, actions, cut),
        term_end=cut,
        window_end=pd.Timestamp(status_date) + WINDOW,
    )


def _years(actions: pd.DataFrame) -> list[int]:
    """Every calendar year from the first start to the last end (none for no action)."""
    if actions.empty or actions["start"].isna().all():
        return []
    return list(range(actions["start"].min().year, actions["end"].max().year + 1))
