"""What users read: labels in French and English, dates and numbers per locale (Babel)."""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal, format_percent

LOCALES = {"fr": "fr_FR", "en": "en_GB"}

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "app_title": "Horizon — feuille de route numérique",
        "outside_strategy": "Hors stratégie",
        "term": "Mandat {label}",
        "provisional": "(date provisoire)",
        "status_date": "Date de situation : {date}",
        "past_term": "Au-delà du mandat",
        "timeline": "Frise de la stratégie et du plan",
        "axis": "Axe",
        "owner": "Porteur",
        "service": "Direction",
        "dates": "Dates",
        "status": "Statut",
        "progress": "Avancement",
        "weather": "Météo",
        "budget": "Budget",
        "unknown": "non renseigné",
        "problems": "Problèmes du classeur",
        "no_problem": "Aucun problème : toutes les lignes du classeur sont chargées.",
        "rows_loaded": "{loaded} lignes chargées, {rejected} rejetées, {blank} vides",
        "plan_error": "Le plan ne peut pas être affiché : {message}",
        "milestone": "Jalon",
        "planned": "Prévu",
        "milestone_done": "Jalon réalisé",
        "milestone_late": "Jalon en retard",
        "milestone_upcoming": "Jalon à venir (90 jours)",
        "milestone_later": "Jalon plus tard",
        "progress_done": "Part réalisée",
        "axis_band": "Horizon de l'axe",
        "others": "autres",
        "language": "Language: English",
        "page_unknown": "Cette page n'existe pas. Revenez à la frise.",
    },
    "en": {
        "app_title": "Horizon — digital roadmap",
        "outside_strategy": "Outside the strategy",
        "term": "Term {label}",
        "provisional": "(provisional date)",
        "status_date": "Status date: {date}",
        "past_term": "Past the current term",
        "timeline": "Strategy and plan timeline",
        "axis": "Axis",
        "owner": "Owner",
        "service": "Department",
        "dates": "Dates",
        "status": "Status",
        "progress": "Progress",
        "weather": "Weather",
        "budget": "Budget",
        "unknown": "not given",
        "problems": "Workbook problems",
        "no_problem": "No problem: every row of the workbook is loaded.",
        "rows_loaded": "{loaded} rows loaded, {rejected} rejected, {blank} blank",
        "plan_error": "The plan cannot be shown: {message}",
        "milestone": "Milestone",
        "planned": "Planned",
        "milestone_done": "Milestone done",
        "milestone_late": "Late milestone",
        "milestone_upcoming": "Upcoming milestone (90 days)",
        "milestone_later": "Later milestone",
        "progress_done": "Part done",
        "axis_band": "Axis horizon",
        "others": "others",
        "language": "Langue : français",
        "page_unknown": "This page does not exist. Go back to the timeline.",
    },
}

STATUS_LABELS = {
    "fr": {"planned": "À lancer", "in_progress": "En cours", "done": "Terminé",
           "suspended": "Suspendu", "abandoned": "Abandonné", None: "Sans statut"},
    "en": {"planned": "Planned", "in_progress": "In progress", "done": "Done",
           "suspended": "Suspended", "abandoned": "Abandoned", None: "No status"},
}
# Météo is never shown by colour alone: a symbol and a word go with it.
WEATHER_LABELS = {
    "fr": {"sunny": "☀ Soleil", "cloudy": "⛅ Nuages", "rainy": "🌧 Pluie", "stormy": "⛈ Orage",
           None: "Sans météo"},
    "en": {"sunny": "☀ Sunny", "cloudy": "⛅ Cloudy", "rainy": "🌧 Rainy", "stormy": "⛈ Stormy",
           None: "No weather"},
}


def label(key: str, lang: str = "fr", **params) -> str:
    text = LABELS.get(lang, LABELS["fr"]).get(key) or LABELS["fr"][key]
    return text.format(**params) if params else text


def format_day(day: dt.date | None, lang: str = "fr") -> str:
    """`15 mars 2026` / `15 March 2026`."""
    if day is None:
        return ""
    return babel_format_date(day, format="d MMMM y", locale=LOCALES.get(lang, "fr_FR"))


def format_money(amount: float | None, lang: str = "fr") -> str:
    """`1 250 000 €` (French spacing) / `€1,250,000`."""
    if amount is None:
        return ""
    number = format_decimal(round(amount), format="#,##0", locale=LOCALES.get(lang, "fr_FR"))
    return f"{number} €" if lang == "fr" else f"€{number}"


def format_share(fraction: float | None, lang: str = "fr") -> str:
    """`45 %` / `45%`."""
    if fraction is None:
        return ""
    return format_percent(fraction, locale=LOCALES.get(lang, "fr_FR"))
