"""`/coherence` and `/indicateurs` in Debian's Chromium, on the example plan."""
from __future__ import annotations

import pytest

from loaders import load_path
from settings import EXAMPLE_PLAN

pytestmark = pytest.mark.browser

MATRIX = "#coherence-matrix table.coherence-matrix"
CARDS = "#indicators-body .indicator-card"
STATES = {"fr": ("✔ Sur la trajectoire", "⚠ En retard sur la trajectoire",
                 "? Données insuffisantes"),
          "en": ("✔ On track", "⚠ Behind the trajectory", "? Not enough data")}
WAIT_MS = 45_000  # generous: the machine may be busy; a passing test does not wait this long
# What a person reads on each card, in one round trip rather than three per card.
READ_CARDS = f"""Array.from(document.querySelectorAll('{CARDS}')).map(card => ({{
    id: card.id,
    state: card.querySelector('.indicator-state').innerText,
    text: card.innerText,
    traces: card.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length,
}}))"""
CHARTS_DRAWN = (f"n => document.querySelectorAll('{CARDS}').length === n && "
                f"Array.from(document.querySelectorAll('{CARDS}')).every(card => "
                "card.querySelector('.js-plotly-plot .scatterlayer .trace'))")


@pytest.fixture(scope="module")
def example_axes():
    return load_path(EXAMPLE_PLAN).plan.axes


def open_coherence(page, live_server, query=""):
    page.goto(live_server.url + "/coherence" + query)
    page.wait_for_selector(MATRIX, timeout=WAIT_MS)


def row_headers(page) -> list[str]:
    return page.locator(f"{MATRIX} tbody th[scope=row] .axis-title").all_inner_texts()


def year_headers(page) -> list[str]:
    return page.locator(f"{MATRIX} thead th[scope=col]").all_inner_texts()


def count_in(page, section: str) -> int:
    return int(page.locator(f"#{section} h2 .count").inner_text())


def test_bc001_matrix_shows_every_axis_every_year_and_the_gaps(page, live_server, example_axes,
                                                               console_errors):
    open_coherence(page, live_server)
    assert page.locator(f"{MATRIX} caption").inner_text().startswith("Nombre d'actions")
    assert row_headers(page) == [*example_axes["title"], "Hors stratégie"]
    assert year_headers(page) == ["Axe", *map(str, range(2023, 2034)), "Total"]
    total = page.locator(f"{MATRIX} tfoot td").last.inner_text()
    assert "40 actions" in total and "13\u202f885\u202f000 €" in total
    assert count_in(page, "coherence-idle-axes") == 1
    assert "Territoire intelligent" in page.locator("#coherence-idle-axes li").inner_text()
    assert count_in(page, "coherence-outside-strategy") == 1
    assert page.locator("#coherence-outside-strategy li a").inner_text().startswith("A39")
    assert count_in(page, "coherence-outside-horizon") == 0
    assert count_in(page, "coherence-milestones-outside") == 0
    assert count_in(page, "coherence-past-term") == 4
    assert console_errors == []


def test_bc002_axis_filter_leaves_one_axis_whose_link_leads_to_its_indicators(
        page, live_server, console_errors):
    open_coherence(page, live_server, "?axes=AX1")
    assert row_headers(page) == ["Services publics numériques accessibles"]
    assert year_headers(page) == ["Axe", *map(str, range(2023, 2033)), "Total"]
    assert count_in(page, "coherence-outside-strategy") == 0
    assert page.locator("#coherence-past-term tbody th").all_inner_texts() == [
        "Services publics numériques accessibles"]
    # From the axis to its indicators: its own (I14) and its actions' (A01, A02, A05, A03).
    page.locator(f"{MATRIX} .axis-indicators").click()
    page.wait_for_function(CHARTS_DRAWN, arg=5, timeout=WAIT_MS)
    assert page.url.endswith("/indicateurs?axes=AX1")
    cards = page.evaluate(READ_CARDS)
    assert [card["id"] for card in cards] == [
        "indicator-I01", "indicator-I02", "indicator-I04", "indicator-I12", "indicator-I14"]
    assert console_errors == []


def test_bc003_indicators_show_fifteen_cards_with_state_and_chart(page, live_server,
                                                                  console_errors):
    page.goto(live_server.url + "/indicateurs")
    page.wait_for_function(CHARTS_DRAWN, arg=15, timeout=WAIT_MS)
    cards = page.evaluate(READ_CARDS)
    assert [card["id"] for card in cards] == [f"indicator-I{n:02d}" for n in range(1, 16)]
    for card in cards:
        assert card["state"].startswith(STATES["fr"]), card
        assert card["traces"] >= 1, card
    assert cards[14]["state"].startswith("? Données insuffisantes")  # I15: no measure yet
    assert "68\u00a0% au 30 septembre 2026" in cards[0]["text"]
    assert "5\u202f200 au 30 septembre 2026" in cards[2]["text"]
    assert console_errors == []


def test_bc004_english_link_and_anchor_reach_one_card(page, live_server, console_errors):
    open_coherence(page, live_server, "?lang=en")
    assert page.locator("#coherence-outside-strategy h2").inner_text().startswith(
        "Actions outside the strategy")
    assert row_headers(page)[-1] == "Outside the strategy"
    assert page.locator(f"{MATRIX} caption").inner_text().startswith("Number of actions")
    # A link such as the details panel's, `/indicateurs?…#I12`, followed inside the app.
    page.evaluate("""() => {
        window.history.pushState({}, '', '/indicateurs?lang=en#I12');
        window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
    }""")
    page.wait_for_selector("#indicator-I12.is-target", timeout=WAIT_MS)
    assert page.evaluate("document.activeElement.id") == "indicator-I12"
    assert page.evaluate("""() => {
        const box = document.getElementById('indicator-I12').getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight;
    }""")  # scrolled into view
    assert page.locator("#indicators-body h2").first.inner_text() == "Indicators"
    states = page.locator(f"{CARDS} .indicator-state").all_inner_texts()
    assert len(states) == 15 and all(state.startswith(STATES["en"]) for state in states)
    assert console_errors == []
