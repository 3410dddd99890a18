"""The answers of the pages' heavy callbacks, kept for a while: in this worker, and in the
shared Redis when one is set.

Drawing a page's timeline, committee view, coherence matrix, indicator cards or milestone
rows costs 40–150 ms of Python; under load, a page's burst of callbacks queues behind them.
Those callbacks are pure: their answer depends only on what the request sends (the URL and
the callback's states), on the plan and baseline versions the URL resolves to, on the
effective status date (a URL without `date=` means "today"), on the language and on the
role (viewers may not see every column). Many people open the same view of the same
version, so the answer Dash wrote once (its JSON bytes, serialisation included) is served
again to anyone whose request has the same key.

The key names content, never a moment: a new version gives new keys, so nothing is ever
invalidated; the bounded LRU and the Redis TTL only drop what nobody asks for any more.
Only callbacks decorated with `@cached_answer` are kept; callbacks that change something
(uploads, labels, the URL) never are.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import threading

from cachetools import LRUCache
from flask import Response, g, request

from loaders import shared_cache
from model.view import View, to_query
from pages.context import Context, resolve
from security import hidden_columns, role

ANSWER_TTL = 60 * 60  # seconds in Redis: a committee reopens its views within the hour
UPDATE_PATH = "_dash-update-component"
_MARK = "_horizon_cached_answer"
_URL_SEARCH = ("url", "search")
_DEFAULT_VIEW_FIELDS = {field.name: getattr(View(), field.name)
                        for field in dataclasses.fields(View)}


def cached_answer(callback=None, *, ignores: tuple[str, ...] = ()):
    """Mark a page callback whose answer may be kept (decorate it under `@app.callback`,
    so that Dash's wrapper copies the mark). `ignores` names View fields the answer does
    not depend on (tested): views that differ only there share one answer."""
    def mark(function):
        setattr(function, _MARK, tuple(ignores))
        return function
    return mark(callback) if callback is not None else mark


class AnswerCache:
    """JSON answers by key: a bounded LRU in this worker, then the shared Redis if any."""

    def __init__(self, max_bytes: int):
        self.local: LRUCache | None = (LRUCache(maxsize=max_bytes, getsizeof=len)
                                       if max_bytes > 0 else None)
        self._lock = threading.Lock()  # cachetools' caches are not thread-safe

    @property
    def enabled(self) -> bool:
        return self.local is not None

    def get(self, key: str) -> bytes | None:
        with self._lock:
            packed = self.local.get(key)
        if packed is None and (shared := shared_cache.active()) is not None:
            packed = shared.get("answer:" + key)
            if packed is not None:
                self._keep_local(key, packed)
        return packed

    def set(self, key: str, packed: bytes) -> None:
        self._keep_local(key, packed)
        if (shared := shared_cache.active()) is not None:
            shared.set("answer:" + key, packed, ANSWER_TTL)

    def _keep_local(self, key: str, packed: bytes) -> None:
        if len(packed) > self.local.maxsize:  # larger than the whole budget: Redis only
            return
        with self._lock:
            self.local[key] = packed


def answer_key(body: dict, context: Context, who: str, hides: frozenset[str],
               ignores: tuple[str, ...] = ()) -> str:
    """The key of a callback request: its body with the URL normalised, what the URL
    resolved to (versions by full SHA-256, the date the page shows), the requester's role
    and the columns hidden from it."""
    unused = {name: _DEFAULT_VIEW_FIELDS[name] for name in ignores}
    view = dataclasses.replace(context.view, version=None, baseline=None, **unused)
    loaded, base = context.loaded, context.baseline
    parts = {
        "output": body.get("output"),
        "inputs": [_normalised(item) for item in body.get("inputs") or []],
        "state": [_normalised(item) for item in body.get("state") or []],
        "view": to_query(view),
        "version": loaded.plan.version if loaded is not None else None,
        "source": loaded.plan.source if loaded is not None else None,
        "base": base.plan.version if base is not None else None,
        "day": context.status_date.isoformat() if loaded is not None else None,
        "found": [context.version_found, context.base_found, context.plan_found],
        "plan": context.plan, "error": context.error, "notice": context.source_notice,
        "role": who, "hidden": sorted(hides),
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normalised(item):
    """A callback input or state as the key sees it: the URL's query string is replaced by
    the view it parses to (written in the key on its own), so `?lang=fr` and `` match."""
    if isinstance(item, dict) and (item.get("id"), item.get("property")) == _URL_SEARCH:
        return {"id": "url", "property": "search"}
    return item


def _search_of(body: dict) -> str | None:
    for item in body.get("inputs") or []:
        if isinstance(item, dict) and (item.get("id"), item.get("property")) == _URL_SEARCH:
            return item.get("value")
    return None


def init_answer_cache(app, store, max_bytes: int) -> AnswerCache:
    """Serve the marked callbacks' answers from the cache on `app.server`. Call it after
    init_security: the viewer gate and the CSRF check run before an answer is served."""
    cache = AnswerCache(max_bytes)
    if not cache.enabled:
        return cache
    marked = {key: getattr(entry.get("callback"), _MARK)
              for key, entry in app.callback_map.items()
              if hasattr(entry.get("callback"), _MARK)}
    update_path = app.config.requests_pathname_prefix + UPDATE_PATH

    @app.server.before_request
    def serve_kept_answer():
        if request.method != "POST" or request.path != update_path:
            return None
        body = request.get_json(silent=True)
        output = body.get("output") if isinstance(body, dict) else None
        if not isinstance(output, str) or output not in marked:
            return None
        search = _search_of(body)
        if search is None:  # the address is not read yet: the callback says so itself
            return None
        context = resolve(store, search)
        key = answer_key(body, context, role(), hidden_columns(), marked[output])
        packed = cache.get(key)
        if packed is not None:
            return _unpack(packed)
        g.answer_key = key
        return None

    @app.server.after_request
    def keep_answer(response):
        key = g.pop("answer_key", None)
        if key is not None and response.status_code in (200, 204):
            response.headers["X-Horizon-Cache"] = "miss"
            cache.set(key, _pack(response))
        return response

    return cache


def _pack(response: Response) -> bytes:
    return str(response.status_code).encode("ascii") + b"\n" + response.get_data()


def _unpack(packed: bytes) -> Response:
    status, _, data = packed.partition(b"\n")
    response = Response(data or None, status=int(status), mimetype="application/json")
    response.headers["X-Horizon-Cache"] = "hit"
    return response


