"""The raw reading layer: every format, every quirk, every hostile file, built in tmp_path.

Test codes (`rd0xx`) let `pytest -k rd012` run one story.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
import resource
import time
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.utils.datetime
import pytest
from openpyxl.chart import BarChart, Reference

from loaders import ods, ooxml
from loaders.limits import Limits
from loaders.messages import MESSAGES
from loaders.problems import Problem, UnreadableFile
from loaders.reading import RawWorkbook, read_workbook
from tests.files.builders import (RawEntry, deflate_repeated, deflated, ods_cell, ods_content,
                                  ods_document, ods_row, ods_table, ole2_document, parts_of,
                                  raw_zip, rezip)

SHEET_XML = "xl/worksheets/sheet1.xml"


def read(path, limits: Limits = Limits(), name: str | None = None) -> RawWorkbook:
    return read_workbook(path.read_bytes(), name or path.name, limits)


def unreadable(data: bytes, name: str, limits: Limits = Limits()) -> UnreadableFile:
    """The refusal of a hostile or broken file: fast, and one sentence in each language."""
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as caught:
        read_workbook(data, name, limits)
    assert time.perf_counter() - started < 2
    for lang in ("fr", "en"):
        sentence = caught.value.message(lang)
        assert name in sentence and "{" not in sentence and "Traceback" not in sentence
    return caught.value


def save(workbook: openpyxl.Workbook, path):
    workbook.save(path)
    return path


def plan_workbook(path, rows=None, title="Plan"):
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for row in rows or [["id", "action", "début"], ["A1", "Ouvrir les données", datetime.date(2026, 3, 15)]]:
        workbook.active.append(row)
    return save(workbook, path)


def patched(path, part: str, change) -> bytes:
    """The workbook's bytes with one part rewritten (a regex or a function on its bytes)."""
    parts = parts_of(path)
    parts[part] = change(parts[part])
    return rezip(parts)


# --- formats ------------------------------------------------------------------------------

def test_rd001_xlsx_values_positions_and_types(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet["B3"], sheet["C3"], sheet["D3"], sheet["E3"] = "action", "début", "budget", "fait"
    sheet["B4"], sheet["C4"], sheet["D4"], sheet["E4"] = "Ouvrir", datetime.date(2026, 3, 15), 1250, True
    result = read(save(workbook, tmp_path / "plan.xlsx"))
    assert result.kind == "xlsx" and result.date1904 is False and result.problems == []
    [plan] = result.sheets
    # calamine skips the empty rows and columns before the data: row 3, column B.
    assert (plan.name, plan.first_row, plan.first_column, plan.visible) == ("Plan", 3, 2, True)
    assert plan.rows == [["action", "début", "budget", "fait"],
                         ["Ouvrir", datetime.date(2026, 3, 15), 1250.0, True]]


def test_rd002_xlsm_is_read_and_nothing_runs(tmp_path):
    parts = parts_of(plan_workbook(tmp_path / "plan.xlsx"))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    parts["xl/vbaProject.bin"] = b"Attribute VB_Name = \"Module1\"\nSub Auto_Open()\nEnd Sub"
    result = read_workbook(rezip(parts), "plan.xlsm")
    assert result.kind == "xlsm"
    assert result.sheets[0].rows[1] == ["A1", "Ouvrir les données", datetime.date(2026, 3, 15)]


def test_rd003_ods_minimal_document(tmp_path):
    path = ods_document(tmp_path / "plan.ods", ods_table(
        "Plan",
        ods_row(ods_cell("id"), ods_cell("action"), ods_cell("fin")),
        ods_row(ods_cell("A1"), ods_cell("Ouvrir"), ods_cell("2026-03-15", kind="date")),
        ods_row(ods_cell(None, repeat=1024), repeat=1048000)))  # LibreOffice's empty tail
    result = read(path)
    assert result.kind == "ods" and result.problems == []
    assert result.sheets[0].rows == [["id", "action", "fin"],
                                     ["A1", "Ouvrir", datetime.date(2026, 3, 15)]]
    assert (result.sheets[0].first_row, result.sheets[0].first_column) == (1, 1)


def test_rd004_csv_from_french_excel_cp1252_semicolons_decimal_commas(tmp_path):
    text = "Plan de transformation;;\r\nid;intitulé;budget (k€)\r\nA1;Créer l'entrepôt;1,5\r\nA2;Élargir;2,25\r\n"
    path = tmp_path / "plan.csv"
    path.write_bytes(text.encode("cp1252"))
    result = read(path)
    assert result.kind == "csv" and result.problems == []
    [plan] = result.sheets
    assert (plan.name, plan.first_row, plan.first_column) == ("plan", 1, 1)
    assert plan.rows == [["Plan de transformation", "", ""],
                         ["id", "intitulé", "budget (k€)"],
                         ["A1", "Créer l'entrepôt", "1,5"],
                         ["A2", "Élargir", "2,25"]]


def test_rd005_csv_utf8_bom_commas(tmp_path):
    path = tmp_path / "jalons.csv"
    path.write_bytes("\ufeffid,jalon,date\nJ1,Élection,2026-03-15\n".encode("utf-8"))
    [sheet] = read(path).sheets
    assert sheet.rows == [["id", "jalon", "date"], ["J1", "Élection", "2026-03-15"]]


def test_rd006_csv_multiline_cell_rows_are_records_not_lines(tmp_path):
    path = tmp_path / "plan.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerows([["id", "description"], ["A1", "première ligne\r\ndeuxième ligne\r\ntroisième"],
                          ["A2", "court"]])
    [sheet] = read(path).sheets
    # Excel shows A2 on row 3, although it sits on line 5 of the file.
    assert sheet.rows[2] == ["A2", "court"]
    assert sheet.rows[1][1] == "première ligne\ndeuxième ligne\ntroisième"


def test_rd007_kind_comes_from_the_bytes_not_the_name(tmp_path):
    xlsx_bytes = plan_workbook(tmp_path / "plan.xlsx").read_bytes()
    assert read_workbook(xlsx_bytes, "plan.csv").kind == "xlsx"
    assert read_workbook(b"id;action\nA1;Ouvrir\n", "export.xlsx").kind == "csv"


# --- quirks -------------------------------------------------------------------------------

def test_rd010_xlsx_merged_cells_take_the_top_left_value(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["axe", "action"])
    sheet.append(["Axe 1", "A1"])
    sheet.append([None, "A2"])
    sheet.append([None, "A3"])
    sheet.append(["Axe 2", "A4"])
    sheet.merge_cells("A2:A4")
    sheet["A7"] = "Légende"
    sheet.merge_cells("A7:B7")
    rows = read(save(workbook, tmp_path / "plan.xlsx")).sheets[0].rows
    assert [row[0] for row in rows[1:5]] == ["Axe 1", "Axe 1", "Axe 1", "Axe 2"]
    assert rows[6] == ["Légende", "Légende"]
    assert rows[5] == ["", ""]


def test_rd011_ods_merged_cells_with_repeated_rows_before_them(tmp_path):
    path = ods_document(tmp_path / "plan.ods", ods_table(
        "Plan",
        ods_row(ods_cell(None, repeat=3), repeat=2),  # two empty rows: calamine starts at 3
        ods_row(ods_cell(None), ods_cell("axe"), ods_cell("action")),
        ods_row(ods_cell(None), ods_cell("Axe 1", rows_spanned=3), ods_cell("A1")),
        ods_row(ods_cell(None), ods_cell(covered=True), ods_cell("A2")),
        ods_row(ods_cell(None), ods_cell(covered=True), ods_cell("A3")),
        ods_row(ods_cell(None), ods_cell("Légende", columns_spanned=2), ods_cell(covered=True))))
    [plan] = read(path).sheets
    assert (plan.first_row, plan.first_column) == (3, 2)
    assert plan.rows == [["axe", "action"], ["Axe 1", "A1"], ["Axe 1", "A2"], ["Axe 1", "A3"],
                         ["Légende", "Légende"]]


def test_rd012_hidden_sheets_are_kept_and_marked(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Plan"
    workbook.active["A1"] = "x"
    for title, state in (("Listes", "hidden"), ("Technique", "veryHidden")):
        sheet = workbook.create_sheet(title)
        sheet.sheet_state = state
        sheet["A1"] = "y"
    sheets = read(save(workbook, tmp_path / "plan.xlsx")).sheets
    assert [(sheet.name, sheet.visible) for sheet in sheets] == [
        ("Plan", True), ("Listes", False), ("Technique", False)]
    ods = ods_document(tmp_path / "plan.ods", ods_table("Plan", ods_row(ods_cell("x"))),
                       ods_table("Listes", ods_row(ods_cell("y")), hidden=True))
    assert [(sheet.name, sheet.visible) for sheet in read(ods).sheets] == [
        ("Plan", True), ("Listes", False)]


def test_rd013_chart_sheets_are_skipped(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Plan"
    workbook.active.append([1])
    chart = BarChart()
    chart.add_data(Reference(workbook.active, min_col=1, min_row=1, max_row=1))
    workbook.create_chartsheet("Graphique").add_chart(chart)
    assert [sheet.name for sheet in read(save(workbook, tmp_path / "plan.xlsx")).sheets] == ["Plan"]


def test_rd014_formula_without_cached_value_is_reported_where_it_is(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["action", "début", "fin"])
    sheet.append(["A1", datetime.date(2026, 1, 1), "=B2+30"])  # openpyxl writes no value
    result = read(save(workbook, tmp_path / "plan.xlsx"))
    assert result.sheets[0].rows[1][2] == ""  # read like a blank cell…
    assert result.problems == [Problem("Plan", 2, "C", "formula_without_value", "warning", {})]
    assert result.problems[0].message() == (
        "Plan, ligne 2, colonne « C » : la cellule contient une formule sans valeur calculée : "
        "ouvrez et enregistrez le fichier dans Excel ou LibreOffice.")


def test_rd015_formulas_with_cached_values_are_not_reported(tmp_path):
    path = plan_workbook(tmp_path / "plan.xlsx", [["a", "b", "c"], [1, "x", "y"]])

    def as_excel_saves_them(xml: bytes) -> bytes:
        xml = re.sub(rb'<c r="B2"[^>]*>.*?</c>', b'<c r="B2"><f>A2*2</f><v>2</v></c>', xml)
        # Excel's cached "" for =SI(A2="";"";…): an empty value of type str.
        return re.sub(rb'<c r="C2"[^>]*>.*?</c>', b'<c r="C2" t="str"><f>IF(A2="","",A2)</f><v></v></c>', xml)

    result = read_workbook(patched(path, SHEET_XML, as_excel_saves_them), "plan.xlsx")
    assert result.problems == []
    assert result.sheets[0].rows[1] == [1.0, 2.0, ""]


def test_rd016_many_formulas_without_value_are_summed_up(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Plan"
    for row in range(1, 81):
        workbook.active.append(["x", f"=A{row}"])
    problems = read(save(workbook, tmp_path / "plan.xlsx")).problems
    assert len(problems) == 51
    assert problems[0] == Problem("Plan", 1, "B", "formula_without_value", "warning", {})
    assert problems[-1] == Problem("Plan", None, None, "formula_without_value_more", "warning",
                                   {"count": 30})
    assert problems[-1].message("en") == (
        "Plan: 30 more cells hold a formula without a computed value: open and save the file "
        "in Excel or LibreOffice.")


def test_rd017_ods_formula_without_value(tmp_path):
    path = ods_document(tmp_path / "plan.ods", ods_table(
        "Plan", ods_row(ods_cell("début"), ods_cell("fin")),
        ods_row(ods_cell("2026-01-01", kind="date"), ods_cell(None, formula="[.A2]+30"))))
    assert read(path).problems == [Problem("Plan", 2, "B", "formula_without_value", "warning", {})]


def test_rd018_1904_date_system(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    workbook.active.append([datetime.date(2026, 3, 15), datetime.datetime(2026, 3, 15, 12, 30), 45000])
    result = read(save(workbook, tmp_path / "mac.xlsx"))
    # calamine applies the 1904 system to date-formatted cells itself…
    assert result.sheets[0].rows == [[datetime.date(2026, 3, 15),
                                      datetime.datetime(2026, 3, 15, 12, 30), 45000.0]]
    # …and raw serials are flagged for whoever reads them as dates.
    assert result.date1904 is True


def test_rd019_lying_dimension_costs_nothing(tmp_path):
    path = plan_workbook(tmp_path / "plan.xlsx", [["a", 1], ["b", 2], ["c", 3]])
    data = patched(path, SHEET_XML, lambda xml: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    assert b"A1:XFD1048576" in parts_of_bytes(data)[SHEET_XML]
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = read_workbook(data, "plan.xlsx")
    assert time.perf_counter() - started < 0.5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory_before < 100_000  # KiB
    assert result.sheets[0].rows == [["a", 1.0], ["b", 2.0], ["c", 3.0]]


def parts_of_bytes(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_rd020_formatting_far_away_is_not_data(tmp_path):
    path = plan_workbook(tmp_path / "plan.xlsx", [["a", 1]])
    data = patched(path, SHEET_XML, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="900000"><c r="A900000" s="0"/><c r="Z900000" s="0"></c></row></sheetData>'))
    assert read_workbook(data, "plan.xlsx").sheets[0].rows == [["a", 1.0]]


def test_rd021_cells_without_reference_or_with_a_prefix_are_placed_like_calamine(tmp_path):
    path = plan_workbook(tmp_path / "plan.xlsx", [["a", 1], ["b", 2]])
    data = patched(path, SHEET_XML, lambda xml: re.sub(rb' r="[A-Z]+\d+"', b"", xml))
    assert read_workbook(data, "plan.xlsx").sheets[0].rows == [["a", 1.0], ["b", 2.0]]
    # The same far cell, hidden behind a namespace prefix: still seen, still refused.
    far = (b'<row r="1048576"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
           b' r="XFD1048576"><x:v>1</x:v></x:c></row></sheetData>')
    data = patched(path, SHEET_XML, lambda xml: xml.replace(b"</sheetData>", far))
    assert unreadable(data, "plan.xlsx").code == "sheet_too_many_rows"


def test_rd023_ods_with_comments_is_parsed_element_by_element(tmp_path):
    table = ods_table("Plan", ods_row(ods_cell("axe"), ods_cell("action")),
                      ods_row(ods_cell("Axe 1", rows_spanned=2), ods_cell("A1")),
                      ods_row(ods_cell(covered=True), ods_cell(None, formula="1+1")))
    plain = read(ods_document(tmp_path / "plain.ods", table))
    commented = ods_document(tmp_path / "commented.ods", content=ods_content(table).replace(
        b"<office:body>", b"<!-- generated by a script --><office:body>"))
    result = read(commented)
    assert [sheet.rows for sheet in result.sheets] == [sheet.rows for sheet in plain.sheets]
    assert result.problems == plain.problems == [
        Problem("Plan", 3, "B", "formula_without_value", "warning", {})]
    # A byte scan would end the row at the fake tag and miss the 16,000 repeated values.
    hidden = ods_table("Plan", ods_row(
        ods_cell("x"), "<!-- </table:table-row> -->", ods_cell("y", repeat=16_000)))
    path = ods_document(tmp_path / "hidden.ods", content=ods_content(hidden))
    assert unreadable(path.read_bytes(), "hidden.ods").code == "sheet_too_many_columns"


def test_rd024_xlsx_exact_path_locates_and_bounds_like_the_fast_path(tmp_path):
    path = plan_workbook(tmp_path / "plan.xlsx", [["a", 1], ["b", 2]])
    prefixed = (b'<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                b' r="3"><x:c r="B3"><x:f>A1</x:f></x:c></x:row></sheetData>')
    data = patched(path, SHEET_XML, lambda xml: xml.replace(b"</sheetData>", prefixed))
    assert read_workbook(data, "plan.xlsx").problems == [
        Problem("Plan", 3, "B", "formula_without_value", "warning", {})]
    # A cell without reference sits in its row, whatever a comment says.
    far = b'<row r="60000"><!-- <row r="1"> --><c t="n"><v>1</v></c></row></sheetData>'
    data = patched(path, SHEET_XML, lambda xml: xml.replace(b"</sheetData>", far))
    assert unreadable(data, "plan.xlsx").code == "sheet_too_many_rows"


def test_rd025_scans_do_not_depend_on_where_chunks_are_cut(tmp_path):
    # Zip parts arrive in chunks: every tag must be read whole wherever a chunk ends.
    content = ods_content(ods_table(
        "Plan", ods_row(ods_cell("x"), ods_cell(None, repeat=3), ods_cell(2.0)),
        ods_row(ods_cell("a")).replace("</table:table-row>", "</table:table-row" + " " * 70 + ">"),
        "<table:table-rows>" + ods_row(ods_cell("b")) + "</table:table-rows>",
        ods_row(ods_cell("y", rows_spanned=2), ods_cell(None, formula="1")),
        ods_row(ods_cell(covered=True), ods_cell("z", repeat=2))))
    xml = parts_of(plan_workbook(tmp_path / "plan.xlsx", [["a", "=1+1"], [None, None, 3]]))[SHEET_XML]
    ods_results, xlsx_results = set(), set()
    for size in range(1, 120):
        [table] = ods.scan_content(lambda: (content[i:i + size] for i in range(0, len(content), size)),
                                   "plan.ods", Limits())
        ods_results.add((table.min_row, table.max_row, table.min_column, table.max_column,
                         tuple(table.merges), tuple(table.formulas)))
        scanner = ooxml.SheetScanner("Plan", "plan.xlsx", Limits())
        for start in range(0, len(xml), size):
            scanner.feed(xml[start:start + size])
        scan = scanner.close()
        xlsx_results.add((scan.min_row, scan.max_row, scan.min_column, scan.max_column,
                          tuple(scan.formulas)))
    assert ods_results == {(0, 4, 0, 4, (((3, 0), (4, 0)),), ((4, 2),))}
    assert xlsx_results == {(1, 2, 1, 3, ((1, 2),))}


def test_rd022_long_text_is_cut_with_a_warning(tmp_path):
    path = plan_workbook(tmp_path / "plan.xlsx", [["id", "description"], ["A1", "x" * 40]])
    result = read(path, Limits(max_cell_chars=25))
    assert result.sheets[0].rows[1] == ["A1", "x" * 25]
    assert result.problems == [Problem("Plan", 2, "B", "cell_truncated", "warning",
                                       {"length": 40, "limit": 25})]
    csv_path = tmp_path / "plan.csv"
    csv_path.write_text("id;description\nA1;" + "y" * 40 + "\n", encoding="utf-8")
    result = read(csv_path, Limits(max_cell_chars=25))
    assert result.sheets[0].rows[1] == ["A1", "y" * 25]
    assert result.problems == [Problem("plan", 2, "B", "cell_truncated", "warning",
                                       {"length": 40, "limit": 25})]


# --- files that cannot be read ------------------------------------------------------------

def test_rd030_empty_file():
    assert unreadable(b"", "plan.xlsx").code == "file_empty"
    assert unreadable(b"\xef\xbb\xbf\r\n", "plan.csv").code == "file_empty"


def test_rd031_not_a_spreadsheet(tmp_path):
    pdf = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\n%%EOF"
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
    html = b"<html><body><table><tr><td>plan</td></tr></table></body></html>"
    for data in (pdf, png, html):
        assert unreadable(data, "plan.xlsx").code == "file_not_spreadsheet"
    document = rezip({"[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
                      "_rels/.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
                      "word/document.xml": b"<w:document/>"})
    assert unreadable(document, "plan.xlsx").code == "file_not_spreadsheet"
    assert unreadable(ole2_document("WordDocument"), "plan.doc").code == "file_not_spreadsheet"


def test_rd032_truncated_download(tmp_path):
    data = plan_workbook(tmp_path / "plan.xlsx").read_bytes()
    for size in (len(data) // 2, len(data) - 30):
        assert unreadable(data[:size], "plan.xlsx").code == "file_corrupt"


def test_rd033_password_protected_workbook():
    # Excel wraps an encrypted .xlsx in an OLE2 compound file.
    data = ole2_document("EncryptionInfo", "EncryptedPackage")
    error = unreadable(data, "plan.xlsx")
    assert error.code == "file_encrypted"
    assert "protégé par un mot de passe" in error.message("fr")


def test_rd034_old_xls_renamed():
    assert unreadable(ole2_document("Workbook"), "plan.xlsx").code == "file_old_xls"


def test_rd035_zip_bomb_of_spaces_under_lowered_limits(tmp_path):
    parts = parts_of(plan_workbook(tmp_path / "plan.xlsx"))
    parts[SHEET_XML] = parts[SHEET_XML].replace(b"<sheetData>", b"<sheetData>" + b" " * (8 << 20))
    data = rezip(parts)
    assert len(data) < 100_000
    # 8 MiB of spaces deflate ~1000:1: the ratio gives it away…
    assert unreadable(data, "plan.xlsx").code == "file_compression_suspicious"
    # …and so does the total, whatever the ratio.
    limits = Limits(max_uncompressed=4 << 20, max_ratio=10_000)
    assert unreadable(data, "plan.xlsx", limits).code == "file_too_large_uncompressed"


def _bomb_parts(tmp_path, declared_size=None):
    """An .xlsx whose sheet is 1 GiB of spaces (1 MB on disk), CRC and all: calamine would
    read it for seconds."""
    parts = parts_of(plan_workbook(tmp_path / "plan.xlsx"))
    head, tail = parts[SHEET_XML].split(b"<sheetData>")
    stream, size, crc = deflate_repeated(head + b"<sheetData>", b" ", 1024, tail)
    entries = [deflated(name, content) for name, content in parts.items() if name != SHEET_XML]
    entries.append(RawEntry(SHEET_XML, stream, declared_size or size, crc))
    return raw_zip(entries), size


def test_rd036_gigabyte_of_spaces_with_default_limits(tmp_path):
    data, size = _bomb_parts(tmp_path)
    assert size > 1 << 30 and len(data) < 2 << 20
    assert unreadable(data, "plan.xlsx").code == "file_too_large_uncompressed"


def test_rd037_gigabyte_of_spaces_declaring_a_small_size(tmp_path):
    # The central directory lies (100 kB): our own inflating stops at the declared size.
    data, _ = _bomb_parts(tmp_path, declared_size=100_000)
    assert unreadable(data, "plan.xlsx").code == "file_compression_suspicious"


def test_rd038_xml_bomb_in_shared_strings_or_content(tmp_path):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "hahahahahahahahahaha">'
              + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + n]), b"&%s;" % bytes([97 + n]) * 10)
                         for n in range(9)) + b"]>")
    parts = parts_of(plan_workbook(tmp_path / "plan.xlsx"))
    parts["xl/sharedStrings.xml"] = laughs + (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>&j;</t></si></sst>')
    assert unreadable(rezip(parts), "plan.xlsx").code == "file_xml_dtd"
    content = ods_content(ods_table("Plan", ods_row(ods_cell("&j;"))),
                          prolog=laughs.split(b"?>", 1)[1].decode())
    path = ods_document(tmp_path / "plan.ods", content=content)
    assert unreadable(path.read_bytes(), "plan.ods").code == "file_xml_dtd"


def test_rd039_too_many_rows_names_the_sheet_and_the_limit(tmp_path):
    rows = [["id", "action"]] + [[f"A{n}", "x"] for n in range(150)]
    path = plan_workbook(tmp_path / "plan.xlsx", rows, title="Feuille de route")
    error = unreadable(path.read_bytes(), "plan.xlsx", Limits(max_rows=100))
    assert (error.code, error.params["sheet"], error.params["limit"]) == (
        "sheet_too_many_rows", "Feuille de route", 100)
    assert error.message() == (
        "La feuille « Feuille de route » du fichier « plan.xlsx » dépasse la limite de 100 "
        "lignes : supprimez les lignes inutiles (ou déplacez-les dans un autre fichier) et "
        "enregistrez-le de nouveau.")
    csv_path = tmp_path / "plan.csv"
    csv_path.write_text("\n".join(";".join(row) for row in rows), encoding="utf-8")
    assert unreadable(csv_path.read_bytes(), "plan.csv", Limits(max_rows=100)).params["sheet"] == "plan"


def test_rd040_one_cell_far_below_the_data_with_default_limits(tmp_path):
    path = plan_workbook(tmp_path / "plan.xlsx", [["a", 1]])
    for far, code in ((b'<row r="50001"><c r="A50001" t="n"><v>1</v></c></row>', "sheet_too_many_rows"),
                      (b'<row r="2"><c r="ZZ2" t="n"><v>1</v></c></row>', "sheet_too_many_columns"),
                      (b'<row r="40000"><c r="CV40000" t="n"><v>1</v></c></row>', "sheet_too_many_cells"),
                      (b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>', "sheet_too_many_rows")):
        data = patched(path, SHEET_XML, lambda xml: xml.replace(b"</sheetData>", far + b"</sheetData>"))
        assert unreadable(data, "plan.xlsx").code == code


def test_rd049_numbers_too_long_for_python_are_refused_not_raised(tmp_path):
    path = plan_workbook(tmp_path / "plan.xlsx", [["a", 1]])
    digits = b"9" * 5000  # int() refuses more than 4,300 digits
    data = patched(path, SHEET_XML, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="2"><c r="A' + digits + b'" t="n"><v>1</v></c></row></sheetData>'))
    assert unreadable(data, "plan.xlsx").code == "sheet_too_many_rows"
    table = ods_table("Plan", ods_row(ods_cell("x")).replace(
        "<table:table-row>", f'<table:table-row table:number-rows-repeated="{"9" * 5000}">'))
    path = ods_document(tmp_path / "plan.ods", table)
    assert unreadable(path.read_bytes(), "plan.ods").code == "sheet_too_many_rows"


def test_rd041_ods_repetitions_are_bounded_before_calamine_expands_them(tmp_path):
    rows = ods_document(tmp_path / "rows.ods", ods_table(
        "Plan", ods_row(ods_cell("x"), repeat=1_000_000)))
    assert unreadable(rows.read_bytes(), "rows.ods").code == "sheet_too_many_rows"
    columns = ods_document(tmp_path / "columns.ods", ods_table(
        "Plan", ods_row(ods_cell("x", repeat=16384))))
    assert unreadable(columns.read_bytes(), "columns.ods").code == "sheet_too_many_columns"


def test_rd042_oversize_file():
    error = unreadable(b"id;action\n" + b"x" * (21 << 20), "plan.csv")
    assert (error.code, error.params["size_mb"], error.params["limit_mb"]) == ("file_too_large", 22, 20)


def test_rd043_too_many_parts(tmp_path):
    parts = parts_of(plan_workbook(tmp_path / "plan.xlsx"))
    parts.update({f"customXml/item{n}.xml": b"<a/>" for n in range(30)})
    assert unreadable(rezip(parts), "plan.xlsx", Limits(max_zip_entries=20)).code == "file_too_many_parts"


def test_rd044_two_parts_with_one_name(tmp_path):
    parts = parts_of(plan_workbook(tmp_path / "plan.xlsx"))
    entries = [deflated(name, content) for name, content in parts.items()]
    entries.append(deflated(SHEET_XML, parts[SHEET_XML]))
    assert unreadable(raw_zip(entries), "plan.xlsx").code == "file_corrupt"


def test_rd045_calamine_panic_becomes_a_sentence(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = datetime.date(2026, 3, 15)
    path = save(workbook, tmp_path / "plan.xlsx")
    # A date-formatted cell holding -1e20 makes chrono panic inside calamine.
    data = patched(path, SHEET_XML, lambda xml: re.sub(rb"<v>\d+</v>", b"<v>-1e20</v>", xml))
    assert unreadable(data, "plan.xlsx").code == "file_corrupt"


def test_rd050_ods_table_never_closed_would_hang_calamine(tmp_path):
    # calamine 0.9 loops forever on this 1 kB file: it must never reach calamine.
    content = ods_content(ods_table("Plan", ods_row(ods_cell("a"))))
    for broken in (content.replace(b"</table:table>", b"</table:lable>"),
                   content.replace(b"</table:table>", b""),
                   content.replace(b"</table:table-row></table:table>", b"")):
        path = ods_document(tmp_path / "plan.ods", content=broken)
        assert unreadable(path.read_bytes(), "plan.ods").code == "file_corrupt"
    path = ods_document(tmp_path / "plan.ods", content=content.replace(
        b"<office:body>", b"<!-- x --><office:body>").replace(b"</table:table>", b""))
    assert unreadable(path.read_bytes(), "plan.ods").code == "file_corrupt"


def test_rd051_broken_xml_is_refused_but_not_parts_calamine_never_parses(tmp_path):
    # A stray quote in a tag swallows the end of the table in calamine's lenient parser
    # (it then spins forever), while a byte scan would still see it: only well-formed XML
    # is let through.
    content = ods_content(ods_table("Plan", ods_row(ods_cell("a")), ods_row(ods_cell("b"))))
    broken = content.replace(b"<table:table-row><table:table-cell office:value-type=\"string\"><text:p>b",
                             b"<table:table-cf:=='row><table:table-cell office:value-type=\"string\"><text:p>b", 1)
    assert broken != content
    path = ods_document(tmp_path / "plan.ods", content=broken + b"<x y='>")
    assert unreadable(path.read_bytes(), "plan.ods").code == "file_corrupt"
    parts = parts_of(plan_workbook(tmp_path / "plan.xlsx"))
    sheet = parts[SHEET_XML]
    for bad in (sheet.replace(b"</sheetData>", b"</sheetDatum>"),
                b'<?xml version="1.0" encoding="UTr-8"?>' + sheet.split(b"?>", 1)[-1]):
        assert unreadable(rezip({**parts, SHEET_XML: bad}), "plan.xlsx").code == "file_corrupt"
    # Excel's VML drawings are not well-formed, and embedded objects are zips: not XML.
    parts["xl/drawings/vmlDrawing1.vml"] = b"<xml><v:shape><br></v:shape></xml>"
    parts["xl/embeddings/Document.docx"] = rezip({"word/document.xml": b"<w:document/>"})
    assert read_workbook(rezip(parts), "plan.xlsx").sheets[0].rows[0] == ["id", "action", "début"]


def test_rd052_parts_are_inflated_with_zlib_s_own_checks(tmp_path):
    # Parts are inflated by zlib-ng (faster): it must refuse exactly the streams zlib
    # refuses and give the same bytes otherwise (another fast inflater, ISA-L, accepts
    # some streams zlib calls corrupt).
    import random
    import zlib as std_zlib

    from loaders.container import CHUNK, _BrokenStream, _inflate

    def ours(raw: bytes, chunk: int) -> bytes | str:
        try:
            return b"".join(_inflate(memoryview(raw), zipfile.ZIP_DEFLATED, chunk))
        except _BrokenStream:
            return "refused"

    def zlib_s(raw: bytes, chunk: int) -> bytes | str:
        inflater, pieces = std_zlib.decompressobj(-std_zlib.MAX_WBITS), []
        try:
            pieces.append(inflater.decompress(raw, chunk))
            while not inflater.eof and (piece := inflater.decompress(
                    inflater.unconsumed_tail, chunk)):
                pieces.append(piece)
        except std_zlib.error:
            return "refused"
        return b"".join(pieces) if inflater.eof else "refused"

    sheet = parts_of(plan_workbook(tmp_path / "plan.xlsx"))[SHEET_XML] * 20
    rng = random.Random(52)
    outcomes = {"same bytes": 0, "refused": 0}
    for _ in range(400):
        compressor = std_zlib.compressobj(rng.randint(1, 9), std_zlib.DEFLATED, -15)
        raw = bytearray(compressor.compress(sheet[:rng.randint(1, len(sheet))]) + compressor.flush())
        if rng.random() < 0.3:
            raw = raw[:rng.randrange(len(raw))]  # a truncated download
        else:
            for _ in range(rng.randint(1, 4)):  # a damaged disk, or a crafted stream
                raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        chunk = rng.choice([7, 1024, 65536])
        result = ours(bytes(raw), chunk)
        assert result == zlib_s(bytes(raw), chunk)
        outcomes["refused" if result == "refused" else "same bytes"] += 1
    assert min(outcomes.values()) > 50, outcomes  # both kinds were met
    # A stream whose Huffman table zlib refuses (« invalid literal/lengths set ») and
    # ISA-L inflates into 32 bytes.
    crafted = bytes.fromhex("05c1310d00300800302b040324dc05511cd33f36bb5926c354dc8ee3a187da0f")
    assert ours(crafted, CHUNK) == zlib_s(crafted, CHUNK) == "refused"


def test_rd046_csv_quote_never_closed(tmp_path):
    data = 'id;action\nA1;"Ouvrir les données\nA2;Publier\n'.encode("utf-8")
    error = unreadable(data, "plan.csv")
    assert (error.code, error.params["line"]) == ("csv_unclosed_quote", 2)


def test_rd047_csv_too_many_columns():
    data = (";".join(f"c{n}" for n in range(30)) + "\n").encode()
    assert unreadable(data, "plan.csv", Limits(max_columns=20)).code == "sheet_too_many_columns"


def test_rd048_every_code_raised_has_its_sentences():
    folder = Path(ods.__file__).parent
    sources = "".join((folder / f"{module}.py").read_text(encoding="utf-8") for module in (
        "reading", "container", "ooxml", "ods", "csv_reader"))
    codes = set(re.findall(r'UnreadableFile\(\s*"(\w+)"', sources))
    codes |= set(re.findall(r'"(\w+)", "warning"', sources))
    assert len(codes) > 15
    for code in codes:
        assert set(MESSAGES[code]) == {"fr", "en"}, code


def test_rd023_only_text_counts_as_long(tmp_path):
    # The length check reads every value's length at once: numbers, booleans, dates,
    # times and durations have none, and text exactly at the limit is kept whole.
    from loaders.reading import _truncate_long_text
    rows = [[1.5, 7, True, datetime.date(2026, 1, 2), datetime.datetime(2026, 1, 2, 3, 4),
             datetime.time(5, 6), datetime.timedelta(days=400), "x" * 25]]
    assert _truncate_long_text("Plan", rows, 4, 2, Limits(max_cell_chars=25)) == []
    assert rows[0][-1] == "x" * 25
    rows[0].append("é" * 26)
    assert _truncate_long_text("Plan", rows, 4, 2, Limits(max_cell_chars=25)) == [
        Problem("Plan", 4, "J", "cell_truncated", "warning", {"length": 26, "limit": 25})]
    assert rows[0][-1] == "é" * 25


# --- gaps closed after the audit of issue 3 -----------------------------------------------

def test_rd053_csv_cell_longer_than_the_csv_modules_own_limit_is_cut_like_xlsx(tmp_path):
    # 131,072 characters is the csv module's default field limit: a closed cell longer than
    # that is a long cell, cut with the same warning as in .xlsx, not an unclosed quote.
    path = tmp_path / "plan.csv"
    path.write_text('id;description;note\nA1;"' + "x" * 140_000 + '";ok\n'
                    "A2;" + "y" * 40_000 + ";court\n", encoding="utf-8")
    result = read(path)
    limit = Limits().max_cell_chars
    assert result.sheets[0].rows == [["id", "description", "note"],
                                     ["A1", "x" * limit, "ok"], ["A2", "y" * limit, "court"]]
    assert result.problems == [
        Problem("plan", 2, "B", "cell_truncated", "warning", {"length": 140_000, "limit": limit}),
        Problem("plan", 3, "B", "cell_truncated", "warning", {"length": 40_000, "limit": limit})]


def test_rd054_csv_quote_never_closed_over_a_long_file(tmp_path):
    tail = "".join(f"A{n};Action {n} " + "z" * 100 + "\n" for n in range(3, 2_000))
    data = ('id;action\nA1;Ouvrir\nA2;"Publier les données\n' + tail).encode("utf-8")
    assert len(data) > 200_000  # far past the csv module's default field limit
    error = unreadable(data, "plan.csv")
    assert (error.code, error.params["line"]) == ("csv_unclosed_quote", 3)
    # The same after a `"abc"def` cell, which only lenient parsing reads (as Excel does).
    lenient = ('id;action\nA1;"Ouvrir"   les données\nA2;"Publier\n' + tail).encode("utf-8")
    error = unreadable(lenient, "plan.csv")
    assert (error.code, error.params["line"]) == ("csv_unclosed_quote", 3)
    closed = 'id;action\nA1;"Ouvrir"   les données\nA2;"Publier\nles données"\n'.encode()
    assert read_workbook(closed, "plan.csv").sheets[0].rows == [
        ["id", "action"], ["A1", "Ouvrir   les données"], ["A2", "Publier\nles données"]]


_ENCRYPTED_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="5120">
  <manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="3Tq8UIeu6TQu0hZ6wP1gFhH0Zb9b0q3wVmFJt5K6m1A=">
   <manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="vS8u5Cz1Q3nTqkHkWw4cHg=="/>
   <manifest:start-key-generation manifest:start-key-generation-name="http://www.w3.org/2000/09/xmldsig#sha256" manifest:key-size="32"/>
   <manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" manifest:iteration-count="100000" manifest:salt="7wUw1hEwJtV0lqQm0tq3bA=="/>
  </manifest:encryption-data>
 </manifest:file-entry>
</manifest:manifest>"""


def test_rd055_password_protected_ods_is_encrypted_not_damaged(tmp_path):
    import random
    noise = random.Random(55).randbytes(5_000)  # AES output: no XML at all
    path = tmp_path / "protege.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ENCRYPTED_MANIFEST,
                         compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", noise, compress_type=zipfile.ZIP_DEFLATED)
    assert unreadable(path.read_bytes(), "protege.ods").code == "file_encrypted"
    # Newer LibreOffice encrypts the whole document into one part: no content.xml at all.
    whole = rezip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                   "META-INF/manifest.xml": _ENCRYPTED_MANIFEST.replace(
                       'full-path="content.xml"', 'full-path="encrypted-package"').encode(),
                   "encrypted-package": noise})
    assert unreadable(whole, "protege.ods").code == "file_encrypted"
    # The same binary content.xml without encryption data in the manifest is damage.
    plain = ods_document(tmp_path / "abime.ods", content=noise)
    assert unreadable(plain.read_bytes(), "abime.ods").code == "file_corrupt"
    # And an ordinary .ods still loads.
    ordinary = read(ods_document(tmp_path / "plan.ods", ods_table(
        "Plan", ods_row(ods_cell("id"), ods_cell("action")), ods_row(ods_cell("A1"),
                                                                      ods_cell("Ouvrir")))))
    assert [sheet.rows for sheet in ordinary.sheets] == [[["id", "action"], ["A1", "Ouvrir"]]]


def test_rd056_load_path_refuses_a_huge_file_from_its_size_unread(tmp_path):
    import tracemalloc

    from loaders import load_path
    path = tmp_path / "enorme.xlsx"
    with path.open("wb") as file:
        file.truncate(30 * 1024 * 1024)  # sparse: 30 MB declared, nothing on disk
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile) as caught:
            load_path(path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "file_too_large"
    assert caught.value.params == {"name": "enorme.xlsx", "size_mb": 30, "limit_mb": 20}
    assert peak < 1024 * 1024  # reading it would have allocated its 30 MB
    # Under a larger limit the size passes and the (empty) content is what gets refused.
    with pytest.raises(UnreadableFile) as caught:
        load_path(path, Limits(max_bytes=40 * 1024 * 1024))
    assert caught.value.code != "file_too_large"
