"""The filter bar: its layout, and the pure translations view -> controls -> view.

The bar lives in the page shell and is rendered once: callbacks only set its values,
options, labels and pressed states, so the control a person is using keeps keyboard focus
while the URL follows it. The URL (model.view) is the single source of truth; controls
mirror it.

Presets, colourings and the two « seulement » switches are plain buttons with
`aria-pressed` (Dash 4's RadioItems and Checklist render ARIA listboxes around native
inputs, which screen readers announce badly); the status date is a text field that reads
`15/10/2026` or `2026-10-15`.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace

from dash import dcc, html, no_update

from components import ids
from components.i18n import STATUS_LABELS, WEATHER_LABELS, label
from model.filters import OUTSIDE
from model.plan import Plan
from model.view import COLOR_BY, ZOOMS, View
from model.vocab import STATUSES, WEATHERS

# (dropdown id, View field, label key, placeholder key), in the bar's order.
DROPDOWNS = (
    (ids.FILTER_AXES, "axes", "filter_axes", "all_axes"),
    (ids.FILTER_SERVICES, "services", "filter_services", "all_services"),
    (ids.FILTER_OWNERS, "owners", "filter_owners", "all_owners"),
    (ids.FILTER_STATUSES, "statuses", "filter_statuses", "all_statuses"),
    (ids.FILTER_WEATHERS, "weathers", "filter_weathers", "all_weathers"),
)
LATE, PAST_TERM = "retard", "hors_mandat"  # the « seulement » buttons: the URL's flag names

# Controls whose value holds a piece of the view: (id, property), in callback order.
CONTROLS = ([(control, "value") for control, *_ in DROPDOWNS]
            + [(ids.SEARCH, "value"), (ids.STATUS_DATE, "value")])

# Groups of buttons: (group id, values, legend key, label key of each value).
CHOICES = (
    (ids.ONLY, (LATE, PAST_TERM), "only", {LATE: "late_only", PAST_TERM: "past_term_only"}),
    (ids.ZOOM, ZOOMS, "zoom", {zoom: f"zoom_{zoom}" for zoom in ZOOMS}),
    (ids.COLOR_BY, COLOR_BY, "color_by", {color: f"color_{color}" for color in COLOR_BY}),
)
CHOICE_GROUPS = tuple(group for group, *_ in CHOICES)

# Every language- or plan-dependent text of the bar: (id, property), in callback order.
TEXTS = ([(ids.label_of(control), "children") for control, *_ in DROPDOWNS]
         + [(control, prop) for control, *_ in DROPDOWNS
            for prop in ("options", "placeholder", "labels")]
         + [(ids.label_of(ids.SEARCH), "children"), (ids.SEARCH, "placeholder"),
            (ids.label_of(ids.STATUS_DATE), "children"), (ids.STATUS_DATE, "placeholder")]
         + [(ids.label_of(group), "children") for group in CHOICE_GROUPS]
         + [(ids.RESET, "children"), (ids.COPY_LINK_TEXT, "children"),
            (ids.COPY_LINK, "copied_children"), (ids.SHARE_LINK, "children"),
            (ids.FILTERS_HEADING, "children")])

SEARCH_DEBOUNCE_S = 0.4  # long enough not to send a request per keystroke
DATE_FORMAT = "%d/%m/%Y"


def filter_bar() -> html.Section:
    """The controls, empty: the URL callback fills values, options, labels and states."""
    dropdowns = [_field(control, label(label_key), dcc.Dropdown(
        id=control, multi=True, value=[], options=[], placeholder=label(placeholder),
        labels=_dropdown_labels("fr"), maxHeight=320))
        for control, _name, label_key, placeholder in DROPDOWNS]
    groups = [_group(group, label(legend), [
        html.Button(label(keys[value]), id=ids.choice(group, value), type="button",
                    className="choice", **{"aria-pressed": "false"}) for value in values])
        for group, values, legend, keys in CHOICES]
    return html.Section(id=ids.VIEW_CONTROLS, className="view-controls", role="search",
                        **{"aria-labelledby": ids.FILTERS_HEADING}, children=[
        html.H2(label("filters"), id=ids.FILTERS_HEADING, className="visually-hidden"),
        html.Div(className="controls-row", children=[
            *dropdowns,
            _field(ids.SEARCH, label("search"), dcc.Input(
                id=ids.SEARCH, type="search", value="", debounce=SEARCH_DEBOUNCE_S,
                placeholder=label("search_placeholder"), className="search-input")),
        ]),
        html.Div(className="controls-row", children=[
            *groups,
            _field(ids.STATUS_DATE, label("status_date_label"), dcc.Input(
                id=ids.STATUS_DATE, type="text", value="", debounce=True, inputMode="numeric",
                placeholder=label("date_placeholder"), className="date-input")),
            html.Div(className="control-actions", children=[
                html.Button(label("reset"), id=ids.RESET, type="button", className="button"),
                # Clipboard renders a plain div: the button inside makes it reachable by
                # keyboard (Enter on the button clicks it, the click bubbles to the div).
                dcc.Clipboard(id=ids.COPY_LINK, className="copy-link",
                              children=html.Button(label("copy_link"), id=ids.COPY_LINK_TEXT,
                                                   type="button", className="button"),
                              copied_children=html.Span(label("link_copied"),
                                                        className="button copied")),
                html.A(label("share_link"), id=ids.SHARE_LINK, href="/",
                       className="share-link"),
            ]),
        ]),
        dcc.Store(id=ids.SHARE_QUERY),
    ])


def _field(control: str, text: str, widget) -> html.Div:
    # Dash's dropdown names its button by its value (aria-labelledby), so the group
    # carries the visible label's name for screen readers as well.
    return html.Div(className="control", role="group",
                    **{"aria-labelledby": ids.label_of(control)}, children=[
        html.Label(text, id=ids.label_of(control), htmlFor=control), widget])


def _group(group: str, text: str, buttons: list) -> html.Div:
    return html.Div(className="control control-choices", children=[
        html.Span(text, id=ids.label_of(group), className="control-label"),
        html.Div(buttons, className="choices", role="group",
                 **{"aria-labelledby": ids.label_of(group)}),
    ])


def _dropdown_labels(lang: str) -> dict[str, str]:
    return {"select_all": label("dropdown_select_all", lang),
            "deselect_all": label("dropdown_deselect_all", lang),
            "selected_count": label("dropdown_selected_count", lang),
            "search": label("dropdown_search", lang),
            "clear_search": label("dropdown_clear_search", lang),
            "clear_selection": label("dropdown_clear_selection", lang),
            "no_options_found": label("dropdown_no_options", lang)}


def _sort_key(text: str) -> str:
    """French order: accents and case do not move a name (« Élodie » sits with « E »)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _keep_chosen(options: list[dict], chosen: tuple[str, ...]) -> list[dict]:
    """Add the view's values missing from the plan: Dash's dropdown drops a value that has
    no option, which would silently rewrite the URL of an old link."""
    known = {option["value"] for option in options}
    return options + [{"label": value, "value": value} for value in chosen if value not in known]


def dropdown_options(plan: Plan | None, view: View) -> dict[str, list[dict]]:
    """The choices of each filter, from the plan, labelled in the view's language."""
    lang = view.lang
    if plan is None:
        axes, services, owners, outside = [], [], [], False
    else:
        actions = plan.actions
        axes = [{"label": title, "value": axis_id}
                for axis_id, title in zip(plan.axes["id"], plan.axes["title"])]
        services = sorted(set(actions["service"].dropna()), key=_sort_key)
        owners = sorted(set(actions["owner"].dropna()), key=_sort_key)
        outside = bool((~actions["axis_id"].isin(plan.axes["id"]).fillna(False)
                        .astype(bool)).any())
    if outside or OUTSIDE in view.axes:
        axes.append({"label": f"« {label('outside_strategy', lang)} »"
                     if lang == "fr" else label("outside_strategy", lang), "value": OUTSIDE})
    return {
        ids.FILTER_AXES: _keep_chosen(axes, view.axes),
        ids.FILTER_SERVICES: _keep_chosen([{"label": name, "value": name}
                                           for name in services], view.services),
        ids.FILTER_OWNERS: _keep_chosen([{"label": name, "value": name}
                                         for name in owners], view.owners),
        ids.FILTER_STATUSES: [{"label": STATUS_LABELS[lang][code], "value": code}
                              for code in STATUSES],
        ids.FILTER_WEATHERS: [{"label": WEATHER_LABELS[lang][code], "value": code}
                              for code in WEATHERS],
    }


def control_texts(plan: Plan | None, view: View) -> list:
    """The values of TEXTS (labels, options, placeholders) for a plan and a language."""
    lang = view.lang
    options = dropdown_options(plan, view)
    texts: dict[tuple[str, str], object] = {}
    for control, _name, label_key, placeholder in DROPDOWNS:
        texts[(ids.label_of(control), "children")] = label(label_key, lang)
        texts[(control, "options")] = options[control]
        texts[(control, "placeholder")] = label(placeholder, lang)
        texts[(control, "labels")] = _dropdown_labels(lang)
    for group, _values, legend, _keys in CHOICES:
        texts[(ids.label_of(group), "children")] = label(legend, lang)
    texts.update({
        (ids.label_of(ids.SEARCH), "children"): label("search", lang),
        (ids.SEARCH, "placeholder"): label("search_placeholder", lang),
        (ids.label_of(ids.STATUS_DATE), "children"): label("status_date_label", lang),
        (ids.STATUS_DATE, "placeholder"): label("date_placeholder", lang),
        (ids.RESET, "children"): label("reset", lang),
        (ids.COPY_LINK_TEXT, "children"): label("copy_link", lang),
        (ids.COPY_LINK, "copied_children"): html.Span(label("link_copied", lang),
                                                      className="button copied"),
        (ids.SHARE_LINK, "children"): label("share_link", lang),
        (ids.FILTERS_HEADING, "children"): label("filters", lang),
    })
    return [texts[key] for key in TEXTS]


def choice_labels(lang: str) -> list[list[str]]:
    """The buttons' words, one list per group (CHOICES order)."""
    return [[label(keys[value], lang) for value in values] for _group, values, _l, keys in CHOICES]


def pressed(view: View) -> list[list[str]]:
    """`aria-pressed` of every button, one list per group (CHOICES order). `du`/`au`
    override the presets: no preset is pressed then."""
    free_zoom = bool(view.start or view.end)
    flags = {LATE: view.late_only, PAST_TERM: view.past_term_only}
    state = {ids.ONLY: lambda value: flags[value],
             ids.ZOOM: lambda value: not free_zoom and view.zoom == value,
             ids.COLOR_BY: lambda value: view.color_by == value}
    return [["true" if state[group](value) else "false" for value in values]
            for group, values, _legend, _keys in CHOICES]


def view_after_choice(view: View, group: str, value: str) -> View:
    """The view after a button of a group is pressed."""
    if group == ids.ZOOM and value in ZOOMS:
        return replace(view, zoom=value, start=None, end=None)  # a preset ends a free zoom
    if group == ids.COLOR_BY and value in COLOR_BY:
        return replace(view, color_by=value)
    if group == ids.ONLY and value == LATE:
        return replace(view, late_only=not view.late_only)
    if group == ids.ONLY and value == PAST_TERM:
        return replace(view, past_term_only=not view.past_term_only)
    return view


def control_values(view: View, status_date: dt.date | None) -> list:
    """The values of CONTROLS that show a view (the status date in force, even a default)."""
    return ([list(getattr(view, name)) for _control, name, *_ in DROPDOWNS]
            + [view.text, status_date.strftime(DATE_FORMAT) if status_date else ""])


def view_from_controls(view: View, values: list, default_date: dt.date | None) -> View:
    """The view the controls show, keeping what the URL holds beyond them (version, lang,
    selected action, presets…). `default_date` is the status date in force without a `date`
    parameter: it stays out of the URL. An unreadable date leaves the date as it was."""
    by_id = dict(zip((control for control, _prop in CONTROLS), values))
    changes: dict = {name: tuple(str(item) for item in by_id[control] or ())
                     for control, name, *_ in DROPDOWNS}
    changes["text"] = (by_id[ids.SEARCH] or "").strip()[:200]
    typed = (by_id[ids.STATUS_DATE] or "").strip()
    chosen = read_date(typed)
    if not typed:
        changes["status_date"] = None
    elif chosen is not None:
        changes["status_date"] = None if chosen == default_date else chosen
    return replace(view, **changes, notices=())


def read_date(text: str | None) -> dt.date | None:
    """`15/10/2026`, `15/10/26`, `15-10-2026`, `15.10.2026` or `2026-10-15`; None otherwise."""
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year + 2000 if year < 100 else year, month, day)
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def bar_outputs(view: View, plan: Plan | None, write_controls: bool) -> list:
    """What the bar shows for a view, in the URL callback's output order: CONTROLS, TEXTS,
    then per group the buttons' `aria-pressed` and their words. Values, options and words
    are left alone (no_update) when a control changed the view: rewriting the control a
    person is typing in would move the caret; pressed states are always written."""
    words = choice_labels(view.lang)
    if not write_controls:
        skip = [no_update] * (len(CONTROLS) + len(TEXTS))
        return [*skip, *pressed(view), *([no_update] * len(group) for group in words)]
    status_date = plan.status_date(view.status_date) if plan is not None else None
    return [*control_values(view, status_date), *control_texts(plan, view), *pressed(view),
            *words]


def reset_view(view: View) -> View:
    """« Réinitialiser »: the default view of the same plan, in the same language."""
    return View(version=view.version, lang=view.lang)


def share_view(view: View, plan: Plan) -> View:
    """The view a shared link names: pinned to the plan's version and the status date in
    force, so the receiver sees the same late items tomorrow."""
    return replace(view, version=plan.version[:12], status_date=plan.status_date(view.status_date),
                   notices=())
