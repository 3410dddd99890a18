"""`/indicateurs`: one card per indicator, its figures in words and a small chart.

`indicator_figure` is pure (an `Indicator` and a language in, a figure out), so tests read
its traces without a browser. Values are written by Babel (`12 500`, `45 %`, `90 000 €`)
in the card and in the hover text, so the chart never shows an English number in French.
"""
from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go
from babel.numbers import format_decimal
from dash import dcc, html

from components import ids
from components.coherence_view import plural
from components.i18n import LOCALES, format_day, format_money, label
from model.indicators import Indicator
from model.view import View, to_query

MEASURE_COLOR = "#0059A3"
TRAJECTORY_COLOR = "#555555"
TARGET_COLOR = "#B3001B"
FONT_PX = 12  # nothing smaller on the chart: axis ticks, legend, hover
# Units that only say "a count": the number is written alone.
COUNT_UNITS = {"nombre", "nb", "nb.", "number", "count", "unité", "unités", "u"}
MONEY_UNITS = {"€", "euros", "EUR"}
STATE_ICONS = {"on_track": "✔", "off_track": "⚠", "unknown": "?"}
STATE_LABELS = {"on_track": "indicator_on_track", "off_track": "indicator_off_track",
                "unknown": "indicator_unknown"}
# Plotly's decimal and thousands separators per language (a no-break space, as Babel's).
SEPARATORS = {"fr": ",\u00a0", "en": ".,"}


def format_quantity(value: float | None, unit: str | None, lang: str = "fr",
                    pattern: str = "#,##0.##") -> str:
    """`12 500 personnes`, `45 %`, `90 000 €`, `8 jours`; `1 200` for a plain count."""
    if value is None:
        return ""
    unit = (unit or "").strip()
    if unit in MONEY_UNITS:
        return format_money(value, lang)
    number = format_decimal(value, format=pattern, locale=LOCALES.get(lang, "fr_FR"))
    if unit == "%":
        return f"{number}\u00a0%" if lang == "fr" else f"{number}%"
    if not unit or unit.casefold() in COUNT_UNITS:
        return number
    return f"{number}\u00a0{unit}"


def state_text(indicator: Indicator, lang: str) -> str:
    """`✔ Sur la trajectoire`, `⚠ En retard sur la trajectoire`, `? Données insuffisantes`."""
    return f"{STATE_ICONS[indicator.state]} {label(STATE_LABELS[indicator.state], lang)}"


def _dated(value: float | None, unit: str | None, day, key: str, lang: str) -> str:
    if value is None:
        return label("unknown", lang)
    text = format_quantity(value, unit, lang)
    return f"{text} {label(key, lang, date=format_day(day, lang))}" if day else text


def indicator_figure(indicator: Indicator, lang: str = "fr") -> go.Figure:
    """Measures as a line with markers, the reference→target line dashed, the target marked."""
    figure = go.Figure(figure_dict(indicator, lang))
    # Plotly.py's default template would restyle it; the page's dicts carry none either.
    figure.update_layout(template="none")
    return figure


def figure_dict(indicator: Indicator, lang: str = "fr") -> dict:
    """`indicator_figure` as a plain dict: a page of cards skips Plotly's validation (about
    100 ms per figure) and sends the same JSON."""
    def hover(day, value) -> list[str]:
        return [format_day(day, lang), format_quantity(value, indicator.unit, lang)]

    template = "%{customdata[0]}<br><b>%{customdata[1]}</b><extra>%{fullData.name}</extra>"
    traces = []
    ends_known = (indicator.ref_value is not None and indicator.ref_date is not None
                  and indicator.target is not None and indicator.target_date is not None)
    if ends_known:
        points = [(indicator.ref_date, indicator.ref_value),
                  (indicator.target_date, indicator.target)]
        traces.append({
            "type": "scatter", "mode": "lines", "name": label("indicator_trajectory", lang),
            "x": [day.isoformat() for day, _ in points], "y": [value for _, value in points],
            "line": {"color": TRAJECTORY_COLOR, "dash": "dash", "width": 2},
            "customdata": [hover(*point) for point in points], "hovertemplate": template})
    if indicator.measures:
        traces.append({
            "type": "scatter", "mode": "lines+markers",
            "name": label("indicator_measures", lang),
            "x": [day.isoformat() for day, _ in indicator.measures],
            "y": [value for _, value in indicator.measures],
            "line": {"color": MEASURE_COLOR, "width": 2.5},
            "marker": {"size": 8, "color": MEASURE_COLOR},
            "customdata": [hover(*measure) for measure in indicator.measures],
            "hovertemplate": template})
    if indicator.target is not None and indicator.target_date is not None:
        traces.append({
            "type": "scatter", "mode": "markers", "name": label("indicator_target", lang),
            "x": [indicator.target_date.isoformat()], "y": [indicator.target],
            "marker": {"symbol": "star", "size": 14, "color": TARGET_COLOR,
                       "line": {"color": "#FFFFFF", "width": 1}},
            "customdata": [hover(indicator.target_date, indicator.target)],
            "hovertemplate": template})
    layout = {
        "height": 230, "margin": {"l": 56, "r": 12, "t": 8, "b": 8},
        "font": {"size": FONT_PX, "family": "Marianne, Arial, sans-serif", "color": "#1e1e1e"},
        "separators": SEPARATORS.get(lang, SEPARATORS["fr"]),
        "showlegend": True, "legend": {"orientation": "h", "y": -0.18, "x": 0,
                                       "font": {"size": FONT_PX}},
        "hoverlabel": {"font": {"size": FONT_PX}},
        "plot_bgcolor": "#FFFFFF", "paper_bgcolor": "#FFFFFF",
        "xaxis": {"type": "date", "showgrid": False, "tickfont": {"size": FONT_PX},
                  "linecolor": "#767676"},
        # `,~f`: whole numbers with the language's thousands separator, never Plotly's `150k`.
        "yaxis": {"gridcolor": "#E3E3E3", "zeroline": False, "tickfont": {"size": FONT_PX},
                  "tickformat": ",~f", "ticksuffix": _tick_suffix(indicator.unit, lang)},
    }
    return {"data": traces, "layout": layout}


def _tick_suffix(unit: str | None, lang: str) -> str:
    if unit == "%":
        return "\u00a0%" if lang == "fr" else "%"
    if unit in MONEY_UNITS and lang == "fr":
        return "\u00a0€"
    return ""


def indicator_card(indicator: Indicator, view: View, lang: str) -> html.Article:
    """The card: heading, attachment, state by icon and text, figures, chart."""
    heading_id = f"{ids.indicator_card(indicator.id)}-title"
    if indicator.action_id is not None:
        attached = label("indicator_action", lang, id=indicator.action_id,
                         title=indicator.action_title or indicator.action_id)
        attached = dcc.Link(attached, href="/" + to_query(replace(view,
                                                                  action=indicator.action_id)))
    elif indicator.axis_title is not None:
        attached = label("indicator_axis", lang, title=indicator.axis_title)
    else:
        attached = label("indicator_unattached", lang)
    state = [html.Span(STATE_ICONS[indicator.state], **{"aria-hidden": "true"}), " ",
             label(STATE_LABELS[indicator.state], lang)]
    if indicator.state == "unknown":
        reasons = ", ".join(label(f"indicator_missing_{reason}", lang)
                            for reason in indicator.missing)
        state.append(f" ({reasons})")
    current = indicator.current
    figures = [
        ("indicator_reference", _dated(indicator.ref_value, indicator.unit, indicator.ref_date,
                                       "indicator_on", lang)),
        ("indicator_current", _dated(current[1] if current else None, indicator.unit,
                                     current[0] if current else None, "indicator_on", lang)),
        ("indicator_target", _dated(indicator.target, indicator.unit, indicator.target_date,
                                    "indicator_by", lang)),
    ]
    if indicator.expected is not None and current is not None:
        expected = format_quantity(indicator.expected, indicator.unit, lang, pattern="#,##0.#")
        figures.append(("indicator_expected", f"{expected} "
                        + label("indicator_on", lang, date=format_day(current[0], lang))))
    notes = []
    if indicator.lower_is_better:
        notes.append(html.P(f"({label('indicator_lower_better', lang)})", className="note"))
    if indicator.later_measures:
        notes.append(html.P(plural("indicator_later", indicator.later_measures, lang),
                            className="note"))
    if indicator.undated_measures:
        notes.append(html.P(plural("indicator_undated", indicator.undated_measures, lang),
                            className="note"))
    return html.Article(
        id=ids.indicator_card(indicator.id), className=f"indicator-card state-{indicator.state}",
        **{"aria-labelledby": heading_id}, children=[
            html.H3(f"{indicator.id} — {indicator.name}", id=heading_id),
            html.P(attached, className="indicator-attached"),
            html.P(state, className=f"indicator-state state-{indicator.state}"),
            html.Dl(className="indicator-figures", children=[
                item for key, text in figures
                for item in (html.Dt(label(key, lang)), html.Dd(text))]),
            *notes,
            html.Div(className="indicator-chart", role="figure",
                     **{"aria-label": label("indicator_chart", lang, id=indicator.id)},
                     children=dcc.Graph(
                         figure=figure_dict(indicator, lang),
                         config={"displayModeBar": False, "locale": lang, "responsive": True})),
        ])


def indicator_cards(indicators: list[Indicator], view: View, action_title: str | None,
                    lang: str) -> list:
    """The page's content: title, summary, optional `action=` notice, then the cards."""
    counts = {state: sum(1 for item in indicators if item.state == state)
              for state in STATE_ICONS}
    content: list = [html.H2(label("indicators_title", lang))]
    if view.action:
        content.append(html.P([
            label("indicators_of_action", lang, id=view.action, title=action_title or "?"), " ",
            dcc.Link(label("indicators_all", lang),
                     href="/indicateurs" + to_query(replace(view, action=None)))],
            className="notice"))
    if not indicators:
        content.append(html.P(label("indicators_none", lang)))
        return content
    content.append(html.P(label("indicators_summary", lang, on=counts["on_track"],
                                off=counts["off_track"], unknown=counts["unknown"]),
                          className="intro"))
    content.append(html.Div(className="indicator-grid",
                            children=[indicator_card(item, view, lang) for item in indicators]))
    return content
