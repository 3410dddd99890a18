"""The milestone tracker's grid (dash-ag-grid): rows for a language, columns, French locale.

Everything here is a pure function of a frame and a language, except `milestones_grid`,
which only assembles the component. Dates are sent as ISO strings, so sorting is
chronological, and shown through a formatter that reads the row's French (or English) text.
The state is sorted by urgency (days to the planned date, done last) and shown as an icon
and words, never by colour alone.
"""
from __future__ import annotations

import datetime as dt

import dash_ag_grid as dag
import pandas as pd

from components import ids
from components.i18n import format_day, label
from model.filters import visible_actions
from model.milestones import QUICK_VIEW_OF_URL, milestone_rows, quick_view
from model.plan import Plan
from model.view import View

DONE_URGENCY = 1_000_000  # done milestones sort after every open one

# AG Grid's own words (filter menus, overlays, screen-reader hints), in French. The keys
# are those ag-grid-community 35 asks for; English is AG Grid's default.
GRID_LOCALE_FR = {
    "noRowsToShow": "Aucun jalon",
    "noMatchingRows": "Aucun jalon ne correspond",
    "loadingOoo": "Chargement…",
    "loadingError": "Erreur",
    "applyFilter": "Appliquer",
    "clearFilter": "Effacer",
    "resetFilter": "Réinitialiser",
    "cancelFilter": "Annuler",
    "textFilter": "Filtre de texte",
    "numberFilter": "Filtre de nombre",
    "dateFilter": "Filtre de date",
    "filterOoo": "Filtrer…",
    "empty": "Choisir…",
    "equals": "Égal à",
    "notEqual": "Différent de",
    "lessThan": "Inférieur à",
    "greaterThan": "Supérieur à",
    "lessThanOrEqual": "Inférieur ou égal à",
    "greaterThanOrEqual": "Supérieur ou égal à",
    "inRange": "Entre",
    "inRangeStart": "De",
    "inRangeEnd": "À",
    "contains": "Contient",
    "notContains": "Ne contient pas",
    "startsWith": "Commence par",
    "endsWith": "Se termine par",
    "blank": "Vide",
    "notBlank": "Non vide",
    "before": "Avant",
    "after": "Après",
    "andCondition": "ET",
    "orCondition": "OU",
    "dateFormatOoo": "aaaa-mm-jj",
    "invalidDate": "Date non valide",
    "invalidNumber": "Nombre non valide",
    "today": "Aujourd'hui",
    "yesterday": "Hier",
    "tomorrow": "Demain",
    "ariaColumnFiltered": "Colonne filtrée",
    "ariaDateFilterInput": "Saisie du filtre de date",
    "ariaFilterColumn": "Ctrl Entrée pour ouvrir le filtre",
    "ariaFilterFromValue": "Filtrer à partir de",
    "ariaFilterInput": "Saisie du filtre",
    "ariaFilterMenuOpen": "Ouvrir le menu de filtre",
    "ariaFilterToValue": "Filtrer jusqu'à",
    "ariaFilterValue": "Valeur du filtre",
    "ariaFilteringOperator": "Opérateur de filtre",
    "ariaLabelColumnFilter": "Filtre de colonne",
    "ariaLabelColumnMenu": "Menu de colonne",
    "ariaMenuColumn": "Alt Bas pour ouvrir le menu de colonne",
    "ariaSortableColumn": "Entrée pour trier",
    "ariaSkeletonCellLoading": "Chargement de la ligne",
    "ariaChecked": "coché",
    "ariaUnchecked": "non coché",
    "ariaIndeterminate": "indéterminé",
    "page": "Page",
    "of": "sur",
    "to": "à",
    "more": "plus",
    "firstPage": "Première page",
    "lastPage": "Dernière page",
    "nextPage": "Page suivante",
    "previousPage": "Page précédente",
}

# Columns, in order: (field, header label key). The group column, when any, moves first.
COLUMNS = (("id", "ms_col_id"), ("title", "ms_col_title"), ("action", "ms_col_action"),
           ("axis", "ms_col_axis"), ("owner", "ms_col_owner"), ("service", "ms_col_service"),
           ("planned", "ms_col_planned"), ("actual", "ms_col_actual"),
           ("urgency", "ms_col_state"), ("instance", "ms_col_instance"))
GROUP_FIELDS = {"porteur": "owner", "service": "service"}  # `jalons_groupe` -> column


def locale_text(lang: str) -> dict[str, str]:
    """AG Grid's strings: French, or the few English ones that name milestones."""
    if lang == "fr":
        return GRID_LOCALE_FR
    return {"noRowsToShow": label("ms_none", lang), "noMatchingRows": label("ms_no_match", lang)}


def state_label(state: str, days, lang: str) -> str:
    """« ⚠ En retard de 12 j », « ◔ Dans 5 j », « ✔ Réalisé »… The symbols are in common
    text fonts (DejaVu Sans, Segoe UI Symbol): an emoji such as ⏳ is a blank box wherever
    no emoji font is installed."""
    if state == "done":
        return label("ms_state_done", lang)
    if state == "late":
        return label("ms_state_late", lang, days=-int(days))
    if state == "due" and int(days) == 0:
        return label("ms_state_today", lang)
    return label(f"ms_state_{state}", lang, days=int(days))


def grid_records(rows: pd.DataFrame, lang: str) -> list[dict]:
    """The grid's rowData: one dict per milestone row of `model.milestones.milestone_rows`."""
    if rows.empty:
        return []
    unknown = label("unknown", lang)
    # Babel formats each distinct date once: plans have far fewer dates than milestones.
    days = pd.concat([rows["planned"], rows["actual"]]).dropna().unique()
    shown = {day: format_day(pd.Timestamp(day).date(), lang) for day in days}
    planned, actual = rows["planned"], rows["actual"]
    records = pd.DataFrame({
        "id": rows["id"], "title": rows["title"], "action_id": rows["action_id"],
        "action": rows["action_id"] + " — " + rows["action_title"].fillna(""),
        "axis": rows["axis_title"], "owner": rows["owner"].fillna(unknown),
        "service": rows["service"].fillna(unknown),
        "planned": planned.dt.strftime("%Y-%m-%d"), "planned_label": planned.map(shown),
        "actual": actual.dt.strftime("%Y-%m-%d"), "actual_label": actual.map(shown),
        "state": rows["state"],
        "state_label": [state_label(state, day, lang)
                        for state, day in zip(rows["state"], rows["days"])],
        "urgency": rows["days"].fillna(DONE_URGENCY),
        "days": rows["days"], "instance": rows["instance"],
    })
    records = records.astype(object).where(records.notna(), None)
    return records.to_dict("records")


def tracker_records(plan: Plan, view: View, status_date: dt.date) -> list[dict]:
    """The rowData of a view: milestones of the visible actions, in the view's quick view."""
    actions = visible_actions(plan, view, status_date)
    rows = milestone_rows(plan, actions, status_date,
                          outside=label("outside_strategy", view.lang))
    chosen = QUICK_VIEW_OF_URL.get(view.milestone_view or "")
    return grid_records(quick_view(rows, chosen), view.lang)


def _formatted(text_field: str) -> dict:
    """A column shown (and quick-searched) as the row's `text_field`, sorted by its value."""
    shown = f"params.data && params.data.{text_field} || ''"
    return {"valueFormatter": {"function": shown}, "getQuickFilterText": {"function": shown}}


def column_defs(lang: str, group: str | None = None) -> list[dict]:
    """French (or English) columns, by state by default. `group` (porteur, service) moves
    that column first, pinned, and sorts by it, then by state: AG Grid's row grouping is an
    Enterprise feature, and its row spanning (Community) writes ARIA that axe-core rejects.
    Every column states its sort and pinning, so a change of grouping resets both."""
    by_field = {field: {"field": field, "headerName": label(key, lang), "sort": None,
                        "sortIndex": None, "pinned": None}
                for field, key in COLUMNS}
    by_field["id"].update(minWidth=80, maxWidth=100)
    by_field["title"].update(flex=2, minWidth=200, wrapText=True, autoHeight=True)
    by_field["action"].update(flex=2, minWidth=220, wrapText=True, autoHeight=True)
    for field in ("axis", "owner", "service"):
        by_field[field].update(minWidth=150)
    for field in ("planned", "actual"):
        by_field[field].update(cellDataType="dateString", filter="agDateColumnFilter",
                               minWidth=150, **_formatted(f"{field}_label"))
    by_field["urgency"].update(
        cellDataType="number", minWidth=190, filter="agTextColumnFilter",
        filterValueGetter={"function": "params.data.state_label"},
        cellClass={"function": "'ms-state ms-state-' + params.data.state"},
        **_formatted("state_label"))
    order = [field for field, _key in COLUMNS]
    first = GROUP_FIELDS.get(group or "")
    if first:
        order.remove(first)
        order.insert(0, first)
        by_field[first].update(sort="asc", sortIndex=0, pinned="left", minWidth=200)
        by_field["urgency"].update(sort="asc", sortIndex=1)
    else:
        by_field["urgency"].update(sort="asc", sortIndex=0)
    return [by_field[field] for field in order]


def milestones_grid(lang: str, group: str | None = None) -> dag.AgGrid:
    """The grid, empty: callbacks fill its rows. A click or Enter on a row reports its
    action (eventData), which the page puts in the URL as `action=`."""
    return dag.AgGrid(
        id=ids.MILESTONES_GRID,
        rowData=[],
        columnDefs=column_defs(lang, group),
        defaultColDef={"sortable": True, "filter": "agTextColumnFilter", "resizable": True,
                       "flex": 1, "minWidth": 120},
        getRowId="params.data.id",
        # localeText is read when the grid is created: the page rebuilds the grid when the
        # language changes. accentedSort: « Élodie » sorts with « E », not after « Z ».
        dashGridOptions={"localeText": locale_text(lang), "quickFilterText": "",
                         "animateRows": False, "accentedSort": True},
        eventListeners={
            "cellClicked": ["params.data ? setEventData(params.data.action_id) : null"],
            "cellKeyDown": ["params.event.key === 'Enter' && params.data"
                            " ? setEventData(params.data.action_id) : null"],
        },
        style={"height": "65vh", "minHeight": "320px"},
        className="milestones-grid",
    )
