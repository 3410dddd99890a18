"""The committee screen in Chromium: one 1920×1080 screen, presentation mode, accessibility."""
from __future__ import annotations

import pytest

from tests.accessibility import serious_violations

pytestmark = pytest.mark.browser


def open_page(page, live_server, path):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server.url + path)
    page.wait_for_selector("#committee-timeline .js-plotly-plot .barlayer", timeout=30_000)
    page.wait_for_selector("#committee-side h3", timeout=30_000)


def test_cm001_presentation_fits_one_screen_with_large_text(page, live_server, console_errors):
    open_page(page, live_server, "/comite?presentation=1")
    assert page.locator("#view-controls").is_hidden()
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    side_size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#committee-side li')).fontSize)")
    assert side_size >= 18
    tick_size = page.evaluate("document.querySelector('#committee-timeline .js-plotly-plot')"
                              ".layout.yaxis.tickfont.size")
    assert tick_size >= 18
    # The seven late milestones of the example plan are counted, the first six listed.
    assert "Jalons en retard (7)" in page.locator("#committee-side").inner_text()
    assert console_errors == []


def test_cm002_zoomed_on_the_current_term_and_filters_apply(page, live_server, console_errors):
    open_page(page, live_server, "/comite?axes=AX2")
    x_range = page.evaluate("document.querySelector('#committee-timeline .js-plotly-plot')"
                            ".layout.xaxis.range")
    assert x_range[0].startswith("2026-03-22")
    labels = page.evaluate("document.querySelector('#committee-timeline .js-plotly-plot')"
                           ".layout.yaxis.ticktext")
    assert labels[0] == "<b>Inclusion numérique</b>"
    assert page.locator("#view-controls").is_visible()
    assert console_errors == []


def test_cm003_accessibility_statement_reachable_and_axe_clean(page, live_server,
                                                                console_errors):
    open_page(page, live_server, "/comite")
    page.click("#nav-accessibilite")
    page.wait_for_selector("#accessibility-body h2")
    assert "Déclaration d'accessibilité" in page.locator("#accessibility-body").inner_text()
    assert serious_violations(page) == []
    assert console_errors == []


def test_cm004_example_timeline_fits_a_projector_without_scrolling(page, live_server,
                                                                  console_errors):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server.url + "/")
    page.wait_for_selector("#timeline .js-plotly-plot .barlayer", timeout=30_000)
    page.wait_for_selector("#kpis dt", timeout=30_000)
    # The whole picture (chart, legend, past-term summary) is on screen; the table toggle
    # and the footer follow it, below the fold, and nothing covers them.
    bottom = page.evaluate("""Math.max(
        document.querySelector('#timeline .main-svg').getBoundingClientRect().bottom,
        document.querySelector('.past-term').getBoundingClientRect().bottom)""")
    assert bottom <= 1080
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    toggle = page.locator("#timeline-table-toggle")
    toggle.scroll_into_view_if_needed()
    assert page.evaluate("""(() => {
        const box = document.getElementById('timeline-table-toggle').getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + 5, box.top + box.height / 2);
        return hit && hit.closest('summary') !== null; })()""")
    assert console_errors == []
