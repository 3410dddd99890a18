"""The timeline figure, read as data: bands, bar spans, hatched segments, markers, escaping."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from components.timeline import timeline_figure
from loaders import load_path
from model.view import View

D = dt.date
STATUS_DATE = D(2026, 10, 15)  # current municipal term: 22 March 2026 – 21 March 2032


@pytest.fixture
def plan(make_workbook):
    return load_path(make_workbook({
        "Stratégie": [["id", "axe", "début", "fin"],
                      ["AX1", "Services en ligne", D(2022, 1, 1), D(2035, 12, 31)],
                      ["AX2", "Sans action", D(2024, 1, 1), D(2030, 12, 31)]],
        "Plan": [["id", "axe", "action", "début", "fin", "statut", "avancement"],
                 ["A1", "AX1", "Portail", D(2024, 1, 1), D(2025, 12, 31), "terminé", 1],
                 ["A2", "AX1", "<b>GRU</b> & co", D(2025, 1, 1), D(2033, 6, 30), "en cours", 0.5],
                 ["A3", None, "Hors axe", D(2026, 1, 1), D(2026, 12, 31), "à lancer", 0]],
        "Jalons": [["id", "action", "jalon", "date", "date réelle"],
                   ["J1", "A2", "Fait", D(2025, 6, 1), D(2025, 6, 3)],
                   ["J2", "A2", "En retard", D(2026, 9, 1), None],
                   ["J3", "A2", "Bientôt", D(2026, 11, 1), None]],
    })).plan


def bars(figure, name=None):
    return [t for t in figure.data if t.type == "bar" and (name is None or t.name == name)]


def spans(trace):
    """(y, start, end exclusive) of each bar of a trace."""
    return [(y, pd.Timestamp(base), pd.Timestamp(base) + pd.Timedelta(milliseconds=x))
            for y, base, x in zip(trace.y, trace.base, trace.x)]


def test_tl001_one_band_per_axis_and_outside_band(plan):
    figure = timeline_figure(plan, View(), STATUS_DATE)
    labels = list(figure.layout.yaxis.ticktext)
    assert labels[0] == "<b>Services en ligne</b>"
    assert "<b>Sans action</b>" in labels
    assert labels[-2:] == ["<b>Hors stratégie</b>", "Hors axe"]
    band_traces = [t for t in bars(figure) if t.legendgroup == "bands"]
    band_spans = sorted(span for t in band_traces for span in spans(t))
    # The axis band 2022–2035 is cut at the term's end (21 March 2032) into two segments.
    starts_ends = [(start.date(), end.date()) for _y, start, end in band_spans]
    assert (D(2022, 1, 1), D(2032, 3, 21)) in starts_ends
    assert (D(2032, 3, 21), D(2036, 1, 1)) in starts_ends


def test_tl002_bar_spans_are_the_actions_dates_end_inclusive(plan):
    figure = timeline_figure(plan, View(), STATUS_DATE)
    done = bars(figure, "Terminé")[0]
    assert [(s.date(), e.date()) for _y, s, e in spans(done)] == [(D(2024, 1, 1), D(2026, 1, 1))]


def test_tl003_only_the_part_past_the_term_is_hatched(plan):
    figure = timeline_figure(plan, View(), STATUS_DATE)
    running = [t for t in bars(figure) if t.legendgroup == "c-En cours"]
    plain = [t for t in running if not (t.marker.pattern and t.marker.pattern.shape)]
    hatched = [t for t in running if t.marker.pattern and t.marker.pattern.shape]
    assert [(s.date(), e.date()) for t in plain for _y, s, e in spans(t)] == [
        (D(2025, 1, 1), D(2032, 3, 21))]
    assert [(s.date(), e.date()) for t in hatched for _y, s, e in spans(t)] == [
        (D(2032, 3, 21), D(2033, 7, 1))]


def test_tl004_milestones_by_state_with_distinct_shapes(plan):
    figure = timeline_figure(plan, View(), STATUS_DATE)
    markers = {t.name: (t.marker.symbol, list(t.x)) for t in figure.data if t.type == "scatter"}
    assert markers == {"Jalon réalisé": ("circle", ["2025-06-01"]),
                       "Jalon en retard": ("x", ["2026-09-01"]),
                       "Jalon à venir (90 jours)": ("diamond", ["2026-11-01"])}


def test_tl005_user_text_is_escaped(plan):
    figure = timeline_figure(plan, View(), STATUS_DATE)
    assert "&lt;b&gt;GRU&lt;/b&gt; &amp; co" in figure.layout.yaxis.ticktext
    assert not any("<b>GRU" in str(t.customdata) for t in bars(figure) if t.customdata is not None)


def test_tl006_terms_and_status_date_are_drawn(plan):
    figure = timeline_figure(plan, View(), STATUS_DATE)
    texts = [a.text for a in figure.layout.annotations]
    assert "Mandat 2020–2026" in texts
    assert "Mandat 2026–2032 (date provisoire)" in texts
    assert "Date de situation : 15 octobre 2026" in texts
    lines = {pd.Timestamp(s.x0).date() for s in figure.layout.shapes}
    assert {D(2020, 6, 28), D(2026, 3, 22), D(2032, 3, 21), D(2026, 10, 15)} <= lines


def test_tl007_english_labels(plan):
    figure = timeline_figure(plan, View(lang="en"), STATUS_DATE)
    assert "<b>Outside the strategy</b>" in figure.layout.yaxis.ticktext
    assert "Status date: 15 October 2026" in [a.text for a in figure.layout.annotations]
