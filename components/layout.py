"""The page shell: header, notices, the current page, and the workbook's problems."""
from __future__ import annotations

from dash import dcc, html

from components import ids
from components.i18n import label


def shell_layout() -> html.Div:
    """The skeleton shared by every page; callbacks fill it for the requested view."""
    return html.Div(className="page", children=[
        dcc.Location(id=ids.URL, refresh=False),
        html.Header(className="page-header", role="banner", children=[
            html.Div([
                html.H1(label("app_title"), id=ids.APP_TITLE),
                html.P(id=ids.PAGE_TITLE, className="plan-title"),
            ]),
            dcc.Link(label("language"), id=ids.LANG_LINK, href="?lang=en",
                     className="lang-link"),
        ]),
        html.Main(role="main", children=[
            html.P(id=ids.PLAN_NOTICE, className="notice", role="status"),
            html.P(id=ids.VIEW_NOTICE, className="notice notice-discreet", role="status"),
            html.Div(id=ids.PAGE_CONTENT),
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
