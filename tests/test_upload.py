"""Opening a workbook from the page: POST /televerser, run in-process through Flask.

The request is the one assets/upload.js sends (multipart field `fichier`, the page's query
string in `vue`, the CSRF token from the `_csrf_token` cookie as X-CSRFToken), so these
tests cover the route, the versions store and the server's own size bound without a
browser. Roles and CSRF refusals are in test_security.py.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from urllib.parse import quote

import pytest

from app import create_app
from loaders.store import PlanStore
from pages.context import resolve
from settings import EXAMPLE_PLAN, Settings

D = dt.date


@pytest.fixture
def app(tmp_path):
    return create_app(Settings(instance=tmp_path / "instance", max_upload_mb=1))


def signed_client(app):
    """A test client that opened the page once, so it holds the CSRF cookie."""
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    return client


def upload(client, data: bytes, name: str, search: str = "?axes=AX1&lang=fr", **fields):
    """Send what assets/upload.js sends; return (status, JSON answer)."""
    token = client.get_cookie("_csrf_token").value
    response = client.post("/televerser?vue=" + quote(search),
                           data={"fichier": (io.BytesIO(data), name), **fields},
                           headers={"X-CSRFToken": token}, content_type="multipart/form-data")
    return response.status_code, json.loads(response.data)


def test_up001_a_valid_workbook_is_kept_and_named_in_the_url(app, make_workbook, tmp_path):
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["P1", "Première", D(2026, 1, 1), D(2026, 12, 31)]]})
    status, answer = upload(signed_client(app), path.read_bytes(), "mon plan.xlsx")
    assert status == 200
    search = answer["search"]
    assert search.startswith("?version=") and len(search.split("&")[0]) == len("?version=") + 12
    assert "axes=" not in search  # a new plan starts with its own filters
    # Another worker (another store on the same instance folder) serves the link.
    store = PlanStore(EXAMPLE_PLAN, tmp_path / "instance")
    context = resolve(store, search)
    assert context.version_found
    assert list(context.loaded.plan.actions["id"]) == ["P1"]
    assert context.loaded.plan.source == "mon plan.xlsx"


def test_up002_language_zoom_and_colours_follow_the_new_version(app, make_workbook):
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["P1", "Première", D(2026, 1, 1), D(2026, 12, 31)]]})
    status, answer = upload(signed_client(app), path.read_bytes(), "plan.xlsx",
                            search="?lang=en&vue=tout&couleur=meteo&q=texte")
    assert status == 200
    query = answer["search"]
    assert "lang=en" in query and "vue=tout" in query and "couleur=meteo" in query
    assert "q=" not in query


def test_up003_a_broken_file_gets_the_loaders_sentence(app):
    status, answer = upload(signed_client(app), b"PK\x03\x04garbage", "abime.xlsx")
    assert status == 422
    assert answer["error"].startswith("Le fichier « abime.xlsx »")
    assert "search" not in answer  # the page keeps the plan it shows


def test_up004_a_readable_file_without_actions_is_refused_in_english(app):
    status, answer = upload(signed_client(app), "ceci n'est pas un classeur".encode(),
                            "texte.xlsx", search="?lang=en")
    assert status == 422
    assert answer["error"].startswith("Workbook “texte.xlsx” is not shown")


def test_up005_too_large_for_the_setting_then_for_the_server(app):
    client = signed_client(app)
    status, answer = upload(client, b"x" * (1024 * 1024 + 1), "gros.csv")
    assert status == 413 and "1 Mo" in answer["error"]
    # Far above the limit, the request is refused from its declared length, unread.
    assert app.server.config["MAX_CONTENT_LENGTH"] < 2 * 1024 * 1024
    status, answer = upload(client, b"x" * (3 * 1024 * 1024), "enorme.csv")
    assert status == 413
    assert answer["error"] == ("Ce fichier dépasse la taille maximale de 1 Mo : allégez-le "
                               "ou découpez-le.")
    # Any other route too: Werkzeug refuses a body over MAX_CONTENT_LENGTH.
    token = client.get_cookie("_csrf_token").value
    response = client.post("/_dash-update-component", data=b"x" * (3 * 1024 * 1024),
                           content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 413


def test_up006_no_file_is_one_sentence(app):
    client = signed_client(app)
    token = client.get_cookie("_csrf_token").value
    response = client.post("/televerser", data={"libelle": "COPIL"},
                           headers={"X-CSRFToken": token}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert json.loads(response.data)["error"] == ("Aucun fichier reçu : choisissez un classeur "
                                                  "à téléverser.")


def test_up007_label_and_plan_are_kept_with_the_version(app, make_workbook, tmp_path):
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["P1", "Première", D(2026, 1, 1), D(2026, 12, 31)]]})
    status, answer = upload(signed_client(app), path.read_bytes(), "copil.xlsx",
                            libelle="COPIL du 12 mars", plan="copil-nord")
    assert status == 200 and "plan=copil-nord" in answer["search"]
    store = PlanStore(EXAMPLE_PLAN, tmp_path / "instance")
    newest = store.versions("copil-nord")[0]
    assert (newest.label, newest.sender, newest.filename) == ("COPIL du 12 mars", "éditeur",
                                                              "copil.xlsx")


def test_up008_no_dash_callback_takes_a_file_any_more(app):
    inputs = [item["id"] + "." + item["property"] for callback in app.callback_map.values()
              for item in callback["inputs"]]
    assert not [name for name in inputs if name.endswith(".contents")]
