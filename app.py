"""Horizon: the Dash app (`create_app`) and `server` for gunicorn; `python app.py …` runs
the command line of cli.py (serve, check, template).
"""
from __future__ import annotations

import sys
from dataclasses import replace

if __name__ == "__main__":
    # Hand over to the command line before the imports below: they load Dash and every
    # page (about 2 s), which `check` and `template` never use. `serve` imports this
    # module again, as `app`, when it builds the Dash app.
    from cli import main
    sys.exit(main())

import dash
from dash import ALL, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask import jsonify

from components import ids
from components.controls import (CHOICE_GROUPS, CONTROLS, TEXTS, bar_outputs, read_date,
                                 reset_view, share_view, view_after_choice, view_from_controls)
from components.details import HEADING as DETAILS_HEADING
from components.details import action_details, close_button_text
from components.i18n import label
from components import navigation
from components.export_buttons import export_links
from components.layout import problems_list, shell_layout
from components import versions_panel
from exports import register_exports
from health import health
from loaders import shared_cache
from loaders.store import PlanStore
from model.view import View, parse_query, to_query
from pages import PAGES
from pages.answer_cache import init_answer_cache
from pages.context import resolve
from security import init_security, is_editor
from settings import ROOT, Settings, settings_from_env


def create_app(settings: Settings) -> dash.Dash:
    """The Dash app serving `settings.plan`; nothing here reads the environment."""
    shared_cache.use(settings.redis_url)  # before the store loads anything
    store = PlanStore(settings.plan, settings.instance, settings.max_upload_mb * 1024 * 1024,
                      database_url=settings.database_url, watch_seconds=settings.watch_seconds,
                      retention_days=settings.retention_days,
                      retention_count=settings.retention_count)
    app = dash.Dash(__name__, assets_folder=str(ROOT / "assets"), title=label("app_title"),
                    update_title=None, serve_locally=True, suppress_callback_exceptions=True)
    app.index_string = app.index_string.replace("<html>", '<html lang="fr">')
    # Per role: editors get the upload control, viewers do not. Built once for each.
    shells = {editor: shell_layout(store.max_bytes, frozenset(PAGES), editor=editor)
              for editor in (False, True)}
    app.layout = lambda: shells[is_editor()]

    @app.server.route("/healthz")
    def healthz():
        body, status = health(store)
        return jsonify(body), status

    @app.callback(Output(ids.PAGE_CONTENT, "children"), Input(ids.URL, "pathname"))
    def show_page(pathname):
        page = PAGES.get(pathname or "/")
        return page.layout() if page else html.P(label("page_unknown"), role="alert")

    # One circular callback keeps the controls and the URL in step: a control changes the
    # URL (pushState, no reload, focus stays); a new URL (a link, Back, the language link,
    # an upload) sets the controls. Dash does not re-fire a callback for its own outputs.
    @app.callback(
        output=[Output(ids.URL, "search"), *(Output(i, p) for i, p in CONTROLS),
                *(Output(i, p) for i, p in TEXTS),
                *(Output(ids.choice(group, ALL), "aria-pressed") for group in CHOICE_GROUPS),
                *(Output(ids.choice(group, ALL), "children") for group in CHOICE_GROUPS),
                Output(ids.VIEW_NOTICE, "children"), Output(ids.LANG_LINK, "href"),
                Output(ids.SHARE_QUERY, "data"), Output(ids.VIEW_KEY, "data")],
        inputs=[Input(ids.URL, "search"), *(Input(i, p) for i, p in CONTROLS),
                *(Input(ids.choice(group, ALL), "n_clicks") for group in CHOICE_GROUPS),
                Input(ids.RESET, "n_clicks")],
        state=[State(ids.VIEW_KEY, "data")],
    )
    def sync_view(search, *args):
        values, shown_key, trigger = args[:len(CONTROLS)], args[-1], ctx.triggered_id
        if search is None or (trigger not in (None, ids.URL) and shown_key is None):
            raise PreventUpdate  # the address is not read yet: the URL decides first
        context = resolve(store, search)
        view, write_controls = next_view(context, trigger, values)
        new_search = to_query(view)
        url = no_update if trigger in (None, ids.URL) or new_search == search else new_search
        plan = context.loaded.plan if context.loaded else None
        key = to_query(View(plan=view.plan, version=view.version, lang=view.lang)) or "?"
        return [url, *bar_outputs(view, plan, write_controls),
                view_notice(context, trigger, view.lang, values),
                to_query(replace(view, lang="en" if view.lang == "fr" else "fr")) or "?",
                to_query(share_view(view, plan)) if plan else "",
                no_update if key == shown_key else key]

    @app.callback(
        Output(ids.PROBLEMS, "children"), Output(ids.PROBLEM_COUNT, "children"),
        Output(ids.PLAN_NOTICE, "children"), Output(ids.PAGE_TITLE, "children"),
        Output(ids.APP_TITLE, "children"), Output(ids.LANG_LINK, "children"),
        Output(ids.UPLOAD_TEXT, "children"), Output(ids.UPLOAD_LIMIT, "children"),
        Output(ids.PROBLEMS_HEADING, "children"),
        Input(ids.VIEW_KEY, "data"), prevent_initial_call=True,
    )
    def show_plan(key):
        context = resolve(store, key)
        lang = context.lang
        limit = store.max_bytes // (1024 * 1024)
        header = (label("app_title", lang), label("language", lang),
                  [html.Span(label("upload", lang), className="upload-label"), " ",
                   html.Span(label("upload_hint", lang, limit=limit), className="upload-hint")],
                  label("upload_too_large_client", lang, limit=limit), label("problems", lang))
        if context.loaded is None:
            return [], "0", label("plan_error", lang, message=context.error), "", *header
        problems = context.loaded.problems
        plan = context.loaded.plan
        return (problems_list(problems, lang), str(len(problems)), context.source_notice or "",
                plan.settings.title or plan.source, *header)

    # Uploads go to POST /televerser (security/upload.py), never through a callback.

    @app.callback(
        Output(ids.DETAILS, "hidden"), Output(ids.DETAILS_BODY, "children"),
        Output(ids.DETAILS_CLOSE, "children"), Output(ids.DETAILS_KEY, "data"),
        Input(ids.URL, "search"), State(ids.DETAILS_KEY, "data"),
    )
    def show_details(search, shown):
        if search is None:
            raise PreventUpdate
        context = resolve(store, search)
        view = context.view
        plan = context.loaded.plan if context.loaded else None
        key = f"{plan.version if plan else ''}|{view.status_date}|{view.lang}|{view.action}"
        if key == shown:  # a filter changed, not the action: leave the panel (and focus) be
            raise PreventUpdate
        if plan is None or view.action is None:
            return True, [], close_button_text(view.lang), key
        return (False, action_details(plan, view.action, context.status_date, view.lang),
                close_button_text(view.lang), key)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.DETAILS_CLOSE, "n_clicks"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def close_details(_clicks, search):
        return to_query(replace(parse_query(search or ""), action=None, notices=()))

    # Focus follows the panel: into its heading when an action opens; back to the chart (or
    # the page) when it closes, only if it was open, so typing elsewhere is never disturbed.
    app.clientside_callback(
        f"""function(children, hidden) {{
            window.requestAnimationFrame(function() {{
                var panel = document.getElementById('{ids.DETAILS}');
                if (!panel) {{ return; }}
                var wasOpen = panel.dataset.open === '1';
                panel.dataset.open = hidden ? '0' : '1';
                var active = document.activeElement;
                if (!hidden) {{
                    var heading = document.getElementById('{DETAILS_HEADING}');
                    if (heading) {{ heading.focus(); }}
                }} else if (wasOpen && (!active || active === document.body
                                        || panel.contains(active))) {{
                    var back = document.getElementById('{ids.TIMELINE_REGION}')
                               || document.getElementById('{ids.MAIN}');
                    if (back) {{ back.focus(); }}
                }}
            }});
        }}""",
        Input(ids.DETAILS_BODY, "children"), State(ids.DETAILS, "hidden"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        """function(query) {
            var link = window.location.origin + window.location.pathname + (query || '');
            return [link, link];
        }""",
        Output(ids.COPY_LINK, "content"), Output(ids.SHARE_LINK, "href"),
        Input(ids.SHARE_QUERY, "data"),
    )
    # The browser tab's title follows the header's, hence the language.
    app.clientside_callback(
        """function(title) { if (title) { document.title = title; } }""",
        Input(ids.APP_TITLE, "children"), prevent_initial_call=True,
    )
    # <html lang> follows the view's language (screen readers pick their voice from it).
    app.clientside_callback(
        """function(search) {
            var lang = new URLSearchParams(search || '').get('lang') === 'en' ? 'en' : 'fr';
            document.documentElement.lang = lang;
            // Presentation mode (a projector): the stylesheet hides the controls.
            var shown = new URLSearchParams(search || '').get('presentation') === '1';
            document.body.classList.toggle('presentation', shown);
        }""",
        Input(ids.URL, "search"),
    )

    nav_outputs = [Output(navigation.link_id(path), prop)
                   for path, _key in [*navigation.PAGES, navigation.STATEMENT] if path in PAGES
                   for prop in ("href", "children", "className")]

    @app.callback(*nav_outputs, Input(ids.URL, "pathname"), Input(ids.URL, "search"))
    def update_navigation(pathname, search):
        lang = parse_query(search or "").lang
        return [value for link in navigation.links(set(PAGES), pathname, search, lang)
                for value in link]

    @app.callback(Output(ids.EXPORT_LINKS, "children"), Input(ids.URL, "search"))
    def update_exports(search):
        return export_links(search, parse_query(search or "").lang)

    for page in PAGES.values():
        page.register(app, store)
    register_exports(app.server, store)
    versions_panel.register(app, store)
    init_security(app, settings, store)  # the CSP hashes every inline script
    # After the security checks: a kept answer is served only to whom may have it.
    init_answer_cache(app, store, settings.answer_cache_mb * 1024 * 1024)
    # Dash learns which library files it may serve when it first writes the page. Under
    # gunicorn the page may come from one worker and its scripts from another that has not
    # written a page yet, which refused them (500, "not a registered library"): write the
    # script and style tags once here, in every worker.
    with app.server.test_request_context("/"):
        app._generate_scripts_html()
        app._generate_css_dist_html()
    return app


def next_view(context, trigger, values: list) -> tuple[View, bool]:
    """The view to show after `trigger` changed, and whether the controls must follow it
    (not when a control changed it: rewriting that control would move its caret)."""
    if trigger in (None, ids.URL):
        return context.view, True
    if trigger == ids.RESET:
        return reset_view(context.view), True
    default = context.loaded.plan.status_date() if context.loaded else None
    view = view_from_controls(context.view, values, default)
    if isinstance(trigger, dict):  # a button of a group (preset, colouring, « seulement »)
        view = view_after_choice(view, trigger["type"], trigger["value"])
    return view, False


def view_notice(context, trigger, lang: str, values: list) -> str:
    """The discreet line about what the URL (or the date field) asked and could not have."""
    notes = []
    if trigger in (None, ids.URL) and context.view.notices:
        names = ", ".join(f"« {name} »" if lang == "fr" else f"“{name}”"
                          for name in dict.fromkeys(context.view.notices))
        notes.append(label("view_ignored", lang, names=names))
    typed = dict(zip((control for control, _prop in CONTROLS), values)).get(ids.STATUS_DATE)
    if trigger == ids.STATUS_DATE and (typed or "").strip() and read_date(typed) is None:
        notes.append(label("date_unreadable", lang, text=typed.strip()))
    if not context.plan_found:
        notes.append(label("plan_unknown", lang, plan=context.view.plan))
    if not context.version_found:
        notes.append(label("version_unknown", lang, version=context.view.version))
    if not context.base_found:
        notes.append(label("base_unknown", lang, version=context.view.baseline))
    return " ".join(notes)


def __getattr__(name: str):
    """`server`, for `gunicorn app:server`: the app of the environment's settings, built on
    first use (module __getattr__, PEP 562), so that importing this module (tests, the
    command line) does not build an app, open its database or start its watcher."""
    if name == "server":
        globals()["server"] = built = create_app(settings_from_env()).server
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
