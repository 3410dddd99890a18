"""The Plan: a strategy and its transformation plan as typed pandas frames."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import pandas as pd

from model.terms import ORGANISATION_CALENDAR, builtin_terms, current_term

# Column names and dtypes of each frame. Dates are whole days (datetime64[s] at midnight);
# an end date is inclusive: an action ending on 31 December covers that whole day.
# `row` is the Excel row number the user sees, so every reported problem can point at it.
# A `*_precision` is what the cell named: "day", "month", "quarter", "semester" or "year"
# (`T2 2026` as an end is 30 June 2026, precision "quarter"), so views can say « T2 2026 ».
AXIS_COLUMNS = {
    "id": "string", "title": "string", "purpose": "string",
    "start": "datetime64[s]", "end": "datetime64[s]", "color": "string", "row": "Int64",
}
ACTION_COLUMNS = {
    "id": "string", "axis_id": "string", "objective": "string", "title": "string",
    "owner": "string", "service": "string", "elected": "string",
    "start": "datetime64[s]", "end": "datetime64[s]", "start_precision": "string",
    "end_precision": "string", "status": "string", "progress": "Float64",
    "weather": "string", "budget": "Float64",
    "depends_on": "object", "description": "string", "attention": "string",
    "decision": "string", "extra": "object", "row": "Int64",
}
MILESTONE_COLUMNS = {
    "id": "string", "action_id": "string", "title": "string",
    "planned": "datetime64[s]", "planned_precision": "string", "actual": "datetime64[s]",
    "status": "string", "instance": "string", "row": "Int64",
}
TERM_COLUMNS = {
    "label": "string", "start": "datetime64[s]", "end": "datetime64[s]",
    "kind": "string", "provisional": "bool",
}
INDICATOR_COLUMNS = {
    "id": "string", "action_id": "string", "axis_id": "string", "name": "string",
    "unit": "string", "ref_value": "Float64", "ref_date": "datetime64[s]",
    "target": "Float64", "target_date": "datetime64[s]", "value": "Float64",
    "measured_on": "datetime64[s]", "row": "Int64",
}

PARIS = ZoneInfo("Europe/Paris")


def typed_frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """A frame with exactly `columns`, in order, with their dtypes (empty rows allowed)."""
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype(columns)


@dataclass(frozen=True)
class PlanSettings:
    title: str = ""
    organisation: str = ""
    organisation_type: str = "epci"  # commune, epci, departement, region
    status_date: dt.date | None = None


@dataclass(frozen=True)
class Plan:
    axes: pd.DataFrame = field(default_factory=lambda: typed_frame([], AXIS_COLUMNS))
    actions: pd.DataFrame = field(default_factory=lambda: typed_frame([], ACTION_COLUMNS))
    milestones: pd.DataFrame = field(default_factory=lambda: typed_frame([], MILESTONE_COLUMNS))
    terms: pd.DataFrame | None = None  # None: the built-in calendar of the organisation's type
    indicators: pd.DataFrame = field(default_factory=lambda: typed_frame([], INDICATOR_COLUMNS))
    settings: PlanSettings = field(default_factory=PlanSettings)
    source: str = ""
    version: str = ""  # SHA-256 of the source bytes

    @cached_property
    def calendar(self) -> pd.DataFrame:
        """The electoral terms in force: the workbook's `Mandats` sheet, else the built-in one."""
        if self.terms is not None and not self.terms.empty:
            return self.terms
        kind = ORGANISATION_CALENDAR.get(self.settings.organisation_type, "municipal")
        return builtin_terms(kind).astype(TERM_COLUMNS)

    def status_date(self, requested: dt.date | None = None) -> dt.date:
        """The URL's date, else the workbook's setting, else today in Europe/Paris."""
        if requested is not None:
            return requested
        if self.settings.status_date is not None:
            return self.settings.status_date
        return dt.datetime.now(PARIS).date()

    def current_term(self, status_date: dt.date) -> pd.Series | None:
        """The term containing the status date, or None when no term does."""
        return current_term(self.calendar, status_date)
