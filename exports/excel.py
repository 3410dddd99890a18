"""The view as an Excel workbook: « À propos », the filtered actions, their milestones, and the
workbook's problems, with French headers, real dates and numbers.

Written in openpyxl's write-only mode (rows streamed, not a grid held in memory), so a
10,000-action plan stays a matter of seconds. Text that a spreadsheet would read as a
formula (`=`, `+`, `-`, `@`, tab, carriage return at the start) is stored as text: openpyxl
makes any string starting with `=` a formula (`<f>` in the sheet XML) unless told otherwise,
and Excel re-reads the others as formulas when someone edits the cell, unless the cell
carries a quote prefix.
"""
from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from components.i18n import label
from exports.facts import ExportFacts, axis_titles, status_word, weather_word
from model.derive import late_actions, past_term, term_end
from model.milestones import milestone_rows

DATE_FORMAT = "DD/MM/YYYY"
MOMENT_FORMAT = "DD/MM/YYYY HH:MM"
SHARE_FORMAT = "0%"
MONEY_FORMAT = '#,##0 "€"'
POINTS_FORMAT = '+0;-0;0'  # progress gained, in points: « +45 »
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32_767  # Excel's limit for one cell
BOLD = Font(bold=True)


class Sheet:
    """One write-only sheet: a header row, then rows of plain values turned into cells."""

    def __init__(self, workbook: Workbook, title: str, headers: list[tuple[str, int]],
                 rows: int):
        self.sheet = workbook.create_sheet(title)
        for position, (_name, width) in enumerate(headers, start=1):
            self.sheet.column_dimensions[get_column_letter(position)].width = width
        self.sheet.freeze_panes = "A2"
        if rows:
            self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows + 1}"
        self.append([self.cell(name, font=BOLD) for name, _width in headers])

    def cell(self, value, number_format: str | None = None, font: Font | None = None):
        cell = WriteOnlyCell(self.sheet, value=value)
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        return cell

    def text(self, value) -> object:
        """A string cell that stays text, whatever it starts with."""
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            return None
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_TEXT]
        if not text.startswith(FORMULA_STARTS):
            return text
        cell = WriteOnlyCell(self.sheet, value=text)
        cell.data_type = "s"  # openpyxl made it a formula ("f") if it starts with "="
        cell.quotePrefix = True  # and Excel keeps it text if someone edits it
        return cell

    def day(self, value):
        if value is None or pd.isna(value):
            return None
        return self.cell(pd.Timestamp(value).date(), DATE_FORMAT)

    def number(self, value, number_format: str | None = None):
        if value is None or pd.isna(value):
            return None
        return self.cell(float(value), number_format)

    def append(self, row: list) -> None:
        self.sheet.append(row)


def plan_workbook(facts: ExportFacts) -> bytes:
    """The .xlsx bytes of the view's actions, milestones and problems."""
    workbook = Workbook(write_only=True)
    lang = facts.lang
    milestones = milestone_rows(facts.plan, facts.actions, facts.status_date,
                                outside=label("outside_strategy", lang))
    _about(workbook, facts, len(milestones))
    _actions(workbook, facts)
    _milestones(workbook, facts, milestones)
    if facts.slippage is not None:
        _shifts(workbook, facts)
    _problems(workbook, facts)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _about(workbook: Workbook, facts: ExportFacts, milestone_count: int) -> None:
    lang = facts.lang
    sheet = Sheet(workbook, label("export_about", lang),
                  [(label("export_about_title", lang), 26), ("", 100)], 0)
    sheet.sheet.freeze_panes = None
    settings = facts.plan.settings
    rows = [
        (label("export_plan", lang), sheet.text(settings.title)),
        (label("export_organisation", lang), sheet.text(settings.organisation)),
        (label("export_source", lang), sheet.text(facts.plan.source)),
        (label("export_version", lang), sheet.text(facts.version)),
        (label("export_status_date", lang), sheet.day(facts.status_date)),
        (label("export_filters", lang), sheet.text(facts.filters_text())),
        (label("export_contents", lang), label(
            "export_contents_value", lang, actions=len(facts.actions),
            milestones=milestone_count, problems=len(facts.problems))),
        # Excel has no time zones: the Paris wall-clock time people expect.
        (label("export_exported_on", lang),
         sheet.cell(facts.exported_at.replace(tzinfo=None), MOMENT_FORMAT)),
    ]
    for name, value in rows:
        sheet.append([sheet.cell(name, font=BOLD), value])
    if not facts.version_found:
        sheet.append([None, sheet.text(label("export_version_missing", lang,
                                             version=facts.view.version))])
    if facts.slippage is not None:
        sheet.append([sheet.cell(label("sl_export_baseline", lang), font=BOLD),
                      sheet.text(f"{facts.base_version} ({facts.base_source})")])
    elif not facts.base_found:
        sheet.append([sheet.cell(label("sl_export_baseline", lang), font=BOLD),
                      sheet.text(label("sl_export_base_missing", lang,
                                       version=facts.view.baseline))])


def _actions(workbook: Workbook, facts: ExportFacts) -> None:
    lang = facts.lang
    plan, actions = facts.plan, facts.actions
    yes, no = label("export_yes", lang), label("export_no", lang)
    headers = [
        (label("identifier", lang), 12), (label("axis", lang), 10),
        (label("export_col_axis_title", lang), 30), (label("objective", lang), 30),
        (label("export_col_action", lang), 45), (label("owner", lang), 20),
        (label("service", lang), 28), (label("elected", lang), 20),
        (label("export_col_start", lang), 12), (label("export_col_end", lang), 12),
        (label("status", lang), 13), (label("progress", lang), 12),
        (label("weather", lang), 10), (label("budget", lang), 14),
        (label("export_col_late", lang), 11), (label("export_col_past_term", lang), 18),
        (label("dependencies", lang), 14), (label("description", lang), 50),
        (label("attention", lang), 40), (label("decision", lang), 40),
        (label("export_col_row", lang), 10),
    ]
    sheet = Sheet(workbook, label("export_actions", lang), headers, len(actions))
    titles = axis_titles(plan, lang)
    late = late_actions(actions, facts.status_date).to_numpy(bool)
    crossing = past_term(actions, term_end(plan, facts.status_date)).to_numpy(bool)
    for position, action in enumerate(actions.itertuples(index=False)):
        depends = action.depends_on if isinstance(action.depends_on, (tuple, list)) else ()
        sheet.append([
            sheet.text(action.id), sheet.text(action.axis_id),
            sheet.text(titles.get(action.axis_id, titles[None])), sheet.text(action.objective),
            sheet.text(action.title), sheet.text(action.owner), sheet.text(action.service),
            sheet.text(action.elected), sheet.day(action.start), sheet.day(action.end),
            status_word(action.status, lang), sheet.number(action.progress, SHARE_FORMAT),
            None if pd.isna(action.weather) else weather_word(action.weather, lang),
            sheet.number(action.budget, MONEY_FORMAT),
            yes if late[position] else no, yes if crossing[position] else no,
            sheet.text(", ".join(depends)) if depends else None,
            sheet.text(action.description), sheet.text(action.attention),
            sheet.text(action.decision), None if pd.isna(action.row) else int(action.row),
        ])


def _milestones(workbook: Workbook, facts: ExportFacts, rows: pd.DataFrame) -> None:
    lang = facts.lang
    headers = [
        (label("identifier", lang), 12), (label("export_col_action", lang), 12),
        (label("export_col_action_title", lang), 40), (label("milestone", lang), 40),
        (label("axis", lang), 30), (label("owner", lang), 20), (label("service", lang), 28),
        (label("date_planned", lang), 13), (label("date_actual", lang), 13),
        (label("state", lang), 18), (label("export_col_days", lang), 12),
        (label("instance", lang), 20),
    ]
    sheet = Sheet(workbook, label("export_milestones", lang), headers, len(rows))
    for row in rows.itertuples(index=False):
        sheet.append([
            sheet.text(row.id), sheet.text(row.action_id), sheet.text(row.action_title),
            sheet.text(row.title), sheet.text(row.axis_title), sheet.text(row.owner),
            sheet.text(row.service), sheet.day(row.planned), sheet.day(row.actual),
            label(f"export_state_{row.state}", lang),
            None if pd.isna(row.days) else int(row.days), sheet.text(row.instance),
        ])


def _problems(workbook: Workbook, facts: ExportFacts) -> None:
    lang = facts.lang
    headers = [(label("export_col_sheet", lang), 16), (label("export_col_row", lang), 10),
               (label("export_col_column", lang), 18), (label("export_col_code", lang), 24),
               (label("export_col_severity", lang), 15), (label("export_col_message", lang), 100)]
    problems = sorted(facts.problems, key=lambda p: (p.severity != "error", p.sheet, p.row or 0))
    sheet = Sheet(workbook, label("export_problems", lang), headers, len(problems))
    for problem in problems:
        severity = label("export_error" if problem.severity == "error" else "export_warning", lang)
        sheet.append([sheet.text(problem.sheet), problem.row, sheet.text(problem.column),
                      problem.code, severity, sheet.text(problem.message(lang))])


def _shifts(workbook: Workbook, facts: ExportFacts) -> None:
    """« Écarts »: what moved since the baseline, actions then milestones, worst first; real
    dates, and shifts as signed whole days (current minus baseline: +45 is 45 days later)."""
    lang = facts.lang
    actions = facts.slippage.changed_actions()
    milestones = facts.slippage.changed_milestones()
    headers = [
        (label("sl_col_kind", lang), 10), (label("identifier", lang), 12),
        (label("sl_col_title", lang), 45), (label("export_col_action", lang), 12),
        (label("sl_col_change", lang), 22),
        (label("sl_col_base_start", lang), 14), (label("sl_col_start", lang), 14),
        (label("sl_col_start_days", lang), 14),
        (label("sl_col_base_end_or_planned", lang), 16), (label("sl_col_end_or_planned", lang), 16),
        (label("sl_col_end_days", lang), 14),
        (label("sl_col_base_status", lang), 16), (label("sl_col_status", lang), 16),
        (label("sl_col_base_weather", lang), 14), (label("sl_col_weather", lang), 14),
        (label("sl_col_base_progress", lang), 14), (label("sl_col_progress_now", lang), 12),
        (label("sl_col_points", lang), 14),
    ]
    sheet = Sheet(workbook, label("sl_sheet", lang), headers, len(actions) + len(milestones))
    kind = label("sl_kind_action", lang)
    for row in actions.itertuples(index=False):
        present, was_there = row.change != "removed", row.change != "added"
        sheet.append([
            kind, sheet.text(row.id), sheet.text(row.title), sheet.text(row.id),
            label(f"sl_action_{row.change}", lang),
            sheet.day(row.base_start), sheet.day(row.start), _days(row.start_shift),
            sheet.day(row.base_end), sheet.day(row.end), _days(row.end_shift),
            status_word(row.base_status, lang) if was_there else None,
            status_word(row.status, lang) if present else None,
            _weather(row.base_weather, lang) if was_there else None,
            _weather(row.weather, lang) if present else None,
            sheet.number(row.base_progress, SHARE_FORMAT), sheet.number(row.progress, SHARE_FORMAT),
            sheet.number(row.progress_gained, POINTS_FORMAT),
        ])
    kind = label("sl_kind_milestone", lang)
    for row in milestones.itertuples(index=False):
        change = ("sl_milestone_now_late" if row.now_late else f"sl_milestone_{row.change}")
        sheet.append([
            kind, sheet.text(row.id), sheet.text(row.title), sheet.text(row.action_id),
            label(change, lang), None, None, None,
            sheet.day(row.base_planned), sheet.day(row.planned), _days(row.planned_shift),
            *([None] * 7),
        ])


def _days(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _weather(code, lang: str) -> str | None:
    return None if code is None or pd.isna(code) else weather_word(code, lang)
