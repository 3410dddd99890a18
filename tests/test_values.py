"""One cell -> one typed value: every form the workbook guide promises, and its errors."""
from __future__ import annotations

import datetime as dt

import pytest

from loaders.messages import MESSAGES, render
from loaders.problems import ValueProblem
from loaders.values import (DatePeriod, cell_text, end_from_duration, parse_date,
                            parse_duration, parse_ids, parse_money, parse_number,
                            parse_progress_column, parse_status, parse_weather)
from model.vocab import STATUSES, WEATHERS

D = dt.date
NBSP, NNBSP = "\u00a0", "\u202f"


def month(year: int, number: int) -> tuple[dt.date, dt.date, str]:
    last = (D(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1))
    return D(year, number, 1), last, "month"


def day(year: int, number: int, date: int) -> tuple[dt.date, dt.date, str]:
    return D(year, number, date), D(year, number, date), "day"


# --- dates -----------------------------------------------------------------------------------

DATES = [
    # Excel cells
    (dt.date(2026, 3, 15), day(2026, 3, 15)),
    (dt.datetime(2026, 3, 15, 17, 30), day(2026, 3, 15)),
    (46096, day(2026, 3, 15)),
    (46096.0, day(2026, 3, 15)),
    (46096.75, day(2026, 3, 15)),  # a time of day is dropped
    (59, day(1900, 2, 28)),
    (61, day(1900, 3, 1)),  # past Excel's fake 29 February 1900
    (2027, (D(2027, 1, 1), D(2027, 12, 31), "year")),  # a number typed as a year
    (2027.0, (D(2027, 1, 1), D(2027, 12, 31), "year")),
    # days
    ("15/03/2026", day(2026, 3, 15)),
    ("15-03-2026", day(2026, 3, 15)),
    ("15.03.2026", day(2026, 3, 15)),
    ("5/3/2026", day(2026, 3, 5)),
    ("2026-03-15", day(2026, 3, 15)),
    ("2026-03-15 00:00:00", day(2026, 3, 15)),
    ("2026-03-15T00:00:00", day(2026, 3, 15)),
    ("15/03/26", day(2026, 3, 15)),
    ("15 mars 26", day(2026, 3, 15)),
    ("29/02/2028", day(2028, 2, 29)),
    ("15 mars 2026", day(2026, 3, 15)),
    ("1er mars 2026", day(2026, 3, 1)),
    ("premier mars 2026", day(2026, 3, 1)),
    ("lundi 16 mars 2026", day(2026, 3, 16)),
    ("15 March 2026", day(2026, 3, 15)),
    ("March 15, 2026", day(2026, 3, 15)),
    # months
    ("03/2026", month(2026, 3)),
    ("3/2026", month(2026, 3)),
    ("2026-03", month(2026, 3)),
    ("mars 2026", month(2026, 3)),
    ("Mars 2026", month(2026, 3)),
    ("MARS 2026", month(2026, 3)),
    ("sept. 2026", month(2026, 9)),
    ("sept 2026", month(2026, 9)),
    ("septembre 2026", month(2026, 9)),
    ("févr. 2027", month(2027, 2)),
    ("fevrier 2027", month(2027, 2)),
    ("Février 2028", (D(2028, 2, 1), D(2028, 2, 29), "month")),
    ("juil. 2026", month(2026, 7)),
    ("juin 2026", month(2026, 6)),
    ("août 2026", month(2026, 8)),
    ("déc. 2026", month(2026, 12)),
    ("janv.-26", month(2026, 1)),  # Excel's « mmm-aa » written out as text
    ("March 2026", month(2026, 3)),
    ("Sep 2026", month(2026, 9)),
    ("December 2026", month(2026, 12)),
    (f"mars{NBSP}2026", month(2026, 3)),
    (f"{NNBSP} Mars{NNBSP}2026 {NBSP}", month(2026, 3)),
    # quarters
    ("T2 2026", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("t2 2026", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("T2-2026", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("T2 26", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("2T 2026", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("Q2 2026", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("2026-Q2", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("T4 2026", (D(2026, 10, 1), D(2026, 12, 31), "quarter")),
    ("2e trimestre 2026", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("2ème trimestre 2026", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("2eme trimestre 2026", (D(2026, 4, 1), D(2026, 6, 30), "quarter")),
    ("premier trimestre 2026", (D(2026, 1, 1), D(2026, 3, 31), "quarter")),
    ("1er trimestre 2026", (D(2026, 1, 1), D(2026, 3, 31), "quarter")),
    ("3e trimestre 2026", (D(2026, 7, 1), D(2026, 9, 30), "quarter")),
    # semesters
    ("S1 2027", (D(2027, 1, 1), D(2027, 6, 30), "semester")),
    ("S2 2027", (D(2027, 7, 1), D(2027, 12, 31), "semester")),
    ("1er semestre 2027", (D(2027, 1, 1), D(2027, 6, 30), "semester")),
    ("2nd semestre 2027", (D(2027, 7, 1), D(2027, 12, 31), "semester")),
    ("second semestre 2027", (D(2027, 7, 1), D(2027, 12, 31), "semester")),
    ("H2 2027", (D(2027, 7, 1), D(2027, 12, 31), "semester")),
    # years and approximate dates
    ("2027", (D(2027, 1, 1), D(2027, 12, 31), "year")),
    ("fin 2026", month(2026, 12)),
    ("Fin 2026", month(2026, 12)),
    ("fin de l'année 2026", month(2026, 12)),
    ("fin d’année 2026", month(2026, 12)),
    ("début 2027", month(2027, 1)),
    ("debut 2027", month(2027, 1)),
    ("mi-2027", month(2027, 6)),
    ("mi 2027", month(2027, 6)),
    ("mi–2027", month(2027, 6)),
    ("mid-2027", month(2027, 6)),
    ("end of 2026", month(2026, 12)),
    ("early 2027", month(2027, 1)),
    ("fin T2 2026", month(2026, 6)),
    ("début S2 2027", month(2027, 7)),
    ("fin mars 2026", month(2026, 3)),
    ("mi-mars 2026", month(2026, 3)),
]


@pytest.mark.parametrize(("cell", "expected"), DATES, ids=[repr(cell) for cell, _ in DATES])
def test_va001_date_forms(cell, expected):
    assert parse_date(cell) == DatePeriod(*expected)


def test_va002_date_1904_system():
    assert parse_date(0, date1904=True) == DatePeriod(*day(1904, 1, 1))
    assert parse_date(44634, date1904=True) == DatePeriod(*day(2026, 3, 15))


def test_va003_a_start_takes_the_first_day_and_an_end_the_last():
    quarter = parse_date("T2 2026")
    assert (quarter.first, quarter.last) == (D(2026, 4, 1), D(2026, 6, 30))


@pytest.mark.parametrize("cell", [None, "", "   ", NBSP, f" {NNBSP} ", "-", "—", "?", "NC",
                                  "à définir"])
def test_va004_blank_or_unknown_date_is_none(cell):
    assert parse_date(cell) is None


@pytest.mark.parametrize(("cell", "shown"), [
    ("31/02/2026", "31/02/2026"),
    ("29/02/2026", "29/02/2026"),
    ("15/13/2026", "15/13/2026"),
    ("03/15/2026", "03/15/2026"),  # American order: month 15 does not exist
    (" bientôt ", "bientôt"),
    ("Q5 2026", "Q5 2026"),
    ("T0 2026", "T0 2026"),
    ("S3 2027", "S3 2027"),
    ("5e trimestre 2026", "5e trimestre 2026"),
    ("mars", "mars"),
    ("15 mars", "15 mars"),
    ("32 mars 2026", "32 mars 2026"),
    ("brumaire 2026", "brumaire 2026"),
    ("1899", "1899"),
    ("2101", "2101"),
    ("15/03/1899", "15/03/1899"),
    ("2026-2027", "2026-2027"),
    (1899, "1899"),
    (2101, "2101"),
    (0, "0"),
    (60, "60"),  # Excel's 29 February 1900
    (-5, "-5"),
    (True, "VRAI"),
    (dt.time(9, 30), "09:30"),
    (dt.timedelta(days=3), "3 days, 0:00:00"),
    (dt.date(1850, 1, 1), "1850-01-01"),
])
def test_va005_unrecognised_dates(cell, shown):
    with pytest.raises(ValueProblem) as raised:
        parse_date(cell)
    assert raised.value.code == "date_unrecognised"
    assert raised.value.params == {"value": shown}


# --- numbers ---------------------------------------------------------------------------------

NUMBERS = [
    ("45 %", None, 45.0),
    ("45%", None, 45.0),
    ("0,45", None, 0.45),
    ("0.45", None, 0.45),
    ("45", None, 45.0),
    (45, None, 45.0),
    (0.45, None, 0.45),
    ("1 250 000 €", None, 1_250_000.0),
    (f"1{NBSP}250{NBSP}000{NBSP}€", None, 1_250_000.0),
    (f"1{NNBSP}250{NNBSP}000 €", None, 1_250_000.0),
    ("1 250 000,50 €", None, 1_250_000.5),
    ("1.250.000", None, 1_250_000.0),
    ("1.250.000,50", None, 1_250_000.5),
    ("1,250,000", None, 1_250_000.0),
    ("1,250,000.50", None, 1_250_000.5),
    ("1,250", None, 1.25),  # a single comma is the French decimal mark
    ("1.5", None, 1.5),
    ("250 k€", None, 250_000.0),
    ("250k€", None, 250_000.0),
    ("250 K€", None, 250_000.0),
    ("1,2 M€", None, 1_200_000.0),
    ("1,2 M", None, 1_200_000.0),
    ("1,005 k€", None, 1005.0),  # scaled in decimal, not 1004.999…
    ("12 millions d'euros", None, 12_000_000.0),
    ("12 000 euros", None, 12_000.0),
    ("12 000 € HT", None, 12_000.0),
    ("-3", None, -3.0),
    ("−3", None, -3.0),  # the typographic minus
    ("+3", None, 3.0),
    (-3, None, -3.0),
    # the header's unit
    (250, "k€", 250_000.0),
    ("250", "k€", 250_000.0),
    ("250 k€", "k€", 250_000.0),  # the cell's own scale wins
    (1.2, "m€", 1_200_000.0),
    (250, "€", 250.0),
    (45, "%", 45.0),  # a percent is not divided here
    (3, "m", 3.0),  # `(m)` may be metres: only money reads it as millions
]


@pytest.mark.parametrize(("cell", "unit", "expected"), NUMBERS,
                         ids=[f"{cell!r}-{unit}" for cell, unit, _ in NUMBERS])
def test_va010_number_forms(cell, unit, expected):
    assert parse_number(cell, unit) == expected


@pytest.mark.parametrize("cell", [None, "", "  ", "n.c.", "NC", "nc", "ND", "n.d.", "-", "—",
                                  "–", "?", "à définir", "A définir", "a definir", "TBD",
                                  "inconnu", "N/A"])
def test_va011_blank_and_unknown_markers_are_none(cell):
    assert parse_number(cell) is None
    assert parse_money(cell) is None


@pytest.mark.parametrize(("cell", "shown"), [
    (True, "VRAI"),
    (False, "FAUX"),
    ("beaucoup", "beaucoup"),
    ("12 34", "12 34"),
    ("1,2,3", "1,2,3"),
    ("1.25.000", "1.25.000"),
    ("12 kg", "12 kg"),
    ("12.", "12."),
    (dt.date(2026, 3, 15), "2026-03-15"),
    (float("nan"), ""),
    (10**400, "1" + "0" * 400),
])
def test_va012_unrecognised_numbers(cell, shown):
    with pytest.raises(ValueProblem) as raised:
        parse_number(cell)
    assert raised.value.code == "number_unrecognised"
    assert raised.value.params == {"value": shown}


@pytest.mark.parametrize(("cell", "unit", "expected"), [
    ("250 k€", None, 250_000.0),
    (250, "k€", 250_000.0),
    (250, "k", 250_000.0),
    (1.5, "m", 1_500_000.0),
    (1.5, "millions d'euros", 1_500_000.0),
    ("1 250 000 €", "k€", 1_250_000.0),
    ("1 250", "k€", 1_250_000.0),
    (1250000, "€", 1_250_000.0),
    (1250000, None, 1_250_000.0),
])
def test_va013_money(cell, unit, expected):
    assert parse_money(cell, unit) == expected


def test_va014_a_percent_is_not_an_amount():
    with pytest.raises(ValueProblem) as raised:
        parse_money("45 %")
    assert raised.value.code == "number_unrecognised"


# --- progress --------------------------------------------------------------------------------

def _codes(results):
    return [(result.code, result.params["value"]) if isinstance(result, ValueProblem)
            else result for result in results]


@pytest.mark.parametrize(("column", "expected"), [
    # Excel stores a cell shown as 45 % as 0.45: all numbers in 0..1 are fractions
    ([0.45, 1, 0, 0.1], [0.45, 1.0, 0.0, 0.1]),
    (["0,45", "1"], [0.45, 1.0]),
    # a column of only 0 and 1 reads 0 % and 100 %
    ([1, 0, 1], [1.0, 0.0, 1.0]),
    # one number above 1 makes the whole column percents
    ([45, 100, 0, 1, 0.5], [0.45, 1.0, 0.0, 0.01, 0.005]),
    (["45", "100"], [0.45, 1.0]),
    # a `%` sign is always a percent, and does not decide for the others
    (["45 %", 0.5, "100%"], [0.45, 0.5, 1.0]),
    (["45 %", 50, "0,5 %"], [0.45, 0.5, 0.005]),
    # blanks and unknown markers keep their place
    ([None, "", "NC", 0.3, "-"], [None, None, None, 0.3, None]),
    ([], []),
])
def test_va020_progress_column(column, expected):
    assert _codes(parse_progress_column(column)) == expected


def test_va021_progress_out_of_range_and_unrecognised_cells_are_returned_not_raised():
    results = parse_progress_column([50, 150, "120 %", -10, "beaucoup", True, "45 €", 0.2])
    assert _codes(results) == [
        0.5,
        ("progress_out_of_range", "150"),
        ("progress_out_of_range", "120 %"),
        ("progress_out_of_range", "-10"),
        ("number_unrecognised", "beaucoup"),
        ("number_unrecognised", "VRAI"),
        ("number_unrecognised", "45 €"),
        0.002,
    ]


# --- vocabularies ----------------------------------------------------------------------------

STATUS_ALIASES = {
    "planned": ["à lancer", "a lancer", "À LANCER", "prévu", "prévue", "planifié", "à venir",
                "non démarré", "pas commencé", "en attente de lancement", "todo", "to do",
                "To-Do", "planned", "not started"],
    "in_progress": ["en cours", "En cours", "démarré", "lancé", "en retard", "in progress",
                    "ongoing", "started", "wip", "WIP", "en cours de réalisation"],
    "done": ["terminé", "Terminée", "réalisé", "réalisée", "fait", "fini", "livré", "achevé",
             "clos", "clôturé", "done", "completed", "complete", "finished", "closed",
             "ok ✅", "OK", "✅"],
    "suspended": ["suspendu", "en pause", "gelé", "reporté", "on hold", "paused", "suspended",
                  "⏸️"],
    "abandoned": ["abandonné", "annulé", "Annulée", "abandoned", "cancelled", "canceled",
                  "dropped"],
}


@pytest.mark.parametrize(("cell", "code"), [(alias, code) for code, aliases
                                            in STATUS_ALIASES.items() for alias in aliases])
def test_va030_status_aliases(cell, code):
    assert parse_status(cell) == code
    assert parse_status(f"  {cell.upper()}{NBSP}") == code


WEATHER_ALIASES = {
    "sunny": ["soleil", "Soleil", "ensoleillé", "beau", "☀", "☀️", "🌞", "🟢", "vert", "Vert",
              "green", "bon", "G", "g", "V", "☀️ Soleil"],
    "cloudy": ["nuages", "nuageux", "éclaircies", "⛅", "🌤️", "🌤", "🌥️", "☁️", "☁", "jaune",
               "yellow", "amber", "ambre", "orange", "A", "J", "🟠"],
    "rainy": ["pluie", "pluvieux", "🌧️", "🌧", "🌦️", "dégradé", "rain"],
    "stormy": ["orage", "orageux", "tempête", "⛈️", "⛈", "🌩️", "rouge", "Rouge", "red", "R",
               "r", "🔴"],
}


@pytest.mark.parametrize(("cell", "code"), [(alias, code) for code, aliases
                                            in WEATHER_ALIASES.items() for alias in aliases])
def test_va031_weather_aliases(cell, code):
    assert parse_weather(cell) == code


def test_va032_vocabularies_give_only_model_codes():
    assert {code for code in STATUS_ALIASES} == set(STATUSES)
    assert {code for code in WEATHER_ALIASES} == set(WEATHERS)


@pytest.mark.parametrize("cell", [None, "", "  ", "-", "?", "NC"])
def test_va033_blank_vocabulary_is_none(cell):
    assert parse_status(cell) is None
    assert parse_weather(cell) is None


@pytest.mark.parametrize(("parse", "cell", "code"), [
    (parse_status, "bof", "status_unknown"),
    (parse_status, "en attente", "status_unknown"),  # waiting to start, or on hold? ask
    (parse_status, 3, "status_unknown"),
    (parse_status, True, "status_unknown"),
    (parse_status, "🙂", "status_unknown"),
    (parse_weather, "bleu", "weather_unknown"),
    (parse_weather, "☀️ orage", "weather_unknown"),  # contradictory
    (parse_weather, "B", "weather_unknown"),
    (parse_weather, 2, "weather_unknown"),
    (parse_weather, "☂", "weather_unknown"),
])
def test_va034_unknown_vocabulary(parse, cell, code):
    with pytest.raises(ValueProblem) as raised:
        parse(cell)
    assert raised.value.code == code
    assert raised.value.params == {"value": cell_text(cell)}


# --- durations -------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "unit", "expected"), [
    ("18 mois", None, (18, "months")),
    ("18 Mois", None, (18, "months")),
    ("18 m", None, (18, "months")),
    ("18mois", None, (18, "months")),
    ("2,5 ans", None, (30, "months")),
    ("2.5 années", None, (30, "months")),
    ("90 jours", None, (90, "days")),
    ("90 j", None, (90, "days")),
    ("6 semaines", None, (42, "days")),
    ("1 an", None, (1, "years")),
    ("3 ans", None, (3, "years")),
    ("0,5 mois", None, (15, "days")),
    ("1,5 mois", None, (45, "days")),
    (18, "mois", (18, "months")),
    (18.0, "mois", (18, "months")),
    ("18", "mois", (18, "months")),
    (90, "jours", (90, "days")),
    (90, "j", (90, "days")),
    (2, "ans", (2, "years")),
    (2, "annees", (2, "years")),
    (1, "annee", (1, "years")),
    (1.5, "annee", (18, "months")),
    (6, "semaines", (42, "days")),
    ("6 mois", "jours", (6, "months")),  # the cell's unit wins
    (dt.timedelta(days=10), None, (10, "days")),
])
def test_va040_durations(cell, unit, expected):
    assert parse_duration(cell, unit) == expected


@pytest.mark.parametrize(("cell", "unit"), [
    (18, None),  # months or days? the header must say
    ("18", None),
    ("18 jours ouvrés", None),
    ("dix-huit mois", None),
    ("0 mois", None),
    ("-3 mois", None),
    ("0,01 jour", None),
    (True, "mois"),
    (18, "kg"),
])
def test_va041_unrecognised_durations(cell, unit):
    with pytest.raises(ValueProblem) as raised:
        parse_duration(cell, unit)
    assert raised.value.code == "duration_unrecognised"
    assert raised.value.params == {"value": cell_text(cell)}


@pytest.mark.parametrize("cell", [None, "", " ", "-", "NC"])
def test_va042_blank_duration_is_none(cell):
    assert parse_duration(cell, "mois") is None
    assert end_from_duration(D(2026, 1, 1), cell, "mois") is None


@pytest.mark.parametrize(("first", "cell", "unit", "last"), [
    (D(2026, 1, 1), "12 mois", None, D(2026, 12, 31)),
    (D(2026, 1, 1), 12, "mois", D(2026, 12, 31)),
    (D(2026, 1, 15), "1 mois", None, D(2026, 2, 14)),
    (D(2026, 1, 31), "1 mois", None, D(2026, 2, 28)),  # 31 Feb rolls to 1 March
    (D(2026, 12, 15), "1 mois", None, D(2027, 1, 14)),
    (D(2026, 1, 1), "1 an", None, D(2026, 12, 31)),
    (D(2024, 2, 29), "1 an", None, D(2025, 2, 28)),
    (D(2026, 1, 1), "2,5 ans", None, D(2028, 6, 30)),
    (D(2026, 1, 1), "90 jours", None, D(2026, 3, 31)),
    (D(2026, 1, 1), "1 j", None, D(2026, 1, 1)),
    (D(2026, 1, 1), "6 semaines", None, D(2026, 2, 11)),
    (D(2026, 1, 1), "0,5 mois", None, D(2026, 1, 15)),
])
def test_va043_end_from_duration(first, cell, unit, last):
    assert end_from_duration(first, cell, unit) == last


def test_va044_a_duration_past_2100_is_unrecognised():
    with pytest.raises(ValueProblem) as raised:
        end_from_duration(D(2026, 1, 1), "100 ans")
    assert raised.value.code == "duration_unrecognised"


# --- ids and text ----------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    ("A1, A2; A3", ("A1", "A2", "A3")),
    ("A1;A2", ("A1", "A2")),
    ("A1\nA2", ("A1", "A2")),
    ("A1, A1, A2", ("A1", "A2")),
    (" A1 ,, ", ("A1",)),
    (3.0, ("3",)),
    (3, ("3",)),
    (1.5, ("1.5",)),
    ("ACT-12", ("ACT-12",)),
    ("", ()),
    (None, ()),
    ("-", ()),
    ("aucune", ()),
    # One plain id takes a short cut: markers still name no action, whatever their case.
    ("A12", ("A12",)),
    ("NC", ()),
    ("Aucun", ()),
    ("tbd", ()),
    ("Née", ("Née",)),
])
def test_va050_ids(cell, expected):
    assert parse_ids(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("  Portail citoyen ", "Portail citoyen"),
    (f"{NBSP}Portail{NBSP}", "Portail"),
    ("", None),
    ("   ", None),
    (None, None),
    (12.0, "12"),
    (12, "12"),
    (1.5, "1.5"),
    (0.1 + 0.2, "0.3"),
    (True, "VRAI"),
    (dt.date(2026, 3, 15), "2026-03-15"),
    (dt.datetime(2026, 3, 15), "2026-03-15"),
    (dt.datetime(2026, 3, 15, 10, 30), "2026-03-15 10:30"),
    (dt.time(9, 5), "09:05"),
])
def test_va051_cell_text(cell, expected):
    assert cell_text(cell) == expected


# --- messages --------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["date_unrecognised", "number_unrecognised",
                                  "progress_out_of_range", "status_unknown", "weather_unknown",
                                  "duration_unrecognised"])
def test_va060_every_code_has_a_sentence_in_both_languages(code):
    assert set(MESSAGES[code]) == {"fr", "en"}
    assert "« bientôt »" in render(code, {"value": "bientôt"}, "fr")
    assert "“bientôt”" in render(code, {"value": "bientôt"}, "en")


def test_va061_the_duration_message_says_what_to_write():
    message = render("duration_unrecognised", {"value": "18"}, "fr", sheet="Plan", row=14,
                     column="durée")
    assert message == ("Plan, ligne 14, colonne « durée » : « 18 » n'est pas une durée "
                       "reconnue : la valeur est ignorée ; écrivez par exemple 18 mois, "
                       "90 jours ou 2 ans, ou donnez l'unité dans l'en-tête (« Durée (mois) »).")


@pytest.mark.parametrize("column", [[0.0, 0.25, 1.0], [-0.0, 1.0, 1e-300], [0.5, 1.5],
                                    [0.5, float("nan")], [0.5, float("inf")], [0.2, -0.1]])
def test_va022_a_column_of_plain_fractions_reads_as_the_cell_by_cell_rule(column):
    # Floats only, all finite and within 0..1 (Excel's usual progress column) are read at
    # once; a blank appended forces the cell by cell rule, which must say the same.
    assert _codes(parse_progress_column(column)) == _codes(
        parse_progress_column(column + [None]))[:-1]
    if all(0.0 <= value <= 1.0 for value in column):
        assert _codes(parse_progress_column(column)) == column
