"""The dashboard in Debian's Chromium: what a person sees on the example plan, and what a
link, the Back button, a click or an upload do to it."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from loaders import load_path
from settings import EXAMPLE_PLAN

pytestmark = pytest.mark.browser

FIGURE = "document.querySelector('#timeline .js-plotly-plot')"
FIGURE_DATA = FIGURE + ".data"
FIGURE_LAYOUT = FIGURE + ".layout"
DRAWN = f"new Set(({FIGURE}?.data || []).flatMap(t => (t.customdata || []).map(c => c[0])))"
# A point on an action's bar, found from the figure's data (bar traces are drawn in order),
# away from its milestone markers (a click on a marker is a click on the milestone).
BAR_POINT = """(id) => {
  const plot = document.querySelector('#timeline .js-plotly-plot');
  const bars = plot.data.filter(t => t.type === 'bar');
  const drawn = plot.querySelectorAll('.barlayer .trace');
  for (let i = 0; i < bars.length; i++) {
    const j = (bars[i].customdata || []).findIndex(c => c[0] === id);
    if (j < 0) { continue; }
    const box = drawn[i].querySelectorAll('.point')[j].getBoundingClientRect();
    const y = box.y + box.height / 2;
    const markers = Array.from(plot.querySelectorAll('.scatterlayer .point'))
      .map(m => m.getBoundingClientRect())
      .filter(m => Math.abs(m.y + m.height / 2 - y) < box.height)
      .map(m => m.x + m.width / 2);
    let best = null, room = -1;
    for (let f = 0.05; f < 1; f += 0.05) {
      const x = box.x + f * box.width;
      const nearest = Math.min(Infinity, ...markers.map(m => Math.abs(m - x)));
      if (nearest > room) { best = x; room = nearest; }
    }
    return {x: best, y: y};
  }
  return null;
}"""
UPLOAD_INPUT = "#plan-upload input[type=file]"


def open_dashboard(page, live_server, query=""):
    page.goto(live_server.url + "/" + query)
    # Generous: on a loaded 2-core machine, Chromium alone takes seconds to draw.
    page.wait_for_selector("#timeline .js-plotly-plot .barlayer", timeout=45_000)


def settle(page):
    """Wait until no callback is running (Dash marks components that wait for one)."""
    page.wait_for_function("!document.querySelector('[data-dash-is-loading]')", timeout=30_000)


def drawn(page) -> set[str]:
    return set(page.evaluate(f"Array.from({DRAWN})"))


def wait_drawn(page, condition: str):
    """Wait until the set of drawn action ids (`ids`, a JS Set) satisfies `condition`."""
    page.wait_for_function(f"(ids => {condition})({DRAWN})", timeout=30_000)


def choose(page, dropdown: str, option: str):
    """Pick one option of a Dash 4 dropdown, as a person does, and close it."""
    page.click(f"#{dropdown}")
    page.get_by_role("option", name=option).click()
    page.keyboard.press("Escape")


def click_bar(page, action_id: str):
    """Click an action's bar as a person does, until the URL names it (on a loaded machine a
    click can land while Plotly is still binding its handlers to a fresh drawing)."""
    for _attempt in range(3):
        point = page.evaluate(BAR_POINT, action_id)
        page.mouse.click(point["x"], point["y"])
        try:
            page.wait_for_url(re.compile(f"action={action_id}"), timeout=10_000)
            return
        except PlaywrightTimeout:
            settle(page)
    raise AssertionError(f"clicking the bar of {action_id} did not select it")


def watch(page, errors: list[str]):
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))


def test_br001_example_plan_draws_every_axis_and_action(page, live_server, console_errors):
    open_dashboard(page, live_server)
    plan = load_path(EXAMPLE_PLAN).plan
    labels = page.evaluate(FIGURE_LAYOUT + ".yaxis.ticktext")
    for title in plan.axes["title"]:
        assert any(title in label for label in labels), title
    assert set(plan.actions["id"]) <= drawn(page)
    assert page.locator("#timeline .barlayer .point").count() >= len(plan.actions)
    # Key figures of the whole example, at its status date (15 October 2026).
    assert "Actions 40" in page.inner_text("#kpis").replace("\n", " ")
    assert "Au-delà du mandat 2026–2032" in page.inner_text("#past-term")
    assert console_errors == []


def test_br002_english_link_switches_labels(page, live_server, console_errors):
    open_dashboard(page, live_server)
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.click("#lang-link")
    page.wait_for_function("(document.querySelector('#timeline .js-plotly-plot')?.layout?.annotations"
                           " || []).some(a => a.text.startsWith('Status date'))")
    assert "lang=en" in page.url
    # Each label waits for its own callback (the figure's may come first under load).
    expect(page.locator("#lang-link")).to_have_text("Langue : français", timeout=20_000)
    expect(page.locator("#filter-text-label")).to_have_text("Search", timeout=20_000)
    expect(page.locator("#reset-view")).to_have_text("Reset", timeout=20_000)
    expect(page.locator("#filter-axes")).to_have_text("All axes", timeout=20_000)
    expect(page.locator("#kpis")).to_contain_text("Weighted progress", timeout=20_000)
    page.wait_for_function("document.documentElement.lang === 'en'", timeout=20_000)
    assert console_errors == []


def test_br003_filter_changes_the_figure_and_the_url_a_link_and_back_restore_it(
        page, live_server, console_errors):
    open_dashboard(page, live_server)
    everything = drawn(page)
    choose(page, "filter-axes", "Inclusion numérique")
    page.wait_for_url(re.compile(r"axes=AX2"))
    wait_drawn(page, "ids.size > 0 && ids.size < 40")
    inclusion = drawn(page)
    assert inclusion == {f"A{n}" for n in range(10, 17)}
    # The link opens the same view: same controls, same bars.
    other = page.context.new_page()
    watch(other, console_errors)
    open_dashboard(other, live_server, "?" + page.url.split("?", 1)[1])
    wait_drawn(other, "ids.size < 40")
    assert drawn(other) == inclusion
    assert other.inner_text("#filter-axes") == "Inclusion numérique"
    other.close()
    # Back restores the previous view, controls included.
    page.go_back()
    wait_drawn(page, "ids.size === 40")
    assert drawn(page) == everything and "axes=" not in page.url
    assert page.inner_text("#filter-axes") == "Tous les axes"
    assert console_errors == []


def test_br004_clicking_a_bar_opens_its_details_in_the_url(page, live_server, console_errors):
    open_dashboard(page, live_server)
    settle(page)
    click_bar(page, "A02")
    panel = page.locator("#action-details")
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert "Gestion de la relation usager (GRU) multicanale" in text
    assert "⚠ En retard" in text  # its late milestone, by icon and word
    assert "Délai moyen de réponse aux demandes des usagers" in text  # its indicator
    assert "Nadia Benali" in text and "780 000 €" in text.replace("\u202f", " ")
    page.wait_for_function("document.getElementById('action-details')"
                           ".contains(document.activeElement)")
    # Escape closes it; the URL forgets the action; Back opens it again.
    page.keyboard.press("Escape")
    panel.wait_for(state="hidden")
    assert "action=" not in page.url
    page.go_back()
    panel.wait_for(state="visible")
    assert "Gestion de la relation usager" in panel.inner_text()
    assert console_errors == []


def test_br005_presets_search_and_copied_link(page, live_server, console_errors):
    open_dashboard(page, live_server)
    plan_range = page.evaluate(FIGURE_LAYOUT + ".xaxis.range")
    current_term = page.get_by_role("button", name="Mandat en cours")
    current_term.click()
    page.wait_for_url(re.compile(r"vue=mandat"))
    page.wait_for_function(FIGURE_LAYOUT + ".xaxis.range[0].startsWith('2026-03-22')")
    assert page.evaluate(FIGURE_LAYOUT + ".xaxis.range") != plan_range
    assert current_term.get_attribute("aria-pressed") == "true"
    page.get_by_role("button", name="Tout", exact=True).click()
    page.wait_for_function(FIGURE_LAYOUT + ".xaxis.range[0] < '2021'")
    assert current_term.get_attribute("aria-pressed") == "false"
    # Typing in the search box: the URL follows, the focus stays in the box.
    page.click("#filter-text")
    page.keyboard.type("cyber", delay=30)
    page.wait_for_url(re.compile(r"q=cyber"))
    wait_drawn(page, "ids.size > 0 && ids.size < 40")
    assert page.evaluate("document.activeElement.id") == "filter-text"
    # One input event: dcc.Input restores a stale caret between quick keystrokes on a
    # loaded machine, which is not what this test is about.
    page.keyboard.insert_text("sécurité")
    page.wait_for_url(re.compile(r"q=cybers%C3%A9curit%C3%A9"))
    assert page.evaluate("document.activeElement.id") == "filter-text"
    # « Copier le lien »: an absolute link pinned to the plan's version and status date.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#copy-link-text")
    # dcc.Clipboard writes once its content is up to date: poll the clipboard.
    page.wait_for_selector("#copy-link .copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    version = load_path(EXAMPLE_PLAN).plan.version[:12]
    assert copied.startswith(live_server.url + "/?")
    assert f"version={version}" in copied and "date=2026-10-15" in copied
    assert "vue=tout" in copied and "q=cybers" in copied
    assert console_errors == []


@pytest.fixture
def upload_server(tmp_path_factory):
    """A server of its own: an upload becomes the newest version of the plan, which the
    session's server must not show to the tests that follow."""
    from settings import Settings
    from tests.conftest import LiveServer
    server = LiveServer(Settings(instance=tmp_path_factory.mktemp("upload-instance")))
    yield server
    server.stop()


def test_br006_uploads_a_broken_file_then_a_plan_whose_link_works(
        page, upload_server, console_errors, tmp_path, make_workbook):
    open_dashboard(page, upload_server, "?axes=AX1")
    before = drawn(page)
    broken = tmp_path / "abîmé.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    page.set_input_files(UPLOAD_INPUT, str(broken))
    page.wait_for_function("document.getElementById('plan-notice').innerText.length > 0")
    assert page.inner_text("#plan-notice").startswith("Le fichier « abîmé.xlsx »")
    assert "axes=AX1" in page.url and drawn(page) == before
    workbook = make_workbook({
        "Plan": [["id", "action", "début", "fin"],
                 ["P1", "Première action", dt.date(2026, 1, 1), dt.date(2026, 12, 31)],
                 ["P2", "Deuxième action", dt.date(2027, 1, 1), dt.date(2027, 6, 30)]]},
        name="petit plan.xlsx")
    page.set_input_files(UPLOAD_INPUT, str(workbook))
    page.wait_for_url(re.compile(r"\?version=[0-9a-f]{12}$"))
    wait_drawn(page, "ids.has('P1')")
    assert drawn(page) == {"P1", "P2"}
    assert page.inner_text("#plan-notice") == ""
    other = page.context.new_page()
    watch(other, console_errors)
    open_dashboard(other, upload_server, "?" + page.url.split("?", 1)[1])
    assert drawn(other) == {"P1", "P2"}
    other.close()
    # The refused file is answered 422 by /televerser, which Chromium logs as a failed
    # resource: that line is the expected refusal, anything else is an error.
    assert [error for error in console_errors if "status of 422" not in error] == []
    assert sum("status of 422" in error for error in console_errors) == 1


def test_br007_malformed_parameters_get_a_notice_and_the_date_field_moves_the_date(
        page, live_server, console_errors):
    open_dashboard(page, live_server, "?vue=zzz&foo=1")
    page.wait_for_function("document.getElementById('view-notice').innerText.length > 0")
    assert page.inner_text("#view-notice") == "Paramètres de l'adresse ignorés : « vue », « foo »."
    assert len(drawn(page)) == 40
    # The status date field shows the workbook's date; another date enters the URL.
    assert page.input_value("#status-date") == "15/10/2026"
    page.fill("#status-date", "31/12/2030")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"date=2030-12-31"))
    page.wait_for_function("(" + FIGURE_LAYOUT + ".annotations || []).some(a => "
                           "a.text.includes('31 décembre 2030'))")
    assert page.inner_text("#view-notice") == ""  # the URL was rewritten without them
    assert console_errors == []


def _hover_text(page, action_id: str) -> str:
    """The hover label of an action's bar, the mouse on it as a person's would be."""
    point = page.evaluate(BAR_POINT, action_id)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_selector("#timeline .hoverlayer .hovertext", timeout=15_000)
    return page.evaluate("document.querySelector('#timeline .hoverlayer').textContent")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_br008_budgets_are_written_by_plotly_as_horizon_writes_them(
        page, live_server, console_errors, lang):
    # Budgets travel as numbers; the page's Plotly writes them (`$,.0f` with the euro of
    # components.timeline.PLOTLY_LOCALES) exactly as format_money does, spaces plain.
    from plotly.offline import get_plotlyjs

    from components.i18n import format_money
    from components.timeline import BUDGET_FORMAT, PLOTLY_LOCALES
    plan = load_path(EXAMPLE_PLAN).plan
    open_dashboard(page, live_server, f"?lang={lang}")
    settle(page)
    budgets = plan.actions.set_index("id")["budget"]
    action_id = next(i for i in plan.actions["id"] if budgets[i] > 1000)
    expected = format_money(float(budgets[action_id]), lang)
    assert expected.replace("\u202f", " ").replace("\xa0", " ") in _hover_text(page, action_id)
    # Over a range of amounts, and a missing one (empty, as before), in a bare page with
    # the dashboard's Plotly locales (French thousands from assets/plotly-locale-fr.js).
    amounts = [0, 0.4, 999, 1000, 61_500, 1_250_000, 1_234_567.6, 1e9]
    french = (Path(__file__).parents[1] / "assets" / "plotly-locale-fr.js").read_text()
    page.set_content(f"<div id='g' style='width:600px;height:400px'></div>"
                     f"<script>{get_plotlyjs()}</script><script>{french}</script>")
    shown = page.evaluate("""async ([amounts, format, locales, lang]) => {
      const gd = document.getElementById('g');
      const data = [{type: 'scatter', mode: 'markers', x: amounts.map((_, i) => i).concat([9]),
                     y: amounts.map(() => 1).concat([1]),
                     customdata: amounts.map(a => [Math.round(a)]).concat([['']]),
                     hovertemplate: '[%{customdata[0]:' + format + '}]<extra></extra>'}];
      await Plotly.newPlot(gd, data, {hovermode: 'closest'}, {locale: lang, locales});
      const texts = [];
      for (let i = 0; i <= amounts.length; i++) {
        Plotly.Fx.unhover(gd);
        await new Promise(r => setTimeout(r, 60));
        Plotly.Fx.hover(gd, [{curveNumber: 0, pointNumber: i}]);
        texts.push(gd.querySelector('.hoverlayer').textContent);
      }
      return texts;
    }""", [amounts, BUDGET_FORMAT, PLOTLY_LOCALES, lang])
    expected = [f"[{format_money(a, lang)}]".replace("\u202f", " ").replace("\xa0", " ")
                for a in amounts] + ["[]"]
    assert shown == expected
    assert console_errors == []


def test_br009_unknown_columns_are_shown_in_the_action_s_details(page, console_errors,
                                                                 tmp_path):
    # Columns the contract does not know are kept, in sheet order, and shown in the details
    # of their action under « Autres colonnes » (issue 3: nothing lost).
    from settings import Settings
    from tests.conftest import LiveServer, write_workbook

    path = write_workbook(tmp_path / "plan.xlsx", {"Plan": [
        ["id", "action", "début", "fin", "Financement", "Marché n°"],
        ["A1", "Ouvrir les données", dt.date(2026, 1, 5), dt.date(2026, 9, 30), "FEDER",
         "2026-014"],
        ["A2", "Former les agents", dt.date(2026, 2, 1), dt.date(2026, 6, 30), None, None]]})
    server = LiveServer(Settings(plan=path, instance=tmp_path / "instance"))
    try:
        open_dashboard(page, server, "?action=A1")
        panel = page.locator("#action-details")
        panel.wait_for(state="visible", timeout=30_000)
        expect(panel).to_contain_text("Financement", timeout=20_000)
        text = panel.inner_text()
        assert "Autres colonnes" in text
        assert "FEDER" in text and "Marché n°" in text and "2026-014" in text
        assert text.index("Financement") < text.index("Marché n°")  # in sheet order
        open_dashboard(page, server, "?action=A2")
        expect(panel).to_contain_text("Former les agents", timeout=20_000)
        assert "Financement" not in panel.inner_text()  # no blank extra field shown
    finally:
        server.stop()
    assert console_errors == []
