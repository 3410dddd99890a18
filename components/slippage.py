"""What moved since the baseline (`base=`): key figures and two sortable tables (dash-ag-grid),
on the timeline page and the committee page.

Pure functions turn a `model.baseline.Slippage` into words and grid rows; `slippage_section`
only assembles them. A shift is always written with its sign and unit (« +45 j »), a change
with its words (« Planifiée → En cours »): colour only repeats what the text says.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace

import dash_ag_grid as dag
import pandas as pd
from babel.numbers import format_decimal
from dash import dcc, html

from components import ids
from components.i18n import (LOCALES, STATUS_LABELS, WEATHER_LABELS, format_count, format_day,
                             label, plural)
from components.milestones_table import GRID_LOCALE_FR
from model.baseline import Slippage, compare_loaded
from model.view import VERSION_CHARS, View, to_query

MINUS = "\u2212"  # a true minus sign: a hyphen reads as a dash next to a number


def format_shift(days, lang: str) -> str:
    """« +45 j », « −12 j », « 0 j » (« +45 d » in English); « — » without a shift."""
    if days is None or pd.isna(days):
        return "—"
    return _signed("sl_days", float(days), lang)


def format_points(points, lang: str) -> str:
    """« +45 pts » of progress gained, « — » when either version has no progress."""
    if points is None or pd.isna(points):
        return "—"
    return _signed("sl_points", float(points), lang)


@functools.lru_cache(maxsize=4096)
def _signed(key: str, value: float, lang: str) -> str:
    """Babel formats each distinct value once: a plan has far fewer shifts than rows."""
    sign = "+" if value > 0 else (MINUS if value < 0 else "")
    number = format_decimal(abs(value), format="#,##0.#", locale=LOCALES.get(lang, "fr_FR"))
    return label(key, lang, sign=sign, n=number)


def base_label(slippage: Slippage, source: str, lang: str) -> str:
    """« version 1a2b3c4d5e6f (plan-mars.xlsx) »: how the baseline is named to people."""
    return label("sl_base_name", lang, version=slippage.base_version[:VERSION_CHARS],
                 source=source)


def _status(code, lang: str) -> str:
    return STATUS_LABELS[lang].get(None if pd.isna(code) else code, str(code))


def _weather(code, lang: str) -> str:
    return WEATHER_LABELS[lang].get(None if pd.isna(code) else code, str(code))


def _was_now(before: str, after: str, changed: bool) -> str:
    return f"{before} → {after}" if changed else after


def change_word(change: str, kind: str, lang: str) -> str:
    """« Ajoutée », « Retirée », « Modifiée »… (`kind`: action or milestone)."""
    return label(f"sl_{kind}_{change}", lang)


def kpi_items(slippage: Slippage, lang: str) -> list[tuple[str, str, str | None, bool]]:
    """(title, value, detail, alert) of each key figure, in reading order."""
    kpis = slippage.kpis
    worst_detail = None
    if kpis.worst_action is not None:
        worst = slippage.actions[slippage.actions["id"] == kpis.worst_action].iloc[0]
        worst_detail = f"{worst.id} — {worst.title}"
    return [
        (label("sl_kpi_slipped", lang), format_count(kpis.slipped, lang),
         label("sl_kpi_of", lang, total=format_count(kpis.compared, lang),
               pulled_in=plural("sl_kpi_pulled_in", kpis.pulled_in, lang)), kpis.slipped > 0),
        (label("sl_kpi_median", lang),
         format_shift(kpis.median_slip, lang) if kpis.median_slip is not None else "—",
         label("sl_kpi_median_detail", lang), False),
        (label("sl_kpi_worst", lang),
         format_shift(kpis.worst_slip, lang) if kpis.worst_slip is not None else "—",
         worst_detail, kpis.worst_slip is not None),
        (label("sl_kpi_now_late", lang), format_count(kpis.milestones_now_late, lang),
         plural("sl_kpi_moved", kpis.milestones_moved, lang),
         kpis.milestones_now_late > 0),
        (label("sl_kpi_added_removed", lang),
         f"{format_count(kpis.added, lang)} / {format_count(kpis.removed, lang)}",
         label("sl_kpi_milestones_added_removed", lang,
               added=format_count(kpis.milestones_added, lang),
               removed=format_count(kpis.milestones_removed, lang)), False),
        (label("sl_kpi_status_weather", lang),
         f"{format_count(kpis.status_changes, lang)} / {format_count(kpis.weather_changes, lang)}",
         None, False),
    ]


def _dated(frame: pd.DataFrame, column: str, lang: str) -> tuple[list, list]:
    """ISO dates (the grid sorts them) and their words (`15 mars 2026`, shown), per row."""
    days = frame[column]
    iso = days.dt.strftime("%Y-%m-%d").astype(object)
    iso = iso.where(days.notna(), None).tolist()
    return iso, [None if day is None else _day_words(day, lang) for day in iso]


@functools.lru_cache(maxsize=8192)
def _day_words(iso: str, lang: str) -> str:
    """Babel formats each distinct day once."""
    return format_day(dt.date.fromisoformat(iso), lang)


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def action_records(slippage: Slippage, lang: str) -> list[dict]:
    """The action grid's rows: every changed, added or removed action, worst first."""
    rows = slippage.changed_actions()
    base_end, base_end_label = _dated(rows, "base_end", lang)
    end, end_label = _dated(rows, "end", lang)
    records = []
    for rank, row in enumerate(rows.itertuples(index=False)):
        removed = row.change == "removed"
        records.append({
            "rank": rank, "id": row.id, "action": f"{row.id} — {row.title}",
            "present": not removed,
            "change": row.change, "change_label": change_word(row.change, "action", lang),
            "base_end": base_end[rank], "base_end_label": base_end_label[rank],
            "end": end[rank], "end_label": end_label[rank],
            "end_shift": _int(row.end_shift), "end_shift_label": format_shift(row.end_shift, lang),
            "start_shift": _int(row.start_shift),
            "start_shift_label": format_shift(row.start_shift, lang),
            "status": _status(row.base_status, lang) if removed else _was_now(
                _status(row.base_status, lang), _status(row.status, lang),
                bool(row.status_changed)),
            "weather": _weather(row.base_weather, lang) if removed else _was_now(
                _weather(row.base_weather, lang), _weather(row.weather, lang),
                bool(row.weather_changed)),
            "progress": None if pd.isna(row.progress_gained) else float(row.progress_gained),
            "progress_label": format_points(row.progress_gained, lang),
        })
    return records


def milestone_state(row, lang: str) -> str:
    """« ⚠ Désormais en retard », « Déplacé », « Ajouté », « Retiré »…"""
    if row.now_late:
        return label("sl_milestone_now_late", lang)
    return change_word(row.change, "milestone", lang)


def milestone_records(slippage: Slippage, lang: str) -> list[dict]:
    """The milestone grid's rows: moved, added, removed or now late, now late first."""
    rows = slippage.changed_milestones()
    base_planned, base_planned_label = _dated(rows, "base_planned", lang)
    planned, planned_label = _dated(rows, "planned", lang)
    return [{
        "rank": rank, "id": f"{row.change}:{_text(row.base_id)}:{row.id}",
        "milestone": row.title, "action_id": row.action_id,
        "action": f"{row.action_id} — {_text(row.action_title)}",
        "present": row.change != "removed", "change": row.change,
        "state": milestone_state(row, lang), "now_late": bool(row.now_late),
        "base_planned": base_planned[rank], "base_planned_label": base_planned_label[rank],
        "planned": planned[rank], "planned_label": planned_label[rank],
        "shift": _int(row.planned_shift), "shift_label": format_shift(row.planned_shift, lang),
    } for rank, row in enumerate(rows.itertuples(index=False))]


def _formatted(text_field: str) -> dict:
    shown = f"params.data && params.data.{text_field} || '—'"
    return {"valueFormatter": {"function": shown}, "getQuickFilterText": {"function": shown}}


def _date_column(field: str, key: str, lang: str) -> dict:
    return {"field": field, "headerName": label(key, lang), "cellDataType": "dateString",
            "filter": "agDateColumnFilter", "minWidth": 140, **_formatted(f"{field}_label")}


def _shift_column(field: str, key: str, lang: str) -> dict:
    return {"field": field, "headerName": label(key, lang), "cellDataType": "number",
            "filter": "agNumberColumnFilter", "minWidth": 110, "type": "rightAligned",
            "cellClass": {"function": "params.value > 0 ? 'sl-late' : ''"},
            **_formatted(f"{field}_label")}


def action_columns(lang: str) -> list[dict]:
    return [
        {"field": "action", "headerName": label("sl_col_action", lang), "flex": 3,
         "minWidth": 220, "wrapText": True, "autoHeight": True},
        {"field": "change_label", "headerName": label("sl_col_change", lang), "minWidth": 110},
        _shift_column("end_shift", "sl_col_end_shift", lang),
        _date_column("base_end", "sl_col_base_end", lang),
        _date_column("end", "sl_col_end", lang),
        _shift_column("start_shift", "sl_col_start_shift", lang),
        {"field": "status", "headerName": label("sl_col_status", lang), "minWidth": 160,
         "wrapText": True, "autoHeight": True},
        {"field": "weather", "headerName": label("sl_col_weather", lang), "minWidth": 170,
         "wrapText": True, "autoHeight": True},
        {"field": "progress", "headerName": label("sl_col_progress", lang),
         "cellDataType": "number", "filter": "agNumberColumnFilter", "minWidth": 110,
         "type": "rightAligned", **_formatted("progress_label")},
    ]


def milestone_columns(lang: str) -> list[dict]:
    return [
        {"field": "milestone", "headerName": label("sl_col_milestone", lang), "flex": 2,
         "minWidth": 180, "wrapText": True, "autoHeight": True},
        {"field": "action", "headerName": label("sl_col_action", lang), "flex": 2,
         "minWidth": 180, "wrapText": True, "autoHeight": True},
        {"field": "state", "headerName": label("sl_col_change", lang), "minWidth": 170,
         "cellClass": {"function": "params.data.now_late ? 'sl-late' : ''"}},
        _shift_column("shift", "sl_col_shift", lang),
        _date_column("base_planned", "sl_col_base_planned", lang),
        _date_column("planned", "sl_col_planned", lang),
    ]


def _grid(grid_id: dict, rows: list[dict], columns: list[dict], lang: str) -> dag.AgGrid:
    # Few rows: the grid takes their height (autoHeight), up to a scrolling box.
    return dag.AgGrid(
        id=grid_id, rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "filter": "agTextColumnFilter", "resizable": True,
                       "flex": 1, "minWidth": 100},
        getRowId="params.data.id",
        dashGridOptions={"localeText": GRID_LOCALE_FR if lang == "fr" else {},
                         "animateRows": False, "accentedSort": True,
                         "domLayout": "autoHeight" if len(rows) <= 15 else "normal"},
        # Enter or a click on a row of an action still in the plan opens its details.
        eventListeners={
            "cellClicked": ["params.data && params.data.present"
                            " ? setEventData(params.data.action_id || params.data.id) : null"],
            "cellKeyDown": ["params.event.key === 'Enter' && params.data && params.data.present"
                            " ? setEventData(params.data.action_id || params.data.id) : null"],
        },
        style={} if len(rows) <= 15 else {"height": "28rem"},
        className=f"slippage-grid slippage-grid-{grid_id['kind']}",
    )


def slippage_section(slippage: Slippage, view: View, source: str, page: str,
                     path: str) -> html.Section:
    """The section « Ce qui a bougé depuis la référence »: key figures, the two tables, a
    link that drops the baseline. `page` keeps the ids of two pages apart."""
    lang = view.lang
    heading_id = ids.slippage_part(page, "heading")
    figures = html.Dl(className="kpi-strip slippage-kpis", children=[
        html.Div(className=f"kpi{' kpi-alert' if alert else ''}", children=[
            html.Dt(title), html.Dd(value, className="kpi-value"),
            *([html.Dd(detail, className="kpi-detail")] if detail else [])])
        for title, value, detail, alert in kpi_items(slippage, lang)])
    actions, milestones = action_records(slippage, lang), milestone_records(slippage, lang)
    clear = path + (to_query(replace(view, baseline=None, notices=())) or "")
    return html.Section(className="slippage", id=ids.slippage_part(page, "section"),
                        **{"aria-labelledby": heading_id}, children=[
        html.Div(className="slippage-head", children=[
            html.H2(label("sl_title", lang), id=heading_id),
            html.P(className="slippage-base", children=[
                label("sl_base_is", lang, name=base_label(slippage, source, lang)), " ",
                dcc.Link(label("sl_clear", lang), href=clear, className="slippage-clear",
                         id=ids.slippage_part(page, "clear")),
            ]),
        ]),
        figures,
        html.H3(label("sl_actions_title", lang, n=format_count(len(actions), lang)),
                id=ids.slippage_part(page, "actions-heading")),
        _table(ids.slippage_grid(page, "actions"), actions, action_columns(lang), lang,
               "sl_no_action"),
        html.H3(label("sl_milestones_title", lang, n=format_count(len(milestones), lang)),
                id=ids.slippage_part(page, "milestones-heading")),
        _table(ids.slippage_grid(page, "milestones"), milestones, milestone_columns(lang), lang,
               "sl_no_milestone"),
    ])


def _table(grid_id: dict, rows: list[dict], columns: list[dict], lang: str, empty: str):
    if not rows:
        return html.P(label(empty, lang), className="slippage-none")
    return _grid(grid_id, rows, columns, lang)


def slippage_of(context, page: str, path: str) -> list:
    """The section for a page's resolved context (pages.context.Context) when `base=` names
    a version this server has, else nothing: an unknown baseline is a notice in the shell."""
    if context.baseline is None or context.loaded is None:
        return []
    slippage = compare_loaded(context.loaded, context.baseline, context.view,
                              context.status_date)
    return [slippage_section(slippage, context.view, context.baseline.plan.source, page, path)]
