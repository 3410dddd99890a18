"""What moved since the baseline, as people read it: the section's words and rows, the
« Écarts » sheet of the Excel export, the deck's slide, and the notice for an unknown
baseline. Two versions of the example plan are stored, as uploads would store them: the
baseline of tests/slippage_plans.py, then the example itself."""
from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from app import create_app, view_notice
from components.slippage import (action_records, format_shift, kpi_items, milestone_records,
                                 slippage_of)
from exports.deck import committee_deck
from exports.facts import gather
from loaders.store import PlanStore
from pages.context import resolve
from settings import EXAMPLE_PLAN, Settings
from tests.conftest import CHROMIUM
from tests.slippage_plans import store_both_versions


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """(instance folder, baseline prefix, current prefix) with both versions stored."""
    return store_both_versions(tmp_path_factory.mktemp("slippage"))


@pytest.fixture(scope="module")
def store(versions):
    store = PlanStore(EXAMPLE_PLAN, versions[0])
    yield store
    store.close()


def query(versions, extra: str = "") -> str:
    _folder, base, current = versions
    return f"?version={current}&base={base}{extra}"


def test_sl001_shifts_are_signed_days_in_words():
    assert format_shift(45, "fr") == "+45 j"
    assert format_shift(-12, "fr") == "−12 j"
    assert format_shift(0, "fr") == "0 j"
    assert format_shift(27.5, "fr") == "+27,5 j"
    assert format_shift(1250, "en") == "+1,250 d"
    assert format_shift(None, "fr") == "—"


def test_sl002_section_rows_worst_first_with_added_removed_and_weather(store, versions):
    context = resolve(store, query(versions))
    assert context.baseline is not None
    slippage = gather(context).slippage
    rows = action_records(slippage, "fr")
    assert [row["id"] for row in rows] == ["A02", "A05", "A99", "A40", "A03"]
    a02 = rows[0]
    assert (a02["end_shift_label"], a02["base_end_label"], a02["end_label"]) == (
        "+45 j", "16 mai 2026", "30 juin 2026")
    assert (rows[2]["change_label"], rows[3]["change_label"]) == ("Retirée", "Ajoutée")
    assert rows[4]["weather"] == "☁ Nuages → ☀ Soleil"
    milestones = milestone_records(slippage, "fr")
    assert milestones[0]["milestone"] == "Bascule des derniers services dans la GRU"
    assert (milestones[0]["state"], milestones[0]["shift_label"]) == (
        "⚠ Désormais en retard", "−200 j")
    figures = {title: (value, detail) for title, value, detail, _alert in
               kpi_items(slippage, "fr")}
    assert figures["Actions qui ont glissé"] == ("2", "sur 39 comparées ; 0 avancée")
    assert figures["Glissement médian"][0] == "+27,5 j"
    assert figures["Pire glissement"] == (
        "+45 j", "A02 — Gestion de la relation usager (GRU) multicanale")
    assert figures["Jalons désormais en retard"] == ("1", "1 jalon déplacé")
    assert figures["Actions ajoutées / retirées"][0] == "1 / 1"


def test_sl003_filters_narrow_the_comparison(store, versions):
    slippage = gather(resolve(store, query(versions, "&q=RGAA"))).slippage
    assert [row["id"] for row in action_records(slippage, "fr")] == ["A05"]
    assert slippage.kpis.worst_slip == 10 and slippage.kpis.removed == 0


def test_sl004_no_baseline_no_section_and_an_unknown_one_is_a_notice(store, versions):
    _folder, _base, current = versions
    assert slippage_of(resolve(store, f"?version={current}"), "timeline", "/") == []
    context = resolve(store, f"?version={current}&base=abcdef123456")
    assert not context.base_found and context.baseline is None
    assert slippage_of(context, "timeline", "/") == []
    notice = view_notice(context, None, "fr", [])
    assert "La version de référence « abcdef123456 » n'est pas sur ce serveur" in notice
    assert "Baseline version “abcdef123456”" in view_notice(context, None, "en", [])


def test_sl005_the_clear_link_drops_only_the_baseline(store, versions):
    section = slippage_of(resolve(store, query(versions, "&axes=AX1")), "committee", "/comite")
    links = [node for node in _walk(section[0]) if getattr(node, "href", None)]
    _folder, _base, current = versions
    assert [link.href for link in links] == [f"/comite?version={current}&axes=AX1"]


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)


# ---- exports ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(versions):
    return create_app(Settings(instance=versions[0])).server.test_client()


def test_sl006_excel_has_the_shifts_sheet_and_names_the_baseline(client, versions):
    response = client.get("/export/plan.xlsx" + query(versions))
    assert response.status_code == 200, response.data[:300]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["À propos", "Actions", "Jalons", "Écarts", "Problèmes"]
    about = {row[0]: row[1] for row in workbook["À propos"].iter_rows(values_only=True)}
    assert about["Version de référence"] == f"{versions[1]} (plan-mars.xlsx)"
    sheet = workbook["Écarts"]
    headers = [cell.value for cell in sheet[1]]
    rows = [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=2)]
    assert [(row["Élément"].value, row["Identifiant"].value) for row in rows] == [
        ("Action", "A02"), ("Action", "A05"), ("Action", "A99"), ("Action", "A40"),
        ("Action", "A03"), ("Jalon", "J006"), ("Jalon", "J091")]
    a02 = rows[0]
    assert a02["Écart de fin ou de date (jours)"].value == 45
    assert a02["Écart de fin ou de date (jours)"].data_type == "n"
    end = a02["Fin ou date prévue"]
    assert end.is_date and end.number_format == "DD/MM/YYYY"
    assert end.value.date().isoformat() == "2026-06-30"
    assert a02["Fin ou date prévue (référence)"].value.date().isoformat() == "2026-05-16"
    a03 = rows[4]
    assert (a03["Météo (référence)"].value, a03["Météo"].value) == ("Nuages", "Soleil")
    assert (rows[2]["Changement"].value, rows[3]["Changement"].value) == ("Retirée", "Ajoutée")
    assert rows[5]["Changement"].value == "⚠ Désormais en retard"
    assert rows[5]["Écart de fin ou de date (jours)"].value == -200


def test_sl007_without_baseline_no_shifts_sheet(client, versions):
    response = client.get(f"/export/plan.xlsx?version={versions[2]}")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert "Écarts" not in workbook.sheetnames
    missing = client.get(f"/export/plan.xlsx?version={versions[2]}&base=abcdef123456")
    workbook = openpyxl.load_workbook(io.BytesIO(missing.data))
    about = {row[0]: row[1] for row in workbook["À propos"].iter_rows(values_only=True)}
    assert "n'est pas sur ce serveur" in about["Version de référence"]


def test_sl008_deck_slide_with_key_figures_and_worst_slips(store, versions):
    facts = gather(resolve(store, query(versions)))
    deck = Presentation(io.BytesIO(committee_deck(facts, lambda: "Pas de frise ici.")))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles[3] == "Ce qui a bougé depuis la référence"
    slide = deck.slides[3]
    texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert f"Comparé à la version {versions[1]} (plan-mars.xlsx)." in texts
    assert ("Pire glissement\n+45 j\nA02 — Gestion de la relation usager (GRU) multicanale"
            in texts)
    assert "Jalons désormais en retard\n1\n1 jalon déplacé" in texts
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["Action", "Changement", "Fin (référence)", "Fin", "Écart de fin",
                        "Statut", "Météo"]
    assert cells[1] == ["A02 — Gestion de la relation usager (GRU) multicanale", "Modifiée",
                        "16/05/2026", "30/06/2026", "+45 j", "En cours", "Pluie"]
    assert [row[0][:3] for row in cells[1:]] == ["A02", "A05", "A99", "A40", "A03"]
    assert cells[5][6] == "Nuages → Soleil"
    # Rows at 14 points, headers at 13: readable on a projector.
    sizes = {run.font.size.pt for row in table.rows for cell in row.cells
             for paragraph in cell.text_frame.paragraphs for run in paragraph.runs}
    assert min(sizes) >= 13


def test_sl009_deck_without_baseline_has_no_such_slide(store, versions):
    facts = gather(resolve(store, f"?version={versions[2]}"))
    deck = Presentation(io.BytesIO(committee_deck(facts, lambda: "")))
    assert "Ce qui a bougé depuis la référence" not in [s.shapes.title.text for s in deck.slides]


def test_sl010_one_comparison_serves_the_pages_and_exports_of_a_view(store, versions):
    # Same versions, date and filters (zoom and language aside): computed once, reused.
    first = gather(resolve(store, query(versions, "&axes=AX1"))).slippage
    again = gather(resolve(store, query(versions, "&axes=AX1&vue=tout&lang=en"))).slippage
    other = gather(resolve(store, query(versions, "&axes=AX2"))).slippage
    assert again is first and other is not first
    assert set(other.actions["id"]) != set(first.actions["id"])


def test_sl011_the_timeline_pictures_draw_the_ghost_bars(client, versions):
    # The SVG export (and the deck's picture, drawn by the same function) of a view with
    # `base=` has the baseline's legend entry; without it, none.
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Debian's Chromium is not installed: apt-get install chromium")
    with_base = client.get("/export/timeline.svg" + query(versions, "&vue=tout&axes=AX1"))
    assert with_base.status_code == 200, with_base.get_data(as_text=True)[:300]
    assert f"Référence (version {versions[1]})" in with_base.get_data(as_text=True)
    alone = client.get(f"/export/timeline.svg?version={versions[2]}&vue=tout&axes=AX1")
    assert alone.status_code == 200 and "Référence (version" not in alone.get_data(as_text=True)
