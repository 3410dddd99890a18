"""The milestone tracker's rows, states, quick views and URL parameters, with known answers."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from components import ids
from components.milestones_table import column_defs, grid_records, locale_text, tracker_records
from loaders import load_path
from model.filters import visible_actions
from model.milestones import milestone_rows, quick_view
from model.view import View, parse_query, to_query
from pages.milestones import chosen_values, view_after
from settings import EXAMPLE_PLAN

D = dt.date
STATUS_DATE = D(2026, 10, 15)  # the current municipal term began on 22 March 2026
PLAN = ["id", "axe", "action", "porteur", "direction", "début", "fin", "statut"]
MILESTONES = ["id", "action", "jalon", "date", "date réelle", "statut", "instance"]


@pytest.fixture
def plan(make_workbook):
    path = make_workbook({
        "Stratégie": [["id", "axe", "début", "fin"],
                      ["AX1", "Services en ligne", D(2020, 1, 1), D(2032, 12, 31)]],
        "Plan": [PLAN,
                 ["A1", "AX1", "Portail citoyen", "M. Durand", "DSI", D(2024, 1, 1),
                  D(2027, 12, 31), "en cours"],
                 ["A2", None, "Médiateurs numériques", "Mme Petit", "DRU", D(2025, 1, 1),
                  D(2028, 12, 31), "en cours"],
                 ["A3", "AX1", "Socle d'identité", "Mme Petit", None, D(2019, 1, 1),
                  D(2027, 12, 31), "en cours"]],
        "Jalons": [MILESTONES,
                   ["J1", "A1", "Recette", D(2026, 10, 14), None, "en cours", "COPIL"],
                   ["J2", "A1", "Mise en ligne", D(2026, 10, 15), None, "en cours", "COPIL"],
                   ["J3", "A1", "Bilan", D(2026, 11, 14), None, "à lancer", None],
                   ["J4", "A2", "Recrutement", D(2026, 11, 15), None, "à lancer", "CODIR"],
                   ["J5", "A2", "Formation", D(2027, 1, 13), None, "à lancer", None],
                   ["J6", "A2", "Permanences", D(2027, 1, 14), None, "à lancer", None],
                   ["J7", "A3", "Marché notifié", D(2026, 9, 1), D(2026, 9, 10), "terminé",
                    "Conseil"],
                   ["J8", "A3", "Étude", D(2020, 3, 1), D(2020, 3, 2), "terminé", None],
                   ["J9", "A3", "Cahier des charges", D(2026, 5, 1), None, "terminé", None],
                   ["J10", "A3", "Choix du prestataire", D(2026, 3, 1), D(2026, 3, 21),
                    None, None],
                   ["J11", "A3", "Lancement", D(2026, 3, 1), D(2026, 3, 22), None, None]],
    })
    result = load_path(path)
    assert [p.code for p in result.problems if p.severity == "error"] == []
    return result.plan


def rows_of(plan, view=View()):
    return milestone_rows(plan, visible_actions(plan, view, STATUS_DATE), STATUS_DATE)


def test_mt001_state_and_signed_days_of_every_milestone(plan):
    rows = rows_of(plan).set_index("id")
    assert rows["state"].to_dict() == {
        "J1": "late", "J2": "due", "J3": "due", "J4": "upcoming", "J5": "upcoming",
        "J6": "later", "J7": "done", "J8": "done", "J9": "done", "J10": "done", "J11": "done"}
    days = {key: (None if value is None or value != value else int(value))
            for key, value in rows["days"].astype(object).to_dict().items()}
    assert days == {"J1": -1, "J2": 0, "J3": 30, "J4": 31, "J5": 90, "J6": 91,
                    "J7": None, "J8": None, "J9": None, "J10": None, "J11": None}


def test_mt002_boundaries_late_is_before_the_status_date_due_ends_at_30_days(plan):
    rows = rows_of(plan).set_index("id")
    # Planned on the status date itself: not late, due today.
    assert rows.loc["J2", "state"] == "due"
    assert rows.loc["J1", "state"] == "late"
    # Exactly 30 days ahead is still due; 31 is upcoming; 90 upcoming; 91 later.
    assert [rows.loc[key, "state"] for key in ("J3", "J4", "J5", "J6")] == [
        "due", "upcoming", "upcoming", "later"]


def test_mt003_quick_views_hold_exactly_their_milestones(plan):
    rows = rows_of(plan)
    assert list(quick_view(rows, "late")["id"]) == ["J1"]
    assert list(quick_view(rows, "due30")["id"]) == ["J2", "J3"]
    assert list(quick_view(rows, "due90")["id"]) == ["J2", "J3", "J4", "J5"]
    assert sorted(quick_view(rows, "done_term")["id"]) == ["J11", "J7"]
    assert len(quick_view(rows, None)) == 11
    with pytest.raises(ValueError):
        quick_view(rows, "soon")


def test_mt004_done_this_term_needs_an_actual_date_inside_the_current_term(plan):
    done = rows_of(plan).set_index("id")["done_this_term"]
    # J8: previous term; J9: done but no date; J10: the day before the term began.
    assert done[["J7", "J8", "J9", "J10", "J11"]].tolist() == [True, False, False, False, True]


def test_mt005_rows_carry_action_axis_owner_service_and_follow_the_shell_filters(plan):
    rows = rows_of(plan, View(owners=("Mme Petit",))).set_index("id")
    assert sorted(rows.index) == ["J10", "J11", "J4", "J5", "J6", "J7", "J8", "J9"]
    assert rows.loc["J4", ["action_id", "action_title", "axis_title", "owner", "service"]
                    ].tolist() == ["A2", "Médiateurs numériques", "Hors stratégie", "Mme Petit",
                                   "DRU"]
    assert rows.loc["J7", "axis_title"] == "Services en ligne"
    assert rows.loc["J7", "instance"] == "Conseil"
    english = milestone_rows(plan, plan.actions, STATUS_DATE, outside="Outside the strategy")
    assert set(english.loc[english["action_id"] == "A2", "axis_title"]) == {"Outside the strategy"}
    assert rows_of(plan, View(axes=("AX1",)))["action_id"].unique().tolist() == ["A3", "A1"]


def test_mt006_rows_are_sorted_by_planned_date(plan):
    planned = rows_of(plan)["planned"].tolist()
    assert planned == sorted(planned)


def test_mt007_example_plan_late_milestones_at_15_october_2026():
    plan = load_path(EXAMPLE_PLAN).plan
    rows = milestone_rows(plan, plan.actions, STATUS_DATE)
    assert sorted(quick_view(rows, "late")["id"]) == [
        "J006", "J013", "J035", "J037", "J048", "J051", "J076"]
    assert len(rows) == len(plan.milestones)


def test_mt008_no_visible_action_gives_an_empty_typed_frame(plan):
    rows = milestone_rows(plan, plan.actions.iloc[0:0], STATUS_DATE)
    assert rows.empty and "state" in rows.columns and "done_this_term" in rows.columns
    assert grid_records(rows, "fr") == []


def test_mt009_grid_rows_say_the_state_with_an_icon_and_words_and_french_dates(plan):
    records = {record["id"]: record for record in grid_records(rows_of(plan), "fr")}
    assert records["J1"]["state_label"] == "⚠ En retard de 1 j"
    assert records["J2"]["state_label"] == "◔ Aujourd'hui"
    assert records["J3"]["state_label"] == "◔ Dans 30 j"
    assert records["J4"]["state_label"].startswith("◷ ")
    assert records["J7"]["state_label"] == "✔ Réalisé"
    assert records["J2"]["planned"] == "2026-10-15"  # ISO: sorts chronologically
    assert records["J2"]["planned_label"] == "15 octobre 2026"
    assert records["J7"]["actual_label"] == "10 septembre 2026"
    assert records["J1"]["actual"] is None and records["J1"]["actual_label"] is None
    assert records["J1"]["action"] == "A1 — Portail citoyen"
    assert records["J7"]["service"] == "non renseigné"
    # Sorting by state sorts by urgency: the latest first, done last.
    assert records["J1"]["urgency"] < records["J2"]["urgency"] < records["J6"]["urgency"]
    assert records["J6"]["urgency"] < records["J7"]["urgency"]
    english = {record["id"]: record for record in grid_records(rows_of(plan), "en")}
    assert english["J1"]["state_label"] == "⚠ Late by 1 d"
    assert english["J2"]["planned_label"] == "15 October 2026"


def test_mt010_columns_french_english_and_grouping_by_sorting():
    french = column_defs("fr")
    assert [column["headerName"] for column in french] == [
        "N°", "Jalon", "Action", "Axe", "Porteur", "Direction", "Date prévue", "Date réelle",
        "État", "Instance"]
    assert [column["headerName"] for column in column_defs("en")][:3] == [
        "No.", "Milestone", "Action"]
    state = next(column for column in french if column["field"] == "urgency")
    assert state["sort"] == "asc" and state["sortIndex"] == 0
    grouped = column_defs("fr", "porteur")
    assert grouped[0]["field"] == "owner"
    assert (grouped[0]["pinned"], grouped[0]["sort"], grouped[0]["sortIndex"]) == (
        "left", "asc", 0)
    assert next(column for column in grouped if column["field"] == "urgency")["sortIndex"] == 1
    assert column_defs("fr", "service")[0]["field"] == "service"
    assert locale_text("fr")["noRowsToShow"] == "Aucun jalon"
    assert locale_text("en")["noRowsToShow"] == "No milestones"


def test_mt011_url_parameters_of_the_tracker_round_trip():
    view = parse_query("?jalons=retard&jalons_q=recette&jalons_groupe=porteur&axes=AX1")
    assert (view.milestone_view, view.milestone_text, view.milestone_group) == (
        "retard", "recette", "porteur")
    assert view.notices == ()
    assert parse_query(to_query(view)) == view
    assert chosen_values(view) == {ids.MILESTONES_QUICK_VIEW: "retard",
                                   ids.MILESTONES_GROUP: "porteur"}
    assert chosen_values(View()) == {ids.MILESTONES_QUICK_VIEW: "tous",
                                     ids.MILESTONES_GROUP: "aucun"}
    wrong = parse_query("jalons=bientot&jalons_groupe=axe")
    assert (wrong.milestone_view, wrong.milestone_group) == (None, None)
    assert set(wrong.notices) == {"jalons", "jalons_groupe"}


def test_mt012_controls_change_only_the_tracker_part_of_the_view():
    view = parse_query("axes=AX1&date=2026-10-15&action=A2&lang=en")
    quick = view_after(view, ids.MILESTONES_QUICK_VIEW, "30j", "  portail ")
    grouped = view_after(quick, ids.MILESTONES_GROUP, "service", "portail")
    assert to_query(grouped) == ("?action=A2&jalons_q=portail&axes=AX1&lang=en&jalons=30j"
                                 "&jalons_groupe=service&date=2026-10-15")
    back = view_after(view_after(grouped, ids.MILESTONES_QUICK_VIEW, "tous", ""),
                      ids.MILESTONES_GROUP, "aucun", "")
    assert back == view


def test_mt013_readme_documents_the_tracker_url_parameters():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in ("jalons", "jalons_q", "jalons_groupe"):
        assert f"| `{name}` |" in readme, name
    for value in ("retard", "30j", "90j", "realises", "porteur", "service"):
        assert f"`{value}`" in readme, value
    assert "## Suivi des jalons (/jalons)" in readme


def test_mt014_the_page_rows_follow_the_url_quick_view_shell_filters_and_language(plan):
    def ids_of(query):
        return [record["id"] for record in tracker_records(plan, parse_query(query), STATUS_DATE)]
    assert ids_of("jalons=retard") == ["J1"]
    assert ids_of("jalons=90j&porteurs=Mme Petit") == ["J4", "J5"]
    assert ids_of("jalons=realises&axes=__hors__") == []
    assert len(ids_of("")) == 11
    english = tracker_records(plan, parse_query("lang=en&jalons=90j&porteurs=Mme Petit"),
                              STATUS_DATE)
    assert english[0]["axis"] == "Outside the strategy"
    assert english[0]["state_label"] == "◷ Upcoming, in 31 d"
