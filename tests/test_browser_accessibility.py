"""RGAA checks in Chromium: axe-core on every page, and the filters by keyboard alone."""
from __future__ import annotations

import pytest

from tests.accessibility import serious_violations

pytestmark = pytest.mark.browser

PAGES = {"/": "#timeline .js-plotly-plot .barlayer", "/jalons": ".ag-row",
         "/comite": "#committee-side h3", "/coherence": "table",
         "/indicateurs": "[id^=indicator-]", "/accessibilite": "#accessibility-body h2"}


@pytest.mark.parametrize("path", list(PAGES))
def test_ax001_no_serious_axe_violation(page, live_server, console_errors, path):
    page.goto(live_server.url + path)
    page.wait_for_selector(PAGES[path], timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert serious_violations(page) == []
    assert console_errors == []


def test_ax002_a_filter_dropdown_opens_and_chooses_by_keyboard(page, live_server,
                                                              console_errors):
    page.goto(live_server.url + "/")
    page.wait_for_selector(PAGES["/"], timeout=30_000)
    page.focus("#filter-statuses")
    assert page.evaluate("document.activeElement.id") == "filter-statuses"
    page.keyboard.press("Enter")
    page.wait_for_selector("[role=option]", timeout=10_000)
    page.keyboard.press("ArrowDown")
    page.wait_for_function("document.activeElement.value === 'planned'", timeout=10_000)
    page.keyboard.press("Enter")
    page.wait_for_function("window.location.search.includes('statuts=planned')",
                           timeout=15_000)
    page.keyboard.press("Escape")
    assert console_errors == []


def test_ax003_tab_reaches_the_filters_in_order(page, live_server, console_errors):
    page.goto(live_server.url + "/")
    page.wait_for_selector(PAGES["/"], timeout=30_000)
    reached = []
    for _ in range(25):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id"))
    for control in ("filter-axes", "filter-services", "filter-owners", "filter-statuses",
                    "filter-weathers"):
        assert control in reached, (control, reached)
    assert console_errors == []


def test_ax004_timeline_as_a_table_opens_details_by_keyboard(page, live_server,
                                                            console_errors):
    page.goto(live_server.url + "/?axes=AX2")
    page.wait_for_selector(PAGES["/"], timeout=30_000)
    page.focus("#timeline-table-toggle")
    page.keyboard.press("Enter")
    rows = page.locator(".timeline-table tbody tr")
    drawn = page.evaluate("document.querySelector('#timeline .js-plotly-plot').layout"
                          ".yaxis.ticktext.filter(t => !t.startsWith('<b>'))")
    assert rows.count() == len(drawn) > 0
    first = page.locator(".timeline-table tbody th a").first
    title = first.inner_text()
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.location.search.includes('action=')", timeout=15_000)
    page.wait_for_selector("#action-details:not([hidden])", timeout=15_000)
    assert title in page.locator("#action-details").inner_text()
    assert console_errors == []
