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


def padded_workbook(make_workbook, size: int, name: str = "plan.xlsx") -> bytes:
    """A small readable plan plus an incompressible image part: a workbook of `size` bytes
    (about), as a plan with photos pasted in it is."""
    import os
    import zipfile
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["P1", "Première", D(2026, 1, 1), D(2026, 12, 31)]]}, name)
    padding = size - path.stat().st_size
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/media/image1.png", os.urandom(padding),
                         compress_type=zipfile.ZIP_STORED)
    return path.read_bytes()


def test_up009_a_smaller_setting_is_enforced_by_the_server_for_uploads_and_sources(
        app, make_workbook, tmp_path, monkeypatch):
    import loaders.store
    from loaders import UnreadableFile, load_bytes
    data = padded_workbook(make_workbook, 1536 * 1024)  # 1.5 MB, max_upload_mb=1
    status, answer = upload(signed_client(app), data, "photos.xlsx")
    assert status == 413 and "1 Mo" in answer["error"]
    # The loader itself, with the store's limits, refuses the bytes: not only the page.
    store = PlanStore(EXAMPLE_PLAN, tmp_path / "other", 1024 * 1024, watch_seconds=0)
    with pytest.raises(UnreadableFile) as caught:
        load_bytes(data, "photos.xlsx", store.limits)
    assert caught.value.code == "file_too_large"
    assert caught.value.message("fr") == (
        "Le fichier « photos.xlsx » pèse 2 Mo, plus que la limite de 1 Mo : supprimez les "
        "feuilles, images ou mises en forme inutiles et enregistrez-le de nouveau.")
    # The source file too, refused from its size without being read.
    source = tmp_path / "source.xlsx"
    source.write_bytes(data)
    monkeypatch.setattr(loaders.store, "_read_whole", lambda *args: pytest.fail("read"))
    store = PlanStore(source, tmp_path / "source-instance", 1024 * 1024, watch_seconds=0)
    problem = store.source_problem()
    assert problem.code == "file_too_large" and "limite de 1 Mo" in problem.message("fr")
    with pytest.raises(UnreadableFile) as caught:
        store.load()
    assert caught.value.code == "file_too_large"
    store.close()


def test_up010_a_larger_setting_lets_the_loader_accept_a_larger_file(make_workbook, tmp_path):
    app = create_app(Settings(instance=tmp_path / "instance", max_upload_mb=30))
    data = padded_workbook(make_workbook, 21 * 1024 * 1024)
    assert len(data) > 20 * 1024 * 1024  # over the loader's default limit
    status, answer = upload(signed_client(app), data, "photos.xlsx")
    assert status == 200, answer
    store = PlanStore(EXAMPLE_PLAN, tmp_path / "instance", 30 * 1024 * 1024, watch_seconds=0)
    context = resolve(store, answer["search"])
    assert context.version_found and list(context.loaded.plan.actions["id"]) == ["P1"]
    store.close()


def test_up011_the_loaders_cache_answers_for_the_limit_it_is_asked_about(make_workbook):
    from loaders import Limits, UnreadableFile, load_bytes
    data = padded_workbook(make_workbook, 3 * 1024 * 1024)
    small, large = Limits(max_bytes=2 * 1024 * 1024), Limits(max_bytes=4 * 1024 * 1024)
    for _round in range(2):  # the second time, the bytes are in the cache
        assert list(load_bytes(data, "plan.xlsx", large).plan.actions["id"]) == ["P1"]
        with pytest.raises(UnreadableFile) as caught:
            load_bytes(data, "plan.xlsx", small)
        assert caught.value.params["limit_mb"] == 2
    # Other bounds change what is read: a result read under them is not shared.
    short = Limits(max_bytes=4 * 1024 * 1024, max_cell_chars=3)
    assert "cell_truncated" in {problem.code
                                for problem in load_bytes(data, "plan.xlsx", short).problems}
    assert load_bytes(data, "plan.xlsx", large).problems == ()
