"""`/comite`: one 16:9 screen for a steering committee, readable from the back of the room.

The timeline is zoomed on the current term and keeps only the actions that overlap it;
beside it the key figures, late milestones and each axis's météo; below, the points of
attention and the decisions expected. `presentation=1` hides the controls (the shell
marks the page) and enlarges text to 18 px at least; printing gives one landscape page.
"""
from __future__ import annotations

from dash import Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from components import ids
from components.i18n import WEATHER_LABELS, format_day, label
from components.kpis import kpi_strip
from components.slippage import slippage_of
from components.timeline import PLOTLY_LOCALES, row_count, timeline_figure
from loaders.store import PlanStore
from model.committee import committee_view, plan_in_range, weather_by_axis, with_text
from model.filters import visible_actions
from model.kpis import compute_kpis
from model.milestones import milestone_rows, quick_view
from pages.answer_cache import cached_answer
from pages.context import resolve

PATH = "/comite"
LATE_ROWS = 6  # what fits beside the chart on one screen; the rest is counted
TEXT_ROWS = 4
TEXT_CHARS = 110
PRESENTATION_HEIGHT = 800
LABEL_CHARS = 30  # the chart's share of a 1080-pixel projector
PRESENTATION_FONT = 18



def layout() -> html.Div:
    return html.Div(className="committee", children=[
        html.H2(label("committee_title"), id=ids.COMMITTEE_HEADING),
        html.Section(id=ids.COMMITTEE_KPIS, className="kpis",
                     **{"aria-label": label("kpis")}),
        html.Div(className="committee-grid", children=[
            html.Section(className="committee-chart", children=[
                dcc.Graph(id=ids.COMMITTEE_TIMELINE,
                          config={"displaylogo": False, "locale": "fr", "responsive": True,
                                  "locales": PLOTLY_LOCALES, "displayModeBar": False}),
            ]),
            html.Div(id=ids.COMMITTEE_SIDE, className="committee-side"),
            html.Div(id=ids.COMMITTEE_NOTES, className="committee-side"),
        ]),
        html.Div(id=ids.COMMITTEE_SLIPPAGE),
    ])


def _late_milestones(plan, actions, status_date, lang):
    rows = quick_view(milestone_rows(plan, actions, status_date,
                                     label("outside_strategy", lang)), "late")
    rows = rows.sort_values("days", kind="stable")
    items = [html.Li([html.Span("⚠ ", **{"aria-hidden": "true"}),
                      html.Strong(row.title), f" — {row.action_title} ",
                      html.Span(label("committee_late_by", lang, days=-int(row.days),
                                      date=format_day(row.planned.date(), lang)),
                                className="late-text")])
             for row in rows.head(LATE_ROWS).itertuples()]
    more = len(rows) - LATE_ROWS
    return html.Section(className="committee-block", children=[
        html.H3(label("committee_late", lang, count=len(rows))),
        html.Ul(items) if items else html.P(label("committee_none", lang)),
        *([html.P(label("committee_more", lang, count=more))] if more > 0 else []),
    ])


def _weather(plan, actions, lang):
    items = [html.Li([html.Span(axis.title, className="axis-name"), " : " if lang == "fr"
                      else ": ", html.Strong(WEATHER_LABELS[lang][axis.worst]), " (",
                      ", ".join(f"{WEATHER_LABELS[lang][code].split(' ')[0]} {count}"
                                for code, count in axis.counts), ")"])
             for axis in weather_by_axis(plan, actions, label("outside_strategy", lang))]
    return html.Section(className="committee-block", children=[
        html.H3(label("committee_weather", lang)),
        html.Ul(items) if items else html.P(label("committee_none", lang)),
    ])


def _texts(actions, column: str, heading: str, lang: str):
    chosen = with_text(actions, column)
    items = [html.Li([html.Strong(f"{row.title} : " if lang == "fr" else f"{row.title}: "),
                      _shorten(getattr(row, column))])
             for row in chosen.head(TEXT_ROWS).itertuples()]
    more = len(chosen) - TEXT_ROWS
    return html.Section(className="committee-block", children=[
        html.H3(label(heading, lang, count=len(chosen))),
        html.Ul(items) if items else html.P(label("committee_none", lang)),
        *([html.P(label("committee_more", lang, count=more))] if more > 0 else []),
    ])


def _shorten(text: str, limit: int = TEXT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def committee_figure(plan, view, status_date, context=None):
    """The timeline of the term's actions; larger text in presentation mode; the baseline's
    ghost bars when the context has one."""
    shown = plan_in_range(plan, view, status_date)
    # In presentation mode, shorter row labels leave the bars room at 18 px; a cut label's
    # bar carries the full title for its hover.
    options = {"label_chars": LABEL_CHARS} if view.presentation else {}
    figure = timeline_figure(shown, view, status_date,
                             baseline=context.base_plan if context else None, **options)
    # The legend goes under the chart: the bars get the width of the column.
    figure.update_layout(legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top"})
    if view.presentation:
        rows = row_count(figure)
        figure.update_layout(font_size=PRESENTATION_FONT, legend_font_size=PRESENTATION_FONT,
                             yaxis_tickfont_size=PRESENTATION_FONT,
                             height=min(rows * (PRESENTATION_FONT + 6) + 170,
                                        PRESENTATION_HEIGHT))
        figure.update_annotations(font_size=PRESENTATION_FONT)
    return figure


def register(app, store: PlanStore) -> None:
    @app.callback(
        Output(ids.COMMITTEE_TIMELINE, "figure"), Output(ids.COMMITTEE_KPIS, "children"),
        Output(ids.COMMITTEE_SIDE, "children"), Output(ids.COMMITTEE_NOTES, "children"),
        Output(ids.COMMITTEE_HEADING, "children"), Output(ids.COMMITTEE_SLIPPAGE, "children"),
        Input(ids.URL, "search"),
    )
    @cached_answer
    def show_committee(search):
        if search is None:
            raise PreventUpdate
        context = resolve(store, search)
        if context.loaded is None:
            return {}, [], [], [], label("committee_title", context.lang), []
        plan, day, lang = context.loaded.plan, context.status_date, context.lang
        view = committee_view(context.view)
        actions = visible_actions(plan, view, day)
        heading = label("committee_heading", lang, title=plan.settings.title or plan.source,
                        date=format_day(day, lang))
        side = [_late_milestones(plan, actions, day, lang), _weather(plan, actions, lang)]
        notes = [_texts(actions, "attention", "committee_attention", lang),
                 _texts(actions, "decision", "committee_decisions", lang)]
        return (committee_figure(plan, view, day, context),
                kpi_strip(compute_kpis(plan, view, day), plan, lang), side, notes, heading,
                slippage_of(context, "committee", PATH))
