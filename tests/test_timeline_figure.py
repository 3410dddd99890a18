"""The timeline figure, read as data: bands, bar spans, hatched segments, markers, escaping,
hover text, text sizes, the figure's height and what happens with many actions."""
from __future__ import annotations

import datetime as dt
import html
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from bench.synthetic import synthetic_plan
from components.i18n import format_day, format_money, format_share
from components.palettes import MILESTONE_STYLES
from components import timeline
from components.timeline import (MIN_FONT_PX, ROW_PX_MIN, TALL_ROWS, decoded, format_days,
                                 format_shares, text_px, timeline_figure,
                                 with_template_applied)
from loaders import load_path
from model.view import View
from settings import EXAMPLE_PLAN

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


def milestones(figure):
    return [t for t in figure.data if t.type == "scatter" and t.mode == "markers"
            and (t.name or "").startswith(("Jalon", "Milestone", "Late", "Upcoming", "Later"))]


def arr(value) -> np.ndarray:
    """A trace's array as numpy: the figure writes numbers as typed arrays (base64)."""
    return decoded(value)


def bases(trace) -> np.ndarray:
    """Each bar's base (a trace whose bars all start on the same day has one, for all)."""
    return np.broadcast_to(np.asarray(trace.base, dtype=object), arr(trace.y).shape)


def spans(trace):
    """(y, start, end exclusive) of each bar of a trace, to the hour: a bar ends minutes
    before the day after its end (its hover reads that day from `%{x}`; its length is a
    float32)."""
    return [(y, pd.Timestamp(base),
             (pd.Timestamp(base) + pd.Timedelta(milliseconds=float(x))).round("h"))
            for y, base, x in zip(arr(trace.y), bases(trace), arr(trace.x))]


def day(milliseconds: float) -> dt.date:
    """The day of a marker (drawn at noon, in float32: to within 2 minutes)."""
    return pd.Timestamp(float(milliseconds), unit="ms").date()


def nearest_day(milliseconds: float) -> dt.date:
    """The day a float32 boundary (midnight, to within 2 minutes) stands for."""
    return pd.Timestamp(float(milliseconds), unit="ms").round("D").date()


def hover(figure, trace, index: int, lang: str = "fr") -> str:
    """The hover text Plotly shows for one point, substituted as the browser does (checked
    in Chromium): `%{y}` is the row's tick text, `|%-d %B %Y` formats a day (a `YYYY-MM-DD`
    text or milliseconds) with the month names of the page's locale (French from
    assets/plotly-locale-fr.js), `:$,.0f` writes whole euros with the currency of
    PLOTLY_LOCALES (`test_bt…_budgets_as_plotly_writes_them` checks it against Babel's),
    a missing field is empty (`hovertemplatefallback`)."""
    rows = dict(zip(arr(figure.layout.yaxis.tickvals), figure.layout.yaxis.ticktext))
    template = trace.hovertemplate  # else the one the layout's template gives its type
    if template is None:
        (template,) = [t.hovertemplate for t in getattr(figure.layout.template.data,
                                                         trace.type)]

    def value(match):
        name, position, number_format, day_format = match.groups()
        if name == "y":
            return rows[int(arr(trace.y)[index])]
        if name == "fullData.name":
            return trace.name
        if name == "customdata":
            row = trace.customdata[index]
            found = row[int(position)] if int(position) < len(row) else ""
        elif name == "meta":
            found = trace.meta[int(position)]
        elif name == "x" and trace.type == "scatter":
            found = pd.Timestamp(float(arr(trace.x)[index]), unit="ms")
        elif name == "x":  # a bar's end: its base plus its length
            found = pd.Timestamp(bases(trace)[index]) + pd.Timedelta(
                milliseconds=float(arr(trace.x)[index]))
        elif name == "base":
            found = bases(trace)[index]
        else:
            found = getattr(trace, name)[index]
        if day_format:
            return plotly_day(pd.Timestamp(found), day_format, lang)
        if number_format and found != "":
            assert number_format == "$,.0f"
            return format_money(float(found), lang).replace("\u202f", " ").replace("\xa0", " ")
        return str(found)
    text = re.sub(r"%\{(customdata|meta|text|hovertext|base|x|y|fullData\.name)(?:\[(\d+)\])?"
                  r"(?::([^}|]*))?(?:\|([^}]*))?\}", value, template)
    return text.replace("<extra></extra>", "")


FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                 "septembre", "octobre", "novembre", "décembre")


def plotly_day(day: pd.Timestamp, day_format: str, lang: str) -> str:
    """A day as d3 writes it: `%-d` unpadded, `%B` in the page's language."""
    month = FRENCH_MONTHS[day.month - 1] if lang == "fr" else day.month_name()
    return (day_format.replace("%-d", str(day.day)).replace("%B", month)
            .replace("%Y", str(day.year)))


def point(figure, action_id: str, hatched: bool = False):
    """(trace, index) of an action's bar, or of its part past the term."""
    for trace in bars(figure):
        if trace.customdata is None or bool(trace.marker.pattern.shape) != hatched:
            continue
        for index, row in enumerate(trace.customdata):
            if row[0] == action_id:
                return trace, index
    raise AssertionError(f"no bar for {action_id}")


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
    hatched = [t for t in band_traces if t.marker.pattern.shape]
    assert [(s.date(), e.date()) for t in hatched for _y, s, e in spans(t)] == [
        (D(2032, 3, 21), D(2036, 1, 1))]  # « Sans action » ends in 2030: not hatched


def test_tl002_bar_spans_are_the_actions_dates_end_inclusive(plan):
    figure = timeline_figure(plan, View(), STATUS_DATE)
    done = bars(figure, "Terminé")[0]
    assert [(s.date(), e.date()) for _y, s, e in spans(done)] == [(D(2024, 1, 1), D(2026, 1, 1))]


def test_tl003_only_the_part_past_the_term_is_hatched(plan):
    # A2 runs past the term's end (21 March 2032): its bar spans its whole dates, and a
    # hatched white veil, drawn over it, covers exactly the part past the term.
    figure = timeline_figure(plan, View(), STATUS_DATE)
    (running,) = [t for t in bars(figure) if t.legendgroup == "c-En cours"]
    assert not running.marker.pattern.shape
    assert [(s.date(), e.date()) for _y, s, e in spans(running)] == [
        (D(2025, 1, 1), D(2033, 7, 1))]
    (veil,) = [t for t in bars(figure) if t.legendgroup == "past" and not t.name]  # not the key
    assert veil.marker.color == timeline.PAST_TERM_VEIL and veil.hoverinfo == "skip"
    assert [(y, s.date(), e.date()) for y, s, e in spans(veil)] == [
        (arr(running.y)[0], D(2032, 3, 21), D(2033, 7, 1))]
    # Bars that end inside the term have no hatched part.
    assert all(t.legendgroup in ("bands", "past") for t in bars(figure)
               if t.marker.pattern.shape)
    # Drawn over the bars (bars are drawn in the order of their traces).
    order = [t.legendgroup for t in bars(figure)]
    assert order.index("past") > max(i for i, g in enumerate(order) if g.startswith("c-"))


def test_tl004_milestones_by_state_with_distinct_shapes(plan):
    figure = with_template_applied(timeline_figure(plan, View(), STATUS_DATE))
    markers = {t.name: (t.marker.symbol, [day(x) for x in arr(t.x)]) for t in milestones(figure)}
    assert markers == {"Jalon réalisé": ("circle", [D(2025, 6, 1)]),
                       "Jalon en retard": ("x", [D(2026, 9, 1)]),
                       "Jalon à venir (90 jours)": ("diamond", [D(2026, 11, 1)])}
    a2_row = arr(point(figure, "A2")[0].y)[point(figure, "A2")[1]]
    assert {y for t in milestones(figure) for y in arr(t.y)} == {a2_row}
    colours = {t.marker.color for t in milestones(figure)}
    assert len(colours) == 3  # and colour too, never colour alone


def test_tl005_user_text_is_escaped(plan):
    figure = timeline_figure(plan, View(), STATUS_DATE)
    assert "&lt;b&gt;GRU&lt;/b&gt; &amp; co" in figure.layout.yaxis.ticktext
    assert not any("<b>GRU" in str(t.customdata) for t in bars(figure) if t.customdata is not None)
    trace, index = point(figure, "A2")
    assert hover(figure, trace, index).startswith("<b>&lt;b&gt;GRU&lt;/b&gt; &amp; co</b><br>")


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
    trace, index = point(figure, "A2")
    assert "Dates: 1 January 2025 – 30 June 2033" in hover(figure, trace, index, "en")


def test_tl008_hover_tells_everything_in_french(plan):
    figure = with_template_applied(timeline_figure(plan, View(), STATUS_DATE))
    trace, index = point(figure, "A2")
    assert trace.customdata[index][0] == "A2"  # what a click opens
    assert hover(figure, trace, index).split("<br>") == [
        "<b>&lt;b&gt;GRU&lt;/b&gt; &amp; co</b>", "Axe : Services en ligne", "Porteur : ",
        "Direction : ", "Dates : 1 janvier 2025 – 30 juin 2033", "Statut : En cours",
        "Avancement : 50 %", "Météo : Sans météo", "Budget : "]
    # The hatched part has no hover of its own: the bar under it, which runs to the
    # action's end, answers there too (whole details, and a click opens the action).
    veils = [t for t in bars(figure) if t.legendgroup == "past" and not t.name]
    assert veils and all(t.hoverinfo == "skip" for t in veils)
    late = next(t for t in milestones(figure) if t.name == "Jalon en retard")
    assert hover(figure, late, 0) == "<b>En retard</b><br>Jalon en retard<br>Prévu : 1 septembre 2026"


def test_tl009_column_wise_text_is_what_i18n_writes():
    days = pd.Series(pd.date_range("2024-01-01", "2025-12-31", freq="D").tolist() + [pd.NaT])
    for lang in ("fr", "en"):
        expected = [format_day(d.date(), lang) if pd.notna(d) else "" for d in days]
        assert format_days(days, lang).tolist() == expected
    shares = pd.Series([0, 0.005, 0.125, 0.455, 0.5, 1, None], dtype="Float64")
    for lang in ("fr", "en"):
        assert format_shares(shares, lang).tolist() == [
            format_share(float(s), lang) if pd.notna(s) else "" for s in shares]


def font_sizes(node, path=""):
    """Every (path, size) of a font in a figure's JSON."""
    if isinstance(node, dict):
        for key, value in node.items():
            if "font" in key and isinstance(value, dict) and "size" in value:
                yield f"{path}.{key}", value["size"]
            yield from font_sizes(value, f"{path}.{key}")
    elif isinstance(node, (list, tuple)):
        for index, value in enumerate(node):
            yield from font_sizes(value, f"{path}[{index}]")


@pytest.mark.parametrize("view", [View(), View(lang="en"), View(color_by="service")])
def test_tl010_every_text_is_12_px_or_more(plan, view):
    figure = timeline_figure(plan, view, STATUS_DATE).to_plotly_json()
    sizes = dict(font_sizes(figure))
    assert figure["layout"]["font"]["size"] >= MIN_FONT_PX  # what every other text inherits
    assert {".layout.yaxis.tickfont", ".layout.legend.font", ".layout.xaxis.tickfont",
            ".layout.hoverlabel.font"} <= set(sizes)
    assert all(size >= MIN_FONT_PX for size in sizes.values()), sizes


def test_tl011_example_plan_fits_a_projector_with_the_page_around_it():
    plan = load_path(EXAMPLE_PLAN).plan
    figure = timeline_figure(plan, View(), plan.status_date())
    rows = len(arr(figure.layout.yaxis.tickvals))
    assert rows == len(plan.actions) + len(plan.axes) + 1  # + « Hors stratégie »
    # 1080 px = header ~120 + filter bar ~90 + key figures ~60 + figure + page margins.
    assert figure.layout.height <= 780
    plot = figure.layout.height - figure.layout.margin.t - figure.layout.margin.b
    assert plot / rows >= ROW_PX_MIN  # 12 px labels, one per row, do not touch


def test_tl012_many_actions_grow_the_chart_with_every_row_labelled():
    plan = synthetic_plan(300)
    figure = with_template_applied(timeline_figure(plan, View(), D(2026, 10, 15)))
    rows = len(arr(figure.layout.yaxis.tickvals))
    assert rows > TALL_ROWS
    plot = figure.layout.height - figure.layout.margin.t - figure.layout.margin.b
    assert plot == rows * ROW_PX_MIN  # the page scrolls; rows never get thinner
    assert len(figure.layout.yaxis.ticktext) == rows
    drawn = {row[0] for t in bars(figure) if t.customdata is not None for row in t.customdata}
    assert drawn == set(plan.actions["id"])
    # The years are repeated under a long chart.
    assert figure.layout.xaxis.side == "top"
    under = [a.text for a in figure.layout.annotations if a.y == 0 and a.yanchor == "top"]
    assert under == [str(year) for year in range(2023, 2035)]
    assert figure.layout.yaxis.tickfont.size >= MIN_FONT_PX


@pytest.mark.parametrize("view", [
    View(), View(color_by="meteo"), View(color_by="service"), View(color_by="porteur"),
    View(lang="en"), View(axes=("AX1",)), View(statuses=("done",)), View(text="gru"),
    View(late_only=True), View(zoom="tout"), View(zoom="mandat")])
def test_tl013_figures_pass_plotlys_validation(plan, view):
    # timeline_figure skips Plotly's validation for speed: this is where it is done.
    figure = timeline_figure(plan, view, STATUS_DATE)
    go.Figure(figure.to_dict())


def test_tl014_part_done_is_drawn_from_the_start(plan):
    figure = timeline_figure(plan, View(), STATUS_DATE)
    (progress,) = [t for t in figure.data if t.name == "Part réalisée"]
    assert progress.hoverinfo == "skip"  # the bar under it answers
    segments = [(nearest_day(x0), nearest_day(x1), y0) for x0, x1, y0, gap in
                zip(arr(progress.x)[0::3], arr(progress.x)[1::3], arr(progress.y)[0::3],
                    arr(progress.x)[2::3])
                if np.isnan(gap)]
    a1 = arr(point(figure, "A1")[0].y)[point(figure, "A1")[1]]
    a2 = arr(point(figure, "A2")[0].y)[point(figure, "A2")[1]]
    # A1 is done (2 whole years), A2 half done (3,103 days: 1,552 of them); A3 at 0 %.
    assert segments == [(D(2024, 1, 1), D(2026, 1, 1), a1), (D(2025, 1, 1), D(2029, 4, 2), a2)]


def test_tl015_legend_names_each_colour_and_is_a_key(plan):
    figure = with_template_applied(timeline_figure(plan, View(), STATUS_DATE))
    entries = [t.name for t in figure.data if t.showlegend is not False
               and t.legendgroup != "bands" and t.name]
    assert entries[:3] == ["À lancer", "En cours", "Terminé"]  # words, not colours alone
    assert "Au-delà du mandat" in entries and "Part réalisée" in entries
    # What is shown follows the filters (in the URL), not clicks on the legend.
    assert figure.layout.legend.itemclick is False
    assert figure.layout.legend.itemdoubleclick is False


def test_tl016_colour_by_service_names_eight_at_most_then_others():
    plan = synthetic_plan(300)
    figure = with_template_applied(timeline_figure(plan, View(color_by="service"), D(2026, 10, 15)))
    names = [t.name for t in bars(figure) if t.legendgroup.startswith("c-")
             and t.showlegend is not False]
    assert len(names) == 9 and names[-1] == "autres"


def test_tl017_margins_hold_the_labels_and_the_legend(plan):
    figure = timeline_figure(plan, View(color_by="service"), STATUS_DATE)
    widest = max(text_px(html.unescape(label.replace("<b>", "").replace("</b>", "")),
                         label.startswith("<b>")) for label in figure.layout.yaxis.ticktext)
    assert figure.layout.margin.l >= widest
    # Arial's widths, give or take: « Services en ligne » in bold 12 px is about 106 px.
    assert 100 <= text_px("Services en ligne", bold=True) <= 130


def test_tl018_status_date_label_and_term_labels_keep_clear_of_the_years(plan):
    figure = with_template_applied(timeline_figure(plan, View(), STATUS_DATE))
    terms = [a for a in figure.layout.annotations if a.text.startswith("Mandat")]
    assert terms and all(a.yref == "paper" and a.y == 1 and a.yanchor == "bottom"
                         and a.yshift >= 18 for a in terms)  # above the year labels
    assert figure.layout.margin.t >= 40
    (status,) = [a for a in figure.layout.annotations if a.text.startswith("Date de situation")]
    assert status.y == 1 and status.yanchor == "top" and status.bgcolor  # in the first row,
    assert figure.layout.yaxis.ticktext[0].startswith("<b>")  # a band's title row, no bar


def test_tl019_milliseconds_and_iso_days_only(plan):
    # The payload stays compact: bars' bases are days (`2026-3-5`: Plotly reads dates
    # without leading zeros), lengths are numbers in milliseconds: float32 for the plan's
    # bars (within minutes: they end BAR_END_SHIFT before midnight, and hovers read that
    # day), float64 for bands and ghosts.
    figure = timeline_figure(plan, View(), STATUS_DATE)
    for trace in bars(figure):
        if trace.base is not None:
            assert all(re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", str(base))
                       for base in bases(trace))
            assert arr(trace.x).dtype == (np.float64 if trace.legendgroup in ("bands", "baseline")
                                          else np.float32)
    shift = pd.Timedelta(milliseconds=timeline.BAR_END_SHIFT_MS)
    for trace in bars(figure, "Terminé"):
        ends = [pd.Timestamp(base) + pd.Timedelta(milliseconds=float(x))
                for base, x in zip(bases(trace), arr(trace.x))]
        assert [abs(end - (pd.Timestamp(2026, 1, 1) - shift)) < pd.Timedelta(minutes=5)
                for end in ends] == [True]


def test_tl020_title_sent_once_where_the_row_label_tells_it(make_workbook):
    # The hover's title is the row label (`%{y}`) unless the label cuts it: then the bar
    # carries the full title, and only then.
    long_title = ("Dématérialisation des autorisations d'urbanisme et des déclarations "
                  "préalables")
    plan = load_path(make_workbook({
        "Plan": [["id", "action", "début", "fin", "statut"],
                 ["A1", "Portail", D(2024, 1, 1), D(2025, 12, 31), "en cours"],
                 ["A2", long_title, D(2024, 1, 1), D(2025, 12, 31), "en cours"]]})).plan
    figure = timeline_figure(plan, View(), STATUS_DATE)
    short, index = point(figure, "A1")
    assert hover(figure, short, index).startswith("<b>Portail</b><br>")
    assert "Portail" not in [str(value) for value in short.customdata[index]]
    cut, index = point(figure, "A2")
    assert cut.customdata[index][1] == long_title
    assert hover(figure, cut, index).startswith(f"<b>{long_title}</b><br>")
    assert long_title[:40] in " ".join(figure.layout.yaxis.ticktext)
    assert long_title not in figure.layout.yaxis.ticktext  # the label is cut


def test_tl021_shared_text_is_written_once_at_scale(monkeypatch):
    # 2,000 actions: the bars of a large colour group are split by band (the axis title in
    # the trace's meta; the threshold lowered so that groups of this plan split), a
    # milestone title shared by hundreds is in its trace's meta, and the hover template
    # most bar traces share is in the layout's template.
    monkeypatch.setattr(timeline, "SPLIT_TRACE_BYTES", 100)
    plan = synthetic_plan(2_000)
    figure = with_template_applied(timeline_figure(plan, View(), D(2026, 10, 15)))
    by_band = [t for t in bars(figure) if t.meta and t.meta[0]]
    assert by_band and all(len(set(arr(t.y)) & set(arr(u.y))) == 0 for t in by_band
                           for u in by_band
                           if t is not u)
    axes = dict(zip(plan.axes["id"], plan.axes["title"]))
    trace = by_band[0]
    (action_id,) = {row[0] for row in trace.customdata[:1]}
    axis_id = plan.actions.set_index("id").loc[action_id, "axis_id"]
    assert trace.meta[0] == axes[axis_id]
    assert "Axe : " + axes[axis_id] in hover(figure, trace, 0)
    shared = [t for t in milestones(figure) if t.meta]
    assert {t.meta[0] for t in shared} >= {"Recette", "Comité de pilotage"}
    assert timeline_figure(plan, View(), D(2026, 10, 15)).layout.template.data.bar[0].hovertemplate
    # Every action is still drawn once, with its id first for clicks (in its colour's
    # traces, or in the one of bars whose row label cuts their title).
    drawn = [row[0] for t in bars(figure) if t.customdata is not None
             and not t.marker.pattern.shape for row in t.customdata]
    assert sorted(drawn) == sorted(plan.actions["id"])


@pytest.fixture
def baseline_pair(make_workbook):
    """A plan and its baseline: A1 moved by 3 months, A2 unchanged, A3 new; J2 moved +45
    days, J1 unchanged."""
    def plan_with(a1_end, j2_date, name, extra=()):
        return load_path(make_workbook({
            "Plan": [["id", "action", "début", "fin", "statut"],
                     ["A1", "Portail", D(2026, 3, 1), a1_end, "en cours"],
                     ["A2", "GRU", D(2025, 1, 1), D(2027, 6, 30), "en cours"], *extra],
            "Jalons": [["id", "action", "jalon", "date"],
                       ["J1", "A1", "Recette", D(2026, 6, 1)],
                       ["J2", "A2", "Bascule", j2_date]]}, name=name)).plan
    current = plan_with(D(2027, 9, 30), D(2026, 10, 16), "current.xlsx",
                        [["A3", "Nouvelle", D(2026, 1, 1), D(2026, 12, 31), "à lancer"]])
    base = plan_with(D(2027, 6, 30), D(2026, 9, 1), "base.xlsx")
    return current, base


def ghosts(figure):
    return [t for t in figure.data if t.legendgroup == "baseline"]


def test_tl022_ghost_bars_span_the_baseline_dates_end_inclusive(baseline_pair):
    current, base = baseline_pair
    figure = timeline_figure(current, View(), STATUS_DATE, baseline=base)
    (ghost,) = ghosts(figure)
    rows = {figure.layout.yaxis.ticktext[int(y)]: (pd.Timestamp(b), pd.Timestamp(b)
                                                  + pd.Timedelta(milliseconds=float(x)))
            for y, b, x in zip(arr(ghost.y), ghost.base, arr(ghost.x))}
    # A3 is not in the baseline: no ghost. Spans end at the last millisecond of the end day.
    assert set(rows) == {"Portail", "GRU"}
    one_ms = pd.Timedelta(milliseconds=1)
    assert rows["Portail"] == (pd.Timestamp(2026, 3, 1), pd.Timestamp(2027, 7, 1) - one_ms)
    assert rows["GRU"] == (pd.Timestamp(2025, 1, 1), pd.Timestamp(2027, 7, 1) - one_ms)
    # Behind the bars (drawn before them), narrower, grey and outlined, named in the legend.
    first_bar = next(i for i, t in enumerate(figure.data) if t.legendgroup.startswith("c-"))
    assert figure.data.index(ghost) < first_bar
    assert ghost.width < 0.62 and ghost.marker.line.width >= 1
    assert ghost.name == f"Référence (version {base.version[:12]})"
    assert ghost.showlegend is not False
    ticks = zip(arr(figure.layout.yaxis.tickvals), figure.layout.yaxis.ticktext)
    index = list(arr(ghost.y)).index(next(y for y, label in ticks if label == "Portail"))
    assert hover(figure, ghost, index) == (
        "<b>Portail</b><br>Référence : 1 mars 2026 → 30 juin 2027")
    english = timeline_figure(current, View(lang="en"), STATUS_DATE, baseline=base,
                              baseline_label="COPIL <mars>")
    (ghost,) = ghosts(english)
    assert ghost.name == "COPIL &lt;mars&gt;"
    assert "Baseline: 1 March 2026 → 30 June 2027" in hover(english, ghost, index, "en")


def test_tl023_moved_milestones_are_marked_with_their_shift(baseline_pair):
    current, base = baseline_pair
    figure = timeline_figure(current, View(), STATUS_DATE, baseline=base)
    (moved,) = [t for t in figure.data if t.name == "Jalon décalé : date de référence"]
    assert [day(x) for x in arr(moved.x)] == [D(2026, 9, 1)]  # J2's old date; J1 did not move
    # A shape of its own (and a legend entry), never colour alone.
    assert moved.marker.symbol not in {symbol for symbol, _c in MILESTONE_STYLES.values()}
    assert hover(figure, moved, 0) == ("<b>Bascule</b><br>Référence : 1 septembre 2026<br>"
                                       "Décalé de +45 jours")
    (line,) = [t for t in figure.data if t.legendgroup == "baseline-moved" and t.mode == "lines"]
    assert [day(x) for x in arr(line.x)[:2]] == [D(2026, 9, 1), D(2026, 10, 16)]  # old to new
    gru_row = next(y for y, label in zip(arr(figure.layout.yaxis.tickvals),
                                         figure.layout.yaxis.ticktext) if label == "GRU")
    assert list(arr(moved.y)) == [gru_row]


def test_tl024_no_ghost_without_a_baseline(baseline_pair):
    current, _base = baseline_pair
    figure = timeline_figure(current, View(), STATUS_DATE)
    assert not [t for t in figure.data if (t.legendgroup or "").startswith("baseline")]
    with_base = timeline_figure(current, View(), STATUS_DATE, baseline=current)
    # The same plan as its own baseline: ghosts for every action, no milestone moved.
    assert len(arr(ghosts(with_base)[0].y)) == 3
    assert not [t for t in with_base.data if t.legendgroup == "baseline-moved"]
    go.Figure(with_base.to_dict())  # valid for Plotly


def test_tl025_shorter_row_labels_keep_whole_titles_in_hovers(plan):
    # The committee's presentation mode wants 30-character labels: asked for here, the
    # bars whose label is cut carry their title (the hover reads the label otherwise).
    figure = timeline_figure(plan, View(), STATUS_DATE, label_chars=10)
    assert "<b>Services …</b>" in list(figure.layout.yaxis.ticktext)
    trace, index = point(figure, "A2")
    assert hover(figure, trace, index).startswith("<b>&lt;b&gt;GRU&lt;/b&gt; &amp; co</b><br>")
    assert trace.customdata[index][1] == "&lt;b&gt;GRU&lt;/b&gt; &amp; co"


def _plain_json(node):
    """A figure dict with typed arrays decoded and NaN as None, to compare two write-outs."""
    if isinstance(node, dict) and "bdata" in node:
        return _plain_json(decoded(node).tolist())
    if isinstance(node, dict):
        return {key: _plain_json(value) for key, value in node.items()}
    if isinstance(node, (list, tuple, np.ndarray)):
        return [_plain_json(value) for value in node]
    if isinstance(node, float) and np.isnan(node):
        return None
    return node


@pytest.mark.parametrize("view", [View(), View(color_by="service"), View(lang="en")])
def test_tl026_written_out_as_plotly_would_write_it(plan, view):
    # TimelineFigure.to_dict skips plotly.py's generic pass (deep copy, narwhals, base64)
    # for speed: what it writes must be what that pass writes.
    figure = timeline_figure(plan, view, STATUS_DATE, baseline=plan)
    assert _plain_json(figure.to_dict()) == _plain_json(go.Figure.to_dict(figure))
    rows = figure.to_dict()["layout"]["yaxis"]["tickvals"]
    assert set(rows) == {"dtype", "bdata"}  # typed arrays, as Plotly.js reads them


def test_tl027_lines_without_hover_inherit_no_hover_template(plan):
    # The part done has no hover of its own (the bar under it answers): it must not take
    # the milestones' template from the layout's template, which the page's Plotly applies.
    figure = timeline_figure(plan, View(), STATUS_DATE)
    silent = [t for t in figure.data if t.hoverinfo == "skip" and t.type == "scatter"]
    assert silent and all(t.hovertemplate == "" for t in silent)  # its own, empty
    assert figure.layout.template.data.scatter[0].hovertemplate  # the milestones' one
    assert all(t.hovertemplate for t in milestones(with_template_applied(figure)))
