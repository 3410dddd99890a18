"""What is computed from a plan at a status date: lateness, milestone states, the term's end.

Definitions follow DESIGN.md's "words with one meaning"; everything is vectorised because
the filter callback runs these on thousands of actions.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from model.plan import Plan
from model.vocab import CLOSED_STATUSES

ONE_DAY = pd.Timedelta(days=1)
UPCOMING_DAYS = (30, 90)


def late_actions(actions: pd.DataFrame, status_date: dt.date) -> pd.Series:
    """Not done nor abandoned, and the end is before the status date."""
    closed = actions["status"].isin(CLOSED_STATUSES).fillna(False).astype(bool)
    return ~closed & (actions["end"] < pd.Timestamp(status_date))


def milestone_states(milestones: pd.DataFrame, status_date: dt.date) -> pd.Series:
    """`done`, `late`, `upcoming` (within 90 days) or `later`, per milestone."""
    day = pd.Timestamp(status_date)
    done = milestones["actual"].notna() | (milestones["status"] == "done").fillna(False)
    late = ~done & (milestones["planned"] < day)
    upcoming = ~done & ~late & (milestones["planned"] <= day + pd.Timedelta(days=90))
    states = np.select([done.to_numpy(bool), late.to_numpy(bool), upcoming.to_numpy(bool)],
                       ["done", "late", "upcoming"], "later")
    return pd.Series(states, index=milestones.index, dtype="string")


def term_end(plan: Plan, status_date: dt.date) -> pd.Timestamp | None:
    """The end of the current term (the first day of the next one), or None."""
    term = plan.current_term(status_date)
    return None if term is None else pd.Timestamp(term["end"])


def past_term(frame: pd.DataFrame, end_of_term: pd.Timestamp | None) -> pd.Series:
    """Rows (actions or axes) whose span runs past the end of the current term."""
    if end_of_term is None:
        return pd.Series(False, index=frame.index)
    return (frame["end"] + ONE_DAY) > end_of_term


def weighted_progress(actions: pd.DataFrame) -> float | None:
    """Progress weighted by each action's planned duration (days), over actions with progress."""
    known = actions[actions["progress"].notna()]
    if known.empty:
        return None
    days = ((known["end"] - known["start"]) / ONE_DAY + 1).astype(float)
    return float((known["progress"].astype(float) * days).sum() / days.sum())
