"""The sentences of every problem code, in French and English.

A message is a template over the problem's params; `render` prefixes the location
(sheet, row, column) the way users read it in their spreadsheet.
"""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- the file as a whole (UnreadableFile) ---
    "file_missing": {
        "fr": "Le fichier « {name} » est introuvable ou illisible : vérifiez son chemin.",
        "en": "The file “{name}” cannot be found or opened: check its path.",
    },
    "upload_too_large": {
        "fr": "Le fichier « {name} » dépasse la taille maximale de {limit_mb} Mo : allégez-le (supprimez les feuilles inutiles, les images) ou découpez-le.",
        "en": "The file “{name}” is larger than the {limit_mb} MB limit: make it lighter (remove unneeded sheets, images) or split it.",
    },
    "file_empty": {
        "fr": "Le fichier « {name} » est vide.",
        "en": "The file “{name}” is empty.",
    },
    "file_not_spreadsheet": {
        "fr": "Le fichier « {name} » n'est pas un classeur lisible (formats acceptés : .xlsx, .xlsm, .ods, .csv).",
        "en": "The file “{name}” is not a readable workbook (accepted formats: .xlsx, .xlsm, .ods, .csv).",
    },
    "file_corrupt": {
        "fr": "Le fichier « {name} » est endommagé ou incomplet : ouvrez-le et enregistrez-le de nouveau dans Excel ou LibreOffice.",
        "en": "The file “{name}” is damaged or incomplete: open it and save it again in Excel or LibreOffice.",
    },
    "file_old_xls": {
        "fr": "Le fichier « {name} » est au format Excel 97-2003 (.xls), qui n'est pas lu : ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx ou .ods.",
        "en": "The file “{name}” is in the Excel 97-2003 format (.xls), which is not read: open it in Excel or LibreOffice and save it as .xlsx or .ods.",
    },
    "file_encrypted": {
        "fr": "Le fichier « {name} » est protégé par un mot de passe : enregistrez-en une copie sans mot de passe et envoyez cette copie.",
        "en": "The file “{name}” is protected by a password: save a copy without a password and upload that copy.",
    },
    "file_too_large": {
        "fr": "Le fichier « {name} » pèse {size_mb} Mo, plus que la limite de {limit_mb} Mo : supprimez les feuilles, images ou mises en forme inutiles et enregistrez-le de nouveau.",
        "en": "The file “{name}” weighs {size_mb} MB, more than the {limit_mb} MB limit: remove unneeded sheets, images or formatting and save it again.",
    },
    "file_too_large_uncompressed": {
        "fr": "Le fichier « {name} » occupe plus de {limit_mb} Mo une fois décompressé : supprimez les feuilles, images ou mises en forme inutiles et enregistrez-le de nouveau.",
        "en": "The file “{name}” takes more than {limit_mb} MB once decompressed: remove unneeded sheets, images or formatting and save it again.",
    },
    "file_too_many_parts": {
        "fr": "Le fichier « {name} » contient plus de {limit} éléments internes, bien plus qu'un classeur ordinaire : enregistrez-le de nouveau depuis Excel ou LibreOffice.",
        "en": "The file “{name}” contains more than {limit} internal parts, far more than an ordinary workbook: save it again from Excel or LibreOffice.",
    },
    "file_compression_suspicious": {
        "fr": "Le fichier « {name} » contient des données compressées de façon anormale et n'a pas été ouvert par sécurité : enregistrez-le de nouveau depuis Excel ou LibreOffice.",
        "en": "The file “{name}” contains abnormally compressed data and was not opened, for safety: save it again from Excel or LibreOffice.",
    },
    "file_xml_dtd": {
        "fr": "Le fichier « {name} » contient des déclarations XML (DOCTYPE, ENTITY) qu'aucun tableur n'écrit et n'a pas été ouvert par sécurité : enregistrez-le de nouveau depuis Excel ou LibreOffice.",
        "en": "The file “{name}” contains XML declarations (DOCTYPE, ENTITY) that no spreadsheet application writes and was not opened, for safety: save it again from Excel or LibreOffice.",
    },
    "file_too_many_cells": {
        "fr": "Le fichier « {name} » contient plus de {limit} cellules : ne gardez que les feuilles et les lignes utiles au plan et enregistrez-le de nouveau.",
        "en": "The file “{name}” contains more than {limit} cells: keep only the sheets and rows the plan needs and save it again.",
    },
    "sheet_too_many_rows": {
        "fr": "La feuille « {sheet} » du fichier « {name} » dépasse la limite de {limit} lignes : supprimez les lignes inutiles (ou déplacez-les dans un autre fichier) et enregistrez-le de nouveau.",
        "en": "The sheet “{sheet}” of the file “{name}” exceeds the limit of {limit} rows: delete the unneeded rows (or move them to another file) and save it again.",
    },
    "sheet_too_many_columns": {
        "fr": "La feuille « {sheet} » du fichier « {name} » dépasse la limite de {limit} colonnes : supprimez les colonnes inutiles et enregistrez-le de nouveau.",
        "en": "The sheet “{sheet}” of the file “{name}” exceeds the limit of {limit} columns: delete the unneeded columns and save it again.",
    },
    "sheet_too_many_cells": {
        "fr": "La feuille « {sheet} » du fichier « {name} » s'étend sur plus de {limit} cellules, peut-être à cause d'une valeur oubliée très loin des données : supprimez les lignes et colonnes inutiles et enregistrez-le de nouveau.",
        "en": "The sheet “{sheet}” of the file “{name}” spans more than {limit} cells, perhaps because of a value left far from the data: delete the unneeded rows and columns and save it again.",
    },
    "csv_unclosed_quote": {
        "fr": "Dans le fichier « {name} », le guillemet ouvert à la ligne {line} n'est jamais fermé : fermez-le ou retirez-le, puis enregistrez de nouveau le fichier.",
        "en": "In the file “{name}”, the quote opened on line {line} is never closed: close or remove it, then save the file again.",
    },
    # --- cells, found while reading (warnings: the cell is read as described) ---
    "formula_without_value": {
        "fr": "la cellule contient une formule sans valeur calculée : ouvrez et enregistrez le fichier dans Excel ou LibreOffice.",
        "en": "the cell holds a formula without a computed value: open and save the file in Excel or LibreOffice.",
    },
    "formula_without_value_more": {
        "fr": "{count} autres cellules contiennent une formule sans valeur calculée : ouvrez et enregistrez le fichier dans Excel ou LibreOffice.",
        "en": "{count} more cells hold a formula without a computed value: open and save the file in Excel or LibreOffice.",
    },
    "cell_truncated": {
        "fr": "le texte de la cellule compte {length} caractères, plus que la limite de {limit} : seuls les {limit} premiers sont lus ; raccourcissez-le.",
        "en": "the cell's text has {length} characters, more than the limit of {limit}: only the first {limit} are read; shorten it.",
    },
    # --- sheets and columns ---
    "no_plan_sheet": {
        "fr": "Aucune feuille d'actions datées n'a été trouvée : ajoutez une feuille « Plan » avec les colonnes « action », « début » et « fin ».",
        "en": "No sheet of dated actions was found: add a “Plan” sheet with the columns “action”, “start” and “end”.",
    },
    "column_missing": {
        "fr": "la colonne obligatoire « {expected} » est absente : ajoutez-la à la ligne d'en-tête.",
        "en": "the required column “{expected}” is missing: add it to the header row.",
    },
    "column_duplicated": {
        "fr": "cette colonne désigne elle aussi « {expected} », déjà lue dans la colonne « {first} » : elle est gardée comme information complémentaire ; renommez l'une des deux.",
        "en": "this column also names “{expected}”, already read from the column “{first}”: it is kept as additional information; rename one of the two.",
    },
    "sheet_duplicated": {
        "fr": "cette feuille joue le même rôle que la feuille « {used} », qui est seule lue : elle est ignorée ; renommez-la ou fusionnez les deux.",
        "en": "this sheet plays the same role as the sheet “{used}”, which alone is read: it is ignored; rename it or merge the two.",
    },
    # --- rows ---
    "title_missing": {
        "fr": "le titre est vide : la ligne est ignorée ; donnez-lui un titre.",
        "en": "the title is empty: the row is ignored; give it a title.",
    },
    "id_duplicated": {
        "fr": "l'identifiant « {value} » est déjà utilisé ligne {first_row} : la ligne est ignorée ; donnez-lui un identifiant unique.",
        "en": "the id “{value}” is already used on row {first_row}: the row is ignored; give it a unique id.",
    },
    "id_generated": {
        "fr": "pas d'identifiant : « {value} » a été généré à partir du titre ; ajoutez une colonne « id » pour que les liens restent stables.",
        "en": "no id: “{value}” was generated from the title; add an “id” column so that links stay stable.",
    },
    "date_missing": {
        "fr": "la date est vide : la ligne est ignorée ; saisissez une date (par exemple 15/03/2026).",
        "en": "the date is empty: the row is ignored; enter a date (for example 15/03/2026).",
    },
    "date_unrecognised": {
        "fr": "« {value} » n'est pas une date reconnue ; écrivez par exemple 15/03/2026, mars 2026 ou T2 2026.",
        "en": "“{value}” is not a recognised date; write for example 15/03/2026, March 2026 or Q2 2026.",
    },
    "end_before_start": {
        "fr": "la fin ({end}) est avant le début ({start}) : la ligne est ignorée ; corrigez l'une des deux dates.",
        "en": "the end ({end}) is before the start ({start}): the row is ignored; correct one of the two dates.",
    },
    "number_unrecognised": {
        "fr": "« {value} » n'est pas un nombre reconnu : la valeur est ignorée ; écrivez par exemple 1 250 000 ou 45 %.",
        "en": "“{value}” is not a recognised number: the value is ignored; write for example 1,250,000 or 45 %.",
    },
    "progress_out_of_range": {
        "fr": "l'avancement « {value} » n'est pas entre 0 et 100 % : la valeur est ignorée.",
        "en": "the progress “{value}” is not between 0 and 100 %: the value is ignored.",
    },
    "status_unknown": {
        "fr": "le statut « {value} » n'est pas reconnu : la valeur est ignorée ; choisissez parmi à lancer, en cours, terminé, suspendu, abandonné.",
        "en": "the status “{value}” is not recognised: the value is ignored; choose among planned, in progress, done, suspended, abandoned.",
    },
    "weather_unknown": {
        "fr": "la météo « {value} » n'est pas reconnue : la valeur est ignorée ; choisissez parmi soleil, nuages, pluie, orage.",
        "en": "the weather “{value}” is not recognised: the value is ignored; choose among sunny, cloudy, rainy, stormy.",
    },
    "duration_unrecognised": {
        "fr": "« {value} » n'est pas une durée reconnue : la valeur est ignorée ; écrivez par exemple 18 mois, 90 jours ou 2 ans, ou donnez l'unité dans l'en-tête (« Durée (mois) »).",
        "en": "“{value}” is not a recognised duration: the value is ignored; write for example 18 months, 90 days or 2 years, or give the unit in the header (“Duration (months)”).",
    },
    "end_missing": {
        "fr": "la fin est vide et la durée vide ou illisible : la ligne est ignorée ; saisissez une date de fin (par exemple 31/12/2026) ou une durée (par exemple 18 mois).",
        "en": "the end is empty and the duration empty or unreadable: the row is ignored; enter an end date (for example 31/12/2026) or a duration (for example 18 months).",
    },
    "axis_unknown": {
        "fr": "l'axe « {value} » n'existe pas dans la feuille Stratégie : l'action est placée hors stratégie ; corrigez l'identifiant ou le titre de l'axe.",
        "en": "the axis “{value}” does not exist in the Strategy sheet: the action is placed outside the strategy; correct the axis id or title.",
    },
    "action_unknown": {
        "fr": "l'action « {value} » n'existe pas dans la feuille Plan : la ligne est ignorée ; indiquez l'identifiant d'une action.",
        "en": "the action “{value}” does not exist in the Plan sheet: the row is ignored; give the id of an action.",
    },
    "target_unknown": {
        "fr": "« {value} » n'est ni une action ni un axe connus : l'indicateur est gardé sans rattachement.",
        "en": "“{value}” is neither a known action nor a known axis: the indicator is kept unattached.",
    },
    "value_missing": {
        "fr": "la valeur est vide : la ligne est ignorée ; renseignez-la.",
        "en": "the value is empty: the row is ignored; fill it in.",
    },
    "setting_unknown": {
        "fr": "le paramètre « {value} » n'est pas reconnu : il est ignoré ; les paramètres sont titre, organisation, type de collectivité, date de situation.",
        "en": "the setting “{value}” is not recognised: it is ignored; the settings are title, organisation, type of local government, status date.",
    },
    "organisation_type_unknown": {
        "fr": "le type de collectivité « {value} » n'est pas reconnu : le calendrier municipal est utilisé ; choisissez commune, EPCI, département ou région.",
        "en": "the type of local government “{value}” is not recognised: the municipal calendar is used; choose commune, EPCI, département or région.",
    },
    "dependency_unknown": {
        "fr": "« {value} » n'est l'identifiant d'aucune action : cette dépendance est ignorée.",
        "en": "“{value}” is not the id of any action: this dependency is ignored.",
    },
    "dependency_cycle": {
        "fr": "les dépendances forment une boucle ({cycle}) : la dépendance envers « {value} » est ignorée ; corrigez la colonne « dépend de » d'une des actions de la boucle.",
        "en": "the dependencies form a loop ({cycle}): the dependency on “{value}” is ignored; correct the “depends on” column of one of the loop's actions.",
    },
    "action_outside_axis": {
        "fr": "l'action ({start} – {end}) déborde de l'horizon de son axe ({axis_start} – {axis_end}).",
        "en": "the action ({start} – {end}) runs outside its axis's horizon ({axis_start} – {axis_end}).",
    },
    "milestone_outside_action": {
        "fr": "le jalon ({date}) tombe hors des dates de son action ({start} – {end}).",
        "en": "the milestone ({date}) falls outside its action's dates ({start} – {end}).",
    },
}

_LOCATION = {
    "fr": {"row": "ligne {row}", "column": "colonne « {column} »"},
    "en": {"row": "row {row}", "column": "column “{column}”"},
}


def render(code: str, params: dict, lang: str = "fr", *, sheet: str | None = None,
           row: int | None = None, column: str | None = None) -> str:
    """The message of `code` in `lang` (French when unknown), prefixed by its location."""
    lang = lang if lang in ("fr", "en") else "fr"
    templates = MESSAGES.get(code)
    text = templates[lang].format(**params) if templates else code
    place = [sheet] if sheet else []
    if row is not None:
        place.append(_LOCATION[lang]["row"].format(row=row))
    if column:
        place.append(_LOCATION[lang]["column"].format(column=column))
    if not place:
        return text[:1].upper() + text[1:]
    separator = " : " if lang == "fr" else ": "
    return ", ".join(place) + separator + text
