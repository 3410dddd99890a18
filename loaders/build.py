"""Raw sheets -> Plan + problems: header matching, typed values, and the row checks.

Every non-blank data row ends up either in the plan or in a Problem of severity "error";
warnings keep the row. Row numbers are Excel's, because users quote the row they see.

The loops below run once per row of plans of up to tens of thousands of rows, so they read
a row's cells with one `itemgetter` call, parse only what is there, and remember the
result of each distinct text (`_Reader`): a status column holds a handful of words, a date
column a few dozen `T2 2026`. Frames are built column by column.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import itemgetter, le
from typing import Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from loaders import values
from loaders.cellref import column_letter
from loaders.columns import (ACTIONS, SETTING_KEYS, SETTINGS, SheetSchema, match_column,
                             match_sheet, normalise)
from loaders.problems import Problem, ValueProblem
from loaders.reading import RawSheet, RawWorkbook
from model.plan import (ACTION_COLUMNS, AXIS_COLUMNS, INDICATOR_COLUMNS, MILESTONE_COLUMNS,
                        TERM_COLUMNS, Plan, PlanSettings)

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


def _is_blank(cells: list) -> bool:
    for cell in cells:
        if cell is None or cell == "" or (cell.__class__ is str and cell.isspace()):
            continue
        return False
    return True


def _text(value: object) -> str | None:
    """`values.cell_text` with the common case (a str cell) first."""
    if value.__class__ is str:
        return value.strip() or None
    return None if value is None else values.cell_text(value)


@dataclass
class Table:
    """One sheet once its header is found: the data rows and where each column sits."""
    sheet: RawSheet
    schema: SheetSchema
    header_index: int  # index in sheet.rows of the header row (-1: no header)
    positions: dict[str, int]  # field -> column index
    headers: dict[str, str]  # field -> header as written (for problems)
    units: dict[str, str | None]
    extras: dict[int, str]  # column index -> header of columns the contract does not know
    report: SheetReport = field(init=False)

    def __post_init__(self):
        self.report = SheetReport(self.sheet.name, self.schema.role)

    def excel_row(self, index: int) -> int:
        return self.sheet.first_row + index

    def records(self, fields: tuple[str, ...], carried: tuple[str, ...] = ()
                ) -> Iterator[tuple[int, tuple, tuple, list]]:
        """(Excel row, cells of `fields`, cells of `carried`, all cells) of each non-blank
        row below the header.

        `fields` are the cells the row's checks read, `carried` those only kept (and
        parsed column by column once the rows are known). A field the header lacks reads
        None. Counts the rows read and the blank ones.
        """
        rows = self.sheet.rows
        width = max(map(len, rows[self.header_index + 1:]), default=0)
        # An absent field points past the row's end, where one None is appended.
        get, get_carried = (_getter([self.positions.get(name, width) for name in names])
                            for names in (fields, carried))
        tail = [None]
        report, first_row = self.report, self.sheet.first_row
        report.read += len(rows) - self.header_index - 1
        for index in range(self.header_index + 1, len(rows)):
            cells = rows[index]
            if _is_blank(cells):
                report.blank += 1
                continue
            if len(cells) == width:
                cells = cells + tail
            else:  # ragged rows (CSV)
                cells = cells + [None] * (width + 1 - len(cells))
            yield first_row + index, get(cells), get_carried(cells), cells

    def columns(self, fields: tuple[str, ...]) -> list[tuple] | None:
        """Each field's cells over every row below the header (None where the header lacks
        the field), taken column by column at C speed, as tuples (callers only read them:
        copying them into lists cost 0.25 ms at 1,000 actions); None when rows differ in
        width (CSV), which the row by row path handles."""
        rows = self.sheet.rows[self.header_index + 1:]
        if not rows or len(set(map(len, rows))) != 1:
            return None
        transposed = list(zip(*rows))
        absent = (None,) * len(rows)
        return [transposed[position] if (position := self.positions.get(name)) is not None
                else absent for name in fields]

    def extra(self, cells: list) -> dict[str, str]:
        """The non-blank cells of the columns the contract does not know, in sheet order."""
        return {header: text for position, header in self.extras.items()
                if (text := _text(cells[position])) is not None}


def _getter(positions: list[int]) -> Callable[[list], tuple]:
    """The cells at `positions` of a row, as a tuple, in one call."""
    if len(positions) > 1:
        return itemgetter(*positions)
    if positions:  # itemgetter of one position returns the cell, not a tuple
        position = positions[0]
        return lambda cells: (cells[position],)
    return lambda cells: ()


def find_table(sheet: RawSheet, schema: SheetSchema) -> Table | None:
    """Locate the header row (the row naming most of the schema's columns) and map columns."""
    required = {column.field for column in schema.columns if column.required}
    matches: dict[str, tuple] = {}  # a header seen twice is matched once

    def match(cell: str) -> tuple:
        if cell not in matches:
            matches[cell] = match_column(schema, cell)
        return matches[cell]

    best: tuple[int, int] | None = None  # (score, index)
    for index, cells in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        matched = {column.field for cell in cells if cell.__class__ is str and cell.strip()
                   for column in [match(cell)[0]] if column}
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
        if column is not None and column.field not in positions:
            positions[column.field], headers[column.field] = position, text
            units[column.field] = unit
        else:
            extras[position] = text  # kept, shown in the action's details
    return Table(sheet, schema, index, positions, headers, units, extras)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "ligne"


_MISS = object()
_TEXTS = frozenset({str, type(None)})
_is_problem = ValueProblem.__instancecheck__
_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_TEXTS_AND_FLOATS = _TEXTS | {float}


class _Reader:
    """One parser over one column: the result of each distinct text is computed once.

    Returns the value or the ValueProblem (never raises it), so that a problem met on
    thousands of rows is not raised thousands of times.
    """

    def __init__(self, parse: Callable, *args):
        self.parse, self.args, self.memo = parse, args, {}
        self.failed = False  # see `column`

    def __call__(self, value: object):
        # Only texts are remembered, so a number never meets an equal text in the memo
        # (and 1, 1.0 and True, equal in Python, are each parsed for what they are).
        result = self.memo.get(value, _MISS)
        if result is _MISS:
            try:
                result = self.parse(value, *self.args)
            except ValueProblem as problem:
                result = problem.with_traceback(None)  # kept: no frames kept alive with it
            if value.__class__ is str:
                self.memo[value] = result
        return result

    def column(self, cells) -> list:
        """The parsed value (or ValueProblem) of each cell of a column; sets `failed`, True
        when some cell's is a ValueProblem (or may be: see below)."""
        distinct = set(cells)
        # The types are looked at over the distinct values, a few, not over the cells: a
        # text equals only texts, so distinct texts (and None) are a column of texts. Not
        # so for numbers (1, 1.0 and True are equal keys, and so are 0.0 and -0.0): a
        # column with floats has all its cells' types checked.
        kinds = set(map(type, distinct))
        if kinds <= _TEXTS or (kinds <= _TEXTS_AND_FLOATS and 0.0 not in distinct
                               and set(map(type, cells)) <= _TEXTS_AND_FLOATS):
            # Texts and floats of one type: each distinct value is parsed once, the
            # column mapped at C speed.
            results = {}
            for value in distinct - self.memo.keys():
                try:
                    results[value] = self.parse(value, *self.args)
                except ValueProblem as problem:
                    results[value] = problem.with_traceback(None)
            if self.memo:
                results.update(self.memo)
            # Problems looked for among the distinct results too (a problem of the memo
            # that no cell of this column has only costs a needless search).
            self.failed = any(map(_is_problem, results.values()))
            return list(map(results.__getitem__, cells))
        memo, parse, args, results = self.memo, self.parse, self.args, []
        for value in cells:
            result = memo.get(value, _MISS)
            if result is _MISS:
                try:
                    result = parse(value, *args)
                except ValueProblem as problem:
                    result = problem.with_traceback(None)
                if value.__class__ is str:
                    memo[value] = result
            results.append(result)
        self.failed = any(map(_is_problem, results))
        return results


class _Dates:
    """Date cells -> (day, precision); a start takes its period's first day, an end its last."""

    def __init__(self, date1904: bool):
        self.read = _Reader(lambda value: values.parse_date(value, date1904=date1904))

    def __call__(self, value: object, name: str, errors: list, end: bool,
                 required: bool) -> tuple[dt.date | None, str | None]:
        if value.__class__ is dt.date and values.MIN_YEAR <= value.year <= values.MAX_YEAR:
            return value, "day"  # most cells: an Excel date
        period = None if value is None or value == "" else self.read(value)
        if period is None:
            if required:
                errors.append((name, "date_missing", {}))
            return None, None
        if period.__class__ is ValueProblem:
            errors.append((name, period.code, period.params))
            return None, None
        return (period.last if end else period.first), period.precision


_DATE, _MIN_YEAR, _MAX_YEAR = dt.date, values.MIN_YEAR, values.MAX_YEAR
# Columns of dates are compared with `map(le, …)` (operator.le), four times faster than
# `map(dt.date.__le__, …)`, whose slot wrapper builds an argument tuple per pair; every
# date compared is a loaded row's, hence a dt.date (never None).


def _texts(cells) -> list[str | None]:
    """`_text` over a column."""
    try:  # the usual column, texts only: strip at C speed
        texts = list(map(str.strip, cells))
    except TypeError:  # a blank (None), a number or a date: `str.strip` refuses it
        return [(value.strip() or None) if value.__class__ is str else _text(value)
                for value in cells]
    return [text or None for text in texts] if "" in texts else texts


class Builder:
    """Builds one Plan from one RawWorkbook, collecting problems as it goes."""

    def __init__(self, workbook: RawWorkbook):
        self.workbook = workbook
        self.problems: list[Problem] = list(workbook.problems)
        self.reports: list[SheetReport] = []
        self.dates = _Dates(getattr(workbook, "date1904", False))

    # --- problems -------------------------------------------------------------------
    def report(self, table: Table | None, row: int | None, field_name: str | None, code: str,
               severity: str = "error", sheet: str | None = None, **params) -> None:
        column = table.headers.get(field_name, field_name) if table and field_name else field_name
        self.problems.append(Problem(sheet or table.sheet.name, row, column, code, severity,
                                     params))

    def warn(self, table: Table, row: int, field_name: str, result):
        """A parsed cell: its value, or None after reporting its ValueProblem as a warning."""
        if result.__class__ is ValueProblem:
            self.report(table, row, field_name, result.code, "warning", **result.params)
            return None
        return result

    def parsed(self, table: Table, rows: Sequence[int], field_name: str, cells, parse: Callable,
               *args) -> list:
        """A kept column parsed: values, None where a cell could not be read (a warning)."""
        if field_name not in table.positions:
            return [None] * len(rows)
        reader = _Reader(parse, *args)
        results = reader.column(cells)
        if reader.failed:
            for index, result in enumerate(results):
                if result.__class__ is ValueProblem:
                    results[index] = self.warn(table, rows[index], field_name, result)
        return results

    def reject(self, table: Table, row: int, errors: list) -> None:
        """Report the errors of a row that is dropped."""
        for column_field, code, params in errors:
            self.report(table, row, column_field, code, "error", **params)
        table.report.rejected += 1

    def identify(self, raw_id: object, title: str | None, seen: dict, errors: list
                 ) -> str | None:
        """The row's id, or one generated from its title; duplicates are errors.

        The id_generated warning is left to `generated`, once the row is known to load.
        """
        identifier = _text(raw_id)
        if identifier is None:
            if title is None:
                return None
            base = _slug(title)
            identifier, suffix = base, 2
            while identifier in seen:
                identifier, suffix = f"{base}-{suffix}", suffix + 1
        elif identifier in seen:
            errors.append(("id", "id_duplicated", {"value": identifier,
                                                   "first_row": seen[identifier]}))
        return identifier

    def admit(self, table: Table, row: int, raw_id: object, identifier: str | None,
              seen: dict, errors: list) -> bool:
        """Drop a row with errors (reporting them), else record its id, warning when the id
        was generated from the title; True when the row loads."""
        if errors:
            self.reject(table, row, errors)
            return False
        if _text(raw_id) is None:
            self.report(table, row, "id" if "id" in table.positions else None,
                        "id_generated", "warning", value=identifier)
        seen[identifier] = row
        return True

    # --- sheets ---------------------------------------------------------------------
    def tables(self) -> dict[str, Table]:
        """The table of each role, found by sheet name, else (plan only) by its header.

        Hidden sheets count only under a documented name; of two sheets with the same
        role, a visible one wins over a hidden one, then the first, and the other is
        reported.
        """
        found: dict[str, Table] = {}
        unnamed: list[RawSheet] = []
        documented = []
        for sheet in self.workbook.sheets:
            schema = match_sheet(sheet.name)
            if schema is None:
                if sheet.visible:
                    unnamed.append(sheet)
            else:
                documented.append((schema, sheet))
        documented.sort(key=lambda pair: not pair[1].visible)  # stable: sheet order kept
        for schema, sheet in documented:
            if schema.role in found:
                self.problems.append(Problem(sheet.name, None, None, "sheet_duplicated",
                                             "warning", {"used": found[schema.role].sheet.name}))
                continue
            table = find_table(sheet, schema)
            if table is None and schema is SETTINGS:
                # Settings are often written as bare key/value pairs, without a header.
                first_column = getattr(sheet, "first_column", 1)
                table = Table(sheet, schema, -1, {"key": 0, "value": 1},
                              {"key": column_letter(first_column),
                               "value": column_letter(first_column + 1)}, {}, {})
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
        report.read = len(sheet.rows)
        report.blank = sum(1 for cells in sheet.rows if _is_blank(cells))
        report.rejected = report.read - report.blank
        self.reports.append(report)
        for column in schema.columns:
            if column.required:
                self.problems.append(Problem(sheet.name, sheet.first_row, column.header,
                                             "column_missing", "error",
                                             {"expected": column.header}))

    def check_header(self, table: Table) -> bool:
        """Report required columns absent and columns named twice; False when rows cannot load."""
        header_row = table.excel_row(table.header_index)
        for header in table.extras.values():
            column = match_column(table.schema, header)[0]
            if column is not None:
                self.problems.append(Problem(
                    table.sheet.name, header_row, header, "column_duplicated", "warning",
                    {"expected": column.header, "first": table.headers[column.field]}))
        missing = [column for column in table.schema.columns
                   if column.required and column.field not in table.positions]
        if table.schema is ACTIONS and not {"end", "duration"} & table.positions.keys():
            missing.append(ACTIONS.column("end"))
        for column in missing:
            self.problems.append(Problem(table.sheet.name, header_row, column.header,
                                         "column_missing", "error",
                                         {"expected": column.header}))
        return not missing

    def run(self) -> Plan:
        tables = self.tables()
        if "actions" not in tables:
            self.problems.append(Problem(self.workbook.name, None, None, "no_plan_sheet",
                                         "error", {}))
        usable = {role: table for role, table in tables.items() if self.check_header(table)}
        settings = self.settings(usable.get("settings"))
        axes = self.axes(usable.get("strategy"))
        actions = self.actions(usable.get("actions"), axes)
        milestones = self.milestones(usable.get("milestones"), actions)
        terms = self.terms(usable.get("terms"))
        indicators = self.indicators(usable.get("indicators"), actions, axes)
        for role, table in tables.items():
            if role not in usable:
                for _record in table.records(()):
                    table.report.rejected += 1
            self.reports.append(table.report)
        order = {sheet.name: index for index, sheet in enumerate(self.workbook.sheets)}
        self.reports.sort(key=lambda report: order[report.sheet])
        # Problems in the order users read their workbook: sheet by sheet, row by row, then
        # those of a whole sheet (as the reading layer sorts its own); stable, so a row's
        # problems keep the order found. Problems of the whole file come first.
        self.problems.sort(key=lambda problem: (order.get(problem.sheet, -1),
                                                problem.row is None, problem.row or 0))
        return Plan(
            axes=_frame(_columns(axes, AXIS_COLUMNS), AXIS_COLUMNS),
            actions=_frame(actions, ACTION_COLUMNS),
            milestones=_frame(milestones, MILESTONE_COLUMNS),
            terms=_frame(_columns(terms, TERM_COLUMNS), TERM_COLUMNS) if terms else None,
            indicators=_frame(_columns(indicators, INDICATOR_COLUMNS), INDICATOR_COLUMNS),
            settings=settings,
        )

    # --- one method per role ----------------------------------------------------------
    # Small sheets (axes, terms, indicators, settings) build one dict per row; the two
    # large ones (actions, milestones) check their rows one by one, then parse the cells
    # they only keep column by column, and return {column: values}.

    def axes(self, table: Table | None) -> list[dict]:
        rows: list[dict] = []
        if table is None:
            return rows
        seen: dict[str, int] = {}
        dates = self.dates
        for row, (raw_id, title, purpose, raw_start, raw_end, color), _, _ in table.records(
                ("id", "title", "purpose", "start", "end", "color")):
            errors: list = []
            title = _text(title)
            if title is None:
                errors.append(("title", "title_missing", {}))
            start, _ = dates(raw_start, "start", errors, end=False, required=True)
            end, _ = dates(raw_end, "end", errors, end=True, required=True)
            _check_order(start, end, errors)
            identifier = self.identify(raw_id, title, seen, errors)
            if not self.admit(table, row, raw_id, identifier, seen, errors):
                continue
            rows.append({"id": identifier, "title": title, "purpose": _text(purpose),
                         "start": start, "end": end, "color": _text(color), "row": row})
        table.report.loaded += len(rows)
        return rows

    _ACTION_CHECKED = ("id", "title", "start", "end", "duration", "progress")
    _ACTION_LOADED = ("row", "id", "title", "start", "end", "start_precision", "end_precision",
                      "progress_index")
    _ACTION_KEPT = ("axis_id", "objective", "owner", "service", "elected", "status", "weather",
                    "budget", "depends_on", "description", "attention", "decision")

    def actions(self, table: Table | None, axes: list[dict]) -> dict[str, list]:
        if table is None:
            return {}
        common = _common_actions(table, self._ACTION_CHECKED + self._ACTION_KEPT)
        if common is not None:
            names = self._ACTION_LOADED + self._ACTION_KEPT
            cells, progress_cells = dict(zip(names, common[0])), common[1]
            extras = ([table.extra(row_cells) for row_cells
                       in table.sheet.rows[table.header_index + 1:]] if table.extras else [])
        else:
            cells, progress_cells, extras = self.action_rows(table)
        rows = cells["row"]
        table.report.loaded += len(rows)
        progress = [None] * len(rows)
        if "progress" in table.positions:
            column = values.parse_progress_column(progress_cells)
            if common is not None and not any(map(_is_problem, column)):
                progress = column  # every row loaded, none unreadable
            else:
                progress = [self.warn(table, row, "progress", column[index])
                            for row, index in zip(rows, cells["progress_index"])]
        budget_unit = table.units.get("budget")
        # The usual budget column (Excel numbers, no `k€` in the header) needs no parsing.
        budget = values.plain_money_column(cells["budget"], budget_unit)
        if budget is None:
            budget = self.parsed(table, rows, "budget", cells["budget"], values.parse_money,
                                 budget_unit)
        actions = {
            "id": cells["id"], "axis_id": self.axis_ids(table, rows, cells["axis_id"], axes),
            "objective": _texts(cells["objective"]), "title": cells["title"],
            "owner": _texts(cells["owner"]), "service": _texts(cells["service"]),
            "elected": _texts(cells["elected"]), "start": cells["start"], "end": cells["end"],
            "start_precision": cells["start_precision"],
            "end_precision": cells["end_precision"],
            "status": self.parsed(table, rows, "status", cells["status"], values.parse_status),
            "progress": progress,
            "weather": self.parsed(table, rows, "weather", cells["weather"],
                                   values.parse_weather),
            "budget": budget,
            "depends_on": _Reader(values.parse_ids).column(cells["depends_on"]),
            "description": _texts(cells["description"]),
            "attention": _texts(cells["attention"]), "decision": _texts(cells["decision"]),
            "extra": extras or [{} for _ in rows], "row": rows,
        }
        self.check_actions(table, actions, {axis["id"]: axis for axis in axes})
        return actions

    def action_rows(self, table: Table) -> tuple[dict[str, list], list, list[dict]]:
        """The actions row by row, when some row needs a check's sentence: (the loaded
        rows' cells by column, the whole progress column, the extra fields of each row)."""
        dates, has_duration = self.dates, "duration" in table.positions
        duration_unit = table.units.get("duration")
        kept: list[tuple] = []  # one tuple per loaded row: _ACTION_LOADED + _ACTION_KEPT
        extras: list[dict] = []
        progress_cells: list = []  # the whole column: the fraction-or-percent rule needs it
        seen: dict[str, int] = {}
        for row, (raw_id, raw_title, raw_start, raw_end, raw_duration, progress), other, \
                row_cells in table.records(self._ACTION_CHECKED, self._ACTION_KEPT):
            progress_cells.append(progress)
            if (raw_start.__class__ is _DATE and raw_end.__class__ is _DATE
                    and _MIN_YEAR <= raw_start.year and raw_end.year <= _MAX_YEAR
                    and raw_start <= raw_end and raw_title.__class__ is str
                    and raw_id.__class__ is str and (title := raw_title.strip())
                    and (identifier := raw_id.strip()) and identifier not in seen):
                # The common row: the checks below would find nothing to say.
                start, end, start_precision, end_precision = raw_start, raw_end, "day", "day"
                seen[identifier] = row
            else:
                errors: list = []
                title = _text(raw_title)
                if title is None:
                    errors.append(("title", "title_missing", {}))
                start, start_precision = dates(raw_start, "start", errors, False, True)
                end, end_precision = dates(raw_end, "end", errors, True, not has_duration)
                if end is None and has_duration and not errors:
                    end, end_precision = self.end_from_duration(table, row, start, raw_duration,
                                                                duration_unit, errors)
                _check_order(start, end, errors)
                identifier = self.identify(raw_id, title, seen, errors)
                if not self.admit(table, row, raw_id, identifier, seen, errors):
                    continue
            kept.append((row, identifier, title, start, end, start_precision, end_precision,
                         len(progress_cells) - 1) + other)
            if table.extras:
                extras.append(table.extra(row_cells))
        names = self._ACTION_LOADED + self._ACTION_KEPT
        cells = dict(zip(names, map(list, zip(*kept)))) if kept else {name: [] for name in names}
        return cells, progress_cells, extras

    def axis_ids(self, table: Table, rows: list[int], cells, axes: list[dict]) -> list:
        """Each action's axis, named by its id or its title; unknown ones are warnings."""
        axis_ids = {axis["id"]: axis["id"] for axis in axes}
        references = _texts(cells)
        if set(references) - {None} <= axis_ids.keys():
            return list(map(axis_ids.get, references))  # every axis named by its id (or none)
        by_title = {normalise(axis["title"]): axis["id"] for axis in axes}
        results = []
        for row, reference in zip(rows, references):
            axis_id = None
            if reference is not None:
                axis_id = axis_ids.get(reference) or by_title.get(normalise(reference))
                if axis_id is None:
                    self.report(table, row, "axis_id", "axis_unknown", "warning",
                                value=reference)
            results.append(axis_id)
        return results

    def end_from_duration(self, table: Table, row: int, start: dt.date | None, raw: object,
                          unit: str | None, errors: list) -> tuple[dt.date | None, str | None]:
        """The end a `durée` gives when `fin` is blank; an error when neither can be read
        (after a warning on the duration that could not)."""
        if start is None:
            return None, None
        try:
            end = values.end_from_duration(start, raw, unit)
        except ValueProblem as problem:
            self.warn(table, row, "duration", problem)
            end = None
        if end is None:
            errors.append(("end" if "end" in table.positions else "duration", "end_missing", {}))
            return None, None
        return end, "day"

    def check_actions(self, table: Table, actions: dict[str, list], axes: dict[str, dict]
                      ) -> None:
        """Warnings that keep the row: unknown or circular dependencies, actions outside
        their axis."""
        ids = set(actions["id"])
        depends = actions["depends_on"]
        if not self.may_warn(actions, ids, axes):
            self.break_cycles(table, actions)
            return
        for index, (row, dependencies, axis_id, start, end) in enumerate(zip(
                actions["row"], depends, actions["axis_id"], actions["start"], actions["end"])):
            if dependencies:
                unknown = [ref for ref in dependencies if ref not in ids]
                if unknown:
                    self.report(table, row, "depends_on", "dependency_unknown", "warning",
                                value=", ".join(unknown))
                    depends[index] = tuple(ref for ref in dependencies if ref in ids)
            axis = axes.get(axis_id) if axis_id is not None else None
            if axis and (start < axis["start"] or end > axis["end"]):
                self.report(table, row, None, "action_outside_axis", "warning",
                            start=_fmt(start), end=_fmt(end),
                            axis_start=_fmt(axis["start"]), axis_end=_fmt(axis["end"]))
        self.break_cycles(table, actions)

    @staticmethod
    def may_warn(actions: dict[str, list], ids: set, axes: dict[str, dict]) -> bool:
        """False when `check_actions`' loop would find nothing: every dependency names a
        loaded action and every action lies within its axis (checked column by column at C
        speed; an action without a known axis is compared with the widest dates)."""
        axis_ids = actions["axis_id"]
        firsts = map({key: axis["start"] for key, axis in axes.items()}.get, axis_ids,
                     repeat(dt.date.min))
        lasts = map({key: axis["end"] for key, axis in axes.items()}.get, axis_ids,
                    repeat(dt.date.max))
        return not (set(chain.from_iterable(actions["depends_on"])) <= ids
                    and all(map(le, firsts, actions["start"]))
                    and all(map(le, actions["end"], lasts)))

    def break_cycles(self, table: Table, actions: dict[str, list]) -> None:
        """Keep the dependencies acyclic: each cycle is reported once, on the row of the
        action whose dependency closes it, and that dependency is dropped.

        An iterative depth-first search in sheet order: a dependency on an action still on
        the path is a back edge, hence a cycle; without back edges the graph is acyclic.
        """
        depends = actions["depends_on"]
        index_of = {identifier: index for index, identifier in enumerate(actions["id"])
                    if depends[index]}
        state: dict[str, int] = {}  # 1 on the current path, 2 done
        for root in index_of:
            if root in state:
                continue
            state[root] = 1
            path = [root]
            stack = [(root, iter(depends[index_of[root]]))]
            while stack:
                node, successors = stack[-1]
                for target in successors:
                    mark = state.get(target)
                    if mark == 1:  # back edge: node -> target closes a cycle
                        index = index_of[node]
                        depends[index] = tuple(ref for ref in depends[index] if ref != target)
                        cycle = path[path.index(target):] + [target]
                        self.report(table, actions["row"][index], "depends_on",
                                    "dependency_cycle", "warning", cycle=" → ".join(cycle),
                                    value=target)
                    elif mark is None and target in index_of:
                        state[target] = 1
                        path.append(target)
                        stack.append((target, iter(depends[index_of[target]])))
                        break
                else:
                    state[node] = 2
                    path.pop()
                    stack.pop()

    _MILESTONE_CHECKED = ("id", "action_id", "title", "planned", "actual")
    _MILESTONE_KEPT = ("status", "instance")
    _MILESTONE_LOADED = ("row", "id", "action_id", "title", "planned", "planned_precision",
                         "actual")

    def milestones(self, table: Table | None, actions: dict[str, list]) -> dict[str, list]:
        if table is None:
            return {}
        spans = {identifier: (start, end) for identifier, start, end in zip(
            actions.get("id", ()), actions.get("start", ()), actions.get("end", ()))}
        names = self._MILESTONE_LOADED + self._MILESTONE_KEPT
        common = _common_milestones(table, self._MILESTONE_CHECKED + self._MILESTONE_KEPT, spans)
        if common is not None:
            milestones = dict(zip(names, common))
            planned = milestones["planned"]
            ranges = list(map(spans.__getitem__, milestones["action_id"]))
            starts, ends = list(map(_FIRST, ranges)), list(map(_SECOND, ranges))
            if not (all(map(le, starts, planned))
                    and all(map(le, planned, ends))):
                for row, day, start, end in zip(milestones["row"], planned, starts, ends):
                    if not start <= day <= end:
                        self.report(table, row, "planned", "milestone_outside_action",
                                    "warning", date=_fmt(day), start=_fmt(start),
                                    end=_fmt(end))
        else:
            milestones = self.milestone_rows(table, spans)
        table.report.loaded += len(milestones["row"])
        milestones["status"] = self.parsed(table, milestones["row"], "status",
                                           milestones["status"], values.parse_status)
        milestones["instance"] = _texts(milestones["instance"])
        return milestones

    def milestone_rows(self, table: Table, spans: dict) -> dict[str, list]:
        """The milestones row by row, when some row needs a check's sentence."""
        dates = self.dates
        kept: list[tuple] = []  # one tuple per loaded row: _MILESTONE_LOADED + _MILESTONE_KEPT
        seen: dict[str, int] = {}
        for row, (raw_id, raw_action, raw_title, raw_planned, raw_actual), other, _ \
                in table.records(self._MILESTONE_CHECKED, self._MILESTONE_KEPT):
            if (raw_planned.__class__ is _DATE
                    and _MIN_YEAR <= raw_planned.year <= _MAX_YEAR
                    and (raw_actual == "" or raw_actual is None
                         or (raw_actual.__class__ is _DATE
                             and _MIN_YEAR <= raw_actual.year <= _MAX_YEAR))
                    and raw_title.__class__ is str and raw_action.__class__ is str
                    and raw_id.__class__ is str and (title := raw_title.strip())
                    and (action_id := raw_action.strip()) in spans
                    and (identifier := raw_id.strip()) and identifier not in seen):
                # The common row: the checks below would find nothing to say.
                planned, precision, actual = raw_planned, "day", raw_actual or None
                seen[identifier] = row
            else:
                errors: list = []
                title = _text(raw_title)
                if title is None:
                    errors.append(("title", "title_missing", {}))
                action_id = _text(raw_action)
                if action_id is None:
                    errors.append(("action_id", "value_missing", {}))
                elif action_id not in spans:
                    errors.append(("action_id", "action_unknown", {"value": action_id}))
                planned, precision = dates(raw_planned, "planned", errors, True, True)
                actual, _ = dates(raw_actual, "actual", errors, True, False)
                identifier = self.identify(raw_id, title, seen, errors)
                if not self.admit(table, row, raw_id, identifier, seen, errors):
                    continue
            start, end = spans[action_id]
            if not start <= planned <= end:
                self.report(table, row, "planned", "milestone_outside_action", "warning",
                            date=_fmt(planned), start=_fmt(start), end=_fmt(end))
            kept.append((row, identifier, action_id, title, planned, precision, actual) + other)
        names = self._MILESTONE_LOADED + self._MILESTONE_KEPT
        return dict(zip(names, map(list, zip(*kept)))) if kept else {name: [] for name in names}

    def terms(self, table: Table | None) -> list[dict]:
        rows: list[dict] = []
        if table is None:
            return rows
        dates = self.dates
        for row, (label, raw_start, raw_end, kind), _, _ in table.records(
                ("label", "start", "end", "kind")):
            errors: list = []
            label = _text(label)
            if label is None:
                errors.append(("label", "title_missing", {}))
            start, _ = dates(raw_start, "start", errors, end=False, required=True)
            end, _ = dates(raw_end, "end", errors, end=True, required=True)
            _check_order(start, end, errors)
            if errors:
                self.reject(table, row, errors)
                continue
            rows.append({"label": label, "start": start, "end": end,
                         "kind": _text(kind) or "", "provisional": False})
        table.report.loaded += len(rows)
        return rows

    def indicators(self, table: Table | None, actions: dict[str, list], axes: list[dict]
                   ) -> list[dict]:
        rows: list[dict] = []
        if table is None:
            return rows
        action_ids = set(actions.get("id", ()))
        axis_ids = {axis["id"] for axis in axes}
        axis_titles = {normalise(axis["title"]): axis["id"] for axis in axes}
        dates, warn = self.dates, self.warn
        read_target = _Reader(values.parse_number, table.units.get("target"))
        read_ref = _Reader(values.parse_number, table.units.get("ref_value"))
        read_value = _Reader(values.parse_number, table.units.get("value"))
        fields = ("id", "target_ref", "name", "unit", "ref_value", "ref_date", "target",
                  "target_date", "value", "measured_on")
        for row, cells, _, _ in table.records(fields):
            (identifier, reference, name, unit, ref_value, ref_date, target, target_date,
             value, measured_on) = cells
            errors: list = []
            identifier = _text(identifier)
            if identifier is None:
                errors.append(("id", "value_missing", {}))
            name = _text(name)
            if name is None:
                errors.append(("name", "title_missing", {}))
            target = read_target(target)
            if target.__class__ is ValueProblem:
                errors.append(("target", target.code, target.params))
            elif target is None:
                errors.append(("target", "value_missing", {}))
            ref_date = dates(ref_date, "ref_date", errors, end=True, required=False)[0]
            target_date = dates(target_date, "target_date", errors, end=True, required=False)[0]
            measured_on = dates(measured_on, "measured_on", errors, end=True, required=False)[0]
            if errors:
                self.reject(table, row, errors)
                continue
            action_id = axis_id = None
            if (reference := _text(reference)) is not None:
                if reference in action_ids:
                    action_id = reference
                elif reference in axis_ids:
                    axis_id = reference
                elif normalise(reference) in axis_titles:
                    axis_id = axis_titles[normalise(reference)]
                else:
                    self.report(table, row, "target_ref", "target_unknown", "warning",
                                value=reference)
            rows.append({
                "id": identifier, "action_id": action_id, "axis_id": axis_id, "name": name,
                "unit": _text(unit), "ref_value": warn(table, row, "ref_value",
                                                       read_ref(ref_value)),
                "ref_date": ref_date, "target": target, "target_date": target_date,
                "value": warn(table, row, "value", read_value(value)),
                "measured_on": measured_on, "row": row,
            })
        table.report.loaded += len(rows)
        return rows

    def settings(self, table: Table | None) -> PlanSettings:
        found: dict = {}
        if table is None:
            return PlanSettings()
        for row, (raw_key, raw_value), _, _ in table.records(("key", "value")):
            raw_key = _text(raw_key)
            key = _SETTING_KEYS.get(normalise(raw_key)) if raw_key else None
            if key is None:
                self.reject(table, row, [("key", "setting_unknown", {"value": raw_key or ""})])
                continue
            if key == "status_date":
                errors: list = []
                day = self.dates(raw_value, "value", errors, end=True, required=False)[0]
                if errors:
                    self.reject(table, row, errors)
                    continue
                found[key] = day
            elif key == "organisation_type":
                text = _text(raw_value)
                kind = _organisation_type(text)
                if kind is None and text:
                    self.report(table, row, "value", "organisation_type_unknown", "warning",
                                value=text)
                found[key] = kind or "epci"
            else:
                found[key] = _text(raw_value) or ""
            table.report.loaded += 1
        return PlanSettings(**found)


# --- sheets where every row is the common row ---------------------------------------------
#
# Most sheets have no row a check has anything to say about: text ids, all distinct, text
# titles, Excel dates in order. Those checks are then made column by column at C speed
# (`map`, `set`, `min`), and their rows loaded at once, exactly as the row by row loop
# would load them; any other sheet goes through that loop.

_NONE = type(None)


def _stripped(cells: list) -> list[str] | None:
    """The column's texts stripped, if every cell is a non-blank text."""
    try:  # rather than checking the cells' types first: one pass less
        texts = list(map(str.strip, cells))
    except TypeError:  # a cell that is not a text
        return None
    return texts if all(texts) else None


def _in_range(days: list) -> bool:
    return (set(map(type, days)) == {_DATE} and _MIN_YEAR <= min(days).year
            and max(days).year <= _MAX_YEAR)


def _excel_rows(table: Table, count: int) -> range:
    """The Excel rows of a whole sheet's data rows, as a range: `_typed_frame` makes the
    `row` column of it at once (a list, and the `progress_index` one, made 4,000 ints at
    1,000 actions and 2,000 milestones, then read back one by one: 0.3 ms)."""
    first = table.excel_row(table.header_index + 1)
    return range(first, first + count)


def _common_actions(table: Table, fields: tuple[str, ...]) -> tuple[list[list], list] | None:
    """(columns of `Builder._ACTION_LOADED + _ACTION_KEPT`, the progress column) when every
    row below the header is the common row of `Builder.action_rows`, else None."""
    columns = table.columns(fields)
    if columns is None:
        return None
    raw_id, raw_title, start, end, _duration, progress = columns[:6]
    identifiers, titles = _stripped(raw_id), _stripped(raw_title)
    if (identifiers is None or titles is None or len(set(identifiers)) != len(identifiers)
            or not _in_range(start) or not _in_range(end)
            or not all(map(le, start, end))):
        return None
    count = len(identifiers)
    table.report.read += count
    return ([_excel_rows(table, count), identifiers, titles, start, end, ["day"] * count,
             ["day"] * count, range(count)] + columns[6:], progress)


def _common_milestones(table: Table, fields: tuple[str, ...], spans: dict
                       ) -> list[list] | None:
    """The columns of `Builder._MILESTONE_LOADED + _MILESTONE_KEPT` when every row below
    the header is the common row of `Builder.milestone_rows`, else None."""
    columns = table.columns(fields)
    if columns is None:
        return None
    raw_id, raw_action, raw_title, planned, actual = columns[:5]
    identifiers, titles = _stripped(raw_id), _stripped(raw_title)
    actions = _stripped(raw_action)
    if (identifiers is None or titles is None or actions is None
            or len(set(identifiers)) != len(identifiers) or not set(actions) <= spans.keys()
            or not _in_range(planned)):
        return None
    kinds = set(map(type, actual))
    if not kinds <= {_DATE, str, _NONE}:
        return None
    if kinds != {_DATE}:
        if {value for value in actual if value.__class__ is not _DATE} - {"", None}:
            return None  # a text date, or spaces: the row by row path reads it
        actual = [value or None for value in actual]
    days = [value for value in actual if value is not None]
    if days and not _in_range(days):
        return None
    count = len(identifiers)
    table.report.read += count
    return [_excel_rows(table, count), identifiers, actions, titles, planned,
            ["day"] * count, actual] + columns[5:]


# Normalised alias -> settings key, made once rather than on every build.
_SETTING_KEYS = {normalise(alias): key for key, aliases in SETTING_KEYS.items()
                 for alias in aliases}

_ORGANISATION_TYPES = {
    "commune": "commune", "mairie": "commune", "ville": "commune",
    "epci": "epci", "intercommunalite": "epci", "communautedecommunes": "epci",
    "communautedagglomeration": "epci", "communauteurbaine": "epci", "metropole": "epci",
    "departement": "departement", "conseildepartemental": "departement",
    "region": "region", "conseilregional": "region",
}


def _organisation_type(text: str | None) -> str | None:
    return _ORGANISATION_TYPES.get(normalise(text)) if text else None


def _check_order(start: dt.date | None, end: dt.date | None, errors: list) -> None:
    if start is not None and end is not None and end < start:
        errors.append(("end", "end_before_start", {"start": _fmt(start), "end": _fmt(end)}))


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- frames -----------------------------------------------------------------------------------

_EPOCH = dt.date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # NaT as int64


def _days(column: list) -> np.ndarray:
    """dt.date (or None) -> datetime64[s] at midnight, without numpy's slow date parsing."""
    if None in column:
        ordinals = np.array([day.toordinal() if day is not None else 0 for day in column],
                            dtype=np.int64)
    else:  # no blank: ordinals at C speed
        ordinals = np.fromiter(map(dt.date.toordinal, column), dtype=np.int64,
                               count=len(column))
    seconds = (ordinals - _EPOCH) * 86400
    seconds[ordinals == 0] = _NAT
    return seconds.view("datetime64[s]")


def _columns(rows: list[dict], columns: dict[str, str]) -> dict[str, list]:
    return {name: [row[name] for row in rows] for name in columns}


_DTYPES = {name: pd.api.types.pandas_dtype(name) for name in ("string", "Float64", "Int64")}


def _strings(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A "string" column: texts and None (the usual column) are wrapped as they are, in
    one check; anything else goes through pandas' conversion, which makes it text."""
    try:
        return pd.arrays.StringArray(values, dtype=_DTYPES["string"])
    except ValueError:
        return pd.array(values, dtype=_DTYPES["string"], copy=False)


def _frame(data: dict[str, list], columns: dict[str, str]) -> pd.DataFrame:
    """The typed frame of `data` ({column: values}, at least `columns`), column by column.

    Faster than `model.plan.typed_frame` (pandas converts python dates slowly, and
    `astype` looks dtypes up by name); the dtypes are those declared in `model.plan`
    (`test_ly095` checks them, for full and empty frames).
    """
    if not any(map(len, data.values())):
        # No row (a workbook without indicators, say): a copy of the empty frame made once.
        # A shallow one, a fifth of a deep one's cost: with pandas' copy-on-write (always
        # on since pandas 3) a change to either frame copies the data it changes first.
        return _empty_frame(tuple(columns.items())).copy(deep=False)
    return _typed_frame(data, columns)


@functools.lru_cache(maxsize=8)
def _empty_frame(columns: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """The typed frame of no row, kept: `_frame` hands out copies, never this one."""
    return _typed_frame({name: [] for name, _ in columns}, dict(columns))


def _typed_frame(data: dict[str, list], columns: dict[str, str]) -> pd.DataFrame:
    arrays = {}
    for name, dtype in columns.items():
        column = data.get(name, [])
        if dtype == "datetime64[s]":
            arrays[name] = _days(column)
        elif dtype == "object":
            arrays[name] = np.fromiter(column, dtype=object, count=len(column))
        elif dtype == "bool":
            arrays[name] = np.array(column, dtype=bool)
        elif dtype == "string":
            arrays[name] = _strings(np.fromiter(column, dtype=object, count=len(column)))
        elif dtype == "Float64":  # NaN is missing; parsers never give a real NaN
            # The masked array's own constructor: `pd.array` finds the same mask, slower.
            numbers = np.array(column, dtype=float)
            arrays[name] = pd.arrays.FloatingArray(numbers, np.isnan(numbers))
        elif dtype == "Int64" and column.__class__ is range:  # see `_excel_rows`
            arrays[name] = pd.arrays.IntegerArray(
                np.arange(column.start, column.stop, dtype=np.int64),
                np.zeros(len(column), dtype=bool))
        elif dtype == "Int64" and None not in column:  # row numbers: never missing
            arrays[name] = pd.arrays.IntegerArray(np.array(column, dtype=np.int64),
                                                  np.zeros(len(column), dtype=bool))
        else:  # from an object array: pandas converts a list element by element first
            arrays[name] = pd.array(np.fromiter(column, dtype=object, count=len(column)),
                                    dtype=_DTYPES[dtype], copy=False)
    return pd.DataFrame(arrays, copy=False)


def build_plan(workbook: RawWorkbook) -> tuple[Plan, list[Problem], list[SheetReport]]:
    """Build the Plan of a raw workbook, with every problem and the per-sheet counts."""
    builder = Builder(workbook)
    plan = builder.run()
    return plan, builder.problems, builder.reports
