"""Normalised vocabularies: the codes Horizon stores, in the order users expect them."""
from __future__ import annotations

# Status codes, in the order of an action's life. Codes are stable: URLs carry them.
STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "suspended", "abandoned")
# Météo codes, from best to worst.
WEATHERS: tuple[str, ...] = ("sunny", "cloudy", "rainy", "stormy")

# Statuses after which an action can no longer be late.
CLOSED_STATUSES = frozenset({"done", "abandoned"})

ROLES: tuple[str, ...] = ("strategy", "actions", "milestones", "terms", "indicators", "settings")
