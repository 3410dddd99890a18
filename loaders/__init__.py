"""Files -> Plan + problems. Never imports Dash: reused by the command line and the tests."""
from __future__ import annotations

import gc
import hashlib
import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from loaders import shared_cache
from loaders.build import SheetReport, build_plan
from loaders.limits import Limits
from loaders.problems import Problem, UnreadableFile
from loaders.reading import read_workbook
from model.plan import Plan

__all__ = ["Limits", "LoadResult", "Problem", "UnreadableFile", "load_bytes", "load_fresh",
           "load_path"]


@dataclass(frozen=True)
class LoadResult:
    plan: Plan
    problems: tuple[Problem, ...]
    sheets: tuple[SheetReport, ...]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    def report(self, lang: str = "fr") -> dict:
        """The `check --json` report: per-sheet counts and every problem."""
        return {"file": self.plan.source, "version": self.plan.version, "readable": True,
                "error": None, "sheets": [sheet.as_dict() for sheet in self.sheets],
                "problems": [problem.as_dict(lang) for problem in self.problems]}


_CACHE_SIZE = 16
_cache: OrderedDict[str, LoadResult] = OrderedDict()
_cache_lock = threading.Lock()


def load_bytes(data: bytes, name: str, limits: Limits = Limits()) -> LoadResult:
    """Load a workbook's bytes; cached by SHA-256, so the same bytes are parsed once.

    Raises UnreadableFile (one sentence, per language) when the file cannot be read.
    """
    # The size is checked before the cache: bytes accepted under a larger limit (another
    # server's setting) must not be served from it under a smaller one.
    limits.check_size(len(data), name)
    digest = hashlib.sha256(data).hexdigest()
    key = _cache_key(digest, limits)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
    if cached is None:
        # Second level: a plan another server (or worker) already built, then the parse.
        cached = _from_shared_cache(key, digest)
        if cached is None:
            cached = load_fresh(data, name, digest, limits)
            _to_shared_cache(key, cached)
        with _cache_lock:
            _cache[key] = cached
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    # The same bytes under another name are the same plan, shown with its new name.
    if cached.plan.source != name:
        cached = replace(cached, plan=replace(cached.plan, source=name))
    return cached


def _cache_key(digest: str, limits: Limits) -> str:
    """The bytes' SHA-256, plus the limits when they are not the defaults.

    `max_bytes` is left out: reading uses it only for the size check, made before the
    cache, so a file within the limit reads the same whatever the limit. Any other bound
    (rows, columns…) changes what a read keeps or refuses, hence the key.
    """
    others = replace(limits, max_bytes=Limits().max_bytes)
    if others == Limits():
        return digest
    return f"{digest}:" + hashlib.sha256(repr(others).encode()).hexdigest()[:16]


def _from_shared_cache(key: str, digest: str) -> LoadResult | None:
    cache = shared_cache.active()
    data = cache.get(shared_cache.plan_key(key)) if cache else None
    return shared_cache.load_plan(data, digest) if data else None


def _to_shared_cache(key: str, result: LoadResult) -> None:
    cache = shared_cache.active()
    if cache is not None:
        cache.set(shared_cache.plan_key(key), shared_cache.dump_plan(result),
                  shared_cache.PLAN_TTL)


def load_fresh(data: bytes, name: str, digest: str | None = None,
               limits: Limits = Limits()) -> LoadResult:
    """Read and build a workbook, without the cache (`digest`: the bytes' SHA-256, if known)."""
    digest = digest or hashlib.sha256(data).hexdigest()
    with _gc_paused():
        plan, problems, sheets = build_plan(read_workbook(data, name, limits))
    return LoadResult(replace(plan, source=name, version=digest), tuple(problems), tuple(sheets))


_gc_lock = threading.Lock()
_gc_pauses = 0  # loads in progress
_gc_was_enabled = False


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while a workbook becomes a plan.

    A load allocates hundreds of thousands of small objects (cells, rows, tuples) that
    live until it ends and form no cycles: each collection would walk them all again, for
    about a fifth of the load's time. Reference counting still frees memory as usual; the
    collector resumes when the last of concurrent loads ends (if it was on before).
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def load_path(path: str | Path, limits: Limits = Limits()) -> LoadResult:
    """Load a workbook from disk (see load_bytes); a file over the size limit is refused
    from its size on disk, unread."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            limits.check_size(os.fstat(file.fileno()).st_size, path.name)
            # One byte more than the limit at most: a file that grew since its size was
            # read is refused by load_bytes without having been read whole.
            data = file.read(limits.max_bytes + 1)
    except OSError as error:
        raise UnreadableFile("file_missing", name=path.name) from error
    return load_bytes(data, path.name, limits)
