"""/healthz: whether this server can answer, and whether what it depends on answers.

Storage (the versions database and the instance folder) is needed for every page: when it
does not answer, the server is unavailable (503), so a load balancer stops sending it
people. The shared Redis is only a cache: without it every server still gives the right
answers, only slower, so it makes the server "degraded" (still 200) rather than taking
every server out of the pool at once.
"""
from __future__ import annotations

import logging

from loaders import shared_cache

LOGGER = logging.getLogger(__name__)


def health(store) -> tuple[dict, int]:
    """The JSON body and HTTP status of /healthz."""
    try:
        store.versions()
        storage = "ok"
    except Exception as error:  # a probe reports any failure: it is what it is asked for
        LOGGER.warning("health check: storage unreachable: %s", error)
        storage = "unreachable"
    cache = shared_cache.active()
    redis = "off" if cache is None else ("ok" if cache.reachable() else "unreachable")
    if storage != "ok":
        return {"status": "unavailable", "storage": storage, "redis": redis}, 503
    status = "degraded" if redis == "unreachable" else "ok"
    return {"status": status, "storage": storage, "redis": redis}, 200
