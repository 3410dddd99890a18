"""The versions database through SQLAlchemy Core: SQLite in the instance folder by default,
PostgreSQL when a URL names one.

Every write is one transaction: a crash or a full disk in its middle leaves the database as
it was. The same bytes sent twice at once make one version: the UNIQUE (plan, sha256)
constraint decides, and the loser of the race retries and finds the winner's row.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, delete, event, select, text, update
from sqlalchemy import exc
from sqlalchemy.engine import Connection, Engine, make_url

from storage.errors import StorageUnavailable, classify
from storage.schema import metadata, plans, versions

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 10
CONNECT_TIMEOUT_SECONDS = 5
_RACE_RETRIES = 5
DOWN_SECONDS = 2.0
_SCHEMA_LOCK = 7_240_306  # PostgreSQL advisory lock: one process creates the tables at a time


@dataclass(frozen=True)
class PlanRow:
    id: int
    slug: str
    name: str
    source_sha256: str | None


@dataclass(frozen=True)
class VersionRow:
    plan_id: int
    sha256: str
    filename: str
    arrived_at: dt.datetime
    first_arrived_at: dt.datetime
    sender: str | None
    label: str | None
    size: int
    actions: int
    milestones: int
    problems: int


@dataclass(frozen=True)
class NewVersion:
    """What a save brings: the bytes, their SHA-256 and what was read from them."""
    sha256: str
    filename: str
    content: bytes
    actions: int
    milestones: int
    problems: int
    sender: str | None = None
    label: str | None = None


_LISTED = [versions.c[name] for name in (
    "plan_id", "sha256", "filename", "arrived_at", "first_arrived_at", "sender", "label",
    "size", "actions", "milestones", "problems")]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def normalise_url(url: str) -> str:
    """`postgres://…` and `postgresql://…` (as hosting services write them) use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Database:
    """One versions database; the engine is made lazily, once per process (never shared
    across a fork: gunicorn's workers each open their own connections)."""

    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        self._engine: Engine | None = None
        self._pid: int | None = None
        self._schema_ready = False
        self._lock = threading.Lock()
        self._down: tuple[float, str] | None = None  # (until when, why): fail fast meanwhile

    # ---- connections ------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None or self._pid != os.getpid():
                if self._engine is not None:  # inherited from the parent: leave its sockets be
                    self._engine.dispose(close=False)
                self._engine, self._pid = self._create_engine(), os.getpid()
            return self._engine

    def _create_engine(self) -> Engine:
        if self.dialect == "sqlite":
            database = make_url(self.url).database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(self.url, connect_args={
                "timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} \
            if self.dialect == "postgresql" else {}
        return create_engine(self.url, pool_pre_ping=True, connect_args=connect_args)

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None and self._pid == os.getpid():
                self._engine.dispose()
            self._engine = None

    @contextmanager
    def _guard(self):
        """Database and file-system errors become one sentence; the details go to the log.

        A database that does not answer is not asked again for a couple of seconds: the
        several callbacks of one page would otherwise each wait for the connect timeout.
        """
        down = self._down
        if down is not None and time.monotonic() < down[0]:
            raise StorageUnavailable(down[1])
        try:
            yield
        except StorageUnavailable:
            raise
        except (exc.SQLAlchemyError, OSError) as error:
            log.warning("versions database: %s", error)
            failure = classify(error)
            if failure.code == "unavailable":
                self._down = (time.monotonic() + DOWN_SECONDS, failure.code)
            raise failure from error
        self._down = None

    @contextmanager
    def reading(self):
        with self._guard(), self.engine.connect() as connection:
            yield connection

    @contextmanager
    def writing(self):
        """One write transaction (on SQLite, BEGIN IMMEDIATE: writers queue for up to the
        busy timeout instead of failing when a read turns into a write)."""
        with self._guard(), self.engine.connect() as connection:
            connection.execution_options(horizon_write=True)
            with connection.begin():
                yield connection

    def _retrying(self, work):
        """Run `work(connection)` in a write transaction, again when it lost a race on a
        UNIQUE constraint (another worker inserted the same plan or bytes meanwhile)."""
        with self._guard():
            for attempt in range(_RACE_RETRIES):
                try:
                    with self.engine.connect() as connection:
                        connection.execution_options(horizon_write=True)
                        with connection.begin():
                            return work(connection)
                except exc.IntegrityError:
                    if attempt == _RACE_RETRIES - 1:
                        raise
        raise AssertionError("unreachable")

    def ensure_schema(self) -> None:
        """Create the tables when missing; safe when several workers start at once."""
        if self._schema_ready:
            return

        def create(connection: Connection):
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": _SCHEMA_LOCK})
            metadata.create_all(connection, checkfirst=True)
        self._retrying(create)
        self._schema_ready = True

    # ---- reading ----------------------------------------------------------------------

    def plans(self) -> list[PlanRow]:
        with self.reading() as connection:
            rows = connection.execute(
                select(plans.c.id, plans.c.slug, plans.c.name, plans.c.source_sha256)
                .order_by(plans.c.id)).all()
        return [PlanRow(*row) for row in rows]

    def versions(self, plan_id: int) -> list[VersionRow]:
        """A plan's versions without their bytes, newest first."""
        with self.reading() as connection:
            rows = connection.execute(
                select(*_LISTED).where(versions.c.plan_id == plan_id)
                .order_by(versions.c.arrived_at.desc(), versions.c.id.desc())).all()
        return [VersionRow(*row) for row in rows]

    def content(self, plan_id: int, sha256: str) -> bytes | None:
        with self.reading() as connection:
            return connection.execute(
                select(versions.c.content).where(versions.c.plan_id == plan_id,
                                                 versions.c.sha256 == sha256)).scalar()

    # ---- writing ----------------------------------------------------------------------

    def add_version(self, slug: str, plan_name: str, new: NewVersion, *, from_source: bool = False,
                    arrived_at: dt.datetime | None = None, bump: bool = True) -> bool:
        """Keep `new` in plan `slug` (created when missing). True when it made a new version.

        The same bytes again make the existing version the newest (`bump`), unless they
        come from the source file that already had them (a restart, another worker).
        """
        now = arrived_at or dt.datetime.now(dt.timezone.utc)

        def work(connection: Connection) -> bool:
            plan = connection.execute(select(plans.c.id, plans.c.source_sha256)
                                      .where(plans.c.slug == slug)).first()
            if plan is None:
                plan_id = connection.execute(plans.insert().values(
                    slug=slug, name=plan_name[:300], created_at=now)).inserted_primary_key[0]
                seen = None
            else:
                plan_id, seen = plan
            if from_source:
                if seen == new.sha256:
                    return False
                connection.execute(update(plans).where(plans.c.id == plan_id)
                                   .values(source_sha256=new.sha256))
            existing = connection.execute(
                select(versions.c.id).where(versions.c.plan_id == plan_id,
                                            versions.c.sha256 == new.sha256)).scalar()
            if existing is not None:
                if bump:
                    connection.execute(update(versions).where(versions.c.id == existing)
                                       .values(arrived_at=now))
                    connection.execute(update(plans).where(plans.c.id == plan_id)
                                       .values(name=plan_name[:300]))
                return False
            connection.execute(versions.insert().values(
                plan_id=plan_id, sha256=new.sha256, filename=new.filename[:300],
                arrived_at=now, first_arrived_at=now, sender=_short(new.sender),
                label=_short(new.label), size=len(new.content), content=new.content,
                actions=new.actions, milestones=new.milestones, problems=new.problems))
            if bump:
                connection.execute(update(plans).where(plans.c.id == plan_id)
                                   .values(name=plan_name[:300]))
            return True
        return self._retrying(work)

    def set_label(self, plan_id: int, sha256: str, label: str | None) -> bool:
        with self.writing() as connection:
            done = connection.execute(update(versions).where(
                versions.c.plan_id == plan_id, versions.c.sha256 == sha256)
                .values(label=_short(label)))
            return done.rowcount > 0

    def purge(self, plan_id: int, sha256: str) -> bool:
        with self.writing() as connection:
            done = connection.execute(delete(versions).where(
                versions.c.plan_id == plan_id, versions.c.sha256 == sha256))
            return done.rowcount > 0

    def apply_retention(self, older_than: dt.datetime | None, keep: int | None) -> int:
        """Drop versions that arrived before `older_than` or beyond the `keep` newest of
        their plan; the newest version of each plan always stays."""
        if older_than is None and keep is None:
            return 0
        with self.writing() as connection:
            rows = connection.execute(
                select(versions.c.id, versions.c.plan_id, versions.c.arrived_at)
                .order_by(versions.c.plan_id, versions.c.arrived_at.desc(),
                          versions.c.id.desc())).all()
            doomed, rank, previous = [], 0, None
            for version_id, plan_id, arrived in rows:
                rank = rank + 1 if plan_id == previous else 0
                previous = plan_id
                if rank == 0:
                    continue
                if (keep is not None and rank >= keep) or \
                        (older_than is not None and arrived < older_than):
                    doomed.append(version_id)
            for start in range(0, len(doomed), 500):
                connection.execute(delete(versions).where(
                    versions.c.id.in_(doomed[start:start + 500])))
            return len(doomed)


def _short(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:200] or None


def _sqlite_connect(dbapi_connection, _record) -> None:
    """WAL (readers never wait for the writer), a busy timeout, foreign keys; transactions
    are begun by `_sqlite_begin`, not by the driver."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        _wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _wal(cursor) -> None:
    """Switch to WAL, waiting for the lock the switch needs: SQLite answers "database is
    locked" at once, without its busy handler, when another process switches the same new
    database at the same moment (two workers starting on a fresh instance folder). The mode
    is kept in the file: the first switch is the only one that can collide."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get("horizon_write")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
