"""Access and privacy through Flask's test client: roles, the viewer gate, CSRF, security
headers, the session key and the columns hidden from viewers.

Requests are the ones a browser (or someone forging one) sends: the upload form's
multipart POST, Dash's POST /_dash-update-component, the sign-in form.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import stat

import openpyxl
import pytest

from app import create_app
from components import ids
from loaders.store import PlanStore
from security.redaction import parse_hidden
from settings import EXAMPLE_PLAN, Settings, settings_from_env

EDITOR_PASSWORD = "mot de passe des éditeurs"
VIEWER_PASSWORD = "lecteurs-2026"
HIDDEN = ("porteur", "budget", "points d'attention", "description")
OWNER, DESCRIPTION = "Camille Roussel", "Nouveau portail de l'agglomération"
ATTENTION = "La bascule des services déchets et voirie"


def make_app(tmp_path, **settings):
    return create_app(Settings(instance=tmp_path / "instance", **settings))


def opened(app, path="/"):
    """A client that opened a page, so it holds the session and the CSRF cookie."""
    client = app.server.test_client()
    assert client.get(path).status_code == 200
    return client


def token(client) -> str:
    return client.get_cookie("_csrf_token").value


def sign_in(client, password: str, target: str = "/"):
    page = client.get("/connexion?suivant=" + target)
    assert page.status_code == 200
    form_token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/connexion", data={"mot_de_passe": password, "csrf_token": form_token,
                                           "suivant": target})


def send_file(client, data: bytes, name: str = "plan.xlsx", csrf: str | None = "cookie"):
    headers = {"X-CSRFToken": token(client) if csrf == "cookie" else csrf} if csrf else {}
    return client.post("/televerser", data={"fichier": (io.BytesIO(data), name)},
                       headers=headers, content_type="multipart/form-data")


def dash_call(app, client, output_part: str, inputs: list, state: list | None = None,
              changed: list[str] | None = None, csrf: str | None = "cookie"):
    """POST what Dash's renderer sends for the callback whose output names `output_part`."""
    key = next(key for key in app.callback_map if output_part in key)
    outputs = app.callback_map[key]["output"]
    if isinstance(outputs, list):
        outputs = [{"id": item.component_id, "property": item.component_property}
                   for item in outputs]
    else:  # a single output travels as one object, not a list
        outputs = {"id": outputs.component_id, "property": outputs.component_property}
    payload = {"output": key, "outputs": outputs, "inputs": inputs, "state": state or [],
               "changedPropIds": changed or []}
    headers = {"X-CSRFToken": token(client) if csrf == "cookie" else csrf} if csrf else {}
    return client.post("/_dash-update-component", json=payload, headers=headers)


def text_of(response) -> str:
    """A callback's answer as readable text (Dash escapes non-ASCII in its JSON)."""
    return json.dumps(response.get_json(), ensure_ascii=False)


def details_text(app, client, search: str) -> str:
    """The details panel's content for `search`, as JSON text (everything it shows)."""
    response = dash_call(app, client, "action-details.hidden",
                         [{"id": ids.URL, "property": "search", "value": search}],
                         [{"id": ids.DETAILS_KEY, "property": "data", "value": None}],
                         [f"{ids.URL}.search"])
    assert response.status_code == 200, response.data[:300]
    return text_of(response)


@pytest.fixture
def workbook(make_workbook):
    import datetime as dt
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["P1", "Première", dt.date(2026, 1, 1), dt.date(2026, 12, 31)]]})
    return path.read_bytes()


def test_sc001_without_editor_password_everyone_edits_and_a_warning_says_so(
        tmp_path, workbook, caplog):
    app = make_app(tmp_path)
    assert "HORIZON_EDITOR_PASSWORD is not set" in caplog.text
    client = opened(app)
    assert send_file(client, workbook).status_code == 200
    # The header offers the upload field (a label that upload.js fills with the input).
    assert "data-file-input" in client.get("/_dash-layout").get_data(as_text=True)


def test_sc002_a_viewer_cannot_upload_even_forging_the_request(tmp_path, workbook):
    app = make_app(tmp_path, editor_password=EDITOR_PASSWORD)
    store = PlanStore(EXAMPLE_PLAN, tmp_path / "instance")
    before = len(store.versions())
    client = opened(app)
    for csrf in ("cookie", None, "forged"):  # a valid token does not make an editor
        response = send_file(client, workbook, csrf=csrf)
        assert response.status_code == 403
        assert response.get_json() == {"error": "Seuls les éditeurs peuvent téléverser un "
                                                "classeur : connectez-vous comme éditeur."}
    # The old Dash upload callback is gone: forging its request stores nothing either.
    forged = client.post("/_dash-update-component", headers={"X-CSRFToken": token(client)}, json={
        "output": "url.search@x..plan-notice.children..plan-upload.contents",
        "outputs": [{"id": "plan-upload", "property": "contents"}],
        "inputs": [{"id": "plan-upload", "property": "contents",
                    "value": "data:text/csv;base64,aWQ7YWN0aW9u"}],
        "state": [], "changedPropIds": ["plan-upload.contents"]})
    assert forged.status_code != 200
    assert len(PlanStore(EXAMPLE_PLAN, tmp_path / "instance").versions()) == before
    # Viewers get no upload field in the header.
    assert "data-file-input" not in client.get("/_dash-layout").get_data(as_text=True)


def test_sc003_a_viewer_cannot_rename_or_delete_by_forging_callbacks(tmp_path, workbook):
    app = make_app(tmp_path, editor_password=EDITOR_PASSWORD)
    editor = opened(app)
    assert sign_in(editor, EDITOR_PASSWORD).status_code == 303
    assert send_file(editor, workbook).status_code == 200
    version = PlanStore(EXAMPLE_PLAN, tmp_path / "instance").versions()[0].sha256
    purge_id = ids.edition_control(ids.EDITION_PURGE, version)
    changed = [json.dumps(purge_id, separators=(",", ":"), sort_keys=True) + ".submit_n_clicks"]
    purge_inputs = [[{"id": purge_id, "property": "submit_n_clicks", "value": 1}]]
    search_state = [{"id": ids.URL, "property": "search", "value": "?lang=fr"}]

    viewer = opened(app)
    refused = dash_call(app, viewer, "edition-refresh.data", purge_inputs, search_state, changed)
    assert refused.status_code == 200
    assert "Seuls les éditeurs peuvent modifier les versions" in text_of(refused)
    assert PlanStore(EXAMPLE_PLAN, tmp_path / "instance").find(version) is not None

    done = dash_call(app, editor, "edition-refresh.data", purge_inputs, search_state, changed)
    assert f"Version {version[:12]} supprimée." in text_of(done)
    assert PlanStore(EXAMPLE_PLAN, tmp_path / "instance").find(version) is None


def test_sc004_an_editor_signs_in_uploads_labels_and_signs_out(tmp_path, workbook):
    app = make_app(tmp_path, editor_password=EDITOR_PASSWORD)
    client = opened(app)
    wrong = sign_in(client, "pas le bon")
    assert wrong.status_code == 401
    assert "Mot de passe incorrect : vérifiez-le et réessayez." in wrong.get_data(as_text=True)
    response = sign_in(client, EDITOR_PASSWORD, "/edition?lang=en")
    assert response.status_code == 303 and response.headers["Location"] == "/edition?lang=en"
    assert send_file(client, workbook).status_code == 200
    version = PlanStore(EXAMPLE_PLAN, tmp_path / "instance").versions()[0].sha256
    rename_id = ids.edition_control(ids.EDITION_RENAME, version)
    label_id = ids.edition_control(ids.EDITION_LABEL, version)
    renamed = dash_call(
        app, client, "edition-status.children@",
        [[{"id": rename_id, "property": "n_clicks", "value": 1}]],
        [[{"id": label_id, "property": "value", "value": "COPIL du 12 mars"}],
         [{"id": label_id, "property": "id", "value": label_id}],
         {"id": ids.URL, "property": "search", "value": ""}],
        [json.dumps(rename_id, separators=(",", ":"), sort_keys=True) + ".n_clicks"])
    assert f"Libellé de la version {version[:12]} enregistré." in text_of(renamed)
    assert PlanStore(EXAMPLE_PLAN, tmp_path / "instance").versions()[0].label == "COPIL du 12 mars"
    out = client.post("/deconnexion", data={"csrf_token": token(client), "suivant": "/"})
    assert out.status_code == 303
    assert send_file(client, workbook).status_code == 403


def test_sc005_callbacks_and_forms_without_the_csrf_token_are_refused(tmp_path, workbook):
    app = make_app(tmp_path)
    client = opened(app)
    search = [{"id": ids.URL, "property": "search", "value": "?action=A01"}]
    state = [{"id": ids.DETAILS_KEY, "property": "data", "value": None}]
    for csrf in (None, "forged-token"):
        refused = dash_call(app, client, "action-details.hidden", search, state, csrf=csrf)
        assert refused.status_code == 400
        assert refused.get_json()["error"].startswith("La page a expiré")
    assert dash_call(app, client, "action-details.hidden", search, state).status_code == 200
    for csrf in (None, "forged-token"):  # the upload route: editor, right size, no token
        response = send_file(client, workbook, csrf=csrf)
        assert response.status_code == 400 and "La page a expiré" in response.get_json()["error"]
    # A token from another browser's session is not this session's.
    other = opened(app)
    assert send_file(client, workbook, csrf=token(other)).status_code == 400
    assert client.post("/connexion", data={"mot_de_passe": "x"}).status_code == 400


def test_sc006_security_headers_and_cookies(tmp_path):
    app = make_app(tmp_path)
    client = app.server.test_client()
    page = client.get("/")
    policy = dict(part.strip().split(" ", 1)
                  for part in page.headers["Content-Security-Policy"].split(";"))
    scripts = policy["script-src"].split()
    assert scripts[0] == "'self'" and "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert len(scripts) > 3 and all(item.startswith("'sha256-") for item in scripts[1:])
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in page.headers  # plain HTTP: no HSTS
    cookies = page.headers.getlist("Set-Cookie")
    session = next(cookie for cookie in cookies if cookie.startswith("horizon_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session
    csrf = next(cookie for cookie in cookies if cookie.startswith("_csrf_token="))
    assert "HttpOnly" not in csrf  # Dash's renderer reads it to send X-CSRFToken
    # Every inline script of the page is one the policy names by its hash.
    html = re.sub(r"<!--.*?-->", "", page.get_data(as_text=True), flags=re.S)
    inline = [body for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
              if "src=" not in attributes and "application/json" not in attributes]
    assert inline
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts
    assert app.server.debug is False


def test_sc007_behind_an_https_proxy_cookies_are_secure_and_hsts_is_sent(tmp_path):
    app = make_app(tmp_path, proxies=1)
    page = app.server.test_client().get("/", headers={"X-Forwarded-Proto": "https",
                                                      "X-Forwarded-For": "203.0.113.7"})
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert all("Secure" in cookie for cookie in page.headers.getlist("Set-Cookie"))


def test_sc008_the_viewer_password_gates_pages_callbacks_and_exports(tmp_path):
    app = make_app(tmp_path, viewer_password=VIEWER_PASSWORD, editor_password=EDITOR_PASSWORD)
    client = app.server.test_client()
    home = client.get("/?lang=en")
    assert home.status_code == 303
    assert home.headers["Location"] == "/connexion?suivant=%2F%3Flang%3Den"
    assert client.get("/export/plan.xlsx").status_code == 303
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/assets/horizon.css").status_code == 200
    page = client.get("/connexion?suivant=%2F%3Flang%3Den")
    assert '<html lang="en">' in page.get_data(as_text=True)
    assert 'for="mot-de-passe"' in page.get_data(as_text=True)
    # Signed in with the viewer password: pages, callbacks and exports; no upload.
    response = sign_in(client, VIEWER_PASSWORD, "/jalons")
    assert response.status_code == 303 and response.headers["Location"] == "/jalons"
    assert client.get("/").status_code == 200
    assert client.get("/export/plan.xlsx").status_code == 200
    assert details_text(app, client, "?action=A01")
    assert send_file(client, b"id;action", "plan.csv").status_code == 403


def test_sc009_sign_in_is_rate_limited_and_never_redirects_elsewhere(tmp_path):
    app = make_app(tmp_path, viewer_password=VIEWER_PASSWORD)
    client = app.server.test_client()
    assert sign_in(client, VIEWER_PASSWORD, "//evil.example/x").headers["Location"] == "/"
    assert sign_in(client, VIEWER_PASSWORD, "https://evil.example/").headers["Location"] == "/"
    attacker = app.server.test_client()
    statuses = [sign_in(attacker, f"essai {n}").status_code for n in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    throttled = sign_in(attacker, VIEWER_PASSWORD)  # even the right password, for a while
    assert throttled.status_code == 429
    assert "Trop de tentatives" in throttled.get_data(as_text=True)


def test_sc010_hidden_columns_are_absent_for_viewers_and_present_for_editors(tmp_path):
    app = make_app(tmp_path, editor_password=EDITOR_PASSWORD, hidden_columns=HIDDEN)
    viewer, editor = opened(app), opened(app)
    assert sign_in(editor, EDITOR_PASSWORD).status_code == 303
    for search in ("?action=A01", "?action=A02"):
        shown = details_text(app, viewer, search)
        assert OWNER not in shown and DESCRIPTION not in shown and ATTENTION not in shown
        assert "450" not in shown or "000 €" not in shown
    assert OWNER in details_text(app, editor, "?action=A01")
    assert ATTENTION in details_text(app, editor, "?action=A02")

    def workbook_text(client) -> str:
        response = client.get("/export/plan.xlsx")
        assert response.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                        for cell in row if cell is not None)

    seen, full = workbook_text(viewer), workbook_text(editor)
    for secret in (OWNER, DESCRIPTION, ATTENTION):
        assert secret not in seen and secret in full
    assert "450000" not in seen.replace(" ", "") and "450000" in full.replace(" ", "")


def test_sc011_hidden_columns_are_read_from_the_environment_and_checked(tmp_path):
    settings = settings_from_env({"HORIZON_HIDDEN_COLUMNS": " porteur, Budget (k€),,owner ",
                                  "HORIZON_PROXIES": "1"})
    assert settings.hidden_columns == ("porteur", "Budget (k€)", "owner")
    assert parse_hidden(settings.hidden_columns) == {"owner", "budget"}
    assert settings.proxies == 1 and settings.editor_password == ""
    with pytest.raises(ValueError, match="« titre » n'est pas une colonne qui peut être cachée"):
        make_app(tmp_path, hidden_columns=("titre",))


def test_sc012_the_session_key_is_shared_by_workers_and_kept_private(tmp_path):
    first = make_app(tmp_path, editor_password=EDITOR_PASSWORD)
    second = make_app(tmp_path, editor_password=EDITOR_PASSWORD)
    key_file = tmp_path / "instance" / "secret_key"
    assert first.server.secret_key == second.server.secret_key == key_file.read_text()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    # A session signed by one worker is good on the other: signed in once, editor on both.
    client = opened(first)
    sign_in(client, EDITOR_PASSWORD)
    cookie = client.get_cookie("horizon_session").value
    other = second.server.test_client()
    other.set_cookie("horizon_session", cookie)
    other.get("/")
    assert send_file(other, b"PK\x03\x04 pas un classeur", "x.xlsx").status_code == 422
    # A new editor password signs out everyone who used the old one.
    changed = make_app(tmp_path, editor_password="nouveau")
    third = changed.server.test_client()
    third.set_cookie("horizon_session", cookie)
    third.get("/")
    assert send_file(third, b"PK\x03\x04", "x.xlsx").status_code == 403
    assert make_app(tmp_path / "b", secret_key="k" * 40).server.secret_key == "k" * 40
