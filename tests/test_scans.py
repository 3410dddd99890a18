"""The byte scan of worksheets and shared strings that bounds a workbook before calamine.

Worksheets and shared strings are not checked by expat (it cost as much as calamine's whole
read): their numpy scan must see every non-empty cell calamine will place, refuse DTDs, and
send anything unusual to the exact, element-by-element path. Test codes `sc0xx`.
"""
from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from loaders import ooxml
from loaders.limits import Limits
from loaders.problems import UnreadableFile
from loaders.reading import read_workbook
from tests.files.builders import parts_of, rezip

ROOT = Path(__file__).resolve().parents[1]
SHEET_XML = "xl/worksheets/sheet1.xml"
HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"


def scan(body: bytes, limits: Limits = Limits(), chunk: int = 1 << 16) -> ooxml.SheetScan:
    """The fast path's scan of a sheet whose sheetData holds `body`."""
    xml = HEAD + body + TAIL
    scanner = ooxml.SheetScanner("Plan", "plan.xlsx", limits, trusted_xml=True)
    for start in range(0, len(xml), chunk):
        scanner.feed(xml[start:start + chunk])
    return scanner.close()


def exact(body: bytes, limits: Limits = Limits()) -> ooxml.SheetScan:
    return ooxml.scan_sheet_exactly([HEAD + body + TAIL], "Plan", "plan.xlsx", limits)


def bounds(result: ooxml.SheetScan) -> tuple[int, int, int, int]:
    return result.min_row, result.max_row, result.min_column, result.max_column


def workbook_with(tmp_path, body: bytes) -> bytes:
    """A real .xlsx (one cell, A1) with `body` added at the end of its sheetData."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Plan"
    workbook.active.append(["a"])
    workbook.save(tmp_path / "plan.xlsx")
    parts = parts_of(tmp_path / "plan.xlsx")
    parts[SHEET_XML] = parts[SHEET_XML].replace(b"</sheetData>", body + b"</sheetData>")
    return rezip(parts)


def test_sc001_a_slash_in_an_attribute_does_not_hide_a_far_cell(tmp_path):
    # Both forms were missed by the former regular expression, and calamine then asked for
    # 512 GiB for the rectangle and aborted the process.
    for far in (b'<row r="1048576"><c r="XFD1048576" foo="/"><v>1</v></c></row>',
                b'<row r="1048576"><c r="XFD1048576" x="/>"><v>1</v></c></row>'):
        with pytest.raises(UnreadableFile) as caught:
            scan(b'<row r="1"><c r="A1"><v>1</v></c></row>' + far)
        assert caught.value.code == "sheet_too_many_rows"
        with pytest.raises(UnreadableFile) as caught:
            read_workbook(workbook_with(tmp_path, far), "plan.xlsx")
        assert caught.value.code == "sheet_too_many_rows"


def test_sc002_only_provably_empty_cells_are_left_out():
    limits = Limits(max_rows=10**7, max_columns=20_000, max_cells=10**12)
    # Formatting only, self-closed or closed at once: calamine leaves them out, so do we.
    assert bounds(scan(b'<row r="2"><c r="B2"><v>1</v></c><c r="Z9" s="1"/>'
                       b'<c r="Y8" s="1"></c></row>', limits)) == (2, 2, 2, 2)
    # A `>` or a quote that could hide where the tag ends: counted, whatever it holds.
    assert bounds(scan(b'<row r="2"><c r="B2"><v>1</v></c><c r="D4" x="a>b"/></row>',
                       limits)) == (2, 4, 2, 4)
    assert bounds(scan(b"<row r=\"2\"><c r=\"B2\"><v>1</v></c><c r=\"E5\" x='1'/></row>",
                       limits)) == (2, 5, 2, 5)
    # Text directly in the cell is not a value for calamine, but a byte scan cannot tell.
    assert bounds(scan(b'<row r="2"><c r="B2"><v>1</v></c><c r="F6"> </c></row>',
                       limits)) == (2, 6, 2, 6)


def test_sc003_references_in_every_form_calamine_reads():
    limits = Limits(max_rows=10**7, max_columns=20_000, max_cells=10**12)
    cells = b"".join(b'<c r="%s"><v>1</v></c>' % reference for reference in (
        b"b20", b"XFD21", b"AA0000019", b"Z99"))
    assert bounds(scan(cells, limits)) == bounds(exact(cells, limits)) == (19, 99, 2, 16384)
    # More digits is not a larger number when some are leading zeros.
    cells = b'<c r="A0000001"><v>1</v></c><c r="A999999"><v>1</v></c>'
    assert bounds(scan(cells, limits)) == (1, 999999, 1, 1)


@pytest.mark.parametrize("reference, code", [(b"AAAA1", "sheet_too_many_columns"),
                                             (b"A00000070000", "sheet_too_many_rows"),
                                             (b"A" + b"9" * 5000, "sheet_too_many_rows")])
def test_sc004_longer_references_are_placed_exactly(tmp_path, reference, code):
    cell = b'<row r="2"><c r="%s"><v>1</v></c></row>' % reference
    with pytest.raises(ooxml.NeedsExactScan):
        scan(cell)
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(workbook_with(tmp_path, cell), "plan.xlsx")
    assert caught.value.code == code


def test_sc005_encodings_expat_must_judge_take_the_exact_path(tmp_path):
    for prolog in (b'<?xml version="1.0" encoding="ISO-8859-1"?>', b"\xff\xfe", b"\xfe\xff",
                   b'<?xml version="1.0" encoding="UTr-8"?>'):
        scanner = ooxml.SheetScanner("Plan", "plan.xlsx", Limits(), trusted_xml=True)
        scanner.feed(prolog + HEAD + TAIL)
        with pytest.raises(ooxml.NeedsExactScan):
            scanner.close()
    for prolog in (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
                   b"\xef\xbb\xbf", b""):
        scanner = ooxml.SheetScanner("Plan", "plan.xlsx", Limits(), trusted_xml=True)
        scanner.feed(prolog + HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row>' + TAIL)
        assert bounds(scanner.close()) == (1, 1, 1, 1)
    # Declared Latin-1: bounded by the exact path, then read by calamine (which reads bytes
    # as UTF-8: ASCII text is read, an accent refused as a damaged file).
    parts = parts_of(_saved(tmp_path))
    for text, outcome in ((b"resume", [["resume"]]), (b"r\xe9sum\xe9", "file_corrupt")):
        parts[SHEET_XML] = (b'<?xml version="1.0" encoding="ISO-8859-1"?>' + HEAD
                            + b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + text
                            + b"</t></is></c></row>" + TAIL)
        try:
            result = read_workbook(rezip(parts), "plan.xlsx").sheets[0].rows
        except UnreadableFile as error:
            result = error.code
        assert result == outcome


def test_sc006_dtd_in_a_sheet_is_refused_without_expat(tmp_path):
    for prolog in (b'<!DOCTYPE worksheet [<!ENTITY a "b">]>', b"<!doctype worksheet>"):
        parts = parts_of(_saved(tmp_path))
        parts[SHEET_XML] = prolog + parts[SHEET_XML]
        with pytest.raises(UnreadableFile) as caught:
            read_workbook(rezip(parts), "plan.xlsx")
        assert caught.value.code == "file_xml_dtd"
    # Comments and CDATA are harmless: read as usual.
    parts = parts_of(_saved(tmp_path))
    parts[SHEET_XML] = parts[SHEET_XML].replace(b"<sheetData>", b"<!-- x --><sheetData>")
    assert read_workbook(rezip(parts), "plan.xlsx").sheets[0].rows == [["a"]]


def _saved(tmp_path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.append(["a"])
    workbook.save(tmp_path / "plan.xlsx")
    return tmp_path / "plan.xlsx"


@pytest.mark.parametrize("tag", ["si", "x:si"])
def test_sc007_shared_strings_are_counted_with_or_without_a_prefix(tmp_path, tag):
    parts = parts_of(_saved(tmp_path))
    items = "".join(f"<{tag}><x:t>s{n}</x:t></{tag}>" if ":" in tag else f"<si><t>s{n}</t></si>"
                    for n in range(30))
    parts["xl/sharedStrings.xml"] = (
        '<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{items}</x:sst>").encode()
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(rezip(parts), "plan.xlsx", Limits(max_cells=20))
    assert caught.value.code == "file_too_many_cells"


def test_sc008_scan_of_large_sheets_matches_the_exact_parse_wherever_chunks_end():
    # Several segments of a megabyte: cells cut anywhere must be placed once, with their
    # formulas, their empty neighbours, and one far cell in the middle.
    rng = random.Random(3)
    rows = []
    for row in range(1, 30000):
        cells = [b'<c r="A%d" t="inlineStr"><is><t>%s</t></is></c>' % (row, b"x" * rng.randrange(80))]
        if row % 97 == 0:
            cells.append(b'<c r="C%d"><f>A1</f></c>' % row)
        if row % 13 == 0:
            cells.append(b'<c r="ZZZ%d" s="2"/>' % row)
        if row == 14500:
            cells.append(b'<c r="RZ%d"><v>3</v></c>' % (row - 14000))
        rows.append(b'<row r="%d">%s</row>' % (row, b"".join(cells)))
    body = b"".join(rows)
    assert len(body) > 3 << 20
    limits = Limits(max_cells=10**8)
    expected = exact(body, limits)
    assert bounds(expected) == (1, 29999, 1, 494) and expected.formula_count == 309
    for chunk in (1 << 20, (1 << 20) + 7, 65_536, 3_000_001):
        result = scan(body, limits, chunk=chunk)
        assert bounds(result) == bounds(expected)
        assert (result.formulas, result.formula_count) == (expected.formulas, expected.formula_count)


_FUZZ = textwrap.dedent("""
    import random, sys
    sys.path.insert(0, {root!r})
    from tests.files.builders import rezip
    from loaders.reading import read_workbook
    from loaders.problems import UnreadableFile
    import pickle
    parts = pickle.loads(bytes.fromhex(sys.argv[1]))
    rng = random.Random(2026)
    inserts = [b'"', b"'", b"<", b">", b"<!--", b"<![CDATA[", b"</", b"/>", b"&", b"]]>",
               b'<c r="A1">', b"<row>", b"</row>", b"<v>", b"<is><t>", b"<si>", b"</sst>"]
    outcomes = set()
    for case in range({cases}):
        part = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")[case % 2]
        xml = parts[part]
        at = rng.randrange(len(xml) + 1)
        kind = case % 4
        if kind == 0:
            xml = xml[:at]
        elif kind == 1:
            xml = xml[:at] + xml[at + rng.randrange(1, 30):]
        else:
            for _ in range(kind):
                at = rng.randrange(len(xml) + 1)
                xml = xml[:at] + rng.choice(inserts) + xml[at:]
        try:
            read_workbook(rezip(dict(parts, **{{part: xml}})), "plan.xlsx")
            outcomes.add("read")
        except UnreadableFile as error:
            outcomes.add(error.code)
    print(sorted(outcomes))
""")


def test_sc009_broken_sheets_and_shared_strings_never_hang_calamine(tmp_path):
    # Without expat, calamine meets broken XML in these parts: its .xlsx reader must end
    # on every one (a refusal or rows), never spin. A separate process, so a hang fails
    # the test instead of blocking the suite.
    import pickle
    parts = parts_of(_saved(tmp_path))
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org'
        b'/spreadsheetml/2006/main"><si><t>un</t></si><si><r><t>deux</t></r><r><t> trois</t>'
        b'</r></si></sst>')
    parts[SHEET_XML] = parts[SHEET_XML].replace(
        b"</sheetData>", b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>'
                         b'<c r="C2"><f>A1</f><v></v></c></row></sheetData>')
    script = _FUZZ.format(root=str(ROOT), cases=1500)
    done = subprocess.run([sys.executable, "-c", script, pickle.dumps(parts).hex()],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    outcomes = eval(done.stdout)  # noqa: S307 - our own child's list of codes
    assert "read" in outcomes and "file_corrupt" in outcomes


def _extremes_by_keys(references: list[bytes]) -> tuple[bytes, bytes, bytes, bytes]:
    """The rule of `ooxml._references`, one reference at a time: digits right-aligned on
    eight bytes padded with "0", letters (upper-cased) on four padded with "@"."""
    rows, columns = [], []
    for reference in references:
        letters = len(reference) - len(reference.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                        b"abcdefghijklmnopqrstuvwxyz"))
        rows.append(reference[letters:].rjust(8, b"0"))
        columns.append(reference[:letters].upper().rjust(4, b"@"))
    return min(rows), max(rows), min(columns), max(columns)


def test_sc010_references_of_every_shape_compared_as_numbers_in_one_pass():
    # Keys of every reference shape at once (1 to 3 letters, 1 to 7 digits, leading zeros,
    # lower case), against the rule applied one reference at a time and the exact parse.
    rng = random.Random(10)
    limits = Limits(max_rows=10**8, max_columns=20_000, max_cells=10**15)
    for _ in range(40):
        references = []
        for _ in range(rng.randrange(1, 60)):
            letters = "".join(rng.choice("ABCXYZabz") for _ in range(rng.randrange(1, 4)))
            digits = str(rng.randrange(1, 10 ** rng.randrange(1, 8)))
            digits = digits.zfill(min(7, len(digits) + rng.randrange(0, 3)))
            references.append(f"{letters}{digits}".encode())
        body = b"".join(b'<c r="%s"><v>1</v></c>' % reference for reference in references)
        first, last, left, right = _extremes_by_keys(references)
        expected = (int(first), int(last), ooxml.column_number(left.lstrip(b"@")),
                    ooxml.column_number(right.lstrip(b"@")))
        assert bounds(scan(body, limits)) == expected == bounds(exact(body, limits))
    # A stray character inside a reference: the rule's extremes, or the exact path when
    # one of them is not a number (calamine refuses such a reference anyway).
    references = [b"B500", b"C1/2", b"A7"]
    body = b"".join(b'<c r="%s"><v>1</v></c>' % reference for reference in references)
    assert bounds(scan(body, limits)) == (7, 500, 1, 3)
    with pytest.raises(ooxml.NeedsExactScan):
        scan(body + b'<c r="D1000:"><v>1</v></c>', limits)


def test_sc011_small_parts_without_any_tag_of_interest_skip_the_scan():
    def scan_part(xml: bytes, trusted: bool = False) -> ooxml.SheetScan:
        scanner = ooxml.SheetScanner("part.xml", "plan.xlsx", Limits(), trusted_xml=trusted)
        scanner.feed(xml)
        return scanner.close()

    relations = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                 b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                 b'Target="xl/workbook.xml"/></Relationships>')
    assert bounds(scan_part(relations)) == (0, 0, 0, 0)
    # Each of the pairs the scan reacts to still reaches it, in a small part too.
    with pytest.raises(UnreadableFile) as caught:
        scan_part(relations.replace(b"<Relationships", b'<!DOCTYPE r [<!ENTITY e "e">]><Relationships'))
    assert caught.value.code == "file_xml_dtd"
    assert bounds(scan_part(relations + b'<c r="C3"><v>1</v></c>')) == (3, 3, 3, 3)
    assert scan_part(relations + b"<si><t>a</t></si>").strings == 1
    assert scan_part(relations + b'<c r="B2"><f>A1</f></c>').formulas == [(2, 2)]
    for prefixed in (b'<x:c r="A1"><x:v>1</x:v></x:c>', b"<x:si><x:t>a</x:t></x:si>"):
        with pytest.raises(ooxml.NeedsExactScan):
            scan_part(relations + prefixed)
    for odd in (b"<c><v>1</v></c>", b'<c\tr="A1"><v>1</v></c>', b'<x:c\nr="A1"/>'):
        with pytest.raises(ooxml.NeedsExactScan):
            scan_part(relations + odd)
    # A trusted part declared in another encoding still goes to expat.
    with pytest.raises(ooxml.NeedsExactScan):
        scan_part(relations.replace(b"UTF-8", b"ISO-8859-1"), trusted=True)


def test_sc013_names_that_only_begin_like_a_cell_skip_the_scan(monkeypatch):
    # A theme, the styles, the workbook part: `<a:clrScheme>`, `<cellXfs>`, `<fonts>`,
    # `<calcPr>` are not cells, shared strings or formulas, so neither numpy nor the
    # Python scan of tiny parts is even called.
    def no_numpy(*args, **kwargs):
        raise AssertionError("scanned")

    monkeypatch.setattr(ooxml.np, "frombuffer", no_numpy)
    monkeypatch.setattr(ooxml.SheetScanner, "_scan_tiny", no_numpy)
    part = (b'<?xml version="1.0" encoding="UTF-8"?><a:theme xmlns:a="x"><a:clrScheme name="O">'
            b'<a:srgbClr val="1"/></a:clrScheme><fonts count="1"><font/></fonts><cellXfs/>'
            b'<calcPr calcId="1"/><sheetFormatPr/></a:theme>')
    scanner = ooxml.SheetScanner("theme1.xml", "plan.xlsx", Limits())
    scanner.feed(part)
    assert bounds(scanner.close()) == (0, 0, 0, 0)
    for mark in (b'<c r="A1"/>', b"<si>", b"<f>", b"<!-- -->", b"<x:c/>", b"<x:si>", b"<x:f>"):
        scanner = ooxml.SheetScanner("theme1.xml", "plan.xlsx", Limits())
        scanner.feed(part + mark)
        with pytest.raises(AssertionError, match="scanned"):
            scanner.close()


def test_sc012_a_worksheet_in_a_part_named_like_an_image_is_bounded_too(tmp_path):
    # calamine reads a worksheet from whatever part the workbook names: a far cell in
    # `sheet1.bin` (an extension never parsed as XML) made it allocate 512 GiB and abort
    # the whole process. In a child process, so such an abort fails this test only.
    parts = parts_of(_saved(tmp_path))
    sheet = parts.pop(SHEET_XML).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    parts["xl/worksheets/sheet1.bin"] = sheet
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"worksheets/sheet1.xml", b"worksheets/sheet1.bin")
    parts["xl/media/image1.png"] = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # measured only
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, {root!r})
        from loaders.reading import read_workbook
        from loaders.problems import UnreadableFile
        try:
            read_workbook(bytes.fromhex(sys.argv[1]), "plan.xlsx")
            print("read")
        except UnreadableFile as error:
            print(error.code)
    """).format(root=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script, rezip(parts).hex()],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert (done.returncode, done.stdout.strip()) == (0, "sheet_too_many_rows"), done.stderr[-500:]
    # The same part without the far cell is an ordinary sheet, read as such.
    parts["xl/worksheets/sheet1.bin"] = sheet.replace(
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', b"")
    assert read_workbook(rezip(parts), "plan.xlsx").sheets[0].rows == [["a"]]


_TINY_PIECES = [
    b'<c r="B2"><v>1</v></c>', b'<c r="b12" t="s"><v>0</v></c>', b'<c r="AA007"/>',
    b'<c r="C3" s="1"></c>', b'<c r="D4" x="/>"/>', b"<c r=\"D5\" x='1'/>", b'<c r="D6" x="/>',
    b'<c r="D7" x="></c>',
    b'<c r="E5" t="inlineStr"><is><t>x</t></is></c>', b'<c r="F6"><f>A1</f></c>',
    b'<c r="G7"><f>1</f><v></v></c>', b'<c r="H8" t="str"><f>1</f><v/></c>',
    b'<c r="XFD1048576"><v>1</v></c>', b'<c r="ZZ9" s="2" />', b'<c r="Q3">',
    b'<col min="1" max="2"/>', b'<cfRule type="x"/>', b"<si><t>a</t></si>", b"<si/>",
    b'<c r="ABCD1"/>', b'<c r="A12345678"><v>1</v></c>', b'<c s="1" r="A1"/>',
    b'<c\tr="A1"/>', b"<c>", b"<c/>", b'<x:c r="A1"/>', b"<x:si>", b"<x:f>A1</x:f>",
    b'<!-- <c r="Z9"> -->', b'<![CDATA[<c r="Q1">]]>', b"<c r='A1'/>", b'<c r="A1:"/>',
    b'<c r="1A"><v>1</v></c>', b'<c r="A1"', b"</c>", b"<row>", b"</row>",
]


def test_sc014_tiny_parts_scanned_in_python_as_the_numpy_path_scans_them(monkeypatch):
    # `_scan_tiny` must give what `_scan`'s numpy path gives on the same part (bounds,
    # strings, formulas, or the same exception), on parts in the common form and on
    # mutated ones; it may hand a part over, never read it otherwise.
    def outcome(xml: bytes, limits: Limits, tiny: int):
        monkeypatch.setattr(ooxml, "_TINY", tiny)
        scanner = ooxml.SheetScanner("Plan", "plan.xlsx", limits, trusted_xml=True)
        scanner.feed(xml)
        try:
            result = scanner.close()
        except UnreadableFile as error:
            return "refused", error.code
        except ooxml.NeedsExactScan:
            return ("exact",)
        return bounds(result), result.strings, result.formulas, result.formula_count

    tiny = ooxml._TINY
    taken = []
    scan_tiny = ooxml.SheetScanner._scan_tiny
    monkeypatch.setattr(ooxml.SheetScanner, "_scan_tiny",
                        lambda self, buffer: taken.append(scan_tiny(self, buffer)) or taken[-1])
    rng = random.Random(14)
    inserts = [b'"', b"'", b"<", b">", b"/>", b"<!DOCTYPE", b"</", b":", b" ", b"\t"]
    seen = []
    for case in range(3000):
        kinds = _TINY_PIECES[:18] if case % 3 else _TINY_PIECES  # the common form, or any
        pieces = rng.choices(kinds, k=rng.randrange(1, 40))
        xml = HEAD + b"".join(pieces) + TAIL
        for _ in range(case % 4 == 3):
            at = rng.randrange(len(xml) + 1)
            xml = xml[:at] + rng.choice(inserts) + xml[at:]
        limits = Limits(max_rows=rng.choice([50, 10**7]), max_columns=rng.choice([30, 20_000]))
        assert len(xml) <= tiny
        expected = outcome(xml, limits, 0)
        assert outcome(xml, limits, tiny) == expected, xml
        seen.append(expected[0] if isinstance(expected[0], str) else "read")
    assert min(seen.count(kind) for kind in ("read", "refused", "exact")) > 300
    assert taken.count(True) > 500 and taken.count(False) > 200  # read here, handed over


@pytest.mark.parametrize("part", ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                                  "xl/_rels/workbook.xml.rels"])
def test_sc015_structural_parts_are_scanned_from_the_bytes_the_layout_read(tmp_path, monkeypatch,
                                                                          part):
    # The layout's parts are decompressed and checked once, then scanned from those bytes
    # (calamine resolves paths itself: a worksheet may be any of them). Cells far apart in
    # one, plain or prefixed (the exact path), are refused as in any other part.
    from loaders.container import ZipPackage

    streamed = []
    stream = ZipPackage.stream
    monkeypatch.setattr(ZipPackage, "stream",
                        lambda self, name, *args, **kwargs: streamed.append(name)
                        or stream(self, name, *args, **kwargs))
    parts = parts_of(_saved(tmp_path))
    assert read_workbook(rezip(parts), "plan.xlsx").sheets[0].rows == [["a"]]
    assert streamed.count(part) == 1
    root_end = parts[part].rindex(b"</")
    far = {b'<c r="A1"><v>1</v></c><c r="A1048576"><v>1</v></c>',
           b'<c r="A1"><v>1</v></c><x:c xmlns:x="urn:x" r="A1048576"><x:v>1</x:v></x:c>'}
    for cells in far:
        hostile = dict(parts, **{part: parts[part][:root_end] + cells + parts[part][root_end:]})
        streamed.clear()
        with pytest.raises(UnreadableFile) as caught:
            read_workbook(rezip(hostile), "plan.xlsx")
        assert caught.value.code == "sheet_too_many_rows"
        assert streamed.count(part) == 1
