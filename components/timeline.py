"""The timeline: strategy bands, plan Gantt bars, milestones, terms and the status date.

A pure function of (plan, view, status date[, baseline plan]): no Dash, no file. Bars are
`go.Bar` with a day as `base` (`2026-3-5`) and a length in milliseconds (what
plotly.express.timeline does), rows are numeric positions labelled with titles, so two
actions may share a title. The part of a bar or band past the end of the current term is a
separate, hatched segment (for the plan's bars, a hatched white veil drawn over the whole
bar): hatching whole bars would mark what lies inside the term, and hatching every bar
slows drawing 2–4×.

Built for thousands of actions (bench/bench_timeline.py, bench/README.md):
- one trace per colour group, never per bar, and one for all the hatched parts; a group's
  bars are split by band (the axis title written once per trace) when that saves more
  JSON than a trace costs;
- what users read of each action and milestone (escaped text, shares once per distinct
  value) is computed column-wise, once per plan and language (`plan_texts`): a filter
  change only picks rows;
- the JSON is kept under px.timeline's for the same hover content although the figure
  draws more (milestones, progress, bands, terms): what many traces (or annotations)
  repeat, their hover template first, is written once in the layout's template
  (`_shared_templates`); `customdata` holds only what differs per bar, the action id first
  (what a click opens); the title is the row label (`%{y}`) unless the label cuts it; days
  are numbers or `2026-3-5` that Plotly writes as dates (`%{x|%-d %B %Y}`, with the month
  names of the locale the page gives Plotly: assets/plotly-locale-fr.js, lowercase as
  French writes them), budgets whole euros that it writes as money (PLOTLY_LOCALES);
  status and météo labels, shared axis and milestone titles sit once in a trace's template
  or `meta`; numbers are base64 arrays (float32 to within minutes where a day is all that
  counts, rows in one byte up to 255 rows);
- the part done is one line trace (a single SVG path), without hover of its own;
- the margins are sized for the row labels and the legend from font metrics, because Plotly
  draws the whole figure twice when it has to widen a margin itself;
- the figure is assembled without Plotly's validation and copies (a test validates it),
  and written out (`TimelineFigure.to_dict`, what Dash calls) without plotly.py's generic
  pass over every array, with numbers as typed arrays.

Readable at scale: text is 12 px or more; rows keep a fixed pitch (15–24 px) so the figure
grows with the rows and the page scrolls, every action keeping its labelled row; past about
one screen, the years are repeated under the chart. The example plan (47 rows) makes a
761 px figure, for a projector's 1080 px with the page's header, filters and key figures.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import json
import threading
import unicodedata
from collections import Counter, OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from babel.dates import get_month_names

from components.i18n import (LOCALES, STATUS_LABELS, WEATHER_LABELS, format_day, format_share,
                             label)
from components.palettes import (AXIS_DEFAULT_COLORS, CATEGORY_COLORS, MILESTONE_STYLES,
                                 OTHERS_COLOR, OUTSIDE_BAND_COLOR, PROGRESS_COLOR, STATUS_COLORS,
                                 STATUS_DATE_COLOR, TERM_COLOR, WEATHER_COLORS, with_alpha)
from model.derive import milestone_states
from model.filters import OUTSIDE, visible_actions, visible_range
from model.plan import Plan
from model.terms import current_term
from model.view import VERSION_CHARS, View
from model.vocab import STATUSES, WEATHERS

ROW_PX_MIN = 15  # 12 px labels stay apart; the example plan's 47 rows fit a projector
ROW_PX_MAX = 24  # a small plan gets taller rows, not a taller figure
PLOT_PX = 705  # plot height aimed at: 1080 px minus header, filters, key figures, margins
MARGIN_TOP = 46  # term labels above the year labels
MARGIN_BOTTOM = 10
MARGIN_BOTTOM_TALL = 30  # years repeated under the chart
TALL_ROWS = 60  # past about one screen of rows, the years are repeated at the bottom
BAR_WIDTH = 0.62
PROGRESS_SHARE = 0.26  # the part done: a line about a quarter of a row thick
HATCH = {"shape": "/", "size": 7, "solidity": 0.35, "fillmode": "overlay"}  # over the colour
BAR_HATCH = {**HATCH, "size": 5, "solidity": 0.45, "fgcolor": "#FFFFFF"}  # finer: bars are thin
LABEL_CHARS = 48
LEGEND_CHARS = 30
TICK_GAP_PX = 10  # between a row label and the plot
LEGEND_SYMBOL_PX = 64  # a legend entry's symbol, gaps and the legend's padding
DRAWN_COLUMNS = ("id", "axis_id", "title", "owner", "service", "start", "end", "status",
                 "progress", "weather", "budget", "row")  # what the figure reads
MIN_FONT_PX = 12
GROUPED_FIELD = {"statut": "status", "meteo": "weather"}  # colour grouping -> hover field
# Days in hovers, written by Plotly from a date (`%{x|…}`) with the month names of the
# page's Plotly locale (« 15 mars 2026 », “15 March 2026”).
DAY_FORMAT = "%-d %B %Y"  # as components.i18n.format_day writes them
DAY_MS = 86_400_000
NOON_MS = DAY_MS // 2
BAR_END_SHIFT_MS = 10 * 60_000  # see _bar_spans
# Budgets are sent as numbers and written by Plotly in the page's locale: whole euros,
# grouped by thousands, with the currency of PLOTLY_LOCALES (« 1 250 000 € », “€1,250,000”,
# as components.i18n.format_money writes them, with plain spaces: a hover never wraps).
BUDGET_FORMAT = "$,.0f"
# What the page's Plotly needs beyond its locales (config `locales`, merged key by key with
# the registered locale): the euro, which d3's `$` writes.
PLOTLY_LOCALES = {"fr": {"format": {"currency": ["", " €"]}},
                  "en": {"format": {"currency": ["€", ""]}}}
TRACE_BYTES = 350  # what one more trace of markers costs in JSON, about (its styles are in
# the layout's template)
# A group's bars are split by band when that saves more JSON than this per extra trace: a
# trace also costs build time (about 0.15 ms) and drawing.
SPLIT_TRACE_BYTES = 1500
# Over the part of a bar past the term: the bar's colour shows as if at 55 % opacity.
PAST_TERM_VEIL = "rgba(255,255,255,0.45)"
SHARED_TITLES = 12  # per milestone state, at most this many titles get a trace each
# The baseline's ghost bar: under the row's bar (which spans ±BAR_WIDTH/2 around the row),
# overlapping its lower edge, so it shows behind a bar that grew; grey and outlined.
GHOST_WIDTH = 0.3
GHOST_OFFSET = 0.18
GHOST_FILL = "rgba(110,110,110,0.22)"
GHOST_LINE = "#5A5A5A"
FONT = "Marianne, Arial, sans-serif"


@dataclass(frozen=True)
class Rows:
    """Where each band and action sits on the y axis."""
    actions: pd.DataFrame  # the visible actions, ordered, with `y`, `axis_title` and `band`
    bands: pd.DataFrame  # one row per band: axis_id, title, start, end, color, y, height
    tick_values: list[float]
    tick_labels: list[str]


def escape(text: object) -> str:
    """User text for Plotly's pseudo-HTML: `<b>x</b>` must show literally."""
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return ""
    text = str(text)
    if "&" in text or "<" in text or ">" in text:
        return html.escape(text, quote=False)
    return text


def _escaped(values: pd.Series | list) -> np.ndarray:
    """`escape` of a text column (missing -> ""), in one pass when nothing needs escaping."""
    texts = (values.fillna("").to_numpy(object) if isinstance(values, pd.Series)
             else np.array(values, dtype=object))
    try:
        joined = "".join(texts)
    except TypeError:  # not all text: escape each value
        joined = "&"
    if not ("&" in joined or "<" in joined or ">" in joined):
        return texts
    return np.array([escape(value) for value in texts], dtype=object)


def _strings(values: np.ndarray) -> np.ndarray:
    """Text as an object array of `str`: `TimelineFigure.to_dict` writes it out with one
    `tolist()`, which copies references (from a fixed-width `<U` array it would make a new
    string per cell: the largest cost of the filter callback at 2,000 actions)."""
    return np.asarray(values, dtype=object)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- Text widths ---------------------------------------------------------------------------

# Advance widths of Arial (and its metric twin Liberation Sans) in 1/1000 em, from its AFM;
# letters with accents take their base letter's width; anything else counts as a wide
# letter. Used to give Plotly the margins its labels need: when Plotly has to widen a
# margin itself (automargin, or a legend outside the plot), it draws the figure twice.
_ARIAL = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~",
    (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
     *(556,) * 10, 278, 278, 584, 584, 584, 556, 1015,
     667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778,
     722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333,
     556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556,
     333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)))
_WIDE = 722
_SAFETY = 1.12  # Marianne, when installed, sets a little wider than Arial


def text_px(text: str, bold: bool = False, size: float = 12) -> float:
    """About how many pixels `text` takes at `size` px (an upper estimate)."""
    units = 0
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            continue
        units += _ARIAL.get(char, _WIDE)
    return units * size / 1000 * _SAFETY * (1.1 if bold else 1.0)


def _plain(label_text: str) -> tuple[str, bool]:
    """A tick label without its markup, and whether it is bold; entities count as one."""
    bold = label_text.startswith("<b>")
    text = label_text.removeprefix("<b>").removesuffix("</b>")
    return html.unescape(text), bold


# --- French (or English) text, column-wise ------------------------------------------------

@lru_cache(maxsize=None)
def _month_names(lang: str) -> tuple[str, ...]:
    """Month names as `format_day` writes them (`d MMMM y`): index 1 is January."""
    names = get_month_names("wide", context="format", locale=LOCALES.get(lang, "fr_FR"))
    return ("",) + tuple(names[month] for month in range(1, 13))


def format_days(days: pd.Series, lang: str) -> np.ndarray:
    """`format_day` of every date of a column (`15 mars 2026`), computed once per distinct
    date: Babel takes about 0.3 ms a call, too slow for 10,000 actions (tests check that
    both agree)."""
    codes, uniques = pd.factorize(days.to_numpy("datetime64[D]"))
    months = _month_names(lang)
    day_month = uniques.astype("datetime64[M]")
    years = (uniques.astype("datetime64[Y]").astype(np.int64) + 1970).tolist()
    numbers = (day_month.astype(np.int64) % 12 + 1).tolist()
    day_numbers = ((uniques - day_month).astype(np.int64) + 1).tolist()
    texts = np.array([f"{d} {months[m]} {y}" for d, m, y in zip(day_numbers, numbers, years)]
                     + [""], dtype=object)
    return texts[codes]  # code -1 (missing) takes the trailing ""


def _whole_euros(amounts: pd.Series) -> np.ndarray:
    """Amounts as whole euros for Plotly to write (`BUDGET_FORMAT`), missing -> "" (which
    Plotly leaves empty rather than format): `331000` takes 7 characters of JSON where
    `"331 000 \\u20ac"` takes 17."""
    known = amounts.notna().to_numpy(bool)
    euros = np.full(len(amounts), "", dtype=object)
    euros[known] = np.round(amounts.to_numpy(np.float64, na_value=0.0)[known]).astype(
        np.int64).tolist()
    return euros


def format_shares(shares: pd.Series, lang: str) -> np.ndarray:
    """`format_share` of a column (`45 %`), once per distinct value, missing -> ""."""
    codes, uniques = pd.factorize(shares)
    texts = [_share(float(share), lang) for share in uniques]
    return np.array(texts + [""], dtype=object)[codes]


@lru_cache(maxsize=4096)
def _share(share: float, lang: str) -> str:
    return format_share(share, lang)  # progress values repeat from one view to the next


def _labels(codes: pd.Series, names: dict) -> np.ndarray:
    """Our own labels of coded values (status, météo); missing or unknown -> `names[None]`."""
    factor, uniques = pd.factorize(codes)
    texts = [names.get(code, names[None]) for code in uniques] + [names[None]]
    return np.array(texts, dtype=object)[factor]


# --- What users read of a plan, once per plan and language -------------------------------

_TEXT_CACHE: OrderedDict = OrderedDict()  # (version, lang) -> (actions, milestones, texts)
_TEXT_LOCK = threading.Lock()
TEXT_CACHE_PLANS = 8


def plan_texts(plan: Plan, lang: str) -> dict[str, np.ndarray]:
    """Every action's and milestone's hover text and row label, in the plan's row order.

    They do not depend on the view: a filter change then only picks rows (the filter
    callback's budget is 100 ms at 2,000 actions). Kept for the last few plans, keyed by
    version and checked against the plan's own frames, so a new plan never reads stale
    text."""
    key = (plan.version, lang)
    with _TEXT_LOCK:
        cached = _TEXT_CACHE.get(key)
        if cached and cached[0] is plan.actions and cached[1] is plan.milestones:
            _TEXT_CACHE.move_to_end(key)
            return cached[2]
    actions, milestones = plan.actions, plan.milestones
    texts = {
        "id": _escaped(actions["id"]),
        "title": _escaped(actions["title"]),
        "owner": _escaped(actions["owner"]),
        "service": _escaped(actions["service"]),
        "status": _labels(actions["status"], STATUS_LABELS[lang]),
        # Plain spaces where Babel puts no-break ones: a hover never wraps, and JSON
        # writes each no-break space in 6 characters.
        "progress": _plain_spaces(format_shares(actions["progress"], lang)),
        "weather": _labels(actions["weather"], WEATHER_LABELS[lang]),
        "budget": _whole_euros(actions["budget"]),
        "row_label": _escaped([_short(title) for title in
                               actions["title"].fillna("").to_numpy(object)]),
        "milestone_title": _escaped(milestones["title"]),
    }
    # A row label cut at LABEL_CHARS does not tell the whole title: those bars carry it.
    texts["title_cut"] = texts["row_label"] != texts["title"]
    texts = {name: _strings(values) if values.dtype == object else values
             for name, values in texts.items()}
    # Where each milestone's action sits in the plan (-1: none), and its date in ms.
    ids = pd.Index(actions["id"].to_numpy(object))
    if ids.is_unique:
        owners = ids.get_indexer(milestones["action_id"].to_numpy(object))
    else:  # a repeated id: its first action, as before
        first: dict = {}
        for position, action_id in enumerate(ids):
            first.setdefault(action_id, position)
        owners = [first.get(action_id, -1) for action_id in milestones["action_id"]]
    texts["milestone_action"] = np.asarray(owners, dtype=np.int64)
    texts["milestone_ms"] = np.where(milestones["planned"].notna().to_numpy(bool),
                                     _epoch_ms(_seconds(milestones["planned"])), np.nan)
    texts["milestone_states"] = {}  # status date -> state of every milestone
    with _TEXT_LOCK:
        _TEXT_CACHE[key] = (actions, milestones, texts)
        while len(_TEXT_CACHE) > TEXT_CACHE_PLANS:
            _TEXT_CACHE.popitem(last=False)
    return texts


def _plain_spaces(texts: np.ndarray) -> np.ndarray:
    codes, uniques = pd.factorize(texts)
    spaced = [text.replace("\u00a0", " ").replace("\u202f", " ") for text in uniques]
    return np.array(spaced + [""], dtype=object)[codes]


def forget_plans() -> None:
    """Drop the text kept for recent plans (benchmarks measure a plan's first figure)."""
    with _TEXT_LOCK:
        _TEXT_CACHE.clear()
    _share.cache_clear()


def _positions(frame: pd.DataFrame, subset: pd.DataFrame) -> np.ndarray:
    """Where the rows of `subset` sit in `frame` (its index is unique: loaders number rows)."""
    if not frame.index.is_unique:
        raise ValueError("a plan's frames need a unique index")
    return frame.index.get_indexer(subset.index)


# --- Rows ----------------------------------------------------------------------------------

def layout_rows(plan: Plan, actions: pd.DataFrame, view: View, lang: str,
                texts: dict[str, np.ndarray] | None = None,
                label_chars: int = LABEL_CHARS) -> Rows:
    """Group the visible actions under their axis's band, in the workbook's order; within a
    band, by start, end, then workbook row. A band title row heads each band."""
    axes = plan.axes
    if view.axes:
        axes = axes[axes["id"].isin(view.axes)]
    filtered = bool(view.services or view.owners or view.statuses or view.weathers
                    or view.text or view.late_only or view.past_term_only)
    if filtered:
        axes = axes[axes["id"].isin(actions["axis_id"].dropna())]
    groups, band_of = [], {}
    for position, axis in enumerate(axes.itertuples()):
        band_of.setdefault(axis.id, len(groups))  # a repeated id keeps its first band
        groups.append((axis.id, axis.title, axis.start, axis.end,
                       axis.color if isinstance(axis.color, str) else
                       AXIS_DEFAULT_COLORS[position % len(AXIS_DEFAULT_COLORS)]))
    band = np.array([band_of.get(axis_id, -1) if isinstance(axis_id, str) else -1
                     for axis_id in actions["axis_id"].to_numpy(object)], dtype=np.int64)
    outside = band < 0
    if outside.any():
        groups.append((OUTSIDE, label("outside_strategy", lang),
                       actions["start"][outside].min(), actions["end"][outside].max(),
                       OUTSIDE_BAND_COLOR))
        band[outside] = len(groups) - 1
    order = np.lexsort((actions["row"].fillna(0).to_numpy(np.int64),
                        actions["end"].to_numpy("datetime64[s]").astype(np.int64),
                        actions["start"].to_numpy("datetime64[s]").astype(np.int64), band))
    band = band[order]
    counts = np.bincount(band, minlength=len(groups))
    firsts = np.cumsum(counts) - counts
    tops = firsts + np.arange(len(groups))  # each band's title row
    y = tops[band] + 1 + (np.arange(len(band)) - firsts[band])
    titles = np.array([title for _id, title, *_rest in groups], dtype=object)
    placed = actions.iloc[order].assign(y=y, axis_title=titles[band] if len(band) else [],
                                        band=band)
    row_count = len(band) + len(groups)
    tick_labels = np.empty(row_count, dtype=object)
    tick_labels[tops] = [f"<b>{escape(_short(title, label_chars))}</b>" for title in titles]
    texts = plan_texts(plan, lang) if texts is None else texts
    tick_labels[y] = texts["row_label"][_positions(plan.actions, placed)]
    bands = [{"axis_id": axis_id, "title": title, "start": start, "end": end, "color": color,
              "y": top + count / 2, "height": count + 0.9}
             for (axis_id, title, start, end, color), top, count in zip(groups, tops, counts)]
    band_frame = pd.DataFrame(bands, columns=["axis_id", "title", "start", "end", "color", "y",
                                              "height"])
    return Rows(placed, band_frame, list(range(row_count)), tick_labels.tolist())


def row_px(row_count: int) -> int:
    """Pixels per row: as tall as fits the projector's plot height, within 15–24 px."""
    return int(min(ROW_PX_MAX, max(ROW_PX_MIN, PLOT_PX // max(row_count, 1))))


def figure_height(row_count: int) -> int:
    """The figure's height in pixels for `row_count` rows (bands' title rows included)."""
    bottom = MARGIN_BOTTOM_TALL if row_count > TALL_ROWS else MARGIN_BOTTOM
    return MARGIN_TOP + max(row_count, 1) * row_px(row_count) + bottom


# --- Traces --------------------------------------------------------------------------------

def _color_groups(actions: pd.DataFrame, color_by: str, lang: str):
    """(legend name, colour, mask, hover text of the grouped field) per colour group, in
    legend order. Status and météo groups are our own labels, the same for every bar of a
    group: written once in its template (GROUPED_FIELD). Services and owners are user text,
    which a template would read as markup and `%{…}`: they stay in each bar's customdata."""
    if color_by in ("statut", "meteo"):
        column, codes, colors, names = (
            ("status", STATUSES, STATUS_COLORS, STATUS_LABELS[lang]) if color_by == "statut"
            else ("weather", WEATHERS, WEATHER_COLORS, WEATHER_LABELS[lang]))
        values = actions[column].fillna("").to_numpy(object)
        known = np.zeros(len(values), bool)
        for code in codes:
            mask = values == code
            known |= mask
            if mask.any():
                yield names[code], colors[code], mask, escape(names[code])
        if not known.all():  # no value (or one Horizon does not know)
            yield names[None], colors[None], ~known, escape(names[None])
        return
    column = "service" if color_by == "service" else "owner"
    codes, uniques = pd.factorize(actions[column].fillna(label("unknown", lang)))
    counts = np.bincount(codes, minlength=len(uniques))
    top = np.argsort(-counts, kind="stable")[:len(CATEGORY_COLORS)]  # ties: first seen
    for code, color in zip(sorted(top, key=lambda code: uniques[code]), CATEGORY_COLORS):
        yield uniques[code], color, codes == code, ""
    rest = ~np.isin(codes, top)
    if rest.any():
        yield label("others", lang), OTHERS_COLOR, rest, ""


def _days_ms(start: np.ndarray, end_exclusive: np.ndarray) -> np.ndarray:
    """Lengths in milliseconds (float: Plotly sends float64 as compact base64)."""
    return (end_exclusive - start).astype("timedelta64[ms]").astype(np.float64)


def _bar_spans(start: np.ndarray, end_exclusive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bases, lengths) of bars from `start` (midnight) to `end_exclusive`: each base a day
    (`2026-3-5`: Plotly's hover writes a numeric base as NaN), each length in float32
    milliseconds, 4 bytes instead of 8. float32 holds a length to within 5 minutes (a bar
    of up to 200 years): each bar ends BAR_END_SHIFT before midnight, so that its hover
    writes its last day from `%{x}` and nothing shows on the screen (a day is a few pixels
    wide at the finest useful zoom)."""
    length = _days_ms(start, end_exclusive) - BAR_END_SHIFT_MS
    return _iso(start), length.astype(np.float32)


def _iso(days: np.ndarray) -> np.ndarray:
    """Days as `2026-3-5` (Plotly reads a date with or without leading zeros): shorter than
    datetimes or `2026-03-05` in the JSON, and exact; written once per distinct day."""
    codes, uniques = pd.factorize(np.asarray(days).astype("datetime64[D]"))
    months = uniques.astype("datetime64[M]")
    years = (uniques.astype("datetime64[Y]").astype(np.int64) + 1970).tolist()
    month_numbers = (months.astype(np.int64) % 12 + 1).tolist()
    day_numbers = ((uniques - months).astype(np.int64) + 1).tolist()
    texts = [f"{y}-{m}-{d}" for y, m, d in zip(years, month_numbers, day_numbers)] + [""]
    return np.array(texts, dtype=object)[codes]


def _hover(actions: pd.DataFrame, positions: np.ndarray, texts: dict[str, np.ndarray]
           ) -> tuple[np.ndarray, list[str]]:
    """Every bar's hover fields, one column each (the action id first: what a click opens),
    and the columns' names. A trace sends only the columns its template reads (`_bar_hover`).

    What a line can take from elsewhere is not repeated per bar: the title is the row label
    (`%{y}`: Plotly writes the axis's tick text) unless the label cuts it, the start is the
    bar's `base`, the end is where the bar ends (`%{x}`, see `_bar_spans`), the grouped
    field (status or météo) is written once in the trace's `meta` when its bars share it,
    and the axis too when the trace holds one band."""
    axis_codes, axis_titles = pd.factorize(actions["axis_title"])
    axes = _strings(np.array([escape(title) for title in axis_titles] + [""],
                             dtype=object))[axis_codes]
    columns = [("id", texts["id"][positions]), ("title", texts["title"][positions]),
               ("axis", axes)] + [(name, texts[name][positions]) for name in
                                  ("owner", "service", "status", "progress", "weather",
                                   "budget")]
    custom = np.empty((len(actions), len(columns)), dtype=object)
    for index, (_name, values) in enumerate(columns):
        custom[:, index] = values
    return custom, [name for name, _values in columns]


def _bar_hover(names: list[str], with_title: bool, axis_in_meta: bool, grouped: str | None,
               lang: str) -> tuple[list[int], str]:
    """(columns of customdata to send, hover template) for one trace of bars; its `meta`
    holds [axis title (when the trace holds one band), the text of the `grouped` field
    (status or météo) when all its bars share it]. The end is the bar's (`%{x}`)."""
    sent = [name for name in names if (name != "title" or with_title)
            and (name != "axis" or not axis_in_meta) and name != grouped]
    at = {name: f"customdata[{position}]" for position, name in enumerate(sent)}
    colon, day = " : " if lang == "fr" else ": ", DAY_FORMAT
    lines = [f"<b>%{{{at['title'] if with_title else 'y'}}}</b>"]
    for name in ("axis", "owner", "service", "dates", "status", "progress", "weather",
                 "budget"):
        if name == "dates":
            value = f"%{{base|{day}}} – %{{x|{day}}}"
        elif name == "axis" and axis_in_meta:
            value = "%{meta[0]}"
        elif name == grouped:
            value = "%{meta[1]}"
        elif name == "budget":
            value = f"%{{{at[name]}:{BUDGET_FORMAT}}}"
        else:
            value = f"%{{{at[name]}}}"
        lines.append(f"{label(name, lang)}{colon}{value}")
    return [names.index(name) for name in sent], "<br>".join(lines) + "<extra></extra>"


def _split(start: np.ndarray, end_exclusive: np.ndarray, cut: pd.Timestamp | None):
    """(inside mask, inside end, crossing mask, past start) of spans cut at the term's end."""
    if cut is None:
        inside = np.ones(len(start), bool)
        return inside, end_exclusive, ~inside, start
    cut64 = np.datetime64(cut.to_datetime64(), "s")
    inside = start < cut64
    crossing = end_exclusive > cut64
    return inside, np.minimum(end_exclusive, cut64), crossing, np.maximum(start, cut64)


def _seconds(series: pd.Series) -> np.ndarray:
    return series.to_numpy("datetime64[s]")


def _band_traces(bands: pd.DataFrame, cut: pd.Timestamp | None, lang: str) -> list[dict]:
    if bands.empty:
        return []
    start = _seconds(bands["start"])
    end_exclusive = _seconds(bands["end"]) + np.timedelta64(1, "D")
    inside, inside_end, crossing, past_start = _split(start, end_exclusive, cut)
    starts, ends = format_days(bands["start"], lang), format_days(bands["end"], lang)
    hover = np.array([f"<b>{escape(t)}</b><br>{s} – {e}"
                      for t, s, e in zip(bands["title"], starts, ends)], dtype=object)
    hover = _strings(hover)
    colors = np.array([with_alpha(c, 0.14) for c in bands["color"]], dtype=object)
    y, height = bands["y"].to_numpy(float), bands["height"].to_numpy(float)
    common = {"type": "bar", "orientation": "h", "hovertemplate": "%{hovertext}<extra></extra>",
              "name": label("axis_band", lang), "legendgroup": "bands", "showlegend": False}
    traces = [{**common, "base": _iso(start[inside]),
               "x": _days_ms(start[inside], inside_end[inside]), "y": y[inside],
               "width": height[inside], "hovertext": hover[inside],
               "marker": {"color": colors[inside], "line": {"width": 0}}}]
    if crossing.any():
        traces.append({**common, "base": _iso(past_start[crossing]),
                       "x": _days_ms(past_start[crossing], end_exclusive[crossing]),
                       "y": y[crossing], "width": height[crossing],
                       "hovertext": hover[crossing],
                       "marker": {"color": colors[crossing], "line": {"width": 0},
                                  "pattern": {**HATCH, "fgcolor": "rgba(60,60,60,0.45)"}}})
    return traces


def _action_traces(actions: pd.DataFrame, positions: np.ndarray, texts: dict, cut,
                   view: View, lang: str, pitch: int, term_label: str) -> list[dict]:
    """The plan's bars, each from its start to its end: per colour group, one trace (its
    bars split by band when writing the axis once per trace saves JSON); the few bars whose
    row label cuts their title, which carry it, in one trace of their own; then the parts
    past the current term in one trace drawn over them: a hatched white veil, which shows
    each bar's colour lighter (a bar's hover and click are the same along its whole
    length). Few traces with one colour each draw fastest: per-bar colours draw 1.5×
    slower, a trace per axis and group 1.2× when groups are small; the two traces with a
    colour per bar hold few bars. The legend is a key, not a control (its clicks are off):
    bars of a colour need not share a trace."""
    if actions.empty:
        return []
    custom, names = _hover(actions, positions, texts)
    cut_title = texts["title_cut"][positions]
    band, axis_titles = actions["band"].to_numpy(np.int64), actions["axis_title"].to_numpy(object)
    start = _seconds(actions["start"])
    end_exclusive = _seconds(actions["end"]) + np.timedelta64(1, "D")
    _inside, _inside_end, crossing, past_start = _split(start, end_exclusive, cut)
    base, length = _bar_spans(start, end_exclusive)
    y = actions["y"].to_numpy(np.int64)
    in_band = {b: band == b for b in np.unique(band)}
    # What writing the axis once per band saves: its JSON text (escapes and quotes
    # included, as Dash sends it) once per bar.
    axis_chars = {b: len(json.dumps(escape(axis_titles[np.argmax(in_band[b])]))) + 1
                  for b in in_band}
    grouped = GROUPED_FIELD.get(view.color_by)

    def bars(chosen: np.ndarray, common: dict, with_title: bool, grouped: str | None,
             group_text: str, colors: np.ndarray | None = None) -> list[dict]:
        """The `chosen` bars as one trace, or one per band when writing each band's axis
        once (in `meta`) saves more JSON than the extra traces cost; `colors`: one a bar."""
        bands, counts = np.unique(band[chosen], return_counts=True)
        saved = sum(count * axis_chars[b] for b, count in zip(bands, counts))
        by_band = len(bands) > 0 and saved > SPLIT_TRACE_BYTES * (len(bands) - 1)
        columns, template = _bar_hover(names, with_title, by_band, grouped, lang)
        made = []
        for part in ([in_band[b] & chosen for b in bands] if by_band else [chosen]):
            rows = np.flatnonzero(part)
            if not len(rows):
                continue
            trace = {**common, "base": base[rows], "x": length[rows], "y": y[rows],
                     "customdata": custom[np.ix_(rows, columns)], "hovertemplate": template}
            if colors is not None:
                trace["marker"] = {"color": colors[rows]}
            if by_band or grouped:
                trace["meta"] = [escape(axis_titles[rows[0]]) if by_band else "", group_text]
            made.append(trace)
        return made

    colors = np.empty(len(actions), dtype=object)
    traces, titled = [], np.zeros(len(actions), bool)
    for name, color, mask, group_text in _color_groups(actions, view.color_by, lang):
        colors[mask] = color
        titled |= mask & cut_title
        common = {"type": "bar", "orientation": "h", "width": BAR_WIDTH,
                  "legendgroup": f"c-{name}", "name": escape(_short(name, LEGEND_CHARS)),
                  "marker": {"color": color}}
        group = bars(mask & ~cut_title, common, False, grouped if group_text else None,
                     group_text)
        if not group:  # every bar of the group is titled: the legend still names it
            group = [{**common, "x": [None], "y": [None], "hoverinfo": "skip"}]
        for trace in group[1:]:  # one legend entry per group
            trace["showlegend"] = False
        traces += group
    if titled.any():
        common = {"type": "bar", "orientation": "h", "width": BAR_WIDTH, "showlegend": False,
                  "legendgroup": "titled"}
        traces += bars(titled, common, True, None, "", colors)
    if crossing.any():
        # Drawn over the bars: a white veil, hatched, so each bar's colour shows lighter
        # past the term (one colour for the trace: Plotly draws a pattern over per-bar
        # colours without their fill). No hover of its own: the bar under it answers hovers
        # and clicks along its whole length. All start at the term's end: one base.
        bases, lengths = _bar_spans(past_start[crossing], end_exclusive[crossing])
        traces.append({"type": "bar", "orientation": "h", "width": BAR_WIDTH,
                       "showlegend": False, "legendgroup": "past", "hoverinfo": "skip",
                       "base": bases[0] if (bases == bases[0]).all() else bases,
                       "x": lengths, "y": y[crossing],
                       "marker": {"color": PAST_TERM_VEIL, "pattern": BAR_HATCH}})
    progress = actions["progress"].astype(float).fillna(0).clip(0, 1).to_numpy()
    shown = progress > 0
    if shown.any():
        traces.append(_progress_trace(start[shown], end_exclusive[shown], progress[shown],
                                      y[shown], round(PROGRESS_SHARE * pitch, 1), lang))
    if crossing.any():
        # One legend entry explains the hatching whatever the colour grouping.
        traces.append({"type": "bar", "orientation": "h", "name": label("past_term", lang),
                       "x": [None], "y": [None], "legendgroup": "past", "hoverinfo": "skip",
                       "marker": {"color": "#FFFFFF", "line": {"color": "#555555", "width": 1},
                                  "pattern": {**HATCH, "fgcolor": "#555555"}}})
    return traces


def _progress_trace(start: np.ndarray, end_exclusive: np.ndarray, progress: np.ndarray,
                    y: np.ndarray, width_px: float, lang: str) -> dict:
    """The part done, darker inside each bar, to the nearest day: one line trace whose
    segments (separated by gaps) draw as a single SVG path, where one bar each cost as much
    to draw as the plan's own bars. Its width is in pixels: rows have a fixed pitch. No
    hover: the bar under it answers. x in milliseconds since 1970 (a date axis reads
    numbers); rows as small integers: compact base64 arrays."""
    days = (end_exclusive - start).astype("timedelta64[D]").astype(np.int64)
    done_end = start.astype("datetime64[D]") + np.round(days * progress).astype(
        "timedelta64[D]")
    # float32: 4 bytes, to within 2 minutes (invisible), a gap where x is NaN.
    x = np.full(3 * len(start), np.nan, dtype=np.float32)
    x[0::3] = _epoch_ms(start)
    x[1::3] = _epoch_ms(done_end)
    return {"type": "scatter", "mode": "lines", "name": label("progress_done", lang),
            "legendgroup": "progress", "x": x, "y": np.repeat(_rows(y), 3),
            "hoverinfo": "skip", "line": {"color": PROGRESS_COLOR, "width": width_px}}


def _rows(y: np.ndarray) -> np.ndarray:
    """Row positions in the smallest integer type that holds them: 1 byte up to 255 rows
    (most plans), 2 up to 32,767."""
    if len(y) == 0 or (y.min() >= 0 and y.max() < 2 ** 8):
        return y.astype(np.uint8)
    return y.astype(np.int16 if y.min() >= -2 ** 15 and y.max() < 2 ** 15 else np.int32)


def _noon(milliseconds: np.ndarray) -> np.ndarray:
    """Days (milliseconds since 1970 at midnight) as their noon in float32: 4 bytes a
    marker, to within 2 minutes, so the marker sits mid-day and Plotly's `%{x|%-d %B %Y}`
    writes the right day."""
    return (milliseconds + NOON_MS).astype(np.float32)


def _epoch_ms(moments: np.ndarray) -> np.ndarray:
    return moments.astype("datetime64[ms]").astype(np.int64).astype(np.float64)


def _milestone_traces(plan: Plan, actions: pd.DataFrame, positions: np.ndarray, texts: dict,
                      status_date: dt.date, lang: str) -> list[dict]:
    """Markers by state (shape and colour). The hover says the title, the state and the
    planned day, which Plotly writes from x. A title that many milestones share (« COPIL »,
    « Recette ») is written once, in its own trace's `meta`, rather than once a marker."""
    if plan.milestones.empty or actions.empty:
        return []
    row_of_action = np.full(len(plan.actions), -1, dtype=np.int64)
    row_of_action[positions] = actions["y"].to_numpy(np.int64)
    owner = texts["milestone_action"]
    rows = np.where(owner >= 0, row_of_action[np.maximum(owner, 0)], -1)
    keep = (rows >= 0) & ~np.isnan(texts["milestone_ms"])
    if not keep.any():
        return []
    states = _milestone_states(plan, texts, status_date)[keep]
    x, y, titles = _noon(texts["milestone_ms"][keep]), _rows(rows[keep]), \
        texts["milestone_title"][keep]
    colon = " : " if lang == "fr" else ": "
    planned = f"{label('planned', lang)}{colon}%{{x|{DAY_FORMAT}}}<extra></extra>"
    state_line = "%{fullData.name}<br>"  # the trace's name: one template for every state
    traces = []
    for state, (symbol, color) in MILESTONE_STYLES.items():
        chosen = np.flatnonzero(states == state)
        if not len(chosen):
            continue
        name = label(f"milestone_{state}", lang)
        common = {"type": "scatter", "mode": "markers", "name": name,
                  "legendgroup": f"m-{state}",
                  "marker": {"symbol": symbol, "color": color, "size": 10,
                             "line": {"width": 1.5, "color": color if symbol.endswith("open")
                                      else "#FFFFFF"}}}
        codes, uniques = pd.factorize(titles[chosen])
        counts = np.bincount(codes, minlength=len(uniques))
        shared = np.argsort(-counts, kind="stable")[:SHARED_TITLES]
        # Worth a trace (about TRACE_BYTES of JSON) when it saves more text than that.
        shared = shared[counts[shared] * np.array([len(uniques[code]) + 3 for code in shared],
                                                  dtype=np.int64) > TRACE_BYTES]
        group = []
        for code in shared:
            these = chosen[codes == code]
            group.append({**common, "x": x[these], "y": y[these], "meta": [uniques[code]],
                          "hovertemplate": f"<b>%{{meta[0]}}</b><br>{state_line}{planned}"})
        rest = chosen[~np.isin(codes, shared)]
        if len(rest):
            group.append({**common, "x": x[rest], "y": y[rest], "text": titles[rest],
                          "hovertemplate": f"<b>%{{text}}</b><br>{state_line}{planned}"})
        for trace in group[1:]:  # one legend entry per state
            trace["showlegend"] = False
        traces += group
    return traces


# --- Baseline (`base=`) ----------------------------------------------------------------------

def _ghost_bars(baseline: Plan, actions: pd.DataFrame, legend: str, lang: str) -> list[dict]:
    """What the baseline planned for each drawn action it also holds (same id): a thin ghost
    bar under the row's bar, behind it, outlined so that it shows whatever the colours (and
    its legend entry names it). Three numbers per action: the hover reads the row label,
    the ghost's `base` and its end (`x`: the ghost ends 1 ms before the day after its end,
    so Plotly writes the last day)."""
    if actions.empty:
        return []
    day, colon = DAY_FORMAT, " : " if lang == "fr" else ": "
    references = baseline.actions.drop_duplicates("id")
    found = pd.Index(references["id"].to_numpy(object)).get_indexer(
        actions["id"].to_numpy(object))
    traces = []
    held = found >= 0
    if held.any():
        start = _seconds(references["start"])[found[held]]
        end_exclusive = _seconds(references["end"])[found[held]] + np.timedelta64(1, "D")
        traces.append({
            "type": "bar", "orientation": "h", "name": legend, "legendgroup": "baseline",
            "base": _iso(start), "x": _days_ms(start, end_exclusive) - 1,
            "y": _rows(actions["y"].to_numpy(np.int64)[held]), "width": GHOST_WIDTH,
            "offset": GHOST_OFFSET,
            "marker": {"color": GHOST_FILL, "line": {"color": GHOST_LINE, "width": 1}},
            "legendrank": 1001,  # after the colour groups
            "hovertemplate": (f"<b>%{{y}}</b><br>{label('baseline_dates', lang)}{colon}"
                              f"%{{base|{day}}} → %{{x|{day}}}<extra></extra>")})
    return traces


def _moved_milestones(baseline: Plan, plan: Plan, actions: pd.DataFrame, positions: np.ndarray,
                      texts: dict, lang: str) -> list[dict]:
    """For each drawn milestone whose planned day moved since the baseline (same id): a
    tick at the old day (its own symbol and legend entry, never colour alone) joined to the
    marker by a dotted line; its hover says the old day and the shift in days."""
    milestones = plan.milestones
    if milestones.empty or baseline.milestones.empty:
        return []
    row_of_action = np.full(len(plan.actions), -1, dtype=np.int64)
    row_of_action[positions] = actions["y"].to_numpy(np.int64)
    owner = texts["milestone_action"]
    rows = np.where(owner >= 0, row_of_action[np.maximum(owner, 0)], -1)
    references = baseline.milestones.drop_duplicates("id")
    found = pd.Index(references["id"].to_numpy(object)).get_indexer(
        milestones["id"].to_numpy(object))
    old = np.full(len(milestones), np.nan)
    old[found >= 0] = np.where(references["planned"].notna().to_numpy(bool),
                               _epoch_ms(_seconds(references["planned"])),
                               np.nan)[found[found >= 0]]
    new = texts["milestone_ms"]
    moved = (rows >= 0) & ~np.isnan(old) & ~np.isnan(new) & (old != new)
    if not moved.any():
        return []
    shifts = np.round((new[moved] - old[moved]) / DAY_MS).astype(np.int64)
    old, new, y = _noon(old[moved]), _noon(new[moved]), _rows(rows[moved])
    codes, uniques = pd.factorize(shifts)
    words = np.array([label(f"milestone_shift_{'one' if abs(n) == 1 else 'many'}", lang,
                            n=f"{n:+d}") for n in uniques], dtype=object)
    x = np.full(3 * len(old), np.nan, dtype=np.float32)
    x[0::3], x[1::3] = old, new
    colon = " : " if lang == "fr" else ": "
    return [
        {"type": "scatter", "mode": "lines", "x": x, "y": np.repeat(y, 3),
         "legendgroup": "baseline-moved", "showlegend": False, "hoverinfo": "skip",
         "line": {"color": GHOST_LINE, "width": 1, "dash": "dot"}},
        {"type": "scatter", "mode": "markers", "name": label("milestone_moved", lang),
         "legendgroup": "baseline-moved", "legendrank": 1001, "x": old, "y": y,
         "text": texts["milestone_title"][moved], "hovertext": _strings(words[codes]),
         "hovertemplate": (f"<b>%{{text}}</b><br>{label('baseline_dates', lang)}{colon}"
                           f"%{{x|{DAY_FORMAT}}}<br>%{{hovertext}}<extra></extra>"),
         "marker": {"symbol": "line-ns-open", "size": 12,
                    "line": {"width": 2, "color": GHOST_LINE}}},
    ]


# --- Terms, status date, axes --------------------------------------------------------------

def _milestone_states(plan: Plan, texts: dict, status_date: dt.date) -> np.ndarray:
    """`model.derive.milestone_states` of every milestone, once per status date."""
    cache = texts["milestone_states"]
    states = cache.get(status_date)
    if states is None:
        states = milestone_states(plan.milestones, status_date).to_numpy(object)
        if len(cache) < 16:  # a few dates per plan; past that, compute each time
            cache[status_date] = states
    return states


def _term_decorations(terms: pd.DataFrame, status_date: dt.date, lang: str, start: pd.Timestamp,
                      end: pd.Timestamp):
    """Term boundaries and labels, the status date's line and label.

    Term labels sit above the year labels (in the top margin), centred on the visible part
    of their term; the status date's label sits in the first row, a band's title row, which
    holds no bar."""
    shapes, annotations = [], []
    span = end - start
    for term in terms.itertuples():
        for boundary, dash in ((term.start, "solid"), (term.end, "dot" if term.provisional
                                                        else "solid")):
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": boundary,
                           "x1": boundary, "y0": 0, "y1": 1,
                           "line": {"color": TERM_COLOR, "width": 1.5, "dash": dash}})
        low, high = max(term.start, start), min(term.end, end)
        if high <= low:
            continue
        text = label("term", lang, label=escape(term.label))
        if term.provisional:
            text += " " + label("provisional", lang)
        annotations.append({"xref": "x", "yref": "paper", "x": low + (high - low) / 2,
                            "y": 1, "yanchor": "bottom", "yshift": 20, "showarrow": False,
                            "text": text, "font": {"size": 12, "color": TERM_COLOR}})
    day = pd.Timestamp(status_date)
    shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": day, "x1": day, "y0": 0,
                   "y1": 1, "line": {"color": STATUS_DATE_COLOR, "width": 2, "dash": "dash"}})
    right_side = span > pd.Timedelta(0) and (day - start) / span > 0.75
    annotations.append({"xref": "x", "yref": "paper", "x": day, "y": 1, "yanchor": "top",
                        "xanchor": "right" if right_side else "left",
                        "xshift": -4 if right_side else 4, "showarrow": False,
                        "bgcolor": "rgba(255,255,255,0.85)",
                        "font": {"size": 12, "color": STATUS_DATE_COLOR},
                        "text": label("status_date", lang, date=format_day(status_date, lang))})
    # Shapes take one deduplicated list: adjacent terms share a boundary.
    unique = {(s["x0"], s["line"]["dash"], s["line"]["color"]): s for s in shapes}
    return list(unique.values()), annotations


def _x_axis(start: pd.Timestamp, end: pd.Timestamp, side: str) -> dict:
    """Years labelled (centred on their year), quarters as a lighter grid."""
    return {"type": "date", "range": [start.strftime("%Y-%m-%d"), end.strftime("%Y-%m-%d")],
            "dtick": "M12", "tick0": "2000-01-01", "tickformat": "%Y",
            "ticklabelmode": "period", "showgrid": True, "gridcolor": "#D0D0D0",
            "minor": {"dtick": "M3", "showgrid": True, "gridcolor": "#EFEFEF"},
            "tickfont": {"size": 13}, "side": side}


def _bottom_years(start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    """Year labels under the plot, centred on their year like the axis's at the top."""
    return [{"xref": "x", "yref": "paper", "x": f"{year}-07-02", "y": 0, "yanchor": "top",
             "yshift": -4, "showarrow": False, "text": str(year),
             "font": {"size": 13, "color": "#1E1E1E"}}
            for year in range(start.year, end.year + 1)
            if pd.Timestamp(year, 7, 2) >= start and pd.Timestamp(year, 7, 2) <= end]


def _margins(tick_labels: list[str], traces: list[dict]) -> tuple[int, int]:
    """Left and right margins that hold the row labels and the legend."""
    # Widths grow with length: measuring the 40 longest labels is enough, and cheap.
    longest = sorted(tick_labels, key=len)[-40:]
    left = max((text_px(*_plain(text)) for text in longest), default=0)
    names = [trace["name"] for trace in traces if trace.get("showlegend", True)
             and trace.get("name")]
    legend = max((text_px(html.unescape(name)) for name in names), default=0)
    return int(left) + TICK_GAP_PX, (int(legend) + LEGEND_SYMBOL_PX if names else 10)


def timeline_figure(plan: Plan, view: View, status_date: dt.date, *,
                    baseline: Plan | None = None, baseline_label: str | None = None,
                    label_chars: int = LABEL_CHARS) -> go.Figure:
    """The whole picture for a view at a status date; with a `baseline` plan, its dates
    drawn behind (ghost bars, moved milestones), named in the legend by `baseline_label`
    (default « Référence (version abc123def456) »). Row labels are cut at `label_chars`
    (the hover tells the whole title): ask for shorter ones here rather than rewriting
    the axis's tick text, which the hovers read."""
    lang = view.lang
    actions = visible_actions(plan, view, status_date)
    actions = actions[[column for column in DRAWN_COLUMNS if column in actions]]
    texts = plan_texts(plan, lang)
    if label_chars != LABEL_CHARS:
        labels = _escaped([_short(title, label_chars) for title in
                           plan.actions["title"].fillna("").to_numpy(object)])
        texts = {**texts, "row_label": labels, "title_cut": labels != texts["title"]}
    rows = layout_rows(plan, actions, view, lang, texts, label_chars)
    positions = _positions(plan.actions, rows.actions)
    terms = plan.calendar  # built on each access: once here
    term = current_term(terms, status_date)
    cut = None if term is None else pd.Timestamp(term["end"])  # as model.derive.term_end
    start, end = visible_range(plan, view, status_date)
    row_count = max(len(rows.tick_values), 1)
    term_label = escape(term["label"]) if term is not None else ""
    ghosts, moved = [], []
    if baseline is not None:
        legend = escape(baseline_label) if baseline_label else label(
            "baseline_legend", lang, version=baseline.version[:VERSION_CHARS])
        ghosts = _ghost_bars(baseline, rows.actions, legend, lang)
        moved = _moved_milestones(baseline, plan, rows.actions, positions, texts, lang)
    # Bars first (bands, ghosts, the plan's), then lines and markers: Plotly draws each
    # kind of trace in one layer, in the order the kinds first appear.
    traces = (_band_traces(rows.bands, cut, lang) + ghosts
              + _action_traces(rows.actions, positions, texts, cut, view, lang,
                               row_px(row_count), term_label)
              + moved
              + _milestone_traces(plan, rows.actions, positions, texts, status_date, lang))
    shapes, annotations = _term_decorations(terms, status_date, lang, start, end)
    tall = row_count > TALL_ROWS
    if tall:
        # Years under a long chart too, as annotations: a second, matching x axis would
        # draw a whole second subplot (a quarter of the drawing time at 200 actions).
        annotations += _bottom_years(start, end)
    left, right = _margins(rows.tick_labels, traces)
    layout = {
        # Not Plotly's default template (8 kB): every style is set here; the template
        # holds only what many traces or annotations would otherwise each repeat.
        "template": _shared_templates(traces, annotations),
        "barmode": "overlay",
        "hovermode": "closest",
        "height": figure_height(row_count),
        "margin": {"l": left, "r": right, "t": MARGIN_TOP,
                   "b": MARGIN_BOTTOM_TALL if tall else MARGIN_BOTTOM, "pad": 0},
        "font": {"size": 13, "family": FONT, "color": "#1E1E1E"},
        "plot_bgcolor": "#FFFFFF",
        "paper_bgcolor": "#FFFFFF",
        "xaxis": _x_axis(start, end, "top"),
        "yaxis": {"tickmode": "array", "tickvals": rows.tick_values,
                  "ticktext": rows.tick_labels, "autorange": False,
                  "range": [row_count - 0.5, -0.5], "automargin": True,
                  "tickfont": {"size": 12}, "fixedrange": True, "showgrid": False,
                  "zeroline": False,
                  # Plotly measures every label to hide those past the plot's edge (one
                  # layout each): 10× slower drawing at 200 rows. The margin fits them.
                  "ticklabeloverflow": "allow"},
        # The legend is a key, not a control: what is shown follows the filters, which the
        # URL holds; toggling traces would show a view no link reproduces.
        "legend": {"orientation": "v", "x": 1, "xanchor": "left", "y": 1,
                   "yanchor": "top", "font": {"size": 12}, "itemclick": False,
                   "itemdoubleclick": False, "tracegroupgap": 4},
        "shapes": shapes,
        "annotations": annotations,
        "hoverlabel": {"align": "left", "font": {"size": 13}},
        # Zoom and pan survive filter changes, not a change of plan or zoom preset.
        "uirevision": f"{plan.version}-{view.zoom}-{view.start}-{view.end}",
    }
    return _assemble(traces, layout)


# What most traces of a type (and most annotations) repeat, written once in the layout's
# template, which Plotly applies to every trace of that type (every annotation) for what it
# leaves out: each attribute's path and what an item that leaves it out must then state
# (Plotly's default), UNCHANGED where the template's value changes nothing such an item
# draws (the width of the legend's hatched sample, which has no bar; the markers' size for
# a line), or KEPT where no such value exists: the attribute is then shared only when
# every item states it.
UNCHANGED, KEPT = object(), object()
TEMPLATED = {
    "bar": ((("orientation",), "v"), (("width",), UNCHANGED), (("showlegend",), True)),
    "scatter": ((("mode",), UNCHANGED), (("showlegend",), True),
                (("marker", "size"), UNCHANGED), (("marker", "line", "width"), UNCHANGED)),
}
ANNOTATION_TEMPLATED = ((("xref",), "paper"), (("yref",), "paper"), (("y",), KEPT),
                        (("yanchor",), "auto"), (("yshift",), 0), (("showarrow",), True),
                        (("font", "size"), KEPT), (("font", "color"), KEPT))


def _shared_templates(traces: list[dict], annotations: list[dict]) -> dict:
    """The layout's template: per trace type, the hover template most traces repeat and
    the TEMPLATED attributes, and the annotations' defaults, written once there instead of
    in each item. A trace without hover (the part done, the moved milestones' lines)
    states an empty hover template: with the template's, the page's Plotly would give it
    a hover."""
    data = {}
    for kind, paths in TEMPLATED.items():
        typed = [trace for trace in traces if trace["type"] == kind]
        shared = _shared(typed, paths)
        hovers = Counter(trace["hovertemplate"] for trace in typed if "hovertemplate" in trace)
        if hovers and hovers.most_common(1)[0][1] > 1:
            common = hovers.most_common(1)[0][0]
            shared["hovertemplate"] = common
            for trace in typed:
                if trace.get("hovertemplate") == common:
                    del trace["hovertemplate"]
                elif trace.get("hoverinfo") == "skip":
                    # Its own, empty: with the template's, it would get a hover.
                    trace["hovertemplate"] = ""
        if shared:
            data[kind] = [shared]
    template = {"data": data} if data else {}
    defaults = _shared(annotations, ANNOTATION_TEMPLATED)
    if defaults:
        template["layout"] = {"annotationdefaults": defaults}
    return template


def _shared(items: list[dict], paths) -> dict:
    """The values most `items` repeat at `paths`, removed from them (see TEMPLATED)."""
    shared: dict = {}
    for path, stated in paths:
        found = [_get(item, path) for item in items]
        # Only plain values are shared (a band's widths are an array of its own).
        counts = Counter((type(value), value) for value in found
                         if isinstance(value, (str, bool, int, float)))
        if not counts or counts.most_common(1)[0][1] < 2 or (
                stated is KEPT and any(value is None for value in found)):
            continue
        common = counts.most_common(1)[0][0]
        _put(shared, path, common[1])
        for item, value in zip(items, found):
            if value is None and stated is not UNCHANGED:
                _put(item, path, stated)
            elif (type(value), value) == common:
                _drop(item, path)
    return shared


def with_template_applied(figure: go.Figure) -> go.Figure:
    """A copy of a timeline figure as the page's Plotly reads it: each trace and annotation
    with what the layout's template gives it where it states nothing (`_shared_templates`
    moved it there). For what reads a built figure's styles: tests, the image export."""
    copy = go.Figure(figure)
    template = copy.layout.template
    seen: Counter = Counter()
    for trace in copy.data:
        entries = getattr(template.data, trace.type, ()) or ()
        if entries:
            entry = entries[seen[trace.type] % len(entries)]
            seen[trace.type] += 1
            _fill(trace, entry.to_plotly_json())
    defaults = template.layout.annotationdefaults.to_plotly_json()
    for annotation in copy.layout.annotations:
        _fill(annotation, defaults)
    copy.layout.template = {}
    return copy


def _fill(item, values: dict, prefix: str = "") -> None:
    for key, value in values.items():
        if isinstance(value, dict):
            _fill(item, value, f"{prefix}{key}.")
        elif item[f"{prefix}{key}"] is None:
            item[f"{prefix}{key}"] = value


def _get(container: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(container, dict) or key not in container:
            return None
        container = container[key]
    return container


def _put(container: dict, path: tuple[str, ...], value) -> None:
    for key in path[:-1]:
        # A copy: traces of a group share their `marker` dict.
        container[key] = container = dict(container.get(key, {}))
    container[path[-1]] = value


def _drop(container: dict, path: tuple[str, ...]) -> None:
    """Remove an attribute, and the dicts it leaves empty (`marker: {}`), copying the dicts
    on its path (traces of a group share their `marker` dict)."""
    parents = [container]
    for key in path[:-1]:
        parents[-1][key] = dict(parents[-1][key])
        parents.append(parents[-1][key])
    del parents[-1][path[-1]]
    for parent, key in zip(reversed(parents[:-1]), reversed(path[:-1])):
        if parent[key]:
            break
        del parent[key]


# Numbers as Plotly.js reads typed arrays (what plotly.py would write, see `_typed`).
TYPED_CODES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4",
               "uint32": "u4", "float32": "f4", "float64": "f8"}


def _typed(values: np.ndarray):
    """A numeric array as a typed-array spec (`{"dtype": "f8", "bdata": base64}`), written
    here rather than by plotly.py on the way out, which passes every array through narwhals
    (about 0.2 ms an array: a third of the filter callback's time at 2,000 actions). A very
    short array stays a list: shorter in JSON."""
    if values.size < 4:
        return values.tolist()
    if values.dtype == np.int64:
        values = _rows(values)
    return {"dtype": TYPED_CODES[values.dtype.name],
            "bdata": base64.b64encode(np.ascontiguousarray(values).tobytes()).decode("ascii")}


def decoded(value) -> np.ndarray | None:
    """A trace's array as numpy, whether a typed-array spec (`_typed`), a list or an array;
    what reads a built figure (tests, the image export) calls this."""
    if isinstance(value, dict) and "bdata" in value:
        dtype = {code: name for name, code in TYPED_CODES.items()}[value["dtype"]]
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=dtype)
    return None if value is None else np.asarray(value)


def _json_ready(value):
    """A copy of a figure's part with arrays as JSON values: numbers as typed arrays, text
    as lists. Only dicts and lists are walked: an array is converted whole."""
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    if isinstance(value, np.ndarray):
        return _typed(value) if value.dtype.kind in "iuf" else value.tolist()
    return value


class TimelineFigure(go.Figure):
    """A `go.Figure` whose `to_dict` (what Dash, the exports and `to_json` call) copies the
    figure without plotly.py's generic pass: `copy.deepcopy` of every array, then narwhals on
    each (about 0.5 ms a trace, most of the filter callback's time at 2,000 actions). Every
    array of this figure is already numbers as typed arrays or text (`_assemble`), so a
    plain copy gives the same JSON."""

    def to_dict(self):
        return {"data": [_json_ready(trace) for trace in self._data],
                "layout": _json_ready(self._layout)}


def _assemble(traces: list[dict], layout: dict) -> go.Figure:
    """The figure, without Plotly's per-array validation and copies: the traces above are
    built to Plotly's schema (a test validates whole figures), and the large arrays are set
    after construction, which Plotly does not deep-copy (construction does: half the build
    time at 10,000 actions). Numbers become typed arrays on the way out
    (`TimelineFigure.to_dict`)."""
    light, heavy = [], []
    for trace in traces:
        arrays = {key: value for key, value in trace.items()
                  if isinstance(value, np.ndarray) and value.size > 64}
        light.append({key: value for key, value in trace.items() if key not in arrays})
        heavy.append(arrays)
    axis = layout["yaxis"]
    ticks = {key: axis.pop(key) for key in ("tickvals", "ticktext")}
    figure = TimelineFigure(data=light, layout=layout, _validate=False)
    for trace, arrays in zip(figure.data, heavy):
        for key, value in arrays.items():
            trace[key] = value
    figure.layout.yaxis.tickvals = np.asarray(ticks["tickvals"], dtype=np.int64)
    figure.layout.yaxis.ticktext = _strings(np.array(ticks["ticktext"], dtype=object))
    return figure


def row_count(figure: go.Figure) -> int:
    """How many rows (band titles and actions) a timeline figure has."""
    values = decoded(figure.layout.yaxis.tickvals)
    return 0 if values is None else len(values)
