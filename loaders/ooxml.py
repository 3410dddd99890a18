"""What .xlsx/.xlsm parts say that calamine does not tell us, read before calamine runs.

- the layout: kind (xlsx or xlsm), the 1904 date system, which part holds which sheet;
- for every worksheet part, streamed once: the rectangle its non-empty cells span (calamine
  allocates that rectangle whole, so it is bounded first) and the formula cells that carry
  no cached value (calamine reads them as blank).
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from loaders.cellref import bounded_int, column_number
from loaders.container import ChunkReader, ZipPackage
from loaders.limits import Limits
from loaders.problems import UnreadableFile

MAX_LOCATED_FORMULAS = 50  # beyond, one summary problem: the fix is the same for all

_OFFICE_DOCUMENT = "/officeDocument"


@dataclass
class Layout:
    kind: str  # "xlsx" or "xlsm"
    date1904: bool
    sheet_parts: dict[str, str]  # part name -> sheet name


def read_layout(package: ZipPackage) -> Layout:
    """Kind, date system and sheet parts, from the package's small structural parts."""
    name = package.name
    if "[Content_Types].xml" not in package or "_rels/.rels" not in package:
        raise UnreadableFile("file_not_spreadsheet", name=name)
    types = _parse(package, "[Content_Types].xml")
    overrides = {element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
                 for element in types.iter() if _local(element.tag) == "Override"}
    defaults = {element.get("Extension", "").lower(): element.get("ContentType", "")
                for element in types.iter() if _local(element.tag) == "Default"}
    main = next((target for kind, target in _relationships(package, "_rels/.rels", "")
                 if kind.endswith(_OFFICE_DOCUMENT)), None)
    if main is None:
        raise UnreadableFile("file_not_spreadsheet", name=name)
    content_type = overrides.get(main) or defaults.get(main.rsplit(".", 1)[-1].lower(), "")
    if "binary" in content_type or "spreadsheetml" not in content_type and "ms-excel" not in content_type:
        raise UnreadableFile("file_not_spreadsheet", name=name)  # .docx, .pptx, .xlsb
    if main not in package:
        raise UnreadableFile("file_corrupt", name=name)
    kind = "xlsm" if "macroEnabled" in content_type else "xlsx"

    workbook = _parse(package, main)
    date1904 = False
    sheets: list[tuple[str, str]] = []
    for element in workbook.iter():
        tag = _local(element.tag)
        if tag == "workbookPr":
            date1904 = element.get("date1904", "").strip().lower() in ("1", "true")
        elif tag == "sheet":
            relation = next((value for key, value in element.attrib.items()
                             if _local(key) == "id" and key.startswith("{")), "")
            sheets.append((element.get("name", ""), relation))
    folder, base = posixpath.split(main)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    targets = dict(_relationships(package, rels_part, folder, key="Id")) if rels_part in package else {}
    sheet_parts = {targets[relation]: sheet for sheet, relation in sheets if relation in targets}
    return Layout(kind, date1904, sheet_parts)


def _parse(package: ZipPackage, part: str):
    try:
        return SafeET.fromstring(package.read(part), forbid_dtd=True)
    except DefusedXmlException as error:
        raise UnreadableFile("file_xml_dtd", name=package.name) from error
    except ParseError as error:
        raise UnreadableFile("file_corrupt", name=package.name) from error


def _relationships(package: ZipPackage, part: str, folder: str, key: str = "Type"):
    """(Type or Id, resolved target part) of every internal relationship of `part`."""
    for element in _parse(package, part).iter():
        if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        target = element.get("Target", "")
        if target.startswith("/"):
            resolved = target[1:]
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target)) if folder else target
        yield element.get(key, ""), resolved


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- streaming scan of a worksheet part -----------------------------------------------
#
# The fast path relies on what every writer we know does (Excel, LibreOffice, openpyxl,
# xlsxwriter, POI): cells written `<c r="B7" …>`, reference first, no namespace prefix.
# Cheap byte counts prove a chunk holds no other form; a comment cannot hide a real tag from
# a byte scan, only add fake ones, which can only widen the bounds. Otherwise the part is
# parsed again element by element (`scan_sheet_exactly`), placing cells the way calamine
# does: by local name whatever the prefix, `r` anywhere or missing. Self-closed cells
# (`<c r="A9" s="3"/>`, formatting only) hold no value: calamine leaves them out of its
# rectangle, and so do we.

# `<c r="A9" s="3"></c>` is as empty as its self-closed form: the lookahead leaves it out.
_CELL_LETTERS = re.compile(rb'<c r="([A-Za-z]+)\d+"[^>/]*>(?!</c>)')
_CELL_DIGITS = re.compile(rb'<c r="[A-Za-z]+(\d+)"[^>/]*>(?!</c>)')
_ODD_CELL = re.compile(rb'<c[\t\r\n>/]')
_PREFIXED_CELL = re.compile(rb':c[\s>/]')
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*["\']([A-Za-z]*)(\d+)["\']')
_T_ATTR = re.compile(rb'(?:^|\s)t\s*=\s*["\'](\w*)["\']')
_REFERENCE = re.compile(r'\s*([A-Za-z]*)(\d+)\s*$')
_P = rb'(?:[A-Za-z_][\w.-]*:)?'  # an optional namespace prefix
# A formula cell followed by no value, or by an empty one.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<' + _P + rb'c\s([^>]*?)>\s*'
    rb'<' + _P + rb'f\b[^>]*?(?:/>|>[^<]*</' + _P + rb'f>)\s*'
    rb'(?:(<' + _P + rb'v\s*/>|<' + _P + rb'v\s*>\s*</' + _P + rb'v>)|</' + _P + rb'c>)')
_CARRY_MAX = 1024 * 1024


class NeedsExactScan(Exception):
    """A chunk holds cells the fast path cannot place: parse the part (`scan_sheet_exactly`)."""


@dataclass
class SheetScan:
    label: str  # the sheet's name (or the part's, for a part no sheet points to)
    min_row: int = 0  # 1-based bounds of the non-empty cells; 0 when there are none
    max_row: int = 0
    min_column: int = 0
    max_column: int = 0
    strings: int = 0  # shared strings (in the sharedStrings part)
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, column), first ones
    formula_count: int = 0

    @property
    def area(self) -> int:
        if not self.max_row:
            return 0
        return (self.max_row - self.min_row + 1) * (self.max_column - self.min_column + 1)


class SheetScanner:
    """The fast path, fed a part's chunks in order; raises UnreadableFile as soon as a bound
    is crossed, NeedsExactScan when a chunk is not in the common form."""

    def __init__(self, label: str, file_name: str, limits: Limits):
        self.scan = SheetScan(label)
        self._file_name = file_name
        self._limits = limits
        self._carry = b""
        self._shared_strings: bool | None = None  # known from the first chunk

    def feed(self, chunk: bytes) -> None:
        if self._shared_strings is None:
            self._shared_strings = b"<sst" in chunk or b":sst" in chunk
        buffer = self._carry + chunk
        cut = _last_cell_start(buffer)
        if cut <= 0:
            if len(buffer) <= _CARRY_MAX:
                self._carry = buffer
                return
            cut = max(buffer.rfind(b"<"), 1)  # a huge cell: keep tags whole, at least
        self._scan(buffer[:cut])
        self._carry = buffer[cut:]

    def close(self) -> SheetScan:
        self._scan(self._carry)
        self._carry = b""
        return self.scan

    def _scan(self, segment: bytes) -> None:
        if not segment:
            return
        if (segment.count(b"<c ") != segment.count(b'<c r="') or _ODD_CELL.search(segment)
                or _PREFIXED_CELL.search(segment)):
            raise NeedsExactScan()
        letters = _CELL_LETTERS.findall(segment)
        if letters:
            columns = [column_number(text) for text in set(letters)]
            rows = [bounded_int(text) for text in set(_CELL_DIGITS.findall(segment))]
            _extend(self.scan, min(rows), max(rows), min(columns), max(columns),
                    self._file_name, self._limits)
        if self._shared_strings:
            self.scan.strings += segment.count(b"<si>") + segment.count(b"<si ")
        if b"<f" in segment or b":f" in segment:
            self._find_formulas(segment)

    def _find_formulas(self, segment: bytes) -> None:
        for match in _FORMULA_WITHOUT_VALUE.finditer(segment):
            attributes, empty_value = match.groups()
            reference = _R_ATTR.search(attributes)
            if not reference or not reference.group(1):
                continue  # prefixed cells go through the exact path, which locates them
            cell_type = _T_ATTR.search(attributes)
            if empty_value and cell_type and cell_type.group(1) == b"str":
                continue  # Excel's cached "" for a formula such as =SI(A2="";"";…)
            _add_formula(self.scan, bounded_int(reference.group(2)),
                         column_number(reference.group(1)))


def scan_sheet_exactly(chunks: Iterable[bytes], label: str, file_name: str,
                       limits: Limits) -> SheetScan:
    """The same scan through defusedxml's iterparse, for parts the fast path cannot read."""
    scan = SheetScan(label)
    open_elements: list = []  # to drop each element from its parent once read
    row = column = 0  # where calamine puts a cell without a reference
    cell: dict | None = None  # what the open cell holds
    try:
        for event, element in SafeET.iterparse(ChunkReader(chunks), ("start", "end"),
                                               forbid_dtd=True):
            name = _local(element.tag)
            if event == "start":
                open_elements.append(element)
                if name == "row":
                    reference = _REFERENCE.match(element.get("r", ""))
                    row, column = (bounded_int(reference.group(2)) if reference else row + 1), 0
                elif name == "c" and cell is None:
                    reference = _REFERENCE.match(element.get("r", ""))
                    if reference and reference.group(1):
                        row_of_cell = bounded_int(reference.group(2))
                        column = column_number(reference.group(1))
                    else:
                        row_of_cell, column = row, column + 1
                    cell = {"row": row_of_cell, "column": column, "type": element.get("t", "")}
                continue
            open_elements.pop()
            if open_elements:
                open_elements[-1].remove(element)  # keeps memory flat on long sheets
            if name == "si":
                scan.strings += 1
            elif cell is not None and name in ("f", "v", "is"):
                cell[name] = (element.text or "").strip() if name == "v" else True
            elif name == "c" and cell is not None:
                if "v" in cell or "is" in cell or "f" in cell:  # wider than calamine: safe
                    _extend(scan, cell["row"], cell["row"], cell["column"], cell["column"],
                            file_name, limits)
                if "f" in cell and not cell.get("v") and not ("v" in cell and cell["type"] == "str"):
                    _add_formula(scan, cell["row"], cell["column"])
                cell = None
    except DefusedXmlException as error:
        raise UnreadableFile("file_xml_dtd", name=file_name) from error
    except ParseError as error:
        raise UnreadableFile("file_corrupt", name=file_name) from error
    return scan


def check_extent(sheet: str, file_name: str, rows: int, columns: int, limits: Limits) -> None:
    """Refuse a sheet whose non-empty cells span more than the limits allow."""
    if rows > limits.max_rows:
        raise UnreadableFile("sheet_too_many_rows", name=file_name, sheet=sheet,
                             limit=limits.max_rows)
    if columns > limits.max_columns:
        raise UnreadableFile("sheet_too_many_columns", name=file_name, sheet=sheet,
                             limit=limits.max_columns)
    if rows * columns > limits.max_cells:
        raise UnreadableFile("sheet_too_many_cells", name=file_name, sheet=sheet,
                             limit=limits.max_cells)


def _extend(scan: SheetScan, top: int, bottom: int, left: int, right: int, file_name: str,
            limits: Limits) -> None:
    if scan.max_row:
        top, bottom = min(top, scan.min_row), max(bottom, scan.max_row)
        left, right = min(left, scan.min_column), max(right, scan.max_column)
    scan.min_row, scan.max_row, scan.min_column, scan.max_column = top, bottom, left, right
    check_extent(scan.label, file_name, bottom - top + 1, right - left + 1, limits)


def _add_formula(scan: SheetScan, row: int, column: int) -> None:
    scan.formula_count += 1
    if len(scan.formulas) < MAX_LOCATED_FORMULAS:
        scan.formulas.append((row, column))


def _last_cell_start(buffer: bytes) -> int:
    """Where the last cell of the buffer starts (everything before it is whole cells)."""
    # The common form first: it is found near the end, and bounds the other searches.
    cut = buffer.rfind(b"<c ")
    cut = max(cut, buffer.rfind(b"<c>", cut + 1), buffer.rfind(b"<c/", cut + 1))
    prefixed = max(buffer.rfind(b":c ", cut + 1), buffer.rfind(b":c>", cut + 1))
    if prefixed > cut:
        cut = max(cut, buffer.rfind(b"<", 0, prefixed))
    return cut
