"""What moved since a baseline version (`base=`): per action and milestone, the shift of its
dates in days, its status and météo changes, the progress gained, what was added and removed.

Actions are matched by id. Milestones are matched by id when the workbook gave one; an id
that the loader generated from the title (no id column) is not stable: « copil-2 » names
another milestone as soon as a row is inserted above, so those are matched by their action
id and title (and their rank among same-titled milestones of that action) instead.

A shift is current minus baseline, in whole days: « +45 » is 45 days later. "Late" follows
DESIGN.md at one status date for both versions, so a milestone "now late that was on time"
is late in the current version and not late in the baseline at the same date. No Dash here.
"""
from __future__ import annotations

import datetime as dt
import statistics
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.derive import milestone_states
from model.filters import visible_actions
from model.plan import Plan
from model.view import View

# `change` of a row; the order is the tie-break of "worst first" after the day shifts.
CHANGES: tuple[str, ...] = ("removed", "added", "changed", "unchanged")

ACTION_COLUMNS = {
    "id": "string", "title": "string", "change": "string",
    "start": "datetime64[s]", "end": "datetime64[s]",
    "base_start": "datetime64[s]", "base_end": "datetime64[s]",
    "start_shift": "Int64", "end_shift": "Int64",
    "status": "string", "base_status": "string", "status_changed": "bool",
    "weather": "string", "base_weather": "string", "weather_changed": "bool",
    "progress": "Float64", "base_progress": "Float64", "progress_gained": "Float64",
}
MILESTONE_COLUMNS = {
    "id": "string", "base_id": "string", "action_id": "string", "action_title": "string",
    "title": "string", "change": "string", "planned": "datetime64[s]",
    "base_planned": "datetime64[s]", "planned_shift": "Int64", "late": "bool", "base_late": "bool",
    "now_late": "bool",
}


@dataclass(frozen=True)
class SlippageKpis:
    compared: int  # actions present in both versions (within the view)
    slipped: int  # of those, how many end later than in the baseline
    pulled_in: int  # how many end earlier
    median_slip: float | None  # days, median end shift of the slipped actions
    worst_slip: int | None  # days, the largest end shift (None when nothing slipped)
    worst_action: str | None  # the id of the action that slipped most
    added: int
    removed: int
    status_changes: int
    weather_changes: int
    milestones_moved: int  # milestones present in both whose planned date changed
    milestones_now_late: int  # late now, not late in the baseline at the same status date
    milestones_added: int
    milestones_removed: int


@dataclass(frozen=True)
class Slippage:
    actions: pd.DataFrame  # ACTION_COLUMNS, one row per action in either version, worst first
    milestones: pd.DataFrame  # MILESTONE_COLUMNS, likewise
    kpis: SlippageKpis
    base_version: str  # the baseline's SHA-256

    def changed_actions(self) -> pd.DataFrame:
        """The rows worth a line in a table: everything but the unchanged actions."""
        return self.actions[self.actions["change"] != "unchanged"]

    def changed_milestones(self) -> pd.DataFrame:
        """Milestones added, removed, moved, or now late."""
        rows = self.milestones
        keep = (rows["change"] != "unchanged") | rows["now_late"]
        return rows[keep]


def compare(plan: Plan, base: Plan, status_date: dt.date, *,
            visible: Collection[str] | None = None,
            base_visible: Collection[str] | None = None,
            generated: Collection[str] = (), base_generated: Collection[str] = ()) -> Slippage:
    """The slippage of `plan` against its baseline `base`, at one status date.

    `visible` limits the comparison to these current action ids (the view's filters; None:
    all), `base_visible` the removed actions to these baseline ids. `generated` and
    `base_generated` are the milestone ids the loader generated from titles in each version
    (see `generated_milestone_ids`).
    """
    current_actions = _within(plan.actions, visible)
    base_actions = base.actions
    both_or_added = current_actions["id"]
    removed_ids = set(base_actions["id"]) - set(plan.actions["id"])
    base_scope = set(both_or_added) | (removed_ids & _ids(base_actions, base_visible))
    base_actions = base_actions[base_actions["id"].isin(base_scope)]
    actions = _action_rows(current_actions, base_actions)
    milestones = _milestone_rows(plan, base, current_actions, base_actions, status_date,
                                 set(generated), set(base_generated))
    return Slippage(actions=actions, milestones=milestones,
                    kpis=_kpis(actions, milestones), base_version=base.version)


def compare_view(plan: Plan, base: Plan, view: View, status_date: dt.date, *,
                 generated: Collection[str] = (),
                 base_generated: Collection[str] = ()) -> Slippage:
    """`compare` within a view's filters, applied to each version: an action present in the
    current version counts when the view shows it there, a removed one when the view would
    have shown it in the baseline."""
    shown = visible_actions(plan, view, status_date)["id"]
    base_shown = visible_actions(base, view, status_date)["id"]
    return compare(plan, base, status_date, visible=set(shown), base_visible=set(base_shown),
                   generated=generated, base_generated=base_generated)


def compare_loaded(current, base, view: View, status_date: dt.date) -> Slippage:
    """`compare_view` of two loaded versions (LoadResults: `plan`, `problems`, `sheets`),
    generated milestone ids taken from each one's warnings.

    Results are kept by the versions' SHA-256, the date and the view's filters: a link opens
    the timeline, the committee page and the exports of one comparison, and a plan version
    never changes, so the cache is read-only data, the same in every worker."""
    key = (current.plan.version, current.plan.source, base.plan.version, status_date,
           _filters(view))
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    slippage = compare_view(current.plan, base.plan, view, status_date,
                            generated=generated_milestone_ids(current.problems, current.sheets),
                            base_generated=generated_milestone_ids(base.problems, base.sheets))
    with _LOCK:
        _CACHE[key] = slippage
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return slippage


CACHE_SIZE = 32
_CACHE: OrderedDict[tuple, Slippage] = OrderedDict()
_LOCK = threading.Lock()


def _filters(view: View) -> tuple:
    """What of a view changes a comparison: its row filters (not zoom, colours, language)."""
    return (view.axes, view.services, view.owners, view.statuses, view.weathers, view.text,
            view.late_only, view.past_term_only)


def generated_milestone_ids(problems: Iterable, sheets: Iterable) -> frozenset[str]:
    """The milestone ids a loader generated from titles: its `id_generated` warnings on the
    sheet whose role is `milestones` (a LoadResult's `problems` and `sheets`)."""
    names = {sheet.sheet for sheet in sheets if sheet.role == "milestones"}
    return frozenset(str(problem.params.get("value")) for problem in problems
                     if problem.code == "id_generated" and problem.sheet in names)


# ---- actions ---------------------------------------------------------------------------

def _within(actions: pd.DataFrame, ids: Collection[str] | None) -> pd.DataFrame:
    return actions if ids is None else actions[actions["id"].isin(list(ids))]


def _ids(actions: pd.DataFrame, ids: Collection[str] | None) -> set[str]:
    return set(actions["id"]) if ids is None else set(ids)


# Rows are matched and compared in plain Python over each frame's columns, and the result
# framed once: a comparison is a few thousand dictionary look-ups, where a chain of pandas
# merges and masks cost a fixed half-second on this loaded machine even for 40 actions.

def _column(frame: pd.DataFrame, name: str) -> list:
    """A column as Python values, missing ones as None."""
    return frame[name].to_numpy(dtype=object, na_value=None).tolist()


def _day_numbers(frame: pd.DataFrame, name: str) -> list:
    """A date column as whole days since 1970 (None when missing): shifts are differences."""
    days = frame[name].to_numpy("datetime64[D]")
    numbers = days.astype("int64").tolist()
    return [None if missing else number for missing, number in zip(np.isnat(days), numbers)]


def _shift(now, before) -> int | None:
    return None if now is None or before is None else now - before


def _records(frame: pd.DataFrame, texts: list[str], dates: list[str]) -> dict[str, dict]:
    """id -> {field: value} for the first row of each id."""
    columns = {name: _column(frame, name) for name in texts}
    columns.update({name: _day_numbers(frame, name) for name in dates})
    rows: dict[str, dict] = {}
    for position, ident in enumerate(columns["id"]):
        if ident not in rows:
            rows[ident] = {name: values[position] for name, values in columns.items()}
    return rows


_NAT = np.iinfo("int64").min  # NumPy's NaT, as an integer


def _dates(numbers: list) -> np.ndarray:
    """Whole days since 1970 back to datetime64[s] (NaT for None)."""
    days = np.array([_NAT if number is None else number for number in numbers], dtype="int64")
    return days.astype("datetime64[D]").astype("datetime64[s]")


def _action_rows(current: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    texts = ["id", "title", "status", "weather", "progress"]
    now = _records(current, texts, ["start", "end"])
    before = _records(base, texts, ["start", "end"])
    ids = list(now) + [ident for ident in before if ident not in now]
    new, old = [now.get(ident) for ident in ids], [before.get(ident) for ident in ids]
    columns = {f"{prefix}{name}": [row[name] if row else None for row in rows]
               for prefix, rows in (("", new), ("base_", old))
               for name in ("title", "status", "weather", "progress", "start", "end")}
    both = [bool(row and was) for row, was in zip(new, old)]
    columns["id"] = ids
    columns["title"] = [title if title is not None else was for title, was
                        in zip(columns["title"], columns["base_title"])]
    for name in ("start", "end"):
        columns[f"{name}_shift"] = [_shift(day, was) for day, was
                                    in zip(columns[name], columns[f"base_{name}"])]
    for name in ("status", "weather"):
        columns[f"{name}_changed"] = [paired and value != was for paired, value, was
                                      in zip(both, columns[name], columns[f"base_{name}"])]
    columns["progress_gained"] = [
        None if value is None or was is None else round((value - was) * 100, 1)
        for value, was in zip(columns["progress"], columns["base_progress"])]
    columns["change"] = [
        "added" if was is None else "removed" if row is None else
        "changed" if (start or end or status or weather or row["progress"] != was["progress"]
                      or row["title"] != was["title"]) else "unchanged"
        for row, was, start, end, status, weather in zip(
            new, old, columns["start_shift"], columns["end_shift"],
            columns["status_changed"], columns["weather_changed"])]
    del columns["base_title"]
    return _worst_first(_frame(columns, ACTION_COLUMNS), ["end_shift", "start_shift"])


def _frame(columns: dict[str, list], dtypes: dict[str, str]) -> pd.DataFrame:
    """The rows' columns as one typed frame (dates given as whole days since 1970)."""
    data = {name: (_dates(values) if dtypes[name].startswith("datetime") else
                   pd.array(values, dtype=dtypes[name]))
            for name, values in columns.items()}
    return pd.DataFrame(data, columns=list(dtypes)).astype(dtypes)


def _worst_first(rows: pd.DataFrame, shifts: list[str],
                 first: pd.Series | None = None) -> pd.DataFrame:
    """Rows flagged `first` first, then the largest shift (a missing shift, for an added or
    removed row, counts as 0), then removed, added, changed, unchanged, then by id."""
    ranks = {change: n for n, change in enumerate(CHANGES)}
    keys = [rows["id"].astype(object).fillna("").to_numpy(str),
            np.array([ranks[change] for change in rows["change"]], dtype=int)]
    keys += [-rows[column].fillna(0).to_numpy("int64") for column in reversed(shifts)]
    if first is not None:
        keys.append(~first.to_numpy(bool))
    order = np.lexsort(keys) if len(rows) else np.array([], dtype=int)  # last key sorts first
    return rows.iloc[order].reset_index(drop=True)


# ---- milestones ------------------------------------------------------------------------

def _milestone_list(milestones: pd.DataFrame, actions: pd.DataFrame, generated: set[str],
                    status_date: dt.date) -> list[dict]:
    """The milestones of `actions`, each with its state at the date and its matching keys:
    the id (None when generated) and (action id, title, rank among same-titled milestones
    of the action)."""
    chosen = milestones[milestones["action_id"].isin(actions["id"])]
    late = (milestone_states(chosen, status_date) == "late").to_numpy(bool).tolist()
    columns = {name: _column(chosen, name) for name in ("id", "action_id", "title")}
    planned = _day_numbers(chosen, "planned")
    seen: dict[tuple, int] = {}
    rows = []
    for position, ident in enumerate(columns["id"]):
        action_id, title = columns["action_id"][position], columns["title"][position]
        pair = (action_id or "", (title or "").strip().casefold())
        rank = seen.get(pair, 0)
        seen[pair] = rank + 1
        rows.append({"id": ident, "action_id": action_id, "title": title,
                     "planned": planned[position], "late": late[position],
                     "id_key": None if ident in generated else ident,
                     "title_key": (*pair, rank)})
    return rows


def _match(current: list[dict], previous: list[dict]) -> list[tuple[int, int]]:
    """Pairs (current position, baseline position): first by explicit id, then by action
    and title."""
    pairs: list[tuple[int, int]] = []
    by_id = {row["id_key"]: n for n, row in enumerate(previous) if row["id_key"] is not None}
    taken_now, taken_before = set(), set()
    for n, row in enumerate(current):
        match = by_id.get(row["id_key"]) if row["id_key"] is not None else None
        if match is not None:
            pairs.append((n, match))
            taken_now.add(n)
            taken_before.add(match)
    by_title = {row["title_key"]: n for n, row in enumerate(previous) if n not in taken_before}
    for n, row in enumerate(current):
        if n in taken_now:
            continue
        match = by_title.get(row["title_key"])
        if match is not None:
            pairs.append((n, match))
            taken_before.add(match)
            del by_title[row["title_key"]]
    return pairs


def _milestone_rows(plan: Plan, base: Plan, current_actions: pd.DataFrame,
                    base_actions: pd.DataFrame, status_date: dt.date, generated: set[str],
                    base_generated: set[str]) -> pd.DataFrame:
    now = _milestone_list(plan.milestones, current_actions, generated, status_date)
    before = _milestone_list(base.milestones, base_actions, base_generated, status_date)
    pairs = _match(now, before)
    paired_now = {n: m for n, m in pairs}
    paired_before = set(paired_now.values())
    rows = [(row, before[paired_now[n]] if n in paired_now else None)
            for n, row in enumerate(now)]
    rows += [(None, old) for m, old in enumerate(before) if m not in paired_before]
    titles = dict(zip(_column(base_actions, "id"), _column(base_actions, "title")))
    # The current title wins.
    titles.update(zip(_column(current_actions, "id"), _column(current_actions, "title")))
    columns: dict[str, list] = {name: [] for name in MILESTONE_COLUMNS}
    empty: dict = {}
    for row, old in rows:
        row, old = row or empty, old or empty
        shift = _shift(row.get("planned"), old.get("planned"))
        late, base_late = bool(row.get("late")), bool(old.get("late"))
        if not old:
            change = "added"
        elif not row:
            change = "removed"
        elif shift or row["title"] != old["title"] or row["action_id"] != old["action_id"]:
            change = "changed"
        else:
            change = "unchanged"
        action_id = row.get("action_id") or old.get("action_id")
        for name, value in (
                ("id", row.get("id") or old.get("id")), ("base_id", old.get("id")),
                ("action_id", action_id),
                ("action_title", titles.get(action_id)),
                ("title", row.get("title") or old.get("title")), ("change", change),
                ("planned", row.get("planned")), ("base_planned", old.get("planned")),
                ("planned_shift", shift), ("late", late), ("base_late", base_late),
                ("now_late", bool(row) and bool(old) and late and not base_late)):
            columns[name].append(value)
    frame = _frame(columns, MILESTONE_COLUMNS)
    # Now-late milestones lead: they are what a committee must hear first.
    return _worst_first(frame, ["planned_shift"], first=frame["now_late"])


# ---- key figures -----------------------------------------------------------------------

def _kpis(actions: pd.DataFrame, milestones: pd.DataFrame) -> SlippageKpis:
    both = actions[actions["change"].isin(("changed", "unchanged"))]
    ends = both["end_shift"].dropna().astype(int)
    slips = ends[ends > 0]
    worst = None if slips.empty else int(slips.max())
    worst_action = None
    if worst is not None:
        worst_action = str(both.loc[slips.idxmax(), "id"])
    moved = milestones[milestones["base_id"].notna() & milestones["planned"].notna()]
    return SlippageKpis(
        compared=len(both), slipped=len(slips), pulled_in=int((ends < 0).sum()),
        median_slip=None if slips.empty else float(statistics.median(slips.tolist())),
        worst_slip=worst, worst_action=worst_action,
        added=int((actions["change"] == "added").sum()),
        removed=int((actions["change"] == "removed").sum()),
        status_changes=int(both["status_changed"].sum()),
        weather_changes=int(both["weather_changed"].sum()),
        milestones_moved=int((moved["planned_shift"].fillna(0) != 0).sum()),
        milestones_now_late=int(milestones["now_late"].sum()),
        milestones_added=int((milestones["change"] == "added").sum()),
        milestones_removed=int((milestones["change"] == "removed").sum()),
    )
