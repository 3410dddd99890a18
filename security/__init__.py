"""Access and privacy: roles, the viewer gate, CSRF, security headers, the upload route and
the columns hidden from viewers. `init_security(app, settings, store)` wires it all into
the Dash app's Flask server; `role()`, `is_editor()` and `hidden_columns()` answer inside any
request (Dash callbacks included)."""
from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import quote

from flask import jsonify, redirect, request
from flask.sessions import SecureCookieSessionInterface
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect, ValidationError, generate_csrf, validate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from components.i18n import label
from model.view import parse_query
from security import access as rules
from security.access import hidden_columns, is_editor, role
from security.redaction import parse_hidden, redact
from security.secret import secret_key

__all__ = ["init_security", "role", "is_editor", "hidden_columns", "redact_for_request",
           "printer_headers"]
LOGGER = logging.getLogger(__name__)
CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads, sent back as X-CSRFToken
SESSION_HOURS = 12  # a working day: a committee's sign-in lasts the meeting and more
# Requests that never need the token cookie (files of the page, not the page).
_STATIC = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")


class _SessionInterface(SecureCookieSessionInterface):
    """Session cookies marked Secure when the request came over HTTPS (directly, or through
    a trusted proxy: HORIZON_PROXIES), so plain-HTTP local use still works."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def redact_for_request(loaded):
    """`loaded` as the current request may see it (viewers: without the hidden columns)."""
    return redact(loaded, hidden_columns())


def printer_headers() -> dict[str, str]:
    """Headers for the server's Chromium printing a page for the current request: it passes
    the viewer gate and sees what the person who asked may see."""
    return {rules.PRINTER_HEADER: rules.printer_token(role())}


def init_security(app, settings, store) -> None:
    """Roles, gate, CSRF, headers and the upload route on `app.server`. Call it last in
    create_app: the CSP lists the hashes of every inline script Dash will write."""
    server = app.server
    hidden = parse_hidden(settings.hidden_columns)
    if settings.proxies > 0:
        # Only the client address and the scheme: the Host header stays the proxy's copy
        # of the browser's (CSRF compares the Referer with it) and SERVER_NAME stays the
        # bound address (the PDF export prints from it).
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxies,
                                   x_proto=settings.proxies)
    server.secret_key = secret_key(settings.secret_key, settings.instance)
    server.config.update(
        SESSION_COOKIE_NAME="horizon_session", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=False,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        # A dashboard stays open for hours on a projector: the token lives as long as the
        # session, not an hour.
        WTF_CSRF_TIME_LIMIT=None, DEBUG=False)
    # Only the file travels in a request now (multipart, no base64): the workbook limit
    # plus room for the form's other fields. Larger requests are refused before parsing.
    server.config["MAX_CONTENT_LENGTH"] = store.max_bytes + 256 * 1024
    server.session_interface = _SessionInterface()
    server.extensions[rules.EXTENSION] = rules.Access(
        viewer_password=settings.viewer_password, editor_password=settings.editor_password,
        hidden=hidden, secret=server.secret_key)
    server.extensions["horizon_store"] = store
    if not settings.editor_password:
        LOGGER.warning("HORIZON_EDITOR_PASSWORD is not set: local single-user mode, "
                       "everyone who can open the dashboard can upload and delete versions")

    server.before_request(_gate)
    csrf = CSRFProtect()
    from security.signin import blueprint as sign_in_routes
    from security.upload import blueprint as upload_routes
    server.register_blueprint(sign_in_routes)
    server.register_blueprint(upload_routes)
    csrf.exempt(upload_routes)  # checked by the route itself, after role and size
    csrf.init_app(server)
    server.register_error_handler(CSRFError, _csrf_refused)
    server.after_request(_csrf_cookie)
    Talisman(
        server, force_https=False, session_cookie_secure=False, frame_options="DENY",
        strict_transport_security=True, strict_transport_security_max_age=31536000,
        referrer_policy="same-origin", x_xss_protection=False,
        content_security_policy=content_security_policy(app))


def content_security_policy(app) -> dict:
    """No inline script but Dash's own, by hash; styles inline (Plotly and Dash set them)."""
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": "'self'",
        "worker-src": ["'self'", "blob:"],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def _lang() -> str:
    return parse_query(request.query_string.decode("utf-8", "replace")).lang


def _gate():
    """Before anything else: a browser that has not signed in sees only the sign-in page."""
    if rules.may_view() or rules.is_open_path(request.path):
        return None
    if request.method != "GET" or request.path.startswith("/_dash"):
        response = jsonify(error=label("signin_needed", _lang()))
        response.status_code = 401
        return response
    target = request.full_path.rstrip("?")
    return redirect("/connexion?suivant=" + quote(target, safe=""), code=303)


def _csrf_refused(error: CSRFError):
    LOGGER.info("CSRF refused on %s: %s", request.path, error.description)
    sentence = label("csrf_refused", _lang())
    if request.path.startswith("/_dash") or request.is_json:
        response = jsonify(error=sentence)
    else:
        from security.signin import sign_in_page
        response = sign_in_page(_lang(), "/", sentence)
    response.status_code = 400
    return response


def _csrf_cookie(response):
    """Give the page the token Dash's renderer sends back with each callback."""
    if request.path.startswith(_STATIC) or not rules.may_view():
        return response
    try:
        validate_csrf(request.cookies.get(CSRF_COOKIE))
    except ValidationError:
        response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Lax",
                            secure=request.is_secure, httponly=False, path="/")
    return response
