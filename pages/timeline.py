"""`/`: the roadmap timeline, its key figures and the past-term summary.

Everything here follows the URL: `show_timeline` draws what the query string says, and
`follow_figure` turns what a person does on the figure (click a bar, zoom or pan) into a
new query string, so Back and shared links reproduce it. A click names the action
(`action=`); the shell's details panel opens it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.i18n import label
from components.kpis import kpi_strip, past_term_summary
from components.slippage import slippage_of
from components.timeline import PLOTLY_LOCALES, timeline_figure
from components.timeline_table import timeline_table
from loaders.store import PlanStore
from model.kpis import compute_kpis
from model.view import View, parse_query, to_query
from pages.answer_cache import cached_answer
from pages.context import resolve

PATH = "/"


def layout() -> html.Div:
    return html.Div(className="timeline-page", children=[
        html.H2(label("timeline"), id=ids.TIMELINE_HEADING, className="visually-hidden"),
        html.Section(id=ids.KPIS, className="kpis", **{"aria-label": label("kpis")}),
        html.Div(className="timeline-row", children=[
            html.Section(id=ids.TIMELINE_REGION, className="timeline-section", tabIndex=-1,
                         **{"aria-labelledby": ids.TIMELINE_HEADING}, children=[
                dcc.Graph(id=ids.TIMELINE, config=graph_config("fr")),
            ]),
            html.Aside(id=ids.PAST_TERM, className="past-term"),
        ]),
        html.Div(id=ids.TIMELINE_SLIPPAGE),
        html.Details(className="timeline-table-box", children=[
            html.Summary(label("table_toggle"), id=ids.TIMELINE_TABLE_TOGGLE),
            html.Div(id=ids.TIMELINE_TABLE),
        ]),
        dcc.Store(id=ids.FIGURE_KEY),
    ])


def graph_config(lang: str) -> dict:
    """Plotly's options; the locale names months and the toolbar in the view's language."""
    return {"displaylogo": False, "locale": lang, "locales": PLOTLY_LOCALES, "responsive": True}


def graph_style(figure) -> dict:
    """The graph's box as tall as its figure: a responsive plot fills its box, and a box of
    no set height is 0 px tall, so the chart would spill over what follows it (the
    slippage section, the table toggle, the footer) and take their clicks."""
    height = figure.layout.height
    return {"height": f"{int(height)}px"} if height else {}


def figure_key(view: View, version: str, status_date: dt.date) -> str:
    """What the figure and the key figures depend on: the view without its selected action
    (opening an action's details does not redraw the figure)."""
    return f"{version}|{status_date.isoformat()}|{to_query(replace(view, action=None))}"


def view_after_figure_event(view: View, click: dict | None,
                            relayout: dict | None) -> View | None:
    """The view after a click on a bar, or a zoom or pan (None: nothing to change)."""
    if click:
        points = [point for point in click.get("points", []) if point.get("customdata")]
        if points:
            return replace(view, action=str(points[0]["customdata"][0]))
        return None
    return zoomed_view(view, relayout or {})


def zoomed_view(view: View, relayout: dict) -> View | None:
    """`du`/`au` from Plotly's relayoutData (whole days); autorange drops them."""
    if relayout.get("xaxis.autorange"):
        return replace(view, start=None, end=None) if (view.start or view.end) else None
    bounds = relayout.get("xaxis.range") or [relayout.get("xaxis.range[0]"),
                                             relayout.get("xaxis.range[1]")]
    if not all(bounds):
        return None
    try:
        start, end = (pd.Timestamp(bound) for bound in bounds)
    except ValueError:
        return None
    # `au` is inclusive: a range ending at midnight ends the day before.
    first, last = start.date(), (end - pd.Timedelta(microseconds=1)).date()
    if last < first:
        return None
    return replace(view, start=first, end=last)


def register(app, store: PlanStore) -> None:
    @app.callback(
        Output(ids.TIMELINE, "figure"), Output(ids.TIMELINE, "config"),
        Output(ids.KPIS, "children"), Output(ids.PAST_TERM, "children"),
        Output(ids.TIMELINE_HEADING, "children"), Output(ids.FIGURE_KEY, "data"),
        Output(ids.TIMELINE_TABLE, "children"), Output(ids.TIMELINE_TABLE_TOGGLE, "children"),
        Output(ids.TIMELINE_SLIPPAGE, "children"), Output(ids.TIMELINE, "style"),
        Input(ids.URL, "search"), State(ids.FIGURE_KEY, "data"),
    )
    @cached_answer
    def show_timeline(search, drawn):
        if search is None:  # dcc.Location has not read the address yet
            raise PreventUpdate
        context = resolve(store, search)
        if context.loaded is None:
            return {}, no_update, [], [], no_update, None, [], no_update, [], no_update
        view, plan, day = context.view, context.loaded.plan, context.status_date
        key = figure_key(view, plan.version, day)
        if key == drawn:  # only the selected action changed: the shell's panel shows it
            raise PreventUpdate
        kpis = compute_kpis(plan, view, day)
        figure = timeline_figure(plan, view, day, baseline=context.base_plan)
        slippage = slippage_of(context, "timeline", PATH)
        return (figure, graph_config(view.lang),
                kpi_strip(kpis, plan, view.lang), past_term_summary(kpis, plan, view.lang),
                label("timeline", view.lang), key, timeline_table(plan, view, day),
                label("table_toggle", view.lang), slippage, graph_style(figure))

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True), Output(ids.TIMELINE, "clickData"),
        Input(ids.TIMELINE, "clickData"), Input(ids.TIMELINE, "relayoutData"),
        State(ids.URL, "search"), prevent_initial_call=True,
    )
    def follow_figure(click, relayout, search):
        view = parse_query(search or "")
        clicked = f"{ids.TIMELINE}.clickData" in ctx.triggered_prop_ids
        changed = view_after_figure_event(view, click if clicked else None,
                                          None if clicked else relayout)
        if changed is None or changed == view:
            raise PreventUpdate
        # clickData goes back to None, so clicking the same bar again opens it again.
        return to_query(changed), None

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.slippage_grid(ALL, ALL), "eventData"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def open_slipped_action(events, search):
        # A row of either page's slippage tables (click or Enter) opens its action.
        event = ctx.triggered[0]["value"] if ctx.triggered else None
        action = (event or {}).get("data")
        view = parse_query(search or "")
        if not isinstance(action, str) or action == view.action:
            raise PreventUpdate
        return to_query(replace(view, action=action, notices=()))
