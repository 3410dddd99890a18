"""The page shell: header (upload, language), the filter bar, notices, the current page, and
the workbook's problems. Rendered once; callbacks fill it for the view in the URL."""
from __future__ import annotations

from dash import dcc, html

from components import ids
from components.controls import filter_bar
from components.details import details_panel
from components.i18n import label
from components.navigation import footer, navigation

UPLOAD_ACCEPT = ".xlsx,.xlsm,.ods,.csv"


def shell_layout(max_upload_bytes: int = 20 * 1024 * 1024,
                 pages: frozenset[str] = frozenset({"/"})) -> html.Div:
    """The skeleton shared by every page; callbacks fill it for the requested view."""
    limit_mb = max_upload_bytes // (1024 * 1024)
    return html.Div(className="page", children=[
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.VIEW_KEY),
        html.Header(className="page-header", role="banner", children=[
            html.Div(className="titles", children=[
                html.H1(label("app_title"), id=ids.APP_TITLE),
                html.P(id=ids.PAGE_TITLE, className="plan-title"),
            ]),
            html.Div(className="header-tools", children=[
                # The dropzone's file input is focusable; assets/horizon.js names it by
                # this text and checks the size before anything is sent.
                html.Div(className="upload", **{"data-max-bytes": str(max_upload_bytes)},
                         children=dcc.Upload(
                    id=ids.UPLOAD, accept=UPLOAD_ACCEPT, max_size=max_upload_bytes,
                    multiple=False, className="upload-zone", className_active="active",
                    children=html.Span(id=ids.UPLOAD_TEXT, children=[
                        html.Span(label("upload"), className="upload-label"), " ",
                        html.Span(label("upload_hint", limit=limit_mb),
                                  className="upload-hint")]))),
                dcc.Link(label("language"), id=ids.LANG_LINK, href="?lang=en",
                         className="lang-link"),
                html.Div(id=ids.EXPORT_LINKS),
            ]),
        ]),
        navigation(set(pages)),
        filter_bar(),
        html.Main(id=ids.MAIN, role="main", tabIndex=-1, children=[
            html.P(id=ids.UPLOAD_LIMIT, className="notice notice-error", role="alert",
                   hidden=True, children=label("upload_too_large_client", limit=limit_mb)),
            html.P(id=ids.PLAN_NOTICE, className="notice notice-error", role="alert"),
            html.P(id=ids.VIEW_NOTICE, className="notice notice-discreet", role="status"),
            html.Div(id=ids.PAGE_CONTENT),
            # Every page can name an action (`action=`): the panel opens over any of them.
            details_panel(),
            dcc.Store(id=ids.DETAILS_KEY),
            html.Details(className="problems", children=[
                html.Summary([html.Span(label("problems"), id=ids.PROBLEMS_HEADING), " ",
                              html.Span("0", id=ids.PROBLEM_COUNT, className="badge")]),
                html.Div(id=ids.PROBLEMS),
            ]),
        ]),
        footer(),
    ])


def problems_list(problems, lang: str) -> html.Component:
    """Every reported row of the workbook, errors first, each a located sentence
    (`Plan, ligne 14, colonne « fin » : …`)."""
    if not problems:
        return html.P(label("no_problem", lang))
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.sheet, p.row or 0))
    return html.Ul([html.Li(problem.message(lang), className=f"problem-{problem.severity}")
                    for problem in ordered])
