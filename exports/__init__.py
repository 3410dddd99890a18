"""Exports of a view: Excel workbook, committee deck, printed PDF, timeline PNG and SVG.

Each takes the page's query string (the same `View` as the pages) and states its source
file, version, status date and filters. `register_exports(server, store)` adds the routes.
"""
from exports.routes import register_exports

__all__ = ["register_exports"]
