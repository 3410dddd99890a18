"""Opening a workbook from the page: the upload callback, run in-process through Flask.

The request is the one Dash's renderer sends (POST /_dash-update-component), so these tests
cover the callback, the instance folder and the server's own size bound without a browser.
"""
from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from app import create_app, decode_upload
from loaders import UnreadableFile
from loaders.store import PlanStore
from pages.context import resolve
from settings import EXAMPLE_PLAN, Settings

D = dt.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def data_url(data: bytes, mime: str = XLSX) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


@pytest.fixture
def app(tmp_path):
    return create_app(Settings(instance=tmp_path / "instance", max_upload_mb=1))


def upload(app, data: bytes, name: str, search: str = "?axes=AX1&lang=fr") -> dict:
    """Send what dcc.Upload sends; return {output: value} of the callback's answer."""
    key = next(key for key in app.callback_map if "plan-upload.contents" in key)
    outputs = [{"id": output.component_id, "property": output.component_property}
               for output in app.callback_map[key]["output"]]
    payload = {"output": key, "outputs": outputs,
               "inputs": [{"id": "plan-upload", "property": "contents",
                           "value": data_url(data)}],
               "state": [{"id": "plan-upload", "property": "filename", "value": name},
                         {"id": "url", "property": "search", "value": search}],
               "changedPropIds": ["plan-upload.contents"]}
    response = app.server.test_client().post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:300]
    answer = json.loads(response.data)["response"]
    return {f"{component}.{prop}": value for component, props in answer.items()
            for prop, value in props.items()}


def test_up001_contents_are_decoded_or_refused_in_one_sentence():
    assert decode_upload(data_url(b"id;action"), "plan.csv") == b"id;action"
    with pytest.raises(UnreadableFile) as refused:
        decode_upload("data:text/csv;base64,%%%", "plan.csv")
    assert refused.value.code == "file_not_spreadsheet"


def test_up002_a_valid_workbook_is_kept_and_named_in_the_url(app, make_workbook, tmp_path):
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["P1", "Première", D(2026, 1, 1), D(2026, 12, 31)]]})
    answer = upload(app, path.read_bytes(), "mon plan.xlsx")
    search = answer["url.search"]
    assert search.startswith("?version=") and len(search.split("&")[0]) == len("?version=") + 12
    assert answer["plan-notice.children"] == ""
    # Another worker (another app on the same instance folder) serves the link.
    store = PlanStore(EXAMPLE_PLAN, tmp_path / "instance")
    context = resolve(store, search)
    assert context.version_found
    assert list(context.loaded.plan.actions["id"]) == ["P1"]
    assert context.loaded.plan.source == "mon plan.xlsx"


def test_up003_a_broken_file_gets_the_loaders_sentence_and_the_url_stays(app):
    answer = upload(app, b"PK\x03\x04garbage", "abime.xlsx")
    assert "url.search" not in answer  # no_update: the plan shown stays
    assert answer["plan-notice.children"].startswith("Le fichier « abime.xlsx »")
    assert answer["plan-upload.contents"] is None  # the same file can be chosen again


def test_up004_a_readable_file_without_actions_keeps_the_plan_shown(app):
    answer = upload(app, "ceci n'est pas un classeur".encode(), "texte.xlsx",
                    search="?lang=en")
    assert "url.search" not in answer
    assert answer["plan-notice.children"].startswith("Workbook “texte.xlsx” is not shown")


def test_up005_too_large_for_the_setting_then_for_the_server(app):
    answer = upload(app, b"x" * (1024 * 1024 + 1), "gros.csv")
    assert "1 Mo" in answer["plan-notice.children"]
    # Far above the limit, the server refuses the request before parsing it.
    assert app.server.config["MAX_CONTENT_LENGTH"] < 3 * 1024 * 1024
    response = app.server.test_client().post("/_dash-update-component",
                                             data=b"x" * (3 * 1024 * 1024),
                                             content_type="application/json")
    assert response.status_code == 413
