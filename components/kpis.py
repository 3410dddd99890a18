"""The key-figure strip above the timeline and the past-term summary beside it."""
from __future__ import annotations

from dash import html

from components.i18n import (STATUS_LABELS, format_count, format_day, format_money,
                             format_money_short, format_share, label, plural)
from model.filters import OUTSIDE
from model.kpis import Kpis
from model.plan import Plan


def _figure(title: str, value: str, detail=None, tone: str = "") -> html.Div:
    return html.Div(className=f"kpi {tone}".strip(), children=[
        html.Dt(title), html.Dd(value, className="kpi-value"),
        *([html.Dd(detail, className="kpi-detail")] if detail else []),
    ])


def kpi_strip(kpis: Kpis, plan: Plan, lang: str) -> html.Dl:
    """One line of figures: what the visible actions amount to at the status date."""
    statuses = " · ".join(f"{STATUS_LABELS[lang][code]} {format_count(count, lang)}"
                          for code, count in kpis.by_status)
    past = kpis.past_term
    past_value = plural("actions", past.count, lang)
    if past.budget is not None:
        past_value += f" · {format_money_short(past.budget, lang)}"
    titles = dict(zip(plan.axes["id"], plan.axes["title"]))
    empty = [titles.get(axis_id, axis_id) for axis_id in kpis.axes_without_action]
    return html.Dl(className="kpi-strip", children=[
        _figure(label("kpi_actions", lang), format_count(kpis.actions, lang), statuses),
        _figure(label("kpi_progress", lang),
                format_share(kpis.weighted_progress, lang) if kpis.weighted_progress is not None
                else "—"),
        _figure(label("kpi_late_actions", lang), format_count(kpis.late_actions, lang),
                tone="kpi-alert" if kpis.late_actions else ""),
        _figure(label("kpi_late_milestones", lang), format_count(kpis.late_milestones, lang),
                tone="kpi-alert" if kpis.late_milestones else ""),
        _figure(label("kpi_upcoming", lang),
                label("kpi_upcoming_value", lang, short=format_count(kpis.upcoming_30, lang),
                      long=format_count(kpis.upcoming_90, lang))),
        _figure(label("past_term_title", lang, term=past.term) if past.term
                else label("kpi_past_term", lang), past_value),
        _figure(label("kpi_outside", lang), plural("actions", kpis.outside_strategy, lang)),
        _figure(label("kpi_empty_axes", lang), format_count(len(empty), lang),
                ", ".join(empty) if empty else None),
    ])


def past_term_summary(kpis: Kpis, plan: Plan, lang: str) -> list:
    """Beside the chart: how many actions, which budget and which axes run past the term."""
    past = kpis.past_term
    if past.term is None:
        return [html.P(label("no_term", lang))]
    heading = html.H3(label("past_term_title", lang, term=past.term))
    if not past.count:
        return [heading, html.P(label("past_term_none", lang, term=past.term))]
    titles = dict(zip(plan.axes["id"], plan.axes["title"]))
    titles[OUTSIDE] = label("outside_strategy", lang)
    budget = (label("past_term_budget_is", lang, budget=format_money(past.budget, lang))
              if past.budget is not None else label("past_term_budget_unknown", lang))
    return [
        heading,
        html.P(label("past_term_count", lang, actions=plural("actions", past.count, lang),
                     end=format_day(past.end, lang))),
        html.P(budget),
        html.P(label("past_term_axes", lang)),
        html.Ul([html.Li(f"{titles.get(axis_id, axis_id)} ({format_count(count, lang)})")
                 for axis_id, count in past.axes]),
    ]
