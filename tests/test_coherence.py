"""Coherence between strategy and plan: small plans with hand-computed day counts."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from components.coherence_view import coherence_view, matrix_table
from components.i18n import format_money
from loaders import load_path
from model.coherence import budget_by_year, coherence_report
from model.filters import OUTSIDE
from model.plan import (ACTION_COLUMNS, AXIS_COLUMNS, MILESTONE_COLUMNS, TERM_COLUMNS, Plan,
                        typed_frame)
from model.view import View, parse_query
from settings import EXAMPLE_PLAN

STATUS_DATE = dt.date(2026, 10, 15)
# One term from 2020 to the first day of 2027: "past the term" starts on 1 January 2027.
TERMS = typed_frame([{"label": "2020–2027", "start": pd.Timestamp("2020-01-01"),
                      "end": pd.Timestamp("2027-01-01"), "kind": "municipal",
                      "provisional": False}], TERM_COLUMNS)


def axis(id: str, start: str, end: str, title: str | None = None) -> dict:
    return {"id": id, "title": title or f"Axe {id}", "start": pd.Timestamp(start),
            "end": pd.Timestamp(end)}


def action(id: str, axis_id: str | None, start: str, end: str, budget: float | None = None,
           status: str | None = "in_progress", **extra) -> dict:
    return {"id": id, "axis_id": axis_id, "title": f"Action {id}", "start": pd.Timestamp(start),
            "end": pd.Timestamp(end), "budget": budget, "status": status, **extra}


def milestone(id: str, action_id: str, planned: str, actual: str | None = None) -> dict:
    return {"id": id, "action_id": action_id, "title": f"Jalon {id}",
            "planned": pd.Timestamp(planned), "actual": pd.Timestamp(actual) if actual else None}


def make_plan(axes: list[dict], actions: list[dict], milestones: list[dict] = (),
              terms: pd.DataFrame | None = TERMS) -> Plan:
    return Plan(axes=typed_frame(axes, AXIS_COLUMNS), actions=typed_frame(actions, ACTION_COLUMNS),
                milestones=typed_frame(list(milestones), MILESTONE_COLUMNS), terms=terms)


def report(plan: Plan, query: str = "", status_date: dt.date = STATUS_DATE):
    return coherence_report(plan, parse_query(query), status_date)


# --- budget spread over the years ------------------------------------------------------

def test_co001_budget_is_spread_over_years_in_proportion_to_days():
    plan = make_plan([axis("AX1", "2020-01-01", "2030-12-31")],
                     [action("A1", "AX1", "2025-07-01", "2026-06-30", 100_000)])
    spread = budget_by_year(plan.actions)
    # 1 July – 31 December 2025: 184 days; 1 January – 30 June 2026: 181 days; 365 in all.
    assert spread.loc["A1", 2025] == pytest.approx(100_000 * 184 / 365)
    assert spread.loc["A1", 2026] == pytest.approx(100_000 * 181 / 365)
    assert round(spread.loc["A1", 2025]) == 50_411 and round(spread.loc["A1", 2026]) == 49_589


def test_co002_leap_day_counts_and_single_day_actions():
    plan = make_plan([axis("AX1", "2020-01-01", "2030-12-31")], [
        # 31 days of December 2023 + 31 of January and 29 of February 2024 = 91 days.
        action("A1", "AX1", "2023-12-01", "2024-02-29", 91_000),
        action("A2", "AX1", "2024-05-01", "2024-05-01", 5_000),  # one day, inclusive
    ])
    spread = budget_by_year(plan.actions, [2023, 2024, 2025])
    assert spread.loc["A1"].tolist() == pytest.approx([31_000, 60_000, 0])
    assert spread.loc["A2"].tolist() == pytest.approx([0, 5_000, 0])


def test_co003_matrix_counts_actions_per_axis_and_year_with_outside_row():
    plan = make_plan(
        [axis("AX1", "2020-01-01", "2030-12-31"), axis("AX2", "2020-01-01", "2030-12-31")],
        [action("A1", "AX1", "2025-07-01", "2026-06-30", 100_000),
         action("A2", "AX1", "2026-01-01", "2026-12-31", 36_500),
         action("A3", None, "2028-01-01", "2028-12-31", None)])
    matrix = report(plan).matrix
    assert matrix.years == (2025, 2026, 2027, 2028)  # 2027 kept: a year with nothing shows
    assert list(matrix.rows.index) == ["AX1", "AX2", OUTSIDE]
    assert matrix.actions.loc["AX1"].tolist() == [1, 2, 0, 0]
    assert matrix.actions.loc["AX2"].tolist() == [0, 0, 0, 0]  # an axis the plan does not serve
    assert matrix.actions.loc[OUTSIDE].tolist() == [0, 0, 0, 1]
    assert matrix.budget.loc["AX1"].round().tolist() == [50_411, 49_589 + 36_500, 0, 0]
    assert matrix.rows.loc["AX1", "actions"] == 2 and matrix.rows.loc["AX1", "budget"] == 136_500
    assert matrix.year_actions.tolist() == [1, 2, 0, 1]
    assert matrix.year_budget.sum() == pytest.approx(136_500)
    assert matrix.unbudgeted == 1


def test_co004_axis_filter_keeps_one_row():
    plan = make_plan(
        [axis("AX1", "2020-01-01", "2030-12-31"), axis("AX2", "2020-01-01", "2030-12-31")],
        [action("A1", "AX1", "2025-01-01", "2025-12-31", 10), action("A2", "AX2", "2027-01-01",
                                                                    "2027-12-31", 20),
         action("A3", None, "2026-01-01", "2026-12-31", 30)])
    only_ax2 = report(plan, "?axes=AX2").matrix
    assert list(only_ax2.rows.index) == ["AX2"] and only_ax2.years == (2027,)
    outside = report(plan, "?axes=__hors__").matrix
    assert list(outside.rows.index) == [OUTSIDE] and outside.years == (2026,)


# --- lists -----------------------------------------------------------------------------

def test_co005_axes_with_no_open_action_in_the_next_12_months():
    plan = make_plan([
        axis("SERVED", "2020-01-01", "2030-12-31"),
        axis("DONE", "2020-01-01", "2030-12-31"),
        axis("LATER", "2020-01-01", "2030-12-31"),
        axis("OVER", "2015-01-01", "2025-12-31"),  # horizon over: nothing expected of it
        axis("EMPTY", "2027-06-01", "2030-12-31"),  # starts inside the window
    ], [
        action("A1", "SERVED", "2027-10-15", "2028-12-31"),  # starts on the window's last day
        action("A2", "DONE", "2026-01-01", "2026-12-31", status="done"),
        action("A3", "LATER", "2027-10-16", "2028-12-31"),  # a day too late
        action("A4", "LATER", "2029-01-01", "2029-12-31"),
    ])
    coherence = report(plan)
    assert coherence.window_end == pd.Timestamp("2027-10-15")
    idle = coherence.idle_axes.set_index("id")
    assert list(idle.index) == ["DONE", "LATER", "EMPTY"]
    assert idle.loc["LATER", "next_start"] == pd.Timestamp("2027-10-16")
    assert pd.isna(idle.loc["EMPTY", "next_start"])


def test_co006_actions_outside_the_strategy_and_outside_their_axis_horizon():
    plan = make_plan([axis("AX1", "2024-01-01", "2027-12-31")], [
        action("A1", "AX1", "2023-06-01", "2025-12-31"),  # starts before
        action("A2", "AX1", "2025-01-01", "2028-06-30"),  # ends after
        action("A3", "AX1", "2023-01-01", "2029-12-31"),  # both
        action("A4", "AX1", "2024-01-01", "2027-12-31"),  # exactly the horizon: fine
        action("A5", None, "2025-01-01", "2025-12-31"),
    ])
    coherence = report(plan)
    assert coherence.outside_strategy["id"].tolist() == ["A5"]
    flags = coherence.outside_horizon.set_index("id")[["starts_before", "ends_after"]]
    assert flags.to_dict("index") == {"A1": {"starts_before": True, "ends_after": False},
                                      "A2": {"starts_before": False, "ends_after": True},
                                      "A3": {"starts_before": True, "ends_after": True}}


def test_co007_milestones_outside_their_action_dates():
    plan = make_plan([axis("AX1", "2020-01-01", "2030-12-31")], [
        action("A1", "AX1", "2025-01-01", "2025-12-31", service="DSI"),
        action("A2", "AX1", "2025-01-01", "2025-12-31", service="RH"),
    ], [
        milestone("J1", "A1", "2025-06-30"),  # inside
        milestone("J2", "A1", "2026-01-01"),  # planned a day after the end
        milestone("J3", "A1", "2025-03-31", actual="2024-12-31"),  # done a day before the start
        milestone("J4", "A1", "2025-12-31", actual="2025-12-31"),  # on the last day: inside
        milestone("J5", "A2", "2027-01-01"),  # outside, but A2 is filtered out below
    ])
    everything = report(plan).milestones_outside.set_index("id")
    assert everything.index.tolist() == ["J2", "J3", "J5"]
    assert everything.loc["J2", ["planned_outside", "actual_outside"]].tolist() == [True, False]
    assert everything.loc["J3", ["planned_outside", "actual_outside"]].tolist() == [False, True]
    assert report(plan, "?services=DSI").milestones_outside["id"].tolist() == ["J2", "J3"]


def test_co008_commitments_past_the_term_whole_and_prorated():
    plan = make_plan([axis("AX1", "2020-01-01", "2030-12-31"),
                      axis("AX2", "2020-01-01", "2030-12-31")], [
        # 730 days, of which 2027 (365 days) lie past the term: half the budget.
        action("A1", "AX1", "2026-01-01", "2027-12-31", 730_000),
        action("A2", "AX1", "2027-03-01", "2027-06-30", 50_000),  # wholly past the term
        action("A3", "AX1", "2025-01-01", "2026-12-31", 99_000),  # ends on the term's last day
        action("A4", "AX1", "2026-01-01", "2028-12-31", 1_000, status="abandoned"),
        action("A5", "AX2", "2026-12-31", "2027-01-01", None),  # no budget: counted, 0 €
        action("A6", None, "2026-07-01", "2027-06-30", 365_000),
    ])
    coherence = report(plan)
    assert coherence.term_end == pd.Timestamp("2027-01-01")
    past = coherence.past_term
    assert list(past.index) == ["AX1", "AX2", OUTSIDE]
    assert past.loc["AX1", "actions"] == 2
    assert past.loc["AX1", "budget"] == 780_000
    assert past.loc["AX1", "budget_past_term"] == pytest.approx(365_000 + 50_000)
    assert past.loc["AX2", ["actions", "budget", "budget_past_term"]].tolist() == [1, 0, 0]
    # 1 July 2026 – 30 June 2027: 365 days, 181 of them in 2027.
    assert past.loc[OUTSIDE, "budget_past_term"] == pytest.approx(365_000 * 181 / 365)


def test_co009_no_current_term_means_no_past_term_list():
    terms = typed_frame([{"label": "old", "start": pd.Timestamp("2010-01-01"),
                          "end": pd.Timestamp("2015-01-01"), "kind": "municipal",
                          "provisional": False}], TERM_COLUMNS)
    plan = make_plan([axis("AX1", "2020-01-01", "2030-12-31")],
                     [action("A1", "AX1", "2026-01-01", "2027-12-31", 10)], terms=terms)
    coherence = report(plan)
    assert coherence.term_end is None and coherence.past_term.empty


def test_co010_example_plan_gaps():
    plan = load_path(EXAMPLE_PLAN).plan
    coherence = coherence_report(plan, View(), plan.status_date())
    assert coherence.idle_axes["id"].tolist() == ["AX6"]  # « Territoire intelligent »
    assert coherence.outside_strategy["id"].tolist() == ["A39"]
    assert coherence.outside_horizon.empty and coherence.milestones_outside.empty
    matrix = coherence.matrix
    assert matrix.years == tuple(range(2023, 2034))
    assert list(matrix.rows.index) == ["AX1", "AX2", "AX3", "AX4", "AX5", "AX6", OUTSIDE]
    assert matrix.year_budget.sum() == pytest.approx(plan.actions["budget"].sum())
    # Past the 2026–2032 term (from 21 March 2032): A09 (AX1), A24, A29, A30 (AX4).
    assert coherence.past_term["actions"].to_dict() == {"AX1": 1, "AX4": 3}


# --- the page's HTML -------------------------------------------------------------------

def walk(component):
    """Every Dash component of a layout tree, depth first."""
    if isinstance(component, (list, tuple)):
        for child in component:
            yield from walk(child)
        return
    if not hasattr(component, "to_plotly_json"):
        return
    yield component
    yield from walk(getattr(component, "children", None))


def text_of(component) -> str:
    if isinstance(component, str):
        return component
    if isinstance(component, (list, tuple)):
        return "".join(text_of(child) for child in component)
    children = getattr(component, "children", None)
    return "" if children is None else text_of(children)


def test_co011_matrix_is_an_accessible_table_with_french_money():
    plan = make_plan([axis("AX1", "2020-01-01", "2030-12-31", "Services en ligne")],
                     [action("A1", "AX1", "2026-01-01", "2026-12-31", 1_250_000)])
    table = matrix_table(report(plan).matrix, View(), "fr")
    kinds = [type(node).__name__ for node in walk(table)]
    assert "Caption" in kinds
    headers = [node for node in walk(table) if type(node).__name__ == "Th"]
    assert {header.scope for header in headers} == {"col", "row"}
    assert [text_of(h) for h in headers if h.scope == "row"] == [
        "Services en ligne indicateurs de l'axe Services en ligne", "Total"]
    links = [node for node in walk(table) if type(node).__name__ == "Link"]
    assert [link.href for link in links] == ["/indicateurs?axes=AX1"]  # reachable from its axis
    cells = [text_of(node) for node in walk(table) if type(node).__name__ == "Td"]
    assert cells[0] == "1 action" + format_money(1_250_000) == "1 action1\u202f250\u202f000 €"


def test_co012_page_has_one_h2_per_list_with_its_count():
    plan = make_plan([axis("AX1", "2020-01-01", "2030-12-31")],
                     [action("A1", None, "2026-01-01", "2026-12-31", 10)])
    view = parse_query("?lang=en")
    content = coherence_view(report(plan, "?lang=en"), view, STATUS_DATE, "en")
    headings = [text_of(node) for node in walk(content) if type(node).__name__ == "H2"]
    assert headings == ["Strategy – plan coherence", "Actions and budget per axis and year",
                        "Axes with no action in the next 12 months 1",
                        "Actions outside the strategy 1",
                        "Actions outside their axis's horizon 0",
                        "Milestones outside their action's dates 0",
                        "Commitments past the current term 0"]
    links = [node.href for node in walk(content) if type(node).__name__ == "Link"]
    # The axis's indicators, and the action's details on the timeline.
    assert links == ["/indicateurs?axes=AX1&lang=en", "/?action=A1&lang=en"]


def test_co013_long_lists_show_their_first_items_and_the_full_count():
    plan = make_plan([axis("AX1", "2020-01-01", "2030-12-31")],
                     [action(f"A{number:02d}", None, "2026-01-01", "2026-12-31")
                      for number in range(60)])
    content = coherence_view(report(plan), View(), STATUS_DATE, "fr")
    (section,) = [node for node in walk(content) if getattr(node, "id", None)
                  == "coherence-outside-strategy"]
    assert text_of(section.children[0]) == "Actions hors stratégie 60"
    assert len([node for node in walk(section) if type(node).__name__ == "Li"]) == 50
    assert text_of(section.children[-1]).startswith("Les 50 premiers sur 60")
