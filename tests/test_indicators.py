"""Indicators against their trajectory: known answers on small plans, the chart, the cards."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from components.indicator_charts import (FONT_PX, format_quantity, indicator_card,
                                         indicator_figure, state_text)
from loaders import load_path
from model.indicators import indicators, trajectory_value, visible_indicators
from model.plan import ACTION_COLUMNS, AXIS_COLUMNS, INDICATOR_COLUMNS, Plan, typed_frame
from model.view import View, parse_query
from settings import EXAMPLE_PLAN

STATUS_DATE = dt.date(2026, 10, 15)


def measure(id: str, measured_on: str | None, value: float | None, *, ref=(0, "2024-01-01"),
            target=(1200, "2027-12-31"), action_id=None, axis_id=None, name=None,
            unit="nombre") -> dict:
    """One row of the Indicateurs sheet (one measure)."""
    return {"id": id, "action_id": action_id, "axis_id": axis_id, "name": name or f"Ind {id}",
            "unit": unit, "ref_value": ref[0],
            "ref_date": pd.Timestamp(ref[1]) if ref[1] else None,
            "target": target[0], "target_date": pd.Timestamp(target[1]) if target[1] else None,
            "value": value, "measured_on": pd.Timestamp(measured_on) if measured_on else None}


def make_plan(rows: list[dict], actions: list[dict] = (), axes: list[dict] = ()) -> Plan:
    return Plan(axes=typed_frame(list(axes), AXIS_COLUMNS),
                actions=typed_frame(list(actions), ACTION_COLUMNS),
                indicators=typed_frame(rows, INDICATOR_COLUMNS))


def one(rows: list[dict], status_date: dt.date = STATUS_DATE):
    (indicator,) = indicators(make_plan(rows), status_date)
    return indicator


# --- the on-track rule -----------------------------------------------------------------

def test_in001_a_measure_exactly_on_the_line_is_on_track():
    # 0 on 1 January 2024 -> 1 200 on 31 December 2027: 1 460 days. On 31 December 2024,
    # 365 days in, the line stands at 1 200 × 365 / 1 460 = 300.
    indicator = one([measure("I1", "2024-12-31", 300)])
    assert indicator.expected == pytest.approx(300)
    assert indicator.state == "on_track"
    assert one([measure("I1", "2024-12-31", 299)]).state == "off_track"
    assert one([measure("I1", "2024-12-31", 301)]).state == "on_track"


def test_in002_a_decreasing_target_means_lower_is_better():
    # 45 days on 1 January 2024 -> 5 days on 1 January 2025 (366 days, a leap year).
    # On 2 July 2024, 183 days in: 45 - 40 × 183 / 366 = 25.
    rows = dict(ref=(45, "2024-01-01"), target=(5, "2025-01-01"), unit="jours")
    assert one([measure("I1", "2024-07-02", 25, **rows)]).state == "on_track"
    assert one([measure("I1", "2024-07-02", 24, **rows)]).state == "on_track"
    late = one([measure("I1", "2024-07-02", 26, **rows)])
    assert late.state == "off_track" and late.expected == pytest.approx(25)
    assert late.lower_is_better is True


def test_in003_the_latest_measure_by_date_decides_not_the_row_order():
    indicator = one([measure("I1", "2025-12-31", 700), measure("I1", "2024-12-31", 100)])
    assert indicator.current == (dt.date(2025, 12, 31), 700)
    assert [day for day, _ in indicator.measures] == [dt.date(2024, 12, 31),
                                                      dt.date(2025, 12, 31)]
    # 730 days into 1 460 (366 in 2024, 364 in 2025): 1 200 × 730 / 1 460 = 600, so 700
    # is ahead: on track.
    assert indicator.expected == pytest.approx(600)
    assert indicator.state == "on_track"


def test_in004_after_the_target_date_the_line_is_the_target():
    assert trajectory_value(dt.date(2024, 1, 1), 0, dt.date(2025, 1, 1), 100,
                            dt.date(2026, 6, 1)) == 100
    assert trajectory_value(dt.date(2024, 1, 1), 10, dt.date(2025, 1, 1), 100,
                            dt.date(2023, 6, 1)) == 10
    late = one([measure("I1", "2028-06-30", 1199)], status_date=dt.date(2028, 7, 1))
    assert late.expected == 1200 and late.state == "off_track"


@pytest.mark.parametrize("row, missing", [
    (measure("I1", None, None), ("measure",)),
    (measure("I1", "2025-01-01", 10, ref=(None, "2024-01-01")), ("reference",)),
    (measure("I1", "2025-01-01", 10, ref=(0, None)), ("reference",)),
    (measure("I1", "2025-01-01", 10, target=(100, None)), ("target_date",)),
    (measure("I1", "2025-01-01", 10, target=(100, "2023-12-31")), ("target_date",)),
])
def test_in005_missing_data_gives_unknown(row, missing):
    indicator = one([row])
    assert indicator.state == "unknown" and indicator.missing == missing
    assert indicator.expected is None


def test_in006_measures_after_the_status_date_are_left_out_and_counted():
    rows = [measure("I1", "2024-12-31", 300), measure("I1", "2026-12-31", 0),
            measure("I1", None, 5)]
    indicator = one(rows, status_date=dt.date(2026, 10, 15))
    assert indicator.current == (dt.date(2024, 12, 31), 300)
    assert indicator.state == "on_track"
    assert indicator.later_measures == 1 and indicator.undated_measures == 1
    assert one(rows, status_date=dt.date(2027, 1, 1)).state == "off_track"


def test_in007_one_indicator_per_id_with_its_attachment():
    plan = make_plan(
        [measure("I1", "2024-12-31", 300, action_id="A1"),
         measure("I1", "2025-12-31", 650, action_id="A1"),
         measure("I2", "2025-06-30", 10, axis_id="AX2")],
        actions=[{"id": "A1", "axis_id": "AX1", "title": "Portail",
                  "start": pd.Timestamp("2024-01-01"), "end": pd.Timestamp("2027-12-31")}],
        axes=[{"id": "AX1", "title": "Services en ligne", "start": pd.Timestamp("2020-01-01"),
               "end": pd.Timestamp("2030-12-31")},
              {"id": "AX2", "title": "Inclusion", "start": pd.Timestamp("2020-01-01"),
               "end": pd.Timestamp("2030-12-31")}])
    first, second = indicators(plan, STATUS_DATE)
    assert (first.id, first.action_title, first.axis_id, first.axis_title) == (
        "I1", "Portail", "AX1", "Services en ligne")
    assert len(first.measures) == 2
    assert (second.id, second.action_id, second.axis_title) == ("I2", None, "Inclusion")


# --- filters ---------------------------------------------------------------------------

FILTER_PLAN = make_plan(
    [measure("ON_A1", "2025-01-01", 1, action_id="A1"),
     measure("ON_A2", "2025-01-01", 1, action_id="A2"),
     measure("ON_AX1", "2025-01-01", 1, axis_id="AX1"),
     measure("ON_AX2", "2025-01-01", 1, axis_id="AX2"),
     measure("FREE", "2025-01-01", 1)],
    actions=[{"id": "A1", "axis_id": "AX1", "title": "Un", "service": "DSI",
              "start": pd.Timestamp("2024-01-01"), "end": pd.Timestamp("2027-12-31")},
             {"id": "A2", "axis_id": "AX2", "title": "Deux", "service": "RH",
              "start": pd.Timestamp("2024-01-01"), "end": pd.Timestamp("2027-12-31")}],
    axes=[{"id": axis, "title": axis, "start": pd.Timestamp("2020-01-01"),
           "end": pd.Timestamp("2030-12-31")} for axis in ("AX1", "AX2")])


@pytest.mark.parametrize("query, shown", [
    ("", ["ON_A1", "ON_A2", "ON_AX1", "ON_AX2", "FREE"]),
    ("?axes=AX1", ["ON_A1", "ON_AX1", "FREE"]),  # the axis, its actions, and the unattached
    ("?services=RH", ["ON_A2", "ON_AX1", "ON_AX2", "FREE"]),
    ("?axes=__hors__", ["FREE"]),
    ("?action=A2", ["ON_A2"]),  # from an action's details
])
def test_in008_only_indicators_of_what_the_view_shows(query, shown):
    found = visible_indicators(FILTER_PLAN, parse_query(query), STATUS_DATE)
    assert [indicator.id for indicator in found] == shown


# --- what users read -------------------------------------------------------------------

def test_in009_figures_are_written_the_french_way():
    assert format_quantity(12_500, "personnes") == "12\u202f500\u00a0personnes"
    assert format_quantity(45, "%") == "45\u00a0%"
    assert format_quantity(45, "%", "en") == "45%"
    assert format_quantity(90_000, "€") == "90\u202f000 €"
    assert format_quantity(1_200, "nombre") == "1\u202f200"
    assert format_quantity(6.5, "jours") == "6,5\u00a0jours"


def test_in010_chart_draws_measures_the_dashed_trajectory_and_the_target():
    indicator = one([measure("I1", "2024-12-31", 300), measure("I1", "2025-12-31", 12_500,
                                                               unit="personnes")])
    figure = indicator_figure(indicator, "fr")
    by_name = {trace.name: trace for trace in figure.data}
    assert set(by_name) == {"Mesures", "Trajectoire", "Cible"}
    line = by_name["Trajectoire"]
    assert line.line.dash == "dash"
    assert list(line.x) == ["2024-01-01", "2027-12-31"] and list(line.y) == [0, 1200]
    assert by_name["Mesures"].mode == "lines+markers"
    assert list(by_name["Mesures"].y) == [300, 12_500]
    target = by_name["Cible"]
    assert (list(target.x), list(target.y), target.marker.symbol) == (["2027-12-31"], [1200],
                                                                      "star")
    assert by_name["Mesures"].customdata[1][1] == "12\u202f500"  # unit "nombre": bare count
    assert figure.layout.font.size >= 12 and FONT_PX >= 12
    assert figure.layout.legend.font.size >= 12 and figure.layout.hoverlabel.font.size >= 12
    english = indicator_figure(indicator, "en")
    assert {trace.name for trace in english.data} == {"Measures", "Trajectory", "Target"}


def test_in011_card_has_its_anchor_id_and_state_in_icon_and_words():
    on = one([measure("I01", "2024-12-31", 300, unit="%")])
    card = indicator_card(on, View(), "fr")
    assert card.id == "indicator-I01"
    assert state_text(on, "fr") == "✔ Sur la trajectoire"
    assert state_text(one([measure("I1", "2024-12-31", 1)]), "fr") == \
        "⚠ En retard sur la trajectoire"
    assert state_text(one([measure("I1", None, None)]), "fr") == "? Données insuffisantes"
    assert state_text(on, "en") == "✔ On track"


def test_in012_example_plan_known_states():
    plan = load_path(EXAMPLE_PLAN).plan
    found = {indicator.id: indicator for indicator in indicators(plan, plan.status_date())}
    assert list(found) == [f"I{number:02d}" for number in range(1, 16)]
    assert found["I15"].state == "unknown" and found["I15"].missing == ("measure",)
    # I07: 45 -> 7 days (lower is better), 12 days on 31 December 2025, ahead of the line.
    assert found["I07"].lower_is_better and found["I07"].state == "on_track"
    # I01: 35 % on 1 January 2023 -> 80 % on 31 December 2027 (1 825 days); on 30 September
    # 2026, 1 368 days in, the line is at 35 + 45 × 1 368 / 1 825 = 68.73 %: 68 % is behind.
    assert found["I01"].expected == pytest.approx(35 + 45 * 1368 / 1825)
    assert found["I01"].state == "off_track"
