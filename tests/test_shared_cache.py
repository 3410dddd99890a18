"""The Redis shared by servers: plans by their workbook's SHA-256, heavy exports for a while,
and a Redis that is down never fails a request. Runs against a real Redis (`redis_url`)."""
from __future__ import annotations

import hashlib
import json
import logging
import socket
import subprocess
import sys
import textwrap

import pytest
import redis

import exports.routes
import loaders
from app import create_app
from exports.cache import EXPORT_TTL
from loaders import shared_cache
from settings import EXAMPLE_PLAN, ROOT, Settings

PLAN_BYTES = EXAMPLE_PLAN.read_bytes()
DIGEST = hashlib.sha256(PLAN_BYTES).hexdigest()


@pytest.fixture
def redis_client(redis_url):
    """The test Redis, emptied, and this process's plan cache emptied (a fresh server)."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    loaders._cache.clear()
    yield client
    client.flushdb()
    client.close()
    loaders._cache.clear()
    shared_cache.use(None)


@pytest.fixture
def parses(monkeypatch):
    """The workbooks parsed from now on (each call of loaders.load_fresh), by name."""
    seen: list[str] = []
    real = loaders.load_fresh

    def counting(data, name, *args, **kwargs):
        seen.append(name)
        return real(data, name, *args, **kwargs)
    monkeypatch.setattr(loaders, "load_fresh", counting)
    return seen


def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_rc001_a_second_server_takes_the_plan_from_redis_without_parsing(
        redis_url, redis_client, parses):
    shared_cache.use(redis_url)
    first = loaders.load_bytes(PLAN_BYTES, "plan.xlsx")
    assert parses == ["plan.xlsx"]
    loaders._cache.clear()  # another process: nothing in its own memory
    second = loaders.load_bytes(PLAN_BYTES, "plan.xlsx")
    assert parses == ["plan.xlsx"]  # not parsed again
    assert second.plan.version == first.plan.version == DIGEST
    assert second.plan.actions.equals(first.plan.actions)
    assert [p.code for p in second.problems] == [p.code for p in first.problems]


def test_rc002_the_key_is_the_workbooks_sha256_with_a_ttl(redis_url, redis_client, parses):
    cache = shared_cache.use(redis_url)
    loaders.load_bytes(PLAN_BYTES, "plan.xlsx")
    keys = [key.decode() for key in redis_client.keys("*")]
    assert keys == [f"horizon:{shared_cache.FINGERPRINT}:plan:{DIGEST}"]
    assert 0 < cache.ttl(f"plan:{DIGEST}") <= shared_cache.PLAN_TTL
    # The same bytes under another name: the same entry, shown under the new name.
    loaders._cache.clear()
    renamed = loaders.load_bytes(PLAN_BYTES, "copil-mars.xlsx")
    assert renamed.plan.source == "copil-mars.xlsx" and parses == ["plan.xlsx"]
    assert len(redis_client.keys("*")) == 1


def test_rc003_another_process_reads_the_plan_from_redis(redis_url, redis_client, parses):
    shared_cache.use(redis_url)
    loaders.load_bytes(PLAN_BYTES, "plan.xlsx")
    script = textwrap.dedent(f"""
        import loaders
        from loaders import shared_cache
        def no_parse(*args, **kwargs):
            raise AssertionError("parsed although Redis holds the plan")
        loaders.load_fresh = no_parse
        # The same release as this test's process, even if a source file changed since.
        shared_cache.FINGERPRINT = {shared_cache.FINGERPRINT!r}
        shared_cache.use({redis_url!r})
        result = loaders.load_bytes(open({str(EXAMPLE_PLAN)!r}, "rb").read(), "plan.xlsx")
        print(len(result.plan.actions), result.plan.version)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    count, version = done.stdout.split()
    assert version == DIGEST and int(count) == len(loaders.load_bytes(PLAN_BYTES, "x").plan.actions)


def test_rc004_an_entry_that_is_not_the_plan_is_ignored(redis_url, redis_client, parses):
    shared_cache.use(redis_url)
    key = f"horizon:{shared_cache.FINGERPRINT}:plan:{DIGEST}"
    redis_client.set(key, b"not a pickle")
    assert loaders.load_bytes(PLAN_BYTES, "plan.xlsx").plan.version == DIGEST
    assert parses == ["plan.xlsx"]


@pytest.fixture
def drawings(monkeypatch):
    """Timeline pictures drawn (no browser: the picture is a stand-in SVG)."""
    drawn: list[str] = []

    def draw(plan, view, status_date, fmt, stamp, *baseline):
        drawn.append(view.lang)
        return f'<svg xmlns="http://www.w3.org/2000/svg"><title>{len(drawn)}</title></svg>'.encode()
    monkeypatch.setattr(exports.routes, "timeline_image", draw)
    return drawn


def test_rc005_an_export_is_made_once_then_served_from_redis(
        redis_url, redis_client, drawings, tmp_path):
    client = create_app(Settings(instance=tmp_path, redis_url=redis_url)).server.test_client()
    first = client.get("/export/timeline.svg?statuts=en_cours&vue=mandat")
    assert first.status_code == 200 and first.headers["X-Horizon-Cache"] == "miss"
    # Another server, the same view written in another order: the same file, not drawn again.
    other = create_app(Settings(instance=tmp_path, redis_url=redis_url)).server.test_client()
    second = other.get("/export/timeline.svg?vue=mandat&statuts=en_cours")
    assert second.status_code == 200 and second.headers["X-Horizon-Cache"] == "hit"
    assert second.data == first.data and drawings == ["fr"]
    assert second.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert second.headers["Cache-Control"] == "no-store"
    assert second.mimetype == "image/svg+xml"
    # Another language is another file.
    assert other.get("/export/timeline.svg?vue=mandat&statuts=en_cours&lang=en").headers[
        "X-Horizon-Cache"] == "miss"
    assert drawings == ["fr", "en"]
    exports_keys = [key for key in redis_client.keys("*") if b":export:" in key]
    assert len(exports_keys) == 2
    assert all(0 < redis_client.ttl(key) <= EXPORT_TTL for key in exports_keys)


def test_rc006_a_deck_missing_its_picture_is_not_kept(redis_url, redis_client, tmp_path,
                                                      monkeypatch):
    def no_browser(*args, **kwargs):
        raise exports.routes.BrowserUnavailable("busy")
    monkeypatch.setattr(exports.routes, "deck_timeline", no_browser)
    client = create_app(Settings(instance=tmp_path, redis_url=redis_url)).server.test_client()
    for _ in range(2):
        response = client.get("/export/comite.pptx")
        assert response.status_code == 200 and "X-Horizon-Cache" not in response.headers
    assert not [key for key in redis_client.keys("*") if b":export:" in key]


def test_rc007_redis_down_logs_one_warning_and_serves_everything(
        tmp_path, parses, drawings, caplog):
    loaders._cache.clear()
    url = f"redis://127.0.0.1:{closed_port()}/0"
    try:
        with caplog.at_level(logging.WARNING, logger="loaders.shared_cache"):
            client = create_app(Settings(instance=tmp_path, redis_url=url)).server.test_client()
            for _ in range(3):
                loaders._cache.clear()
                assert loaders.load_bytes(PLAN_BYTES, "plan.xlsx").plan.version == DIGEST
            assert client.get("/").status_code == 200
            for _ in range(2):
                assert client.get("/export/timeline.svg").status_code == 200
    finally:
        shared_cache.use(None)
        loaders._cache.clear()
    assert parses == ["plan.xlsx"] * 3 and len(drawings) == 2
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING
                and record.name == "loaders.shared_cache"]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()


def test_rc008_healthz_says_whether_storage_and_redis_answer(redis_url, redis_client,
                                                             tmp_path):
    client = create_app(Settings(instance=tmp_path, redis_url=redis_url)).server.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.data) == {"status": "ok", "storage": "ok", "redis": "ok"}
    down = create_app(Settings(instance=tmp_path, redis_url=f"redis://127.0.0.1:{closed_port()}"))
    response = down.server.test_client().get("/healthz")
    # Redis is a cache: without it the answers are right, only slower.
    assert response.status_code == 200
    assert json.loads(response.data) == {"status": "degraded", "storage": "ok",
                                         "redis": "unreachable"}
    shared_cache.use(None)
    response = create_app(Settings(instance=tmp_path)).server.test_client().get("/healthz")
    assert json.loads(response.data)["redis"] == "off"


def test_rc009_healthz_is_503_when_storage_does_not_answer(tmp_path, monkeypatch):
    from loaders.store import PlanStore

    def unreachable(self, *args, **kwargs):
        raise OSError("disk unreachable")
    monkeypatch.setattr(PlanStore, "versions", unreachable, raising=False)
    response = create_app(Settings(instance=tmp_path)).server.test_client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.data) == {"status": "unavailable", "storage": "unreachable",
                                         "redis": "off"}


def test_rc010_a_viewers_cached_export_is_not_an_editors(redis_url, redis_client, drawings,
                                                         tmp_path):
    # Viewers may see fewer columns than editors: the role is part of an export's key.
    app = create_app(Settings(instance=tmp_path, redis_url=redis_url,
                              editor_password="éditeurs", hidden_columns=("budget",)))
    viewer, editor = app.server.test_client(), app.server.test_client()
    assert viewer.get("/export/timeline.svg").headers["X-Horizon-Cache"] == "miss"
    assert viewer.get("/export/timeline.svg").headers["X-Horizon-Cache"] == "hit"
    form = editor.get("/connexion").get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    signed = editor.post("/connexion", data={"mot_de_passe": "éditeurs", "csrf_token": token,
                                             "suivant": "/"})
    assert signed.status_code == 303
    assert editor.get("/export/timeline.svg").headers["X-Horizon-Cache"] == "miss"
    assert len(drawings) == 2
