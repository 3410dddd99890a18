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
from xml.parsers import expat

import defusedxml.ElementTree as SafeET
import numpy as np
from defusedxml import DefusedXmlException

from loaders.cellref import bounded_int, column_number
from loaders.container import UTF16_BOMS, ChunkReader, ZipPackage
from loaders.limits import Limits
from loaders.problems import UnreadableFile

MAX_LOCATED_FORMULAS = 50  # beyond, one summary problem: the fix is the same for all

_OFFICE_DOCUMENT = "/officeDocument"


@dataclass
class Layout:
    kind: str  # "xlsx" or "xlsm"
    date1904: bool
    sheet_parts: dict[str, str]  # part name -> sheet name
    # The structural parts read here, decompressed, measured and checked by expat (as
    # `ZipPackage.read` does), when smaller than one scan segment (the usual kilobyte or
    # two; a huge one is not kept in memory): the scan of every part need not decompress
    # them again.
    contents: dict[str, bytes] = field(default_factory=dict)


def read_layout(package: ZipPackage) -> Layout:
    """Kind, date system and sheet parts, from the package's small structural parts."""
    name = package.name
    if "[Content_Types].xml" not in package or "_rels/.rels" not in package:
        raise UnreadableFile("file_not_spreadsheet", name=name)
    contents: dict[str, bytes] = {}
    types = _parse(package, "[Content_Types].xml", contents)
    overrides = {attributes.get("PartName", "").lstrip("/"): attributes.get("ContentType", "")
                 for tag, attributes in types if tag == "Override"}
    defaults = {attributes.get("Extension", "").lower(): attributes.get("ContentType", "")
                for tag, attributes in types if tag == "Default"}
    main = next((target for kind, target in _relationships(package, "_rels/.rels", "", contents)
                 if kind.endswith(_OFFICE_DOCUMENT)), None)
    if main is None:
        raise UnreadableFile("file_not_spreadsheet", name=name)
    content_type = overrides.get(main) or defaults.get(main.rsplit(".", 1)[-1].lower(), "")
    if "binary" in content_type or "spreadsheetml" not in content_type and "ms-excel" not in content_type:
        raise UnreadableFile("file_not_spreadsheet", name=name)  # .docx, .pptx, .xlsb
    if main not in package:
        raise UnreadableFile("file_corrupt", name=name)
    kind = "xlsm" if "macroEnabled" in content_type else "xlsx"

    date1904 = False
    sheets: list[tuple[str, str]] = []
    for tag, attributes in _parse(package, main, contents):
        if tag == "workbookPr":
            date1904 = attributes.get("date1904", "").strip().lower() in ("1", "true")
        elif tag == "sheet":
            # The relationship id: an attribute named `id` in a namespace (`r:id`); expat
            # names it `namespace}id`, an attribute without namespace has no `}`.
            relation = next((value for key, value in attributes.items()
                             if "}" in key and _local(key) == "id"), "")
            sheets.append((attributes.get("name", ""), relation))
    folder, base = posixpath.split(main)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    targets = (dict(_relationships(package, rels_part, folder, contents, key="Id"))
               if rels_part in package else {})
    sheet_parts = {targets[relation]: sheet for sheet, relation in sheets if relation in targets}
    return Layout(kind, date1904, sheet_parts, contents)


def _parse(package: ZipPackage, part: str, contents: dict[str, bytes]):
    """(local name, attributes) of every element of a small part, in document order.

    What defusedxml's `fromstring(…, forbid_dtd=True)` did, without building a tree
    through ElementTree's pure-Python parser (the most of this module's cost on a small
    workbook): the same expat, with the same namespace processing (so the same documents
    are refused as malformed) and the same handlers refusing a DTD, an entity declaration
    or an external entity. The part was already checked by `ZipPackage.read` (size, CRC,
    DTD, well-formed): this parse only adds what namespace processing refuses.
    """
    data = package.read(part)
    if len(data) < SEGMENT:
        contents[part] = data
    elements: list[tuple[str, dict[str, str]]] = []
    parser = expat.ParserCreate(None, "}")
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _forbid_declaration
    parser.UnparsedEntityDeclHandler = parser.ExternalEntityRefHandler = _forbid_declaration
    parser.StartElementHandler = lambda tag, attributes: elements.append((_local(tag), attributes))
    try:
        parser.Parse(data, True)
    except _ForbiddenDeclaration as error:
        raise UnreadableFile("file_xml_dtd", name=package.name) from error
    except expat.ExpatError as error:
        raise UnreadableFile("file_corrupt", name=package.name) from error
    return elements


class _ForbiddenDeclaration(Exception):
    """A DTD, an entity declaration or an external entity in a structural part."""


def _forbid_declaration(*declaration) -> None:
    raise _ForbiddenDeclaration()


def _relationships(package: ZipPackage, part: str, folder: str, contents: dict[str, bytes],
                   key: str = "Type"):
    """(Type or Id, resolved target part) of every internal relationship of `part`."""
    for tag, attributes in _parse(package, part, contents):
        if tag != "Relationship" or attributes.get("TargetMode") == "External":
            continue
        target = attributes.get("Target", "")
        if target.startswith("/"):
            resolved = target[1:]
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target)) if folder else target
        yield attributes.get(key, ""), resolved


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- streaming scan of a worksheet part -----------------------------------------------
#
# The fast path works on the bytes, with numpy, 256 KiB at a time: where every `<` is,
# then what follows the few that matter. It relies on what every writer we know does (Excel,
# LibreOffice, openpyxl, xlsxwriter, POI): cells written `<c r="B7" …>`, reference first, no
# namespace prefix. Anything else (a cell without reference, `<c\tr=`, `<x:c>`, a reference
# of more than 3 letters or 7 digits, a shared string `<x:si>`) sends the whole part to
# `scan_sheet_exactly`, which parses it element by element and places cells the way calamine
# does: by local name whatever the prefix, `r` anywhere or missing.
#
# calamine's tokenizer (quick-xml) works on the raw bytes whatever the declared encoding, so
# a byte scan sees the tags it sees. A comment, CDATA section or processing instruction can
# hide a tag from calamine, never from a byte scan: it can only add fake cells, which only
# widen the bounds. A cell counts unless it is provably empty: self-closed
# (`<c r="A9" s="3"/>`, formatting only) or closed at once (`<c r="A9" s="3"></c>`), with a
# start tag whose only `>` is its end and whose quotes are paired, so no attribute value can
# hide where it ends (`<c r="A9" x="/>">` holds a value). calamine leaves empty cells out of
# the rectangle it allocates, and so do we.

SEGMENT = 1 << 18  # bytes scanned at once: few numpy calls, and arrays that stay in cache
_PAD = bytes(32)  # read past a segment's end as zeros, never as another cell
_LT, _GT, _BANG, _QUOTE, _APOSTROPHE, _SLASH, _COLON = 60, 62, 33, 34, 39, 47, 58
_C, _F, _S, _I, _SPACE = 99, 102, 115, 105, 32
_HEAD = 17  # `<c r="`, then up to 3 letters, 7 digits and the closing quote
# A whole part shorter than this, holding none of these marks, has nothing the scan counts
# or refuses (cells, shared strings, formulas, DTDs, prefixed tags): numpy's fixed cost
# per call is then all it would spend. Each mark is a tag's whole name (`<c ` but not
# `<cellXfs`, `:c>` but not `:clrScheme`), so themes, styles and the workbook part skip it
# too; `\s` is wider than the whitespace a name ends with (it adds \f and \v): safe.
_SMALL = 64 * 1024
_TINY = 8 * 1024  # a whole part this small is scanned in plain Python (`_scan_tiny`)
# Two patterns, each opening with a literal byte that `re` looks for at C speed (one
# pattern opening with a class of two bytes was slower than the scan itself).
_MARKS = (re.compile(rb"<(?:!|(?:c|si|f)[\s>/])"), re.compile(rb":(?:c|si|f)[\s>/]"))
_DECLARATION = re.compile(rb'(?:\xef\xbb\xbf)?\s*<\?xml\b([^>]*)')
_ENCODING = re.compile(rb'encoding\s*=\s*["\']([^"\']*)')
_REFERENCE = re.compile(r'\s*([A-Za-z]*)(\d+)\s*$')
_P = rb'(?:[A-Za-z_][\w.-]*:)?'  # an optional namespace prefix
# A formula cell followed by no value, or by an empty one.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<' + _P + rb'c\s([^>]*?)>\s*'
    rb'<' + _P + rb'f\b[^>]*?(?:/>|>[^<]*</' + _P + rb'f>)\s*'
    rb'(?:(<' + _P + rb'v\s*/>|<' + _P + rb'v\s*>\s*</' + _P + rb'v>)|</' + _P + rb'c>)')
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*["\']([A-Za-z]*)(\d+)["\']')
_T_ATTR = re.compile(rb'(?:^|\s)t\s*=\s*["\'](\w*)["\']')


class NeedsExactScan(Exception):
    """A part holds cells the fast path cannot place: parse it (`scan_sheet_exactly`)."""


@dataclass
class SheetScan:
    label: str  # the sheet's name (or the part's, for a part no sheet points to)
    min_row: int = 0  # 1-based bounds of the non-empty cells; 0 when there are none
    max_row: int = 0
    min_column: int = 0
    max_column: int = 0
    strings: int = 0  # shared strings (`<si>` elements)
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, column), first ones
    formula_count: int = 0

    @property
    def area(self) -> int:
        if not self.max_row:
            return 0
        return (self.max_row - self.min_row + 1) * (self.max_column - self.min_column + 1)


class SheetScanner:
    """The fast path, fed a part's chunks in order; raises UnreadableFile as soon as a bound
    is crossed (or on a DTD), NeedsExactScan when the part is not in the common form.

    `trusted_xml`: the part is not also checked by expat (worksheets, shared strings), so
    its declared encoding must be the one expat would accept without question (UTF-8);
    others go through the exact path, whose parser judges them.
    """

    def __init__(self, label: str, file_name: str, limits: Limits, trusted_xml: bool = False):
        self.scan = SheetScan(label)
        self._file_name = file_name
        self._limits = limits
        self._check_start = trusted_xml
        self._pending: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        self._pending.append(chunk)
        self._size += len(chunk)
        if self._size < SEGMENT:
            return
        buffer = b"".join(self._pending)
        # Cut before the last cell, so every cell scanned is whole (its formula, its value).
        cut = buffer.rfind(b"<c ")
        if cut <= 0:
            if len(buffer) < 4 * SEGMENT:
                self._pending = [buffer]
                return
            cut = buffer.rfind(b"<")  # a huge cell: keep tags whole, at least
            if cut <= 0:
                cut = len(buffer)  # text only: no tag to cut
        self._scan(buffer, cut)
        rest = buffer[cut:]
        self._pending, self._size = [rest], len(rest)

    def close(self) -> SheetScan:
        buffer = b"".join(self._pending)
        self._pending, self._size = [], 0
        self._scan(buffer, len(buffer))
        return self.scan

    def _scan(self, buffer: bytes, end: int) -> None:
        """Scan buffer[:end]; the bytes after `end` (or zeros) are only read as context."""
        if self._check_start:
            self._check_start = False
            _check_encoding(buffer)
        if not end:
            return
        if (end == len(buffer) and end <= _SMALL
                and not any(mark.search(buffer) for mark in _MARKS)):
            return  # a small part with no tag the scan looks at (.rels, docProps…)
        if end == len(buffer) and end <= _TINY and self._scan_tiny(buffer):
            return
        a = np.frombuffer(buffer + _PAD, dtype=np.uint8)
        lt = np.flatnonzero(a[:end] == _LT)
        if not len(lt):
            return
        after = a[lt + 1]
        for at in lt[after == _BANG].tolist():  # comments and CDATA are harmless
            if buffer[at + 2:at + 9].upper().startswith((b"DOCTYPE", b"ENTITY")):
                raise UnreadableFile("file_xml_dtd", name=self._file_name)
        self._check_prefixes(buffer, a, end)
        self._cells(a, lt, np.flatnonzero(after == _C), end)
        strings = lt[after == _S]
        if len(strings):
            self.scan.strings += int(((a[strings + 2] == _I) & _ends_name(a[strings + 3])).sum())
        if (after == _F).any() or self._prefixed_formula:
            self._find_formulas(buffer[:end])

    def _check_prefixes(self, buffer: bytes, a: np.ndarray, end: int) -> None:
        """A prefixed cell or shared string (`<x:c>`, `<x:si>`): only the exact path places
        or counts them. A prefixed formula only needs the formula search."""
        self._prefixed_formula = False
        # Every test below starts at a colon: a segment without any (past the namespace
        # declarations, in a file that writes no prefixed attribute) has nothing to look
        # at, known from one memchr instead of numpy's pass over every byte.
        if buffer.find(b":", 0, end) < 0:
            return
        colons = np.flatnonzero(a[:end] == _COLON)
        first = a[colons + 1]
        if (((first == _C) & _ends_name(a[colons + 2])).any()
                or ((first == _S) & (a[colons + 2] == _I) & _ends_name(a[colons + 3])).any()):
            raise NeedsExactScan()
        self._prefixed_formula = bool((first == _F).any())

    def _cells(self, a: np.ndarray, lt: np.ndarray, cells: np.ndarray, end: int) -> None:
        """Bounds of the non-empty cells; `cells` indexes the `<` of each `<c…` in `lt`.

        One byte or word per cell at a time (`a[starts + k]`, `_words(…)[starts + k]`): a
        gather of a few thousand values costs less than the rows of a two-dimensional
        window, and only the reference itself needs one (`_references`).
        """
        if not len(cells):
            return
        starts = lt[cells]
        following = a[starts + 2]
        if _ODD_AFTER_C[following].any():
            raise NeedsExactScan()  # a cell without reference, or with odd spacing
        # Several bytes at a time: the word of 2 or 4 bytes that starts at each offset,
        # read big-endian, equals the word of the bytes expected there.
        reference = _words(a, ">u4")[starts + 2] == _REFERENCE_WORD  # ` r="`
        if not reference.all():
            if ((following == _SPACE) & ~reference).any():
                raise NeedsExactScan()  # the reference is not the first attribute
            # The others are <col>, <cfRule>…
            cells, starts = cells[reference], starts[reference]
            if not len(cells):
                return
        # Where the next tag starts (the end of the segment after the last one).
        nexts = lt[np.minimum(cells + 1, len(lt) - 1)]
        if cells[-1] == len(lt) - 1:
            nexts[-1] = end
        closed = a[nexts - 1] == _GT  # `/>` then `</c>`, or not
        # `/>`: the `>` of `closed` after a `/` (a byte gathered costs a third of the
        # two-byte word gathered unaligned).
        self_closed = closed & (a[nexts - 2] == _SLASH)
        # (a[nexts] is the next tag's `<`, or, after the last cell, padding or `<c `)
        closed_at_once = closed & ~self_closed & (_words(a, ">u4")[nexts] == _END_WORD)
        maybe_empty = np.flatnonzero(self_closed | closed_at_once)
        if len(maybe_empty):
            empty = _plain_tags(a, starts[maybe_empty], nexts[maybe_empty])
            if empty.any():
                keep = np.ones(len(starts), dtype=bool)
                keep[maybe_empty[empty]] = False
                starts = starts[keep]
        if len(starts):
            _extend(self.scan, *_references(a, starts + 6), self._file_name, self._limits)

    def _scan_tiny(self, buffer: bytes) -> bool:
        """`_scan` of a whole part of a few kilobytes, in plain Python; False, having changed
        nothing, when a cell is not in the common form: the numpy path then reads the part.

        numpy's fixed cost (some 25 calls of a few µs) outweighs a few dozen cells, as in a
        workbook's settings or terms sheet. This is the fast path restricted to its common
        form, not another reading of the XML: the same refusals first (DTD, prefixed cell
        or shared string); every `<c` followed by whitespace, `>` or `/` must be
        `<c r="` + 1 to 3 letters + 1 to 7 digits + `"`, whose row and column are then the
        numbers the numpy keys compare as; any other `<c…` (`<col>`, `<cfRule>`) is no cell
        there either. A cell is left out on the same test (`_plain_tags` on the bytes up to
        the next `<`), strings and formulas are counted the same way. `test_sc014` runs
        both paths on mutated parts and compares.
        """
        find = buffer.find
        if find(b"<") < 0:
            return True  # no tag: `_scan` stops here too, before its prefix check
        at = find(b"<!")
        while at >= 0:  # comments and CDATA are harmless
            if buffer[at + 2:at + 9].upper().startswith((b"DOCTYPE", b"ENTITY")):
                raise UnreadableFile("file_xml_dtd", name=self._file_name)
            at = find(b"<!", at + 2)
        if _PREFIXED_CELL_OR_STRING.search(buffer):
            raise NeedsExactScan()  # as `_check_prefixes`
        rows, columns = [], []
        for letters, digits, rest, closing in _TINY_CELL.findall(buffer):
            if not letters:
                return False  # `<c` then whitespace, `>` or `/`, not in the common form
            # `rest`: the tag after its reference, up to the next `<`; closed then, and
            # self-closed or followed by `</c>`, it is tested as in `_plain_tags` (the
            # reference itself adds two quotes, no `>`, no apostrophe).
            if (rest.endswith(b">") and (rest.endswith(b"/>") or closing)
                    and rest.count(b">") == 1 and rest.count(b'"') % 2 == 0 and b"'" not in rest):
                continue  # provably empty
            rows.append(digits)
            columns.append(letters)
        if rows:
            rows = [int(row) for row in rows]
            # Right-aligned on three bytes padded with "@" (before "A"), upper-cased, the
            # letters compare in the order of the columns, as `_references`' keys do.
            columns = sorted(columns, key=lambda letters: letters.upper().rjust(3, b"@"))
            _extend(self.scan, min(rows), max(rows), column_number(columns[0]),
                    column_number(columns[-1]), self._file_name, self._limits)
        self.scan.strings += len(_SHARED_STRING.findall(buffer))
        if b"<f" in buffer or b":f" in buffer:
            self._find_formulas(buffer)
        return True

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


# Bytes after `<c` that the fast path cannot read: a cell without reference, odd spacing.
_ODD_AFTER_C = np.zeros(256, dtype=bool)
_ODD_AFTER_C[[9, 10, 13, _GT, _SLASH]] = True
_REFERENCE_WORD = int.from_bytes(b' r="', "big")
_END_WORD = int.from_bytes(b"</c>", "big")


def _words(a: np.ndarray, dtype: str) -> np.ndarray:
    """The big-endian word of `dtype`'s size that starts at every offset of `a` (a view)."""
    size = np.dtype(dtype).itemsize
    return np.ndarray((len(a) - size + 1,), dtype=dtype, buffer=a, strides=(1,))


def _ends_name(following: np.ndarray) -> np.ndarray:
    """Whether each byte ends a tag's name: whitespace, `>` or `/`."""
    return ((following == _SPACE) | (following == _GT) | (following == _SLASH)
            | (following == 9) | (following == 10) | (following == 13))


def _check_encoding(head: bytes) -> None:
    """A part not checked by expat must be what expat accepts without question: UTF-8,
    declared or not. UTF-16 and other declared encodings take the exact path."""
    if head.startswith(UTF16_BOMS) or head.startswith((b"\x00<", b"<\x00")):
        raise NeedsExactScan()
    declaration = _DECLARATION.match(head, 0, 1024)
    if declaration:
        encoding = _ENCODING.search(declaration.group(1))
        if encoding and encoding.group(1).strip().lower() != b"utf-8":
            raise NeedsExactScan()


def _plain_tags(a: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which tags a[start:end] end only at their last byte: one `>`, paired double quotes,
    no single quote (so no attribute value can contain the end)."""
    lengths = ends - starts
    owner = np.repeat(np.arange(len(starts)), lengths)
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    chars = a[np.repeat(starts, lengths) + offsets]
    count = len(starts)
    closing = np.bincount(owner, weights=chars == _GT, minlength=count)
    quotes = np.bincount(owner, weights=chars == _QUOTE, minlength=count)
    apostrophes = np.bincount(owner, weights=chars == _APOSTROPHE, minlength=count)
    return (closing == 1) & (quotes % 2 == 0) & (apostrophes == 0)


def _references(a: np.ndarray, starts: np.ndarray) -> tuple[int, int, int, int]:
    """(first row, last row, first column, last column), 1-based, of the references that
    start at a[starts] (after `<c r="`), or NeedsExactScan for one longer than 3 letters
    and 7 digits.

    Only the extremes are needed: each reference's digits, right-aligned on eight bytes
    padded with "0", compare as big-endian integers in the order of the numbers (leading
    zeros included); its letters right-aligned on four bytes padded with "@" (before "A"),
    in the order of the columns. A reference calamine refuses (a digit before a letter, a
    stray character) stops its whole read before it allocates anything: what we make of
    it does not matter.
    """
    # The 11 bytes after each `<c r="` (at most 3 letters, 7 digits, `"`): one item of 11
    # bytes at every offset of `a`, gathered then seen as rows of bytes. The same rows as
    # `sliding_window_view(a, 11)[starts]`, without its 40 µs of Python, and gathered at
    # less than half the cost of a two-dimensional window's rows.
    window = (np.ndarray((len(a) - _HEAD + 7,), dtype=f"V{_HEAD - 6}", buffer=a, strides=(1,))
              [starts].view(np.uint8).reshape(-1, _HEAD - 6))
    letters = (((window & 0xDF) - np.uint8(65)) < 26).argmin(axis=1)  # wraps below "A"
    quote = (window == _QUOTE).argmax(axis=1)  # 0 if none
    digits = quote - letters
    if not ((letters >= 1) & (letters <= 3) & (digits >= 1) & (digits <= 7)).all():
        raise NeedsExactScan()
    # Each key is the eight (four) bytes that end with the reference's last digit (letter),
    # read as one big-endian integer at any offset; the bytes before its first digit
    # (letter) are then replaced by the padding.
    words = np.ndarray((len(a) - 7,), dtype=">u8", buffer=a, strides=(1,))
    rows = (words[starts + quote - 8] & _LOW_BYTES[digits]) | _ROW_PADDING[digits]
    words = np.ndarray((len(a) - 3,), dtype=">u4", buffer=a, strides=(1,))
    columns = ((words[starts + letters - 4] & _LOW_BYTES[letters] & 0xDFDFDFDF)
               | _COLUMN_PADDING[letters])
    first, last = int(rows.min()).to_bytes(8, "big"), int(rows.max()).to_bytes(8, "big")
    if not (first.isdigit() and last.isdigit()):
        raise NeedsExactScan()  # a stray character: calamine refuses it, let expat say why
    left, right = (int(key).to_bytes(4, "big").lstrip(b"@")
                   for key in (columns.min(), columns.max()))
    return int(first), int(last), column_number(left), column_number(right)


# Indexed by a count of bytes n (0 to 8): the n low bytes of a word, and the padding
# that fills the others ("0" before digits, "@" before letters).
_LOW_BYTES = np.array([(1 << 8 * n) - 1 for n in range(9)], dtype=np.uint64)
_ROW_PADDING = np.array([int.from_bytes(b"0" * (8 - n) + bytes(n), "big") for n in range(9)],
                        dtype=np.uint64)
_COLUMN_PADDING = np.array([int.from_bytes(b"@" * (4 - n) + bytes(n), "big") if n <= 4 else 0
                            for n in range(9)], dtype=np.uint64)
# For `_scan_tiny`: the tests of `_check_prefixes` and of the string count in `_scan` (a
# name ends with one of the bytes of `_ends_name`).
_PREFIXED_CELL_OR_STRING = re.compile(rb":(?:c|si)[ \t\n\r>/]")
_SHARED_STRING = re.compile(rb"<si[ \t\n\r>/]")
# A cell in the common form, its tag up to the next `<`; or any other `<c` that the numpy
# path does not simply skip (followed by whitespace or by what `_ODD_AFTER_C` refuses).
_TINY_CELL = re.compile(rb'<c(?: r="([A-Za-z]{1,3})([0-9]{1,7})"([^<]*)(?=(</c>)?)|[ \t\n\r>/])')


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
