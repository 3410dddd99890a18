"""`/edition`: the editors' page. Sign in and out, upload a version with a label and a
plan, and keep the versions list: rename (label), delete (purge, after a confirmation) and
apply the retention rule.

Every callback that changes something checks the role on the server: a viewer who forges
the request gets the refusal sentence and nothing changes. Uploads go through
POST /televerser (assets/upload.js), as from the header.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote
from zoneinfo import ZoneInfo

from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from flask_wtf.csrf import generate_csrf

from components import ids
from components.i18n import format_day, label
from loaders import UnreadableFile
from loaders.store import EXTENSIONS, PlanStore
from model.view import VERSION_CHARS, View, parse_query, to_query
from security import access as rules
from security import is_editor

PATH = "/edition"
PARIS = ZoneInfo("Europe/Paris")
UPLOAD_ACCEPT = ",".join("." + extension for extension in EXTENSIONS)


def layout() -> html.Section:
    return html.Section(className="edition", **{"aria-labelledby": ids.EDITION_HEADING},
                        children=[
        html.H2(label("edition_title"), id=ids.EDITION_HEADING),
        html.Div(id=ids.EDITION_ACCOUNT),
        html.Div(id=ids.EDITION_UPLOAD),
        html.P(id=ids.EDITION_STATUS, className="notice", role="status"),
        html.Button(label("edition_retention"), id=ids.EDITION_RETENTION, type="button",
                    hidden=True),
        html.Div(id=ids.EDITION_VERSIONS),
        dcc.Store(id=ids.EDITION_REFRESH),
    ])


def account(lang: str, search: str) -> list:
    """Who is signed in, and the form or link to change it."""
    rules_now = rules.access()
    if rules_now.local_mode:
        return [html.P(label("edition_local", lang), className="notice notice-discreet")]
    here = PATH + (search or "")
    if not is_editor():
        return [html.P(label("edition_sign_in", lang)),
                html.A(label("edition_sign_in_link", lang),
                       href=f"/connexion?suivant={quote(here, safe='')}&lang={lang}")]
    return [html.P(label("edition_signed_in", lang)),
            html.Form(method="post", action="/deconnexion", children=[
                _hidden("csrf_token", generate_csrf()), _hidden("suivant", "/"),
                html.Button(label("signout", lang), type="submit")])]


def upload_form(lang: str, plan: str | None, max_bytes: int) -> html.Form:
    """The upload form: assets/upload.js sends it to /televerser and reports back through
    EDITION_REFRESH (success) or EDITION_STATUS (the refusal's sentence)."""
    limit = max_bytes // (1024 * 1024)
    return html.Form(className="edition-form", **{
        "data-horizon-upload": "1", "data-status": ids.EDITION_STATUS,
        "data-refresh": ids.EDITION_REFRESH, "data-max-bytes": str(max_bytes),
        "data-too-large": label("upload_too_large_client", lang, limit=limit)}, children=[
        html.H3(label("edition_upload_heading", lang)),
        html.Label(label("edition_file", lang, limit=limit), **{
            "data-file-input": "fichier", "data-accept": UPLOAD_ACCEPT, "data-required": "1"}),
        html.Label(label("edition_label", lang), htmlFor="edition-libelle"),
        dcc.Input(id="edition-libelle", name="libelle", type="text", maxLength=200,
                  autoComplete="off"),
        html.Label(label("edition_plan", lang), htmlFor="edition-plan"),
        dcc.Input(id="edition-plan", name="plan", type="text", value=plan or "",
                  maxLength=64, autoComplete="off"),
        html.Button(label("edition_send", lang), type="submit"),
    ])


def versions_table(store: PlanStore, view: View, editor: bool) -> list:
    """The plan's versions, newest first, with their actions (for editors)."""
    plan = store.plan_slug(view.plan) or store.default_plan()
    lang = view.lang
    versions = store.versions(plan)
    plans = store.plans()
    children = []
    if len(plans) > 1:
        children.append(html.P([label("edition_plans", lang), " ", *[
            item for info in plans for item in (
                dcc.Link(info.name or info.slug, href=PATH + to_query(
                    View(plan=info.slug, lang=lang))), " ")]]))
    children.append(html.H3(label("edition_versions", lang, plan=plan, count=len(versions))))
    if not versions:
        return [*children, html.P(label("edition_none", lang))]
    heads = ["edition_col_arrived", "edition_col_label", "edition_col_file",
             "edition_col_sender", "edition_col_content"] + (
        ["edition_col_actions"] if editor else [])
    rows = [_row(info, lang, editor) for info in versions]
    return [*children, html.Table([
        html.Thead(html.Tr([html.Th(label(key, lang), scope="col") for key in heads])),
        html.Tbody(rows)])]


def _row(info, lang: str, editor: bool) -> html.Tr:
    opened = to_query(View(plan=info.plan, version=info.short, lang=lang))
    arrived = info.arrived_at.astimezone(PARIS)
    cells = [
        html.Td([dcc.Link(f"{format_day(arrived.date(), lang)} {arrived:%H:%M}",
                          href="/" + opened, title=label("edition_open", lang)),
                 html.Br(), html.Code(info.short)]),
        html.Td(info.label or "") if not editor else html.Td(html.Label([
            html.Span(label("edition_label_of", lang, version=info.short),
                      className="visually-hidden"),
            dcc.Input(id=ids.edition_control(ids.EDITION_LABEL, info.sha256), type="text",
                      value=info.label or "", maxLength=200)])),
        html.Td(info.filename),
        html.Td(info.sender or ""),
        html.Td(label("edition_counts", lang, actions=info.actions,
                      milestones=info.milestones, problems=info.problems)),
    ]
    if editor:
        cells.append(html.Td([
            html.Button(label("edition_rename", lang), type="button",
                        id=ids.edition_control(ids.EDITION_RENAME, info.sha256)), " ",
            dcc.ConfirmDialogProvider(
                html.Button(label("edition_delete", lang), type="button", className="danger"),
                id=ids.edition_control(ids.EDITION_PURGE, info.sha256),
                message=label("edition_confirm_delete", lang, version=info.short,
                              name=info.filename))]))
    return html.Tr(cells)


def register(app, store: PlanStore) -> None:
    @app.callback(
        Output(ids.EDITION_HEADING, "children"), Output(ids.EDITION_ACCOUNT, "children"),
        Output(ids.EDITION_UPLOAD, "children"), Output(ids.EDITION_VERSIONS, "children"),
        Output(ids.EDITION_RETENTION, "hidden"), Output(ids.EDITION_RETENTION, "children"),
        Output(ids.EDITION_STATUS, "children"),
        Input(ids.URL, "search"), Input(ids.EDITION_REFRESH, "data"),
        State(ids.URL, "pathname"),
    )
    def show_edition(search, refresh, pathname):
        if pathname != PATH:
            raise PreventUpdate
        view = parse_query(search or "")
        lang, editor = view.lang, is_editor()
        status = no_update  # what a rename or a deletion said stays until the next one
        if ctx.triggered_id == ids.EDITION_REFRESH and isinstance(refresh, str):
            status = label("edition_uploaded", lang,
                           version=parse_query(refresh).version or "")
        try:
            versions = versions_table(store, view, editor)
        except UnreadableFile as error:  # the versions database is down: its sentence
            versions = [html.P(error.message(lang), role="alert")]
        form = upload_form(lang, view.plan, store.max_bytes) if editor else None
        return (label("edition_title", lang), account(lang, search), form, versions,
                not editor, label("edition_retention", lang), status)

    @app.callback(
        Output(ids.EDITION_STATUS, "children", allow_duplicate=True),
        Input(ids.edition_control(ids.EDITION_RENAME, ALL), "n_clicks"),
        State(ids.edition_control(ids.EDITION_LABEL, ALL), "value"),
        State(ids.edition_control(ids.EDITION_LABEL, ALL), "id"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def rename(clicks, labels, label_ids, search):
        version = _clicked_version()
        view = parse_query(search or "")
        if not is_editor():
            return label("editor_only", view.lang)
        text = dict(zip((item["version"] for item in label_ids), labels)).get(version)
        try:
            done = store.set_label(version, (text or "").strip()[:200] or None, view.plan)
        except UnreadableFile as error:
            return error.message(view.lang)
        key = "edition_renamed" if done else "edition_not_deleted"
        return label(key, view.lang, version=version[:VERSION_CHARS])

    @app.callback(
        Output(ids.EDITION_STATUS, "children", allow_duplicate=True),
        Output(ids.EDITION_REFRESH, "data", allow_duplicate=True),
        Input(ids.edition_control(ids.EDITION_PURGE, ALL), "submit_n_clicks"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def purge(confirmed, search):
        version = _clicked_version()
        view = parse_query(search or "")
        if not is_editor():
            return label("editor_only", view.lang), no_update
        try:
            done = store.purge(version, view.plan)
        except UnreadableFile as error:
            return error.message(view.lang), no_update
        key = "edition_deleted" if done else "edition_not_deleted"
        return label(key, view.lang, version=version[:VERSION_CHARS]), {"purged": version}

    @app.callback(
        Output(ids.EDITION_STATUS, "children", allow_duplicate=True),
        Output(ids.EDITION_REFRESH, "data", allow_duplicate=True),
        Input(ids.EDITION_RETENTION, "n_clicks"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def retention(clicks, search):
        view = parse_query(search or "")
        if not clicks:
            raise PreventUpdate
        if not is_editor():
            return label("editor_only", view.lang), no_update
        try:
            dropped = store.apply_retention()
        except UnreadableFile as error:
            return error.message(view.lang), no_update
        return (label("edition_retention_done", view.lang, count=dropped),
                {"retention": dt.datetime.now(dt.timezone.utc).isoformat()})

    @app.callback(Output(ids.EDITION_LINK, "children"), Output(ids.EDITION_LINK, "href"),
                  Input(ids.URL, "search"))
    def edition_link(search):
        view = parse_query(search or "")
        href = PATH + to_query(View(plan=view.plan, lang=view.lang))
        key = "edition_link_editor" if is_editor() else "edition_link_viewer"
        return label(key, view.lang), href


def _clicked_version() -> str:
    """The version of the per-row control that fired; a list redrawn fires nothing."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not (ctx.triggered and ctx.triggered[0]["value"]):
        raise PreventUpdate
    return trigger["version"]


def _hidden(name: str, value: str) -> html.Component:
    return dcc.Input(type="hidden", name=name, value=value)
