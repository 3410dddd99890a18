"""Columns a deployment hides from viewers (`HORIZON_HIDDEN_COLUMNS`): names, budgets and
remarks can be personal or sensitive data.

The plan itself is redacted, before any page, table, hover, detail or export reads it:
nothing downstream needs to know, and nothing can forget. The redacted plan keeps its
version, so links and exports name the same version for everyone.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace

import pandas as pd

from loaders import LoadResult
from loaders.columns import ACTIONS, match_column, normalise

# The action columns that may be hidden, and the name of the workbook's unknown columns
# (kept as « autres colonnes » in the details panel).
HIDEABLE = ("objective", "owner", "service", "elected", "budget", "description", "attention",
            "decision", "extra")
EXTRA_NAMES = ("autres colonnes", "other columns", "extra")
_CACHE_SIZE = 16
_cache: OrderedDict = OrderedDict()  # (version, source, hidden) -> (actions, redacted)
_lock = threading.Lock()


def hideable_names() -> list[str]:
    """The French names accepted by the setting, in the workbook's column order."""
    return [ACTIONS.column(field).header for field in HIDEABLE if field != "extra"] + [
        EXTRA_NAMES[0]]


def parse_hidden(names: tuple[str, ...] | list[str]) -> frozenset[str]:
    """The model fields named by the setting (French or English headers or their aliases);
    an unknown name stops the server with one sentence rather than showing what it hides."""
    fields = set()
    for name in names:
        if normalise(name) in {normalise(extra) for extra in EXTRA_NAMES}:
            fields.add("extra")
            continue
        column, _unit = match_column(ACTIONS, name)
        if column is None or column.field not in HIDEABLE:
            allowed = ", ".join(hideable_names())
            raise ValueError(f"HORIZON_HIDDEN_COLUMNS : « {name} » n'est pas une colonne "
                             f"qui peut être cachée ({allowed}).")
        fields.add(column.field)
    return frozenset(fields)


def redact(loaded: LoadResult | None, hidden: frozenset[str]) -> LoadResult | None:
    """`loaded` without the hidden columns' values, nor the problems that quote them."""
    if loaded is None or not hidden:
        return loaded
    plan = loaded.plan
    key = (plan.version, plan.source, hidden)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] is plan.actions:
            _cache.move_to_end(key)
            return cached[1]
    actions = plan.actions.copy()
    for field in hidden:
        if field == "extra":
            actions["extra"] = pd.Series([{}] * len(actions), index=actions.index, dtype=object)
        else:
            actions[field] = pd.Series(pd.NA, index=actions.index, dtype=actions[field].dtype)
    problems = tuple(problem for problem in loaded.problems
                     if not _quotes_hidden(problem, hidden))
    redacted = replace(loaded, plan=replace(plan, actions=actions), problems=problems)
    with _lock:
        _cache[key] = (plan.actions, redacted)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return redacted


def _quotes_hidden(problem, hidden: frozenset[str]) -> bool:
    """Whether a problem is about a hidden column of the actions' sheet (its sentence may
    quote the cell, a budget or a name)."""
    if problem.column is None:
        return False
    column, _unit = match_column(ACTIONS, problem.column)
    if column is not None:
        return column.field in hidden
    # A column the loader did not know is one of the « autres colonnes ».
    return "extra" in hidden and problem.code in ("cell_truncated", "formula_without_value")
