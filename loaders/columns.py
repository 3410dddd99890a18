"""The workbook contract: sheet and column names, their aliases, and how headers match.

This table is the one documented in the README: a header matches a column when, once
lower-cased, stripped of accents, punctuation and spaces, and of its unit (`Budget (k€)`),
it equals the column's name or one of its aliases.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    field: str  # the model's field
    header: str  # the French header written in the template
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"  # text, date, number, money, percent, status, weather, ids, duration, color
    english: str = ""  # the English header, also accepted


@dataclass(frozen=True)
class SheetSchema:
    role: str  # strategy, actions, milestones, terms, indicators, settings
    name: str  # the French sheet name written in the template
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)


STRATEGY = SheetSchema("strategy", "Stratégie", (
    "strategie", "strategy", "axes", "axes strategiques", "strategie numerique"), (
    Column("id", "id", ("identifiant", "code", "ref", "reference", "n", "numero"), english="id"),
    Column("title", "axe", ("titre", "intitule", "libelle", "nom", "axe strategique"),
           required=True, english="axis"),
    Column("purpose", "finalité", ("finalite", "pourquoi", "ambition", "objectif strategique",
                                   "description"), english="purpose"),
    Column("start", "début", ("date de debut", "debut", "depuis"), required=True, kind="date",
           english="start"),
    Column("end", "fin", ("date de fin", "horizon", "jusqua", "echeance"), required=True,
           kind="date", english="end"),
    Column("color", "couleur", (), kind="color", english="colour"),
))

ACTIONS = SheetSchema("actions", "Plan", (
    "plan", "actions", "feuille de route", "plan de transformation", "plan daction",
    "schema directeur", "projets", "roadmap"), (
    Column("id", "id", ("identifiant", "code", "ref", "reference", "n", "numero", "code action"),
           english="id"),
    Column("axis_id", "axe", ("axe strategique", "id axe", "axe id"), english="axis"),
    Column("objective", "objectif", ("objectif operationnel", "sous axe"), english="objective"),
    Column("title", "action", ("intitule", "libelle", "nom du projet", "projet", "chantier",
                               "titre", "nom", "nom de laction", "intitule de laction"),
           required=True, english="action"),
    Column("owner", "porteur", ("pilote", "responsable", "chef de projet", "referent",
                                "porteur de projet", "porteur pilote"), english="owner"),
    Column("service", "direction", ("service", "pole", "direction pilote", "direction service",
                                    "departement"), english="department"),
    Column("elected", "élu référent", ("elu referent", "elu", "elu porteur"),
           english="elected official"),
    Column("start", "début", ("date de debut", "debut", "lancement", "demarrage", "date debut",
                              "debut prevu", "date de debut prevue"),
           required=True, kind="date", english="start"),
    Column("end", "fin", ("date de fin", "echeance", "fin prevue", "date de fin prevue",
                          "livraison", "date fin"), kind="date", english="end"),
    Column("duration", "durée", ("duree", "duree previsionnelle", "duree estimee"),
           kind="duration", english="duration"),
    Column("status", "statut", ("etat", "etat davancement"), kind="status", english="status"),
    Column("progress", "avancement", ("avancement", "pourcentage", "taux davancement",
                                      "% d'avancement", "realise"), kind="percent",
           english="progress"),
    Column("weather", "météo", ("meteo", "tendance", "rag", "sante", "meteo rag",
                                "meteo du projet"), kind="weather", english="weather"),
    Column("budget", "budget", ("budget previsionnel", "cout", "montant", "cout estime"),
           kind="money", english="budget"),
    Column("depends_on", "dépend de", ("depend de", "dependances", "dependance",
                                       "predecesseurs", "prerequis"), kind="ids",
           english="depends on"),
    Column("description", "description", ("descriptif", "contenu", "commentaire"),
           english="description"),
    Column("attention", "points d'attention", ("points dattention", "point dattention",
                                               "risques", "alertes", "vigilance"),
           english="points of attention"),
    Column("decision", "décision attendue", ("decision attendue", "decisions attendues",
                                             "arbitrage", "arbitrage attendu"),
           english="decision expected"),
))

MILESTONES = SheetSchema("milestones", "Jalons", ("jalons", "milestones", "etapes", "echeances"), (
    Column("id", "id", ("identifiant", "code", "ref", "reference", "n", "numero"), english="id"),
    Column("action_id", "action", ("id action", "action id", "code action", "projet"),
           required=True, english="action"),
    Column("title", "jalon", ("intitule", "libelle", "titre", "nom", "etape"), required=True,
           english="milestone"),
    Column("planned", "date", ("date prevue", "echeance", "date previsionnelle", "date cible"),
           required=True, kind="date", english="date"),
    Column("actual", "date réelle", ("date reelle", "date effective", "realise le",
                                     "date de realisation"), kind="date", english="actual date"),
    Column("status", "statut", ("etat",), kind="status", english="status"),
    Column("instance", "instance", ("instance de decision", "gouvernance", "comite"),
           english="body"),
))

TERMS = SheetSchema("terms", "Mandats", ("mandats", "terms", "mandatures", "calendrier electoral"), (
    Column("label", "libellé", ("libelle", "mandat", "nom", "intitule"), required=True,
           english="label"),
    Column("start", "début", ("date de debut", "debut"), required=True, kind="date",
           english="start"),
    Column("end", "fin", ("date de fin", "fin"), required=True, kind="date", english="end"),
    Column("kind", "type", ("type de mandat", "nature"), english="type"),
))

INDICATORS = SheetSchema("indicators", "Indicateurs", ("indicateurs", "indicators", "kpi",
                                                       "mesures"), (
    Column("id", "id", ("identifiant", "code", "ref", "reference"), required=True, english="id"),
    Column("target_ref", "action ou axe", ("action", "axe", "rattachement", "action axe"),
           english="action or axis"),
    Column("name", "indicateur", ("intitule", "libelle", "nom", "titre"), required=True,
           english="indicator"),
    Column("unit", "unité", ("unite",), english="unit"),
    Column("ref_value", "valeur de référence", ("valeur de reference", "reference",
                                                "valeur initiale"), kind="number",
           english="baseline value"),
    Column("ref_date", "date de référence", ("date de reference",), kind="date",
           english="baseline date"),
    Column("target", "cible", ("valeur cible", "objectif"), required=True, kind="number",
           english="target"),
    Column("target_date", "échéance cible", ("echeance cible", "date cible", "echeance"),
           kind="date", english="target date"),
    Column("value", "valeur", ("valeur mesuree", "valeur actuelle", "mesure", "realise"),
           kind="number", english="value"),
    Column("measured_on", "date de mesure", ("date de mesure", "mesure le", "date"),
           kind="date", english="measured on"),
))

SETTINGS = SheetSchema("settings", "Paramètres", ("parametres", "settings", "reglages",
                                                  "configuration"), (
    Column("key", "paramètre", ("parametre", "cle", "nom"), required=True, english="setting"),
    Column("value", "valeur", (), required=True, english="value"),
))

SCHEMAS: tuple[SheetSchema, ...] = (STRATEGY, ACTIONS, MILESTONES, TERMS, INDICATORS, SETTINGS)

# Settings keys (the Paramètres sheet's first column) and their aliases.
SETTING_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("titre", "title", "nom du plan", "intitule"),
    "organisation": ("organisation", "collectivite", "organisme", "organization"),
    "organisation_type": ("type de collectivite", "type", "organisation type",
                          "type of local government"),
    "status_date": ("date de situation", "status date", "date du point", "situation au"),
}

_UNIT = re.compile(r"\(([^)]*)\)|\ben\s+(jours?|mois|annees?|ans|semaines?|k€|m€|€|euros?|%)\s*$")
# Inclusive writing, frequent in French administrations: `Élu(e) référent(e)`, `Porteur·se`.
_INCLUSIVE = re.compile(r"\((?:e|es|s|se|ne|ere|rice)\)|·(?:e|es|s|se|ne|ere|rice)\b")


def normalise(text: object) -> str:
    """Lower-case, no accents, no punctuation nor spaces: `Date de début` -> `datededebut`."""
    decomposed = unicodedata.normalize("NFKD", str(text)).casefold()
    return "".join(char for char in decomposed if char.isalnum())


@functools.lru_cache(maxsize=4096)
def split_unit(header: object) -> tuple[str, str | None]:
    """`Budget (k€)` -> (`budget`, `k€`); `Durée prévisionnelle en année` -> (…, `annee`)."""
    text = unicodedata.normalize("NFKD", str(header)).casefold()
    text = "".join(char for char in text if not unicodedata.combining(char)).strip()
    text = _INCLUSIVE.sub("", text)
    match = _UNIT.search(text)
    if not match:
        return normalise(text), None
    unit = (match.group(1) or match.group(2) or "").strip() or None
    return normalise(text[:match.start()] + text[match.end():]), unit


def _names(column: Column) -> set[str]:
    return {normalise(name) for name in (column.header, column.english, *column.aliases) if name}


# Normalised name -> column, per sheet; the first column of the schema wins a shared name.
_BY_NAME: dict[str, dict[str, Column]] = {
    schema.role: {name: column for column in reversed(schema.columns)
                  for name in _names(column)} for schema in SCHEMAS}


def match_column(schema: SheetSchema, header: object) -> tuple[Column | None, str | None]:
    """The column a header names in this sheet, and the unit written in it."""
    name, unit = split_unit(header if isinstance(header, str) else str(header))
    if not name:
        return None, unit
    return _BY_NAME[schema.role].get(name), unit


# Normalised sheet name or alias -> schema, made once rather than for each sheet of each
# workbook; the first schema of SCHEMAS wins a shared name.
_SHEETS: dict[str, SheetSchema] = {normalise(alias): schema for schema in reversed(SCHEMAS)
                                   for alias in (schema.name, *schema.aliases)}


def match_sheet(sheet_name: str) -> SheetSchema | None:
    """The documented sheet this name designates, if any."""
    return _SHEETS.get(normalise(sheet_name))


def alias_table_markdown() -> str:
    """The README's table of sheets, columns and accepted aliases (a test keeps them equal)."""
    lines = ["| feuille (alias) | colonne | obligatoire | en-têtes acceptés |",
             "|---|---|---|---|"]
    for schema in SCHEMAS:
        sheet = f"`{schema.name}` ({', '.join(schema.aliases)})"
        for column in schema.columns:
            names = ", ".join(f"`{name}`" for name in dict.fromkeys(
                (column.header, column.english, *column.aliases)) if name)
            lines.append(f"| {sheet} | {column.header} | {'oui' if column.required else ''} "
                         f"| {names} |")
            sheet = ""
    return "\n".join(lines)


if __name__ == "__main__":
    print(alias_table_markdown())
