"""The key figures of a view: counts, progress, lateness, and what runs past the current term.

Computed on the visible (filtered) actions, so every filter changes them; no Dash here, the
strip that shows them is `components.kpis`. Words follow DESIGN.md's "words with one
meaning" (late, upcoming, past the term, weighted progress).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from model.derive import late_actions, milestone_states, past_term, weighted_progress
from model.filters import OUTSIDE, visible_actions
from model.plan import Plan
from model.view import View
from model.vocab import STATUSES

UPCOMING_SHORT, UPCOMING_LONG = 30, 90


@dataclass(frozen=True)
class PastTerm:
    """The visible commitments (actions not abandoned) that run past the current term."""
    term: str | None  # the current term's label (`2026–2032`), None when no term holds the date
    end: dt.date | None  # the current term's end (the next election's day)
    count: int
    budget: float | None  # their total budget; None when none of them has one
    axes: tuple[tuple[str, int], ...]  # (axis id or OUTSIDE, how many), in the strategy's order


@dataclass(frozen=True)
class Kpis:
    actions: int
    by_status: tuple[tuple[str | None, int], ...]  # (status code or None, count), life order
    weighted_progress: float | None  # 0–1, None when no visible action has a progress
    late_actions: int
    late_milestones: int
    upcoming_30: int  # milestones not done, planned within 30 days from the status date
    upcoming_90: int
    past_term: PastTerm
    outside_strategy: int  # visible actions attached to no axis of the strategy
    axes_without_action: tuple[str, ...]  # ids of axes that no action of the plan serves


def compute_kpis(plan: Plan, view: View, status_date: dt.date) -> Kpis:
    """The key figures of the actions a view shows, at a status date."""
    actions = visible_actions(plan, view, status_date)
    counts = actions["status"].value_counts(dropna=False)
    by_status = [(code, int(counts.get(code, 0))) for code in STATUSES]
    by_status.append((None, len(actions) - sum(count for _code, count in by_status)))
    milestones = plan.milestones[plan.milestones["action_id"].isin(actions["id"])]
    states = milestone_states(milestones, status_date).to_numpy(str)
    return Kpis(
        actions=len(actions),
        by_status=tuple((code, count) for code, count in by_status if count),
        weighted_progress=weighted_progress(actions),
        late_actions=int(late_actions(actions, status_date).sum()),
        late_milestones=int((states == "late").sum()),
        upcoming_30=_upcoming(milestones, states, status_date, UPCOMING_SHORT),
        upcoming_90=_upcoming(milestones, states, status_date, UPCOMING_LONG),
        past_term=_past_term(plan, actions, status_date),
        outside_strategy=int((~actions["axis_id"].isin(plan.axes["id"]).fillna(False)
                              .astype(bool)).sum()),
        axes_without_action=_axes_without_action(plan, view),
    )


def _upcoming(milestones: pd.DataFrame, states, status_date: dt.date, days: int) -> int:
    """Milestones not done and planned from the status date to `days` days after it."""
    day = pd.Timestamp(status_date)
    planned = milestones["planned"]
    window = ((planned >= day) & (planned <= day + pd.Timedelta(days=days))).to_numpy(bool)
    return int(((states != "done") & window).sum())


def _past_term(plan: Plan, actions: pd.DataFrame, status_date: dt.date) -> PastTerm:
    term = plan.current_term(status_date)
    cut = None if term is None else pd.Timestamp(term["end"])
    # An abandoned action commits nothing (the coherence page counts the same way).
    open_ = (actions["status"] != "abandoned").fillna(True).astype(bool)
    crossing = actions[(past_term(actions, cut) & open_).to_numpy(bool)]
    budgets = crossing["budget"].dropna()
    axis = crossing["axis_id"].where(crossing["axis_id"].isin(plan.axes["id"]), OUTSIDE)
    counts = axis.fillna(OUTSIDE).value_counts()
    order = [*plan.axes["id"], OUTSIDE]
    return PastTerm(
        term=None if term is None else str(term["label"]),
        end=None if cut is None else cut.date(),
        count=len(crossing),
        budget=float(budgets.sum()) if len(budgets) else None,
        axes=tuple((axis_id, int(counts[axis_id])) for axis_id in order if axis_id in counts),
    )


def _axes_without_action(plan: Plan, view: View) -> tuple[str, ...]:
    """Axes that no action of the whole plan serves (a strategy gap, whatever the filters),
    among the axes the view shows."""
    served = set(plan.actions["axis_id"].dropna().unique())
    return tuple(axis_id for axis_id in plan.axes["id"]
                 if axis_id not in served and (not view.axes or axis_id in view.axes))
