"""Files -> Plan + problems. Never imports Dash: reused by the command line and the tests."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

from loaders.build import SheetReport, build_plan
from loaders.problems import Problem, UnreadableFile
from loaders.reading import read_workbook
from model.plan import Plan

__all__ = ["LoadResult", "Problem", "UnreadableFile", "load_bytes", "load_path"]


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
    if cached is not None:
        # The same bytes under another name are the same plan, shown with its new name.
        if cached.plan.source != name:
            cached = replace(cached, plan=replace(cached.plan, source=name))
        return cached
    plan, problems, sheets = build_plan(read_workbook(data, name))
    result = LoadResult(replace(plan, source=name, version=digest), tuple(problems), tuple(sheets))
    with _cache_lock:
        _cache[digest] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def load_path(path: str | Path) -> LoadResult:
    """Load a workbook from disk (see load_bytes)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile("file_missing", name=path.name) from error
    return load_bytes(data, path.name)
