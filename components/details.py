"""The details of one action: what a click on its bar opens.

Plain text only: Dash escapes every string it renders, so a title `<b>x</b>` shows
literally; nothing here uses `dangerously_allow_html`.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import html

from components import ids
from components.i18n import (STATUS_LABELS, WEATHER_LABELS, format_day, format_money,
                             format_number, format_share, label)
from model.derive import late_actions, milestone_states
from model.plan import Plan

HEADING = "action-details-heading"


def _text(value) -> str:
    """A cell as text; missing values (None, NA, NaN, NaT) are empty."""
    if value is None or (not isinstance(value, (str, tuple, dict, list)) and pd.isna(value)):
        return ""
    return str(value)


def _day(value, lang: str) -> str:
    return "" if _text(value) == "" else format_day(pd.Timestamp(value).date(), lang)


def _facts(rows: list[tuple[str, str]], lang: str) -> html.Dl:
    """A definition list; an empty value reads « non renseigné » rather than vanishing."""
    children = []
    for term, value in rows:
        children.append(html.Div(className="fact", children=[
            html.Dt(term),
            html.Dd(value or label("unknown", lang), className="" if value else "muted")]))
    return html.Dl(className="details-facts", children=children)


def _section(title: str, *content) -> html.Section:
    return html.Section(className="details-section", children=[html.H3(title), *content])


def action_details(plan: Plan, action_id: str, status_date: dt.date, lang: str) -> list:
    """The panel's content for one action, or a sentence when the plan has no such action."""
    found = plan.actions[plan.actions["id"] == action_id]
    if found.empty:
        return [html.H2(label("details", lang), id=HEADING, tabIndex=-1),
                html.P(label("action_unknown", lang, id=action_id), role="status")]
    action = found.iloc[0]
    axes = dict(zip(plan.axes["id"], plan.axes["title"]))
    axis_title = axes.get(action["axis_id"]) if _text(action["axis_id"]) else None
    late = bool(late_actions(found, status_date).iloc[0])
    progress = action["progress"]
    budget = action["budget"]
    facts = _facts([
        (label("identifier", lang), _text(action["id"])),
        (label("axis", lang), axis_title or label("outside_strategy", lang)),
        (label("objective", lang), _text(action["objective"])),
        (label("owner", lang), _text(action["owner"])),
        (label("service", lang), _text(action["service"])),
        (label("elected", lang), _text(action["elected"])),
        (label("dates", lang), f"{_day(action['start'], lang)} – {_day(action['end'], lang)}"),
        (label("status", lang), STATUS_LABELS[lang].get(_text(action["status"]) or None, "")),
        (label("progress", lang), format_share(float(progress), lang) if _text(progress) else ""),
        (label("weather", lang), WEATHER_LABELS[lang].get(_text(action["weather"]) or None, "")),
        (label("budget", lang), format_money(float(budget), lang) if _text(budget) else ""),
    ], lang)
    texts = [_section(label(key, lang), html.P(_text(action[column]), className="prose"))
             for key, column in (("description", "description"), ("attention", "attention"),
                                 ("decision", "decision")) if _text(action[column])]
    return [
        html.H2(_text(action["title"]), id=HEADING, tabIndex=-1),
        *([html.P(label("action_late", lang), className="flag-late")] if late else []),
        facts,
        *texts,
        _section(label("milestones", lang), _milestones(plan, action_id, status_date, lang)),
        _section(label("indicators", lang), _indicators(plan, action_id, status_date, lang)),
        _section(label("dependencies", lang), _dependencies(plan, action["depends_on"], lang)),
        *_extra(action["extra"], lang),
    ]


def _table(headers: list[str], rows: list[list], caption: str) -> html.Table:
    return html.Table(className="details-table", children=[
        html.Caption(caption, className="visually-hidden"),
        html.Thead(html.Tr([html.Th(header, scope="col") for header in headers])),
        html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
    ])


def _milestones(plan: Plan, action_id: str, status_date: dt.date, lang: str):
    milestones = plan.milestones[plan.milestones["action_id"] == action_id]
    if milestones.empty:
        return html.P(label("no_milestone", lang))
    milestones = milestones.sort_values(["planned", "row"], kind="stable")
    states = milestone_states(milestones, status_date)
    rows = []
    for milestone, state in zip(milestones.itertuples(), states):
        # Late is said by an icon and a word, never by colour alone.
        rows.append([_text(milestone.title), _day(milestone.planned, lang),
                     _day(milestone.actual, lang),
                     html.Span(label(f"state_{state}", lang), className=f"state-{state}"),
                     _text(milestone.instance)])
    return _table([label("milestone", lang), label("date_planned", lang),
                   label("date_actual", lang), label("state", lang), label("instance", lang)],
                  rows, label("milestones", lang))


def _indicators(plan: Plan, action_id: str, status_date: dt.date, lang: str):
    measures = plan.indicators[plan.indicators["action_id"] == action_id]
    if measures.empty:
        return html.P(label("no_indicator", lang))
    rows = []
    for _indicator_id, group in measures.groupby("id", sort=False):
        first = group.iloc[0]
        unit = f" {_text(first['unit'])}" if _text(first["unit"]) else ""
        # The latest measure taken by the status date: a link pinned to a date shows the
        # value known then.
        known = group[group["value"].notna() & group["measured_on"].notna()
                      & (group["measured_on"] <= pd.Timestamp(status_date))]
        if known.empty:
            value = ""
        else:
            latest = known.sort_values("measured_on").iloc[-1]
            value = (f"{format_number(float(latest['value']), lang)}{unit} ("
                     + label("measured_on", lang, date=_day(latest["measured_on"], lang)) + ")")
        target = ""
        if _text(first["target"]):
            target = f"{format_number(float(first['target']), lang)}{unit}"
            if _text(first["target_date"]):
                target += " " + label("by_date", lang, date=_day(first["target_date"], lang))
        reference = (f"{format_number(float(first['ref_value']), lang)}{unit}"
                     if _text(first["ref_value"]) else "")
        rows.append([_text(first["name"]), reference, value, target])
    return _table([label("indicators", lang), label("baseline_value", lang),
                   label("value", lang), label("target", lang)], rows, label("indicators", lang))


def _dependencies(plan: Plan, depends_on, lang: str):
    if not isinstance(depends_on, (tuple, list)) or not depends_on:
        return html.P(label("no_dependency", lang))
    titles = dict(zip(plan.actions["id"], plan.actions["title"]))
    return html.Ul([html.Li(f"{titles[dependency]} ({dependency})" if dependency in titles
                            else dependency) for dependency in depends_on])


def _extra(extra, lang: str) -> list:
    if not isinstance(extra, dict) or not extra:
        return []
    return [_section(label("extra", lang),
                     _facts([(str(header), _text(value)) for header, value in extra.items()],
                            lang))]


def close_button_text(lang: str = "fr") -> list:
    """The close button's content: a cross for the eye, a sentence for screen readers."""
    return [html.Span("×", **{"aria-hidden": "true"}),
            html.Span(label("close_details", lang), className="visually-hidden")]


def details_panel() -> html.Aside:
    """The panel, closed: the shell's `show_details` fills it when the URL names an action."""
    return html.Aside(id=ids.DETAILS, className="details-panel", hidden=True,
                      **{"aria-labelledby": HEADING}, children=[
        html.Button(close_button_text(), id=ids.DETAILS_CLOSE, type="button",
                    className="details-close"),
        html.Div(id=ids.DETAILS_BODY),
    ])
