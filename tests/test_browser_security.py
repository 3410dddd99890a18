"""Access and privacy in Debian's Chromium: user text stays text everywhere, every page and
export works under the real Content-Security-Policy, and viewers and editors sign in and
do what their role allows."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from tests.conftest import LiveServer, write_workbook

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=alert(1)>"
BOLD = "<b>x</b>"
PAGES = ("/", "/jalons", "/comite", "/coherence", "/indicateurs", "/accessibilite", "/edition")
EXPORTS = ("plan.xlsx", "comite.pptx", "comite.pdf", "timeline.png", "timeline.svg")
EDITOR_PASSWORD = "éditeurs du COPIL"
VIEWER_PASSWORD = "lecteurs"


def hostile_plan(path):
    """A plan whose texts are HTML: they must be shown as typed, never interpreted."""
    day = dt.date
    return write_workbook(path, {
        "Stratégie": [["id", "axe", "début", "fin"],
                      ["AX1", f"Axe {BOLD}", day(2024, 1, 1), day(2030, 12, 31)]],
        "Plan": [["id", "axe", "action", "porteur", "début", "fin", "statut", "description",
                  "points d'attention", "décision attendue"],
                 ["X1", "AX1", IMG, BOLD, day(2026, 1, 1), day(2026, 12, 31), "en cours",
                  IMG, BOLD, IMG],
                 ["X2", "AX1", BOLD, IMG, day(2025, 1, 1), day(2025, 6, 30), "en cours",
                  BOLD, "", ""]],
        "Jalons": [["id", "action", "jalon", "date"],
                   ["J1", "X1", IMG, day(2026, 3, 31)],
                   ["J2", "X2", BOLD, day(2025, 3, 31)]],
        "Paramètres": [["paramètre", "valeur"], ["titre", f"Plan {BOLD}"],
                       ["date de situation", day(2026, 10, 15)]],
    })


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from settings import Settings
    folder = tmp_path_factory.mktemp("hostile")
    server = LiveServer(Settings(plan=hostile_plan(folder / "hostile.xlsx"),
                                 instance=folder / "instance"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory):
    from settings import Settings
    folder = tmp_path_factory.mktemp("guarded")
    server = LiveServer(Settings(instance=folder / "instance", viewer_password=VIEWER_PASSWORD,
                                 editor_password=EDITOR_PASSWORD,
                                 hidden_columns=("porteur", "budget")))
    yield server
    server.stop()


# The box of an action's bar, found from the figure's data (bar traces are drawn in order).
BAR_OF = """(id) => {
  const plot = document.querySelector('#timeline .js-plotly-plot');
  const bars = plot.data.filter(t => t.type === 'bar');
  const drawn = plot.querySelectorAll('.barlayer .trace');
  for (let i = 0; i < bars.length; i++) {
    const j = (bars[i].customdata || []).findIndex(c => c[0] === id);
    if (j >= 0) { return drawn[i].querySelectorAll('.point')[j].getBoundingClientRect().toJSON(); }
  }
  return null;
}"""


def watch(page) -> tuple[list[str], list[str]]:
    """Console errors and dialogs of a page (both must stay empty)."""
    errors, dialogs = [], []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def dialog(opened):  # an alert would be injected script; a confirm is « Supprimer »
        dialogs.append(f"{opened.type}: {opened.message}")
        opened.accept() if opened.type == "confirm" else opened.dismiss()
    page.on("dialog", dialog)
    return errors, dialogs


def wait_until(page, expression: str, timeout: float = 45.0):
    """Poll `expression` from Python: page.wait_for_function uses eval(), which the real
    CSP forbids (and must keep forbidding)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return
        time.sleep(0.2)
    raise AssertionError(f"still false after {timeout} s: {expression}")


def settled(page) -> str:
    return "!document.querySelector('[data-dash-is-loading]')"


def test_bs001_html_in_the_workbook_stays_text_everywhere(page, hostile_server):
    errors, dialogs = watch(page)
    page.goto(hostile_server.url + "/")
    page.wait_for_selector("#timeline .js-plotly-plot .barlayer", timeout=45_000)
    # Row labels of the timeline and its hover text.
    ticks = page.evaluate("Array.from(document.querySelectorAll('#timeline .ytick text'))"
                          ".map(t => t.textContent)")
    assert any(IMG[:20] in tick for tick in ticks) and any(BOLD in tick for tick in ticks)
    box = page.evaluate(BAR_OF, "X1")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#timeline .hoverlayer .hovertext", timeout=15_000)
    hover = page.evaluate("document.querySelector('#timeline .hoverlayer').textContent")
    assert IMG in hover and BOLD in hover  # the title and the owner
    # Details panel: the title, the owner, the description, the remarks, as typed.
    page.goto(hostile_server.url + "/?action=X1")
    page.wait_for_selector("#action-details:not([hidden]) h2", timeout=45_000)
    details = page.inner_text("#action-details")
    assert IMG in details and BOLD in details
    # The data table of the timeline.
    page.focus("#timeline-table-toggle")  # by keyboard: the open panel sits near it
    page.keyboard.press("Enter")
    page.wait_for_selector(".timeline-table", timeout=15_000)
    table = page.inner_text(".timeline-table")
    assert IMG in table and BOLD in table
    # The milestones page (AG Grid).
    page.goto(hostile_server.url + "/jalons")
    page.wait_for_selector("#milestones-grid .ag-row", timeout=45_000)
    grid = page.inner_text("#milestones-grid")
    assert IMG in grid and BOLD in grid
    # The committee page: remarks and decisions expected.
    page.goto(hostile_server.url + "/comite")
    page.wait_for_selector("#committee-timeline .js-plotly-plot", timeout=45_000)
    page.wait_for_function(settled(page), timeout=30_000)
    assert IMG in page.inner_text("main")
    # Nothing was interpreted: no image element from the text, no dialog, no error.
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length + Array.from("
                         "document.querySelectorAll('b')).filter(b => b.textContent === 'x')"
                         ".length") == 0
    assert dialogs == [] and errors == []


def test_bs002_every_page_and_export_works_under_the_real_csp(browser, live_server):
    context = browser.new_context(bypass_csp=False)  # the conftest bypasses it elsewhere
    page = context.new_page()
    errors, dialogs = watch(page)
    for path in PAGES:
        page.goto(live_server.url + path)
        wait_until(page, "document.querySelector('#page-content')?.children.length > 0"
                         " && !document.querySelector('[data-dash-is-loading]')")
        if path == "/":
            wait_until(page, "!!document.querySelector('#timeline .js-plotly-plot .barlayer')")
            # The upload field is there, written by assets/upload.js (local mode: editor).
            assert page.locator("#plan-upload input[type=file]").count() == 1
    for name in EXPORTS:
        response = context.request.get(live_server.url + f"/export/{name}?axes=AX1",
                                       timeout=90_000)
        assert response.status == 200, (name, response.text()[:300])
        assert len(response.body()) > 1000
    context.close()
    violations = [error for error in errors if "Content Security Policy" in error]
    assert violations == [] and errors == [] and dialogs == []


def test_bs003_viewers_sign_in_see_no_hidden_column_and_editors_manage_versions(
        browser, guarded_server, tmp_path):
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    errors, dialogs = watch(page)
    page.goto(guarded_server.url + "/?action=A01")
    assert "/connexion?suivant=" in page.url
    assert page.inner_text("h1") == "Connexion à Horizon"
    page.fill("#mot-de-passe", "faux")
    page.click("button[type=submit]")
    assert "Mot de passe incorrect" in page.inner_text("[role=alert]")
    page.fill("#mot-de-passe", VIEWER_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/\?action=A01$"))
    wait_until(page, "!!document.querySelector('#action-details:not([hidden]) h2')")
    assert "Camille Roussel" not in page.inner_text("#action-details")  # porteur hidden
    assert page.locator("#plan-upload input[type=file]").count() == 0
    wait_until(page, "document.getElementById('edition-link').innerText.length > 0")
    assert page.inner_text("#edition-link") == "Espace éditeur"
    # The printed committee view passes the gate as the viewer who asked for it.
    printed = context.request.get(guarded_server.url + "/export/comite.pdf", timeout=90_000)
    assert printed.status == 200 and printed.body()[:4] == b"%PDF"

    page.click("#edition-link")
    page.wait_for_selector("#edition-account a", timeout=30_000)
    page.click("#edition-account a")
    page.fill("#mot-de-passe", EDITOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/edition"))
    page.wait_for_selector("form.edition-form input[type=file]", timeout=30_000)
    assert "Vous êtes connecté comme éditeur." in page.inner_text("#edition-account")
    workbook = write_workbook(tmp_path / "copil.xlsx", {
        "Plan": [["id", "action", "début", "fin"],
                 ["P1", "Première action", dt.date(2026, 1, 1), dt.date(2026, 12, 31)]]})
    page.set_input_files("form.edition-form input[type=file]", str(workbook))
    page.fill("#edition-libelle", "COPIL du 12 mars")
    page.click("form.edition-form button[type=submit]")
    wait_until(page, "document.getElementById('edition-status').innerText"
                     ".startsWith('Version ')")
    assert page.inner_text("#edition-status").endswith("enregistrée.")
    rows = page.locator("#edition-versions tbody tr")
    wait_until(page, "document.querySelectorAll('#edition-versions tbody tr').length === 2")
    assert rows.first.locator("input").input_value() == "COPIL du 12 mars"
    assert "copil.xlsx" in rows.first.inner_text()
    # Rename, then delete after the confirmation.
    rows.first.locator("input").fill("COPIL du 14 mars")
    rows.first.get_by_role("button", name="Renommer").click()
    wait_until(page, "document.getElementById('edition-status').innerText"
                     ".startsWith('Libellé de la version')")
    rows.first.get_by_role("button", name="Supprimer").click()
    wait_until(page, "document.getElementById('edition-status').innerText"
                     ".includes('supprimée')")
    wait_until(page, "document.querySelectorAll('#edition-versions tbody tr').length === 1")
    context.close()
    assert dialogs == ["confirm: Supprimer définitivement la version "
                       f"{dialogs[0].split('version ')[1][:12]} (copil.xlsx) ? Les liens qui "
                       "la nomment montreront la version la plus récente."]
    # The wrong password is answered 401, which Chromium logs: that one line only.
    assert [error for error in errors if "status of 401" not in error] == []
    assert len(errors) == 1


def test_bs004_sign_in_and_editing_pages_have_no_serious_axe_violation(
        page, live_server, guarded_server, console_errors):
    from tests.accessibility import serious_violations
    page.goto(guarded_server.url + "/connexion")
    page.wait_for_selector("#mot-de-passe")
    assert serious_violations(page) == []
    page.goto(live_server.url + "/edition")  # local mode: the editor's page, one version
    page.wait_for_selector("form.edition-form input[type=file]", timeout=45_000)
    page.wait_for_selector("#edition-versions tbody tr", timeout=30_000)
    assert serious_violations(page) == []
    assert console_errors == []
