"""Raw sheets -> Plan + problems: header matching, typed values, and the row checks.

Every non-blank data row ends up either in the plan or in a Problem of severity "error";
warnings keep the row. Row numbers are Excel's, because users quote the row they see.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from loaders.columns import (ACTIONS, INDICATORS, MILESTONES, SETTING_KEYS, SETTINGS, STRATEGY,
                             TERMS, Column, SheetSchema, match_column, match_sheet, normalise)
from loaders.problems import Problem, ValueProblem
from loaders.reading import RawSheet, RawWorkbook
from loaders import values
from model.plan import (ACTION_COLUMNS, AXIS_COLUMNS, INDICATOR_COLUMNS, MILESTONE_COLUMNS,
                        TERM_COLUMNS, Plan, PlanSettings, typed_frame)

HEADER_SEARCH_ROWS = 30  # a header may sit below a few title rows


@dataclass
class SheetReport:
    sheet: str
    role: str
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    blank: int = 0

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "role": self.role, "read": self.read,
                "loaded": self.loaded, "rejected": self.rejected, "blank": self.blank}


@dataclass
class Table:
    """One sheet once its header is found: the data rows and where each column sits."""
    sheet: RawSheet
    schema: SheetSchema
    header_index: int  # index in sheet.rows of the header row
    positions: dict[str, int]  # field -> column index
    headers: dict[str, str]  # field -> header as written (for problems)
    units: dict[str, str | None]
    extras: dict[int, str]  # column index -> header of columns the contract does not know
    report: SheetReport = field(init=False)

    def __post_init__(self):
        self.report = SheetReport(self.sheet.name, self.schema.role)

    def excel_row(self, index: int) -> int:
        return self.sheet.first_row + index

    def data_rows(self):
        """(Excel row number, cells) of every non-blank row below the header; counts blanks."""
        for index in range(self.header_index + 1, len(self.sheet.rows)):
            cells = self.sheet.rows[index]
            self.report.read += 1
            if _is_blank(cells):
                self.report.blank += 1
                continue
            yield self.excel_row(index), cells


def _is_blank(cells: list) -> bool:
    for cell in cells:
        if cell is not None and cell != "" and not (isinstance(cell, str) and not cell.strip()):
            return False
    return True


def _cell(cells: list, position: int | None):
    if position is None or position >= len(cells):
        return None
    return cells[position]


def find_table(sheet: RawSheet, schema: SheetSchema) -> Table | None:
    """Locate the header row (the row naming most of the schema's columns) and map columns."""
    best: tuple[int, int] | None = None  # (matches, index)
    for index, cells in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        matched = {column.field for cell in cells if isinstance(cell, str) and cell.strip()
                   for column in [match_column(schema, cell)[0]] if column}
        required = {column.field for column in schema.columns if column.required}
        score = len(matched) + len(matched & required)
        if matched & required and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        return None
    index = best[1]
    positions, headers, units, extras = {}, {}, {}, {}
    for position, cell in enumerate(sheet.rows[index]):
        text = values.cell_text(cell)
        if not text:
            continue
        column, unit = match_column(schema, text)
        if column is None:
            extras[position] = text
        elif column.field not in positions:
            positions[column.field], headers[column.field] = position, text
            units[column.field] = unit
        else:
            extras[position] = text
    return Table(sheet, schema, index, positions, headers, units, extras)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "ligne"


class Builder:
    """Builds one Plan from one RawWorkbook, collecting problems as it goes."""

    def __init__(self, workbook: RawWorkbook):
        self.workbook = workbook
        self.problems: list[Problem] = list(workbook.problems)
        self.reports: list[SheetReport] = []
        self.date1904 = getattr(workbook, "date1904", False)

    # --- problems -------------------------------------------------------------------
    def report(self, table: Table | None, row: int | None, field_name: str | None, code: str,
               severity: str = "error", sheet: str | None = None, **params) -> None:
        column = table.headers.get(field_name, field_name) if table and field_name else field_name
        self.problems.append(Problem(sheet or table.sheet.name, row, column, code, severity,
                                     params))

    # --- typed values ---------------------------------------------------------------
    def value(self, table: Table, row: int, cells: list, column_field: str, parse, *args):
        """Parse one cell; on failure report it as a warning and return None."""
        try:
            return parse(_cell(cells, table.positions.get(column_field)), *args)
        except ValueProblem as problem:
            self.report(table, row, column_field, problem.code, "warning", **problem.params)
            return None

    def text(self, table: Table, cells: list, column_field: str) -> str | None:
        return values.cell_text(_cell(cells, table.positions.get(column_field)))

    def date(self, table: Table, row: int, cells: list, column_field: str, *, required: bool,
             end: bool, errors: list) -> dt.date | None:
        """A date cell: its first day for a start, its last for an end; problems collected."""
        raw = _cell(cells, table.positions.get(column_field))
        try:
            period = values.parse_date(raw, date1904=self.date1904)
        except ValueProblem as problem:
            errors.append((column_field, problem.code, problem.params))
            return None
        if period is None:
            if required:
                errors.append((column_field, "date_missing", {}))
            return None
        return period.last if end else period.first

    def reject(self, table: Table, row: int, errors: list) -> bool:
        """Report a row's errors; True when the row must be dropped."""
        for column_field, code, params in errors:
            self.report(table, row, column_field, code, "error", **params)
        if errors:
            table.report.rejected += 1
        return bool(errors)

    def identify(self, table: Table, row: int, cells: list, title: str, seen: dict,
                 errors: list) -> str:
        """The row's id, or one generated from its title (with a warning); duplicates rejected."""
        identifier = self.text(table, cells, "id")
        if identifier is None:
            base = _slug(title)
            identifier, suffix = base, 2
            while identifier in seen:
                identifier, suffix = f"{base}-{suffix}", suffix + 1
            self.report(table, row, "id" if "id" in table.positions else None, "id_generated",
                        "warning", value=identifier)
        elif identifier in seen:
            errors.append(("id", "id_duplicated", {"value": identifier,
                                                   "first_row": seen[identifier]}))
        return identifier

    # --- sheets ---------------------------------------------------------------------
    def tables(self) -> dict[str, Table]:
        """The table of each role, found by sheet name, else (plan only) by its header."""
        found: dict[str, Table] = {}
        unnamed: list[RawSheet] = []
        for sheet in self.workbook.sheets:
            schema = match_sheet(sheet.name)
            if schema is None:
                if sheet.visible:
                    unnamed.append(sheet)
                continue
            if schema.role in found:
                continue
            table = find_table(sheet, schema)
            if table is None and schema is SETTINGS:
                # Settings are often written as bare key/value pairs, without a header.
                table = Table(sheet, schema, -1, {"key": 0, "value": 1},
                              {"key": "A", "value": "B"}, {}, {})
            if table is None:
                self.missing_columns(sheet, schema)
                continue
            found[schema.role] = table
        if "actions" not in found:
            # A workbook with one sheet of dated actions (or a CSV) is read as the plan.
            for sheet in unnamed:
                table = find_table(sheet, ACTIONS)
                if table and {"title", "start"} <= table.positions.keys():
                    found["actions"] = table
                    break
        return found

    def missing_columns(self, sheet: RawSheet, schema: SheetSchema) -> None:
        """A documented sheet whose header names no required column: every row is reported."""
        report = SheetReport(sheet.name, schema.role)
        rows = [cells for cells in sheet.rows]
        report.read = len(rows)
        report.blank = sum(1 for cells in rows if _is_blank(cells))
        report.rejected = report.read - report.blank
        self.reports.append(report)
        for column in schema.columns:
            if column.required:
                self.problems.append(Problem(sheet.name, sheet.first_row, column.header,
                                             "column_missing", "error",
                                             {"expected": column.header}))

    def check_required(self, table: Table) -> bool:
        """Report required columns absent from the header; False when rows cannot load."""
        missing = [column for column in table.schema.columns
                   if column.required and column.field not in table.positions]
        if table.schema is ACTIONS and not {"end", "duration"} & table.positions.keys():
            missing.append(ACTIONS.column("end"))
        for column in missing:
            self.problems.append(Problem(table.sheet.name, table.excel_row(table.header_index),
                                         column.header, "column_missing", "error",
                                         {"expected": column.header}))
        return not missing

    def run(self) -> Plan:
        tables = self.tables()
        if "actions" not in tables:
            self.problems.append(Problem(self.workbook.name, None, None, "no_plan_sheet",
                                         "error", {}))
        usable = {role: table for role, table in tables.items() if self.check_required(table)}
        settings = self.settings(tables.get("settings"))
        axes = self.axes(usable.get("strategy"))
        actions = self.actions(usable.get("actions"), axes)
        milestones = self.milestones(usable.get("milestones"), actions)
        terms = self.terms(usable.get("terms"))
        indicators = self.indicators(usable.get("indicators"), actions, axes)
        for role, table in tables.items():
            if role not in usable:
                for _row, _cells in table.data_rows():
                    table.report.rejected += 1
            self.reports.append(table.report)
        self.reports.sort(key=lambda report: [s.name for s in self.workbook.sheets]
                          .index(report.sheet))
        return Plan(
            axes=typed_frame(axes, AXIS_COLUMNS),
            actions=typed_frame(actions, ACTION_COLUMNS),
            milestones=typed_frame(milestones, MILESTONE_COLUMNS),
            terms=typed_frame(terms, TERM_COLUMNS) if terms else None,
            indicators=typed_frame(indicators, INDICATOR_COLUMNS),
            settings=settings,
        )

    # --- one method per role ----------------------------------------------------------
    def axes(self, table: Table | None) -> list[dict]:
        rows: list[dict] = []
        if table is None:
            return rows
        seen: dict[str, int] = {}
        for row, cells in table.data_rows():
            errors: list = []
            title = self.text(table, cells, "title")
            if title is None:
                errors.append(("title", "title_missing", {}))
            start = self.date(table, row, cells, "start", required=True, end=False, errors=errors)
            end = self.date(table, row, cells, "end", required=True, end=True, errors=errors)
            _check_order(start, end, errors)
            identifier = self.identify(table, row, cells, title, seen, errors) if title else None
            if self.reject(table, row, errors):
                continue
            seen[identifier] = row
            rows.append({"id": identifier, "title": title,
                         "purpose": self.text(table, cells, "purpose"), "start": start,
                         "end": end, "color": self.text(table, cells, "color"), "row": row})
            table.report.loaded += 1
        return rows

    def actions(self, table: Table | None, axes: list[dict]) -> list[dict]:
        rows: list[dict] = []
        if table is None:
            return rows
        axis_ids = {axis["id"] for axis in axes}
        axis_titles = {normalise(axis["title"]): axis["id"] for axis in axes}
        progress_position = table.positions.get("progress")
        progress = iter(values.parse_progress_column(
            [_cell(cells, progress_position) for _row, cells in _peek_rows(table)]))
        seen: dict[str, int] = {}
        for row, cells in table.data_rows():
            errors: list = []
            row_progress = next(progress)
            title = self.text(table, cells, "title")
            if title is None:
                errors.append(("title", "title_missing", {}))
            start = self.date(table, row, cells, "start", required=True, end=False, errors=errors)
            end = self.date(table, row, cells, "end", required="duration" not in table.positions,
                            end=True, errors=errors)
            if end is None and start is not None and "duration" in table.positions:
                end = self.value(table, row, cells, "duration", _duration_end(start),
                                 table.units.get("duration"))
                if end is None and not errors:
                    errors.append(("end", "date_missing", {}))
            _check_order(start, end, errors)
            identifier = self.identify(table, row, cells, title, seen, errors) if title else None
            if self.reject(table, row, errors):
                continue
            seen[identifier] = row
            axis_ref = self.text(table, cells, "axis_id")
            axis_id = None
            if axis_ref is not None:
                axis_id = axis_ref if axis_ref in axis_ids else axis_titles.get(normalise(axis_ref))
                if axis_id is None:
                    self.report(table, row, "axis_id", "axis_unknown", "warning", value=axis_ref)
            if isinstance(row_progress, ValueProblem):
                self.report(table, row, "progress", row_progress.code, "warning",
                            **row_progress.params)
                row_progress = None
            rows.append({
                "id": identifier, "axis_id": axis_id,
                "objective": self.text(table, cells, "objective"), "title": title,
                "owner": self.text(table, cells, "owner"),
                "service": self.text(table, cells, "service"),
                "elected": self.text(table, cells, "elected"), "start": start, "end": end,
                "status": self.value(table, row, cells, "status", values.parse_status),
                "progress": row_progress,
                "weather": self.value(table, row, cells, "weather", values.parse_weather),
                "budget": self.value(table, row, cells, "budget", values.parse_money,
                                     table.units.get("budget")),
                "depends_on": self.value(table, row, cells, "depends_on", values.parse_ids) or (),
                "description": self.text(table, cells, "description"),
                "attention": self.text(table, cells, "attention"),
                "decision": self.text(table, cells, "decision"),
                "extra": {header: text for position, header in table.extras.items()
                          if (text := values.cell_text(_cell(cells, position)))},
                "row": row,
            })
            table.report.loaded += 1
        self.check_actions(table, rows, {axis["id"]: axis for axis in axes})
        return rows

    def check_actions(self, table: Table, actions: list[dict], axes: dict[str, dict]) -> None:
        """Warnings that keep the row: unknown dependencies, actions outside their axis."""
        ids = {action["id"] for action in actions}
        for action in actions:
            unknown = [ref for ref in action["depends_on"] if ref not in ids]
            if unknown:
                self.report(table, action["row"], "depends_on", "dependency_unknown", "warning",
                            value=", ".join(unknown))
                action["depends_on"] = tuple(ref for ref in action["depends_on"] if ref in ids)
            axis = axes.get(action["axis_id"])
            if axis and (action["start"] < axis["start"] or action["end"] > axis["end"]):
                self.report(table, action["row"], None, "action_outside_axis", "warning",
                            start=_fmt(action["start"]), end=_fmt(action["end"]),
                            axis_start=_fmt(axis["start"]), axis_end=_fmt(axis["end"]))

    def milestones(self, table: Table | None, actions: list[dict]) -> list[dict]:
        rows: list[dict] = []
        if table is None:
            return rows
        by_id = {action["id"]: action for action in actions}
        seen: dict[str, int] = {}
        for row, cells in table.data_rows():
            errors: list = []
            title = self.text(table, cells, "title")
            if title is None:
                errors.append(("title", "title_missing", {}))
            action_id = self.text(table, cells, "action_id")
            if action_id is None:
                errors.append(("action_id", "value_missing", {}))
            elif action_id not in by_id:
                errors.append(("action_id", "action_unknown", {"value": action_id}))
            planned = self.date(table, row, cells, "planned", required=True, end=True,
                                errors=errors)
            actual = self.date(table, row, cells, "actual", required=False, end=True,
                               errors=errors)
            identifier = self.identify(table, row, cells, title, seen, errors) if title else None
            if self.reject(table, row, errors):
                continue
            seen[identifier] = row
            action = by_id[action_id]
            if not action["start"] <= planned <= action["end"]:
                self.report(table, row, "planned", "milestone_outside_action", "warning",
                            date=_fmt(planned), start=_fmt(action["start"]),
                            end=_fmt(action["end"]))
            rows.append({"id": identifier, "action_id": action_id, "title": title,
                         "planned": planned, "actual": actual,
                         "status": self.value(table, row, cells, "status", values.parse_status),
                         "instance": self.text(table, cells, "instance"), "row": row})
            table.report.loaded += 1
        return rows

    def terms(self, table: Table | None) -> list[dict]:
        rows: list[dict] = []
        if table is None:
            return rows
        for row, cells in table.data_rows():
            errors: list = []
            label = self.text(table, cells, "label")
            if label is None:
                errors.append(("label", "title_missing", {}))
            start = self.date(table, row, cells, "start", required=True, end=False, errors=errors)
            end = self.date(table, row, cells, "end", required=True, end=True, errors=errors)
            _check_order(start, end, errors)
            if self.reject(table, row, errors):
                continue
            rows.append({"label": label, "start": start, "end": end,
                         "kind": self.text(table, cells, "kind") or "", "provisional": False})
            table.report.loaded += 1
        return rows

    def indicators(self, table: Table | None, actions: list[dict], axes: list[dict]) -> list[dict]:
        rows: list[dict] = []
        if table is None:
            return rows
        action_ids = {action["id"] for action in actions}
        axis_ids = {axis["id"] for axis in axes}
        axis_titles = {normalise(axis["title"]): axis["id"] for axis in axes}
        for row, cells in table.data_rows():
            errors: list = []
            identifier = self.text(table, cells, "id")
            if identifier is None:
                errors.append(("id", "value_missing", {}))
            name = self.text(table, cells, "name")
            if name is None:
                errors.append(("name", "title_missing", {}))
            target = None
            try:
                target = values.parse_number(_cell(cells, table.positions.get("target")),
                                             table.units.get("target"))
            except ValueProblem as problem:
                errors.append(("target", problem.code, problem.params))
            else:
                if target is None:
                    errors.append(("target", "value_missing", {}))
            dates = {key: self.date(table, row, cells, key, required=False, end=True,
                                    errors=errors)
                     for key in ("ref_date", "target_date", "measured_on")}
            if self.reject(table, row, errors):
                continue
            reference = self.text(table, cells, "target_ref")
            action_id = axis_id = None
            if reference is not None:
                if reference in action_ids:
                    action_id = reference
                elif reference in axis_ids or normalise(reference) in axis_titles:
                    axis_id = reference if reference in axis_ids else axis_titles[normalise(reference)]
                else:
                    self.report(table, row, "target_ref", "target_unknown", "warning",
                                value=reference)
            rows.append({
                "id": identifier, "action_id": action_id, "axis_id": axis_id, "name": name,
                "unit": self.text(table, cells, "unit"),
                "ref_value": self.value(table, row, cells, "ref_value", values.parse_number),
                "target": target,
                "value": self.value(table, row, cells, "value", values.parse_number),
                "row": row, **dates,
            })
            table.report.loaded += 1
        return rows

    def settings(self, table: Table | None) -> PlanSettings:
        found: dict = {}
        if table is None:
            return PlanSettings()
        keys = {normalise(alias): key for key, aliases in SETTING_KEYS.items()
                for alias in aliases}
        for row, cells in table.data_rows():
            raw_key = self.text(table, cells, "key")
            raw_value = _cell(cells, table.positions.get("value"))
            key = keys.get(normalise(raw_key)) if raw_key else None
            if key is None:
                self.report(table, row, "key", "setting_unknown", "error", value=raw_key or "")
                table.report.rejected += 1
                continue
            if key == "status_date":
                errors: list = []
                found[key] = self.date(table, row, cells, "value", required=False, end=True,
                                       errors=errors)
                if self.reject(table, row, errors):
                    continue
            elif key == "organisation_type":
                kind = _organisation_type(values.cell_text(raw_value))
                if kind is None and values.cell_text(raw_value):
                    self.report(table, row, "value", "organisation_type_unknown", "warning",
                                value=values.cell_text(raw_value))
                found[key] = kind or "epci"
            else:
                found[key] = values.cell_text(raw_value) or ""
            table.report.loaded += 1
        return PlanSettings(**found)


_ORGANISATION_TYPES = {
    "commune": "commune", "mairie": "commune", "ville": "commune",
    "epci": "epci", "intercommunalite": "epci", "communautedecommunes": "epci",
    "communautedagglomeration": "epci", "communauteurbaine": "epci", "metropole": "epci",
    "departement": "departement", "conseildepartemental": "departement",
    "region": "region", "conseilregional": "region",
}


def _organisation_type(text: str | None) -> str | None:
    return _ORGANISATION_TYPES.get(normalise(text)) if text else None


def _peek_rows(table: Table):
    """Non-blank data rows without counting them (the progress rule needs the whole column)."""
    for index in range(table.header_index + 1, len(table.sheet.rows)):
        cells = table.sheet.rows[index]
        if not _is_blank(cells):
            yield table.excel_row(index), cells


def _duration_end(start: dt.date):
    return lambda raw, unit: values.end_from_duration(start, raw, unit)


def _check_order(start: dt.date | None, end: dt.date | None, errors: list) -> None:
    if start is not None and end is not None and end < start:
        errors.append(("end", "end_before_start", {"start": _fmt(start), "end": _fmt(end)}))


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def build_plan(workbook: RawWorkbook) -> tuple[Plan, list[Problem], list[SheetReport]]:
    """Build the Plan of a raw workbook, with every problem and the per-sheet counts."""
    builder = Builder(workbook)
    plan = builder.run()
    return plan, builder.problems, builder.reports
