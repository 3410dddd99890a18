"""The steering committee's deck (python-pptx, 16:9): what a COPIL reads, slide by slide.

Title; the timeline over the current term (a picture drawn by Kaleido, handed in by the
caller, so this module needs no browser and the deck is still made without one); key figures;
late and upcoming milestones; gaps between strategy and plan; decisions expected. Every
slide's footer states source, version, status date and filters. Long lists continue on
more slides, up to a bound, then point to the Excel export: a 10,000-action plan gives a
deck of a few slides, not of hundreds.
"""
from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable

import pandas as pd
from babel.dates import format_date as babel_format_date
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from components.i18n import (LOCALES, format_count, format_day, format_money, format_share,
                             label)
from components.slippage import format_shift, kpi_items
from exports.facts import ExportFacts, axis_titles, status_word, weather_word
from model.coherence import outside_strategy
from model.kpis import Kpis, compute_kpis
from model.milestones import milestone_rows
from model.view import View

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.45)
BODY_TOP = Inches(1.3)
FOOTER_TOP = Inches(6.95)
BODY_HEIGHT = FOOTER_TOP - BODY_TOP - Inches(0.1)
BODY_WIDTH = SLIDE_WIDTH - 2 * MARGIN
ROWS_PER_SLIDE = 10  # two-line rows at 12 points still fit above the footer
DECISIONS_PER_SLIDE = 6  # long sentences: fewer rows
MAX_ROWS = 48  # per table, over all its slides; the rest is in the Excel export
MAX_LIST = 14  # items per list of the coherence slide
SLIP_ROWS = 5  # the worst slips under the key figures: two-line rows at 14 points fit
SLIP_TITLE_CHARS = 60  # two lines of the table's first column at 14 points
# Beyond this many actions a slide-sized timeline is unreadable (a slide has about 400 points
# of height for all its rows) and slow to draw (10,000 bars: over 20 s here): the slide says
# so instead.
PICTURE_MAX_ACTIONS = 120
PICTURE_TIMEOUT = 15.0  # seconds; then the deck comes without its picture
INK = RGBColor(0x1E, 0x1E, 0x1E)
MUTED = RGBColor(0x55, 0x55, 0x55)
ALERT = RGBColor(0xB3, 0x00, 0x1B)
IMAGE_ASPECT = BODY_WIDTH / BODY_HEIGHT


def deck_view(view: View) -> View:
    """The view of the timeline slide: zoomed on the current term unless a range is given."""
    return view if view.start or view.end else dataclasses.replace(view, zoom="mandat")


def committee_deck(facts: ExportFacts, picture: Callable[[], bytes | str],
                   image_alt: str = "") -> bytes:
    """The .pptx bytes of the committee deck for the view.

    `picture()` gives the timeline's PNG, or the sentence to show in its place; it is
    called once the other slides are made, so the picture can be drawn meanwhile.
    """
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    lang = facts.lang
    kpis = compute_kpis(facts.plan, facts.view, facts.status_date)
    milestones = milestone_rows(facts.plan, facts.actions, facts.status_date,
                                outside=label("outside_strategy", lang))
    _title_slide(deck, facts)
    timeline = _timeline_slide(deck, facts, kpis)
    _kpi_slide(deck, facts, kpis)
    if facts.slippage is not None:
        _slippage_slide(deck, facts)
    late = milestones[milestones["state"] == "late"]
    _table_slides(deck, facts, label("export_slide_late", lang), _milestone_table(
        late, facts, label("export_col_days_late", lang), lambda days: -days))
    upcoming = milestones[milestones["state"].isin(("due", "upcoming"))]
    _table_slides(deck, facts, label("export_slide_upcoming", lang), _milestone_table(
        upcoming, facts, label("export_col_days_left", lang), lambda days: days))
    _coherence_slide(deck, facts, kpis)
    _decision_slides(deck, facts)
    _place_picture(timeline, picture(), image_alt, lang)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


# ---- slides ---------------------------------------------------------------------------

def _slide(deck, facts: ExportFacts, title: str):
    """A « title only » slide, its title across the 16:9 width, with the footer."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    heading = slide.shapes.title
    heading.left, heading.top, heading.width, heading.height = (
        MARGIN, Inches(0.3), BODY_WIDTH, Inches(0.85))
    heading.text = title
    _style(heading.text_frame, Pt(30), bold=True, align=PP_ALIGN.LEFT)
    _footer(slide, facts)
    return slide


def _footer(slide, facts: ExportFacts) -> None:
    box = slide.shapes.add_textbox(MARGIN, FOOTER_TOP, BODY_WIDTH, Inches(0.4))
    box.text_frame.word_wrap = True
    box.text_frame.text = facts.stamp()
    _style(box.text_frame, Pt(10), color=MUTED)


def _title_slide(deck, facts: ExportFacts) -> None:
    lang = facts.lang
    settings = facts.plan.settings
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = (MARGIN, Inches(1.6), BODY_WIDTH,
                                                        Inches(1.8))
    title.text = settings.title or facts.plan.source
    _style(title.text_frame, Pt(40), bold=True)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        MARGIN, Inches(3.6), BODY_WIDTH, Inches(2.6))
    lines = [settings.organisation,
             f"{label('export_deck_title', lang)} — "
             f"{label('export_deck_situation', lang, date=format_day(facts.status_date, lang))}",
             label("export_deck_version", lang, version=facts.version, source=facts.plan.source),
             _pair(label("export_filters", lang), facts.filters_text(), lang)]
    if not facts.version_found:
        lines.append(label("export_version_missing", lang, version=facts.view.version))
    _lines(subtitle.text_frame, [line for line in lines if line], Pt(20))
    _footer(slide, facts)


def _timeline_slide(deck, facts: ExportFacts, kpis: Kpis):
    lang, view = facts.lang, facts.view
    if view.start or view.end:
        title = label("export_slide_timeline_range", lang,
                      start=format_day(view.start, lang) if view.start else "…",
                      end=format_day(view.end, lang) if view.end else "…")
    elif kpis.past_term.term:
        title = label("export_slide_timeline", lang, term=kpis.past_term.term)
    else:
        title = label("export_slide_timeline_plain", lang)
    return _slide(deck, facts, title)


def _place_picture(slide, png: bytes | str, alt: str, lang: str) -> None:
    if isinstance(png, str):
        box = slide.shapes.add_textbox(MARGIN, BODY_TOP, BODY_WIDTH, Inches(1))
        box.text_frame.word_wrap = True
        box.text_frame.text = png
        _style(box.text_frame, Pt(20), color=ALERT)
        return
    picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, BODY_TOP)
    # Fit the box, keep the proportions, centre horizontally.
    ratio = min(BODY_WIDTH / picture.width, BODY_HEIGHT / picture.height)
    picture.width, picture.height = int(picture.width * ratio), int(picture.height * ratio)
    picture.left = Emu(MARGIN + (BODY_WIDTH - picture.width) // 2)
    if alt:
        picture._element.nvPicPr.cNvPr.set("descr", alt)  # alternative text (no public API)


def _kpi_slide(deck, facts: ExportFacts, kpis: Kpis) -> None:
    lang = facts.lang
    slide = _slide(deck, facts, label("export_slide_kpis", lang))
    by_status = " · ".join(f"{status_word(code, lang)} {format_count(count, lang)}"
                           for code, count in kpis.by_status)
    term = kpis.past_term.term or "—"
    budget = (format_money(kpis.past_term.budget, lang) if kpis.past_term.budget is not None
              else label("export_kpi_not_given", lang))
    titles = axis_titles(facts.plan, lang)
    empty_axes = ", ".join(titles.get(axis, axis) for axis in kpis.axes_without_action)
    cards = [
        (label("kpi_actions", lang), format_count(kpis.actions, lang),
         _pair(label("export_kpi_by_status", lang), by_status, lang), False),
        (label("kpi_progress", lang),
         format_share(kpis.weighted_progress, lang) if kpis.weighted_progress is not None
         else "—", "", False),
        (label("kpi_late_milestones", lang), format_count(kpis.late_milestones, lang),
         _pair(label("kpi_late_actions", lang), format_count(kpis.late_actions, lang), lang),
         kpis.late_milestones > 0),
        (label("export_kpi_upcoming_30", lang), format_count(kpis.upcoming_30, lang), "", False),
        (label("export_kpi_upcoming_90", lang), format_count(kpis.upcoming_90, lang), "", False),
        (label("export_kpi_past_term", lang, term=term), format_count(kpis.past_term.count, lang),
         _pair(label("export_kpi_past_term_budget", lang), budget, lang), False),
        (label("kpi_outside", lang), format_count(kpis.outside_strategy, lang), "", False),
        (label("kpi_empty_axes", lang), format_count(len(kpis.axes_without_action), lang),
         empty_axes, False),
    ]
    columns, gap = 4, Inches(0.2)
    width = (BODY_WIDTH - gap * (columns - 1)) // columns
    height = (BODY_HEIGHT - gap) // 2
    for index, (name, value, detail, alert) in enumerate(cards):
        left = MARGIN + (index % columns) * (width + gap)
        top = BODY_TOP + (index // columns) * (height + gap)
        _card(slide, (left, top, width, height), (name, value, detail, alert), (16, 40, 13))


def _card(slide, box: tuple, fact: tuple[str, str, str, bool], points: tuple) -> None:
    """One key figure in a framed box: its name, its value (red when it alerts; the name
    says what it is, never the colour alone) and a detail line, at the given point sizes."""
    name, value, detail, alert = fact
    name_pt, value_pt, detail_pt = points
    card = slide.shapes.add_textbox(*box)
    card.line.color.rgb = RGBColor(0xBF, 0xBF, 0xBF)
    frame = card.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.text = name
    _style(frame, Pt(name_pt), color=MUTED)
    number = frame.add_paragraph()
    number.text = value
    number.font.size, number.font.bold = Pt(value_pt), True
    number.font.color.rgb = ALERT if alert else INK
    if detail:
        more = frame.add_paragraph()
        more.text = detail
        more.font.size = Pt(detail_pt)
        more.font.color.rgb = INK


def _slippage_slide(deck, facts: ExportFacts) -> None:
    """« Ce qui a bougé depuis la référence »: the key figures in a row of cards, then the
    actions that moved most, worst first; the rest is in the Excel export."""
    lang, slippage = facts.lang, facts.slippage
    slide = _slide(deck, facts, label("sl_title", lang))
    base = label("sl_base_is", lang, name=label("sl_base_name", lang,
                                                version=facts.base_version,
                                                source=facts.base_source))
    _note(slide, base, BODY_TOP - Inches(0.15))
    items = kpi_items(slippage, lang)
    gap, top, height = Inches(0.15), BODY_TOP + Inches(0.4), Inches(1.45)
    width = (BODY_WIDTH - gap * (len(items) - 1)) // len(items)
    for index, (name, value, detail, alert) in enumerate(items):
        _card(slide, (MARGIN + index * (width + gap), top, width, height),
              (name, value, detail and _shorten(detail, 60), alert), (13, 26, 12))
    rows = slippage.changed_actions()
    headers = [label("sl_col_action", lang), label("sl_col_change", lang),
               label("sl_col_base_end", lang), label("sl_col_end", lang),
               label("sl_col_end_shift", lang), label("sl_col_status", lang),
               label("sl_col_weather", lang)]
    widths = [3.5, 1.8, 1.75, 1.45, 1.3, 1.8, 1.9]
    body = []
    for row in rows.head(SLIP_ROWS).itertuples(index=False):
        removed = row.change == "removed"
        body.append([
            _shorten(f"{_text(row.id)} — {_text(row.title)}", SLIP_TITLE_CHARS),
            label(f"sl_action_{row.change}", lang),
            "" if pd.isna(row.base_end) else _short_day(row.base_end, lang),
            "" if pd.isna(row.end) else _short_day(row.end, lang),
            format_shift(row.end_shift, lang),
            _was_now(status_word(row.base_status, lang), status_word(row.status, lang),
                     bool(row.status_changed), removed),
            _was_now(weather_word(row.base_weather, lang), weather_word(row.weather, lang),
                     bool(row.weather_changed), removed),
        ])
    table_top = top + height + Inches(0.2)
    if not body:
        _note(slide, label("sl_no_action", lang), table_top)
        return
    shape = slide.shapes.add_table(len(body) + 1, len(headers), MARGIN, table_top, BODY_WIDTH,
                                   Inches(0.38) * (len(body) + 1))
    grid = shape.table
    total = sum(widths)
    for position, width in enumerate(widths):
        grid.columns[position].width = int(BODY_WIDTH * width / total)
    for position, name in enumerate(headers):
        _cell(grid.cell(0, position), name, Pt(13), bold=True)
    for line, values in enumerate(body, start=1):
        for position, value in enumerate(values):
            _cell(grid.cell(line, position), value, Pt(14))
    hidden = len(rows) - len(body)
    if hidden > 0:
        _note(slide, label("sl_slide_more", lang, count=format_count(hidden, lang)),
              FOOTER_TOP - Inches(0.45))


def _was_now(before: str, after: str, changed: bool, removed: bool) -> str:
    if removed:
        return before
    return f"{before} → {after}" if changed else after


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _milestone_table(rows: pd.DataFrame, facts: ExportFacts, days_header: str, days_of):
    lang = facts.lang
    headers = [label("milestone", lang), label("export_col_action", lang), label("owner", lang),
               label("date_planned", lang), days_header, label("instance", lang)]
    widths = [3.3, 3.5, 1.8, 1.45, 1.0, 1.9]
    body = [[_text(row.title), f"{_text(row.action_id)} — {_text(row.action_title)}",
             _text(row.owner), _short_day(row.planned, lang),
             "" if pd.isna(row.days) else format_count(days_of(int(row.days)), lang),
             _text(row.instance)]
            for row in rows.head(MAX_ROWS).itertuples(index=False)]
    return headers, widths, body, max(len(rows) - MAX_ROWS, 0)


def _table_slides(deck, facts: ExportFacts, title: str, table, per_slide: int = ROWS_PER_SLIDE,
                  font: Pt = Pt(12)) -> None:
    headers, widths, body, hidden = table
    lang = facts.lang
    pages = [body[start:start + per_slide] for start in range(0, len(body), per_slide)] or [[]]
    for number, rows in enumerate(pages, start=1):
        heading = title if len(pages) == 1 else (
            f"{title} {label('export_continued', lang, page=number, pages=len(pages))}")
        slide = _slide(deck, facts, heading)
        if not rows:
            _note(slide, label("export_none", lang), BODY_TOP)
            continue
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), MARGIN, BODY_TOP,
                                       BODY_WIDTH, Inches(0.4) * (len(rows) + 1))
        grid = shape.table
        total = sum(widths)
        for position, width in enumerate(widths):
            grid.columns[position].width = int(BODY_WIDTH * width / total)
        for position, name in enumerate(headers):
            _cell(grid.cell(0, position), name, font, bold=True)
        for line, values in enumerate(rows, start=1):
            for position, value in enumerate(values):
                _cell(grid.cell(line, position), value, font)
        if hidden and number == len(pages):
            top = BODY_TOP + Inches(0.42) * (len(rows) + 1) + Inches(0.1)
            _note(slide, label("export_more_rows", lang, count=format_count(hidden, lang)), top)


def _coherence_slide(deck, facts: ExportFacts, kpis: Kpis) -> None:
    lang = facts.lang
    slide = _slide(deck, facts, label("export_slide_coherence", lang))
    outside = outside_strategy(facts.plan, facts.actions)
    titles = axis_titles(facts.plan, lang)
    columns = [
        (f"{label('outside_strategy_list', lang)} ({format_count(len(outside), lang)})",
         [f"{_text(a.id)} — {_text(a.title)}" + (f" ({_text(a.owner)})" if _text(a.owner) else "")
          for a in outside.itertuples(index=False)]),
        (f"{label('kpi_empty_axes', lang)} ({format_count(len(kpis.axes_without_action), lang)})",
         [titles.get(axis, axis) for axis in kpis.axes_without_action]),
    ]
    gap = Inches(0.3)
    width = (BODY_WIDTH - gap) // 2
    for index, (heading, items) in enumerate(columns):
        box = slide.shapes.add_textbox(MARGIN + index * (width + gap), BODY_TOP, width,
                                       BODY_HEIGHT)
        frame = box.text_frame
        frame.word_wrap = True
        frame.text = heading
        _style(frame, Pt(20), bold=True)
        shown = items[:MAX_LIST] or [label("export_none", lang)]
        if len(items) > MAX_LIST:
            shown.append(label("export_more_rows", lang,
                               count=format_count(len(items) - MAX_LIST, lang)))
        for item in shown:
            paragraph = frame.add_paragraph()
            paragraph.text = f"• {item}"
            paragraph.font.size = Pt(15)
            paragraph.font.color.rgb = INK


def _decision_slides(deck, facts: ExportFacts) -> None:
    lang = facts.lang
    actions = facts.actions
    waiting = actions[actions["decision"].fillna("").str.strip() != ""]
    headers = [label("export_col_action", lang), label("owner", lang), label("status", lang),
               label("decision", lang)]
    body = [[f"{_text(a.id)} — {_text(a.title)}", _text(a.owner), status_word(a.status, lang),
             _text(a.decision)] for a in waiting.head(MAX_ROWS).itertuples(index=False)]
    table = (headers, [3.8, 1.9, 1.4, 5.3], body, max(len(waiting) - MAX_ROWS, 0))
    _table_slides(deck, facts, label("export_slide_decisions", lang), table,
                  per_slide=DECISIONS_PER_SLIDE, font=Pt(13))


# ---- text helpers ---------------------------------------------------------------------

def _short_day(day, lang: str) -> str:
    """`30/09/2026`: a table column holds a numeric date on one line."""
    return babel_format_date(pd.Timestamp(day).date(), format="short",
                             locale=LOCALES.get(lang, "fr_FR"))


def _pair(name: str, value: str, lang: str) -> str:
    """`Nom : valeur` in French typography, `Name: value` in English."""
    return f"{name} : {value}" if lang == "fr" else f"{name}: {value}"


def _text(value) -> str:
    return "" if value is None or value is pd.NA or pd.isna(value) else str(value)


def _style(frame, size: Pt, bold: bool = False, color: RGBColor = INK,
           align: PP_ALIGN | None = None) -> None:
    for paragraph in frame.paragraphs:
        if align is not None:
            paragraph.alignment = align
        for run in paragraph.runs:
            run.font.size, run.font.bold = size, bold
            run.font.color.rgb = color


def no_picture(facts: ExportFacts) -> str | None:
    """Why the timeline slide has no picture for this view (too many rows), or None."""
    if len(facts.actions) > PICTURE_MAX_ACTIONS:
        return label("export_slide_too_many", facts.lang,
                     count=format_count(len(facts.actions), facts.lang))
    return None


def _lines(frame, lines: list[str], size: Pt) -> None:
    frame.text = lines[0]
    for line in lines[1:]:
        frame.add_paragraph().text = line
    _style(frame, size)


def _cell(cell, text: str, size: Pt, bold: bool = False) -> None:
    cell.text = text
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    _style(cell.text_frame, size, bold=bold, color=RGBColor(0xFF, 0xFF, 0xFF) if bold else INK)


def _note(slide, text: str, top: Emu) -> None:
    box = slide.shapes.add_textbox(MARGIN, top, BODY_WIDTH, Inches(0.5))
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    _style(box.text_frame, Pt(15), color=MUTED)
