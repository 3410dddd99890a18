"""Bytes -> raw sheets: the only module that touches file formats.

Everything above it sees a `RawWorkbook`: named sheets of cell rows, with the Excel row
number of the first row, so problems can point at the row the user sees.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import python_calamine

from loaders.problems import Problem, UnreadableFile


@dataclass
class RawSheet:
    name: str
    rows: list[list[object]]  # calamine values: str ("" when blank), float, int, bool, date…
    first_row: int = 1  # Excel row number of rows[0]
    visible: bool = True


@dataclass
class RawWorkbook:
    name: str
    kind: str  # "xlsx", "xlsm", "ods", "csv"
    sheets: list[RawSheet]
    problems: list[Problem] = field(default_factory=list)  # found while reading cells


def read_workbook(data: bytes, name: str) -> RawWorkbook:
    """Read every sheet of a workbook; raise UnreadableFile with one sentence when impossible."""
    if not data:
        raise UnreadableFile("file_empty", name=name)
    kind = name.rsplit(".", 1)[-1].lower() if "." in name else "xlsx"
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in workbook.sheets_metadata:
            sheet = workbook.get_sheet_by_name(meta.name)
            visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
            sheets.append(RawSheet(meta.name, sheet.to_python(), sheet.start[0] + 1
                                   if sheet.start else 1, visible))
    except python_calamine.CalamineError as error:
        raise UnreadableFile("file_not_spreadsheet", name=name) from error
    return RawWorkbook(name, kind, sheets)
