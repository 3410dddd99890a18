"""A page of the app printed to PDF by the process's warm Chromium (DevTools protocol).

A print job takes a tab on the app's own page (kept from the previous print when there is
one: see `_PrintTab`), waits until the page is quiet (no request in flight for a moment,
no Dash callback pending, every graph drawn), asks the page to trade its hatching for
dashed outlines (`horizonExports.prepareForPrint`, assets/exports.js: hatched bars make a
PDF huge and slow), then prints landscape A4, scaled to fit one page when the text stays
readable, with a footer that states source, version, status date and filters on every
page.

Why DevTools rather than `chromium --print-to-pdf`: a fresh Chromium costs 3.6 s before it
prints even `about:blank` on this machine, and the command line has no footer template.
The tab may only load the app's own origin: anything else is refused in the browser.
"""
from __future__ import annotations

import asyncio
import base64
import html
import json
import logging
import threading
import time
import weakref

from exports.chromium import BROWSER, BrowserUnavailable

PRINT_TIMEOUT = 30.0  # seconds, everything included
QUIET = 0.35  # seconds without a request in flight before the page counts as drawn
PAGE_WIDTH_IN, PAGE_HEIGHT_IN = 11.69, 8.27  # A4 landscape, in inches
MARGIN_IN = {"top": 0.35, "bottom": 0.5, "left": 0.35, "right": 0.35}  # room for the footer
# What the page may fill, in CSS pixels (96 per inch).
PRINTABLE_WIDTH = (PAGE_WIDTH_IN - MARGIN_IN["left"] - MARGIN_IN["right"]) * 96
PRINTABLE_HEIGHT = (PAGE_HEIGHT_IN - MARGIN_IN["top"] - MARGIN_IN["bottom"]) * 96
VIEWPORT = (1500, 1000)  # the screen the page is laid out for before printing
MIN_SCALE = 0.45  # below this text is unreadable on paper: print on more pages instead
MAX_CONCURRENT = 2  # PDFs printed at once by one process; more wait, then get a 503
MAX_USES = 50  # prints per tab before a fresh one
_slots = threading.BoundedSemaphore(MAX_CONCURRENT)
# Idle print tabs per browser (touched only from the browser's event loop).
_IDLE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
LOGGER = logging.getLogger(__name__)

DRAWN = """(() => {
  if (document.readyState !== 'complete') return false;
  if (document.querySelector('._dash-loading, [data-dash-is-loading="true"]')) return false;
  const graphs = Array.from(document.querySelectorAll('.dash-graph'));
  return graphs.every(graph => graph.querySelector('.main-svg'));
})()"""
PREPARE = ("window.horizonExports ? window.horizonExports.prepareForPrint()"
           " : Promise.resolve(0)")
AFTER = "window.horizonExports ? window.horizonExports.afterPrint() : Promise.resolve(0)"
HEIGHT = "Math.ceil(document.documentElement.scrollHeight)"


class PrintFailed(Exception):
    """The page could not be printed; the message is for the log, not for users."""


def print_page(url: str, origin: str, footer: str, timeout: float = PRINT_TIMEOUT,
               headers: dict[str, str] | None = None) -> bytes:
    """The PDF of `url` (on `origin`), with `footer` (plain text) at the bottom of each page.
    `headers` go with every request of the tab (security.printer_headers: who prints)."""
    if not _slots.acquire(timeout=timeout / 2):
        raise BrowserUnavailable("busy")
    try:
        return BROWSER.run(lambda browser: _print(browser, url, origin, footer, headers or {}),
                           timeout)
    finally:
        _slots.release()


async def _print(browser, url: str, origin: str, footer: str, headers: dict) -> bytes:
    pool = _IDLE.setdefault(browser, [])
    held = next((tab for tab in pool if tab.origin == origin and tab.headers == headers), None)
    if held is not None:
        pool.remove(held)
    kept = False
    try:
        began = time.perf_counter()
        if held is None:
            held = await _PrintTab.open(browser, origin, headers)
            await held.navigate(url)
        else:
            await held.visit(url)
        loaded_at = time.perf_counter()
        await held.network.quiet(lambda: _evaluate(held.tab, DRAWN))
        drawn_at = time.perf_counter()
        data = await held.print(footer)
        LOGGER.info("printed %s (%s tab): loaded %.2f s, drawn %.2f s, printed %.2f s", url,
                    "reused" if held.uses else "new", loaded_at - began, drawn_at - loaded_at,
                    time.perf_counter() - drawn_at)
        held.uses += 1
        kept = held.uses < MAX_USES and len(pool) < MAX_CONCURRENT
        return data
    finally:
        if kept:
            pool.append(held)
        elif held is not None:
            await browser.close_tab(held.tab.target_id)


class _PrintTab:
    """A tab on the app, kept between prints: the next print only changes its URL.

    The page's scripts, plotly.js and layout stay loaded; Dash's own history event makes
    the page read the new URL and run its callbacks, as a click on a link would (measured on
    a busy machine: 11.5 s a print with a new tab each time, 2.7 s with a kept one). A tab
    that failed is closed, never reused; a tab is renewed after MAX_USES prints, so nothing
    grows without bound.
    """

    def __init__(self, tab, origin: str, headers: dict | None = None):
        self.tab, self.origin, self.headers = tab, origin, headers or {}
        self.network = _Network(tab, origin)
        self.uses = 0

    @classmethod
    async def open(cls, browser, origin: str, headers: dict | None = None) -> "_PrintTab":
        tab = await browser.create_tab("", width=VIEWPORT[0], height=VIEWPORT[1], window=True)
        held = cls(tab, origin, headers)
        try:
            await held.network.start()
            if held.headers:  # the page prints with the role of whoever asked for it
                await _command(tab, "Network.setExtraHTTPHeaders", {"headers": held.headers})
            await _command(tab, "Page.enable")
            await _command(tab, "Emulation.setDeviceMetricsOverride",
                           {"width": VIEWPORT[0], "height": VIEWPORT[1],
                            "deviceScaleFactor": 1, "mobile": False})
        except BaseException:
            await browser.close_tab(tab.target_id)
            raise
        return held

    async def navigate(self, url: str) -> None:
        loaded = self.tab.subscribe_once("Page.loadEventFired")
        navigation = await _command(self.tab, "Page.navigate", {"url": url})
        if navigation.get("errorText"):
            raise PrintFailed(f"{url}: {navigation['errorText']}")
        await loaded

    async def visit(self, url: str) -> None:
        self.network.touch()
        path = json.dumps(url[len(self.origin):] if url.startswith(self.origin) else url)
        await _evaluate(self.tab, f"history.pushState(null, '', {path});"
                        " window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'))")

    async def print(self, footer: str) -> bytes:
        await _evaluate(self.tab, PREPARE, await_promise=True)
        await _command(self.tab, "Emulation.setEmulatedMedia", {"media": "print"})
        try:
            height = await _evaluate(self.tab, HEIGHT)
            scale = max(MIN_SCALE, min(1.0, PRINTABLE_WIDTH / VIEWPORT[0],
                                       PRINTABLE_HEIGHT / max(height, 1)))
            result = await _command(self.tab, "Page.printToPDF", {
                "landscape": True, "paperWidth": PAGE_HEIGHT_IN, "paperHeight": PAGE_WIDTH_IN,
                "marginTop": MARGIN_IN["top"], "marginBottom": MARGIN_IN["bottom"],
                "marginLeft": MARGIN_IN["left"], "marginRight": MARGIN_IN["right"],
                "printBackground": True, "scale": round(scale, 3), "preferCSSPageSize": False,
                "displayHeaderFooter": True, "headerTemplate": "<span></span>",
                "footerTemplate": _footer_template(footer),
            })
        finally:
            await _command(self.tab, "Emulation.setEmulatedMedia", {"media": ""})
            await _evaluate(self.tab, AFTER, await_promise=True)
        return base64.b64decode(result["data"])


def _footer_template(text: str) -> str:
    # Chromium draws header and footer apart from the page, at a tiny default size.
    return ('<div style="font-family: Arial, sans-serif; font-size: 7pt; color: #333;'
            ' width: 100%; margin: 0 0.35in; display: flex; justify-content: space-between;">'
            f'<span>{html.escape(text)}</span>'
            '<span><span class="pageNumber"></span>/<span class="totalPages"></span></span>'
            '</div>')


class _Network:
    """Requests in flight in one tab, and the guard that keeps them on the app's origin."""

    def __init__(self, tab, origin: str):
        self.tab, self.origin = tab, origin.rstrip("/") + "/"
        self.in_flight: set[str] = set()
        self.last_change = 0.0

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.last_change = loop.time()

        async def started(event):
            self.in_flight.add(event["params"]["requestId"])
            self.last_change = loop.time()

        async def ended(event):
            self.in_flight.discard(event["params"]["requestId"])
            self.last_change = loop.time()

        async def paused(event):
            params = event["params"]
            if params["request"]["url"].startswith(self.origin):
                await self.tab.send_command("Fetch.continueRequest",
                                            {"requestId": params["requestId"]})
            else:
                await self.tab.send_command("Fetch.failRequest",
                                            {"requestId": params["requestId"],
                                             "errorReason": "BlockedByClient"})

        self.tab.subscribe("Network.requestWillBeSent", started)
        self.tab.subscribe("Network.loadingFinished", ended)
        self.tab.subscribe("Network.loadingFailed", ended)
        self.tab.subscribe("Fetch.requestPaused", paused)
        await _command(self.tab, "Network.enable")
        await _command(self.tab, "Fetch.enable", {"patterns": [{"urlPattern": "*"}]})

    def touch(self) -> None:
        """Count from now: requests the page is about to send must come and go first."""
        self.last_change = asyncio.get_running_loop().time()

    async def quiet(self, drawn) -> None:
        """Return once nothing has been in flight for QUIET seconds and `drawn()` is true."""
        loop = asyncio.get_running_loop()
        while True:
            if not self.in_flight and loop.time() - self.last_change >= QUIET and await drawn():
                return
            await asyncio.sleep(0.05)


async def _command(tab, method: str, params: dict | None = None) -> dict:
    response = await tab.send_command(method, params)
    if "error" in response:
        raise PrintFailed(f"{method}: {response['error']}")
    return response.get("result", {})


async def _evaluate(tab, expression: str, await_promise: bool = False):
    result = await _command(tab, "Runtime.evaluate", {
        "expression": expression, "returnByValue": True, "awaitPromise": await_promise})
    if "exceptionDetails" in result:
        raise PrintFailed(f"{expression[:40]}…: {result['exceptionDetails'].get('text')}")
    return result["result"].get("value")
