"""What moved since the baseline, in Debian's Chromium: a committee secretary opens the link
that compares this month's plan with last committee's, reads the figures and the table,
opens an action from it by keyboard, and drops the comparison. Two versions are stored
as uploads store them (tests/slippage_plans.py: the baseline, then the example plan)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from components import ids
from components.details import HEADING as DETAILS_HEADING
from settings import Settings
from tests.conftest import LiveServer
from tests.slippage_plans import store_both_versions

pytestmark = pytest.mark.browser

SECTION = "#timeline-slippage-section"
ACTION_ROWS = ("#timeline-slippage-section .slippage-grid-actions .ag-center-cols-container"
               " .ag-row")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """(server, baseline prefix, current prefix)."""
    instance, base, current = store_both_versions(tmp_path_factory.mktemp("compared"))
    server = LiveServer(Settings(instance=instance))
    yield server, base, current
    server.stop()


def shown_ids(page, rows: str) -> list[str]:
    return page.eval_on_selector_all(rows, """rows => rows
        .sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index'))
        .map(r => r.getAttribute('row-id'))""")


def test_bs001_table_figures_and_ghost_bars(page, compared, console_errors):
    server, base, current = compared
    page.goto(f"{server.url}/?base={base}&version={current}")
    page.wait_for_selector(ACTION_ROWS, timeout=30_000)
    section = page.locator(SECTION)
    assert section.get_by_role("heading", level=2).inner_text() == (
        "Ce qui a bougé depuis la référence")
    assert f"Comparé à la version {base} (plan-mars.xlsx)." in section.inner_text()
    assert shown_ids(page, ACTION_ROWS) == ["A02", "A05", "A99", "A40", "A03"]
    a02 = page.locator(f"{ACTION_ROWS}[row-id='A02']")
    assert a02.locator("[col-id='end_shift']").inner_text() == "+45 j"
    assert a02.locator("[col-id='base_end']").inner_text() == "16 mai 2026"
    figures = section.locator(".slippage-kpis").inner_text()
    assert "Pire glissement" in figures and "+45 j" in figures and "+27,5 j" in figures
    late = section.locator(".slippage-grid-milestones")
    assert "⚠ Désormais en retard" in late.inner_text()
    # The chart draws the baseline's dates behind the bars (components/timeline.py).
    traces = page.evaluate("document.querySelector('#timeline .js-plotly-plot').data")
    ghosts = [trace for trace in traces if "référence" in (trace.get("name") or "").lower()]
    assert ghosts, [trace.get("name") for trace in traces]
    assert console_errors == []


def test_bs002_keyboard_opens_an_action_and_the_link_drops_the_baseline(page, compared,
                                                                        console_errors):
    server, base, current = compared
    page.goto(f"{server.url}/?base={base}&version={current}")
    page.wait_for_selector(ACTION_ROWS, timeout=30_000)
    # A grid cell takes the focus with Tab like any control; Enter opens the action.
    page.locator(f"{ACTION_ROWS}[row-id='A05'] [col-id='action']").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"action=A05"), timeout=15_000)
    page.wait_for_function(f"(document.getElementById({DETAILS_HEADING!r})?.innerText || '')"
                           ".includes('Audit RGAA')", timeout=15_000)
    page.locator(f"#{ids.DETAILS_CLOSE}").click()
    page.get_by_role("link", name="Ne plus comparer").click()
    page.wait_for_url(re.compile(r"^(?!.*base=)"), timeout=15_000)
    page.wait_for_selector(SECTION, state="detached", timeout=15_000)
    assert f"version={current}" in page.url
    assert console_errors == []


def test_bs003_committee_page_and_an_unknown_baseline(page, compared, console_errors):
    server, base, current = compared
    page.goto(f"{server.url}/comite?base={base}&version={current}")
    section = page.locator("#committee-slippage-section")
    section.locator(".slippage-grid-actions .ag-center-cols-container .ag-row").first.wait_for(
        timeout=30_000)
    assert "Ce qui a bougé depuis la référence" in section.inner_text()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const r = await axe.run('#committee-slippage-section', {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(' | '));
    }""")
    assert violations == []
    page.goto(f"{server.url}/?base=abcdef123456&version={current}")
    notice = page.locator(f"#{ids.VIEW_NOTICE}")
    notice.filter(has_text="abcdef123456").wait_for(timeout=30_000)
    assert "La version de référence « abcdef123456 » n'est pas sur ce serveur" in (
        notice.inner_text())
    assert page.locator(SECTION).count() == 0
    assert console_errors == []
