"""Spreadsheets as people really fill them: one workbook per quirk, built in tmp_path.

Each test asserts the rows kept and the exact problems (sheet, Excel row, column, code,
severity). Test codes (`ly0xx`) let `pytest -k ly012` run one story.
"""
from __future__ import annotations

import ast
import datetime as dt
import gc
from pathlib import Path

import openpyxl
import openpyxl.utils.datetime
import pandas as pd
import pytest

from loaders import UnreadableFile, load_bytes, load_fresh, load_path
from loaders.messages import MESSAGES
from model.plan import (ACTION_COLUMNS, AXIS_COLUMNS, INDICATOR_COLUMNS, MILESTONE_COLUMNS,
                        TERM_COLUMNS)

D = dt.date
LOADERS = Path(__file__).resolve().parents[1] / "loaders"
PLAN = ["id", "action", "début", "fin"]


def problems_of(result) -> list[tuple]:
    return [(p.sheet, p.row, p.column, p.code, p.severity) for p in result.problems]


def counts(result) -> dict[str, tuple[int, int, int, int]]:
    return {s.sheet: (s.read, s.loaded, s.rejected, s.blank) for s in result.sheets}


def column(result, name: str, frame: str = "actions") -> list:
    """A frame's column as plain Python values (None for missing, dates as dt.date)."""
    series = getattr(result.plan, frame)[name]
    if str(series.dtype).startswith("datetime64"):
        return [None if value is pd.NaT else value.date() for value in series]
    return [None if value is None or value is pd.NA else value for value in series]


def one_action(**cells) -> dict[str, list[list]]:
    """A Plan sheet with one action, its columns given as {header: value}."""
    base = {"id": "A1", "action": "Portail citoyen", "début": D(2026, 1, 1),
            "fin": D(2026, 12, 31)}
    base.update(cells)
    headers = [header for header, value in base.items() if value is not ...]
    return {"Plan": [headers, [base[header] for header in headers]]}


# --- layouts ----------------------------------------------------------------------------------

def test_ly001_header_under_three_title_rows_keeps_excel_row_numbers(make_workbook):
    path = make_workbook({"Plan": [
        ["Schéma directeur du numérique 2026-2030"],
        ["Communauté d'agglomération du Val"],
        ["Mis à jour le 15/10/2026 par la DSI"],
        ["id", "action", "début", "fin"],
        ["A1", "Portail citoyen", D(2026, 1, 1), D(2026, 12, 31)],
        ["A2", "GRU", D(2027, 1, 1), D(2026, 1, 1)],
        ["A3", "SIG", "bientôt", D(2026, 1, 1)],
    ]})
    result = load_path(path)
    assert column(result, "id") == ["A1"]
    assert column(result, "row") == [5]
    assert problems_of(result) == [("Plan", 6, "fin", "end_before_start", "error"),
                                   ("Plan", 7, "début", "date_unrecognised", "error")]
    # The title rows are above the header: not data, not counted.
    assert counts(result) == {"Plan": (3, 1, 2, 0)}


def test_ly002_table_starting_at_c4_keeps_excel_row_numbers(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    for row_number, row in enumerate([PLAN, ["A1", "Portail", D(2026, 1, 1), D(2026, 6, 30)],
                                      ["A2", None, D(2026, 1, 1), D(2026, 6, 30)]], start=4):
        for column_number, value in enumerate(row, start=3):
            sheet.cell(row_number, column_number, value)
    workbook.save(tmp_path / "plan.xlsx")
    result = load_path(tmp_path / "plan.xlsx")
    assert column(result, "row") == [5]
    assert problems_of(result) == [("Plan", 6, "action", "title_missing", "error")]


def test_ly003_headers_with_odd_case_accents_spacing_and_punctuation(make_workbook):
    headers = ["  N° ", "INTITULÉ DE L’ACTION", "Porteur / Pilote", "Direction/Service",
               "Élu(e) référent(e)", "date  de  DEBUT", "Date de fin :", "État d'avancement",
               "% d'avancement", "Météo", "Budget (€)", "Dépendance(s)", "Points d'attention"]
    path = make_workbook({"Plan": [
        headers,
        ["A1", "Portail citoyen", "M. Durand", "DSI", "Mme Leroy", D(2026, 1, 1),
         D(2026, 12, 31), "en cours", 0.5, "soleil", 1000, None, "Recette"],
        ["A2", "GRU", "Mme Petit", "DRU", None, D(2026, 1, 1), D(2027, 6, 30), "à lancer", 0,
         "nuages", 2000, "A1", None]]})
    result = load_path(path)
    assert problems_of(result) == []
    assert column(result, "id") == ["A1", "A2"]
    assert column(result, "title") == ["Portail citoyen", "GRU"]
    assert column(result, "owner") == ["M. Durand", "Mme Petit"]
    assert column(result, "service") == ["DSI", "DRU"]
    assert column(result, "elected") == ["Mme Leroy", None]
    assert column(result, "end") == [D(2026, 12, 31), D(2027, 6, 30)]
    assert column(result, "status") == ["in_progress", "planned"]
    assert column(result, "progress") == [0.5, 0.0]
    assert column(result, "weather") == ["sunny", "cloudy"]
    assert column(result, "budget") == [1000.0, 2000.0]
    assert column(result, "depends_on") == [(), ("A1",)]
    assert column(result, "attention") == ["Recette", None]
    assert column(result, "extra") == [{}, {}]


def test_ly004_budget_in_thousands_of_euros_from_the_header(make_workbook):
    path = make_workbook({"Plan": [
        PLAN + ["Budget (k€)"],
        ["A1", "Portail", D(2026, 1, 1), D(2026, 12, 31), 250],
        ["A2", "GRU", D(2026, 1, 1), D(2026, 12, 31), "1,5"],
        # A unit written in the cell wins over the header's.
        ["A3", "SIG", D(2026, 1, 1), D(2026, 12, 31), "1 250 000 €"],
        ["A4", "Wifi", D(2026, 1, 1), D(2026, 12, 31), "250 k€"]]})
    result = load_path(path)
    assert problems_of(result) == []
    assert column(result, "budget") == [250_000.0, 1_500.0, 1_250_000.0, 250_000.0]


def test_ly005_duration_in_months_from_the_header(make_workbook):
    path = make_workbook({"Plan": [
        ["id", "action", "début", "Durée (mois)"],
        ["A1", "Portail", D(2026, 1, 1), 12],
        ["A2", "GRU", D(2026, 1, 1), 18],
        ["A3", "SIG", "T2 2026", 6]]})
    result = load_path(path)
    assert problems_of(result) == []
    assert column(result, "end") == [D(2026, 12, 31), D(2027, 6, 30), D(2026, 9, 30)]
    assert column(result, "end_precision") == ["day", "day", "day"]


def test_ly006_duration_in_years_written_after_en(make_workbook):
    path = make_workbook({"Plan": [
        ["id", "action", "début", "Durée prévisionnelle en année"],
        ["A1", "Portail", D(2026, 1, 1), 2],
        ["A2", "GRU", D(2026, 1, 1), "2,5"]]})
    result = load_path(path)
    assert problems_of(result) == []
    assert column(result, "end") == [D(2027, 12, 31), D(2028, 6, 30)]


def test_ly007_duration_written_with_its_unit_and_end_when_given_wins(make_workbook):
    path = make_workbook({"Plan": [
        ["id", "action", "début", "fin", "durée"],
        ["A1", "Portail", D(2026, 1, 1), None, "18 mois"],
        ["A2", "GRU", D(2026, 1, 1), None, "2,5 ans"],
        ["A3", "SIG", D(2026, 1, 1), None, "90 jours"],
        ["A4", "Wifi", D(2026, 1, 1), D(2026, 3, 31), "5 ans"],
        ["A5", "Sans fin", D(2026, 1, 1), None, None],
        ["A6", "Illisible", D(2026, 1, 1), None, "bientôt"]]})
    result = load_path(path)
    assert column(result, "id") == ["A1", "A2", "A3", "A4"]
    assert column(result, "end") == [D(2027, 6, 30), D(2028, 6, 30), D(2026, 3, 31),
                                     D(2026, 3, 31)]
    assert problems_of(result) == [
        ("Plan", 6, "fin", "end_missing", "error"),
        ("Plan", 7, "durée", "duration_unrecognised", "warning"),
        ("Plan", 7, "fin", "end_missing", "error")]
    assert counts(result) == {"Plan": (6, 4, 2, 0)}


def test_ly008_unknown_columns_are_kept_in_extra_in_sheet_order(make_workbook):
    path = make_workbook({"Plan": [
        ["id", "Financement", "action", "début", "Partenaires", "fin", "Code analytique",
         "porteur", "Porteur"],
        ["A1", "FEDER", "Portail", D(2026, 1, 1), "Région", D(2026, 12, 31), None, "DSI",
         "M. Durand"],
        ["A2", None, "GRU", D(2026, 1, 1), None, D(2026, 12, 31), 6512, "DRU", None]]})
    result = load_path(path)
    extra = column(result, "extra")
    assert extra == [{"Financement": "FEDER", "Partenaires": "Région", "Porteur": "M. Durand"},
                     {"Code analytique": "6512"}]
    assert list(extra[0]) == ["Financement", "Partenaires", "Porteur"]
    assert column(result, "owner") == ["DSI", "DRU"]
    # A second column naming the same field is kept too, and reported once, on the header.
    assert problems_of(result) == [("Plan", 1, "Porteur", "column_duplicated", "warning")]
    assert result.problems[0].params == {"expected": "porteur", "first": "porteur"}


def test_ly009_single_unnamed_sheet_of_dated_actions_is_the_plan(make_workbook):
    path = make_workbook({"Feuil1": [
        ["Chantiers numériques"],
        ["Chantier", "Pilote", "Date de début", "Échéance"],
        ["Portail citoyen", "M. Durand", "15/03/2026", "T4 2026"],
        ["GRU", "Mme Petit", "2026-01-01", "bientôt"]]})
    result = load_path(path)
    assert column(result, "id") == ["portail-citoyen"]
    assert column(result, "end") == [D(2026, 12, 31)]
    assert [(s.sheet, s.role) for s in result.sheets] == [("Feuil1", "actions")]
    assert problems_of(result) == [("Feuil1", 3, None, "id_generated", "warning"),
                                   ("Feuil1", 4, "Échéance", "date_unrecognised", "error")]


def test_ly010_csv_semicolons_windows_1252_through_load_bytes():
    text = ("id;Intitulé;Début;Fin;Budget;Avancement;Météo\r\n"
            "A1;Dématérialisation des actes;15/03/2026;T2 2027;1\u00a0250\u00a0000 €;0,45;"
            "orage\r\n"
            "A2;Médiation numérique;janv. 2026;déc. 2026;250 k€;45 %;soleil\r\n"
            ";;;;;;\r\n"
            "A3;Écoles connectées;sept. 2026;bientôt;;;\r\n")
    result = load_bytes(text.encode("cp1252"), "plan.csv")
    assert column(result, "id") == ["A1", "A2"]
    assert column(result, "title") == ["Dématérialisation des actes", "Médiation numérique"]
    assert column(result, "start") == [D(2026, 3, 15), D(2026, 1, 1)]
    assert column(result, "end") == [D(2027, 6, 30), D(2026, 12, 31)]
    assert column(result, "budget") == [1_250_000.0, 250_000.0]
    assert column(result, "progress") == [pytest.approx(0.45), pytest.approx(0.45)]
    assert column(result, "weather") == ["stormy", "sunny"]
    assert problems_of(result) == [("plan", 5, "Fin", "date_unrecognised", "error")]
    assert counts(result) == {"plan": (4, 2, 1, 1)}


def test_ly011_csv_named_otherwise_is_read_as_the_plan():
    text = "Action,Début,Fin\nPortail,2026-01-01,2026-12-31\n"
    result = load_bytes(text.encode("utf-8"), "export_2026.csv")
    assert column(result, "title") == ["Portail"]
    assert problems_of(result) == [("export_2026", 2, None, "id_generated", "warning")]


def hidden_workbook(path: Path, sheets: list[tuple[str, str, list[list]]]) -> Path:
    """Sheets as (name, state, rows); state is "visible", "hidden" or "veryHidden"."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, state, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    workbook.save(path)
    return path


def test_ly012_hidden_sheet_under_a_documented_name_is_read(tmp_path):
    path = hidden_workbook(tmp_path / "plan.xlsx", [
        ("Accueil", "visible", [["Bienvenue"]]),
        ("Plan", "hidden", [PLAN, ["A1", "Portail", D(2026, 1, 1), D(2026, 12, 31)]])])
    result = load_path(path)
    assert column(result, "id") == ["A1"]
    assert problems_of(result) == []


def test_ly013_hidden_undocumented_sheet_of_actions_is_ignored(tmp_path):
    path = hidden_workbook(tmp_path / "plan.xlsx", [
        ("Accueil", "visible", [["Bienvenue"]]),
        ("Feuil2", "hidden", [PLAN, ["A1", "Brouillon", D(2026, 1, 1), D(2026, 12, 31)]])])
    result = load_path(path)
    assert result.plan.actions.empty
    assert problems_of(result) == [("plan.xlsx", None, None, "no_plan_sheet", "error")]


def test_ly014_two_sheets_for_one_role_visible_wins_and_the_other_is_reported(tmp_path):
    path = hidden_workbook(tmp_path / "plan.xlsx", [
        ("Plan", "hidden", [PLAN, ["OLD", "Ancien", D(2020, 1, 1), D(2020, 12, 31)]]),
        ("Actions", "visible", [PLAN, ["A1", "Portail", D(2026, 1, 1), D(2026, 12, 31)]])])
    result = load_path(path)
    assert column(result, "id") == ["A1"]
    assert problems_of(result) == [("Plan", None, None, "sheet_duplicated", "warning")]
    assert result.problems[0].params == {"used": "Actions"}


# --- dates ------------------------------------------------------------------------------------

SERIAL = (D(2026, 3, 15) - D(1899, 12, 30)).days  # 46096, the 1900 system

DATE_FORMS = [  # (cell, first day, last day, precision)
    (D(2026, 3, 15), D(2026, 3, 15), D(2026, 3, 15), "day"),
    (dt.datetime(2026, 3, 15, 14, 30), D(2026, 3, 15), D(2026, 3, 15), "day"),
    (SERIAL, D(2026, 3, 15), D(2026, 3, 15), "day"),
    ("15/03/2026", D(2026, 3, 15), D(2026, 3, 15), "day"),
    ("2026-03-15", D(2026, 3, 15), D(2026, 3, 15), "day"),
    ("03/2026", D(2026, 3, 1), D(2026, 3, 31), "month"),
    ("mars 2026", D(2026, 3, 1), D(2026, 3, 31), "month"),
    ("sept. 2026", D(2026, 9, 1), D(2026, 9, 30), "month"),
    ("T2 2026", D(2026, 4, 1), D(2026, 6, 30), "quarter"),
    ("2e trimestre 2026", D(2026, 4, 1), D(2026, 6, 30), "quarter"),
    ("S1 2027", D(2027, 1, 1), D(2027, 6, 30), "semester"),
    ("1er semestre 2027", D(2027, 1, 1), D(2027, 6, 30), "semester"),
    ("2027", D(2027, 1, 1), D(2027, 12, 31), "year"),
    (2027, D(2027, 1, 1), D(2027, 12, 31), "year"),
    ("fin 2026", D(2026, 12, 1), D(2026, 12, 31), "month"),
    ("mi-2027", D(2027, 6, 1), D(2027, 6, 30), "month"),
]


@pytest.mark.parametrize("cell, first, last, precision", DATE_FORMS,
                         ids=[str(form[0]) for form in DATE_FORMS])
def test_ly020_every_date_form_a_start_takes_the_first_day_an_end_the_last(
        make_workbook, cell, first, last, precision):
    path = make_workbook({
        "Plan": [PLAN, ["START", "Début écrit", cell, D(2030, 12, 31)],
                 ["END", "Fin écrite", D(2020, 1, 1), cell]],
        "Jalons": [["action", "jalon", "date"], ["END", "Comité", cell]]})
    result = load_path(path)
    assert column(result, "start") == [first, D(2020, 1, 1)]
    assert column(result, "end") == [D(2030, 12, 31), last]
    assert column(result, "start_precision") == [precision, "day"]
    assert column(result, "end_precision") == ["day", precision]
    assert column(result, "planned", "milestones") == [last]
    assert column(result, "planned_precision", "milestones") == [precision]
    assert problems_of(result) == [("Jalons", 2, None, "id_generated", "warning")]


def test_ly021_a_year_as_end_is_its_31_december(make_workbook):
    path = make_workbook(one_action(début="T2 2026", fin="2027"))
    result = load_path(path)
    assert (column(result, "start"), column(result, "end")) == ([D(2026, 4, 1)],
                                                                [D(2027, 12, 31)])


def test_ly022_serial_numbers_in_the_1904_system(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(PLAN)
    sheet.append(["A1", "Portail", D(2026, 3, 15), (D(2026, 12, 31) - D(1904, 1, 1)).days])
    workbook.save(tmp_path / "mac.xlsx")
    result = load_path(tmp_path / "mac.xlsx")
    assert problems_of(result) == []
    # A date-formatted cell and a bare serial both count from 1 January 1904.
    assert (column(result, "start"), column(result, "end")) == ([D(2026, 3, 15)],
                                                                [D(2026, 12, 31)])


# --- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, budget", [
    ("1 250 000 €", 1_250_000.0),
    ("1\u00a0250\u00a0000\u00a0€", 1_250_000.0),
    ("1\u202f250\u202f000 €", 1_250_000.0),
    ("250 k€", 250_000.0),
    ("1,2 M€", 1_200_000.0),
    (1_250_000, 1_250_000.0),
    ("n.c.", None),
    ("à définir", None),
    ("-", None),
], ids=["spaces", "nbsp", "narrow-nbsp", "k€", "M€", "number", "n.c.", "a-definir", "dash"])
def test_ly030_budget_forms(make_workbook, cell, budget):
    result = load_path(make_workbook(one_action(budget=cell)))
    assert problems_of(result) == []
    assert column(result, "budget") == [budget]


def test_ly031_a_percent_in_a_budget_is_a_warning_and_the_row_stays(make_workbook):
    result = load_path(make_workbook(one_action(budget="45 %")))
    assert column(result, "id") == ["A1"]
    assert column(result, "budget") == [None]
    assert problems_of(result) == [("Plan", 2, "budget", "number_unrecognised", "warning")]


@pytest.mark.parametrize("cells, expected", [
    ([0.45, 0.1, 1], [0.45, 0.1, 1.0]),  # Excel's 45 %: all between 0 and 1, fractions
    ([45, 10, 100], [0.45, 0.1, 1.0]),  # percents
    (["45 %", 0.1, "100 %"], [0.45, 0.1, 1.0]),
    (["45", "n.c.", None], [0.45, None, None]),
], ids=["fractions", "percents", "written-percent", "text"])
def test_ly032_progress_column_fractions_or_percents(make_workbook, cells, expected):
    rows = [PLAN + ["avancement"]] + [
        [f"A{n}", f"Action {n}", D(2026, 1, 1), D(2026, 12, 31), cell]
        for n, cell in enumerate(cells, start=1)]
    result = load_path(make_workbook({"Plan": rows}))
    assert problems_of(result) == []
    assert column(result, "progress") == [pytest.approx(value) if value is not None else None
                                          for value in expected]


def test_ly033_progress_beyond_100_percent_is_a_warning(make_workbook):
    rows = [PLAN + ["avancement"], ["A1", "Portail", D(2026, 1, 1), D(2026, 12, 31), 50],
            ["A2", "GRU", D(2026, 1, 1), D(2026, 12, 31), 150]]
    result = load_path(make_workbook({"Plan": rows}))
    assert column(result, "progress") == [0.5, None]
    assert problems_of(result) == [("Plan", 3, "avancement", "progress_out_of_range",
                                    "warning")]


# --- vocabularies -----------------------------------------------------------------------------

@pytest.mark.parametrize("cell, status", [
    ("réalisée", "done"), ("fait", "done"), ("done", "done"), ("Terminé", "done"),
    ("✅", "done"), ("prévue", "planned"), ("à lancer", "planned"),
    ("en retard", "in_progress"), ("in progress", "in_progress"), ("suspendu", "suspended"),
    ("abandonné", "abandoned")])
def test_ly040_status_aliases(make_workbook, cell, status):
    result = load_path(make_workbook(one_action(statut=cell)))
    assert problems_of(result) == []
    assert column(result, "status") == [status]


@pytest.mark.parametrize("cell, weather", [
    ("☀️", "sunny"), ("⛅", "cloudy"), ("🌧️", "rainy"), ("⛈️", "stormy"),
    ("vert", "sunny"), ("orange", "cloudy"), ("rouge", "stormy"), ("R", "stormy"),
    ("Soleil", "sunny"),
    ("orage", "stormy")])
def test_ly041_weather_aliases(make_workbook, cell, weather):
    result = load_path(make_workbook(one_action(météo=cell)))
    assert problems_of(result) == []
    assert column(result, "weather") == [weather]


def test_ly042_milestone_status_aliases(make_workbook):
    path = make_workbook({**one_action(), "Jalons": [
        ["id", "action", "jalon", "date", "statut"],
        ["J1", "A1", "Recette", D(2026, 6, 30), "fait"],
        ["J2", "A1", "Bascule", D(2026, 9, 30), "à venir"]]})
    result = load_path(path)
    assert problems_of(result) == []
    assert column(result, "status", "milestones") == ["done", "planned"]


def test_ly043_milestone_actual_dates(make_workbook):
    path = make_workbook({**one_action(), "Jalons": [
        ["id", "action", "jalon", "date", "date réelle"],
        ["J1", "A1", "Recette", D(2026, 6, 30), D(2026, 7, 3)],
        ["J2", "A1", "Bascule", D(2026, 9, 30), "-"],
        ["J3", "A1", "Bilan", "T4 2026", "oct. 2026"],
        ["J4", "A1", "Clôture", D(2026, 12, 1), "bientôt"]]})
    result = load_path(path)
    assert column(result, "actual", "milestones") == [D(2026, 7, 3), None, D(2026, 10, 31)]
    assert column(result, "planned", "milestones") == [D(2026, 6, 30), D(2026, 9, 30),
                                                       D(2026, 12, 31)]
    assert problems_of(result) == [("Jalons", 5, "date réelle", "date_unrecognised", "error")]


# --- every problem kind: errors drop the row, warnings keep it ---------------------------------

AXES = [["id", "axe", "début", "fin"], ["AX1", "Services en ligne", D(2022, 1, 1),
                                        D(2028, 12, 31)]]
PROBLEM_KINDS = {
    # code: (sheets, expected problems, ids kept in the Plan sheet)
    "title_missing": ({"Plan": [PLAN, ["A1", None, D(2026, 1, 1), D(2026, 12, 31)]]},
                      [("Plan", 2, "action", "title_missing", "error")], []),
    "date_missing": ({"Plan": [PLAN, ["A1", "Portail", D(2026, 1, 1), None]]},
                     [("Plan", 2, "fin", "date_missing", "error")], []),
    "date_unrecognised": ({"Plan": [PLAN, ["A1", "Portail", "un jour", D(2026, 12, 31)]]},
                          [("Plan", 2, "début", "date_unrecognised", "error")], []),
    "end_before_start": ({"Plan": [PLAN, ["A1", "Portail", D(2026, 1, 1), D(2025, 1, 1)]]},
                         [("Plan", 2, "fin", "end_before_start", "error")], []),
    "id_duplicated": ({"Plan": [PLAN, ["A1", "Portail", D(2026, 1, 1), D(2026, 12, 31)],
                                ["A1", "GRU", D(2026, 1, 1), D(2026, 12, 31)]]},
                      [("Plan", 3, "id", "id_duplicated", "error")], ["A1"]),
    "column_missing": ({"Plan": [["id", "action", "fin"], ["A1", "Portail", D(2026, 1, 1)]]},
                       [("Plan", 1, "début", "column_missing", "error")], []),
    "end_missing": ({"Plan": [["id", "action", "début", "durée"],
                              ["A1", "Portail", D(2026, 1, 1), None]]},
                    [("Plan", 2, "durée", "end_missing", "error")], []),
    "action_unknown": ({**one_action(), "Jalons": [["action", "jalon", "date"],
                                                   ["A9", "Recette", D(2026, 6, 30)]]},
                       [("Jalons", 2, "action", "action_unknown", "error")], ["A1"]),
    "value_missing": ({**one_action(), "Jalons": [["action", "jalon", "date"],
                                                  [None, "Recette", D(2026, 6, 30)]]},
                      [("Jalons", 2, "action", "value_missing", "error")], ["A1"]),
    "setting_unknown": ({**one_action(), "Paramètres": [["paramètre", "valeur"],
                                                        ["couleur", "bleu"]]},
                        [("Paramètres", 2, "paramètre", "setting_unknown", "error")], ["A1"]),
    "no_plan_sheet": ({"Notes": [["Réunion du 12 mars"]]},
                      [("plan.xlsx", None, None, "no_plan_sheet", "error")], []),
    "id_generated": ({"Plan": [["action", "début", "fin"],
                               ["Portail", D(2026, 1, 1), D(2026, 12, 31)]]},
                     [("Plan", 2, None, "id_generated", "warning")], ["portail"]),
    "axis_unknown": (one_action(axe="AX9"), [("Plan", 2, "axe", "axis_unknown", "warning")],
                     ["A1"]),
    "dependency_unknown": (one_action(**{"dépend de": "A9"}),
                           [("Plan", 2, "dépend de", "dependency_unknown", "warning")], ["A1"]),
    "dependency_cycle": (one_action(**{"dépend de": "A1"}),
                         [("Plan", 2, "dépend de", "dependency_cycle", "warning")], ["A1"]),
    "action_outside_axis": ({"Stratégie": AXES, **one_action(axe="AX1", fin=D(2030, 1, 1))},
                            [("Plan", 2, None, "action_outside_axis", "warning")], ["A1"]),
    "milestone_outside_action": ({**one_action(), "Jalons": [
        ["id", "action", "jalon", "date"], ["J1", "A1", "Bilan", D(2027, 6, 30)]]},
        [("Jalons", 2, "date", "milestone_outside_action", "warning")], ["A1"]),
    "status_unknown": (one_action(statut="bof"),
                       [("Plan", 2, "statut", "status_unknown", "warning")], ["A1"]),
    "weather_unknown": (one_action(météo="tiède"),
                        [("Plan", 2, "météo", "weather_unknown", "warning")], ["A1"]),
    "number_unrecognised": (one_action(budget="beaucoup"),
                            [("Plan", 2, "budget", "number_unrecognised", "warning")], ["A1"]),
    "progress_out_of_range": (one_action(avancement="120 %"),
                              [("Plan", 2, "avancement", "progress_out_of_range", "warning")],
                              ["A1"]),
    "duration_unrecognised": (one_action(fin=None, durée="longtemps"),
                              [("Plan", 2, "durée", "duration_unrecognised", "warning"),
                               ("Plan", 2, "fin", "end_missing", "error")], []),
    "target_unknown": ({**one_action(), "Indicateurs": [
        ["id", "action ou axe", "indicateur", "cible"], ["I1", "A9", "Démarches", 80]]},
        [("Indicateurs", 2, "action ou axe", "target_unknown", "warning")], ["A1"]),
    "organisation_type_unknown": ({**one_action(), "Paramètres": [
        ["paramètre", "valeur"], ["type de collectivité", "syndicat"]]},
        [("Paramètres", 2, "valeur", "organisation_type_unknown", "warning")], ["A1"]),
    "column_duplicated": ({"Plan": [PLAN + ["fin"], ["A1", "Portail", D(2026, 1, 1),
                                                     D(2026, 12, 31), D(2027, 1, 1)]]},
                          [("Plan", 1, "fin", "column_duplicated", "warning")], ["A1"]),
}


@pytest.mark.parametrize("code", list(PROBLEM_KINDS))
def test_ly050_each_problem_kind_with_its_code_errors_drop_warnings_keep(make_workbook, code):
    sheets, expected, kept = PROBLEM_KINDS[code]
    result = load_path(make_workbook(sheets))
    assert problems_of(result) == expected
    assert column(result, "id") == kept


def test_ly051_a_duration_is_only_read_when_the_end_is_blank(make_workbook):
    # `longtemps` is never read when the end is given, so nothing is reported about it
    # (with a blank end: a warning on the duration, then an error, see ly050).
    result = load_path(make_workbook(one_action(durée="longtemps")))
    assert problems_of(result) == []
    assert column(result, "end") == [D(2026, 12, 31)]


def test_ly052_a_rejected_row_gets_its_errors_only(make_workbook):
    path = make_workbook({"Plan": [
        ["action", "début", "fin", "statut"],
        ["Portail", D(2026, 1, 1), D(2025, 1, 1), "bof"]]})
    result = load_path(path)
    # No id_generated nor status_unknown for a row that is not loaded.
    assert problems_of(result) == [("Plan", 2, "fin", "end_before_start", "error")]


def test_ly053_indicator_without_target_is_rejected(make_workbook):
    path = make_workbook({**one_action(), "Indicateurs": [
        ["id", "action ou axe", "indicateur", "cible"], ["I1", "A1", "Démarches", "n.c."],
        ["I2", "A1", "Usagers", "beaucoup"], ["I3", "A1", "Agents formés", "80 %"]]})
    result = load_path(path)
    assert problems_of(result) == [("Indicateurs", 2, "cible", "value_missing", "error"),
                                   ("Indicateurs", 3, "cible", "number_unrecognised", "error")]
    assert column(result, "target", "indicators") == [80.0]


# --- counts ------------------------------------------------------------------------------------

def test_ly060_messy_sheet_every_row_read_is_loaded_rejected_or_blank(make_workbook):
    path = make_workbook({"Plan": [
        ["Feuille de route 2026"],
        [None],
        ["id", "action", "début", "fin", "statut", "Commentaire DSI"],
        ["A1", "Portail", D(2026, 1, 1), D(2026, 12, 31), "bof", None],  # warning, kept
        [None, None, None, None, None, None],  # blank
        ["A2", None, D(2026, 1, 1), D(2026, 12, 31), None, None],  # error
        ["   ", "\u00a0", None, "", None, None],  # only spaces: blank
        ["A3", "GRU", "T2 2026", "fin 2027", "en cours", None],  # kept
        [None, None, None, None, None, "à revoir"],  # only an extra column: error
        [None, None, None, None, None, None],  # blank
        ["A3", "SIG", D(2026, 1, 1), D(2026, 12, 31), None, None],  # duplicate id: error
    ]})
    result = load_path(path)
    assert column(result, "id") == ["A1", "A3"]
    assert problems_of(result) == [
        ("Plan", 4, "statut", "status_unknown", "warning"),
        ("Plan", 6, "action", "title_missing", "error"),
        ("Plan", 9, "action", "title_missing", "error"),
        ("Plan", 9, "début", "date_missing", "error"),
        ("Plan", 9, "fin", "date_missing", "error"),
        ("Plan", 11, "id", "id_duplicated", "error")]
    read, loaded, rejected, blank = counts(result)["Plan"]
    assert (read, loaded, rejected, blank) == (8, 2, 3, 3)
    assert read == loaded + rejected + blank


def test_ly061_counts_of_every_sheet_add_up(make_workbook):
    path = make_workbook({
        "Stratégie": AXES + [[None, None, None, None], ["AX2", None, D(2022, 1, 1), None]],
        **one_action(),
        "Jalons": [["action", "jalon", "date"], ["A1", "Recette", "T2 2026"],
                   [None, None, None], ["A9", "Bascule", "T3 2026"]],
        "Paramètres": [["titre", "Plan 2026"], ["couleur", "bleu"]]})
    result = load_path(path)
    assert counts(result) == {"Stratégie": (3, 1, 1, 1), "Plan": (1, 1, 0, 0),
                              "Jalons": (3, 1, 1, 1), "Paramètres": (2, 1, 1, 0)}
    for read, loaded, rejected, blank in counts(result).values():
        assert read == loaded + rejected + blank


# --- dépend de ----------------------------------------------------------------------------------

def dependency_plan(pairs: list[tuple[str, str | None]]) -> dict[str, list[list]]:
    return {"Plan": [PLAN + ["dépend de"]] + [
        [identifier, f"Action {identifier}", D(2026, 1, 1), D(2026, 12, 31), depends]
        for identifier, depends in pairs]}


def is_acyclic(result) -> bool:
    """Kahn's algorithm over the loaded dependencies."""
    depends = dict(zip(column(result, "id"), column(result, "depends_on")))
    pending = {node: len(targets) for node, targets in depends.items()}
    dependants: dict[str, list[str]] = {}
    for node, targets in depends.items():
        for target in targets:
            dependants.setdefault(target, []).append(node)
    ready = [node for node, count in pending.items() if count == 0]
    done = 0
    while ready:
        node = ready.pop()
        done += 1
        for dependant in dependants.get(node, ()):
            pending[dependant] -= 1
            if pending[dependant] == 0:
                ready.append(dependant)
    return done == len(depends)


def test_ly070_unknown_dependencies_are_dropped_with_a_warning(make_workbook):
    result = load_path(make_workbook(dependency_plan([("A1", None), ("A2", "A1, A9; A8")])))
    assert column(result, "depends_on") == [(), ("A1",)]
    assert problems_of(result) == [("Plan", 3, "dépend de", "dependency_unknown", "warning")]
    assert result.problems[0].params == {"value": "A9, A8"}


def test_ly071_two_actions_depending_on_each_other(make_workbook):
    result = load_path(make_workbook(dependency_plan([("A1", "A2"), ("A2", "A1")])))
    assert problems_of(result) == [("Plan", 3, "dépend de", "dependency_cycle", "warning")]
    assert result.problems[0].params == {"cycle": "A1 → A2 → A1", "value": "A1"}
    assert result.problems[0].message() == (
        "Plan, ligne 3, colonne « dépend de » : les dépendances forment une boucle "
        "(A1 → A2 → A1) : la dépendance envers « A1 » est ignorée ; corrigez la colonne "
        "« dépend de » d'une des actions de la boucle.")
    # The dependency that closes the cycle is dropped; the other stays.
    assert column(result, "depends_on") == [("A2",), ()]
    assert is_acyclic(result)


def test_ly072_an_action_depending_on_itself(make_workbook):
    result = load_path(make_workbook(dependency_plan([("A1", "A1, A2"), ("A2", None)])))
    assert problems_of(result) == [("Plan", 2, "dépend de", "dependency_cycle", "warning")]
    assert result.problems[0].params["cycle"] == "A1 → A1"
    assert column(result, "depends_on") == [("A2",), ()]


def test_ly073_a_long_cycle_is_reported_once_and_a_diamond_is_no_cycle(make_workbook):
    result = load_path(make_workbook(dependency_plan([
        ("A1", "A2"), ("A2", "A3"), ("A3", "A1"),  # a cycle of three
        ("B1", "B2, B3"), ("B2", "B4"), ("B3", "B4"), ("B4", None),  # a diamond
        ("C1", "A1")])))  # depends on the cycle without being in it
    assert problems_of(result) == [("Plan", 4, "dépend de", "dependency_cycle", "warning")]
    assert result.problems[0].params["cycle"] == "A1 → A2 → A3 → A1"
    assert column(result, "depends_on") == [("A2",), ("A3",), (), ("B2", "B3"), ("B4",),
                                            ("B4",), (), ("A1",)]
    assert is_acyclic(result)


def test_ly074_two_cycles_two_warnings(make_workbook):
    result = load_path(make_workbook(dependency_plan([
        ("A1", "A2"), ("A2", "A1"), ("B1", "B2"), ("B2", "B3"), ("B3", "B1, A1")])))
    assert [(p.row, p.params["cycle"]) for p in result.problems] == [
        (3, "A1 → A2 → A1"), (6, "B1 → B2 → B3 → B1")]
    assert is_acyclic(result)


def test_ly075_a_chain_of_5000_actions_closing_on_itself_does_not_recurse(make_workbook):
    count = 5000
    pairs = [(f"A{n}", f"A{n + 1}" if n < count else "A1") for n in range(1, count + 1)]
    result = load_path(make_workbook(dependency_plan(pairs)))
    [problem] = result.problems
    assert (problem.row, problem.code) == (count + 1, "dependency_cycle")
    assert problem.params["cycle"].startswith("A1 → A2 → A3")
    assert problem.params["cycle"].endswith(f"A{count} → A1")
    assert is_acyclic(result)


# --- settings and terms ---------------------------------------------------------------------------

def test_ly080_settings_without_header_keys_in_column_a(make_workbook):
    path = make_workbook({**one_action(), "Paramètres": [
        ["Titre", "Schéma directeur 2026"], ["Collectivité", "Ville de Rivebelle"],
        ["Type de collectivité", "Commune"], ["Date de situation", "15/10/2026"],
        ["Couleur du logo", "bleu"]]})
    result = load_path(path)
    settings = result.plan.settings
    assert (settings.title, settings.organisation, settings.organisation_type,
            settings.status_date) == ("Schéma directeur 2026", "Ville de Rivebelle", "commune",
                                      D(2026, 10, 15))
    # Without a header, the column is named by its letter.
    assert problems_of(result) == [("Paramètres", 5, "A", "setting_unknown", "error")]
    assert counts(result)["Paramètres"] == (5, 4, 1, 0)


def test_ly081_settings_status_date_unreadable_is_an_error(make_workbook):
    path = make_workbook({**one_action(), "Paramètres": [
        ["paramètre", "valeur"], ["date de situation", "bientôt"], ["titre", "Plan"]]})
    result = load_path(path)
    assert problems_of(result) == [("Paramètres", 2, "valeur", "date_unrecognised", "error")]
    assert result.plan.settings.status_date is None
    assert result.plan.settings.title == "Plan"


def test_ly082_terms_sheet_replaces_the_builtin_calendar(make_workbook):
    path = make_workbook({**one_action(), "Mandatures": [
        ["Mandat", "Date de début", "Date de fin", "Type"],
        ["2020–2026", D(2020, 6, 28), D(2026, 3, 22), "municipal"],
        ["2026–2032", D(2026, 3, 22), "mars 2032", "municipal"],
        ["sans dates", None, None, None]]})
    result = load_path(path)
    calendar = result.plan.calendar
    assert list(calendar["label"]) == ["2020–2026", "2026–2032"]
    assert column(result, "end", "terms") == [D(2026, 3, 22), D(2032, 3, 31)]
    assert problems_of(result) == [("Mandatures", 4, "Date de début", "date_missing", "error"),
                                   ("Mandatures", 4, "Date de fin", "date_missing", "error")]


def test_ly083_settings_sheet_without_value_column_is_counted_once(make_workbook):
    path = make_workbook({**one_action(), "Paramètres": [["paramètre", "commentaire"],
                                                         ["titre", "Plan 2026"]]})
    result = load_path(path)
    assert problems_of(result) == [("Paramètres", 1, "valeur", "column_missing", "error")]
    assert counts(result)["Paramètres"] == (1, 0, 1, 0)
    assert result.plan.settings.title == ""


# --- messages -----------------------------------------------------------------------------------

def emitted_codes() -> set[str]:
    """Every problem code written in the loaders' source: `Problem(…, code, …)`,
    `ValueProblem(code)`, `UnreadableFile(code)`, `self.report(…, code, …)`,
    `_vocabulary(…, code)`, and the `(field, code, params)` errors of a row."""
    codes: set[str] = set()
    for path in LOADERS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            candidates = []
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                position = {"Problem": 3, "ValueProblem": 0, "UnreadableFile": 0,
                            "report": 3, "_vocabulary": 3}.get(name)
                if position is not None and len(node.args) > position:
                    candidates.append(node.args[position])
            # A row's error: (field, code, {params}).
            if (isinstance(node, ast.Tuple) and len(node.elts) == 3
                    and isinstance(node.elts[2], ast.Dict)):
                candidates.append(node.elts[1])
            for candidate in candidates:
                if isinstance(candidate, ast.Constant) and isinstance(candidate.value, str):
                    codes.add(candidate.value)
    return codes


def test_ly090_every_code_the_loaders_emit_has_a_french_and_an_english_sentence():
    codes = emitted_codes()
    # The scan must see the codes it is meant to see, or it proves nothing.
    assert {"date_unrecognised", "end_before_start", "dependency_cycle", "no_plan_sheet",
            "status_unknown", "file_empty", "column_missing", "end_missing"} <= codes
    assert set(PROBLEM_KINDS) <= codes
    for code in sorted(codes):
        assert code in MESSAGES, code
        assert set(MESSAGES[code]) == {"fr", "en"}, code
        assert MESSAGES[code]["fr"] != MESSAGES[code]["en"], code


def test_ly091_every_problem_renders_in_both_languages(make_workbook):
    for number, (sheets, _expected, _kept) in enumerate(PROBLEM_KINDS.values()):
        for problem in load_path(make_workbook(sheets, name=f"plan{number}.xlsx")).problems:
            for lang in ("fr", "en"):
                sentence = problem.message(lang)
                assert "{" not in sentence and problem.code not in sentence, sentence


# --- frames and the load itself -----------------------------------------------------------------

def test_ly095_frames_have_the_declared_columns_and_dtypes(make_workbook):
    full = make_workbook({
        "Stratégie": AXES, **one_action(axe="AX1", **{"Financement": "FEDER"}),
        "Jalons": [["action", "jalon", "date"], ["A1", "Recette", "T2 2026"]],
        "Mandats": [["libellé", "début", "fin"], ["2026–2032", D(2026, 3, 22), D(2032, 3, 21)]],
        "Indicateurs": [["id", "action ou axe", "indicateur", "cible"],
                        ["I1", "A1", "Démarches", 80]]}, name="full.xlsx")
    empty = make_workbook({"Plan": [PLAN]}, name="empty.xlsx")
    for path in (full, empty):
        plan = load_path(path).plan
        frames = [(plan.axes, AXIS_COLUMNS), (plan.actions, ACTION_COLUMNS),
                  (plan.milestones, MILESTONE_COLUMNS), (plan.indicators, INDICATOR_COLUMNS),
                  (plan.calendar, TERM_COLUMNS)]
        for frame, columns in frames:
            assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == columns


def test_ly096_the_garbage_collector_is_back_on_after_a_load_even_a_failed_one(make_workbook):
    assert gc.isenabled()
    data = make_workbook(one_action()).read_bytes()
    assert column(load_fresh(data, "plan.xlsx"), "id") == ["A1"]
    assert gc.isenabled()
    with pytest.raises(UnreadableFile):
        load_fresh(b"PK\x03\x04 truncated download", "plan.xlsx")
    assert gc.isenabled()
    # A caller that turned it off keeps it off.
    gc.disable()
    try:
        load_fresh(data, "plan.xlsx")
        assert not gc.isenabled()
    finally:
        gc.enable()



def test_ly097_typed_frames_match_pandas_own_conversion():
    # The loaders wrap text columns as they are (StringArray, no conversion pass): the
    # result must be what `model.plan.typed_frame` makes of the same rows,
    # a number in a text column (made text by pandas' conversion) and no row included.
    from loaders.build import _frame
    from model.plan import typed_frame
    columns = {"id": "string", "title": "string", "start": "datetime64[s]",
               "progress": "Float64", "depends_on": "object", "provisional": "bool",
               "row": "Int64"}
    data = {"id": ["A1", None, "A3"], "title": ["Recette", "Bilan", 12],
            "start": [D(2026, 1, 2), None, D(2030, 12, 31)], "progress": [0.5, None, 1.0],
            "depends_on": [("A3",), (), ()], "provisional": [True, False, False],
            "row": [2, 3, None]}
    for rows in (3, 0):
        part = {name: values[:rows] for name, values in data.items()}
        built = _frame(part, columns)
        expected = typed_frame([dict(zip(part, values)) for values in zip(*part.values())],
                               columns)
        pd.testing.assert_frame_equal(built, expected, check_exact=True)
        assert list(built.dtypes) == list(expected.dtypes)
        assert built.columns.dtype == expected.columns.dtype
        assert type(built.index) is type(expected.index) and len(built.index) == rows
    assert list(_frame(data, columns)["title"]) == ["Recette", "Bilan", "12"]


def test_ly098_a_budget_column_of_plain_numbers_keeps_the_header_scale(make_workbook):
    # Every cell an Excel number: the column is taken as it is only when the header gives
    # no scale; under `(k€)` each number is still multiplied.
    rows = [["A1", "Portail", D(2026, 1, 1), D(2026, 12, 31), 250.0],
            ["A2", "GRU", D(2026, 1, 1), D(2026, 12, 31), 1.5]]
    euros = load_path(make_workbook({"Plan": [PLAN + ["Budget (€)"], *rows]}, name="e.xlsx"))
    thousands = load_path(make_workbook({"Plan": [PLAN + ["Budget (k€)"], *rows]},
                                        name="k.xlsx"))
    assert problems_of(euros) == problems_of(thousands) == []
    assert column(euros, "budget") == [250.0, 1.5]
    assert column(thousands, "budget") == [250_000.0, 1_500.0]


def test_ly099_a_frame_without_rows_is_a_fresh_copy_for_each_plan(make_workbook):
    # Empty frames are copied from one made once: changing one plan's must not reach the next.
    first = load_fresh(make_workbook(one_action()).read_bytes(), "plan.xlsx").plan
    first.indicators.loc[0, "id"] = "I1"
    second = load_fresh(make_workbook(one_action(), name="other.xlsx").read_bytes(),
                        "other.xlsx").plan
    assert len(first.indicators) == 1 and len(second.indicators) == 0
    assert {name: str(dtype) for name, dtype in second.indicators.dtypes.items()} == \
        INDICATOR_COLUMNS



@pytest.mark.parametrize("start, end", [(D(2021, 6, 1), D(2023, 1, 1)),
                                        (D(2027, 1, 1), D(2029, 3, 1))])
def test_ly100_an_action_outside_its_axis_on_either_side_among_many_that_are_not(
        make_workbook, start, end):
    # Most plans have nothing to say here, which is checked column by column first; an
    # action starting before its axis, or ending after it, must still be reported, and one
    # whose axis is unknown (or absent) is compared with nothing.
    rows = [PLAN + ["axe", "dépend de"]]
    rows += [[f"A{n}", f"Action {n}", D(2026, 1, 1), D(2026, 12, 31), "AX1", None]
             for n in range(1, 6)]
    rows += [["B1", "Hors de l'axe", start, end, "Services en ligne", "A1"],
             ["B2", "Sans axe", D(2010, 1, 1), D(2040, 1, 1), None, "B1"],
             ["B3", "Axe inconnu", D(2010, 1, 1), D(2040, 1, 1), "AX9", None]]
    result = load_path(make_workbook({"Stratégie": AXES, "Plan": rows}))
    assert problems_of(result) == [("Plan", 7, None, "action_outside_axis", "warning"),
                                   ("Plan", 9, "axe", "axis_unknown", "warning")]
    assert column(result, "depends_on")[5:8] == [("A1",), ("B1",), ()]


def test_ly101_a_column_parsed_at_once_reads_each_cell_as_the_cell_by_cell_reader():
    # `_Reader.column` looks at the types of a column's distinct values when they are texts
    # (a text equals only texts) and at every cell's otherwise (1, 1.0 and True are one
    # key): whichever path a column takes, each cell must get what reading it alone gives.
    from loaders import values
    from loaders.build import _Reader
    from loaders.problems import ValueProblem

    def kind(value):  # tells 1, 1.0 and True (and 0.0, -0.0 and False) apart
        if value == "?":
            raise ValueProblem("number_unrecognised", value="?")
        return type(value).__name__, repr(value)

    def shown(result):
        if isinstance(result, ValueProblem):
            return "problem", result.code, result.params
        return result

    columns = [["en cours", None, "terminé", "en cours", "?"], ["a", "b", "a"],
               [1.0, True, 1, "1"], [1.0, True], [True, 1.0], [0.0, -0.0, False, ""],
               [-0.0, 0.0], [2.5, 2.5, None, "x"], [2.5, 3], [D(2026, 1, 1), "a"], []]
    for parse in (kind, values.parse_status, values.parse_ids):
        for cells in columns:
            reader = _Reader(parse)
            at_once = reader.column(cells)
            one_by_one = [_Reader(parse)(cell) for cell in cells]
            assert list(map(shown, at_once)) == list(map(shown, one_by_one)), (parse, cells)
            assert reader.failed == any(isinstance(r, ValueProblem) for r in one_by_one)


def test_ly102_text_columns_read_at_once_or_cell_by_cell_alike():
    # `_texts` and `_stripped` strip a column of texts at C speed and fall back to reading
    # cell by cell at the first cell that is not a text: both must give `_text`'s reading.
    from loaders.build import _stripped, _text, _texts

    class Text(str):
        pass

    columns = [[" a ", "b", "\u00a0c"], ["a", "", "  "], ["a", None, "b"], ["a", 12.0, 3],
               [None, "a"], [D(2026, 1, 1), "a"], [True, "a"], [Text(" t "), "a"], []]
    for cells in columns:
        expected = [_text(cell) for cell in cells]
        assert _texts(cells) == expected
        assert _texts(tuple(cells)) == expected
        stripped = _stripped(cells)
        if stripped is not None:  # only texts, none blank
            assert stripped == expected and all(isinstance(cell, str) for cell in cells)
        else:
            assert None in expected or not all(isinstance(cell, str) for cell in cells)


def test_ly103_row_numbers_of_a_whole_sheet_make_the_column_rows_read_one_by_one_make(
        make_workbook):
    # A sheet whose rows all load gives its Excel rows as a range, turned into the `row`
    # column at once; a list (rows read one by one) must give the very same column.
    from loaders.build import _frame
    columns = {"id": "string", "row": "Int64"}
    for rows in (range(2, 5), range(7, 7)):
        ids = [f"A{n}" for n in rows]
        at_once = _frame({"id": ids, "row": rows}, columns)
        one_by_one = _frame({"id": ids, "row": list(rows)}, columns)
        pd.testing.assert_frame_equal(at_once, one_by_one, check_exact=True)
        assert list(at_once["row"]) == list(rows) and str(at_once["row"].dtype) == "Int64"
    # Through a workbook: all rows common (columns at once), then a blank row in the
    # middle (rows one by one); the rows kept keep their Excel numbers.
    rows = [[f"A{n}", f"Action {n}", D(2026, 1, 1), D(2026, 12, 31)] for n in range(1, 4)]
    whole = load_path(make_workbook({"Plan": [PLAN, *rows]}))
    gapped = load_path(make_workbook({"Plan": [PLAN, rows[0], [None] * 4, *rows[1:]]},
                                     name="gap.xlsx"))
    assert column(whole, "row") == [2, 3, 4] and column(gapped, "row") == [2, 4, 5]


@pytest.mark.parametrize("header", ["Météo", "RAG", "Météo (RAG)", "Météo RAG", "Santé",
                                    "Tendance", "Météo du projet", "Weather"])
def test_ly104_weather_column_under_the_headers_people_write(make_workbook, header):
    # A RAG column says the same as a météo column: `A` (amber) is cloudy, whatever the header.
    result = load_path(make_workbook({"Plan": [PLAN + [header],
                                               ["A1", "Portail", D(2026, 1, 1), D(2026, 6, 30), "A"]]}))
    assert problems_of(result) == []
    assert column(result, "weather") == ["cloudy"]
    assert column(result, "extra") == [{}]  # read as the météo, not kept as an extra field


def test_ly105_an_ods_plan_loads_end_to_end_with_its_merged_axis(tmp_path):
    # LibreOffice's own format, through the whole loader: strategy, actions whose axis is
    # one cell merged over three rows (`table:number-rows-spanned`), milestones, a date
    # written as text, a budget in k€ and an unknown column kept.
    from tests.files.builders import ods_cell, ods_document, ods_row, ods_table

    def row(*values):
        return ods_row(*(ods_cell(value, kind="date") if isinstance(value, D)
                         else ods_cell(value, kind="float") if isinstance(value, float)
                         else ods_cell(value) for value in values))

    path = ods_document(
        tmp_path / "plan.ods",
        ods_table("Stratégie", row("id", "axe", "début", "fin"),
                  row("AX1", "Services en ligne", D(2026, 1, 1), D(2032, 12, 31))),
        ods_table("Plan",
                  ods_row(*(ods_cell(header) for header in
                            ["axe", "id", "action", "début", "fin", "Budget (k€)", "Financement"])),
                  ods_row(ods_cell("AX1", rows_spanned=3), ods_cell("A1"), ods_cell("Portail"),
                          ods_cell(D(2026, 1, 5).isoformat(), kind="date"),
                          ods_cell("T4 2026"), ods_cell(250.0, kind="float"), ods_cell("FEDER")),
                  ods_row(ods_cell(covered=True), ods_cell("A2"), ods_cell("Guichet"),
                          ods_cell(D(2026, 3, 1).isoformat(), kind="date"),
                          ods_cell("2027"), ods_cell(None), ods_cell(None)),
                  ods_row(ods_cell(covered=True), ods_cell("A3"), ods_cell("Archivage"),
                          ods_cell(D(2027, 1, 1).isoformat(), kind="date"),
                          ods_cell("mi-2028"), ods_cell(1.5, kind="float"), ods_cell(None))),
        ods_table("Jalons", row("id", "action", "jalon", "date"),
                  row("J1", "A1", "Mise en ligne", D(2026, 10, 1))))
    result = load_path(path)
    assert problems_of(result) == []
    assert counts(result)["Plan"] == (3, 3, 0, 0)
    assert column(result, "axis_id") == ["AX1", "AX1", "AX1"]
    assert column(result, "end") == [D(2026, 12, 31), D(2027, 12, 31), D(2028, 6, 30)]
    assert column(result, "budget") == [250_000.0, None, 1_500.0]
    assert column(result, "extra") == [{"Financement": "FEDER"}, {}, {}]
    assert column(result, "title", "milestones") == ["Mise en ligne"]
