"""Shared fixtures: small workbooks in tmp_path, and the app served for browser tests."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import openpyxl
import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write `{sheet name: rows}` as an .xlsx (first row = header, Excel row 1)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def make_workbook(tmp_path):
    """Build a small workbook in tmp_path: `make_workbook({"Plan": [[...], ...]})`."""
    def make(sheets: dict[str, list[list]], name: str = "plan.xlsx") -> Path:
        return write_workbook(tmp_path / name, sheets)
    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Debian's Chromium is not installed: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--disable-quic", "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Playwright's wait_for_function evaluates its string with eval(), which the app's CSP
    # forbids (no 'unsafe-eval'); tests/test_browser_security.py opens every page and
    # export under the real CSP instead, and fails on any violation.
    return {**browser_context_args, "bypass_csp": True}


class LiveServer:
    """The app served by werkzeug in a thread, on a free port of 127.0.0.1."""

    def __init__(self, settings):
        from werkzeug.serving import make_server

        from app import create_app
        self.app = create_app(settings)
        self.server = make_server("127.0.0.1", 0, self.app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from settings import Settings
    instance = tmp_path_factory.mktemp("instance")
    server = LiveServer(Settings(instance=instance))
    yield server
    server.stop()


@pytest.fixture
def console_errors(page):
    """Console errors and page errors seen during a browser test (must stay empty)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors




# Real servers (started by `.ci/services`): tests that talk to them skip locally with a clear
# message when nothing answers, and fail in CI, where the servers must be there.
POSTGRES_URL = "postgresql+psycopg://horizon:horizon@127.0.0.1:5432/horizon_test"
REDIS_URL = "redis://127.0.0.1:6379/15"


def _server_missing(what: str, url: str, error: BaseException) -> None:
    message = (f"{what} unreachable at {url} ({type(error).__name__}: {error}); "
               "start it with `sudo .ci/services`")
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A SQLAlchemy URL of a real PostgreSQL database for the tests."""
    import sqlalchemy
    url = os.environ.get("HORIZON_TEST_DATABASE_URL", POSTGRES_URL)
    engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("select 1"))
    except sqlalchemy.exc.OperationalError as error:
        _server_missing("PostgreSQL", url, error)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of a real Redis database (number 15) for the tests, emptied first."""
    import redis
    url = os.environ.get("HORIZON_TEST_REDIS_URL", REDIS_URL)
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as error:
        _server_missing("Redis", url, error)
    finally:
        client.close()
    return url
