"""What every export states and starts from: the plan, the view, the date, the filters.

Each export (workbook, deck, PDF, images) says where it comes from (source file, version,
status date, filters in words) so a file that travels by e-mail still tells its reader
what it shows. No Dash here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from components.i18n import STATUS_LABELS, WEATHER_LABELS, format_day, label
from loaders import Problem
from model.baseline import Slippage, compare_loaded
from model.filters import OUTSIDE, visible_actions
from model.plan import PARIS, Plan
from model.view import VERSION_CHARS, View
from pages.context import Context



@dataclass(frozen=True)
class ExportFacts:
    plan: Plan
    problems: tuple[Problem, ...]
    view: View
    status_date: dt.date
    actions: pd.DataFrame  # the visible actions: every filter of the view applied
    version_found: bool  # False when the URL named a version this server does not have
    exported_at: dt.datetime
    slippage: Slippage | None = None  # what moved since the `base=` version, when found
    base_source: str = ""  # the baseline's file name
    base_found: bool = True  # False when `base=` names a version this server does not have
    base_plan: Plan | None = None  # the baseline version itself: its ghost bars in pictures

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def version(self) -> str:
        return self.plan.version[:VERSION_CHARS]

    def filters(self) -> list[str]:
        """The view's row filters, in words (axis titles, French statuses…)."""
        return describe_filters(self.plan, self.view)

    def filters_text(self) -> str:
        return " ; ".join(self.filters()) or label("export_no_filter", self.lang)

    def stamp(self) -> str:
        """One line: source, version, status date and filters."""
        return label("export_stamp", self.lang, source=self.plan.source, version=self.version,
                     date=format_day(self.status_date, self.lang), filters=self.filters_text())

    @property
    def base_version(self) -> str:
        """The baseline's SHA-256 prefix, "" without a baseline."""
        return self.slippage.base_version[:VERSION_CHARS] if self.slippage else ""

    def filename(self, kind: str, extension: str) -> str:
        """`horizon-plan-2026-10-15.xlsx`: the kind of file and the status date."""
        return f"horizon-{kind}-{self.status_date.isoformat()}.{extension}"


def gather(context: Context) -> ExportFacts:
    """The facts of a resolved page context whose plan could be loaded."""
    plan = context.loaded.plan
    status_date = context.status_date
    baseline = context.baseline
    slippage = (None if baseline is None else
                compare_loaded(context.loaded, baseline, context.view, status_date))
    return ExportFacts(plan=plan, problems=context.loaded.problems, view=context.view,
                       status_date=status_date,
                       actions=visible_actions(plan, context.view, status_date),
                       version_found=context.version_found,
                       exported_at=dt.datetime.now(PARIS).replace(microsecond=0),
                       slippage=slippage,
                       base_source="" if baseline is None else baseline.plan.source,
                       base_found=context.base_found,
                       base_plan=context.base_plan)


def describe_filters(plan: Plan, view: View) -> list[str]:
    """`axes : Inclusion numérique`, `statuts : En cours, Suspendu`…, in the view's language."""
    lang = view.lang
    words: list[str] = []
    if view.axes:
        titles = plan.axes.drop_duplicates("id").set_index("id")["title"]
        names = [label("outside_strategy", lang) if axis == OUTSIDE
                 else str(titles.get(axis, axis)) for axis in view.axes]
        words.append(label("export_filter_axes", lang, values=", ".join(names)))
    for key, values in (("export_filter_services", view.services),
                        ("export_filter_owners", view.owners)):
        if values:
            words.append(label(key, lang, values=", ".join(values)))
    if view.statuses:
        names = [STATUS_LABELS[lang][code] for code in view.statuses]
        words.append(label("export_filter_statuses", lang, values=", ".join(names)))
    if view.weathers:
        names = [weather_word(code, lang) for code in view.weathers]
        words.append(label("export_filter_weathers", lang, values=", ".join(names)))
    if view.text:
        words.append(label("export_filter_text", lang, text=view.text))
    if view.late_only:
        words.append(label("export_filter_late", lang))
    if view.past_term_only:
        words.append(label("export_filter_past_term", lang))
    return words


def status_word(code, lang: str) -> str:
    """`En cours`, `Sans statut`…: the word people read for a status code."""
    return STATUS_LABELS[lang].get(None if pd.isna(code) else code, str(code))


def weather_word(code, lang: str) -> str:
    """`Soleil`: the météo label without its symbol (a spreadsheet filters on words)."""
    if code is None or pd.isna(code):
        return WEATHER_LABELS[lang][None]
    text = WEATHER_LABELS[lang].get(code, str(code))
    return text.split(" ", 1)[-1]


def axis_titles(plan: Plan, lang: str) -> dict:
    """Axis id -> title; None (and any unknown id) -> « Hors stratégie »."""
    titles = {str(axis.id): str(axis.title) for axis in plan.axes.itertuples()}
    titles[None] = label("outside_strategy", lang)
    return titles
