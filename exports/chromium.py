"""One headless Chromium per worker process, shared by the image and PDF exports.

The browser is Kaleido's (a `choreographer.Browser`): Kaleido renders figures in its own
tab, and a PDF job opens a tab of its own in the same browser and prints it through the
DevTools protocol. It starts lazily, behind a lock, at the first export a process serves
(after gunicorn forks), in a daemon thread that runs its own asyncio loop; Flask's threads
submit jobs to that loop and wait with a timeout, so a stuck browser costs one request its
timeout, never a worker.

Why not `kaleido.start_sync_server()`: measured here, when Chromium cannot start, its
server thread dies and every later call waits forever on a queue; its calls take no
timeout; and two threads calling it at once share one return queue. The warm browser
brings a figure to ~0.3 s and a printed page to ~1 s, where a fresh Chromium costs 3.6 s
to print even `about:blank` on this machine.
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import ctypes
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import kaleido
from choreographer.errors import (BrowserClosedError, BrowserFailedError, ChannelClosedError,
                                  ChromeNotFoundError)

T = TypeVar("T")
Job = Callable[[kaleido.Kaleido], Awaitable[T]]

LOGGER = logging.getLogger(__name__)
START_TIMEOUT = 30.0  # seconds for Chromium to start and Kaleido to load plotly.js
RENDER_TIMEOUT = 30.0  # seconds Kaleido may spend on one figure
RETRY_AFTER = 30.0  # after a failed start, one-shot browsers serve until this has passed
# Chromium's CPU priority (nice): exports yield the cores to the dashboard's own requests.
# Under load a picture costs about a second of Chromium time, and the callbacks of the
# pages people are reading queued behind it; at 10 a busy core gives Chromium a tenth.
EXPORT_NICENESS = 10
_PR_CAPBSET_DROP, _CAP_SYS_NICE = 24, 23  # <linux/prctl.h>, <linux/capability.h>
# Errors that mean the browser itself is gone or never came: start a new one.
BROWSER_ERRORS = (BrowserClosedError, BrowserFailedError, ChannelClosedError, ConnectionError,
                  EOFError)


class BrowserUnavailable(Exception):
    """The export needs Chromium and could not get it in time; `code` says why."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code  # "missing", "failed", "timeout", "busy"


def _options() -> dict:
    # MathJax would come from a CDN (none here, and our figures have no LaTeX); plotly.js
    # comes from the installed plotly package, so nothing is fetched from the network.
    return {"mathjax": False, "timeout": RENDER_TIMEOUT}


class WarmBrowser:
    """The process's browser: `run(job, timeout)` gives `job` the open Kaleido."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser: kaleido.Kaleido | None = None
        self._failed_at = 0.0

    def run(self, job: Job[T], timeout: float) -> T:
        """Run `job` in the warm browser; a fresh one-shot browser if the warm one fails."""
        try:
            loop, browser = self._ensure()
        except ChromeNotFoundError as error:
            raise BrowserUnavailable("missing", str(error)) from error
        except (BrowserUnavailable, *BROWSER_ERRORS) as error:
            LOGGER.warning("warm Chromium unavailable, one-shot export instead: %s", error)
            return _one_shot(job, timeout)
        # The job's time starts once the browser is there: a cold start adds START_TIMEOUT.
        deadline = time.monotonic() + timeout
        future = asyncio.run_coroutine_threadsafe(job(browser), loop)
        try:
            return future.result(max(deadline - time.monotonic(), 0.1))
        except concurrent.futures.TimeoutError as error:
            future.cancel()
            raise BrowserUnavailable("timeout") from error
        except BROWSER_ERRORS as error:
            LOGGER.warning("warm Chromium failed, restarting it at the next export: %s", error)
            self.reset()
            return _one_shot(job, deadline - time.monotonic())

    @property
    def started(self) -> bool:
        return self._browser is not None and self._pid == os.getpid()

    @property
    def process_id(self) -> int | None:
        """The process choreographer started for the warm browser (Chromium runs under it),
        or None before the first export."""
        return self._browser.subprocess.pid if self.started else None

    def _ensure(self) -> tuple[asyncio.AbstractEventLoop, kaleido.Kaleido]:
        with self._lock:
            if self.started and self._loop is not None and self._loop.is_running():
                return self._loop, self._browser
            if time.monotonic() - self._failed_at < RETRY_AFTER:
                raise BrowserUnavailable("failed", "the last start failed moments ago")
            # A forked worker inherits its parent's objects, not its threads: start afresh.
            self._browser, self._loop, self._pid = None, None, os.getpid()
            loop = asyncio.new_event_loop()
            threading.Thread(target=_lowered(loop.run_forever), name="horizon-chromium",
                             daemon=True).start()
            opening = asyncio.run_coroutine_threadsafe(_open(), loop)
            try:
                browser = opening.result(START_TIMEOUT)
            except (concurrent.futures.TimeoutError, ChromeNotFoundError,
                    *BROWSER_ERRORS) as error:
                self._failed_at = time.monotonic()
                _abandon(opening, loop)
                if isinstance(error, ChromeNotFoundError):
                    raise
                raise BrowserUnavailable("failed", str(error)) from error
            self._loop, self._browser = loop, browser
            return loop, browser

    def reset(self) -> None:
        """Close the browser (if any); the next export starts a new one."""
        with self._lock:
            loop, browser = self._loop, self._browser
            self._loop, self._browser = None, None
        if loop is None or browser is None:
            return
        closing = asyncio.run_coroutine_threadsafe(browser.close(), loop)
        try:
            closing.result(5)
        except (concurrent.futures.TimeoutError, *BROWSER_ERRORS) as error:
            LOGGER.warning("Chromium did not close cleanly: %s", error)
        loop.call_soon_threadsafe(loop.stop)


def _abandon(opening: concurrent.futures.Future, loop: asyncio.AbstractEventLoop) -> None:
    """Give up on a start: close its browser if it still arrives, then stop its loop.

    Cancelling a start half-way could leave a Chromium process behind; letting it finish
    and closing it does not.
    """
    def stop(_future=None):
        loop.call_soon_threadsafe(loop.stop)

    def arrived(future: concurrent.futures.Future):
        if future.cancelled() or future.exception() is not None:
            stop()
            return
        asyncio.run_coroutine_threadsafe(future.result().close(), loop).add_done_callback(stop)

    opening.add_done_callback(arrived)


def _lowered(target: Callable[[], object]) -> Callable[[], None]:
    """`target`, run at EXPORT_NICENESS. On Linux the nice value belongs to a thread, and the
    threads and processes it starts inherit it: the thread that drives Chromium starts the
    browser (through choreographer's own threads), so every Chromium process runs lowered,
    and the server's request threads keep their priority."""
    def run() -> None:
        thread = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, max(current, EXPORT_NICENESS))
        if os.geteuid() == 0:
            _without_raising_priority()
        target()
    return run


def _without_raising_priority() -> None:
    """Run as root, Chromium sets its processes' priorities itself (its browser at -8, its
    renderers at 5), undoing the nice value it inherited: take the right to raise a
    priority (CAP_SYS_NICE) out of what this thread's children may ever have. The
    capability bounding set is per thread on Linux; the server's other threads keep it."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_CAPBSET_DROP, _CAP_SYS_NICE, 0, 0, 0) != 0:
        LOGGER.warning("Chromium may raise its own priority: prctl failed (errno %d)",
                       ctypes.get_errno())


async def _open() -> kaleido.Kaleido:
    """A Kaleido browser, built and opened inside the loop that will drive it."""
    browser = kaleido.Kaleido(**_options())  # raises ChromeNotFoundError at once
    await browser.open()
    return browser


def _one_shot(job: Job[T], timeout: float) -> T:
    """Run `job` in a browser started for it alone (about 3 s more), within `timeout`."""
    if timeout <= 0:
        raise BrowserUnavailable("timeout")
    result: list = []

    async def once():
        async with kaleido.Kaleido(**_options()) as browser:
            return await job(browser)

    def target():
        try:
            result.append(asyncio.run(once()))
        except BaseException as error:  # handed to the waiting request thread below
            result.append(error)

    worker = threading.Thread(target=_lowered(target), name="horizon-chromium-once",
                              daemon=True)
    worker.start()
    worker.join(timeout)
    if not result:
        raise BrowserUnavailable("timeout")
    if isinstance(result[0], ChromeNotFoundError):
        raise BrowserUnavailable("missing", str(result[0])) from result[0]
    if isinstance(result[0], BROWSER_ERRORS):
        raise BrowserUnavailable("failed", str(result[0])) from result[0]
    if isinstance(result[0], BaseException):
        raise result[0]
    return result[0]


BROWSER = WarmBrowser()
atexit.register(BROWSER.reset)
