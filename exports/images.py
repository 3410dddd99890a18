"""The timeline as a PNG or SVG image, drawn by Kaleido in the process's warm Chromium.

Vector output has no hatching: a hatched bar becomes one pattern per bar in an SVG or a
PDF (5.8 MB for 15 bars, TESTING.md). Bars cannot take a dashed outline (`marker.line`
has no `dash`), so a past-term segment becomes a lighter fill inside a dashed outline
drawn by one line trace per hatched trace (one SVG path each, whatever the number of
bars). PNG keeps the hatching: pixels cost the same either way, and it is what the
screen shows.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.timeline import (PAST_TERM_VEIL, decoded, escape, row_count, timeline_figure,
                                 with_template_applied)
from exports.chromium import BROWSER, RENDER_TIMEOUT
from model.plan import Plan
from model.view import View

WIDTH = 1600  # layout pixels: a wide screen
MAX_HEIGHT = 4000  # layout pixels: a 10,000-action plan (200,000 px at 20 px a row) would
# exceed what a browser canvas holds; its rows are packed instead, and the Excel export
# lists them all
PNG_SCALE = 2  # crisp when projected or printed
STAMP_PX = 26  # room under the legend for the line that says what the image shows
DECK_ROW_PX = 13
OUTLINE_WIDTH = 1.5
BAND_OUTLINE = "rgba(60,60,60,0.75)"
PAST_TERM_ALPHA = 0.3
VEIL_OUTLINE = "#555555"
_RGBA = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")



def sized(figure: go.Figure, width: int = WIDTH, height: int | None = None) -> go.Figure:
    """A copy of `figure` at a fixed size (its own height, bounded), for a static image."""
    height = min(int(height or figure.layout.height or 600), MAX_HEIGHT)
    return go.Figure(figure).update_layout(width=width, height=height, autosize=False)


def without_hatching(figure: go.Figure) -> go.Figure:
    """A copy where every hatched bar is a lighter fill inside a dashed outline."""
    plain = with_template_applied(figure)  # the styles the template gives each trace
    outlines = []
    for trace in plain.data:
        if trace.type != "bar" or not trace.marker.pattern.shape:
            continue
        if trace.x is None or all(value is None for value in decoded(trace.x)):
            trace.visible = False  # the legend's hatched sample: a dashed line says it
            outlines.append(_legend_entry(trace))
            continue
        outlines.append(_outline(trace, _outline_color(trace.marker.color)))
        trace.marker.pattern = None
        trace.marker.color = _lighter(trace.marker.color)
    plain.add_traces([outline for outline in outlines if outline is not None])
    return plain


def _legend_entry(trace) -> dict:
    """The legend's « past the term » sample, as a dashed line instead of a hatched box."""
    return {"type": "scatter", "mode": "lines", "x": [None], "y": [None], "name": trace.name,
            "legendgroup": trace.legendgroup, "showlegend": trace.showlegend is not False,
            "hoverinfo": "skip",
            "line": {"color": "#555555", "width": OUTLINE_WIDTH, "dash": "dash"}}


def _lighter(fill):
    """A past-term segment's translucent colour, lighter still once its hatching is gone;
    for the white veil drawn over the plan's bars, a thicker veil (the bars' colours then
    show at the same strength as a band's)."""
    if isinstance(fill, str) and fill == PAST_TERM_VEIL:
        return f"rgba(255,255,255,{1 - PAST_TERM_ALPHA})"
    if isinstance(fill, str) and (match := _RGBA.match(fill)):
        return "rgba({},{},{},{})".format(*match.groups(), PAST_TERM_ALPHA)
    return fill


def _outline_color(fill) -> str:
    """The opaque colour of a segment's fill; a grey for bands (one colour per band) and
    for the veil over the plan's bars (whose colours differ)."""
    if isinstance(fill, str) and fill == PAST_TERM_VEIL:
        return VEIL_OUTLINE
    if isinstance(fill, str) and (match := _RGBA.match(fill)):
        return "rgb({},{},{})".format(*match.groups())
    if isinstance(fill, str):
        return fill
    return BAND_OUTLINE


def _outline(trace, color: str) -> dict | None:
    """One line trace drawing a dashed rectangle around every bar of a horizontal bar trace."""
    if trace.base is None or trace.orientation != "h":
        return None
    # Numbers come as typed arrays; bars that all start on one day have a single base.
    rows = decoded(trace.y).astype(float)
    starts = pd.to_datetime(pd.Series(np.broadcast_to(np.asarray(trace.base, dtype=object),
                                                      rows.shape)))
    ends = starts + pd.to_timedelta(decoded(trace.x).astype(float), unit="ms")
    width = 0.8 if trace.width is None else decoded(trace.width)  # 0.8: Plotly's default
    half = np.broadcast_to(np.asarray(width, dtype=float), rows.shape) / 2
    low, high = (rows - half).astype(object), (rows + half).astype(object)
    left, right = _iso(starts), _iso(ends)
    gap = np.full(rows.shape, None, dtype=object)
    # Each rectangle: five corners, then a gap so the line does not join the next one.
    xs = np.column_stack([left, right, right, left, left, gap]).ravel()
    ys = np.column_stack([low, low, high, high, low, gap]).ravel()
    return {"type": "scatter", "mode": "lines", "x": xs, "y": ys, "hoverinfo": "skip",
            "showlegend": False, "legendgroup": trace.legendgroup, "connectgaps": False,
            "line": {"color": color, "width": OUTLINE_WIDTH, "dash": "dash"}}


def _iso(moments: pd.Series) -> np.ndarray:
    return moments.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(object)


def render(figure: go.Figure, fmt: str, scale: float = 1,
           timeout: float = RENDER_TIMEOUT) -> bytes:
    """`png` or `svg` bytes of a sized figure, drawn in the warm browser."""
    options = {"format": fmt, "width": figure.layout.width, "height": figure.layout.height,
               "scale": scale}
    spec = figure.to_dict()

    async def draw(browser):
        return await browser.calc_fig(spec, opts=options)

    return BROWSER.run(draw, timeout)


def stamped(figure: go.Figure, stamp: str) -> go.Figure:
    """The figure with `stamp` (source, version, date, filters) along its bottom edge."""
    if not stamp:
        return figure
    margin = figure.layout.margin.b or 60
    return figure.update_layout(
        height=figure.layout.height + STAMP_PX, margin_b=margin + STAMP_PX,
        title={"text": escape(stamp), "x": 0.005, "xanchor": "left", "xref": "container",
               "y": 0.004, "yanchor": "bottom", "yref": "container",
               "font": {"size": 11, "color": "#555555"}})


def timeline_image(plan: Plan, view: View, status_date: dt.date, fmt: str,
                   stamp: str = "", base_plan: Plan | None = None) -> bytes:
    """The timeline of a view as `png` (hatched, 2×) or `svg` (dashed outlines), with the
    baseline's ghost bars when there is one."""
    figure = timeline_figure(plan, view, status_date, baseline=base_plan)
    figure = stamped(sized(figure), stamp)
    if fmt == "svg":
        return render(without_hatching(figure), "svg")
    return render(figure, "png", scale=PNG_SCALE if figure.layout.height <= 2000 else 1)


def deck_timeline(plan: Plan, view: View, status_date: dt.date, aspect: float,
                  timeout: float = RENDER_TIMEOUT, base_plan: Plan | None = None) -> bytes:
    """The timeline as a PNG for a slide of the given width/height ratio.

    Rows are packed tighter than on screen: a slide holds about 400 points of height, so
    46 rows at the screen's 20 px would shrink every label to 4 points; at 13 px they keep
    about 6.
    """
    figure = timeline_figure(plan, view, status_date, baseline=base_plan)
    rows = row_count(figure) or 1
    height = min(max(rows * DECK_ROW_PX + 160, 450), 1100)
    width = max(1200, min(2600, round(height * aspect)))
    figure = sized(figure, width, height).update_layout(font_size=12, yaxis_tickfont_size=11)
    # At 1×, 1,700–2,600 pixels across: more than a projector shows, and a quarter of the
    # pixels of 2× to draw and encode.
    return render(figure, "png", scale=1, timeout=timeout)
