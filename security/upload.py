"""`POST /televerser`: the one way a workbook enters the server.

Checked in this order, each refusal one sentence in JSON with its HTTP status: the role
(403: a viewer cannot upload, whatever the request looks like), the size (413, from the
declared length before the body is read; the server's MAX_CONTENT_LENGTH bounds what is
actually read), the CSRF token (400), then the workbook itself (422: unreadable, or
nothing to draw, as the store decides) and the storage (503: database down, disk full).
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_wtf.csrf import ValidationError, validate_csrf

from components.i18n import label
from loaders import UnreadableFile
from model.view import VERSION_CHARS, View, parse_query, to_query
from security import access as rules
from storage.errors import StorageUnavailable

blueprint = Blueprint("upload", __name__)
SENDER = "éditeur"  # roles share one password: no person's name is known


def uploaded_view(view: View, version: str, plan: str | None = None) -> View:
    """After an upload: the new plan, same language, zoom and colours; its own filters."""
    return View(plan=plan or view.plan, version=version[:VERSION_CHARS], lang=view.lang, zoom=view.zoom,
                color_by=view.color_by)


def _refuse(sentence: str, status: int):
    response = jsonify(error=sentence)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/televerser")
def upload():
    # The page's query string, when the script sends it: language, zoom and colours follow.
    view = parse_query(request.args.get("vue", "") or request.headers.get("X-Horizon-View", ""))
    lang = view.lang
    if not rules.is_editor():
        return _refuse(label("upload_forbidden", lang), 403)
    store = current_app.extensions["horizon_store"]
    limit_mb = store.max_bytes // (1024 * 1024)
    declared = request.content_length
    if declared is None or declared > current_app.config["MAX_CONTENT_LENGTH"]:
        status = 411 if declared is None else 413
        return _refuse(label("upload_too_large_client", lang, limit=limit_mb), status)
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.form.get("csrf_token"))
    except ValidationError:
        return _refuse(label("csrf_refused", lang), 400)
    sent = request.files.get("fichier")
    if sent is None or not sent.filename:
        return _refuse(label("upload_missing", lang), 400)
    data = sent.stream.read(store.max_bytes + 1)
    name = sent.filename
    plan = (request.form.get("plan") or "").strip() or view.plan
    text = (request.form.get("libelle") or "").strip()[:200] or None
    try:
        loaded = store.save_upload(data, name, plan=plan, sender=SENDER, label=text)
    except StorageUnavailable as error:  # database down, disk full: not the file's fault
        current_app.logger.warning("upload not stored: %s", error.code)
        return _refuse(error.message(lang), 503)
    except UnreadableFile as error:
        status = 413 if error.code == "upload_too_large" else 422
        return _refuse(error.message(lang), status)
    response = jsonify(search=to_query(uploaded_view(view, loaded.plan.version, plan)))
    response.headers["Cache-Control"] = "no-store"
    return response
