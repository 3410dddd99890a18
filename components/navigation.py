"""Links between the pages; each keeps the view's query string, so filters follow."""
from __future__ import annotations

from dash import dcc, html

from components.i18n import label

PAGES = (("/", "nav_timeline"), ("/jalons", "nav_milestones"), ("/comite", "nav_committee"),
         ("/coherence", "nav_coherence"), ("/indicateurs", "nav_indicators"))
STATEMENT = ("/accessibilite", "nav_accessibility")


def link_id(path: str) -> str:
    return "nav-" + (path.strip("/") or "frise")


def navigation(available: set[str]) -> html.Nav:
    """The main navigation, with only the pages this server has."""
    return html.Nav(className="main-nav", **{"aria-label": label("nav_label")}, children=[
        html.Ul([html.Li(dcc.Link(label(key), id=link_id(path), href=path))
                 for path, key in PAGES if path in available])])


def footer() -> html.Footer:
    path, key = STATEMENT
    return html.Footer(className="page-footer", role="contentinfo", children=[
        dcc.Link(label(key), id=link_id(path), href=path)])


def links(available: set[str], pathname: str, search: str, lang: str):
    """(href, text, class) of every navigation link, in layout order (dcc.Link takes no
    aria-current: the current page is marked by its class and by the page's own heading)."""
    shown = [(path, key) for path, key in PAGES if path in available] + [STATEMENT]
    return [(path + (search or ""), label(key, lang), "nav-current" if path == pathname else "")
            for path, key in shown]
