"""One spreadsheet cell -> one typed value: dates, numbers, progress, status, météo, durations, ids.

Cells arrive as python-calamine gives them: `str` ("" when blank), `float`, `int`, `bool`,
`datetime.date`, `datetime.datetime`, `datetime.time`, `datetime.timedelta`. Every parser
returns None for a blank cell (None, "", spaces) and raises `ValueProblem(code, value=…)`
for a value it cannot understand, `value` being the cell as the user sees it.

Text is compared once folded: lower case, no accents, ordinary spaces for non-breaking
ones, typographic dashes and apostrophes made plain. The French grammar of dates is written
by hand because generic parsers read `sept.` or `2e trimestre` wrong.

Decisions on ambiguous forms:

- A whole number of four digits in a date cell is a year, not an Excel serial (serial
  2027 would be 19 July 1905, which no roadmap means); so the number 2101 is
  unrecognised, like the text `2101`. Other numbers are serials (1..59 and 61.. in the
  1900 system, 60 being Excel's fake 29 February 1900); a fraction of a day is dropped.
- `mi-2027` is June 2027 (a month: 1–30 June); `début`/`fin` + a period are its first/last
  month (`fin 2026` = December 2026, `fin T2 2026` = June 2026), `mi` its middle month;
  `début`, `mi`, `fin` + a month are that month.
- Two-digit years are 20xx (`15/03/26`, `T2 26`, `janv.-26`).
- Separators in numbers: spaces (ordinary, non-breaking, narrow) group thousands; a single
  `,` or `.` is the decimal mark (French first: `1,250` is 1.25); several of one kind,
  each followed by exactly three digits, group thousands (`1.250.000`, `1,250,000`); with
  both kinds the last one is the decimal mark (`1.250.000,50`, `1,250,000.50`).
- `k` and `M` after a number scale it (`250 k€`, `1,2 M`); a unit written in the cell
  wins over the header's, so under `Budget (k€)` the cell `250` is 250 000 euros, but
  `250 k€` is 250 000 (not 250 000 000) and `1 250 000 €` is 1 250 000.
- Unknown markers (`NC`, `n.d.`, `-`, `—`, `?`, `à définir`, `TBD`, `inconnu`…) are blank
  in every kind of cell (a date réelle of `-` is no date, not an error); the loader then
  reports a required value as missing.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from loaders.problems import ValueProblem


@dataclass(frozen=True, slots=True)
class DatePeriod:
    first: dt.date  # first day of the period the cell names
    last: dt.date  # last day
    precision: str  # "day", "month", "quarter", "semester", "year"


MIN_YEAR, MAX_YEAR = 1900, 2100

# --- folding -------------------------------------------------------------------------------

_PLAIN = str.maketrans({
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\t": " ", "\n": " ",
    "\r": " ", "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-",
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\ufe0f": None, "\ufe0e": None,
})


def _fold(text: str) -> str:
    """`  Févr.\u00a02027 ` -> `fevr. 2027`: lower case, no accents, single plain spaces."""
    text = text.translate(_PLAIN).lower()
    if not text.isascii():
        text = "".join(char for char in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(char))
    return " ".join(text.split())


def _key(folded: str) -> str:
    """Letters and digits only: `à définir` -> `adefinir`."""
    return "".join(filter(str.isalnum, folded))


# Written as people write them; compared by `_key`. Punctuation-only cells (`-`, `—`, `?`)
# are unknown too.
_UNKNOWN_MARKERS = frozenset(_key(_fold(marker)) for marker in (
    "n.c.", "NC", "ND", "n.d.", "N/A", "NA", "NR", "non renseigné", "non connu",
    "non communiqué", "non disponible", "à définir", "à déterminer", "à préciser", "TBD",
    "TBC", "inconnu", "inconnue", "unknown",
))


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_marker(folded: str) -> bool:
    key = _key(folded)
    return not key or key in _UNKNOWN_MARKERS


def _shown(value: object) -> str:
    """The cell as the user sees it, for the message."""
    if isinstance(value, str):
        return value.strip()
    text = cell_text(value)
    return "" if text is None else text


# --- cell text and ids -----------------------------------------------------------------------

def _number_text(number: float) -> str:
    if number.is_integer():
        return str(int(number))
    return f"{number:.15g}"  # what Excel shows: 0.1 + 0.2 reads 0.3


def cell_text(value: object) -> str | None:
    """A cell as text: stripped, numbers without `.0`, dates ISO, blank -> None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):  # before int: bool is an int
        return "VRAI" if value else "FAUX"  # what French Excel and LibreOffice show
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value) if math.isfinite(value) else None
    if isinstance(value, dt.datetime):  # before date: datetime is a date
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    text = str(value).strip()
    return text or None


_ID_SEPARATORS = re.compile(r"[,;|\n\r]+")
_NO_IDS = frozenset({"aucun", "aucune", "neant", "none", "sans"}) | _UNKNOWN_MARKERS


def parse_ids(value: object) -> tuple[str, ...]:
    """`A1, A2; A3` -> ("A1", "A2", "A3"); 3.0 -> ("3",); blank, `-`, `aucune` -> ()."""
    if value.__class__ is str and value.isascii() and value.isalnum():
        # One plain id (`A12`), the usual cell: no separator, space or accent to fold, so
        # its key is its lower case (the loop below gives the same, five times slower).
        return () if value.lower() in _NO_IDS else (value,)
    if isinstance(value, str):
        parts = _ID_SEPARATORS.split(value)
    else:
        text = cell_text(value)
        parts = [text] if text is not None else []
    ids: dict[str, None] = {}  # ordered and de-duplicated
    for part in parts:
        part = part.strip()
        key = _key(_fold(part))
        if key and key not in _NO_IDS:  # `-`, `?` and `aucune` name no action
            ids[part] = None
    return tuple(ids)


# --- numbers ---------------------------------------------------------------------------------

# A sign, digits with their separators, then what follows (unit, percent…).
_NUMBER = re.compile(r"(?P<sign>[-+])?\s*(?P<digits>\d[\d ,.]*|[.,]\d+)\s*(?P<suffix>.*)",
                     re.ASCII)
_SPACE_GROUPED = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?", re.ASCII)
_GROUPED = {",": re.compile(r"\d{1,3}(?:,\d{3})+", re.ASCII),
            ".": re.compile(r"\d{1,3}(?:\.\d{3})+", re.ASCII)}
_SUFFIX = re.compile(
    r"(?:(?P<percent>%|pourcents?)"
    r"|(?P<scale>k|m|md|mds|mrd|mille|milliers?|millions?|milliards?)?\s*"
    r"(?:(?:d'|de\s+)?\s*(?P<currency>€|eur|euros?))?)"
    r"\s*(?:ht|ttc)?\.?")
# Powers of ten, applied in the decimal text so that 1,005 k€ is 1005.0, not 1004.999….
_SCALES = {"k": 3, "mille": 3, "millier": 3, "milliers": 3, "m": 6, "million": 6,
           "millions": 6, "md": 9, "mds": 9, "mrd": 9, "milliard": 9, "milliards": 9}


def _decimal(digits: str) -> str | None:
    """`1 250 000`, `0,45`, `1.250.000`, `1,250,000.50` -> `1250000.50`; None when malformed."""
    if " " in digits:
        if not _SPACE_GROUPED.fullmatch(digits):
            return None
        digits = digits.replace(" ", "")
    commas, dots = digits.count(","), digits.count(".")
    if not commas and not dots:
        return digits
    if commas and dots:
        mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        grouping = "." if mark == "," else ","
        whole, _, fraction = digits.partition(mark)
        if mark in fraction or not fraction or not _GROUPED[grouping].fullmatch(whole):
            return None
        return whole.replace(grouping, "") + "." + fraction
    mark = "," if commas else "."
    if commas + dots == 1:
        whole, _, fraction = digits.partition(mark)
        return (whole or "0") + "." + fraction if fraction else None
    return digits.replace(mark, "") if _GROUPED[mark].fullmatch(digits) else None


def _scaled(decimal: str, exponent: int) -> float:
    return float(Decimal(decimal).scaleb(exponent)) if exponent else float(decimal)


@dataclass(frozen=True, slots=True)
class _Reading:
    decimal: str  # `-1250000.50`
    percent: bool  # a `%` sign was written
    scale: int | None  # the power of ten of a `k`, `M`… written in the cell
    currency: bool  # `€`, `euros` written in the cell


def _read_number(folded: str) -> _Reading | None:
    """The number a folded text writes, or None when it writes none."""
    match = _NUMBER.fullmatch(folded)
    if not match:
        return None
    decimal = _decimal(match["digits"].rstrip())
    suffix = _SUFFIX.fullmatch(match["suffix"]) if decimal is not None else None
    if suffix is None:
        return None
    if match["sign"] == "-":
        decimal = "-" + decimal
    scale = _SCALES[suffix["scale"]] if suffix["scale"] else None
    return _Reading(decimal, bool(suffix["percent"]), scale, bool(suffix["currency"]))


@functools.lru_cache(maxsize=256)  # one call per cell, a handful of distinct headers
def _header_scale(unit: str | None, *, money: bool) -> int:
    """The power of ten a header's unit gives plain numbers: `k€` -> 3, `mois` -> 0.

    A bare `k` or `m` scales only a money column: under `Longueur (m)` it means metres.
    """
    if not unit:
        return 0
    suffix = _SUFFIX.fullmatch(_fold(unit))
    if suffix is None or not suffix["scale"]:
        return 0
    if suffix["scale"] in ("k", "m") and not (money or suffix["currency"]):
        return 0
    return _SCALES[suffix["scale"]]


def _finite(value: int | float) -> float | None:
    try:
        number = float(value)
    except OverflowError:  # an int beyond floats
        return None
    return number if math.isfinite(number) else None


def _number_cell(value: object, unit: str | None, *, money: bool) -> float | None:
    if value.__class__ is float and math.isfinite(value):  # most cells: a plain number
        scale = _header_scale(unit, money=money) if unit else 0
        return _scaled(repr(value), scale) if scale else value
    if _is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = _finite(value)
        if number is not None:
            number = _scaled(repr(number), _header_scale(unit, money=money))
        if number is None or not math.isfinite(number):
            raise ValueProblem("number_unrecognised", value=_shown(value))
        return number
    if not isinstance(value, str):  # booleans, dates, times are not numbers
        raise ValueProblem("number_unrecognised", value=_shown(value))
    folded = _fold(value)
    reading = _read_number(folded)
    if reading is None or (money and reading.percent):
        if reading is None and _is_marker(folded):
            return None
        raise ValueProblem("number_unrecognised", value=_shown(value))
    # A unit written in the cell wins over the header's: `1 250 000 €` under `(k€)` is euros.
    if reading.scale is not None:
        scale = reading.scale
    else:
        scale = 0 if reading.currency else _header_scale(unit, money=money)
    number = _scaled(reading.decimal, scale)
    if not math.isfinite(number):
        raise ValueProblem("number_unrecognised", value=_shown(value))
    return number


def parse_number(value: object, unit: str | None = None) -> float | None:
    """`1 250 000 €` -> 1250000.0, `45 %` -> 45.0, `1,2 M` -> 1200000.0, `NC` -> None.

    `unit` is the header's (`k€`, `%`…, as `columns.split_unit` gives it): `k€`/`m€`
    multiply numbers that carry no scale of their own; `%` does not divide.
    """
    return _number_cell(value, unit, money=False)


def parse_money(value: object, unit: str | None = None) -> float | None:
    """Euros: `250 k€` -> 250000.0; under a `k€` header, 250 -> 250000.0; `45 %` is an error."""
    return _number_cell(value, unit, money=True)


def plain_money_column(cells: Sequence[object], unit: str | None = None) -> list[float] | None:
    """A money column of finite floats under a header without scale, as `parse_money` reads
    it cell by cell (each float as it is), in three passes at C speed; None otherwise."""
    if (set(map(type, cells)) == {float} and all(map(math.isfinite, cells))
            and not _header_scale(unit, money=True)):
        return list(cells)
    return None


def _progress_reading(value: object) -> tuple[float, bool] | None:
    """(number, written with %) of one progress cell; None when blank or unknown."""
    if value.__class__ is float and math.isfinite(value):  # most cells
        return value, False
    if _is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if (number := _finite(value)) is not None:
            return number, False
    elif isinstance(value, str):
        folded = _fold(value)
        reading = _read_number(folded)
        if reading is not None and reading.scale is None and not reading.currency:
            return float(reading.decimal), reading.percent
        if reading is None and _is_marker(folded):
            return None
    raise ValueProblem("number_unrecognised", value=_shown(value))


def parse_progress_column(values: Sequence[object]) -> list[float | None | ValueProblem]:
    """A whole progress column -> fractions 0..1, one per cell; problems returned, not raised.

    When every number written without `%` lies in 0..1 the column holds fractions (Excel
    stores a cell shown as 45 % as 0.45), otherwise percents; so a column of only 0 and 1
    reads 0 % and 100 %. A number written with `%` is always a percent.
    """
    if (set(map(type, values)) == {float} and all(map(math.isfinite, values))
            and 0.0 <= min(values) and max(values) <= 1.0):
        return list(values)  # the usual column, Excel's fractions: what the loops give
    readings: list[tuple[float, bool] | None | ValueProblem] = []
    fractions = True
    for value in values:
        try:
            reading = _progress_reading(value)
        except ValueProblem as problem:
            readings.append(problem)
            continue
        if reading is not None and not reading[1] and not 0.0 <= reading[0] <= 1.0:
            fractions = False
        readings.append(reading)
    results: list[float | None | ValueProblem] = []
    for value, reading in zip(values, readings):
        if reading is None or isinstance(reading, ValueProblem):
            results.append(reading)
            continue
        number, percent = reading
        fraction = number / 100.0 if percent or not fractions else number
        if 0.0 <= fraction <= 1.0:
            results.append(fraction)
        else:
            results.append(ValueProblem("progress_out_of_range", value=_shown(value)))
    return results


# --- vocabularies ----------------------------------------------------------------------------

_STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    "planned": ("à lancer", "prévu", "prévue", "planifié", "planifiée", "programmé",
                "programmée", "à venir", "à faire", "à démarrer", "non démarré",
                "non démarrée", "pas commencé", "pas commencée", "en attente de lancement",
                "todo", "to do", "planned", "not started", "scheduled"),
    "in_progress": ("en cours", "démarré", "démarrée", "lancé", "lancée", "en retard",
                    "en cours de réalisation", "en réalisation", "in progress", "ongoing",
                    "started", "wip", "late", "delayed"),
    "done": ("terminé", "terminée", "réalisé", "réalisée", "fait", "faite", "fini", "finie",
             "livré", "livrée", "achevé", "achevée", "clos", "close", "clôturé", "clôturée",
             "ok", "done", "completed", "complete", "finished", "closed"),
    "suspended": ("suspendu", "suspendue", "en pause", "en suspens", "gelé", "gelée",
                  "reporté", "reportée", "on hold", "paused", "suspended"),
    "abandoned": ("abandonné", "abandonnée", "annulé", "annulée", "abandoned", "cancelled",
                  "canceled", "dropped"),
}
_STATUS_SYMBOLS = {"✅": "done", "✔": "done", "☑": "done", "⏸": "suspended"}

# RAG letters and colours: green -> soleil, amber/yellow/orange -> nuages, red -> orage;
# pluie has no RAG colour. `V`/`J` are the French initials (vert, jaune).
_WEATHER_ALIASES: dict[str, tuple[str, ...]] = {
    "sunny": ("soleil", "ensoleillé", "beau", "beau temps", "bon", "vert", "green", "G", "V",
              "sunny", "sun"),
    "cloudy": ("nuages", "nuage", "nuageux", "éclaircies", "éclaircie", "jaune", "orange",
               "ambre", "amber", "yellow", "A", "J", "cloudy"),
    "rainy": ("pluie", "pluvieux", "pluvieuse", "dégradé", "dégradée", "rainy", "rain"),
    "stormy": ("orage", "orageux", "orageuse", "tempête", "rouge", "red", "R", "stormy",
               "storm"),
}
_WEATHER_SYMBOLS = {"☀": "sunny", "🌞": "sunny", "🟢": "sunny",
                    "⛅": "cloudy", "🌤": "cloudy", "🌥": "cloudy", "☁": "cloudy",
                    "🟡": "cloudy", "🟠": "cloudy",
                    "🌧": "rainy", "🌦": "rainy", "☔": "rainy",
                    "⛈": "stormy", "🌩": "stormy", "🌪": "stormy", "🔴": "stormy"}


def _by_key(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, names in aliases.items():
        for name in (code, *names):
            key = _key(_fold(name))
            assert table.get(key, code) == code, f"{name!r} names two codes"
            table[key] = code
    return table


_STATUS_BY_KEY = _by_key(_STATUS_ALIASES)
_WEATHER_BY_KEY = _by_key(_WEATHER_ALIASES)


def _vocabulary(value: object, words: dict[str, str], symbols: dict[str, str],
                code: str) -> str | None:
    """The code named by the words or the emoji of a cell; both must agree."""
    if _is_blank(value):
        return None
    if not isinstance(value, str):
        raise ValueProblem(code, value=_shown(value))
    folded = _fold(value)
    key = _key(folded)
    found = set()
    if key in words:
        found.add(words[key])
    if not folded.isascii():
        found.update(symbols[char] for char in folded if char in symbols)
    if len(found) == 1:
        return found.pop()
    if not found and _is_marker(folded) and folded.isascii():
        return None
    raise ValueProblem(code, value=_shown(value))


def parse_status(value: object) -> str | None:
    """`Terminé`, `en retard`, `✅` -> a code of `model.vocab.STATUSES`.

    `en retard` reads in progress: lateness is computed from the dates, not typed.
    """
    return _vocabulary(value, _STATUS_BY_KEY, _STATUS_SYMBOLS, "status_unknown")


def parse_weather(value: object) -> str | None:
    """`☀️`, `Nuageux`, RAG `R` -> a code of `model.vocab.WEATHERS`.

    RAG colours: green (`vert`, `G`, `V`) -> sunny, amber (`ambre`, `jaune`, `orange`, `A`,
    `J`) -> cloudy, red (`rouge`, `R`) -> stormy; rainy has no RAG colour.
    """
    return _vocabulary(value, _WEATHER_BY_KEY, _WEATHER_SYMBOLS, "weather_unknown")


# --- dates -----------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
        ("janvier", "janv", "jan", "january"),
        ("fevrier", "fevr", "fev", "feb", "february"),
        ("mars", "mar", "march"),
        ("avril", "avr", "apr", "april"),
        ("mai", "may"),
        ("juin", "jun", "june"),
        ("juillet", "juil", "jul", "july"),
        ("aout", "aou", "aug", "august"),
        ("septembre", "sept", "sep", "september"),
        ("octobre", "oct", "october"),
        ("novembre", "nov", "november"),
        ("decembre", "dec", "december")), start=1):
    _MONTHS.update(dict.fromkeys(_names, _number))

_WEEKDAYS = frozenset((
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lun", "mar", "mer", "jeu", "ven", "sam", "dim",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun"))

_ORDINALS = {
    **dict.fromkeys(("1er", "1re", "1ere", "1e", "premier", "premiere", "1st", "first"), 1),
    **dict.fromkeys(("2e", "2eme", "2ieme", "2nd", "2nde", "2d", "2de", "second", "seconde",
                     "deuxieme"), 2),
    **dict.fromkeys(("3e", "3eme", "3ieme", "troisieme", "3rd", "third"), 3),
    **dict.fromkeys(("4e", "4eme", "4ieme", "quatrieme", "4th", "fourth"), 4),
}
# Period letters: T(rimestre)/Q(uarter), S(emestre)/H(alf); and their words.
_PERIOD_KINDS = {"t": "quarter", "q": "quarter", "s": "semester", "h": "semester",
                 "trimestre": "quarter", "quarter": "quarter", "semestre": "semester",
                 "half": "semester"}

_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?"
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME, re.ASCII)
_YEAR_MONTH_DAY = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})" + _TIME, re.ASCII)
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{4})", re.ASCII)
_YEAR_MONTH = re.compile(r"(\d{4})[/.-](\d{1,2})", re.ASCII)
_YEAR = re.compile(r"\d{4}", re.ASCII)
_NAMED_DAY = re.compile(
    r"(?:(?P<weekday>[a-z]+)\.?,? )?(?P<day>\d{1,2})(?:er|re|st|nd|rd|th)?[ /-]+"
    r"(?P<month>[a-z]+)\.?[ /-]*(?P<year>\d{4}|\d{2})", re.ASCII)
_MONTH_DAY = re.compile(  # English: March 15, 2026
    r"(?P<month>[a-z]+)\.? (?P<day>\d{1,2})(?:st|nd|rd|th)?,? (?P<year>\d{4})", re.ASCII)
_NAMED_MONTH = re.compile(r"(?P<month>[a-z]+)\.?[ /'-]*(?P<year>\d{4}|\d{2})", re.ASCII)
_PERIOD_LETTER = re.compile(r"(?P<kind>[tqsh]) ?(?P<n>\d)[ /-]*(?P<year>\d{4}|\d{2})",
                            re.ASCII)
_LETTER_AFTER = re.compile(r"(?P<n>\d) ?(?P<kind>[tqsh])[ /-]*(?P<year>\d{4})", re.ASCII)
_YEAR_LETTER = re.compile(r"(?P<year>\d{4})[ /-]*(?P<kind>[tqsh]) ?(?P<n>\d)", re.ASCII)
_PERIOD_WORD = re.compile(
    r"(?P<ordinal>[a-z0-9]+) (?P<kind>trimestre|semestre|quarter|half)"
    r"(?: (?:de |du |of ))?[ /-]*(?P<year>\d{4})", re.ASCII)
# `fin 2026`, `début T2 2026`, `mi-mars 2026`, `fin de l'année 2026`, `end of 2026`.
_APPROXIMATE = re.compile(
    r"(?P<where>debut|fin|milieu|mid|mi|courant|early|end of|end|late)(?: ?- ?| )"
    r"(?:(?:de |du |d'|of )(?:l'|le |la |the )?)?(?:annee |year )?(?P<rest>.+)", re.ASCII)
_WHERE = {"debut": "first", "early": "first", "fin": "last", "end": "last", "end of": "last",
          "late": "last", "mi": "middle", "mid": "middle", "milieu": "middle",
          "courant": "whole"}


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(year)


def _day(year: int, month: int, day: int) -> DatePeriod:
    _check_year(year)
    date = dt.date(year, month, day)  # ValueError for 31/02
    return DatePeriod(date, date, "day")


def _months(year: int, first_month: int, last_month: int, precision: str) -> DatePeriod:
    _check_year(year)
    if not 1 <= first_month <= last_month <= 12:
        raise ValueError(first_month)
    last_day = calendar.monthrange(year, last_month)[1]
    return DatePeriod(dt.date(year, first_month, 1), dt.date(year, last_month, last_day),
                      precision)


def _period(year: int, kind: str, number: int) -> DatePeriod:
    """T2 2026 -> April–June; S2 2027 -> July–December."""
    size = 3 if kind == "quarter" else 6
    if not 1 <= number <= 12 // size:
        raise ValueError(number)
    return _months(year, (number - 1) * size + 1, number * size, kind)


def _exact_date(text: str) -> DatePeriod | None:
    """A folded text naming a day, month, quarter, semester or year; None when it names none.

    Raises ValueError for a date of the right form that does not exist (31/02/2026).
    """
    if text[0].isdigit():
        if match := _DAY_MONTH_YEAR.fullmatch(text):
            return _day(_year(match[4]), int(match[3]), int(match[1]))
        if match := _YEAR_MONTH_DAY.fullmatch(text):
            return _day(int(match[1]), int(match[3]), int(match[4]))
        if match := _MONTH_YEAR.fullmatch(text):
            return _months(int(match[2]), int(match[1]), int(match[1]), "month")
        if match := _YEAR_MONTH.fullmatch(text):
            return _months(int(match[1]), int(match[2]), int(match[2]), "month")
        if _YEAR.fullmatch(text):
            return _months(int(text), 1, 12, "year")
        if match := _LETTER_AFTER.fullmatch(text) or _YEAR_LETTER.fullmatch(text):
            return _period(int(match["year"]), _PERIOD_KINDS[match["kind"]], int(match["n"]))
    if match := _PERIOD_LETTER.fullmatch(text):
        return _period(_year(match["year"]), _PERIOD_KINDS[match["kind"]], int(match["n"]))
    if (match := _PERIOD_WORD.fullmatch(text)) and match["ordinal"] in _ORDINALS:
        return _period(int(match["year"]), _PERIOD_KINDS[match["kind"]],
                       _ORDINALS[match["ordinal"]])
    if (match := _NAMED_MONTH.fullmatch(text)) and match["month"] in _MONTHS:
        month = _MONTHS[match["month"]]
        return _months(_year(match["year"]), month, month, "month")
    match = _NAMED_DAY.fullmatch(text) or _MONTH_DAY.fullmatch(text)
    if (match and match["month"] in _MONTHS
            and (match.re is _MONTH_DAY or match["weekday"] in (None, *_WEEKDAYS))):
        return _day(_year(match["year"]), _MONTHS[match["month"]], int(match["day"]))
    if text.startswith("premier "):  # premier mars 2026
        return _exact_date("1 " + text[8:])
    return None


def _text_date(text: str) -> DatePeriod | None:
    period = _exact_date(text)
    if period is not None or not (match := _APPROXIMATE.fullmatch(text)):
        return period
    period = _exact_date(match["rest"])
    where = _WHERE[match["where"]]
    if period is None or where == "whole" or period.precision in ("day", "month"):
        return period
    first, last = period.first.month, period.last.month
    month = {"first": first, "last": last, "middle": first + (last - first) // 2}[where]
    return _months(period.first.year, month, month, "month")


_EXCEL_1900 = dt.date(1899, 12, 30)  # serial 61 = 1 March 1900, past Excel's fake 29 Feb
_EXCEL_1904 = dt.date(1904, 1, 1)


def _serial_date(number: float, date1904: bool) -> dt.date:
    serial = math.floor(number)  # a fraction is a time of day
    if date1904:
        if serial < 0:
            raise ValueError(number)
        return _EXCEL_1904 + dt.timedelta(days=serial)
    if serial < 1 or serial == 60:  # 0 is "0 January 1900", 60 the 29 Feb 1900 that never was
        raise ValueError(number)
    return _EXCEL_1900 + dt.timedelta(days=serial + 1 if serial < 60 else serial)


def parse_date(value: object, *, date1904: bool = False) -> DatePeriod | None:
    """The period a cell names; a start takes its `first` day, an end its `last`.

    Reads Excel dates and serials (1900 or 1904 system), `15/03/2026`, `2026-03-15`,
    `03/2026`, `mars 2026`, `sept. 2026`, `1er mars 2026`, `T2 2026`, `2e trimestre 2026`,
    `S1 2027`, `H2 2027`, `2027`, `début 2027` (January), `fin 2026` (December),
    `mi-2027` (June: 1–30 June 2027, precision month). English month names too.
    """
    if value.__class__ is dt.date and MIN_YEAR <= value.year <= MAX_YEAR:
        return DatePeriod(value, value, "day")  # most cells: an Excel date
    try:
        if isinstance(value, str):
            text = _fold(value)
            if not text:
                return None
            period = _text_date(text)
            if period is None and _is_marker(text):
                return None
        elif isinstance(value, dt.date):  # and datetime, a subclass: its day
            date = value.date() if isinstance(value, dt.datetime) else value
            _check_year(date.year)
            period = DatePeriod(date, date, "day")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if value == int(value) and 1000 <= value <= 9999:  # a year, never a serial
                period = _months(int(value), 1, 12, "year")
            else:
                date = _serial_date(value, date1904)
                period = _day(date.year, date.month, date.day)
        elif value is None:
            return None
        else:
            period = None
    except (ValueError, OverflowError):
        period = None
    if period is None:
        raise ValueProblem("date_unrecognised", value=_shown(value))
    return period


# --- durations -------------------------------------------------------------------------------

_DURATION = re.compile(r"(?P<digits>\d[\d ,.]*|[.,]\d+) ?(?P<unit>[a-z][a-z. ]*)?", re.ASCII)
_DURATION_UNITS = {
    **dict.fromkeys(("j", "jr", "jrs", "jour", "jours", "d", "day", "days"), "days"),
    **dict.fromkeys(("sem", "semaine", "semaines", "w", "wk", "week", "weeks"), "weeks"),
    **dict.fromkeys(("m", "mo", "mois", "month", "months"), "months"),
    **dict.fromkeys(("a", "an", "ans", "annee", "annees", "y", "yr", "yrs", "year", "years"),
                    "years"),
}
DAYS_PER_MONTH = 30  # the administrative month: 0,5 mois = 15 jours


def _duration_unit(text: str | None) -> str | None:
    return _DURATION_UNITS.get(_key(_fold(text))) if text else None


def _round(number: float) -> int:
    return math.floor(number + 0.5)


def parse_duration(value: object, unit: str | None = None) -> tuple[int, str] | None:
    """`18 mois` -> (18, "months"); `2,5 ans` -> (30, "months"); `0,5 mois` -> (15, "days").

    A bare number takes the header's unit (`Durée (mois)`); with no unit anywhere it is
    ambiguous and raises `duration_unrecognised`. Whole years stay years, fractions of a
    year become months, fractions of a month days (30 per month); weeks become days;
    days are rounded to the nearest whole day. A duration must be at least one day.
    """
    if _is_blank(value):
        return None
    number: float | None = None
    written_unit: str | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = _finite(value)
        written_unit = _duration_unit(unit)
    elif isinstance(value, dt.timedelta):  # a cell formatted as a duration
        number, written_unit = value / dt.timedelta(days=1), "days"
    elif isinstance(value, str):
        folded = _fold(value)
        match = _DURATION.fullmatch(folded)
        if match:
            decimal = _decimal(match["digits"].rstrip())
            number = float(decimal) if decimal is not None else None
            written_unit = (_duration_unit(match["unit"]) if match["unit"]
                            else _duration_unit(unit))
        elif _is_marker(folded):
            return None
    if number is None or written_unit is None or number <= 0:
        raise ValueProblem("duration_unrecognised", value=_shown(value))
    if written_unit == "years":
        if number.is_integer():
            return int(number), "years"
        number, written_unit = number * 12, "months"
    if written_unit == "months":
        if number.is_integer():
            return int(number), "months"
        number, written_unit = number * DAYS_PER_MONTH, "days"
    if written_unit == "weeks":
        number = number * 7
    days = _round(number)
    if days < 1:
        raise ValueProblem("duration_unrecognised", value=_shown(value))
    return days, "days"


def _add_months(first: dt.date, months: int) -> dt.date:
    """The day after `months` calendar months from `first` (31 Jan + 1 month -> 1 March)."""
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if first.day <= calendar.monthrange(year, month)[1]:
        return dt.date(year, month, first.day)
    return dt.date(year + month // 12, month % 12 + 1, 1)


def end_from_duration(first: dt.date, value: object, unit: str | None = None) -> dt.date | None:
    """The inclusive last day: 2026-01-01 + 12 mois -> 2026-12-31; + 90 jours -> 2026-03-31."""
    duration = parse_duration(value, unit)
    if duration is None:
        return None
    amount, kind = duration
    try:
        if kind == "days":
            last = first + dt.timedelta(days=amount - 1)
        else:
            months = amount * 12 if kind == "years" else amount
            last = _add_months(first, months) - dt.timedelta(days=1)
    except (ValueError, OverflowError):
        last = None
    if last is None or last.year > MAX_YEAR:  # the same horizon as written dates
        raise ValueProblem("duration_unrecognised", value=_shown(value))
    return last
