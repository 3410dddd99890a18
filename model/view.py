"""The view: everything the URL's query string says about what to show.

The parameters are a public, documented interface (README): old links keep working.
Unknown or malformed parameters are ignored and reported as notices, never as errors.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

from model.vocab import STATUSES, WEATHERS

ZOOMS = ("mandat", "plan", "strategie", "tout")
COLOR_BY = ("statut", "meteo", "service", "porteur")
LANGS = ("fr", "en")
VERSION_CHARS = 12  # the SHA-256 prefix links write (`version=`, `base=`): unique in practice
# The milestone tracker (/jalons): its quick view, its own search and its grouping.
MILESTONE_VIEWS = ("retard", "30j", "90j", "realises")
MILESTONE_GROUPS = ("porteur", "service")

# URL parameter -> View field, for the comma-separated lists.
_LISTS = {"axes": "axes", "services": "services", "porteurs": "owners", "statuts": "statuses",
          "meteo": "weathers"}
_CHOICES = {"vue": ("zoom", ZOOMS), "couleur": ("color_by", COLOR_BY), "lang": ("lang", LANGS),
            "jalons": ("milestone_view", MILESTONE_VIEWS),
            "jalons_groupe": ("milestone_group", MILESTONE_GROUPS)}
_DATES = {"date": "status_date", "du": "start", "au": "end"}
_FLAGS = {"retard": "late_only", "hors_mandat": "past_term_only", "presentation": "presentation"}
_TEXTS = {"plan": "plan", "version": "version", "base": "baseline", "q": "text", "action": "action",
          "jalons_q": "milestone_text"}


@dataclass(frozen=True)
class View:
    plan: str | None = None  # `plan`: which of the server's plans (its short name)
    version: str | None = None
    baseline: str | None = None
    axes: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    weathers: tuple[str, ...] = ()
    text: str = ""
    late_only: bool = False
    past_term_only: bool = False
    zoom: str = "plan"
    start: dt.date | None = None
    end: dt.date | None = None
    status_date: dt.date | None = None
    color_by: str = "statut"
    lang: str = "fr"
    action: str | None = None
    presentation: bool = False
    milestone_view: str | None = None  # `jalons`: retard, 30j, 90j, realises
    milestone_text: str = ""  # `jalons_q`: the tracker's quick search
    milestone_group: str | None = None  # `jalons_groupe`: porteur, service
    notices: tuple[str, ...] = field(default=(), compare=False)  # parameters ignored


def parse_query(query: str) -> View:
    """The view a query string (with or without its leading `?`) describes."""
    values: dict = {}
    notices: list[str] = []
    for key, raw in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        raw = raw.strip()
        if key in _LISTS:
            items = tuple(dict.fromkeys(item.strip() for item in raw.split(",") if item.strip()))
            if key == "statuts":
                items = _known(items, STATUSES, key, notices)
            elif key == "meteo":
                items = _known(items, WEATHERS, key, notices)
            values[_LISTS[key]] = items
        elif key in _CHOICES:
            name, allowed = _CHOICES[key]
            if raw in allowed:
                values[name] = raw
            else:
                notices.append(key)
        elif key in _DATES:
            try:
                values[_DATES[key]] = dt.date.fromisoformat(raw)
            except ValueError:
                notices.append(key)
        elif key in _FLAGS:
            if raw in ("1", "0", "true", "false", ""):
                values[_FLAGS[key]] = raw in ("1", "true")
            else:
                notices.append(key)
        elif key in _TEXTS:
            if raw:
                values[_TEXTS[key]] = raw[:200]
        else:
            notices.append(key)
    view = View(**values, notices=tuple(notices))
    if view.start and view.end and view.end < view.start:
        view = replace(view, start=None, end=None, notices=view.notices + ("du", "au"))
    return view


def _known(items: tuple[str, ...], allowed: tuple[str, ...], key: str, notices: list) -> tuple:
    kept = tuple(item for item in items if item in allowed)
    if len(kept) != len(items):
        notices.append(key)
    return kept


def to_query(view: View) -> str:
    """The query string (with `?`, or "" for the default view) that reproduces the view."""
    default = View()
    pairs: list[tuple[str, str]] = []
    for key, name in _TEXTS.items():
        if getattr(view, name) != getattr(default, name):
            pairs.append((key, getattr(view, name)))
    for key, name in _LISTS.items():
        if getattr(view, name):
            pairs.append((key, ",".join(getattr(view, name))))
    for key, name in _FLAGS.items():
        if getattr(view, name):
            pairs.append((key, "1"))
    for key, (name, _allowed) in _CHOICES.items():
        if getattr(view, name) != getattr(default, name):
            pairs.append((key, getattr(view, name)))
    for key, name in _DATES.items():
        if getattr(view, name) is not None:
            pairs.append((key, getattr(view, name).isoformat()))
    return "?" + urlencode(pairs, safe=",") if pairs else ""
