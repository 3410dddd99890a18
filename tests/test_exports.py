"""Exports: open the files people download (openpyxl, python-pptx, pypdf) and check what
they hold: the filtered view, formula-looking text kept as text, the stated version and
status date. Browser-backed exports (Kaleido images, the deck's picture, the PDF) are
marked `browser`: they drive Debian's Chromium."""
from __future__ import annotations

import io
import os
import re
import threading
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import dash
import openpyxl
import pytest
import requests
from dash import html
from pptx import Presentation
from pypdf import PdfReader
from werkzeug.serving import make_server

from app import create_app
from components.export_buttons import export_links
from components.timeline import decoded, timeline_figure
from exports import register_exports, routes
from exports.chromium import BrowserUnavailable, WarmBrowser
from exports.deck import MAX_ROWS, ROWS_PER_SLIDE, committee_deck
from exports.excel import Sheet
from exports.facts import gather
from exports.images import without_hatching
from exports.routes import _own_origin
from loaders import load_path
from loaders.store import PlanStore
from model.view import parse_query
from pages.context import resolve
from security import init_security
from settings import EXAMPLE_PLAN, ROOT, Settings
from tests.conftest import CHROMIUM, write_workbook

EXAMPLE = load_path(EXAMPLE_PLAN).plan
VERSION = EXAMPLE.version[:12]
FORMULA_LIKE = ("=1+1", "+33 6 12 34 56 78", "-x", "@SUM(A1:A2)", "=cmd|' /C calc'!A0")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return create_app(Settings(instance=tmp_path_factory.mktemp("instance"))).server.test_client()


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, which Kaleido and the PDF export drive (required in CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Debian's Chromium is not installed: apt-get install chromium")


def download(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response


def about(workbook) -> dict:
    return {row[0]: row[1] for row in workbook["À propos"].iter_rows(min_row=2, values_only=True)
            if row[0]}


def formula_injection_plan(path: Path) -> Path:
    """A plan whose titles, owners and descriptions look like formulas (stored as text)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["id", "action", "porteur", "début", "fin", "description"])
    for number, text in enumerate(FORMULA_LIKE, start=1):
        sheet.append([f"A{number}", text, text, "01/01/2026", "31/12/2026", text])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"  # the test's own workbook must hold text, not formulas
    workbook.save(path)
    return path


# ---- Excel ----------------------------------------------------------------------------

def test_ex001_workbook_states_source_version_date_and_filters(client):
    response = download(client, "/export/plan.xlsx")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=horizon-plan-2026-10-15.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["À propos", "Actions", "Jalons", "Problèmes"]
    facts = about(workbook)
    assert facts["Fichier source"] == "example_plan.xlsx"
    assert facts["Version (SHA-256)"] == VERSION
    assert facts["Date de situation"].date().isoformat() == "2026-10-15"
    assert facts["Filtres"] == "aucun (tout le plan)"
    assert facts["Plan"] == EXAMPLE.settings.title
    assert workbook["Actions"].max_row - 1 == len(EXAMPLE.actions)


def test_ex002_rows_are_the_filtered_view(client):
    response = download(client, "/export/plan.xlsx?axes=AX1&statuts=in_progress,planned")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    actions = EXAMPLE.actions
    expected = actions[(actions["axis_id"] == "AX1")
                       & actions["status"].isin(["in_progress", "planned"])]
    rows = list(workbook["Actions"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(expected["id"])
    milestone_actions = {row[1] for row in workbook["Jalons"].iter_rows(min_row=2,
                                                                        values_only=True)}
    assert milestone_actions and milestone_actions <= set(expected["id"])
    assert about(workbook)["Filtres"] == (
        "axes : Services publics numériques accessibles ; statuts : En cours, À lancer")


def test_ex003_dates_numbers_and_french_words(client):
    workbook = openpyxl.load_workbook(io.BytesIO(download(client, "/export/plan.xlsx").data))
    sheet = workbook["Actions"]
    headers = [cell.value for cell in sheet[1]]
    for name in ("Identifiant", "Axe", "Action", "Porteur", "Direction", "Début", "Fin",
                 "Statut", "Avancement", "Météo", "Budget", "En retard", "Au-delà du mandat"):
        assert name in headers, name
    a02 = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "A02")
    cell = dict(zip(headers, a02))
    assert cell["Début"].is_date and cell["Début"].number_format == "DD/MM/YYYY"
    assert cell["Début"].value.date().isoformat() == "2023-09-01"
    assert cell["Budget"].value == 780000 and cell["Budget"].data_type == "n"
    assert cell["Avancement"].value == pytest.approx(0.8)
    assert (cell["Statut"].value, cell["Météo"].value) == ("En cours", "Pluie")
    assert (cell["En retard"].value, cell["Au-delà du mandat"].value) == ("Oui", "Non")


def test_ex004_formula_looking_text_is_stored_as_text(tmp_path):
    plan = formula_injection_plan(tmp_path / "formules.xlsx")
    client = create_app(Settings(plan=plan, instance=tmp_path)).server.test_client()
    data = download(client, "/export/plan.xlsx").data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        xml = "".join(archive.read(name).decode("utf-8") for name in sheets)
    assert "<f>" not in xml and "<f " not in xml
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["Actions"].iter_rows(min_row=2))
    titles = [row[4] for row in rows]
    assert [cell.value for cell in titles] == list(FORMULA_LIKE)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in titles)


def test_ex005_tab_and_carriage_return_starts_stay_text():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = Sheet(workbook, "S", [("h", 10)], 0)
    texts = ("\tTab", "\rCR", "=A1", "plain")
    cells = [sheet.text(text) for text in texts]
    assert cells[-1] == "plain"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells[:-1])
    sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = next(openpyxl.load_workbook(buffer)["S"].iter_rows(min_row=2, values_only=True))
    assert row == texts


def test_ex006_english_view_gives_english_sheets(client):
    workbook = openpyxl.load_workbook(io.BytesIO(download(client,
                                                           "/export/plan.xlsx?lang=en").data))
    assert workbook.sheetnames == ["About", "Actions", "Milestones", "Problems"]
    assert "Start" in [cell.value for cell in workbook["Actions"][1]]


# ---- Deck (without a browser: the picture is passed in) -------------------------------

def deck_facts(tmp_path, query: str = "", plan: Path = EXAMPLE_PLAN):
    return gather(resolve(PlanStore(plan, tmp_path), query))


def slide_titles(deck) -> list[str]:
    return [slide.shapes.title.text if slide.shapes.title is not None else ""
            for slide in deck.slides]


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def test_ex007_deck_slides_and_footer_without_picture(tmp_path):
    data = committee_deck(deck_facts(tmp_path), lambda: "Pas de frise ici.")
    deck = Presentation(io.BytesIO(data))
    assert deck.slide_width > deck.slide_height  # 16:9
    assert slide_titles(deck) == [
        EXAMPLE.settings.title, "La feuille de route sur le mandat 2026–2032", "Chiffres clés",
        "Jalons en retard", "Jalons des 90 prochains jours",
        "Écarts entre la stratégie et le plan", "Décisions attendues"]
    for slide in deck.slides:
        footer = slide_text(slide)
        assert f"version {VERSION}" in footer and "15 octobre 2026" in footer
        assert "filtres : aucun (tout le plan)" in footer
    assert "Pas de frise ici." in slide_text(deck.slides[1])


def test_ex008_long_tables_continue_then_point_to_excel(tmp_path):
    rows = [["id", "action", "jalon", "date"]]
    rows += [[f"J{n:03}", "A1", f"Jalon {n}", "01/03/2026"] for n in range(60)]
    plan = tmp_path / "jalons.xlsx"
    write_workbook(plan, {
        "Plan": [["id", "action", "début", "fin"], ["A1", "Une action", "01/01/2026",
                                                     "31/12/2027"]],
        "Jalons": rows, "Paramètres": [["paramètre", "valeur"],
                                       ["date de situation", "15/10/2026"]]})
    facts = deck_facts(tmp_path, plan=plan)
    deck = Presentation(io.BytesIO(committee_deck(facts, lambda: "")))
    late = [slide for slide in deck.slides
            if slide.shapes.title.text.startswith("Jalons en retard")]
    assert len(late) == MAX_ROWS // ROWS_PER_SLIDE + (MAX_ROWS % ROWS_PER_SLIDE > 0)
    assert late[0].shapes.title.text == f"Jalons en retard (suite, 1/{len(late)})"
    assert "… et 12 de plus : voir l'export Excel." in slide_text(late[-1])


def test_ex021_a_deck_of_a_big_view_says_why_it_has_no_picture(tmp_path):
    rows = [["id", "action", "début", "fin"]]
    rows += [[f"A{n:03}", f"Action {n}", "01/01/2026", "31/12/2027"] for n in range(130)]
    plan = write_workbook(tmp_path / "grand.xlsx", {"Plan": rows})
    client = create_app(Settings(plan=plan, instance=tmp_path)).server.test_client()
    deck = Presentation(io.BytesIO(download(client, "/export/comite.pptx").data))
    timeline = deck.slides[1]
    assert not [shape for shape in timeline.shapes if shape.shape_type == 13]
    assert "Une frise de 130 actions ne tiendrait pas lisiblement" in slide_text(timeline)


# ---- Errors, links, helpers (no browser) ----------------------------------------------

def test_ex009_errors_are_one_french_sentence(client, tmp_path):
    unknown = download(client, "/export/plan.docx", 404).get_data(as_text=True)
    assert "Cet export n'existe pas" in unknown.replace("&#x27;", "'")
    # The test client serves one request at a time: printing its own page would deadlock.
    single = download(client, "/export/comite.pdf", 503).get_data(as_text=True)
    assert "plusieurs fils" in single and "Traceback" not in single
    broken = create_app(Settings(plan=tmp_path / "absent.xlsx", instance=tmp_path))
    missing = download(broken.server.test_client(), "/export/plan.xlsx", 422)
    assert "Le plan ne peut pas être exporté" in missing.get_data(as_text=True)


def test_ex010_missing_chromium_is_a_503_sentence(client, monkeypatch):
    def no_browser(*args, **kwargs):
        raise BrowserUnavailable("missing")
    monkeypatch.setattr(routes, "timeline_image", no_browser)
    page = download(client, "/export/timeline.svg", 503).get_data(as_text=True)
    assert "Chromium n&#x27;est pas installé" in page


def test_ex011_missing_browser_fails_fast_instead_of_hanging(monkeypatch):
    # kaleido.start_sync_server() waits forever in this case; the warm browser must not.
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")

    async def job(browser):
        return b""
    with pytest.raises(BrowserUnavailable) as raised:
        WarmBrowser().run(job, timeout=20)
    assert raised.value.code == "missing"


def test_ex012_pdf_loads_the_servers_own_address_never_the_host_header():
    assert _own_origin({"SERVER_NAME": "0.0.0.0", "SERVER_PORT": "8050",
                        "HTTP_HOST": "evil.example"}) == "http://127.0.0.1:8050"
    assert _own_origin({"SERVER_NAME": "10.0.0.5", "SERVER_PORT": "80"}) == "http://10.0.0.5:80"
    # gunicorn on a Unix socket copies the Host header into SERVER_NAME: refuse it.
    assert _own_origin({"SERVER_NAME": "evil.example", "SERVER_PORT": "80"}) is None


def test_ex013_vector_figure_has_no_hatching_but_dashed_outlines():
    figure = timeline_figure(EXAMPLE, parse_query("vue=tout"), EXAMPLE.status_date())
    hatched = [t for t in figure.data if t.type == "bar" and t.marker.pattern.shape
               and t.x is not None and any(x is not None for x in t.x)]
    assert hatched
    plain = without_hatching(figure)
    assert not [t for t in plain.data if t.type == "bar" and t.marker.pattern.shape
                and t.visible is not False]
    outlines = [t for t in plain.data if t.type == "scatter" and t.line.dash == "dash"
                and t.showlegend is False]
    assert len(outlines) == len(hatched)
    # Each bar: five corners and a gap.
    assert sum(len(t.x) for t in outlines) == 6 * sum(len(decoded(t.x)) for t in hatched)


def test_ex014_export_links_carry_the_view():
    links = export_links("?axes=AX1&lang=en&oops=1", "en")
    anchors = [child for child in links.children if getattr(child, "href", None)]
    assert [a.href for a in anchors] == [
        f"/export/{name}?axes=AX1&lang=en" for name in
        ("plan.xlsx", "comite.pptx", "comite.pdf", "timeline.png", "timeline.svg")]
    assert all(a.download == "" and "export-link" in a.className for a in anchors)
    status = links.children[-1]
    assert status.role == "status"


# ---- Browser-backed exports -----------------------------------------------------------

@pytest.mark.browser
def test_ex015_deck_has_the_timeline_picture(client, chromium):
    response = download(client, "/export/comite.pptx?axes=AX1,AX2")
    assert response.headers["Content-Disposition"].endswith("horizon-comite-2026-10-15.pptx")
    deck = Presentation(io.BytesIO(response.data))
    timeline = deck.slides[1]
    pictures = [shape for shape in timeline.shapes if shape.shape_type == 13]  # PICTURE
    assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
    assert VERSION in slide_text(deck.slides[0]) and "15 octobre 2026" in slide_text(
        deck.slides[0])
    assert "axes : Services publics numériques accessibles, Inclusion numérique" in (
        slide_text(timeline))


@pytest.mark.browser
def test_ex016_png_is_a_png(client, chromium):
    data = download(client, "/export/timeline.png?vue=mandat").data
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 3200 and height > 1000  # 1,600 layout pixels at 2×


@pytest.mark.browser
def test_ex017_svg_parses_and_has_no_pattern(client, chromium):
    response = download(client, "/export/timeline.svg?vue=tout&axes=AX4")
    svg = response.get_data(as_text=True)
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "<pattern" not in svg and "stroke-dasharray" in svg
    assert VERSION in svg and "15 octobre 2026" in svg


@pytest.mark.browser
def test_ex018_pdf_of_the_page_is_landscape_with_the_plan_title(live_server, chromium):
    response = requests.get(live_server.url + "/export/comite.pdf?axes=AX1", timeout=90)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Disposition"].endswith("horizon-comite-2026-10-15.pdf")
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) >= 1
    page = pdf.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width)) == 842  # A4: 297 mm
    text = re.sub(r"\s+", " ", page.extract_text())
    assert EXAMPLE.settings.title in text
    assert f"version {VERSION}" in text and "Services publics numériques accessibles" in text
    assert len(response.content) < 1_000_000  # no hatching: no pattern per bar


# ---- The export links in a page (a tiny app: the links and the export routes) ---------

@pytest.fixture
def links_page(page, tmp_path):
    """A page holding only the export links of `?axes=AX1`, served with the export routes."""
    app = dash.Dash(__name__, assets_folder=str(ROOT / "assets"), serve_locally=True)
    app.layout = html.Main(export_links("?axes=AX1"))
    store = PlanStore(EXAMPLE_PLAN, tmp_path)
    register_exports(app.server, store)
    init_security(app, Settings(instance=tmp_path), store)  # as in create_app: roles, CSP
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page.goto(f"http://127.0.0.1:{server.server_port}/")
    page.wait_for_selector("a.export-link")
    yield page
    server.shutdown()


@pytest.mark.browser
def test_ex019_a_link_says_it_is_preparing_then_downloads(links_page, monkeypatch,
                                                           console_errors):
    make = routes.plan_workbook
    release = threading.Event()

    def held_workbook(facts):
        release.wait(30)  # the file is « being prepared » until the test has seen it say so
        return make(facts)
    monkeypatch.setattr(routes, "plan_workbook", held_workbook)
    status = links_page.locator(".export-status")
    with links_page.expect_download() as download:
        links_page.get_by_role("link", name="Excel").click()
        links_page.wait_for_function(
            "document.querySelector('.export-status').textContent === 'Préparation du fichier…'")
        assert links_page.get_by_role("link", name="Excel").get_attribute("aria-busy") == "true"
        release.set()
    assert download.value.suggested_filename == "horizon-plan-2026-10-15.xlsx"
    links_page.wait_for_function("document.querySelector('.export-status')"
                                 ".textContent.startsWith('Fichier prêt')")
    assert status.inner_text() == "Fichier prêt : horizon-plan-2026-10-15.xlsx"
    assert console_errors == []


@pytest.mark.browser
def test_ex020_a_failed_export_shows_the_servers_sentence(links_page, monkeypatch):
    def busy(*args, **kwargs):
        raise BrowserUnavailable("busy")
    monkeypatch.setattr(routes, "timeline_image", busy)
    links_page.get_by_role("link", name="Image", exact=True).click()
    links_page.wait_for_function("document.querySelector('.export-status').textContent"
                                 ".startsWith('Le serveur prépare')")
    assert links_page.locator(".export-status").inner_text() == (
        "Le serveur prépare déjà d'autres fichiers : réessayez dans un instant.")
