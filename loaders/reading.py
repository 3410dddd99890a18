"""Bytes -> raw sheets: the only module that touches file formats.

Everything above it sees a `RawWorkbook`: named sheets of cell rows, with the Excel row
number of the first row, so problems can point at the row the user sees.

Uploads are untrusted. In order: the size; the kind, from the bytes (not the name); for a
zip, the central directory (entries, declared sizes, ratios), then every part decompressed
by us once and measured (size and CRC), XML parts without DTD and well-formed (but for an
.xlsx's worksheets and shared strings: see `container`), worksheets bounded (rows, columns,
the rectangle calamine will allocate); only then calamine, whose
errors and Rust panics become sentences too. Whatever goes wrong ends as `UnreadableFile`
with one sentence, never a stack trace.

Cells longer than `Limits.max_cell_chars` (Excel's own 32,767, so only script-written files
have them) are cut to the limit and reported as a warning, not refused: the rest of the row
is still worth loading.
"""
from __future__ import annotations

import io
import itertools
import posixpath
from dataclasses import dataclass, field
from operator import length_hint
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
import python_calamine
from defusedxml import DefusedXmlException
from python_calamine import CalamineError, PasswordError, SheetTypeEnum, SheetVisibleEnum

from loaders import ooxml, ods
from loaders.cellref import column_letter
from loaders.container import ChunkReader, ZipPackage, ole2_kind, sniff
from loaders.csv_reader import read_csv
from loaders.limits import Limits
from loaders.problems import Problem, UnreadableFile

__all__ = ["Limits", "RawSheet", "RawWorkbook", "read_workbook"]


@dataclass
class RawSheet:
    name: str
    rows: list[list[object]]  # calamine values: str ("" when blank), float, int, bool, date…
    first_row: int = 1  # Excel row number of rows[0]
    visible: bool = True  # False for hidden and "very hidden" sheets
    first_column: int = 1  # Excel column number of rows[i][0] (1 = A)


@dataclass
class RawWorkbook:
    name: str
    kind: str  # "xlsx", "xlsm", "ods", "csv"
    sheets: list[RawSheet]
    problems: list[Problem] = field(default_factory=list)  # found while reading cells
    # Serial numbers count days from 1904-01-01 (old Mac Excel). calamine already converts
    # date-formatted cells correctly; this is for raw numbers read as dates downstream.
    date1904: bool = False


def read_workbook(data: bytes, name: str, limits: Limits = Limits()) -> RawWorkbook:
    """Read every sheet of a workbook; raise UnreadableFile with one sentence when impossible."""
    limits.check_size(len(data), name)
    if not data:
        raise UnreadableFile("file_empty", name=name)
    container = sniff(data)
    if container == "zip":
        return _read_zip(data, name, limits)
    if container == "ole2":
        kind = ole2_kind(data)
        if kind == "encrypted":
            raise UnreadableFile("file_encrypted", name=name)
        if kind == "xls" or name.lower().endswith(".xls"):
            raise UnreadableFile("file_old_xls", name=name)
        raise UnreadableFile("file_not_spreadsheet", name=name)
    if container == "text":
        sheet = _stem(name)
        rows, problems = read_csv(data, name, sheet, limits)
        return RawWorkbook(name, "csv", [RawSheet(sheet, rows)], problems)
    raise UnreadableFile("file_not_spreadsheet", name=name)


def _read_zip(data: bytes, name: str, limits: Limits) -> RawWorkbook:
    package = ZipPackage(data, name, limits)
    if "mimetype" in package:
        if not package.read("mimetype").strip().startswith(ods.ODS_MIMETYPE):
            raise UnreadableFile("file_not_spreadsheet", name=name)  # .odt, .odp…
        return _read_ods(data, package, limits)
    return _read_ooxml(data, package, limits)


def _read_ooxml(data: bytes, package: ZipPackage, limits: Limits) -> RawWorkbook:
    layout = ooxml.read_layout(package)
    scans: dict[str, ooxml.SheetScan] = {}
    for part in package.infos:
        label = layout.sheet_parts.get(part, posixpath.basename(part))
        if not package.is_xml(part):
            # An image or an embedded object is only measured, unless it holds a sheet's
            # cells: calamine reads a worksheet from whatever part the workbook names
            # (`sheet1.bin` too), and a far cell there would make it allocate the rectangle
            # unbounded (a Rust abort that takes the whole worker with it).
            if _holds_sheet_data(package, part):
                scans[part] = _scan_part(package, part, label, limits, bulk=True)
            continue
        # Every XML part is scanned, not only those the workbook points to: calamine
        # resolves paths itself, and what it reads must have been bounded. Worksheets and
        # shared strings (most of the bytes) are not also checked by expat: see
        # `container`'s docstring.
        bulk = part in layout.sheet_parts or part.lower() == _SHARED_STRINGS
        scans[part] = _scan_part(package, part, label, limits, bulk, layout.contents.get(part))
    _check_totals([scan.area for scan in scans.values()], package.name, limits)
    if max((scan.strings for scan in scans.values()), default=0) > limits.max_cells:
        raise UnreadableFile("file_too_many_cells", name=package.name, limit=limits.max_cells)

    problems = []
    for part, sheet in layout.sheet_parts.items():
        if part in scans:
            problems += _formula_problems(sheet, scans[part].formulas, scans[part].formula_count)
    sheets = _read_calamine(data, package.name, limits, problems, merges=None)
    return _workbook(package.name, layout.kind, sheets, problems, layout.date1904)


# The one shared-strings part calamine reads (it matches zip names ignoring case).
_SHARED_STRINGS = "xl/sharedstrings.xml"


# calamine reads a worksheet's cells only inside this element (whatever its prefix).
_SHEET_DATA = b"sheetData"


def _holds_sheet_data(package: ZipPackage, part: str) -> bool:
    """Measure a part no parser reads as XML (size, CRC); whether `sheetData` occurs in it."""
    found, tail = False, b""
    for chunk in package.stream(part):
        if not found:
            found = _SHEET_DATA in tail + chunk[:len(_SHEET_DATA)] or _SHEET_DATA in chunk
            tail = chunk[-len(_SHEET_DATA):]
    return found


def _scan_part(package: ZipPackage, part: str, label: str, limits: Limits,
               bulk: bool, content: bytes | None = None) -> ooxml.SheetScan:
    """Bounds, formulas and strings of one XML part, decompressed once; a part the fast
    path cannot read is decompressed again and parsed element by element (by expat).

    `content`: the part as `read_layout` already read it (measured, and checked by expat
    whether `bulk` or not: stricter than the stream below, on the same bytes), smaller
    than one segment: the scanner reads such a part once whole at `close()`, however it
    was cut, so it sees what it would see streamed.
    """
    scanner = ooxml.SheetScanner(label, package.name, limits, trusted_xml=bulk)
    try:
        # 64 KiB pieces, joined into segments of 256 KiB: what a zlib piece and a numpy
        # pass touch stays in the processor's cache (faster than a megabyte at once).
        for chunk in package.stream(part, check_xml=not bulk) if content is None else (content,):
            scanner.feed(chunk)
        return scanner.close()
    except ooxml.NeedsExactScan:
        chunks = package.stream(part) if content is None else (content,)
        return ooxml.scan_sheet_exactly(chunks, label, package.name, limits)


def _read_ods(data: bytes, package: ZipPackage, limits: Limits) -> RawWorkbook:
    # A password-protected .ods keeps its zip and its manifest in clear but encrypts every
    # part (content.xml is binary, or all parts are in one `encrypted-package`): only the
    # manifest tells it from a damaged file.
    if _ods_encrypted(package):
        raise UnreadableFile("file_encrypted", name=package.name)
    if "content.xml" not in package:
        raise UnreadableFile("file_corrupt", name=package.name)
    for part in package.infos:
        if part != "content.xml":
            package.verify(part)
    tables = ods.scan_content(lambda: package.stream("content.xml"), package.name, limits)
    _check_totals([table.area for table in tables], package.name, limits)
    problems = []
    for table in tables:
        problems += _formula_problems(table.name, table.formulas, table.formula_count)
    merges = {table.name: table.merges for table in tables}
    sheets = _read_calamine(data, package.name, limits, problems, merges)
    return _workbook(package.name, "ods", sheets, problems, False)


_ODS_MANIFEST = "META-INF/manifest.xml"


def _ods_encrypted(package: ZipPackage) -> bool:
    """Whether the manifest describes an encrypted part (`manifest:encryption-data`).

    Streamed through the container's checks (size, CRC, no DTD) and parsed element by
    element, each emptied once read (a manifest lists at most `Limits.max_zip_entries`
    parts). A manifest that does not parse is left to the checks of every part below.
    """
    if _ODS_MANIFEST not in package:
        return False
    try:
        for _event, element in SafeET.iterparse(ChunkReader(package.stream(_ODS_MANIFEST)),
                                                ("end",), forbid_dtd=True):
            if element.tag.rsplit("}", 1)[-1] == "encryption-data":
                return True
            element.clear()
    except (ParseError, DefusedXmlException):
        return False
    return False


def _read_calamine(data: bytes, name: str, limits: Limits, problems: list[Problem],
                   merges: dict[str, list[ods.Merge]] | None) -> list[RawSheet]:
    """Every worksheet through calamine; `merges` for .ods (calamine gives them for xlsx)."""
    sheets = []
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no rows
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = sheet.to_python()
            start = sheet.start or (0, 0)
            ranges = sheet.merged_cell_ranges if merges is None else merges.get(meta.name)
            sheets.append((meta, rows, start, ranges or []))
    except PasswordError as error:
        raise UnreadableFile("file_encrypted", name=name) from error
    except (CalamineError, ValueError, OverflowError) as error:
        raise UnreadableFile("file_corrupt", name=name) from error
    except BaseException as error:
        # A Rust panic inside calamine surfaces as pyo3's PanicException, which derives
        # from BaseException (and is not importable before the first panic).
        if type(error).__name__ != "PanicException":
            raise
        raise UnreadableFile("file_corrupt", name=name) from error

    raw_sheets = []
    for meta, rows, (top, left), ranges in sheets:
        if rows:
            # calamine's own extent must agree with the scan; never trust one reading only.
            ooxml.check_extent(meta.name, name, len(rows), len(rows[0]), limits)
        problems += _truncate_long_text(meta.name, rows, top + 1, left + 1, limits)
        _fill_merges(rows, top, left, ranges, name)
        visible = meta.visible == SheetVisibleEnum.Visible
        raw_sheets.append(RawSheet(meta.name, rows, top + 1, visible, left + 1))
    return raw_sheets


def _fill_merges(rows: list[list[object]], top: int, left: int, ranges, name: str) -> None:
    """Give every cell of a merged range the top-left value, as the user sees it."""
    if not rows or not ranges:
        return
    height, width = len(rows), len(rows[0])
    budget = height * width  # merged ranges never overlap, so they cover at most the sheet
    for (first_row, first_column), (last_row, last_column) in ranges:
        i0, j0 = first_row - top, first_column - left
        if i0 < 0 or j0 < 0 or i0 >= height or j0 >= width:
            continue  # its top-left is outside the data, hence blank
        i1, j1 = min(last_row - top, height - 1), min(last_column - left, width - 1)
        budget -= (i1 - i0 + 1) * (j1 - j0 + 1)
        if budget < 0:
            raise UnreadableFile("file_corrupt", name=name)
        value = rows[i0][j0]
        for i in range(i0, i1 + 1):
            rows[i][j0:j1 + 1] = [value] * (j1 - j0 + 1)


def _truncate_long_text(sheet: str, rows: list[list[object]], first_row: int,
                        first_column: int, limits: Limits) -> list[Problem]:
    problems = []
    limit = limits.max_cell_chars
    # `length_hint` is a text's length and 0 for the other values calamine gives (numbers,
    # booleans, dates, times, durations: none has a length): one C call per cell. Into a
    # set, whose `max` is the longest: adding a small int to a set costs less than `max`
    # comparing it (0.15 ms of 1.3 on 31,000 cells), and a sheet has few distinct lengths.
    if max(set(map(length_hint, itertools.chain.from_iterable(rows))), default=0) <= limit:
        return problems  # the usual case, checked in one pass at C speed
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value.__class__ is str and len(value) > limit:
                row[j] = value[:limit]
                problems.append(Problem(sheet, first_row + i, column_letter(first_column + j),
                                        "cell_truncated", "warning",
                                        {"length": len(value), "limit": limit}))
    return problems


def _formula_problems(sheet: str, located: list[tuple[int, int]], count: int) -> list[Problem]:
    problems = [Problem(sheet, row, column_letter(column), "formula_without_value", "warning")
                for row, column in located]
    if count > len(located):
        problems.append(Problem(sheet, None, None, "formula_without_value_more", "warning",
                                {"count": count - len(located)}))
    return problems


def _check_totals(areas: list[int], name: str, limits: Limits) -> None:
    if sum(areas) > limits.max_cells:
        raise UnreadableFile("file_too_many_cells", name=name, limit=limits.max_cells)


def _workbook(name: str, kind: str, sheets: list[RawSheet], problems: list[Problem],
              date1904: bool) -> RawWorkbook:
    order = {sheet.name: index for index, sheet in enumerate(sheets)}
    problems.sort(key=lambda problem: (order.get(problem.sheet, len(order)),
                                       problem.row is None, problem.row or 0,
                                       len(problem.column or ""), problem.column or ""))
    return RawWorkbook(name, kind, sheets, problems, date1904)


def _stem(name: str) -> str:
    """The file's name without folders or extension: a CSV's only sheet is named after it."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base.strip(".") else base
