"""The heavy exports (deck, PDF, pictures) kept in the shared Redis for a while.

An export is named by everything that makes its bytes: the plan version (full SHA-256) and
source name, the baseline version, the normalised view (the query string as Horizon writes
it, so `?a=1&b=2` and `?b=2&a=1` are one entry), the language, the effective status date
(a URL without `date=` means "today") and the role (viewers may not see every column).
The same key always means the same file, so a copy can be served by any server; the TTL
only bounds how long Redis keeps bytes nobody asks for any more.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json

from flask import Response, g, request

from loaders import shared_cache
from model.view import to_query
from pages.context import Context, resolve

EXPORT_TTL = 15 * 60  # seconds: a committee downloads the same deck within minutes
_HEADERS = ("Content-Disposition",)


def export_key(path: str, context: Context, role: str) -> str:
    """The cache key of the export at `path` for this view, version and role."""
    plan = context.loaded.plan
    base = context.baseline.plan.version if context.baseline is not None else ""
    view = dataclasses.replace(context.view, version=None, baseline=None)
    parts = (path, plan.version, plan.source, base, to_query(view), context.view.lang, role,
             context.status_date.isoformat())
    return "export:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def not_cacheable() -> None:
    """Mark this request's export as incomplete (a picture missing): never keep it."""
    g.export_not_cacheable = True


def shared_export(store, role):
    """Decorate an export route: serve its bytes from the shared cache, or make and keep them.

    `role()` names the requester's role inside the request. Without a shared cache, or when
    the plan cannot be read, the route runs as it is.
    """
    def decorate(make):
        @functools.wraps(make)
        def route(*args, **kwargs):
            cache = shared_cache.active()
            if cache is None:
                return make(*args, **kwargs)
            context = resolve(store, request.query_string.decode("utf-8", "replace"))
            if context.loaded is None:
                return make(*args, **kwargs)
            key = export_key(request.path, context, role())
            packed = cache.get(key)
            if packed is not None:
                return _unpack(packed)
            response = make(*args, **kwargs)
            if response.status_code == 200 and not g.get("export_not_cacheable"):
                response.headers["X-Horizon-Cache"] = "miss"
                cache.set(key, _pack(response), EXPORT_TTL)
            return response
        return route
    return decorate


def _pack(response: Response) -> bytes:
    """The response as one JSON line (type, file name) then its bytes: no pickle here."""
    response.direct_passthrough = False  # send_file streams; read the bytes once
    head = {"mimetype": response.mimetype,
            "headers": {name: response.headers[name] for name in _HEADERS
                        if name in response.headers}}
    return json.dumps(head).encode("utf-8") + b"\n" + response.get_data()


def _unpack(packed: bytes) -> Response:
    head, _, data = packed.partition(b"\n")
    fields = json.loads(head)
    response = Response(data, mimetype=fields["mimetype"], headers=fields["headers"])
    # As the route itself answers: another file when the plan changes, never sniffed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Horizon-Cache"] = "hit"
    return response
