"""An optional Redis shared by the servers of one deployment (`HORIZON_REDIS_URL`).

It holds only values named by the content that made them, so they never go stale and no
server can disagree with another: a loaded plan under its workbook's SHA-256, an export's
bytes under the hash of (version, normalised query, language, role). A Redis that is down
or unreachable never fails a request: one warning is logged, the servers work without it
and try it again after `RETRY_AFTER` seconds.

Plans travel as pickles. Unpickling runs code chosen by whoever wrote the value, so this
is safe only because the Redis is the deployment's own (loopback or private network,
password): the README says so. Keys carry a fingerprint of the code and libraries that
made the value, so servers of two releases sharing one Redis never read each other's.
"""
from __future__ import annotations

import hashlib
import logging
import pickle
import sys
import threading
import time
from pathlib import Path

import redis

LOGGER = logging.getLogger(__name__)
RETRY_AFTER = 30.0  # seconds without Redis after a failure, so requests do not each wait
CONNECT_TIMEOUT = 0.5  # a shared cache that answers slowly is worse than none
SOCKET_TIMEOUT = 2.0
PLAN_TTL = 7 * 24 * 3600  # plans are bounded by the workbook size; a week keeps Redis tidy
_ROOT = Path(__file__).resolve().parent.parent


def code_fingerprint() -> str:
    """A short hash of the source and libraries that give a cached value its shape."""
    digest = hashlib.sha256(sys.version.encode())
    # The printed PDF and the pictures also depend on the pages, roles and print styles.
    for package, pattern in (("loaders", "*.py"), ("model", "*.py"), ("components", "*.py"),
                             ("exports", "*.py"), ("pages", "*.py"), ("security", "*.py"),
                             ("assets", "*.css")):
        for path in sorted((_ROOT / package).glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update((_ROOT / "requirements.txt").read_bytes())
    return digest.hexdigest()[:12]


FINGERPRINT = code_fingerprint()


class SharedCache:
    """Bytes under string keys in one Redis, with a TTL; every failure is a miss."""

    def __init__(self, url: str, client: redis.Redis | None = None):
        self.url = url
        self.client = client or redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=SOCKET_TIMEOUT,
            health_check_interval=30)
        self.prefix = f"horizon:{FINGERPRINT}:"
        self._lock = threading.Lock()
        self._down_since: float | None = None  # monotonic time of the last failure

    def get(self, key: str) -> bytes | None:
        if not self._usable():
            return None
        try:
            value = self.client.get(self.prefix + key)
        except redis.RedisError as error:
            self._failed(error)
            return None
        self._recovered()
        return value

    def set(self, key: str, value: bytes, ttl: int) -> None:
        if not self._usable():
            return
        try:
            self.client.set(self.prefix + key, value, ex=ttl)
        except redis.RedisError as error:
            self._failed(error)
            return
        self._recovered()

    def ttl(self, key: str) -> int | None:
        """Seconds left before `key` expires (None when absent or without expiry)."""
        left = self.client.ttl(self.prefix + key)
        return left if left >= 0 else None

    def reachable(self) -> bool:
        """Whether Redis answers now (for /healthz: asks even during a back-off)."""
        try:
            self.client.ping()
        except redis.RedisError as error:
            self._failed(error)
            return False
        self._recovered()
        return True

    def _usable(self) -> bool:
        down = self._down_since
        return down is None or time.monotonic() - down >= RETRY_AFTER

    def _failed(self, error: redis.RedisError) -> None:
        with self._lock:
            first = self._down_since is None
            self._down_since = time.monotonic()
        if first:  # one warning per outage, not one per request
            LOGGER.warning("shared cache unreachable at %s, serving without it: %s",
                           _without_password(self.url), error)

    def _recovered(self) -> None:
        if self._down_since is not None:
            with self._lock:
                self._down_since = None
            LOGGER.info("shared cache reachable again at %s", _without_password(self.url))


def _without_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}" if "@" in rest else url


# The deployment's shared cache, set once by create_app from its settings: configuration
# read at start, like the settings themselves, not state that requests change.
_active: SharedCache | None = None


def use(url: str | None) -> SharedCache | None:
    """Use the Redis at `url` from now on (None or "": no shared cache)."""
    global _active
    if _active is not None and _active.url != url:
        _active.client.close()
    if not url:
        _active = None
    elif _active is None or _active.url != url:
        _active = SharedCache(url)
    return _active


def active() -> SharedCache | None:
    return _active


def plan_key(digest: str) -> str:
    return f"plan:{digest}"


def dump_plan(result) -> bytes:
    return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def load_plan(data: bytes, digest: str):
    """The LoadResult pickled in `data`, or None when it is not the plan of `digest`."""
    from loaders import LoadResult  # loaders imports this module
    try:
        result = pickle.loads(data)
    except (pickle.UnpicklingError, AttributeError, EOFError, ImportError, TypeError,
            ValueError) as error:
        LOGGER.warning("shared cache: unreadable plan %s ignored: %s", digest[:12], error)
        return None
    if not isinstance(result, LoadResult) or result.plan.version != digest:
        LOGGER.warning("shared cache: entry for plan %s is not that plan, ignored", digest[:12])
        return None
    return result
