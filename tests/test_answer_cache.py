"""The kept answers of the pages' heavy callbacks (pages/answer_cache.py): served again for
the same view of the same version to the same role, never across versions or roles, bounded
in memory, shared between servers through Redis."""
from __future__ import annotations

import datetime as dt

import pytest
import redis

from components import ids
from loaders import shared_cache
from pages.answer_cache import AnswerCache
from tests.conftest import write_workbook
from tests.test_security import (ATTENTION, EDITOR_PASSWORD, HIDDEN, dash_call, make_app,
                                 opened, send_file, sign_in, text_of)


def url(search: str) -> list[dict]:
    return [{"id": ids.URL, "property": "search", "value": search}]


def coherence(app, client, search: str = ""):
    response = dash_call(app, client, "coherence-body.children", url(search),
                         changed=[f"{ids.URL}.search"])
    assert response.status_code == 200, response.data[:300]
    return response


def committee(app, client, search: str = ""):
    response = dash_call(app, client, "committee-timeline.figure", url(search),
                         changed=[f"{ids.URL}.search"])
    assert response.status_code == 200, response.data[:300]
    return response


def test_ac001_the_same_view_is_answered_from_the_cache_with_the_same_bytes(tmp_path):
    app = make_app(tmp_path)
    client = opened(app)
    first = coherence(app, client, "?axes=AX1")
    assert first.headers["X-Horizon-Cache"] == "miss"
    again = coherence(app, client, "?axes=AX1")
    assert again.headers["X-Horizon-Cache"] == "hit"
    assert again.data == first.data and again.mimetype == "application/json"
    # The same view written another way is the same answer; another view is not.
    assert coherence(app, client, "?lang=fr").headers["X-Horizon-Cache"] == "miss"
    assert coherence(app, client, "").headers["X-Horizon-Cache"] == "hit"
    other = coherence(app, client, "?axes=AX2")
    assert other.headers["X-Horizon-Cache"] == "miss" and other.data != first.data


def test_ac002_a_new_version_is_never_answered_with_the_old_one(tmp_path):
    app = make_app(tmp_path)
    client = opened(app)
    before = committee(app, client)
    assert committee(app, client).headers["X-Horizon-Cache"] == "hit"
    newer = write_workbook(tmp_path / "newer.xlsx", {"Plan": [
        ["id", "action", "début", "fin"],
        ["N1", "Action de la nouvelle version", dt.date(2026, 1, 1), dt.date(2026, 12, 31)]]})
    assert send_file(client, newer.read_bytes(), "newer.xlsx").status_code == 200
    after = committee(app, client)  # "" now means the newest version
    assert after.headers["X-Horizon-Cache"] == "miss"
    assert "Action de la nouvelle version" in text_of(after)
    assert "Action de la nouvelle version" not in text_of(before)


def test_ac003_a_viewer_never_receives_an_editors_kept_answer(tmp_path):
    app = make_app(tmp_path, editor_password=EDITOR_PASSWORD, hidden_columns=HIDDEN)
    editor = opened(app)
    assert sign_in(editor, EDITOR_PASSWORD).status_code == 303
    seen_by_editor = committee(app, editor)
    assert ATTENTION in text_of(seen_by_editor)
    viewer = opened(app)
    seen_by_viewer = committee(app, viewer)
    assert seen_by_viewer.headers["X-Horizon-Cache"] == "miss"
    assert ATTENTION not in text_of(seen_by_viewer)
    assert committee(app, viewer).headers["X-Horizon-Cache"] == "hit"
    assert ATTENTION in text_of(committee(app, editor))


def test_ac004_callbacks_that_are_not_marked_are_never_kept(tmp_path):
    app = make_app(tmp_path)
    client = opened(app)
    for _ in range(2):
        response = dash_call(app, client, "export-links.children", url("?axes=AX1"),
                             changed=[f"{ids.URL}.search"])
        assert response.status_code == 200
        assert "X-Horizon-Cache" not in response.headers


def test_ac005_a_prevented_update_is_replayed_as_such(tmp_path):
    app = make_app(tmp_path)
    client = opened(app)
    drawn = dash_call(app, client, "timeline.figure", url(""),
                      [{"id": ids.FIGURE_KEY, "property": "data", "value": None}])
    key = drawn.get_json()["response"][ids.FIGURE_KEY]["data"]
    # Only the selected action changed: the figure already drawn stays (204, no body).
    for expected in ("miss", "hit"):
        same = dash_call(app, client, "timeline.figure", url("?action=A01"),
                         [{"id": ids.FIGURE_KEY, "property": "data", "value": key}])
        assert same.status_code == 204 and same.data == b""
        assert same.headers["X-Horizon-Cache"] == expected


def test_ac006_the_cache_of_a_worker_is_bounded_and_can_be_switched_off(tmp_path):
    cache = AnswerCache(max_bytes=100)
    cache.set("a", b"x" * 60)
    cache.set("b", b"y" * 60)  # over the budget: the least recently used goes
    assert cache.get("a") is None and cache.get("b") == b"y" * 60
    cache.set("c", b"z" * 101)  # larger than the whole budget: not kept here
    assert cache.get("c") is None and cache.get("b") == b"y" * 60
    app = make_app(tmp_path, answer_cache_mb=0)
    client = opened(app)
    for _ in range(2):
        assert "X-Horizon-Cache" not in coherence(app, client).headers


@pytest.fixture
def shared_redis(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()
    shared_cache.use(None)


def test_ac007_a_second_server_takes_the_answer_from_redis(tmp_path, shared_redis, redis_url):
    first_server = make_app(tmp_path / "one", redis_url=redis_url)
    made = coherence(first_server, opened(first_server), "?axes=AX1")
    assert made.headers["X-Horizon-Cache"] == "miss"
    assert any(key.startswith(b"horizon:") and b":answer:" in key
               for key in shared_redis.keys("*"))
    # Another server (its own worker memory, the same instance folder, the same Redis).
    second_server = make_app(tmp_path / "one", redis_url=redis_url)
    taken = coherence(second_server, opened(second_server), "?axes=AX1")
    assert taken.headers["X-Horizon-Cache"] == "hit" and taken.data == made.data


def milestone_rows_call(app, client, search: str):
    response = dash_call(app, client, "milestones-grid.rowData", url(search),
                         [{"id": ids.MILESTONES_GRID, "property": "rowData", "value": None}],
                         [f"{ids.URL}.search"])
    assert response.status_code == 200, response.data[:300]
    return response


def test_ac008_answers_that_ignore_the_selected_action_are_shared_across_it(tmp_path):
    # Computed afresh (no cache), the selected action changes nothing in these answers...
    fresh = make_app(tmp_path / "fresh", answer_cache_mb=0)
    client = opened(fresh)
    for call in (coherence, milestone_rows_call):
        assert (call(fresh, client, "?axes=AX1&action=A01").data
                == call(fresh, client, "?axes=AX1").data)
    # ...so the cache answers a view with `action=` from the same view without it.
    app = make_app(tmp_path / "kept")
    client = opened(app)
    for call in (coherence, milestone_rows_call):
        assert call(app, client, "?axes=AX1").headers["X-Horizon-Cache"] == "miss"
        assert call(app, client, "?axes=AX1&action=A02").headers["X-Horizon-Cache"] == "hit"
    # The others keep the action in their key (the indicators show the action's own).
    assert dash_call(app, client, "indicators-body.children", url("?action=A01"),
                     changed=[f"{ids.URL}.search"]).headers["X-Horizon-Cache"] == "miss"
    assert dash_call(app, client, "indicators-body.children", url("?action=A02"),
                     changed=[f"{ids.URL}.search"]).headers["X-Horizon-Cache"] == "miss"
