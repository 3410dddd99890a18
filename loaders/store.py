"""Where plans come from: the configured workbook(s), watched, and uploads; every content
seen becomes an immutable version kept in the versions database (storage/).

`HORIZON_PLAN` names a workbook (one plan) or a folder (each workbook in it is a plan, named
by its file's stem). A daemon thread per process re-reads the sources every few seconds; a
file being rewritten is never read half-written, and a broken or deleted source keeps its
last good version served, with a notice.

What this object keeps in memory is derived and read-only for the pages: load results by
SHA-256, and a one-second memo of the plan and version lists, so that the several callbacks
of one URL change do not each ask the database.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import threading
import time
import unicodedata
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from loaders import Limits, LoadResult, UnreadableFile, load_bytes
from storage import Database, NewVersion, StorageUnavailable, sqlite_url

log = logging.getLogger(__name__)

EXTENSIONS = ("xlsx", "xlsm", "ods", "csv")
_VERSION = re.compile(r"^[0-9a-f]{6,64}$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MEMO_SECONDS = 1.0  # how stale a list of versions may be (another worker's new version)
SETTLE_SECONDS = 1.0  # a source modified this recently may still be being written
RETRY_AFTER_FAILURE = 2.0  # the database was down: do not knock again at every callback
_RESULTS = 16  # load results kept per process (as many as the loaders' own cache)
_FAILED_READS = 3  # a source that fails this many times unchanged is not re-read until it changes

PLAN_MESSAGES = {
    "plan_invalid": {
        "fr": "Le nom de plan « {plan} » n'est pas valide : lettres minuscules, chiffres et "
              "tirets seulement (par exemple « copil-2026 »).",
        "en": "Plan name “{plan}” is not valid: lowercase letters, digits and dashes only "
              "(for example “copil-2026”).",
    },
    "no_version": {
        "fr": "Le plan « {plan} » n'a aucune version sur ce serveur : téléversez un classeur.",
        "en": "Plan “{plan}” has no version on this server: upload a workbook.",
    },
    "upload_unusable": {
        "fr": "Le classeur « {name} » n'est pas affiché : aucune action datée n'a pu y être "
              "lue. {reasons}",
        "en": "Workbook “{name}” is not shown: no dated action could be read from it. "
              "{reasons}",
    },
    "source_stale": {
        "fr": "Le classeur source ne peut plus être relu ; la dernière version lisible reste "
              "affichée. {reason}",
        "en": "The source workbook cannot be read any more; the last readable version is "
              "still shown. {reason}",
    },
}


class PlanProblem(UnreadableFile):
    """A plan-level refusal (bad plan name, no version, nothing to draw): one sentence."""

    def __init__(self, code: str, reasons: tuple = (), **params):
        super().__init__(code, **params)
        self.reasons = reasons  # Problems, rendered in the reader's language

    def message(self, lang: str = "fr") -> str:
        texts = PLAN_MESSAGES[self.code]
        reasons = " ".join(problem.message(lang) for problem in self.reasons)
        return texts.get(lang, texts["fr"]).format(**self.params, reasons=reasons).strip()


@dataclass(frozen=True)
class PlanInfo:
    slug: str
    name: str


@dataclass(frozen=True)
class VersionInfo:
    sha256: str
    plan: str  # the plan's slug
    filename: str
    arrived_at: dt.datetime  # aware, UTC: when these bytes (last) arrived
    sender: str | None
    label: str | None
    actions: int
    milestones: int
    problems: int
    size: int = 0

    @property
    def short(self) -> str:
        """What links write in `version=` (12 hex digits: unique in practice)."""
        return self.sha256[:12]


@dataclass
class _Source:
    """What this process last saw of one source file."""
    path: Path
    key: tuple | None = None  # (mtime_ns, size, inode) of the last content handled
    seen: tuple | None = None  # (key, since when) as observed by the ticks
    sha256: str | None = None
    failures: int = 0
    problem: UnreadableFile | None = None


@dataclass
class _Memo:
    expires: float
    value: object = field(default=None)


def slugify(text: str) -> str:
    """A plan's short name from a file stem: `Plan CCAS 2026` -> `plan-ccas-2026`."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:64].strip("-") or "plan"


class PlanStore:
    """The plans one server can show, their versions, and the source files it watches."""

    def __init__(self, source: Path, instance: Path, max_bytes: int = 20 * 1024 * 1024, *,
                 database_url: str | None = None, watch_seconds: float = 2.0,
                 retention_days: int | None = None, retention_count: int | None = None):
        self.source = Path(source)
        self.instance = Path(instance)
        self.legacy = self.instance / "plans"  # uploads kept as files before the database
        self.max_bytes = max_bytes
        # The loader's bounds, its file size from the deployment's setting: uploads and the
        # source files are refused on the server above it, not only by the page.
        self.limits = Limits(max_bytes=max_bytes)
        self.watch_seconds = watch_seconds
        self.retention_days = retention_days
        self.retention_count = retention_count
        self.database = Database(database_url or sqlite_url(self.instance / "horizon.sqlite3"))
        self._lock = threading.RLock()
        self._ready_pid: int | None = None
        self._starting: int | None = None  # the thread running ready(), while it does
        self._failed: tuple[float, StorageUnavailable] | None = None
        self._memo: dict[tuple, _Memo] = {}
        self._results: OrderedDict[str, LoadResult] = OrderedDict()
        self._sources: dict[str, _Source] = {}
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    # ---- start -----------------------------------------------------------------------

    def ready(self) -> None:
        """Once per process, on first use: tables, old file uploads, the sources, retention,
        and the watcher. A database that is down is retried a couple of seconds later."""
        if self._ready_pid == os.getpid() or self._starting == threading.get_ident():
            return  # ready, or this very thread is getting it ready (lists read meanwhile)
        with self._lock:
            if self._ready_pid == os.getpid():
                return
            failed = self._failed
            if failed and time.monotonic() - failed[0] < RETRY_AFTER_FAILURE:
                raise failed[1]
            if self._ready_pid is not None:  # a forked worker: its own thread and memo
                self._sources, self._memo, self._watcher = {}, {}, None
            self._starting = threading.get_ident()
            try:
                self.database.ensure_schema()
                self._import_legacy()
                self._sync_sources(initial=True)
                self.apply_retention()
            except StorageUnavailable as error:
                self._failed = (time.monotonic(), error)
                raise
            finally:
                self._starting = None
            self._failed = None
            self._ready_pid = os.getpid()
            if self.watch_seconds > 0:
                self._start_watcher()

    def _start_watcher(self) -> None:
        # The thread holds the store weakly: a store nobody uses any more (a test's app)
        # lets its thread end instead of polling forever.
        reference, stop, interval = weakref.ref(self), self._stop, self.watch_seconds

        def watch():
            while not stop.wait(interval):
                store = reference()
                if store is None:
                    return
                try:
                    store._sync_sources()
                except StorageUnavailable as error:
                    log.warning("plan sources not synchronised: %s", error.message("en"))
                except Exception:  # the watcher must outlive a bad tick; the log keeps why
                    log.exception("plan sources not synchronised")
                del store
        self._watcher = threading.Thread(target=watch, name="horizon-plan-watcher", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        """Stop the watcher and close the database connections (tests, shutdown)."""
        self._stop.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=5)
        self.database.dispose()

    # ---- what the pages read ---------------------------------------------------------

    def plans(self) -> list[PlanInfo]:
        """The server's plans: its source files first (in their order), then the others."""
        return [PlanInfo(slug, name) for slug, name, _id in self._catalog()]

    def default_plan(self) -> str:
        catalog = self._catalog()
        if catalog:
            return catalog[0][0]
        sources = self._source_files()  # none read yet (a missing file): the first one
        return sources[0][0] if sources else "plan"

    def plan_slug(self, plan: str | None) -> str | None:
        """The slug a URL's `plan=` names when this server has it, else None."""
        if not plan:
            return None
        # Not in the memo: perhaps created by another worker a moment ago; ask again once.
        for fresh in (False, True):
            if any(slug == plan for slug, _n, _i in self._catalog(fresh)):
                return plan
        return None

    def versions(self, plan: str | None = None, fresh: bool = False) -> list[VersionInfo]:
        """The plan's versions, newest first (default: the first plan); `fresh`: not from
        the one-second memo."""
        slug = self.plan_slug(plan) or self.default_plan()
        plan_id = next((plan_id for s, _n, plan_id in self._catalog() if s == slug), None)
        if plan_id is None:
            return []

        def fetch():
            return [VersionInfo(row.sha256, slug, row.filename, row.arrived_at, row.sender,
                                row.label, row.actions, row.milestones, row.problems, row.size)
                    for row in self.database.versions(plan_id)]
        return self._memoised(("versions", plan_id), fetch, fresh)

    def find(self, version: str | None, plan: str | None = None) -> VersionInfo | None:
        """The version whose SHA-256 starts with `version` (≥ 6 hex digits, unambiguous)."""
        version = (version or "").strip().lower()
        if not _VERSION.match(version):
            return None
        for fresh in (False, True):  # a link to a version another worker has just saved
            matches = [info for info in self.versions(plan, fresh)
                       if info.sha256.startswith(version)]
            if matches:
                return matches[0] if len(matches) == 1 else None
        return None

    def plan_of(self, version: str | None) -> str | None:
        """The plan holding the version a link names, when a link names no plan (a link
        shared before the server had several plans, or before the first one changed)."""
        if not _VERSION.match((version or "").strip().lower()):
            return None
        found = {info.plan for slug, _n, _i in self._catalog()
                 if (info := self.find(version, slug)) is not None}
        return found.pop() if len(found) == 1 else None

    def load(self, version: str | None = None, plan: str | None = None
             ) -> tuple[LoadResult, bool]:
        """The newest version of `plan` (default: the first plan) unless `version` names
        another; False when the named version does not exist (the newest is returned)."""
        slug = self.plan_slug(plan) or self.default_plan()
        versions = self.versions(slug)
        if not versions:
            source = self._sources.get(slug)
            if source is not None and source.problem is not None:
                raise source.problem
            raise PlanProblem("no_version", plan=slug)
        chosen = self.find(version, slug) if version else versions[0]
        found = chosen is not None
        return self._result(chosen or versions[0]), found

    def source_problem(self, plan: str | None = None) -> UnreadableFile | None:
        """Why the plan's source file cannot be read again now (its last good version is
        still served), or None."""
        source = self._sources.get(self.plan_slug(plan) or self.default_plan())
        return source.problem if source is not None else None

    def source_notice(self, plan: str | None, lang: str) -> str | None:
        problem = self.source_problem(plan)
        if problem is None:
            return None
        reason = problem.message(lang)
        return PLAN_MESSAGES["source_stale"][lang if lang == "en" else "fr"].format(reason=reason)

    # ---- what editors do -------------------------------------------------------------

    def save_upload(self, data: bytes, name: str, *, plan: str | None = None,
                    sender: str | None = None, label: str | None = None) -> LoadResult:
        """Validate an uploaded workbook and keep it as one immutable version of `plan`
        (created when new); same bytes, same version. Raises UnreadableFile (one sentence)."""
        if len(data) > self.max_bytes:
            raise UnreadableFile("upload_too_large", name=name,
                                 limit_mb=self.max_bytes // (1024 * 1024))
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in EXTENSIONS:
            raise UnreadableFile("file_not_spreadsheet", name=name)
        if plan is not None and not SLUG.match(plan):
            raise PlanProblem("plan_invalid", plan=plan[:64])
        result = load_bytes(data, name, self.limits)
        if not len(result.plan.actions):  # readable, but nothing to draw: not a version
            raise PlanProblem("upload_unusable", reasons=tuple(result.errors[:3]), name=name)
        self.ready()
        slug = plan or self.default_plan()
        name_of_plan = result.plan.settings.title or slug
        created = self.database.add_version(slug, name_of_plan, _new_version(result, data, name,
                                                                             sender, label))
        self._remember(result)
        self._forget_lists()
        if created:
            self.apply_retention()
        return result

    def set_label(self, sha256: str, label: str | None, plan: str | None = None) -> bool:
        """Name a version (« COPIL du 12 mars »); an empty label removes it."""
        return self._change(sha256, plan, lambda plan_id, sha:
                            self.database.set_label(plan_id, sha, label))

    def purge(self, sha256: str, plan: str | None = None) -> bool:
        """Delete a version for good (its bytes too); True when it existed."""
        return self._change(sha256, plan, self.database.purge)

    def apply_retention(self) -> int:
        """Drop versions older than the retention setting(s); never a plan's newest."""
        if self.retention_days is None and self.retention_count is None:
            return 0
        older_than = None
        if self.retention_days is not None:
            older_than = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=self.retention_days)
        dropped = self.database.apply_retention(older_than, self.retention_count)
        if dropped:
            log.info("retention: %d plan version(s) dropped", dropped)
            self._forget_lists()
        return dropped

    def _change(self, sha256: str, plan: str | None, action) -> bool:
        self.ready()
        info = self.find(sha256, plan)
        if info is None:
            return False
        plan_id = next(plan_id for slug, _n, plan_id in self._catalog() if slug == info.plan)
        done = action(plan_id, info.sha256)
        self._forget_lists()
        return done

    # ---- the sources -----------------------------------------------------------------

    def _source_files(self) -> list[tuple[str, Path]]:
        """(slug, path) of each source: the file, or each workbook of the folder."""
        if not self.source.is_dir():
            return [(slugify(self.source.stem), self.source)]
        found: list[tuple[str, Path]] = []
        slugs: set[str] = set()
        for path in sorted(self.source.iterdir(), key=lambda path: path.name.casefold()):
            if path.name.startswith((".", "~$")) or path.suffix[1:].lower() not in EXTENSIONS \
                    or not path.is_file():
                continue
            slug = slugify(path.stem)
            if slug in slugs:  # `plan.xlsx` and `plan.csv`: the second is `plan-csv`
                slug = slugify(f"{path.stem}-{path.suffix[1:]}")
            slugs.add(slug)
            found.append((slug, path))
        return found

    def _sync_sources(self, initial: bool = False) -> None:
        changed = False
        listed = self._source_files()
        for slug, path in listed:
            source = self._sources.get(slug)
            if source is None or source.path != path:
                source = self._sources[slug] = _Source(path)
            changed |= self._check_source(slug, source, initial)
        gone = set(self._sources) - {slug for slug, _path in listed}
        for slug in gone:  # removed from the folder: its versions stay, with the notice
            source = self._sources[slug]
            source.key, source.failures = None, 0
            source.problem = UnreadableFile("file_missing", name=source.path.name)
        if changed:
            self._forget_lists()
            self.apply_retention()

    def _check_source(self, slug: str, source: _Source, initial: bool) -> bool:
        """Import the source's content when it changed and reads whole; True when a
        version arrived. A failure keeps the last good version and records why."""
        path = source.path
        try:
            before = path.stat()
        except OSError:
            source.key, source.failures = None, 0
            source.problem = UnreadableFile("file_missing", name=path.name)
            return False
        key = _stat_key(before)
        if key == source.key and (source.failures == 0 or source.failures >= _FAILED_READS):
            return False
        try:
            self.limits.check_size(before.st_size, path.name)  # refused unread if too large
        except UnreadableFile as error:
            return _failed(source, key, error)
        if source.seen is None or source.seen[0] != key:
            source.seen = (key, time.monotonic())
        if not initial and time.time() - before.st_mtime < SETTLE_SECONDS \
                and time.monotonic() - source.seen[1] < SETTLE_SECONDS:
            # Modified a moment ago: perhaps still being written, look again next tick
            # (seen unchanged that long is enough: a file dated in the future gets in too).
            return False
        data = _read_whole(path, key)
        if data is None:
            return False  # changed while read: next tick
        digest = hashlib.sha256(data).hexdigest()
        if digest == source.sha256:
            source.key, source.failures, source.problem = key, 0, None
            return False
        try:
            result = load_bytes(data, path.name, self.limits)
            if not len(result.plan.actions) and self.versions(slug):
                # Readable but empty (a sheet renamed, a save gone wrong): keep the last good one.
                raise PlanProblem("upload_unusable", reasons=tuple(result.errors[:3]),
                                  name=path.name)
        except UnreadableFile as error:
            return _failed(source, key, error)
        title = result.plan.settings.title or path.stem
        self.database.add_version(slug, title, _new_version(result, data, path.name),
                                  from_source=True)
        self._remember(result)
        source.key, source.sha256, source.failures, source.problem = key, digest, 0, None
        return True  # the newest version may have changed, even when the bytes were known

    def _import_legacy(self) -> None:
        """Uploads kept as `<instance>/plans/<sha>.<ext>` before the database: imported once
        into the first plan, with their file's date, so old links keep working."""
        marker = self.legacy / ".imported"
        if not self.legacy.is_dir() or marker.exists():
            return
        slug = self.default_plan()
        for path in sorted(self.legacy.iterdir()):
            if path.suffix[1:] not in EXTENSIONS or path.name.startswith("."):
                continue
            label_file = path.with_suffix(".name")
            try:
                name = label_file.read_text(encoding="utf-8") if label_file.exists() \
                    else path.name
                data = path.read_bytes()
                result = load_bytes(data, name, self.limits)
            except (OSError, UnicodeDecodeError, UnreadableFile) as error:
                reason = error.message("en") if isinstance(error, UnreadableFile) else error
                log.warning("old upload %s not imported: %s", path.name, reason)
                continue
            arrived = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
            self.database.add_version(slug, result.plan.settings.title or slug,
                                      _new_version(result, data, name),
                                      arrived_at=arrived, bump=False)
        try:
            marker.write_text("imported into the versions database\n", encoding="utf-8")
        except OSError as error:  # read-only instance: importing again next start is harmless
            log.warning("cannot mark old uploads as imported: %s", error)
        self._forget_lists()

    # ---- memory ----------------------------------------------------------------------

    def _catalog(self, fresh: bool = False) -> list[tuple[str, str, int]]:
        """(slug, name, id) of the plans that have a row, sources first."""
        self.ready()

        def fetch():
            rows = self.database.plans()
            order = {slug: index for index, (slug, _path) in enumerate(self._source_files())}
            rows.sort(key=lambda row: (order.get(row.slug, len(order)), row.id))
            return [(row.slug, row.name, row.id) for row in rows]
        return self._memoised(("plans",), fetch, fresh)

    def _memoised(self, key: tuple, fetch, fresh: bool = False):
        now = time.monotonic()
        memo = self._memo.get(key)
        if not fresh and memo is not None and memo.expires > now:
            return memo.value
        value = fetch()
        self._memo[key] = _Memo(now + MEMO_SECONDS, value)
        return value

    def _forget_lists(self) -> None:
        self._memo = {}

    def _remember(self, result: LoadResult) -> None:
        with self._lock:
            self._results[result.plan.version] = result
            self._results.move_to_end(result.plan.version)
            while len(self._results) > _RESULTS:
                self._results.popitem(last=False)

    def _result(self, info: VersionInfo) -> LoadResult:
        """The version's load result: from memory when this process has read these bytes,
        else from the database (bytes fetched only then)."""
        with self._lock:
            cached = self._results.get(info.sha256)
            if cached is not None:
                self._results.move_to_end(info.sha256)
        if cached is None:
            plan_id = next(plan_id for slug, _n, plan_id in self._catalog() if slug == info.plan)
            data = self.database.content(plan_id, info.sha256)
            if data is None:  # purged by another worker a moment ago
                raise PlanProblem("no_version", plan=info.plan)
            # Accepted when it arrived: a size limit lowered since then does not hide it.
            limits = replace(self.limits, max_bytes=max(self.limits.max_bytes, len(data)))
            cached = load_bytes(data, info.filename, limits)
            self._remember(cached)
        if cached.plan.source != info.filename:
            cached = replace(cached, plan=replace(cached.plan, source=info.filename))
        return cached


def _new_version(result: LoadResult, data: bytes, name: str, sender: str | None = None,
                 label: str | None = None) -> NewVersion:
    return NewVersion(sha256=result.plan.version, filename=name, content=data,
                      actions=len(result.plan.actions), milestones=len(result.plan.milestones),
                      problems=len(result.problems), sender=sender, label=label)


def _stat_key(stat: os.stat_result) -> tuple:
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _failed(source: _Source, key: tuple, error: UnreadableFile) -> bool:
    """Record why the source's content at `key` could not be imported (no version: False)."""
    source.failures = source.failures + 1 if key == source.key else 1
    source.key, source.problem = key, error
    return False


def _read_whole(path: Path, key: tuple) -> bytes | None:
    """The file's bytes if it did not change while read (same stat before and after)."""
    try:
        data = path.read_bytes()
        after = path.stat()
    except OSError:
        return None
    return data if _stat_key(after) == key and len(data) == key[1] else None
