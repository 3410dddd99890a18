"""The sign-in page (`/connexion`) and sign-out (`/deconnexion`): plain HTML forms, so they
work before any script is loaded, each carrying its CSRF token."""
from __future__ import annotations

import html

from flask import Blueprint, Response, redirect, request
from flask_wtf.csrf import generate_csrf

from components.i18n import label
from model.view import parse_query
from security import access as rules

blueprint = Blueprint("security", __name__)


def _lang() -> str:
    return "en" if request.values.get("lang") == "en" else "fr"


def sign_in_form(lang: str, next_path: str, error: str = "") -> str:
    """The form's HTML (also used by /edition through Dash components of the same shape)."""
    alert = (f'<p class="notice notice-error" role="alert" id="signin-error">'
             f'{html.escape(error)}</p>' if error else "")
    invalid = ' aria-describedby="signin-error" aria-invalid="true"' if error else ""
    return (
        f'<form method="post" action="/connexion" class="signin-form">{alert}'
        f'<input type="hidden" name="csrf_token" value="{html.escape(generate_csrf())}">'
        f'<input type="hidden" name="suivant" value="{html.escape(next_path)}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<label for="mot-de-passe">{html.escape(label("signin_password", lang))}</label>'
        f'<input type="password" id="mot-de-passe" name="mot_de_passe" required '
        f'autocomplete="current-password"'
        f'{invalid}>'
        f'<button type="submit">{html.escape(label("signin_submit", lang))}</button></form>')


def sign_in_page(lang: str, next_path: str, error: str = "", status: int = 200) -> Response:
    title = html.escape(label("signin_heading", lang))
    body = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{title}</title>'
            f'<link rel="stylesheet" href="/assets/horizon.css">'
            f'<link rel="stylesheet" href="/assets/security.css"></head>'
            f'<body><main class="page signin" id="main-content"><h1>{title}</h1>'
            f'<p>{html.escape(label("signin_intro", lang))}</p>'
            f'{sign_in_form(lang, next_path, error)}</main></body></html>')
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/connexion")
def sign_in_get():
    target = rules.safe_next(request.args.get("suivant"))
    return sign_in_page(_lang() if "lang" in request.args else parse_query(
        target.partition("?")[2]).lang, target)


@blueprint.post("/connexion")
def sign_in_post():
    lang, target = _lang(), rules.safe_next(request.form.get("suivant"))
    client = rules.client_address()
    access = rules.access()
    if access.too_many_failures(client):
        return sign_in_page(lang, target, label("signin_throttled", lang), 429)
    granted = access.granted(request.form.get("mot_de_passe", ""))
    if granted is None:
        access.failed(client)
        return sign_in_page(lang, target, label("signin_wrong", lang), 401)
    rules.sign_in(granted)
    return redirect(target, code=303)


@blueprint.post("/deconnexion")
def sign_out():
    rules.sign_out()
    return redirect(rules.safe_next(request.form.get("suivant")), code=303)
