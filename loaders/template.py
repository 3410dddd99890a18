"""The empty workbook users start from (`python app.py template OUT.xlsx`).

Sheets and headers come from `loaders.columns.SCHEMAS`, never from a copy of them, so the
template cannot drift from what the loader reads. A first sheet, `Guide`, which is no
documented sheet name and so is ignored by the loader, explains how to fill it in.
"""
from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loaders.columns import ACTIONS, SCHEMAS, SETTING_KEYS, Column, SheetSchema
from model.vocab import STATUSES, WEATHERS

GUIDE_SHEET = "Guide"
# Rows given a number format and a drop-down list: plenty for a plan, and the column's
# own style covers the rest in Excel.
FORMATTED_ROWS = 500

# The words users pick from, keyed by the codes Horizon stores; in the vocabularies' order.
# A KeyError here at import means a code was added to model.vocab without its French word.
STATUS_WORDS = {"planned": "à lancer", "in_progress": "en cours", "done": "terminé",
                "suspended": "suspendu", "abandoned": "abandonné"}
WEATHER_WORDS = {"sunny": "soleil", "cloudy": "nuages", "rainy": "pluie", "stormy": "orage"}
STATUS_CHOICES = tuple(STATUS_WORDS[code] for code in STATUSES)
WEATHER_CHOICES = tuple(WEATHER_WORDS[code] for code in WEATHERS)
CHOICES_BY_KIND = {"status": STATUS_CHOICES, "weather": WEATHER_CHOICES}
GUIDE_LINE_CHARS = 100  # characters per line of the guide's 110-wide text column
ORGANISATION_TYPES = ("commune", "EPCI", "département", "région")

# Excel format codes: `,` is the locale's thousands separator (a space in French).
FORMATS_BY_KIND = {"date": "DD/MM/YYYY", "percent": "0 %", "money": '#,##0 "€"'}
WIDE_FIELDS = {"title", "purpose", "description", "attention", "decision", "name", "objective"}

# A plan row needs an end or a duration: both headers are marked, with this note.
ONE_OF = {ACTIONS.name: ("end", "duration")}

REQUIRED_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="BDD7EE")
OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")

TEXT = {
    "fr": {
        "required": "obligatoire",
        "one_of": "obligatoire : « {0} » ou « {1} »",
        "title": "Modèle de plan Horizon : mode d'emploi",
        "intro": "Remplissez une ligne par élément, sous la ligne d'en-tête. Seule la feuille "
                 "« Plan » est indispensable ; les autres sont facultatives. Gardez les "
                 "en-têtes tels quels (l'ordre des colonnes est libre). En gras sur fond bleu : "
                 "les colonnes obligatoires (une note « obligatoire » y est attachée).",
        "sheets": {
            "strategy": "Une ligne par axe stratégique : le pourquoi, tenu 5 à 10 ans ou plus.",
            "actions": "Une ligne par action datée du plan : le comment. « axe » contient "
                       "l'identifiant ou le titre d'un axe ; vide, l'action est hors "
                       "stratégie. « dépend de » : identifiants d'actions séparés par des "
                       "virgules. Donnez une « fin » ou une « durée » (en mois).",
            "milestones": "Une ligne par jalon. « action » contient l'identifiant d'une action "
                          "de la feuille Plan ; « date réelle » se remplit quand le jalon est "
                          "atteint.",
            "terms": "Facultative : une ligne par mandat. Laissée vide, le calendrier électoral "
                     "officiel de votre type de collectivité s'applique.",
            "indicators": "Une ligne par mesure d'un indicateur : répétez son identifiant à "
                          "chaque nouvelle mesure. « action ou axe » contient l'identifiant "
                          "d'une action ou d'un axe.",
            "settings": "Une ligne par paramètre, son nom en colonne A et sa valeur en "
                        "colonne B. Paramètres : {keys}.",
        },
        "required_columns": "Colonnes obligatoires : {columns}.",
        "optional_columns": "Colonnes facultatives : {columns}.",
        "or": " ou ",
        "list_separator": " ; ",
        "dates_title": "Dates",
        "dates": "Une date Excel, ou du texte : 15/03/2026, 2026-03-15, 03/2026, mars 2026, "
                 "T2 2026, S1 2027, 2027, fin 2026, mi-2027. Un début prend le premier jour de "
                 "la période, une fin et un jalon le dernier.",
        "numbers_title": "Nombres",
        "numbers": "Avancement : 45 % ou 0,45. Budget en euros : 1 250 000 €, 250 k€, "
                   "1,2 M€.",
        "lists_title": "Listes de valeurs",
        "lists": [
            "statut : {statuses}",
            "météo : {weathers}",
            "type de collectivité : {types}",
        ],
        "setting_keys": {"title": "titre (du plan)", "organisation": "organisation",
                         "organisation_type": "type de collectivité ({types})",
                         "status_date": "date de situation (la date du point d'avancement)"},
    },
    "en": {
        "required": "required",
        "one_of": "required: “{0}” or “{1}”",
        "title": "Horizon plan template: how to fill it in",
        "intro": "Fill in one row per item, below the header row. Only the « Plan » sheet is "
                 "needed; the others are optional. Keep the French headers as they are (the "
                 "column order is free). Bold on blue: required columns (they carry a "
                 "“required” note).",
        "sheets": {
            "strategy": "One row per strategic axis: the why, held for 5 to 10 years or more.",
            "actions": "One row per dated action of the plan: the how. « axe » holds the id or "
                       "title of an axis; empty, the action is outside the strategy. « dépend "
                       "de »: action ids separated by commas. Give an end (« fin ») or a "
                       "duration (« durée », in months).",
            "milestones": "One row per milestone. « action » holds the id of an action of the "
                          "Plan sheet; fill in « date réelle » once the milestone is reached.",
            "terms": "Optional: one row per electoral term. Left empty, the official calendar "
                     "of your type of local government applies.",
            "indicators": "One row per measure of an indicator: repeat its id for each new "
                          "measure. « action ou axe » holds the id of an action or an axis.",
            "settings": "One row per setting, its name in column A and its value in column B. "
                        "Settings: {keys}.",
        },
        "required_columns": "Required columns: {columns}.",
        "optional_columns": "Optional columns: {columns}.",
        "or": " or ",
        "list_separator": "; ",
        "dates_title": "Dates",
        "dates": "An Excel date, or text: 15/03/2026, 2026-03-15, 03/2026, mars 2026, T2 2026, "
                 "S1 2027, 2027, fin 2026, mi-2027. A start takes the first day of the period, "
                 "an end and a milestone the last.",
        "numbers_title": "Numbers",
        "numbers": "Progress: 45 % or 0,45. Budget in euros: 1 250 000 €, 250 k€, 1,2 M€.",
        "lists_title": "Lists of values (in French)",
        "lists": [
            "statut (status): {statuses}",
            "météo (weather): {weathers}",
            "type de collectivité (type of local government): {types}",
        ],
        "setting_keys": {"title": "titre (the plan's title)", "organisation": "organisation",
                         "organisation_type": "type de collectivité ({types})",
                         "status_date": "date de situation (the status date)"},
    },
}


def write_template(path: str | Path, lang: str = "fr") -> None:
    """Write the empty plan workbook, with its guide in `lang` (French by default)."""
    build_template(lang).save(Path(path))


def build_template(lang: str = "fr") -> Workbook:
    """The empty plan workbook: a guide, then one sheet per documented sheet, headers only."""
    text = TEXT.get(lang, TEXT["fr"])
    workbook = Workbook()
    _write_guide(workbook.active, text)
    for schema in SCHEMAS:
        _write_sheet(workbook.create_sheet(schema.name), schema, text)
    workbook.active = 0
    return workbook


def _required_note(schema: SheetSchema, column: Column, text: dict) -> str | None:
    """The note of a required header, or None for an optional one."""
    alternatives = ONE_OF.get(schema.name, ())
    if column.field in alternatives:
        return text["one_of"].format(*(schema.column(field).header for field in alternatives))
    return text["required"] if column.required else None


def _write_sheet(sheet, schema: SheetSchema, text: dict) -> None:
    sheet.append([column.header for column in schema.columns])
    last_row = FORMATTED_ROWS + 1
    for index, column in enumerate(schema.columns, 1):
        letter = get_column_letter(index)
        header = sheet.cell(1, index)
        note = _required_note(schema, column, text)
        if note:
            header.font, header.fill = REQUIRED_FONT, REQUIRED_FILL
            header.comment = Comment(note, "Horizon", width=220, height=40)
        else:
            header.fill = OPTIONAL_FILL
        width = 40 if column.field in WIDE_FIELDS else max(len(column.header) + 4, 14)
        sheet.column_dimensions[letter].width = width
        number_format = FORMATS_BY_KIND.get(column.kind)
        if number_format:
            # The column's style serves rows typed later in Excel; explicit cells serve
            # every spreadsheet program for the first rows.
            sheet.column_dimensions[letter].number_format = number_format
            for row in range(2, last_row + 1):
                sheet.cell(row, index).number_format = number_format
        choices = CHOICES_BY_KIND.get(column.kind)
        if choices:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                # A warning, not a refusal: the loader also understands synonyms.
                errorStyle="warning", showErrorMessage=True,
                error=", ".join(choices), errorTitle=column.header)
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def _write_guide(sheet, text: dict) -> None:
    sheet.title = GUIDE_SHEET
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([text["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["", text["intro"]])

    types = ", ".join(ORGANISATION_TYPES)
    keys = text["list_separator"].join(text["setting_keys"][key].format(types=types)
                                       for key in SETTING_KEYS)
    for schema in SCHEMAS:
        required = [_header_label(schema, column, text) for column in schema.columns
                    if _required_note(schema, column, text)]
        required = list(dict.fromkeys(required))  # `fin ou durée` once, not twice
        optional = [f"« {column.header} »" for column in schema.columns
                    if not _required_note(schema, column, text)]
        sheet.append([])
        sheet.append([schema.name, text["sheets"][schema.role].format(keys=keys)])
        sheet.append(["", text["required_columns"].format(columns=", ".join(required))])
        if optional:
            sheet.append(["", text["optional_columns"].format(columns=", ".join(optional))])

    statuses, weathers = ", ".join(STATUS_CHOICES), ", ".join(WEATHER_CHOICES)
    sheet.append([])
    sheet.append([text["dates_title"], text["dates"]])
    sheet.append([])
    sheet.append([text["numbers_title"], text["numbers"]])
    sheet.append([])
    for index, line in enumerate(text["lists"]):
        sheet.append([text["lists_title"] if index == 0 else "",
                      line.format(statuses=statuses, weathers=weathers, types=types)])

    for row in sheet.iter_rows(min_row=3, max_col=2):
        row[0].font = Font(bold=True)
        for cell in row:
            cell.alignment = wrap
        # Not every program fits a wrapped row's height on opening: give it explicitly.
        lines = math.ceil(len(str(row[1].value or "")) / GUIDE_LINE_CHARS)
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = 15 * lines


def _header_label(schema: SheetSchema, column: Column, text: dict) -> str:
    alternatives = ONE_OF.get(schema.name, ())
    if column.field in alternatives:
        return text["or"].join(f"« {schema.column(field).header} »" for field in alternatives)
    return f"« {column.header} »"
