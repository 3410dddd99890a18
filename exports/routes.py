"""The export URLs: each takes the page's query string (the same `View` as the pages).

    /export/plan.xlsx     the filtered actions, their milestones, the workbook's problems
    /export/comite.pptx   the steering committee's deck
    /export/comite.pdf    the page printed by Chromium, landscape A4
    /export/timeline.png  the timeline (hatched, as on screen)
    /export/timeline.svg  the timeline (vector: dashed outlines instead of hatching)

A file is named after its kind and status date (`horizon-plan-2026-10-15.xlsx`). An export
that cannot be made answers with a page holding one French (or English) sentence, never a
stack trace: 503 when the browser is missing, busy or too slow, 422 when the plan cannot be
read, 500 for anything unexpected (logged with its traceback).
"""
from __future__ import annotations

import dataclasses
import html
import io
import ipaddress
import logging
from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, Flask, Response, request, send_file
from werkzeug.exceptions import HTTPException

from components.i18n import label
from exports.cache import not_cacheable, shared_export
from exports.chromium import BrowserUnavailable
from exports.deck import (IMAGE_ASPECT, PICTURE_TIMEOUT, committee_deck, deck_view,
                          no_picture)
from exports.excel import plan_workbook
from exports.facts import ExportFacts, gather
from exports.images import deck_timeline, timeline_image
from exports.pdf import PrintFailed, print_page
from loaders.store import PlanStore
from model.view import VERSION_CHARS, parse_query, to_query
from pages.context import resolve
from security import printer_headers, role

LOGGER = logging.getLogger(__name__)
TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml",
}
_DRAWING = ThreadPoolExecutor(max_workers=4, thread_name_prefix="horizon-deck-picture")
PAGE_PRINTED = "/comite"  # the committee page, printed with the print stylesheet


class PlanUnreadable(Exception):
    """The plan the URL names cannot be read; the message is the loader's sentence."""


def register_exports(server: Flask, store: PlanStore) -> None:
    """Add the /export/… routes to the Flask server."""
    exports = Blueprint("exports", __name__, url_prefix="/export")
    # Deck, PDF and pictures take a browser and a second or more: kept in the shared Redis.
    cached = shared_export(store, role)

    def current_facts() -> ExportFacts:
        context = resolve(store, request.query_string.decode("utf-8", "replace"))
        if context.loaded is None:
            raise PlanUnreadable(context.error)
        return gather(context)

    @exports.get("/plan.xlsx")
    def workbook():
        facts = current_facts()
        return _file(plan_workbook(facts), facts.filename("plan", "xlsx"))

    @exports.get("/comite.pptx")
    @cached
    def deck():
        facts = current_facts()
        reason = no_picture(facts)
        # The browser draws the picture while this thread writes the other slides.
        drawing = None if reason else _DRAWING.submit(
            deck_timeline, facts.plan, deck_view(facts.view), facts.status_date, IMAGE_ASPECT,
            PICTURE_TIMEOUT, facts.base_plan)

        def picture() -> bytes | str:
            if drawing is None:
                return reason
            try:
                return drawing.result()
            except BrowserUnavailable as error:
                # The deck is still worth having without its picture: the slide says so.
                LOGGER.warning("deck without its timeline: %s", error)
                not_cacheable()
                return label("export_slide_no_image", facts.lang)

        alt = f"{label('timeline', facts.lang)}. {facts.stamp()}"
        return _file(committee_deck(facts, picture, alt), facts.filename("comite", "pptx"))

    @exports.get("/comite.pdf")
    @cached
    def printed():
        facts = current_facts()
        if not (request.environ.get("wsgi.multithread")
                or request.environ.get("wsgi.multiprocess")):
            # Chromium's requests for the page would wait behind this very request.
            return _error(facts.lang, "export_error_single_thread", 503)
        origin = _own_origin(request.environ)
        if origin is None:
            return _error(facts.lang, "export_error_no_address", 503)
        # Pin the version, so the printed page and its footer show the same plan.
        page = dataclasses.replace(facts.view, version=facts.plan.version[:VERSION_CHARS],
                                   presentation=True)
        data = print_page(origin + PAGE_PRINTED + to_query(page), origin, facts.stamp(),
                          headers=printer_headers())
        return _file(data, facts.filename("comite", "pdf"))

    @exports.get("/timeline.<any(png, svg):fmt>")
    @cached
    def picture(fmt: str):
        facts = current_facts()
        data = timeline_image(facts.plan, facts.view, facts.status_date, fmt, facts.stamp(),
                              facts.base_plan)
        return _file(data, facts.filename("frise", fmt))

    @exports.get("/<path:unknown>")
    def unknown(unknown: str):
        return _error(_lang(), "export_error_not_found", 404)

    @exports.errorhandler(PlanUnreadable)
    def unreadable(error: PlanUnreadable):
        return _error(_lang(), "export_error_plan", 422, message=str(error))

    @exports.errorhandler(BrowserUnavailable)
    def no_browser(error: BrowserUnavailable):
        LOGGER.warning("export without a browser: %s", error)
        return _error(_lang(), f"export_error_{error.code}", 503)

    @exports.errorhandler(PrintFailed)
    def print_failed(error: PrintFailed):
        LOGGER.error("printing failed: %s", error)
        return _error(_lang(), "export_error_print", 503)

    @exports.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return error
        LOGGER.exception("export failed: %s", request.full_path)
        return _error(_lang(), "export_error_unexpected", 500)

    server.register_blueprint(exports)


def _file(data: bytes, name: str) -> Response:
    extension = name.rsplit(".", 1)[-1]
    response = send_file(io.BytesIO(data), mimetype=TYPES[extension], as_attachment=True,
                         download_name=name, max_age=0)
    # The same URL gives another file when the workbook changes: never reuse a copy.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _lang() -> str:
    return parse_query(request.query_string.decode("utf-8", "replace")).lang


def _error(lang: str, key: str, status: int, **params) -> Response:
    """A page with one sentence (what went wrong, what to do), in the view's language."""
    title = html.escape(label("export_error_title", lang))
    sentence = html.escape(label(key, lang, **params))
    body = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body><main><h1>{title}</h1>"
            f"<p>{sentence}</p></main></body></html>")
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _own_origin(environ: dict) -> str | None:
    """The address this server listens on, for Chromium to load the page to print.

    Never the request's Host header: a client could name any host and have the server's
    browser fetch and print it. `SERVER_NAME` is the bound address under werkzeug and
    gunicorn (TCP); a wildcard address means the loopback. None when the server listens
    on a Unix socket (gunicorn then copies the Host header there).
    """
    name, port = environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT", "")
    if name == "localhost":
        name = "127.0.0.1"
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return None
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    host = f"[{address}]" if address.version == 6 else str(address)
    return f"http://{host}:{port}" if port.isdigit() else None
