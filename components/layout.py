"""The page's layout: a header, the timeline and the problems panel."""
from __future__ import annotations

from dash import dcc, html

from components import ids
from components.i18n import label


def page_layout() -> html.Div:
    """The skeleton of the page; the URL callback fills it for the requested view."""
    return html.Div(className="page", children=[
        dcc.Location(id=ids.URL, refresh=False),
        html.Header(className="page-header", role="banner", children=[
            html.H1(label("app_title"), id=ids.PAGE_TITLE),
            dcc.Link(label("language"), id=ids.LANG_LINK, href="?lang=en", className="lang-link"),
        ]),
        html.Main(role="main", children=[
            html.P(id=ids.PLAN_NOTICE, className="notice", role="status"),
            html.P(id=ids.VIEW_NOTICE, className="notice notice-discreet", role="status"),
            html.Section(className="timeline-section", children=[
                html.H2(label("timeline"), className="visually-hidden"),
                dcc.Graph(id=ids.TIMELINE, config={"displaylogo": False, "locale": "fr",
                                                   "responsive": True}),
            ]),
            html.Details(className="problems", children=[
                html.Summary([html.Span(label("problems")), " ",
                              html.Span("0", id=ids.PROBLEM_COUNT, className="badge")]),
                html.Div(id=ids.PROBLEMS),
            ]),
        ]),
    ])


def problems_list(problems, lang: str) -> html.Component:
    """Every reported row of the workbook, errors first."""
    if not problems:
        return html.P(label("no_problem", lang))
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.sheet, p.row or 0))
    return html.Ul([html.Li(problem.message(lang), className=f"problem-{problem.severity}")
                    for problem in ordered])
