"""`/coherence` drawn as HTML: the axes × years matrix as a real table, then the gap lists.

A table, not a heatmap figure: screen readers read it cell by cell (RGAA 5.x: caption,
header cells with `scope`), and every number is written; the shading only helps the eye.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from dash import dcc, html

from components.i18n import format_day, format_money, label
from model.coherence import Coherence, YearMatrix
from model.filters import OUTSIDE
from model.view import View, to_query

# Lists show their first items only: the heading gives the full count, the filters narrow it
# (formatting thousands of Babel dates would also take seconds).
LIST_LIMIT = 50
# Shading from white to this light blue; the ink stays ≥ 4.5:1 on the darkest cell.
SHADE_RGB = (169, 204, 232)


def plural(key: str, count: int, lang: str, **params) -> str:
    """`{key}_one` for 0 and 1 (French usage), `{key}_other` otherwise."""
    one = count <= 1 if lang == "fr" else count == 1
    return label(f"{key}_{'one' if one else 'other'}", lang, count=count, **params)


def _sep(lang: str) -> str:
    """French puts a space before a colon."""
    return " : " if lang == "fr" else ": "


def _day(value, lang: str) -> str:
    return format_day(value.date() if isinstance(value, pd.Timestamp) else value, lang)


def _axis_title(key: str, title, lang: str) -> str:
    return label("outside_strategy", lang) if key == OUTSIDE or pd.isna(title) else str(title)


def action_link(view: View, action_id: str, title: str) -> dcc.Link:
    """The action on the timeline with its details open (the view's filters kept)."""
    return dcc.Link(f"{action_id} — {title}",
                    href="/" + to_query(replace(view, action=action_id)))


def shade(fraction: float) -> str:
    """Background of a cell carrying `fraction` (0..1) of the largest cell's budget."""
    red, green, blue = (round(255 - (255 - part) * fraction) for part in SHADE_RGB)
    return f"rgb({red}, {green}, {blue})"


def axis_header(view: View, key: str, title, lang: str) -> html.Th:
    """The row's axis, with a link to the indicators of the axis and of its actions."""
    name = html.Span(_axis_title(key, title, lang), className="axis-title")
    if key == OUTSIDE:
        return html.Th(name, scope="row")
    href = "/indicateurs" + to_query(replace(view, axes=(key,), action=None))
    # dcc.Link takes no aria-label: the axis goes in hidden text, so the link's name is unique.
    hidden = html.Span(label("coherence_axis_indicators_of", lang, title=name.children),
                       className="visually-hidden")
    return html.Th([name, " ", dcc.Link([label("coherence_axis_indicators", lang), hidden],
                                        href=href, className="axis-indicators")], scope="row")


def matrix_table(matrix: YearMatrix, view: View, lang: str) -> html.Component:
    """The axes × years table: per cell, the actions active that year and their budget share."""
    if not matrix.years:
        return html.P(label("coherence_no_visible_action", lang))
    largest = float(matrix.budget.to_numpy().max()) if matrix.budget.size else 0.0
    header = html.Tr([html.Th(label("axis", lang), scope="col"),
                      *[html.Th(str(year), scope="col") for year in matrix.years],
                      html.Th(label("coherence_total", lang), scope="col")])
    body = []
    for key, row in matrix.rows.iterrows():
        cells = [axis_header(view, key, row["title"], lang)]
        for year in matrix.years:
            count = int(matrix.actions.at[key, year])
            budget = float(matrix.budget.at[key, year])
            style = {"backgroundColor": shade(budget / largest)} if largest > 0 and count else None
            cells.append(_cell(count, budget, lang, style))
        cells.append(_cell(int(row["actions"]), float(row["budget"]), lang, None, "cell-total"))
        body.append(html.Tr(cells, className="row-outside" if key == OUTSIDE else None))
    total = html.Tr([html.Th(label("coherence_total", lang), scope="row"),
                     *[_cell(int(matrix.year_actions[year]), float(matrix.year_budget[year]),
                             lang, None, "cell-total") for year in matrix.years],
                     _cell(int(matrix.rows["actions"].sum()), float(matrix.rows["budget"].sum()),
                           lang, None, "cell-total")])
    # A focusable, labelled region: keyboard users can scroll a table wider than the screen.
    return html.Div(className="table-scroll", tabIndex=0, role="region",
                    **{"aria-label": label("coherence_matrix", lang)}, children=html.Table(
                        className="coherence-matrix", children=[
                            html.Caption(label("coherence_caption", lang)),
                            html.Thead(header), html.Tbody(body), html.Tfoot(total)]))


def _cell(count: int, budget: float, lang: str, style: dict | None,
          class_name: str | None = None) -> html.Td:
    if count == 0:
        return html.Td([html.Span("—", **{"aria-hidden": "true"}),
                        html.Span(label("coherence_no_action", lang), className="visually-hidden")],
                       className=" ".join(filter(None, ["cell-empty", class_name])))
    return html.Td([html.Span(plural("coherence_actions", count, lang), className="cell-count"),
                    html.Br(), html.Span(format_money(budget, lang), className="cell-budget")],
                   style=style, className=class_name)


def idle_axes_list(coherence: Coherence, lang: str) -> html.Ul:
    items = []
    for axis in coherence.idle_axes.head(LIST_LIMIT).itertuples():
        later = (label("coherence_next_action", lang, date=_day(axis.next_start, lang))
                 if pd.notna(axis.next_start) else label("coherence_no_next_action", lang))
        horizon = label("coherence_axis_horizon", lang, start=_day(axis.start, lang),
                        end=_day(axis.end, lang))
        items.append(html.Li([html.Strong(axis.title),
                              f" ({axis.id}){_sep(lang)}{horizon}, {later}"]))
    return html.Ul(items)


def actions_list(view: View, actions: pd.DataFrame, lang: str) -> html.Ul:
    items = []
    for action in actions.head(LIST_LIMIT).itertuples():
        span = label("coherence_from_to", lang, start=_day(action.start, lang),
                     end=_day(action.end, lang))
        budget = f", {format_money(action.budget, lang)}" if pd.notna(action.budget) else ""
        items.append(html.Li([action_link(view, action.id, action.title),
                              f"{_sep(lang)}{span}{budget}"]))
    return html.Ul(items)


def horizon_list(view: View, actions: pd.DataFrame, lang: str) -> html.Ul:
    items = []
    for action in actions.head(LIST_LIMIT).itertuples():
        reasons = [label(key, lang) for key, flag in
                   (("coherence_starts_before", action.starts_before),
                    ("coherence_ends_after", action.ends_after)) if flag]
        span = label("coherence_from_to", lang, start=_day(action.start, lang),
                     end=_day(action.end, lang))
        horizon = label("coherence_axis_horizon", lang, start=_day(action.axis_start, lang),
                        end=_day(action.axis_end, lang))
        items.append(html.Li([action_link(view, action.id, action.title),
                              f"{_sep(lang)}{span}, {', '.join(reasons)} "
                              f"({action.axis_title}, {horizon})"]))
    return html.Ul(items)


def milestones_list(view: View, milestones: pd.DataFrame, lang: str) -> html.Ul:
    items = []
    for milestone in milestones.head(LIST_LIMIT).itertuples():
        dates = []
        if milestone.planned_outside:
            dates.append(label("coherence_planned_on", lang, date=_day(milestone.planned, lang)))
        if milestone.actual_outside:
            dates.append(label("coherence_done_on", lang, date=_day(milestone.actual, lang)))
        span = label("coherence_action_span", lang, id=milestone.action_id,
                     start=_day(milestone.start, lang), end=_day(milestone.end, lang))
        items.append(html.Li([html.Strong(f"{milestone.id} — {milestone.title}"),
                              f"{_sep(lang)}{', '.join(dates)}, {span} ",
                              action_link(view, milestone.action_id, milestone.action_title)]))
    return html.Ul(items)


def past_term_table(coherence: Coherence, lang: str) -> html.Component:
    if coherence.term_end is None:
        return html.P(label("coherence_no_term", lang))
    rows = coherence.past_term
    header = html.Tr([html.Th(label("axis", lang), scope="col"),
                      html.Th(label("past_term_actions", lang), scope="col"),
                      html.Th(label("past_term_budget", lang), scope="col"),
                      html.Th(label("past_term_prorated", lang), scope="col")])
    body = [html.Tr([html.Th(_axis_title(key, row["title"], lang), scope="row"),
                     html.Td(str(int(row["actions"]))),
                     html.Td(format_money(float(row["budget"]), lang)),
                     html.Td(format_money(float(row["budget_past_term"]), lang))])
            for key, row in rows.iterrows()]
    total = html.Tr([html.Th(label("coherence_total", lang), scope="row"),
                     html.Td(str(int(rows["actions"].sum()))),
                     html.Td(format_money(float(rows["budget"].sum()), lang)),
                     html.Td(format_money(float(rows["budget_past_term"].sum()), lang))])
    # The term's end is the next term's first day: its last day is the day before.
    last_day = (coherence.term_end - pd.Timedelta(days=1)).date()
    return html.Table(className="coherence-past-term", children=[
        html.Caption(label("past_term_caption", lang, date=format_day(last_day, lang))),
        html.Thead(header), html.Tbody(body), html.Tfoot(total)])


def coherence_view(coherence: Coherence, view: View, status_date: dt.date, lang: str) -> list:
    """The page's content for one view: title, matrix, then one section per list."""
    matrix = coherence.matrix
    past_count = int(coherence.past_term["actions"].sum()) if coherence.term_end is not None else 0
    note = ([html.P(plural("coherence_unbudgeted", matrix.unbudgeted, lang), className="note")]
            if matrix.unbudgeted else [])
    return [
        html.H2(label("coherence_title", lang)),
        html.P(label("coherence_intro", lang, date=format_day(status_date, lang),
                     window_end=_day(coherence.window_end, lang)), className="intro"),
        html.Section(id="coherence-matrix", children=[
            html.H2(label("coherence_matrix", lang)), matrix_table(matrix, view, lang), *note]),
        _section("coherence-idle-axes", "idle_axes", lang, len(coherence.idle_axes),
                 idle_axes_list(coherence, lang)),
        _section("coherence-outside-strategy", "outside_strategy_list", lang,
                 len(coherence.outside_strategy),
                 actions_list(view, coherence.outside_strategy, lang)),
        _section("coherence-outside-horizon", "outside_horizon", lang,
                 len(coherence.outside_horizon),
                 horizon_list(view, coherence.outside_horizon, lang)),
        _section("coherence-milestones-outside", "milestones_outside", lang,
                 len(coherence.milestones_outside),
                 milestones_list(view, coherence.milestones_outside, lang)),
        _section("coherence-past-term", "past_term_list", lang, past_count,
                 past_term_table(coherence, lang), always=coherence.term_end is None),
    ]


def _section(section_id: str, key: str, lang: str, count: int, content,
             always: bool = False) -> html.Section:
    """One list with its count in its heading; « Aucun. » when it is empty."""
    shown = content if count or always else html.P(label("coherence_none", lang))
    more = ([html.P(label("coherence_first_items", lang, shown=LIST_LIMIT, count=count),
                    className="note")] if count > LIST_LIMIT and not always else [])
    return html.Section(id=section_id, className="coherence-list", children=[
        html.H2([label(key, lang), " ", html.Span(str(count), className="badge count")]),
        shown, *more])
