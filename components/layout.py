"""The page shell: header (upload, language), the filter bar, notices, the current page, and
the workbook's problems. Rendered once; callbacks fill it for the view in the URL."""
from __future__ import annotations

from dash import dcc, html

from components import ids
from components.controls import filter_bar
from components.details import details_panel
from components.i18n import label
from components.navigation import footer, navigation
from components.versions_panel import versions_slot

UPLOAD_ACCEPT = ".xlsx,.xlsm,.ods,.csv"


def shell_layout(max_upload_bytes: int = 20 * 1024 * 1024,
                 pages: frozenset[str] = frozenset({"/"}), editor: bool = True) -> html.Div:
    """The skeleton shared by every page; callbacks fill it for the requested view.
    Only editors get the upload control (viewers get the editors' sign-in link)."""
    limit_mb = max_upload_bytes // (1024 * 1024)
    return html.Div(className="page", children=[
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.VIEW_KEY),
        html.Header(className="page-header", role="banner", children=[
            html.Div(className="titles", children=[
                html.H1(label("app_title"), id=ids.APP_TITLE),
                html.P(id=ids.PAGE_TITLE, className="plan-title"),
                # The plan picker and the versions list (components/versions_panel.py).
                versions_slot(),
            ]),
            html.Div(className="header-tools", children=[
                upload_control(max_upload_bytes, editor),
                dcc.Link(id=ids.EDITION_LINK, href="/edition", className="edition-link"),
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


def upload_control(max_upload_bytes: int, editor: bool) -> html.Div:
    """The header's « Ouvrir un classeur… »: a file field (and drop zone) whose file
    assets/upload.js posts to /televerser, after assets/horizon.js checked its size.
    Viewers get an empty, hidden box (its text is still a callback's output)."""
    limit_mb = max_upload_bytes // (1024 * 1024)
    text = html.Span(id=ids.UPLOAD_TEXT, children=[
        html.Span(label("upload"), className="upload-label"), " ",
        html.Span(label("upload_hint", limit=limit_mb), className="upload-hint")])
    if not editor:
        return html.Div(className="upload", id=ids.UPLOAD, hidden=True, children=text)
    # Dash has no file field but dcc.Upload, which would read the file into the page's
    # state: upload.js adds a plain <input type=file> inside this label instead.
    return html.Div(
        className="upload", id=ids.UPLOAD, **{"data-max-bytes": str(max_upload_bytes)},
        children=html.Label(className="upload-zone", children=text,
                            **{"data-file-input": "fichier", "data-accept": UPLOAD_ACCEPT}))


def problems_list(problems, lang: str) -> html.Component:
    """Every reported row of the workbook, errors first, each a located sentence
    (`Plan, ligne 14, colonne « fin » : …`)."""
    if not problems:
        return html.P(label("no_problem", lang))
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.sheet, p.row or 0))
    return html.Ul([html.Li(problem.message(lang), className=f"problem-{problem.severity}")
                    for problem in ordered])
