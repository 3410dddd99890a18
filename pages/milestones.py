"""`/jalons`: the milestone tracker, for the IT director's weekly review.

The URL holds the tracker's state like every other view (`jalons`, `jalons_q`,
`jalons_groupe`, see model.view), and the page obeys the shell's filters and status date.
Controls mirror the URL: a change writes the URL, the URL redraws the grid.
"""
from __future__ import annotations

from dataclasses import replace

from dash import ALL, Input, Output, Patch, State, ctx, dcc, html, no_update

from components import ids
from components.i18n import label
from components.milestones_table import column_defs, milestones_grid, tracker_records
from loaders.store import PlanStore
from model.view import MILESTONE_GROUPS, MILESTONE_VIEWS, View, parse_query, to_query
from pages.answer_cache import cached_answer
from pages.context import resolve

PATH = "/jalons"
EVERY, NO_GROUP = "tous", "aucun"  # the buttons' values that the URL leaves out
SEARCH_DEBOUNCE_S = 0.4  # long enough not to send a request per keystroke

# Button value -> label key. Toggle buttons (aria-pressed) rather than dcc.RadioItems: Dash 4
# renders radio items as a listbox of options holding inputs, which axe-core rejects.
QUICK_LABELS = {EVERY: "ms_view_all", "retard": "ms_view_late", "30j": "ms_view_due30",
                "90j": "ms_view_due90", "realises": "ms_view_done_term"}
GROUP_LABELS = {NO_GROUP: "ms_group_none", "porteur": "ms_group_owner",
                "service": "ms_group_service"}
CHOICES = {ids.MILESTONES_QUICK_VIEW: QUICK_LABELS, ids.MILESTONES_GROUP: GROUP_LABELS}


def _pressed(on: bool) -> str:
    return "true" if on else "false"


def _choices(group: str, legend: str, chosen: str) -> html.Fieldset:
    buttons = [html.Button(label(key), id=ids.milestones_choice(group, value), type="button",
                           className="button ms-choice",
                           **{"aria-pressed": _pressed(value == chosen)})
               for value, key in CHOICES[group].items()]
    return html.Fieldset(className="control control-choices", children=[
        html.Legend(label(legend), id=ids.label_of(group)),
        html.Div(buttons, id=group, className="ms-choices"),
    ])


def layout() -> html.Section:
    return html.Section(className="milestones-section",
                        **{"aria-labelledby": ids.MILESTONES_HEADING}, children=[
        html.H2(label("ms_title"), id=ids.MILESTONES_HEADING),
        # The filter bar's classes (assets/view.css), so both rows of controls look alike.
        html.Div(className="controls-row milestones-controls", children=[
            _choices(ids.MILESTONES_QUICK_VIEW, "ms_quick_view", EVERY),
            html.Div(className="control", children=[
                html.Label(label("ms_search"), id=ids.label_of(ids.MILESTONES_SEARCH),
                           htmlFor=ids.MILESTONES_SEARCH),
                dcc.Input(id=ids.MILESTONES_SEARCH, type="search", value="",
                          debounce=SEARCH_DEBOUNCE_S, autoComplete="off",
                          className="search-input", placeholder=label("ms_search_placeholder")),
            ]),
            _choices(ids.MILESTONES_GROUP, "ms_group", NO_GROUP),
        ]),
        html.P(className="milestones-summary", children=[
            html.Span(id=ids.MILESTONES_COUNT, role="status"), " ",
            html.Span(label("ms_hint"), id=ids.label_of(ids.MILESTONES_GRID),
                      className="milestones-hint"),
        ]),
        html.Div(milestones_grid("fr"), id=ids.MILESTONES_GRID_HOLDER, lang="fr"),
    ])


def chosen_values(view: View) -> dict[str, str]:
    """The pressed button of each group of choices, for a view."""
    return {ids.MILESTONES_QUICK_VIEW: view.milestone_view or EVERY,
            ids.MILESTONES_GROUP: view.milestone_group or NO_GROUP}


def view_after(view: View, group: str | None, value: str | None, text: str | None) -> View:
    """The view once a button of `group` is pressed (or the search typed); the rest of the
    URL is kept."""
    changes: dict = {"milestone_text": (text or "").strip()[:200], "notices": ()}
    if group == ids.MILESTONES_QUICK_VIEW:
        changes["milestone_view"] = value if value in MILESTONE_VIEWS else None
    elif group == ids.MILESTONES_GROUP:
        changes["milestone_group"] = value if value in MILESTONE_GROUPS else None
    return replace(view, **changes)


def _each_button(group: str) -> dict:
    return ids.milestones_choice(group, ALL)


def register(app, store: PlanStore) -> None:
    @app.callback(
        Output(ids.MILESTONES_GRID, "rowData"), Output(ids.MILESTONES_GRID, "dashGridOptions"),
        Input(ids.URL, "search"), State(ids.MILESTONES_GRID, "rowData"),
    )
    # The rows do not depend on the selected action (the grid marks nothing for it).
    @cached_answer(ignores=("action",))
    def show_milestones(search, shown):
        context = resolve(store, search)
        records = ([] if context.loaded is None else
                   tracker_records(context.loaded.plan, context.view, context.status_date))
        options = Patch()
        options["quickFilterText"] = context.view.milestone_text
        return (no_update if records == shown else records), options

    @app.callback(
        Output(ids.MILESTONES_HEADING, "children"),
        Output(ids.label_of(ids.MILESTONES_QUICK_VIEW), "children"),
        Output(_each_button(ids.MILESTONES_QUICK_VIEW), "children"),
        Output(ids.label_of(ids.MILESTONES_SEARCH), "children"),
        Output(ids.MILESTONES_SEARCH, "placeholder"),
        Output(ids.label_of(ids.MILESTONES_GROUP), "children"),
        Output(_each_button(ids.MILESTONES_GROUP), "children"),
        Output(ids.label_of(ids.MILESTONES_GRID), "children"),
        Input(ids.URL, "search"),
    )
    def translate(search):
        lang = parse_query(search or "").lang
        quick, group = ctx.outputs_list[2], ctx.outputs_list[6]
        return (label("ms_title", lang), label("ms_quick_view", lang),
                [label(QUICK_LABELS[out["id"]["value"]], lang) for out in quick],
                label("ms_search", lang), label("ms_search_placeholder", lang),
                label("ms_group", lang),
                [label(GROUP_LABELS[out["id"]["value"]], lang) for out in group],
                label("ms_hint", lang))

    @app.callback(
        Output(ids.MILESTONES_GRID_HOLDER, "children"), Output(ids.MILESTONES_GRID_HOLDER, "lang"),
        Input(ids.URL, "search"), State(ids.MILESTONES_GRID_HOLDER, "lang"),
    )
    def rebuild_grid_for_language(search, shown_lang):
        # AG Grid reads its locale once, when created: a new language needs a new grid.
        view = parse_query(search or "")
        if view.lang == shown_lang:
            return no_update, no_update
        return milestones_grid(view.lang, view.milestone_group), view.lang

    @app.callback(
        Output(ids.MILESTONES_GRID, "columnDefs"),
        Input(ids.URL, "search"), State(ids.MILESTONES_GRID, "columnDefs"),
    )
    def arrange_columns(search, shown):
        # Sent only when they change: new column definitions reset the reader's sort.
        view = parse_query(search or "")
        columns = column_defs(view.lang, view.milestone_group)
        return no_update if columns == shown else columns

    @app.callback(
        Output(_each_button(ids.MILESTONES_QUICK_VIEW), "aria-pressed"),
        Output(_each_button(ids.MILESTONES_GROUP), "aria-pressed"),
        Output(ids.MILESTONES_SEARCH, "value"),
        Input(ids.URL, "search"), State(ids.MILESTONES_SEARCH, "value"),
    )
    def restore_choices(search, shown_text):
        view = parse_query(search or "")
        chosen = chosen_values(view)
        pressed = [[_pressed(out["id"]["value"] == chosen[out["id"]["type"]]) for out in outputs]
                   for outputs in ctx.outputs_list[:2]]
        # The box keeps what is being typed when the URL already says the same.
        typed = (shown_text or "").strip()
        return *pressed, (no_update if view.milestone_text == typed else view.milestone_text)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(_each_button(ids.MILESTONES_QUICK_VIEW), "n_clicks"),
        Input(_each_button(ids.MILESTONES_GROUP), "n_clicks"),
        Input(ids.MILESTONES_SEARCH, "value"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def remember_choices(_quick_clicks, _group_clicks, text, search):
        button = ctx.triggered_id if isinstance(ctx.triggered_id, dict) else {}
        if button and not ctx.triggered[0]["value"]:
            return no_update  # a button appearing, not a button pressed
        view = parse_query(search or "")
        query = to_query(view_after(view, button.get("type"), button.get("value"), text))
        return no_update if query == to_query(view) else query

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MILESTONES_GRID, "eventData"), State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def open_action(event, search):
        action = (event or {}).get("data")
        view = parse_query(search or "")
        if not isinstance(action, str) or action == view.action:
            return no_update
        return to_query(replace(view, action=action, notices=()))

    @app.callback(
        Output(ids.MILESTONES_COUNT, "children"),
        Input(ids.MILESTONES_GRID, "virtualRowData"), Input(ids.URL, "search"),
    )
    def count_shown(rows, search):
        lang = parse_query(search or "").lang
        count = len(rows or [])
        if count <= 1:
            return label("ms_count_one" if count else "ms_count_zero", lang)
        return label("ms_count", lang, n=count)
