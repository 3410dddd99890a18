"""Files -> Plan + problems. Never imports Dash: reused by the command line and the tests."""
from __future__ import annotations

import gc
import hashlib
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from loaders import shared_cache
from loaders.build import SheetReport, build_plan
from loaders.problems import Problem, UnreadableFile
from loaders.reading import read_workbook
from model.plan import Plan

__all__ = ["LoadResult", "Problem", "UnreadableFile", "load_bytes", "load_fresh", "load_path"]


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


def load_bytes(data: bytes, name: str) -> LoadResult:
    """Load a workbook's bytes; cached by SHA-256, so the same bytes are parsed once.

    Raises UnreadableFile (one sentence, per language) when the file cannot be read.
    """
    digest = hashlib.sha256(data).hexdigest()
    with _cache_lock:
        cached = _cache.get(digest)
        if cached is not None:
            _cache.move_to_end(digest)
    if cached is None:
        # Second level: a plan another server (or worker) already built, then the parse.
        cached = _from_shared_cache(digest)
        if cached is None:
            cached = load_fresh(data, name, digest)
            _to_shared_cache(digest, cached)
        with _cache_lock:
            _cache[digest] = cached
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    # The same bytes under another name are the same plan, shown with its new name.
    if cached.plan.source != name:
        cached = replace(cached, plan=replace(cached.plan, source=name))
    return cached


def _from_shared_cache(digest: str) -> LoadResult | None:
    cache = shared_cache.active()
    data = cache.get(shared_cache.plan_key(digest)) if cache else None
    return shared_cache.load_plan(data, digest) if data else None


def _to_shared_cache(digest: str, result: LoadResult) -> None:
    cache = shared_cache.active()
    if cache is not None:
        cache.set(shared_cache.plan_key(digest), shared_cache.dump_plan(result),
                  shared_cache.PLAN_TTL)


def load_fresh(data: bytes, name: str, digest: str | None = None) -> LoadResult:
    """Read and build a workbook, without the cache (`digest`: the bytes' SHA-256, if known)."""
    digest = digest or hashlib.sha256(data).hexdigest()
    with _gc_paused():
        plan, problems, sheets = build_plan(read_workbook(data, name))
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


def load_path(path: str | Path) -> LoadResult:
    """Load a workbook from disk (see load_bytes)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile("file_missing", name=path.name) from error
    return load_bytes(data, path.name)
