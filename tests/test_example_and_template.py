"""The shipped example plan and the empty template: what a user gets before their own file.

The example must show everything the dashboard draws (both elections crossed, late and
upcoming milestones, an axis without action, an action outside the strategy) and load
without a single warning; the template must load back empty and without a problem.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
# `.venv/bin/pytest` (unlike `python -m pytest`) does not put the project root on the path.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loaders import load_path, values  # noqa: E402
from loaders.columns import (ACTIONS, INDICATORS, MILESTONES, SCHEMAS, SETTINGS,  # noqa: E402
                             STRATEGY)
from loaders.template import (STATUS_CHOICES, WEATHER_CHOICES, build_template,  # noqa: E402
                              write_template)
from model.vocab import STATUSES, WEATHERS  # noqa: E402

SHIPPED_EXAMPLE = ROOT / "data" / "example_plan.xlsx"
STATUS_DATE = dt.date(2026, 10, 15)
ELECTION_2026 = dt.date(2026, 3, 22)
ELECTION_2032 = dt.date(2032, 3, 21)


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_example",
                                                  ROOT / "data" / "make_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_example = _load_generator()


def cell_values(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's rows of values, in order."""
    workbook = openpyxl.load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def records(path: Path, schema) -> list[dict]:
    """The data rows of one sheet as {field: value}, matched by the schema's French headers."""
    sheet = openpyxl.load_workbook(path)[schema.name]
    rows = list(sheet.iter_rows(values_only=True))
    fields = {column.header: column.field for column in schema.columns}
    keys = [fields[header] for header in rows[0]]
    return [dict(zip(keys, row)) for row in rows[1:]]


def day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    return make_example.write_example(tmp_path_factory.mktemp("example") / "example.xlsx")


@pytest.fixture(scope="module")
def plan(example):
    """The example's sheets as records, with dates as dates and axis titles resolved."""
    axes = records(example, STRATEGY)
    actions = records(example, ACTIONS)
    milestones = records(example, MILESTONES)
    for row in axes + actions:
        row["start"], row["end"] = day(row["start"]), day(row["end"])
    for row in milestones:
        row["planned"], row["actual"] = day(row["planned"]), day(row["actual"])
    title_to_id = {axis["title"]: axis["id"] for axis in axes}
    for row in actions:
        row["axis"] = title_to_id.get(row["axis_id"], row["axis_id"])
    return {"axes": axes, "actions": actions, "milestones": milestones,
            "indicators": records(example, INDICATORS), "settings": records(example, SETTINGS)}


# --- the example ---------------------------------------------------------------------

def test_ex001_generator_is_deterministic(tmp_path):
    first = make_example.write_example(tmp_path / "first.xlsx")
    second = make_example.write_example(tmp_path / "second.xlsx")
    assert cell_values(first) == cell_values(second)
    # Byte for byte: the plan's version is the SHA-256 of the file, and links carry it.
    assert first.read_bytes() == second.read_bytes()


def test_ex002_shipped_example_is_regenerated(example):
    assert cell_values(SHIPPED_EXAMPLE) == cell_values(example), \
        "data/example_plan.xlsx is stale: run `python data/make_example.py`"


def test_ex003_sheets_and_headers_follow_the_contract(example):
    workbook = openpyxl.load_workbook(example)
    assert workbook.sheetnames == ["Stratégie", "Plan", "Jalons", "Indicateurs", "Paramètres"]
    for schema in (STRATEGY, ACTIONS, MILESTONES, INDICATORS, SETTINGS):
        headers = [cell.value for cell in workbook[schema.name][1]]
        expected = [column.header for column in schema.columns
                    if not (schema is ACTIONS and column.field == "duration")]
        assert headers == expected, schema.name
        assert all(cell.font.bold for cell in workbook[schema.name][1])
        assert workbook[schema.name].freeze_panes in ("A2", "B2")


def test_ex004_sizes(plan):
    assert [axis["id"] for axis in plan["axes"]] == ["AX1", "AX2", "AX3", "AX4", "AX5", "AX6"]
    assert [action["id"] for action in plan["actions"]] == [f"A{n:02d}" for n in range(1, 41)]
    assert 85 <= len(plan["milestones"]) <= 95
    assert len({milestone["id"] for milestone in plan["milestones"]}) == len(plan["milestones"])
    measures = Counter(indicator["id"] for indicator in plan["indicators"])
    assert len(measures) == 15
    assert sum(1 for count in measures.values() if count >= 2) >= 5


def test_ex005_actions_cross_both_elections(plan):
    def crossing(election):
        return [a["id"] for a in plan["actions"] if a["start"] < election < a["end"]]
    assert len(crossing(ELECTION_2026)) >= 2
    assert len(crossing(ELECTION_2032)) >= 2


def test_ex006_late_and_upcoming_at_the_status_date(plan):
    late_milestones = [m["id"] for m in plan["milestones"] if m["actual"] is None
                       and m["status"] != "terminé" and m["planned"] < STATUS_DATE]
    assert len(late_milestones) >= 3
    late_actions = [a["id"] for a in plan["actions"] if a["status"] not in ("terminé", "abandonné")
                    and a["end"] < STATUS_DATE]
    assert len(late_actions) >= 2

    def due_within(days):
        return [m["id"] for m in plan["milestones"] if m["actual"] is None
                and STATUS_DATE <= m["planned"] <= STATUS_DATE + dt.timedelta(days=days)]
    assert len(due_within(30)) >= 2
    assert len(due_within(90)) > len(due_within(30))
    # A milestone marked done has its actual date, and no actual date lies in the future.
    for milestone in plan["milestones"]:
        assert (milestone["status"] == "terminé") == (milestone["actual"] is not None)
        assert milestone["actual"] is None or milestone["actual"] <= STATUS_DATE


def test_ex007_strategy_and_plan_gaps(plan):
    outside = [a["id"] for a in plan["actions"] if a["axis_id"] is None]
    assert len(outside) == 1
    used = {a["axis"] for a in plan["actions"]}
    assert [axis["id"] for axis in plan["axes"] if axis["id"] not in used] == ["AX6"]
    # Axes referenced both ways: by id and by title.
    axis_ids = {axis["id"] for axis in plan["axes"]}
    assert any(a["axis_id"] in axis_ids for a in plan["actions"])
    assert any(a["axis_id"] and a["axis_id"] not in axis_ids for a in plan["actions"])
    assert {a["status"] for a in plan["actions"]} == {"à lancer", "en cours", "terminé",
                                                     "suspendu", "abandonné"}
    assert {a["weather"] for a in plan["actions"]} - {None} == {"soleil", "nuages", "pluie",
                                                               "orage"}


def test_ex008_every_reference_resolves_and_every_date_fits(plan):
    axes = {axis["id"]: axis for axis in plan["axes"]}
    actions = {action["id"]: action for action in plan["actions"]}
    for action in actions.values():
        assert action["start"] <= action["end"]
        if action["axis"] is not None:
            axis = axes[action["axis"]]  # KeyError: an unknown axis
            assert axis["start"] <= action["start"] and action["end"] <= axis["end"], action["id"]
    graph = {}
    for action in actions.values():
        graph[action["id"]] = [ref.strip() for ref in (action["depends_on"] or "").split(",")
                               if ref.strip()]
        for reference in graph[action["id"]]:
            assert reference in actions, (action["id"], reference)
    assert sum(1 for references in graph.values() if references) >= 3
    # No cycle: every action can be placed after all of its dependencies.
    placed: set[str] = set()
    while len(placed) < len(graph):
        ready = {a for a, refs in graph.items() if a not in placed and set(refs) <= placed}
        assert ready, f"dependency cycle among {set(graph) - placed}"
        placed |= ready
    for milestone in plan["milestones"]:
        action = actions[milestone["action_id"]]
        assert action["start"] <= milestone["planned"] <= action["end"], milestone["id"]
    for indicator in plan["indicators"]:
        assert indicator["target_ref"] in axes or indicator["target_ref"] in actions


def test_ex009_cells_are_typed_and_formatted(example):
    workbook = openpyxl.load_workbook(example)
    plan_sheet = workbook["Plan"]
    headers = {cell.value: cell.column for cell in plan_sheet[1]}
    row = 2
    start = plan_sheet.cell(row, headers["début"])
    assert isinstance(start.value, dt.datetime) and start.number_format == "DD/MM/YYYY"
    progress = plan_sheet.cell(row, headers["avancement"])
    assert 0 <= progress.value <= 1 and progress.number_format == "0 %"
    budget = plan_sheet.cell(row, headers["budget"])
    assert isinstance(budget.value, int) and "€" in budget.number_format
    settings = {key: value for key, value in
                workbook["Paramètres"].iter_rows(min_row=2, values_only=True)}
    assert settings["type de collectivité"] == "EPCI"
    assert settings["date de situation"].date() == STATUS_DATE
    assert "Val de Loire-Sud" in settings["organisation"]


def test_ex010_example_loads_without_any_problem():
    result = load_path(SHIPPED_EXAMPLE)
    assert [problem.message() for problem in result.problems] == []
    assert len(result.plan.actions) == 40
    assert result.plan.settings.organisation_type == "epci"
    assert result.plan.settings.status_date == STATUS_DATE


# --- the template --------------------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "modele.xlsx"
    write_template(path)
    return path


def test_tp001_one_sheet_per_schema_with_exactly_its_headers(template):
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames == ["Guide"] + [schema.name for schema in SCHEMAS]
    for schema in SCHEMAS:
        sheet = workbook[schema.name]
        assert [cell.value for cell in sheet[1]] == [column.header for column in schema.columns]
        for column, cell in zip(schema.columns, sheet[1]):
            if column.required:
                assert cell.font.bold and "obligatoire" in cell.comment.text, cell.value


def test_tp002_end_or_duration_is_marked_required(template):
    sheet = openpyxl.load_workbook(template)["Plan"]
    cells = {cell.value: cell for cell in sheet[1]}
    for header in ("fin", "durée"):
        assert cells[header].font.bold and "« fin » ou « durée »" in cells[header].comment.text
    assert not cells["budget"].font.bold and cells["budget"].comment is None


def test_tp003_drop_down_lists(template):
    workbook = openpyxl.load_workbook(template)

    def lists(sheet_name):
        sheet = workbook[sheet_name]
        headers = {cell.column_letter: cell.value for cell in sheet[1]}
        return {headers[str(validation.sqref).split(":")[0][:-1]]:
                validation.formula1.strip('"').split(",")
                for validation in sheet.data_validations.dataValidation}
    statuses = ["à lancer", "en cours", "terminé", "suspendu", "abandonné"]
    assert lists("Plan") == {"statut": statuses, "météo": ["soleil", "nuages", "pluie", "orage"]}
    assert lists("Jalons") == {"statut": statuses}
    plan_validations = workbook["Plan"].data_validations.dataValidation
    assert all(str(validation.sqref).endswith("501") for validation in plan_validations)


def test_tp004_formats_on_dates_percent_and_money(template):
    sheet = openpyxl.load_workbook(template)["Plan"]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for header, number_format in (("début", "DD/MM/YYYY"), ("fin", "DD/MM/YYYY"),
                                  ("avancement", "0 %"), ("budget", '#,##0 "€"')):
        for row in (2, 501):
            assert sheet.cell(row, headers[header]).number_format == number_format, header


def test_tp005_no_data_rows(template):
    values = cell_values(template)
    for schema in SCHEMAS:
        assert all(value is None for row in values[schema.name][1:] for value in row), \
            schema.name


def test_tp006_template_loads_back_empty_and_clean(template):
    result = load_path(template)
    assert [problem.message() for problem in result.problems] == []
    assert all(report.loaded == report.rejected == 0 for report in result.sheets)
    assert result.plan.actions.empty and result.plan.axes.empty
    assert result.plan.terms is None  # an empty Mandats sheet keeps the built-in calendar


def test_tp007_drop_down_words_are_understood_by_the_loader():
    assert [values.parse_status(word) for word in STATUS_CHOICES] == list(STATUSES)
    assert [values.parse_weather(word) for word in WEATHER_CHOICES] == list(WEATHERS)


def test_tp008_guide_in_french_and_in_english():
    french = [row for row in build_template()["Guide"].iter_rows(values_only=True)]
    english = [row for row in build_template("en")["Guide"].iter_rows(values_only=True)]
    french_text = " ".join(str(value) for row in french for value in row if value)
    english_text = " ".join(str(value) for row in english for value in row if value)
    assert "Colonnes obligatoires : « action », « début », « fin » ou « durée »." in french_text
    assert "T2 2026" in french_text and "à lancer, en cours, terminé" in french_text
    assert "Required columns:" in english_text
