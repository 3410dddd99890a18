"""The dashboard in Debian's Chromium: what a person sees on the example plan."""
from __future__ import annotations

import pytest

from loaders import load_path
from settings import EXAMPLE_PLAN

pytestmark = pytest.mark.browser

FIGURE_DATA = "document.querySelector('#timeline .js-plotly-plot').data"
FIGURE_LAYOUT = "document.querySelector('#timeline .js-plotly-plot').layout"


def open_dashboard(page, live_server, query=""):
    page.goto(live_server.url + "/" + query)
    page.wait_for_selector("#timeline .js-plotly-plot .barlayer", timeout=20_000)


def test_br001_example_plan_draws_every_axis_and_action(page, live_server, console_errors):
    open_dashboard(page, live_server)
    plan = load_path(EXAMPLE_PLAN).plan
    labels = page.evaluate(FIGURE_LAYOUT + ".yaxis.ticktext")
    for title in plan.axes["title"]:
        assert any(title in label for label in labels), title
    drawn = page.evaluate(FIGURE_DATA + ".flatMap(t => (t.customdata || []).map(c => c[0]))")
    assert set(plan.actions["id"]) <= set(drawn)
    assert page.locator("#timeline .barlayer .point").count() >= len(plan.actions)
    assert console_errors == []


def test_br002_english_link_switches_labels(page, live_server, console_errors):
    open_dashboard(page, live_server)
    page.click("#lang-link")
    page.wait_for_function("(document.querySelector('#timeline .js-plotly-plot')?.layout?.annotations"
                           " || []).some(a => a.text.startsWith('Status date'))")
    assert "lang=en" in page.url
    assert page.locator("#lang-link").inner_text() == "Langue : français"
    assert console_errors == []
