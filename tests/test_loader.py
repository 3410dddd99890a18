"""The workbook contract: a small workbook per check, the exact rows kept and problems."""
from __future__ import annotations

import datetime as dt

import pytest

from loaders import load_bytes, load_path

STRATEGY = ["id", "axe", "finalité", "début", "fin", "couleur"]
PLAN = ["id", "axe", "action", "porteur", "direction", "début", "fin", "statut", "avancement",
        "météo", "budget"]
MILESTONES = ["id", "action", "jalon", "date", "date réelle", "statut"]
D = dt.date


def axes_rows():
    return [STRATEGY,
            ["AX1", "Services en ligne", "Simplifier", D(2022, 1, 1), D(2032, 12, 31), "#1f77b4"],
            ["AX2", "Inclusion numérique", "Accompagner", D(2022, 1, 1), D(2030, 12, 31), None]]


def problems_of(result):
    return [(p.sheet, p.row, p.column, p.code, p.severity) for p in result.problems]


def counts(result):
    return {s.sheet: (s.read, s.loaded, s.rejected, s.blank) for s in result.sheets}


def test_ld001_clean_workbook_loads_typed_frames(make_workbook):
    path = make_workbook({
        "Stratégie": axes_rows(),
        "Plan": [PLAN,
                 ["A1", "AX1", "Portail citoyen", "M. Durand", "DSI", D(2024, 1, 1),
                  D(2026, 12, 31), "en cours", 0.45, "soleil", 250000],
                 ["A2", "Inclusion numérique", "Médiateurs", "Mme Petit", "DRU", "15/03/2025",
                  "2027-06-30", "à lancer", None, "orage", "1 250 000"]],
        "Jalons": [MILESTONES, ["J1", "A1", "Recette", D(2025, 6, 30), None, "en cours"]],
    })
    result = load_path(path)
    plan = result.plan
    assert problems_of(result) == []
    assert list(plan.axes["id"]) == ["AX1", "AX2"]
    assert list(plan.actions["id"]) == ["A1", "A2"]
    # An axis named by its title resolves to its id.
    assert list(plan.actions["axis_id"]) == ["AX1", "AX2"]
    assert plan.actions["start"].tolist() == [dt.datetime(2024, 1, 1), dt.datetime(2025, 3, 15)]
    assert plan.actions["end"].tolist() == [dt.datetime(2026, 12, 31), dt.datetime(2027, 6, 30)]
    assert list(plan.actions["status"]) == ["in_progress", "planned"]
    assert list(plan.actions["weather"]) == ["sunny", "stormy"]
    assert plan.actions["progress"].tolist()[0] == pytest.approx(0.45)
    assert plan.actions["budget"].tolist() == [250000.0, 1250000.0]
    assert plan.milestones["action_id"].tolist() == ["A1"]
    assert str(plan.actions["start"].dtype) == "datetime64[s]"
    assert counts(result) == {"Stratégie": (2, 2, 0, 0), "Plan": (2, 2, 0, 0),
                              "Jalons": (1, 1, 0, 0)}


def test_ld002_sheet_and_column_names_match_aliases_case_accents_spacing(make_workbook):
    path = make_workbook({
        "AXES": [["Identifiant", "Intitulé", "Date de début", "Date de fin"],
                 ["AX1", "Services", "2022-01-01", "2032-12-31"]],
        "feuille de route": [["ID", "Axe", "Nom du projet", "Chef de projet", "Pôle",
                              "DATE DE DEBUT", "Échéance"],
                             ["A1", "AX1", "Portail", "Durand", "DSI", "01/01/2024",
                              "31/12/2025"]],
        "Milestones": [["id", "Action", "Milestone", "Date"], ["J1", "A1", "Go", "2025-01-31"]],
    })
    result = load_path(path)
    assert problems_of(result) == []
    assert result.plan.actions.iloc[0][["owner", "service"]].tolist() == ["Durand", "DSI"]
    assert [s.role for s in result.sheets] == ["strategy", "actions", "milestones"]


def test_ld003_required_column_missing_rejects_rows_and_names_the_column(make_workbook):
    path = make_workbook({"Plan": [["id", "action", "fin"], ["A1", "Portail", D(2025, 1, 1)],
                                   ["A2", "GRU", D(2025, 1, 1)]]})
    result = load_path(path)
    assert problems_of(result) == [("Plan", 1, "début", "column_missing", "error")]
    assert counts(result) == {"Plan": (2, 0, 2, 0)}
    assert result.plan.actions.empty


def test_ld004_duplicate_id_rejects_second_row(make_workbook):
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["A1", "Portail", D(2024, 1, 1), D(2025, 1, 1)],
                                   ["A1", "GRU", D(2024, 1, 1), D(2025, 1, 1)]]})
    result = load_path(path)
    assert problems_of(result) == [("Plan", 3, "id", "id_duplicated", "error")]
    assert result.problems[0].params["first_row"] == 2
    assert list(result.plan.actions["title"]) == ["Portail"]


def test_ld005_end_before_start_is_an_error_with_both_dates(make_workbook):
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["A1", "Portail", D(2024, 1, 1), D(2025, 1, 1)],
                                   ["A2", "GRU", D(2026, 1, 1), D(2025, 1, 1)]]})
    result = load_path(path)
    assert problems_of(result) == [("Plan", 3, "fin", "end_before_start", "error")]
    assert result.problems[0].message() == (
        "Plan, ligne 3, colonne « fin » : la fin (01/01/2025) est avant le début (01/01/2026) : "
        "la ligne est ignorée ; corrigez l'une des deux dates.")
    assert result.problems[0].message("en").startswith("Plan, row 3, column “fin”: the end")
    assert counts(result) == {"Plan": (2, 1, 1, 0)}


def test_ld006_unknown_axis_is_a_warning_and_the_action_goes_outside(make_workbook):
    path = make_workbook({"Stratégie": axes_rows(),
                          "Plan": [["id", "axe", "action", "début", "fin"],
                                   ["A1", "AX9", "Portail", D(2024, 1, 1), D(2025, 1, 1)]]})
    result = load_path(path)
    assert problems_of(result) == [("Plan", 2, "axe", "axis_unknown", "warning")]
    assert result.plan.actions["axis_id"].isna().all()


def test_ld007_milestone_of_unknown_action_is_rejected(make_workbook):
    path = make_workbook({
        "Plan": [["id", "action", "début", "fin"], ["A1", "Portail", D(2024, 1, 1), D(2025, 1, 1)]],
        "Jalons": [MILESTONES, ["J1", "A1", "Recette", D(2024, 6, 1), None, None],
                   ["J2", "A7", "Bascule", D(2024, 9, 1), None, None]],
    })
    result = load_path(path)
    assert problems_of(result) == [("Jalons", 3, "action", "action_unknown", "error")]
    assert list(result.plan.milestones["id"]) == ["J1"]


def test_ld008_every_non_blank_row_is_loaded_or_reported(make_workbook):
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["A1", "Portail", D(2024, 1, 1), D(2025, 1, 1)],
                                   [None, None, None, None],
                                   ["A3", None, D(2024, 1, 1), D(2025, 1, 1)],
                                   ["A4", "GRU", "bientôt", D(2025, 1, 1)],
                                   ["A5", "SIG", None, D(2025, 1, 1)]]})
    result = load_path(path)
    assert problems_of(result) == [("Plan", 4, "action", "title_missing", "error"),
                                   ("Plan", 5, "début", "date_unrecognised", "error"),
                                   ("Plan", 6, "début", "date_missing", "error")]
    read, loaded, rejected, blank = counts(result)["Plan"]
    assert (read, loaded, rejected, blank) == (5, 1, 3, 1)
    assert read == loaded + rejected + blank
    assert result.problems[1].message() == (
        "Plan, ligne 5, colonne « début » : « bientôt » n'est pas une date reconnue ; "
        "écrivez par exemple 15/03/2026, mars 2026 ou T2 2026.")


def test_ld009_missing_id_is_generated_from_title_with_a_warning(make_workbook):
    path = make_workbook({"Plan": [["action", "début", "fin"],
                                   ["Portail citoyen", D(2024, 1, 1), D(2025, 1, 1)],
                                   ["Portail citoyen", D(2024, 1, 1), D(2025, 1, 1)]]})
    result = load_path(path)
    assert list(result.plan.actions["id"]) == ["portail-citoyen", "portail-citoyen-2"]
    assert problems_of(result) == [("Plan", 2, None, "id_generated", "warning"),
                                   ("Plan", 3, None, "id_generated", "warning")]


def test_ld010_settings_and_terms_sheets(make_workbook):
    path = make_workbook({
        "Plan": [["id", "action", "début", "fin"], ["A1", "Portail", D(2024, 1, 1), D(2025, 1, 1)]],
        "Paramètres": [["paramètre", "valeur"], ["titre", "Schéma directeur"],
                       ["type de collectivité", "Département"],
                       ["date de situation", D(2026, 10, 15)]],
        "Mandats": [["libellé", "début", "fin"], ["2021–2028", D(2021, 6, 27), D(2028, 3, 26)]],
    })
    result = load_path(path)
    assert problems_of(result) == []
    settings = result.plan.settings
    assert (settings.title, settings.organisation_type, settings.status_date) == (
        "Schéma directeur", "departement", D(2026, 10, 15))
    assert list(result.plan.calendar["label"]) == ["2021–2028"]


def test_ld011_builtin_calendar_follows_organisation_type(make_workbook):
    path = make_workbook({
        "Plan": [["id", "action", "début", "fin"], ["A1", "Portail", D(2024, 1, 1), D(2025, 1, 1)]],
        "Paramètres": [["paramètre", "valeur"], ["type de collectivité", "Région"]]})
    plan = load_path(path).plan
    assert list(plan.calendar["label"]) == ["2015–2021", "2021–2028"]
    assert plan.current_term(D(2026, 11, 25))["label"] == "2021–2028"


def test_ld012_same_bytes_are_parsed_once(make_workbook):
    data = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["A1", "Portail", D(2024, 1, 1), D(2025, 1, 1)]]}).read_bytes()
    first = load_bytes(data, "a.xlsx")
    second = load_bytes(data, "a.xlsx")
    assert second is first
    assert first.plan.version == __import__("hashlib").sha256(data).hexdigest()


def test_ld013_indicators_attach_to_actions_or_axes(make_workbook):
    path = make_workbook({
        "Stratégie": axes_rows(),
        "Plan": [["id", "axe", "action", "début", "fin"],
                 ["A1", "AX1", "Portail", D(2024, 1, 1), D(2025, 1, 1)]],
        "Indicateurs": [["id", "action ou axe", "indicateur", "unité", "cible", "valeur",
                         "date de mesure"],
                        ["I1", "A1", "Démarches en ligne", "%", 80, 35, D(2025, 1, 1)],
                        ["I2", "Inclusion numérique", "Personnes accompagnées", "nombre", 5000,
                         1200, D(2025, 1, 1)],
                        ["I3", "A1", "Sans cible", "%", None, 3, D(2025, 1, 1)]]})
    result = load_path(path)
    assert problems_of(result) == [("Indicateurs", 4, "cible", "value_missing", "error")]
    indicators = result.plan.indicators
    assert indicators[["id", "action_id", "axis_id"]].astype(object).where(
        indicators[["id", "action_id", "axis_id"]].notna(), None).values.tolist() == [
        ["I1", "A1", None], ["I2", None, "AX2"]]
