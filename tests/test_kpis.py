"""Key figures of a view, on a tiny plan whose answers are counted by hand.

Status date 15 October 2026: the current municipal term runs from 22 March 2026 to
21 March 2032.
"""
from __future__ import annotations

import datetime as dt

import pytest

from components.kpis import kpi_strip, past_term_summary
from loaders import load_path
from model.kpis import compute_kpis
from model.view import View

D = dt.date
STATUS_DATE = D(2026, 10, 15)


@pytest.fixture
def plan(make_workbook):
    return load_path(make_workbook({
        "Stratégie": [["id", "axe", "début", "fin"],
                      ["AX1", "Services en ligne", D(2022, 1, 1), D(2035, 12, 31)],
                      ["AX2", "Sans action", D(2024, 1, 1), D(2030, 12, 31)],
                      ["AX3", "Infrastructures", D(2022, 1, 1), D(2032, 12, 31)]],
        "Plan": [["id", "axe", "action", "début", "fin", "statut", "avancement", "budget"],
                 # 731 days, done: not late.
                 ["A1", "AX1", "Portail", D(2024, 1, 1), D(2025, 12, 31), "terminé", 1, 100_000],
                 # 3,103 days, runs past the term's end.
                 ["A2", "AX1", "GRU", D(2025, 1, 1), D(2033, 6, 30), "en cours", 0.5, 1_000_000],
                 # 181 days, ended before the status date and not done: late.
                 ["A3", None, "Hors axe", D(2026, 1, 1), D(2026, 6, 30), "à lancer", 0, None],
                 # No progress given; past the term.
                 ["A4", "AX3", "Cloud", D(2027, 1, 1), D(2032, 12, 31), "à lancer", None, 200_000],
                 # Abandoned: never late, and no commitment past the term.
                 ["A5", "AX3", "Appli", D(2025, 1, 1), D(2033, 3, 31), "abandonné", None, 50_000]],
        "Jalons": [["id", "action", "jalon", "date", "date réelle", "statut"],
                   ["J1", "A2", "Fait", D(2025, 6, 1), D(2025, 6, 3), None],
                   ["J2", "A2", "En retard", D(2026, 9, 1), None, None],
                   ["J3", "A2", "Dans 17 jours", D(2026, 11, 1), None, None],
                   ["J4", "A4", "Dans 87 jours", D(2027, 1, 10), None, None],
                   ["J5", "A3", "Le jour même", D(2026, 10, 15), None, None],
                   ["J6", "A1", "Fait sans date", D(2025, 1, 1), None, "terminé"]],
    })).plan


def test_kp001_whole_plan(plan):
    kpis = compute_kpis(plan, View(), STATUS_DATE)
    assert kpis.actions == 5
    assert kpis.by_status == (("planned", 2), ("in_progress", 1), ("done", 1), ("abandoned", 1))
    assert kpis.weighted_progress == pytest.approx((731 * 1 + 3103 * 0.5 + 181 * 0)
                                                   / (731 + 3103 + 181))
    assert kpis.late_actions == 1  # A3
    assert kpis.late_milestones == 1  # J2
    assert (kpis.upcoming_30, kpis.upcoming_90) == (2, 3)  # J3, J5 / J3, J4, J5
    assert kpis.past_term.term == "2026–2032"
    assert kpis.past_term.end == D(2032, 3, 21)
    assert (kpis.past_term.count, kpis.past_term.budget) == (2, 1_200_000)
    assert kpis.past_term.axes == (("AX1", 1), ("AX3", 1))
    assert kpis.outside_strategy == 1
    assert kpis.axes_without_action == ("AX2",)


def test_kp002_figures_follow_the_filters(plan):
    kpis = compute_kpis(plan, View(axes=("AX1",)), STATUS_DATE)
    assert (kpis.actions, kpis.late_actions, kpis.late_milestones) == (2, 0, 1)
    assert (kpis.upcoming_30, kpis.upcoming_90) == (1, 1)
    assert (kpis.past_term.count, kpis.past_term.budget) == (1, 1_000_000)
    assert kpis.outside_strategy == 0
    # AX2 is a gap of the strategy, but this view does not show AX2.
    assert kpis.axes_without_action == ()
    outside = compute_kpis(plan, View(axes=("__hors__",)), STATUS_DATE)
    assert (outside.actions, outside.outside_strategy, outside.upcoming_30) == (1, 1, 1)
    late = compute_kpis(plan, View(late_only=True), STATUS_DATE)
    assert late.actions == 1 and late.by_status == (("planned", 1),)


def test_kp003_no_budget_no_progress_no_term(plan):
    kpis = compute_kpis(plan, View(axes=("AX3",), statuses=("abandoned",)), STATUS_DATE)
    assert kpis.weighted_progress is None
    assert (kpis.past_term.count, kpis.past_term.budget) == (0, None)
    far = compute_kpis(plan, View(), D(2045, 1, 1))  # no built-in term holds 2045
    assert far.past_term.term is None and far.past_term.count == 0


def text_of(component) -> str:
    """The text a component tree renders, children in order."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(child) for child in component)
    return text_of(getattr(component, "children", None))


def test_kp004_strip_and_summary_speak_french_and_english(plan):
    kpis = compute_kpis(plan, View(), STATUS_DATE)
    strip = text_of(kpi_strip(kpis, plan, "fr"))
    assert "57\xa0%" in strip
    assert "2 actions · 1,2\xa0M\xa0€" in strip
    assert "Au-delà du mandat 2026–2032" in strip
    assert "Sans action" in strip  # the axis without any action, by its title
    summary = text_of(past_term_summary(kpis, plan, "fr"))
    assert "2 actions dépassent la fin du mandat (le 21 mars 2032)." in summary
    assert "1\u202f200\u202f000 €" in summary
    assert "Services en ligne (1)" in summary and "Infrastructures (1)" in summary
    english = text_of(past_term_summary(kpis, plan, "en"))
    assert "2 actions run past the end of the term (21 March 2032)." in english
    assert "€1,200,000" in english
