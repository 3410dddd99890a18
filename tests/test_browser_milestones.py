"""The milestone tracker in Debian's Chromium, on the example plan (status date 15 October
2026): what the IT director sees, keeps in a link, and opens."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from components import ids
from components.details import HEADING as DETAILS_HEADING

pytestmark = pytest.mark.browser

LATE = ["J006", "J013", "J035", "J037", "J048", "J051", "J076"]
ROWS = "#milestones-grid .ag-center-cols-container .ag-row"
HEADERS = "#milestones-grid .ag-header-cell-text"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core, vendored from npm


def open_tracker(page, live_server, query=""):
    page.goto(live_server.url + "/jalons" + query)
    page.wait_for_selector(ROWS, timeout=20_000)


def wait_rows(page, count):
    page.wait_for_function(f"document.querySelectorAll({ROWS!r}).length === {count}",
                           timeout=10_000)


def shown_ids(page):
    """Row ids in the order shown (AG Grid positions rows, it does not reorder the DOM)."""
    return page.eval_on_selector_all(ROWS, """rows => rows
        .sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))
        .map(r => r.getAttribute('row-id'))""")


def choice(page, group, name):
    return page.locator(f"#{group}").get_by_role("button", name=name, exact=True)


def pressed(page, group, name):
    return choice(page, group, name).get_attribute("aria-pressed") == "true"


def wait_details(page, title):
    page.wait_for_function(f"(document.getElementById({DETAILS_HEADING!r})?.innerText || '')"
                           f".includes({title!r})", timeout=10_000)
    assert page.locator(f"#{ids.DETAILS}").is_visible()


def serious_violations_in_tracker(page):
    """axe-core's serious or critical findings (WCAG A/AA) inside the tracker's section."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run('.milestones-section', {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(' | '));
    }""")


def test_bm001_late_view_and_search_stay_in_the_link(page, live_server, console_errors):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_tracker(page, live_server)
    assert page.inner_text("#milestones-count") == "91 jalons affichés"
    choice(page, "milestones-quick-view", "En retard").click()
    page.wait_for_url(re.compile(r"/jalons\?jalons=retard$"))
    wait_rows(page, 7)
    assert sorted(shown_ids(page)) == LATE
    states = page.locator(f"{ROWS} [col-id='urgency']").all_inner_texts()
    assert len(states) == 7 and all(text.startswith("⚠ En retard de ") for text in states)
    # Sorted by urgency: the most overdue first (J037, planned 30 September 2025).
    assert shown_ids(page)[0] == "J037"
    assert pressed(page, "milestones-quick-view", "En retard")
    # Dates sort by date, not by their French words (« 31 juillet » would come first).
    planned = page.locator("#milestones-grid .ag-header-cell[col-id='planned']")
    planned.click()
    planned.click()
    page.wait_for_selector(f"{ROWS}[row-id='J076'][row-index='0']", timeout=10_000)
    assert shown_ids(page) == ["J076", "J051", "J048", "J013", "J006", "J035", "J037"]

    # Column filters speak French.
    page.locator("#milestones-grid .ag-header-cell[col-id='title'] .ag-header-cell-filter-button"
                 ).click()
    page.wait_for_selector(".ag-filter", timeout=5_000)
    assert "Contient" in page.inner_text(".ag-filter")
    assert page.locator(".ag-filter input").first.get_attribute("placeholder") == "Filtrer…"
    page.keyboard.press("Escape")

    page.get_by_label("Rechercher un jalon").fill("CCAS")
    page.wait_for_url(re.compile(r"jalons_q=CCAS"))
    wait_rows(page, 1)
    link = page.url
    assert "jalons=retard" in link

    # The link reproduces the view: quick view pressed, search filled, one row.
    page.goto("about:blank")
    open_tracker(page, live_server, link[link.index("?"):])
    wait_rows(page, 1)
    assert shown_ids(page) == ["J037"]
    assert page.input_value("#milestones-search") == "CCAS"
    assert pressed(page, "milestones-quick-view", "En retard")
    assert not pressed(page, "milestones-quick-view", "Tous")
    # Everything came from this server: the grid's scripts and styles are served locally.
    assert requests and all(url.startswith(live_server.url) or url.startswith(("data:", "about:"))
                            for url in requests), [url for url in requests
                                                   if not url.startswith(live_server.url)]
    assert console_errors == []


def test_bm002_english_grouping_and_a_row_opens_its_action(page, live_server, console_errors):
    open_tracker(page, live_server, "?lang=en&jalons_groupe=porteur&jalons=retard&date=2026-10-15")
    page.wait_for_function(f"document.querySelector({HEADERS!r})?.innerText === 'Owner'",
                           timeout=10_000)
    headers = page.locator(HEADERS).all_inner_texts()
    assert headers[:4] == ["Owner", "No.", "Milestone", "Action"]
    assert {"Planned date", "Actual date", "State"} <= set(headers)
    assert page.inner_text("#milestones-heading") == "Milestone tracker"
    assert page.get_by_label("Search milestones").count() == 1
    assert pressed(page, "milestones-group", "Owner")
    wait_rows(page, 7)
    states = page.locator(f"{ROWS} [col-id='urgency']").all_inner_texts()
    assert all(text.startswith("⚠ Late by ") for text in states)
    # Grouped by owner: owners in alphabetical order, accented letters with their base letter.
    owners = page.locator("#milestones-grid .ag-pinned-left-cols-container [col-id='owner']"
                          ).all_inner_texts()
    assert len(owners) == 7 and owners == sorted(owners, key=lambda name: name.replace("É", "E"))

    # Buttons, search box and grid (grouped, in English) pass axe-core.
    assert serious_violations_in_tracker(page) == []

    # A click on a row selects its action in the URL, keeping the rest of the view, and the
    # shell's details panel opens on it.
    page.locator(f"{ROWS}[row-id='J006'] [col-id='title']").click()
    page.wait_for_url(re.compile(r"action=A02"))
    assert all(part in page.url for part in ("jalons=retard", "date=2026-10-15", "lang=en"))
    wait_details(page, "Gestion de la relation usager")
    # By keyboard: the focused cell of J013's row, then Enter.
    page.locator(f"{ROWS}[row-id='J013'] [col-id='title']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"action=A05"))
    wait_details(page, "Audit RGAA")
    page.click(f"#{ids.DETAILS_CLOSE}")
    page.wait_for_url(re.compile(r"^(?!.*action=)"))

    choice(page, "milestones-group", "No grouping").click()
    page.wait_for_url(re.compile(r"^(?!.*jalons_groupe).*lang=en"))
    page.wait_for_function(f"document.querySelector({HEADERS!r})?.innerText === 'No.'",
                           timeout=10_000)
    assert console_errors == []
