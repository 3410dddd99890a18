"""The timeline as a data table (RGAA criterion 1.6): the same rows as the chart, in the same
order, each action's title a link that opens its details (Plotly bars cannot take focus)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from dash import dcc, html

from components.i18n import STATUS_LABELS, WEATHER_LABELS, format_day, format_share, label
from components.timeline import layout_rows
from model.derive import late_actions, past_term, term_end
from model.filters import visible_actions
from model.plan import Plan
from model.view import View, to_query


def timeline_table(plan: Plan, view: View, status_date: dt.date) -> html.Table:
    """One row per visible action, grouped by axis as on the chart."""
    lang = view.lang
    actions = visible_actions(plan, view, status_date)
    ordered = layout_rows(plan, actions, view, lang).actions
    late = late_actions(ordered, status_date)
    beyond = past_term(ordered, term_end(plan, status_date))
    yes, no = label("table_yes", lang), ""
    headers = ["axis", "table_action", "owner", "service", "table_start", "table_end",
               "status", "progress", "weather", "table_late", "past_term"]
    rows = []
    for position, action in enumerate(ordered.itertuples()):
        rows.append(html.Tr([
            html.Td(action.axis_title),
            html.Th(dcc.Link(action.title, href=to_query(replace(view, action=action.id,
                                                                  notices=())) or "?"),
                    scope="row"),
            html.Td(_text(action.owner)), html.Td(_text(action.service)),
            html.Td(format_day(action.start.date(), lang)),
            html.Td(format_day(action.end.date(), lang)),
            html.Td(STATUS_LABELS[lang].get(_code(action.status), "")),
            html.Td(format_share(action.progress, lang) if pd.notna(action.progress) else ""),
            html.Td(WEATHER_LABELS[lang].get(_code(action.weather), "")),
            html.Td(yes if late.iloc[position] else no),
            html.Td(yes if beyond.iloc[position] else no),
        ]))
    return html.Table(className="timeline-table", children=[
        html.Caption(label("table_caption", lang, count=len(rows))),
        html.Thead(html.Tr([html.Th(label(key, lang), scope="col") for key in headers])),
        html.Tbody(rows),
    ])


def _text(value) -> str:
    return "" if value is None or value is pd.NA else str(value)


def _code(value):
    return None if value is None or value is pd.NA else value
