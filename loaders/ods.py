"""What an .ods `content.xml` says that calamine does not tell us, read before calamine runs.

Streamed once, row by row, from the bytes. Positions count repeated rows and columns
(`table:number-rows-repeated`…) the way calamine expands them, so they line up with
calamine's `start`:

- the rectangle the non-empty cells span, bounded before calamine expands repetitions (a
  row of one value repeated a million times is 60 bytes of XML);
- merged cells (`table:number-rows-spanned` / `number-columns-spanned`), which calamine
  does not report for .ods;
- formula cells without a computed value (calamine reads them as blank).

Why bytes and not an XML parser: calamine itself matches the literal `table:` names and
counts a cell as non-empty only when it has `office:value-type` (both verified), so a scan
of those tokens sees what calamine will see, while an element-by-element parse in Python
cost twenty times calamine's own reading. Entities are never expanded here, and the
container has already refused any DOCTYPE. A comment, CDATA section or processing
instruction could hide tags from a byte scan (or show it fake ones), and LibreOffice writes
none: a document that has one is parsed element by element instead, with defusedxml.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from loaders.cellref import bounded_int
from loaders.container import ChunkReader
from loaders.limits import Limits
from loaders.ooxml import MAX_LOCATED_FORMULAS, check_extent
from loaders.problems import UnreadableFile

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

Merge = tuple[tuple[int, int], tuple[int, int]]  # 0-based (row, column) corners, as calamine


@dataclass
class TableScan:
    name: str
    min_row: int = -1  # 0-based bounds of the non-empty cells; -1 when there are none
    max_row: int = -1
    min_column: int = -1
    max_column: int = -1
    merges: list[Merge] = field(default_factory=list)
    formulas: list[tuple[int, int]] = field(default_factory=list)  # 1-based (row, column)
    formula_count: int = 0

    @property
    def area(self) -> int:
        if self.max_row < 0:
            return 0
        return (self.max_row - self.min_row + 1) * (self.max_column - self.min_column + 1)


@dataclass(frozen=True)
class _Cell:
    columns: int = 1  # table:number-columns-repeated
    has_value: bool = False  # office:value-type: what makes a cell non-empty for calamine
    has_formula: bool = False
    rows_spanned: int = 1
    columns_spanned: int = 1


def scan_content(stream: Callable[[], Iterator[bytes]], file_name: str,
                 limits: Limits) -> list[TableScan]:
    """One TableScan per sheet of `content.xml` (`stream()` gives its chunks), in order;
    UnreadableFile as soon as a limit is crossed."""
    scanner = _ByteScanner(file_name, limits)
    buffer = bytearray()
    first = True
    for chunk in stream():
        checked = max(len(buffer) - 1, 0)  # a `<!` may straddle two chunks
        buffer += chunk
        if first:  # the XML declaration is the one `<?` expected
            first = False
            declaration = _DECLARATION.match(buffer)
            checked = declaration.end() if declaration else 0
        if _MARKUP.search(buffer, checked):
            return _scan_elements(stream(), file_name, limits)
        del buffer[:scanner.consume(buffer)]
    scanner.finish(buffer)
    return scanner.tables


def _record(table: TableScan, cell: _Cell, row: int, rows: int, column: int, file_name: str,
            limits: Limits) -> None:
    """One cell, repeated over `rows` rows and `cell.columns` columns."""
    if cell.has_value:
        # Bounded first: the loops below run over the repetitions.
        _extend(table, row, row + rows - 1, column, column + cell.columns - 1, file_name, limits)
        if cell.rows_spanned > 1 or cell.columns_spanned > 1:
            table.merges.extend(((r, c), (r + cell.rows_spanned - 1, c + cell.columns_spanned - 1))
                                for r in range(row, row + rows)
                                for c in range(column, column + cell.columns))
            if len(table.merges) > limits.max_cells:
                raise UnreadableFile("sheet_too_many_cells", name=file_name, sheet=table.name,
                                     limit=limits.max_cells)
    elif cell.has_formula:
        table.formula_count += rows * cell.columns
        for r in range(row, row + min(rows, MAX_LOCATED_FORMULAS)):
            for c in range(column, column + min(cell.columns, MAX_LOCATED_FORMULAS)):
                if len(table.formulas) < MAX_LOCATED_FORMULAS:
                    table.formulas.append((r + 1, c + 1))


def _extend(table: TableScan, top: int, bottom: int, left: int, right: int, file_name: str,
            limits: Limits) -> None:
    if table.max_row >= 0:
        top, bottom = min(top, table.min_row), max(bottom, table.max_row)
        left, right = min(left, table.min_column), max(right, table.max_column)
    table.min_row, table.max_row, table.min_column, table.max_column = top, bottom, left, right
    check_extent(table.name, file_name, bottom - top + 1, right - left + 1, limits)


# --- the byte scan ------------------------------------------------------------------------

_ATTRIBUTES = rb'((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*)\s*(/?)>'
_UNIT = re.compile(rb'<(/?)table:table(-row)?(?=[\s/>])')  # table start/end, row start
_TAG_REST = re.compile(_ATTRIBUTES)
_CELL = re.compile(rb'<table:(?:table-cell|covered-table-cell)(?=[\s/>])' + _ATTRIBUTES)
_NESTED = re.compile(rb'<table:table(?:-row)?[\s/>]')
_ROW_END = b"</table:table-row"
_END_TAG_REST = re.compile(rb'\s*(>)?')
_DECLARATION = re.compile(rb'\s*<\?xml[^>]*\?>')
_MARKUP = re.compile(rb'<[!?]')  # comment, CDATA, DOCTYPE, processing instruction
_NAME = re.compile(rb'table:name\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_ROWS_REPEATED = re.compile(rb'number-rows-repeated\s*=\s*["\']\s*(\d+)')
_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated\s*=\s*["\']\s*(\d+)')
_ROWS_SPANNED = re.compile(rb'number-rows-spanned\s*=\s*["\']\s*(\d+)')
_COLUMNS_SPANNED = re.compile(rb'number-columns-spanned\s*=\s*["\']\s*(\d+)')
_VALUE = b"office:value-type"
_FORMULA = b"table:formula"


class _ByteScanner:
    def __init__(self, file_name: str, limits: Limits):
        self.tables: list[TableScan] = []
        self._file_name = file_name
        self._limits = limits
        self._table: TableScan | None = None
        self._row = 0
        self._searched = 0  # bytes of an unfinished row already searched for its end

    def consume(self, buffer: bytearray) -> int:
        """Handle the whole units at the start of the buffer; return how many bytes."""
        position = 0
        while True:
            unit = _UNIT.search(buffer, position)
            if unit is None:
                return max(position, len(buffer) - 32)  # keep a partial `<table:table…`
            rest = _TAG_REST.match(buffer, unit.end())
            if rest is None:
                if len(buffer) - unit.start() > 1024 * 1024:
                    raise UnreadableFile("file_corrupt", name=self._file_name)
                return unit.start()  # the tag is not complete yet
            closing, is_row = unit.group(1), unit.group(2)
            if not is_row:
                if not closing:
                    self._open_table(rest.group(1))
                if closing or rest.group(2):  # calamine reads <table:table/> as open + close
                    self._close_table()
                position = rest.end()
                continue
            if closing:
                position = rest.end()  # a row end, already consumed with its row
                continue
            if rest.group(2):  # <table:table-row/>: no cells
                body_end = end = rest.end()
            else:
                body_end, end = self._row_end(buffer, unit.start(), rest.end())
                if body_end < 0:
                    return unit.start()  # the row is not complete yet
            self._searched = 0
            if self._table is not None:
                self._scan_row(rest.group(1), buffer, rest.end(), body_end)
            position = end

    def _row_end(self, buffer: bytearray, row_start: int, body_start: int) -> tuple[int, int]:
        """Where the row's end tag starts and ends, or (-1, -1) until it has arrived.

        A long row arrives over several chunks: only the new bytes are searched."""
        search = max(body_start, row_start + self._searched)
        while True:
            at = buffer.find(_ROW_END, search)
            if at < 0:
                self._searched = max(0, len(buffer) - len(_ROW_END) - row_start)
                return -1, -1
            tail = _END_TAG_REST.match(buffer, at + len(_ROW_END))
            if tail.group(1):
                return at, tail.end()
            if tail.end() == len(buffer):  # `</table:table-row   ` then the chunk ends
                self._searched = at - row_start
                return -1, -1
            search = at + len(_ROW_END)  # `</table:table-rows>`: not this row's end

    def finish(self, buffer: bytearray) -> None:
        """The end of `content.xml`: every table and row must have been closed.

        calamine reads a table until an end tag named `table:table` and never stops at the
        end of the file: an unclosed table would keep a worker busy forever (verified)."""
        consumed = self.consume(buffer)
        if self._table is not None or _UNIT.search(buffer, consumed):
            raise UnreadableFile("file_corrupt", name=self._file_name)

    def _close_table(self) -> None:
        if self._table is not None:
            self.tables.append(self._table)
            self._table = None

    def _open_table(self, attributes: bytes) -> None:
        if self._table is not None:
            raise UnreadableFile("file_corrupt", name=self._file_name)  # a table in a table
        name = _NAME.search(attributes)
        text = (name.group(1) or name.group(2) or b"") if name else b""
        self._table = TableScan(html.unescape(text.decode("utf-8", errors="replace")))
        self._row = 0

    # A row is read in place, between `start` and `end` of the buffer, without a copy.

    def _scan_row(self, attributes: bytes, buffer: bytearray, start: int, end: int) -> None:
        repeat = _number(_ROWS_REPEATED.search(attributes))
        if (buffer.count(b"<table:table", start, end) != buffer.count(b"<table:table-cell", start, end)
                and _NESTED.search(buffer, start, end)):
            # A table in a cell, or a row in a row: no spreadsheet application writes one.
            raise UnreadableFile("file_corrupt", name=self._file_name)
        value = buffer.find(_VALUE, start, end)
        if buffer.find(_FORMULA, start, end) >= 0 or (
                value >= 0 and buffer.find(b"-spanned", start, end) >= 0):
            self._scan_cells(buffer, start, end, repeat)
        elif value >= 0:
            self._scan_bounds(buffer, start, end, value, repeat)
        self._row += repeat

    def _scan_bounds(self, buffer: bytearray, start: int, end: int, value: int,
                     repeat: int) -> None:
        """First and last non-empty column of a plain row, without visiting every cell."""
        first = buffer.rfind(b"<", start, value)
        last = buffer.rfind(b"<", start, buffer.rfind(_VALUE, start, end))
        tag = _CELL.match(buffer, last, end)
        last_repeat = _number(_COLUMNS_REPEATED.search(tag.group(1))) if tag else 1
        left = 0 if first == buffer.find(b"<table:", start, end) else _columns_before(buffer, start, first)
        _extend(self._table, self._row, self._row + repeat - 1, left,
                _columns_before(buffer, start, last) + last_repeat - 1, self._file_name,
                self._limits)

    def _scan_cells(self, buffer: bytearray, start: int, end: int, repeat: int) -> None:
        """Every cell of a row with formulas or merged cells."""
        column = 0
        for tag in _CELL.finditer(buffer, start, end):
            attributes = tag.group(1)
            cell = _Cell(_number(_COLUMNS_REPEATED.search(attributes)), _VALUE in attributes,
                         _FORMULA in attributes, _number(_ROWS_SPANNED.search(attributes)),
                         _number(_COLUMNS_SPANNED.search(attributes)))
            _record(self._table, cell, self._row, repeat, column, self._file_name, self._limits)
            column += cell.columns


def _columns_before(buffer: bytearray, start: int, end: int) -> int:
    """How many columns the cells between `start` and `end` cover, repetitions included."""
    cells = (buffer.count(b"<table:table-cell", start, end)
             + buffer.count(b"<table:covered-table-cell", start, end))
    extra = sum(max(bounded_int(count), 1) - 1
                for count in _COLUMNS_REPEATED.findall(buffer, start, end))
    return cells + extra


def _number(match: re.Match | None) -> int:
    """A repetition or span attribute: a positive integer, 1 when absent."""
    return max(bounded_int(match.group(1)), 1) if match else 1


# --- the element parse, for documents with comments, CDATA or processing instructions ----

def _scan_elements(chunks: Iterable[bytes], file_name: str, limits: Limits) -> list[TableScan]:
    """The same scan through defusedxml's iterparse. Elements are matched by local name
    whatever their namespace, so nothing calamine reads (literal `table:` names) escapes."""
    tables: list[TableScan] = []
    open_elements: list = []  # to drop each element from its parent once read
    depth = 0  # nesting of tables (a table in a cell is not a sheet)
    table = None
    row = rows = column = 0
    try:
        for event, element in SafeET.iterparse(ChunkReader(chunks), ("start", "end"),
                                               forbid_dtd=True):
            name = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                open_elements.append(element)
                if name == "table":
                    depth += 1
                    if depth == 1:
                        table = TableScan(_attribute(element, "name") or "")
                        tables.append(table)
                        row = 0
                elif depth == 1 and name == "table-row":
                    rows, column = _count(_attribute(element, "number-rows-repeated")), 0
                continue
            open_elements.pop()
            if open_elements:
                open_elements[-1].remove(element)  # keeps memory flat on long sheets
            if name == "table":
                depth -= 1
            elif depth == 1 and name == "table-row":
                row += rows
            elif depth == 1 and name in ("table-cell", "covered-table-cell"):
                cell = _Cell(_count(_attribute(element, "number-columns-repeated")),
                             _attribute(element, "value-type") is not None,
                             _attribute(element, "formula") is not None,
                             _count(_attribute(element, "number-rows-spanned")),
                             _count(_attribute(element, "number-columns-spanned")))
                _record(table, cell, row, rows, column, file_name, limits)
                column += cell.columns
    except DefusedXmlException as error:
        raise UnreadableFile("file_xml_dtd", name=file_name) from error
    except ParseError as error:
        raise UnreadableFile("file_corrupt", name=file_name) from error
    return tables


def _attribute(element, local_name: str) -> str | None:
    for key, value in element.attrib.items():
        if key.rsplit("}", 1)[-1] == local_name:
            return value
    return None


def _count(value: str | None) -> int:
    value = (value or "").strip()
    return max(bounded_int(value), 1) if value.isdigit() and value.isascii() else 1
