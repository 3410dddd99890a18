"""The versions list and the plan picker in Debian's Chromium: a person opens an older
version, compares with another, switches plan, all by keyboard or click, and the URL
names what is shown."""
from __future__ import annotations

import hashlib
import re

import pytest

from loaders.store import PlanStore
from tests.accessibility import serious_violations
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

DRAWN = ("Array.from(new Set((document.querySelector('#timeline .js-plotly-plot')?.data || [])"
         ".flatMap(t => (t.customdata || []).map(c => c[0]))))")


def csv_plan(prefix: str, count: int) -> bytes:
    lines = ["id;action;début;fin"]
    lines += [f"{prefix}{n};Action {prefix}{n};2026-01-01;2026-12-31" for n in range(1, count + 1)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def versions_server(tmp_path_factory):
    """Two plans from a folder; the first got a newer, labelled upload."""
    from settings import Settings
    folder = tmp_path_factory.mktemp("plans")
    (folder / "a-ville.csv").write_bytes(csv_plan("V", 3))
    (folder / "b-ccas.csv").write_bytes(csv_plan("C", 1))
    instance = tmp_path_factory.mktemp("instance")
    server = LiveServer(Settings(plan=folder, instance=instance, watch_seconds=0.5))
    server.folder = folder
    editor = PlanStore(folder, instance, watch_seconds=0)  # another worker, same database
    editor.save_upload(csv_plan("U", 2), "copil.csv", label="COPIL du 12 mars")
    editor.close()
    yield server
    server.stop()


def drawn(page) -> set[str]:
    return set(page.evaluate(DRAWN))


def wait_drawn(page, ids: set[str]):
    page.wait_for_function(f"(ids => ids.length === {len(ids)} && "
                           f"{sorted(ids)!r}.every(i => ids.includes(i)))({DRAWN})",
                           timeout=30_000)


def test_vb001_open_compare_and_switch_plan_from_the_versions_list(page, versions_server,
                                                                   console_errors):
    page.goto(versions_server.url + "/")
    page.wait_for_selector("#timeline .js-plotly-plot .barlayer", timeout=45_000)
    wait_drawn(page, {"U1", "U2"})  # the newest version of the first plan
    summary = page.locator("#versions-panel details.versions > summary")
    summary.wait_for(timeout=30_000)
    assert summary.inner_text() == "Versions (2)"
    summary.focus()
    page.keyboard.press("Enter")  # a <summary> opens from the keyboard
    items = page.locator("#versions-panel .versions-list > li")
    items.first.wait_for(state="visible", timeout=15_000)
    newest, oldest = items.nth(0), items.nth(1)
    assert newest.get_attribute("aria-current") == "true"
    assert oldest.get_attribute("aria-current") is None
    text = newest.inner_text()
    assert re.search(r"\d{1,2} \w+ 20\d\d à \d\d:\d\d", text), text
    assert "COPIL du 12 mars" in text and "copil.csv · 2 actions, 0 jalon, 0 problème" in text
    assert "(version affichée, la plus récente)" in text
    assert "Comparer à cette version" not in text  # not with itself
    assert serious_violations(page) == []  # the open list and the plan picker (RGAA)
    # Open the older version (the source file) from the keyboard: the URL names it.
    source_sha = hashlib.sha256(csv_plan("V", 3)).hexdigest()
    oldest.locator("a.version-open").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"version={source_sha[:12]}"), timeout=30_000)
    wait_drawn(page, {"V1", "V2", "V3"})
    page.wait_for_function("document.querySelectorAll('#versions-panel .versions-list > li')[1]"
                           ".getAttribute('aria-current') === 'true'", timeout=15_000)
    # Compare with the newest: `base=` names it and the list says which is the baseline.
    upload_sha = hashlib.sha256(csv_plan("U", 2)).hexdigest()
    page.locator("#versions-panel .versions-list > li").nth(0).get_by_role(
        "link", name="Comparer à cette version").click()
    page.wait_for_url(re.compile(rf"base={upload_sha[:12]}"), timeout=30_000)
    page.wait_for_function("document.querySelector('#versions-panel .versions-list > li').innerText"
                           ".includes('version de référence de la comparaison')", timeout=15_000)
    assert f"version={source_sha[:12]}" in page.url
    # The plan picker: two plans, the current one marked; the other one opens.
    picker = page.locator("#versions-panel nav.plan-picker")
    assert picker.get_attribute("aria-label") == "Plans du serveur"
    assert picker.locator("li[aria-current=true]").inner_text() == "a-ville"
    picker.get_by_role("link", name="b-ccas").click()
    page.wait_for_url(re.compile(r"plan=b-ccas"), timeout=30_000)
    wait_drawn(page, {"C1"})
    page.wait_for_function("document.querySelector('#versions-panel summary').innerText"
                           " === 'Versions (1)'", timeout=15_000)
    assert console_errors == []


def test_vb002_an_unknown_version_in_a_link_shows_the_newest_with_a_notice(
        page, versions_server, console_errors):
    page.goto(versions_server.url + "/?version=abcdef123456&plan=inconnu")
    page.wait_for_selector("#timeline .js-plotly-plot .barlayer", timeout=45_000)
    page.wait_for_function("document.getElementById('view-notice').innerText.length > 0",
                           timeout=30_000)
    notice = page.inner_text("#view-notice")
    assert "Le plan « inconnu » n'est pas sur ce serveur : le premier plan est affiché." in notice
    assert "La version « abcdef123456 » du plan n'est pas sur ce serveur" in notice
    wait_drawn(page, {"U1", "U2"})
    assert console_errors == []


def test_vb003_a_deleted_source_keeps_its_last_version_with_a_notice(page, versions_server,
                                                                     console_errors):
    source = versions_server.folder / "b-ccas.csv"
    source.unlink()
    try:
        page.goto(versions_server.url + "/?plan=b-ccas")
        page.wait_for_selector("#timeline .js-plotly-plot .barlayer", timeout=45_000)
        wait_drawn(page, {"C1"})  # the last good version is still served
        page.wait_for_function(
            "(document.getElementById('plan-notice')?.innerText || '').length > 0",
            timeout=30_000)
        assert page.inner_text("#plan-notice") == (
            "Le classeur source ne peut plus être relu ; la dernière version lisible reste "
            "affichée. Le fichier « b-ccas.csv » est introuvable ou illisible : vérifiez son "
            "chemin.")
        assert page.locator("#plan-notice").get_attribute("role") == "alert"
    finally:
        source.write_bytes(csv_plan("C", 1))
    assert console_errors == []


def test_vb004_a_database_down_is_one_sentence_in_the_page(page, tmp_path, console_errors):
    from settings import Settings
    server = LiveServer(Settings(instance=tmp_path / "instance",
                                 database_url="postgresql://horizon:horizon@127.0.0.1:9/x"))
    try:
        page.goto(server.url + "/")
        page.wait_for_function(
            "(document.getElementById('plan-notice')?.innerText || '').length > 0",
            timeout=45_000)
        assert page.inner_text("#plan-notice") == (
            "Le plan ne peut pas être affiché : La base de données des versions ne répond "
            "pas ; réessayez dans un instant ou prévenez l'administrateur du serveur.")
        assert "Traceback" not in page.content()
        assert page.locator("#versions-panel").is_hidden()
        health = page.request.get(server.url + "/healthz")
        assert health.status == 503 and health.json()["storage"] == "unreachable"
    finally:
        server.stop()
    assert console_errors == []
