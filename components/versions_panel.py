"""The plan picker and the versions list, under the plan's title, for everyone.

Each version is a link that names it in the URL (`version=`), so the link one shares keeps
showing that version after newer ones arrive; « Comparer à cette version » sets `base=`.
The links keep the rest of the view (filters, zoom, date, language).
"""
from __future__ import annotations

from dataclasses import replace

from dash import Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from components import ids
from components.i18n import format_moment, label, plural
from loaders import UnreadableFile
from model.view import View, to_query

SHOWN_AT_MOST = 100  # a longer history is for the editors' page (/edition)


def plan_picker(plans, current: str | None, view: View) -> html.Nav | None:
    """Links to the server's plans, when it has several (the current one marked)."""
    if len(plans) < 2:
        return None
    items = []
    for plan in plans:
        shown = plan.slug == current
        link = dcc.Link(plan.name, href=to_query(View(plan=plan.slug, lang=view.lang)),
                        className="plan-link plan-current" if shown else "plan-link")
        items.append(html.Li(link, **({"aria-current": "true"} if shown else {})))
    return html.Nav(className="plan-picker", **{"aria-label": label("plans_label", view.lang)},
                    children=html.Ul(items))


def version_item(info, view: View, shown: str, newest: str, base: str | None,
                 lang: str) -> html.Li:
    """One version: its date (a link opening it), label, file, counts, and what it is."""
    when = format_moment(info.arrived_at, lang)
    opened = replace(view, version=info.short, notices=(),
                     baseline=None if base == info.sha256 else view.baseline)
    parts: list = [dcc.Link(when, href=to_query(opened), className="version-open",
                            title=label("version_open", lang, date=when))]
    if info.label:
        parts += [" ", html.Strong(info.label, className="version-label")]
    counts = ", ".join((plural("actions", info.actions, lang),
                        plural("version_milestones", info.milestones, lang),
                        plural("version_problems", info.problems, lang)))
    details = [info.filename, counts]
    if info.sender:
        details.append(label("version_sender", lang, sender=info.sender))
    parts.append(html.Span(" — " + " · ".join(details), className="version-details"))
    marks = []
    if info.sha256 == shown:
        marks.append(label("version_shown", lang))
    if info.sha256 == newest:
        marks.append(label("version_newest", lang))
    if info.sha256 == base:
        marks.append(label("version_is_base", lang))
    if marks:
        parts.append(html.Span(f" ({', '.join(marks)})", className="version-marks"))
    if info.sha256 != shown and info.sha256 != base:
        compared = replace(view, baseline=info.short, notices=())
        parts += [" ", dcc.Link(label("version_compare", lang), href=to_query(compared),
                                className="version-compare")]
    classes = "version" + (" version-shown" if info.sha256 == shown else "")
    return html.Li(parts, className=classes,
                   **({"aria-current": "true"} if info.sha256 == shown else {}))


def versions_slot() -> html.Div:
    """The panel's fixed frame in the shell: callbacks fill its parts, never replace the
    <details> itself, so that it stays open (or closed) as the reader left it."""
    return html.Div(id=ids.VERSIONS_PANEL, className="versions-panel", hidden=True, children=[
        html.Div(id=ids.PLAN_PICKER),
        html.Details(className="versions", children=[
            html.Summary(id=ids.VERSIONS_SUMMARY),
            html.P(id=ids.VERSIONS_CAPTION, className="versions-caption"),
            html.Div(id=ids.VERSIONS_LIST),
        ]),
    ])


def versions_panel(plans, current: str | None, versions, shown: str, base: str | None,
                   view: View) -> tuple:
    """What fills the frame: the picker (several plans), the summary « Versions (n) », the
    caption and the list."""
    lang = view.lang
    newest = versions[0].sha256 if versions else ""
    items = [version_item(info, view, shown, newest, base, lang)
             for info in versions[:SHOWN_AT_MOST]]
    body = html.Ol(items, className="versions-list") if items \
        else html.P(label("versions_none", lang))
    return (plan_picker(plans, current, view), label("versions_summary", lang, count=len(versions)),
            label("versions_caption", lang), body)


def register(app, store) -> None:
    # Imported here: pages/ imports the shell (components/layout.py), which imports this.
    from pages.context import resolve

    @app.callback(Output(ids.PLAN_PICKER, "children"), Output(ids.VERSIONS_SUMMARY, "children"),
                  Output(ids.VERSIONS_CAPTION, "children"), Output(ids.VERSIONS_LIST, "children"),
                  Output(ids.VERSIONS_PANEL, "hidden"), Input(ids.URL, "search"))
    def show_versions(search):
        if search is None:
            raise PreventUpdate
        context = resolve(store, search)
        if context.loaded is None:
            return None, "", "", None, True  # the plan notice already says why
        try:
            plans, versions = store.plans(), store.versions(context.plan)
        except UnreadableFile:  # the database failed since: the page's notice tells it
            return None, "", "", None, True
        base = context.baseline.plan.version if context.baseline else None
        return (*versions_panel(plans, context.plan, versions, context.loaded.plan.version,
                                base, context.view), False)
