"""Links to the exports of the view on screen, and the line that tells how a download goes.

`assets/exports.js` turns a click into a fetch so the status line can say « Préparation du
fichier… » while the server makes the file, then « Fichier prêt », or the server's one
sentence when it cannot; without JavaScript each link is still a plain download.
"""
from __future__ import annotations

from dash import html

from components.i18n import label
from model.view import parse_query, to_query

EXPORTS = (  # (path under /export/, link text, longer description)
    ("plan.xlsx", "export_xlsx", "export_xlsx_title"),
    ("comite.pptx", "export_pptx", "export_pptx_title"),
    ("comite.pdf", "export_pdf", "export_pdf_title"),
    ("timeline.png", "export_png", "export_png_title"),
    ("timeline.svg", "export_svg", "export_svg_title"),
)


def export_url(name: str, search: str | None) -> str:
    """`/export/plan.xlsx?axes=AX1`: the export of the view that `search` describes."""
    return f"/export/{name}{to_query(parse_query(search or ''))}"


def export_links(search: str | None, lang: str = "fr") -> html.Div:
    """The export links of the view in `search` (the page's query string), in `lang`."""
    texts = {"data-pending": label("export_pending", lang),
             "data-done": label("export_done", lang),
             "data-failed": label("export_failed", lang)}
    links = [html.A(label(text, lang), href=export_url(name, search), download="",
                    title=label(title, lang), className="export-link", **texts)
             for name, text, title in EXPORTS]
    return html.Div(className="export-links", role="group",
                    **{"aria-label": label("export_links", lang)}, children=[
                        html.Span(label("export_links", lang), className="export-links-label",
                                  **{"aria-hidden": "true"}),
                        *links,
                        html.Span(className="export-status", role="status",
                                  **{"aria-live": "polite"}),
                    ])
