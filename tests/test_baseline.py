"""Baseline comparison (`base=`): small hand-built plans, exact day counts and figures."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from loaders import load_path
from model.baseline import compare, compare_view, generated_milestone_ids
from model.plan import ACTION_COLUMNS, MILESTONE_COLUMNS, Plan, typed_frame
from model.view import parse_query
from tests.conftest import write_workbook

DAY = dt.date(2026, 10, 15)


def action(id, start, end, status="in_progress", weather="sunny", progress=None,
           title=None, service="DSI"):
    return {"id": id, "title": title or f"Action {id}", "start": start, "end": end,
            "status": status, "weather": weather, "progress": progress, "service": service,
            "depends_on": (), "extra": ()}


def milestone(id, action_id, title, planned, actual=None, status=None):
    return {"id": id, "action_id": action_id, "title": title, "planned": planned,
            "actual": actual, "status": status}


def plan(actions, milestones=(), version="v"):
    return Plan(actions=typed_frame(list(actions), ACTION_COLUMNS),
                milestones=typed_frame(list(milestones), MILESTONE_COLUMNS), version=version)


BASE = plan([
    action("A1", "2026-01-01", "2026-06-30", progress=0.2),
    action("A2", "2026-02-01", "2026-12-31", weather="sunny"),
    action("A3", "2026-03-01", "2027-03-31", status="planned"),
    action("A4", "2026-01-01", "2026-12-31"),
    action("OLD", "2026-01-01", "2026-03-31"),
], [
    milestone("J1", "A1", "Cahier des charges", "2026-03-31"),
    milestone("J2", "A2", "Mise en service", "2026-11-30"),
    milestone("J3", "A3", "Lancement", "2026-04-15"),
    milestone("J9", "OLD", "Fin", "2026-03-31", actual="2026-03-20"),
], version="b" * 64)

CURRENT = plan([
    action("A1", "2026-01-01", "2026-08-14", progress=0.65),       # end +45 days
    action("A2", "2026-02-11", "2027-01-10", weather="rainy"),      # start +10, end +10
    action("A3", "2026-03-01", "2027-01-31", status="in_progress"),  # end −59, status change
    action("A4", "2026-01-01", "2026-12-31"),                       # unchanged
    action("NEW", "2026-09-01", "2027-06-30"),
], [
    milestone("J1", "A1", "Cahier des charges", "2026-05-15"),      # +45 days
    milestone("J2", "A2", "Mise en service", "2026-10-01"),         # −60: now late
    milestone("J3", "A3", "Lancement", "2026-04-15", actual="2026-04-20"),
    milestone("J7", "NEW", "Kick-off", "2026-09-15"),
], version="c" * 64)


def row(frame, id):
    rows = frame[frame["id"] == id]
    assert len(rows) == 1, (id, list(frame["id"]))
    return rows.iloc[0]


def test_bl001_shifts_in_days_status_weather_and_progress():
    slip = compare(CURRENT, BASE, DAY)
    a1, a2, a3 = (row(slip.actions, id) for id in ("A1", "A2", "A3"))
    assert (a1.start_shift, a1.end_shift, a1.change) == (0, 45, "changed")
    assert a1.progress_gained == pytest.approx(45.0)
    assert (a2.start_shift, a2.end_shift) == (10, 10)
    assert (a2.base_weather, a2.weather, a2.weather_changed) == ("sunny", "rainy", True)
    assert not a2.status_changed
    assert (a3.end_shift, a3.base_status, a3.status, a3.status_changed) == (
        -59, "planned", "in_progress", True)
    assert row(slip.actions, "A4").change == "unchanged"
    assert row(slip.actions, "A4").end_shift == 0


def test_bl002_added_and_removed_actions_and_worst_first():
    slip = compare(CURRENT, BASE, DAY)
    assert row(slip.actions, "NEW").change == "added"
    old = row(slip.actions, "OLD")
    assert old.change == "removed" and old.title == "Action OLD" and pd.isna(old.end_shift)
    # Worst first: the largest end shift, then removed, added, unchanged, then earlier ends.
    assert list(slip.actions["id"]) == ["A1", "A2", "OLD", "NEW", "A4", "A3"]
    assert list(slip.changed_actions()["id"]) == ["A1", "A2", "OLD", "NEW", "A3"]


def test_bl003_key_figures():
    kpis = compare(CURRENT, BASE, DAY).kpis
    assert (kpis.compared, kpis.slipped, kpis.pulled_in) == (4, 2, 1)
    assert kpis.median_slip == 27.5  # median of +45 and +10
    assert (kpis.worst_slip, kpis.worst_action) == (45, "A1")
    assert (kpis.added, kpis.removed) == (1, 1)
    assert (kpis.status_changes, kpis.weather_changes) == (1, 1)
    assert (kpis.milestones_moved, kpis.milestones_now_late) == (2, 1)
    assert (kpis.milestones_added, kpis.milestones_removed) == (1, 1)


def test_bl004_milestones_shift_and_now_late():
    slip = compare(CURRENT, BASE, DAY)
    j1, j2 = row(slip.milestones, "J1"), row(slip.milestones, "J2")
    assert (j1.planned_shift, j1.now_late, j1.change) == (45, False, "changed")
    # Planned 30 November in the baseline (on time at 15 October), 1 October now (late).
    assert (j2.planned_shift, j2.late, j2.base_late, j2.now_late) == (-60, True, False, True)
    j3 = row(slip.milestones, "J3")  # late in the baseline (no actual date), done now
    assert (j3.planned_shift, j3.base_late, j3.late, j3.change) == (0, True, False, "unchanged")
    assert row(slip.milestones, "J7").change == "added"
    assert row(slip.milestones, "J9").change == "removed"
    assert row(slip.milestones, "J9").action_title == "Action OLD"
    assert list(slip.milestones["id"])[0] == "J2"  # now late leads
    assert set(slip.changed_milestones()["id"]) == {"J1", "J2", "J7", "J9"}


def test_bl005_an_unchanged_plan_has_no_slip():
    slip = compare(BASE, BASE, DAY)
    kpis = slip.kpis
    assert (kpis.compared, kpis.slipped, kpis.pulled_in) == (5, 0, 0)
    assert (kpis.added, kpis.removed) == (0, 0)
    assert (kpis.median_slip, kpis.worst_slip, kpis.worst_action) == (None, None, None)
    assert (kpis.milestones_moved, kpis.milestones_now_late) == (0, 0)
    assert set(slip.actions["change"]) == {"unchanged"}
    assert slip.changed_actions().empty and slip.changed_milestones().empty
    assert list(slip.actions["end_shift"]) == [0] * 5


def test_bl006_generated_milestone_ids_match_by_action_and_title():
    # No id column: the loader made « copil », « copil-2 »… in sheet order. A row inserted
    # above renames the others; matching by action and title keeps each one's history.
    both = [action("A1", "2026-01-01", "2026-12-31"), action("A2", "2026-01-01", "2026-12-31")]
    base = plan(both,
                [milestone("copil", "A1", "COPIL", "2026-03-01"),
                 milestone("copil-2", "A2", "COPIL", "2026-06-01")])
    current = plan(both,
                   [milestone("copil", "A2", "COPIL", "2026-06-11"),
                    milestone("copil-2", "A1", "COPIL", "2026-03-01"),
                    milestone("copil-3", "A1", "Copil", "2026-09-01")])
    slip = compare(current, base, DAY, generated={"copil", "copil-2", "copil-3"},
                   base_generated={"copil", "copil-2"})
    rows = slip.milestones.set_index("id")
    assert (rows.loc["copil", "action_id"], rows.loc["copil", "base_id"],
            rows.loc["copil", "planned_shift"]) == ("A2", "copil-2", 10)
    assert (rows.loc["copil-2", "base_id"], rows.loc["copil-2", "planned_shift"]) == ("copil", 0)
    assert rows.loc["copil-3", "change"] == "added"  # A1's second COPIL is new
    assert slip.kpis.milestones_removed == 0 and slip.kpis.milestones_moved == 1
    # Matched by id instead, the same ids would pair milestones of different actions.
    naive = compare(current, base, DAY).milestones.set_index("id")
    assert naive.loc["copil", "base_planned"] == base.milestones["planned"].iloc[0]


def test_bl007_filters_apply_to_each_version():
    view = parse_query("statuts=in_progress")
    slip = compare_view(CURRENT, BASE, view, DAY)
    # A3 was planned, is in progress now: shown; OLD (in progress in the baseline) removed.
    assert set(slip.actions["id"]) == {"A1", "A2", "A3", "A4", "NEW", "OLD"}
    only = compare(CURRENT, BASE, DAY, visible={"A1"}, base_visible=set())
    assert list(only.actions["id"]) == ["A1"]
    assert set(only.milestones["id"]) == {"J1"}
    assert only.kpis.removed == 0


def test_bl008_generated_ids_are_read_from_the_loaders_warnings(tmp_path):
    path = write_workbook(tmp_path / "plan.xlsx", {
        "Plan": [["id", "action", "début", "fin"],
                 ["A1", "Une action", "01/01/2026", "31/12/2026"]],
        "Jalons": [["action", "jalon", "date"], ["A1", "COPIL", "01/03/2026"],
                   ["A1", "COPIL", "01/06/2026"]],
    })
    loaded = load_path(path)
    assert generated_milestone_ids(loaded.problems, loaded.sheets) == {"copil", "copil-2"}
