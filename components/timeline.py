"""The timeline: strategy bands, plan Gantt bars, milestones, terms and the status date.

A pure function of (plan, view, status date): no Dash, no file. Bars are `go.Bar` with a
date `base` and a length in milliseconds (what plotly.express.timeline does), rows are
numeric positions labelled with titles, so two actions may share a title. The part of a bar
or band past the end of the current term is a separate, hatched segment: hatching whole
bars would mark what lies inside the term, and hatching every bar slows drawing 2–4×.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.i18n import (STATUS_LABELS, WEATHER_LABELS, format_day, format_money,
                             format_share, label)
from components.palettes import (AXIS_DEFAULT_COLORS, CATEGORY_COLORS, MILESTONE_STYLES,
                                 OTHERS_COLOR, STATUS_COLORS, STATUS_DATE_COLOR, TERM_COLOR,
                                 WEATHER_COLORS, with_alpha)
from model.derive import milestone_states, term_end
from model.filters import OUTSIDE, visible_actions, visible_range
from model.plan import Plan
from model.view import View
from model.vocab import STATUSES, WEATHERS

ROW_PX = 20  # pixels per row: keeps 12 px labels legible and the example on one screen
BAR_WIDTH = 0.62
PROGRESS_WIDTH = 0.24
MS_PER_DAY = 86_400_000
HATCH = {"shape": "/", "size": 7, "solidity": 0.35}
LABEL_CHARS = 48


@dataclass(frozen=True)
class Rows:
    """Where each band and action sits on the y axis."""
    actions: pd.DataFrame  # the visible actions, ordered, with a `y` column and `axis_title`
    bands: pd.DataFrame  # one row per band: axis_id, title, start, end, color, y, height
    tick_values: list[float]
    tick_labels: list[str]


def escape(text: object) -> str:
    """User text for Plotly's pseudo-HTML: `<b>x</b>` must show literally."""
    return html.escape(str(text), quote=False) if text is not None and text is not pd.NA else ""


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def layout_rows(plan: Plan, actions: pd.DataFrame, view: View, lang: str) -> Rows:
    """Group the visible actions under their axis's band, in the workbook's order."""
    axes = plan.axes
    if view.axes:
        axes = axes[axes["id"].isin(view.axes)]
    filtered = bool(view.services or view.owners or view.statuses or view.weathers
                    or view.text or view.late_only or view.past_term_only)
    if filtered:
        axes = axes[axes["id"].isin(actions["axis_id"].dropna())]
    known = actions["axis_id"].isin(axes["id"]).fillna(False).astype(bool)
    outside = actions[~known]
    groups = [(axis.id, axis.title, axis.start, axis.end,
               axis.color if isinstance(axis.color, str) else
               AXIS_DEFAULT_COLORS[position % len(AXIS_DEFAULT_COLORS)])
              for position, axis in enumerate(axes.itertuples())]
    if not outside.empty:
        groups.append((OUTSIDE, label("outside_strategy", lang), outside["start"].min(),
                       outside["end"].max(), "#9A9A9A"))
    ordered = actions[known].sort_values(["start", "end", "row"], kind="stable")
    by_axis = {axis_id: frame for axis_id, frame in ordered.groupby("axis_id", sort=False)}
    if not outside.empty:
        by_axis[OUTSIDE] = outside.sort_values(["start", "end", "row"], kind="stable")
    pieces, bands, tick_values, tick_labels = [], [], [], []
    y = 0
    for axis_id, title, start, end, color in groups:
        members = by_axis.get(axis_id, actions.iloc[0:0])
        top = y
        tick_values.append(y)
        tick_labels.append(f"<b>{escape(_short(title))}</b>")
        positions = np.arange(y + 1, y + 1 + len(members))
        pieces.append(members.assign(y=positions, axis_title=title))
        tick_values.extend(positions.tolist())
        tick_labels.extend(escape(_short(t)) for t in members["title"])
        y += 1 + len(members)
        bands.append({"axis_id": axis_id, "title": title, "start": start, "end": end,
                      "color": color, "y": (top + y - 1) / 2, "height": y - top - 0.1})
    placed = pd.concat(pieces) if pieces else actions.assign(y=[], axis_title=[])
    band_frame = pd.DataFrame(bands, columns=["axis_id", "title", "start", "end", "color", "y",
                                              "height"])
    return Rows(placed, band_frame, tick_values, tick_labels)


def _color_groups(actions: pd.DataFrame, color_by: str, lang: str):
    """(legend name, colour, mask) per colour group, in legend order."""
    if color_by in ("statut", "meteo"):
        column, codes, colors, names = (
            ("status", STATUSES, STATUS_COLORS, STATUS_LABELS[lang]) if color_by == "statut"
            else ("weather", WEATHERS, WEATHER_COLORS, WEATHER_LABELS[lang]))
        values = actions[column]
        for code in codes:
            mask = (values == code).fillna(False).to_numpy(bool)
            if mask.any():
                yield names[code], colors[code], mask
        mask = values.isna().to_numpy(bool)
        if mask.any():
            yield names[None], colors[None], mask
        return
    column = "service" if color_by == "service" else "owner"
    values = actions[column].fillna(label("unknown", lang))
    top = values.value_counts().index[:len(CATEGORY_COLORS)]
    for name, color in zip(sorted(top), CATEGORY_COLORS):
        yield name, color, (values == name).to_numpy(bool)
    rest = (~values.isin(top)).to_numpy(bool)
    if rest.any():
        yield label("others", lang), OTHERS_COLOR, rest


def _ms(start: pd.Series, end_exclusive: pd.Series) -> np.ndarray:
    return ((end_exclusive - start) / pd.Timedelta(milliseconds=1)).to_numpy(float)


def _iso(days: pd.Series) -> np.ndarray:
    return days.dt.strftime("%Y-%m-%d").to_numpy(object)


def _split(start: pd.Series, end_exclusive: pd.Series, cut: pd.Timestamp | None):
    """Inside-term (start, end) and past-term (start, end, mask) segments of each span."""
    if cut is None:
        return (start, end_exclusive), None
    inside_end = end_exclusive.where(end_exclusive <= cut, cut)
    crossing = (end_exclusive > cut).to_numpy(bool)
    past_start = start.where(start >= cut, cut)
    inside = (start < cut).to_numpy(bool)
    return (start[inside], inside_end[inside]), (past_start[crossing], end_exclusive[crossing],
                                                  inside, crossing)


def _hover_data(actions: pd.DataFrame, lang: str) -> tuple[np.ndarray, str]:
    status = actions["status"].map(lambda code: STATUS_LABELS[lang].get(code, ""),
                                   na_action=None)
    weather = actions["weather"].map(lambda code: WEATHER_LABELS[lang].get(code, ""),
                                     na_action=None)
    dates = [f"{format_day(s, lang)} – {format_day(e, lang)}"
             for s, e in zip(actions["start"].dt.date, actions["end"].dt.date)]
    custom = np.column_stack([
        actions["id"].map(escape).to_numpy(object),
        actions["title"].map(escape).to_numpy(object),
        actions["axis_title"].map(escape).to_numpy(object),
        actions["owner"].map(escape).to_numpy(object),
        actions["service"].map(escape).to_numpy(object),
        np.array(dates, dtype=object),
        status.to_numpy(object),
        actions["progress"].map(lambda p: format_share(p, lang) if pd.notna(p) else "",
                                na_action=None).to_numpy(object),
        weather.to_numpy(object),
        actions["budget"].map(lambda b: format_money(b, lang) if pd.notna(b) else "",
                              na_action=None).to_numpy(object),
    ]) if len(actions) else np.empty((0, 10), dtype=object)
    template = ("<b>%{customdata[1]}</b><br>"
                + f"{label('axis', lang)} : %{{customdata[2]}}<br>"
                + f"{label('owner', lang)} : %{{customdata[3]}}<br>"
                + f"{label('service', lang)} : %{{customdata[4]}}<br>"
                + f"{label('dates', lang)} : %{{customdata[5]}}<br>"
                + f"{label('status', lang)} : %{{customdata[6]}}<br>"
                + f"{label('progress', lang)} : %{{customdata[7]}}<br>"
                + f"{label('weather', lang)} : %{{customdata[8]}}<br>"
                + f"{label('budget', lang)} : %{{customdata[9]}}<extra></extra>")
    if lang == "en":
        template = template.replace(" : ", ": ")
    return custom, template


def _band_traces(bands: pd.DataFrame, cut: pd.Timestamp | None, lang: str) -> list[dict]:
    if bands.empty:
        return []
    end_exclusive = bands["end"] + pd.Timedelta(days=1)
    (in_start, in_end), past = _split(bands["start"], end_exclusive, cut)
    hover = [f"<b>{escape(t)}</b><br>{format_day(s, lang)} – {format_day(e, lang)}"
             for t, s, e in zip(bands["title"], bands["start"].dt.date, bands["end"].dt.date)]
    hover = np.array(hover, dtype=object)
    common = {"type": "bar", "orientation": "h", "hovertemplate": "%{hovertext}<extra></extra>",
              "name": label("axis_band", lang), "legendgroup": "bands", "showlegend": False}
    inside = bands.index.isin(in_start.index)
    traces = [{**common, "base": _iso(in_start), "x": _ms(in_start, in_end),
               "y": bands["y"].to_numpy()[inside], "width": bands["height"].to_numpy()[inside],
               "hovertext": hover[inside],
               "marker": {"color": [with_alpha(c, 0.14) for c in bands["color"][inside]],
                          "line": {"width": 0}}}]
    if past is not None and past[3].any():
        past_start, past_end, _inside, crossing = past
        traces.append({**common, "base": _iso(past_start), "x": _ms(past_start, past_end),
                       "y": bands["y"].to_numpy()[crossing],
                       "width": bands["height"].to_numpy()[crossing],
                       "hovertext": hover[crossing],
                       "marker": {"color": [with_alpha(c, 0.14) for c in
                                            bands["color"][crossing]],
                                  "line": {"width": 0},
                                  "pattern": {**HATCH, "fgcolor": "rgba(60,60,60,0.45)"}}})
    return traces


def _action_traces(actions: pd.DataFrame, cut, view: View, lang: str) -> list[dict]:
    if actions.empty:
        return []
    custom, template = _hover_data(actions, lang)
    end_exclusive = actions["end"] + pd.Timedelta(days=1)
    (in_start, in_end), past = _split(actions["start"], end_exclusive, cut)
    inside_mask = actions.index.isin(in_start.index)
    y = actions["y"].to_numpy()
    traces = []
    hatched_legend = False
    for name, color, mask in _color_groups(actions, view.color_by, lang):
        group = f"c-{name}"
        chosen = mask & inside_mask
        if chosen.any():
            traces.append({
                "type": "bar", "orientation": "h", "name": name, "legendgroup": group,
                "base": _iso(in_start[mask[inside_mask]]),
                "x": _ms(in_start[mask[inside_mask]], in_end[mask[inside_mask]]),
                "y": y[chosen], "width": BAR_WIDTH, "customdata": custom[chosen],
                "hovertemplate": template, "marker": {"color": color, "line": {"width": 0}},
            })
        if past is not None:
            past_start, past_end, _inside, crossing = past
            chosen = mask & crossing
            if chosen.any():
                traces.append({
                    "type": "bar", "orientation": "h", "name": label("past_term", lang),
                    "legendgroup": group, "showlegend": False,
                    "base": _iso(past_start[mask[crossing]]),
                    "x": _ms(past_start[mask[crossing]], past_end[mask[crossing]]),
                    "y": y[chosen], "width": BAR_WIDTH, "customdata": custom[chosen],
                    "hovertemplate": template,
                    "marker": {"color": with_alpha(color, 0.55), "line": {"width": 0},
                               "pattern": {**HATCH, "fgcolor": "#FFFFFF"}},
                })
                hatched_legend = True
    progress = actions["progress"].astype(float).fillna(0).to_numpy()
    shown = progress > 0
    if shown.any():
        days = _ms(actions["start"], end_exclusive)
        traces.append({
            "type": "bar", "orientation": "h", "name": label("progress_done", lang),
            "base": _iso(actions["start"][shown]), "x": (days * progress)[shown],
            "y": y[shown], "width": PROGRESS_WIDTH, "customdata": custom[shown],
            "hovertemplate": template, "marker": {"color": "rgba(0,0,0,0.45)",
                                                  "line": {"width": 0}},
        })
    if hatched_legend:
        # One legend entry explains the hatching whatever the colour grouping.
        traces.append({"type": "bar", "orientation": "h", "name": label("past_term", lang),
                       "x": [None], "y": [None], "legendgroup": "past", "hoverinfo": "skip",
                       "marker": {"color": "#FFFFFF", "line": {"color": "#555", "width": 1},
                                  "pattern": {**HATCH, "fgcolor": "#555555"}}})
    return traces


def _milestone_traces(plan: Plan, actions: pd.DataFrame, status_date: dt.date,
                      lang: str) -> list[dict]:
    milestones = plan.milestones
    if milestones.empty or actions.empty:
        return []
    rows = actions.set_index("id")["y"]
    milestones = milestones[milestones["action_id"].isin(rows.index)]
    states = milestone_states(milestones, status_date)
    traces = []
    for state, (symbol, color) in MILESTONE_STYLES.items():
        chosen = milestones[(states == state).to_numpy(bool)]
        if chosen.empty:
            continue
        text = [f"<b>{escape(t)}</b><br>{label('planned', lang)} : {format_day(d, lang)}"
                for t, d in zip(chosen["title"], chosen["planned"].dt.date)]
        traces.append({
            "type": "scatter", "mode": "markers", "name": label(f"milestone_{state}", lang),
            "x": _iso(chosen["planned"]), "y": rows.loc[chosen["action_id"]].to_numpy(),
            "hovertext": text, "hovertemplate": "%{hovertext}<extra></extra>",
            "marker": {"symbol": symbol, "color": color, "size": 10,
                       "line": {"width": 1.5, "color": color if symbol.endswith("open")
                                else "#FFFFFF"}},
        })
    return traces


def _term_decorations(plan: Plan, status_date: dt.date, lang: str):
    shapes, annotations = [], []
    for term in plan.calendar.itertuples():
        for boundary, dash in ((term.start, "solid"), (term.end, "dot" if term.provisional
                                                        else "solid")):
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": boundary,
                           "x1": boundary, "y0": 0, "y1": 1,
                           "line": {"color": TERM_COLOR, "width": 1.5, "dash": dash}})
        text = label("term", lang, label=escape(term.label))
        if term.provisional:
            text += " " + label("provisional", lang)
        annotations.append({"xref": "x", "yref": "paper", "x": term.start + (term.end - term.start) / 2,
                            "y": 1, "yanchor": "bottom", "showarrow": False, "text": text,
                            "font": {"size": 12, "color": TERM_COLOR}})
    day = pd.Timestamp(status_date)
    shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": day, "x1": day, "y0": 0,
                   "y1": 1, "line": {"color": STATUS_DATE_COLOR, "width": 2, "dash": "dash"}})
    annotations.append({"xref": "x", "yref": "paper", "x": day, "y": 0, "yanchor": "top",
                        "showarrow": False, "font": {"size": 12, "color": STATUS_DATE_COLOR},
                        "text": label("status_date", lang, date=format_day(status_date, lang))})
    # Shapes take one deduplicated list: adjacent terms share a boundary.
    unique = {(s["x0"], s["line"]["dash"], s["line"]["color"]): s for s in shapes}
    return list(unique.values()), annotations


def timeline_figure(plan: Plan, view: View, status_date: dt.date) -> go.Figure:
    """The whole picture for a view at a status date."""
    lang = view.lang
    actions = visible_actions(plan, view, status_date)
    rows = layout_rows(plan, actions, view, lang)
    cut = term_end(plan, status_date)
    traces = (_band_traces(rows.bands, cut, lang)
              + _action_traces(rows.actions, cut, view, lang)
              + _milestone_traces(plan, rows.actions, status_date, lang))
    shapes, annotations = _term_decorations(plan, status_date, lang)
    start, end = visible_range(plan, view, status_date)
    row_count = max(len(rows.tick_values), 1)
    layout = {
        "barmode": "overlay",
        "height": row_count * ROW_PX + 150,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 60},
        "font": {"size": 13, "family": "Marianne, Arial, sans-serif"},
        "plot_bgcolor": "#FFFFFF",
        "paper_bgcolor": "#FFFFFF",
        "xaxis": {"type": "date", "range": [start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")],
                  "dtick": "M12", "tickformat": "%Y", "ticklabelmode": "period",
                  "showgrid": True, "gridcolor": "#D9D9D9",
                  "minor": {"dtick": "M3", "showgrid": True, "gridcolor": "#F0F0F0"},
                  "side": "top"},
        "yaxis": {"tickmode": "array", "tickvals": rows.tick_values,
                  "ticktext": rows.tick_labels, "autorange": False,
                  "range": [row_count - 0.5, -0.5], "automargin": True,
                  "tickfont": {"size": 12}, "fixedrange": True},
        "legend": {"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0,
                   "font": {"size": 12}},
        "shapes": shapes,
        "annotations": annotations,
        "hoverlabel": {"align": "left"},
        # Zoom and pan survive filter changes, not a change of plan or zoom preset.
        "uirevision": f"{plan.version}-{view.zoom}-{view.start}-{view.end}",
    }
    return go.Figure(data=traces, layout=layout)
