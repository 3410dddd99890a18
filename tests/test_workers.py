"""Serving under load with several gunicorn workers and threads: the library files a page
names are served by any worker from its first request on; the exports' Chromium runs at a
lower CPU priority than the requests of the pages."""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import psutil
import pytest

from exports.chromium import BROWSER, EXPORT_NICENESS
from tests.conftest import CHROMIUM
from tests.test_security import make_app


def test_wk001_a_worker_knows_the_library_files_before_its_first_request(tmp_path):
    # Dash registers them in its first-request setup, after marking the setup done: a
    # second thread's request for the grid's script, arriving meanwhile, got a 500
    # ("dash_ag_grid is not a registered library"), seen in the load test. create_app
    # registers them up front.
    fresh_worker = make_app(tmp_path)
    assert fresh_worker.registered_paths["dash_ag_grid"]
    page = make_app(tmp_path).server.test_client().get("/").get_data(as_text=True)
    files = re.findall(r'src="/_dash-component-suites/([^/"]+)/[^"]+"', page)
    assert "dash_ag_grid" in files  # the milestones' grid
    assert set(files) <= set(fresh_worker.registered_paths)


@pytest.mark.browser
def test_wk002_the_exports_chromium_yields_the_cores_to_the_pages(tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Debian's Chromium is not installed: apt-get install chromium")
    client = make_app(tmp_path).server.test_client()
    response = client.get("/export/timeline.png?vue=mandat")
    assert response.status_code == 200 and response.data[:4] == b"\x89PNG"
    assert BROWSER.process_id is not None, "the export's Chromium stays warm"
    launched = psutil.Process(BROWSER.process_id)
    browsers = [child for child in launched.children(recursive=True)
                if "chrom" in child.name().lower()]
    assert browsers  # the browser, its zygotes, GPU, utility and renderer processes
    assert all(process.nice() >= EXPORT_NICENESS for process in [launched, *browsers])
    # The server's own threads keep their priority.
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < EXPORT_NICENESS
