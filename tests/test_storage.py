"""Plans and versions: the store on its database (SQLite here, PostgreSQL against a real
server), the watched source file, and what goes wrong (a file rewritten, deleted or
corrupt; uploads racing across processes; a database down; a full disk)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy

from components.versions_panel import versions_panel
from loaders import UnreadableFile
from loaders import store as store_module
from loaders.store import PlanStore, slugify
from pages.context import resolve
from storage import StorageUnavailable, normalise_url
from storage.schema import plans as plans_table
from storage.schema import versions as versions_table

ROOT = Path(__file__).resolve().parents[1]


def csv_plan(*titles: str, title: str | None = None) -> bytes:
    """A small plan as French Excel writes a CSV: one dated action per title."""
    lines = ["id;action;début;fin"]
    lines += [f"A{index};{name};2026-01-01;2026-12-31" for index, name in enumerate(titles, 1)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """How a careful editor saves: a temporary file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def wait_for(condition, timeout: float = 10.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not true within {timeout} s")


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_plan("Socle"))
    return path


@pytest.fixture
def make_store(tmp_path):
    """PlanStores on one instance folder (several "workers"), closed after the test."""
    made: list[PlanStore] = []

    def make(source: Path, **options) -> PlanStore:
        options.setdefault("watch_seconds", 0)
        store = PlanStore(source, tmp_path / "instance", **options)
        made.append(store)
        return store
    yield make
    for store in made:
        store.close()


# ---- versions ---------------------------------------------------------------------------

def test_st001_the_same_bytes_twice_make_one_version(make_store, source):
    store = make_store(source)
    upload = csv_plan("Première", "Deuxième")
    first = store.save_upload(upload, "copil.csv", sender="dsi@example.fr", label="COPIL mars")
    again = store.save_upload(upload, "copil (1).csv")
    assert first.plan.version == again.plan.version == sha(upload)
    versions = store.versions()
    assert [info.sha256 for info in versions] == [sha(upload), sha(source.read_bytes())]
    kept = versions[0]
    assert (kept.filename, kept.sender, kept.label) == ("copil.csv", "dsi@example.fr", "COPIL mars")
    assert (kept.actions, kept.milestones, kept.problems, kept.size) == (2, 0, 0, len(upload))
    assert kept.arrived_at.tzinfo == dt.timezone.utc
    # Another worker on the same instance sees the same versions.
    assert [info.sha256 for info in make_store(source).versions()] == \
        [info.sha256 for info in versions]


def test_st002_versions_newest_first_and_the_newest_shown(make_store, source):
    store = make_store(source)
    older, newer = csv_plan("Ancienne"), csv_plan("Récente", "Autre")
    store.save_upload(older, "a.csv")
    store.save_upload(newer, "b.csv")
    assert [info.filename for info in store.versions()] == ["b.csv", "a.csv", "plan.csv"]
    loaded, found = store.load()
    assert found and list(loaded.plan.actions["title"]) == ["Récente", "Autre"]
    # The same bytes sent again: no new version, but it is the newest again.
    store.save_upload(older, "a.csv")
    assert [info.filename for info in store.versions()] == ["a.csv", "b.csv", "plan.csv"]


def test_st003_a_version_is_named_by_a_prefix_of_six_hex_digits_or_more(make_store, source):
    store = make_store(source)
    upload = csv_plan("Une")
    store.save_upload(upload, "une.csv")
    original = sha(source.read_bytes())
    for prefix in (original[:6], original[:12], original.upper()[:10], original):
        loaded, found = store.load(prefix)
        assert found and loaded.plan.version == original, prefix
    absent = next(prefix for prefix in ("0" * 12, "f" * 12) if not original.startswith(prefix))
    for unknown in (original[:5], "zzzzzz", absent):
        loaded, found = store.load(unknown)
        assert not found and loaded.plan.version == sha(upload), unknown


def test_st004_a_folder_serves_several_plans_and_an_upload_can_start_one(make_store, tmp_path,
                                                                          make_workbook):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "Ville de Lune.csv").write_bytes(csv_plan("Écoles"))
    make_workbook({"Plan": [["id", "action", "début", "fin"],
                            ["C1", "Cantine", dt.date(2026, 1, 1), dt.date(2026, 6, 30)]],
                   "Paramètres": [["clé", "valeur"], ["titre", "Plan du CCAS"]]},
                  name="plans/ccas.xlsx")
    (folder / "notes.txt").write_text("pas un classeur")
    store = make_store(folder)
    assert [(plan.slug, plan.name) for plan in store.plans()] == [
        ("ccas", "Plan du CCAS"), ("ville-de-lune", "Ville de Lune")]
    assert list(store.load()[0].plan.actions["id"]) == ["C1"]  # the first plan by default
    assert list(store.load(plan="ville-de-lune")[0].plan.actions["title"]) == ["Écoles"]
    store.save_upload(csv_plan("Piscine"), "sport.csv", plan="sports-2026")
    assert [plan.slug for plan in store.plans()] == ["ccas", "ville-de-lune", "sports-2026"]
    assert [info.filename for info in store.versions("sports-2026")] == ["sport.csv"]
    with pytest.raises(UnreadableFile) as refused:
        store.save_upload(csv_plan("X"), "x.csv", plan="Mon Plan!")
    assert refused.value.message() == ("Le nom de plan « Mon Plan! » n'est pas valide : lettres "
                                       "minuscules, chiffres et tirets seulement (par exemple "
                                       "« copil-2026 »).")
    # The URL picks the plan; an unknown one gets the first plan and says so.
    context = resolve(store, "?plan=sports-2026")
    assert context.plan == "sports-2026" and context.plan_found
    assert list(context.loaded.plan.actions["title"]) == ["Piscine"]
    context = resolve(store, "?plan=inconnu")
    assert context.plan == "ccas" and not context.plan_found
    # A link that names a version but no plan finds the plan that holds it.
    piscine = store.versions("sports-2026")[0].short
    context = resolve(store, f"?version={piscine}")
    assert context.plan == "sports-2026" and context.version_found and context.plan_found
    assert slugify("Plan CCAS — 2026 (v2)") == "plan-ccas-2026-v2"
    assert normalise_url("postgres://h:p@db/x") == "postgresql+psycopg://h:p@db/x"


def test_st005_retention_drops_old_versions_never_the_newest(make_store, source, tmp_path):
    store = make_store(source)
    for index in range(4):
        store.save_upload(csv_plan(f"Version {index}"), f"v{index}.csv")
    assert len(store.versions()) == 5
    by_count = make_store(source, retention_count=2)
    assert by_count.apply_retention() == 3
    assert [info.filename for info in by_count.versions()] == ["v3.csv", "v2.csv"]
    # By age: every version is older than the limit, the newest still stays.
    by_age = make_store(source, retention_days=30)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'instance' / 'horizon.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(versions_table.update().values(arrived_at=past))
    engine.dispose()
    store._forget_lists()
    assert store.apply_retention() == 0  # no retention setting: nothing dropped
    assert by_age.apply_retention() == 1
    assert [info.filename for info in by_age.versions()] == ["v3.csv"]
    # A new version runs the retention too.
    by_age.save_upload(csv_plan("Nouvelle"), "v4.csv")
    assert [info.filename for info in by_age.versions()] == ["v4.csv"]


def test_st006_uploads_kept_as_files_before_are_imported_once(make_store, source, tmp_path):
    legacy = tmp_path / "instance" / "plans"
    legacy.mkdir(parents=True)
    old = csv_plan("Téléversé autrefois")
    (legacy / f"{sha(old)}.csv").write_bytes(old)
    (legacy / f"{sha(old)}.name").write_text("ancien plan.csv", encoding="utf-8")
    (legacy / f"{'ab' * 32}.xlsx").write_bytes(b"PK\x03\x04 broken")  # skipped, logged
    month_ago = time.time() - 30 * 86400
    os.utime(legacy / f"{sha(old)}.csv", (month_ago, month_ago))
    store = make_store(source)
    loaded, found = store.load(sha(old)[:12])  # an old link keeps working
    assert found and loaded.plan.source == "ancien plan.csv"
    versions = store.versions()
    assert [info.filename for info in versions] == ["plan.csv", "ancien plan.csv"]
    assert abs(versions[1].arrived_at.timestamp() - month_ago) < 2
    assert (legacy / ".imported").exists()
    assert store.purge(sha(old))
    assert not make_store(source).find(sha(old))  # not imported again at the next start


# ---- the watched source ---------------------------------------------------------------

def test_st007_the_watcher_picks_up_a_new_content_within_seconds(make_store, source,
                                                                 monkeypatch):
    monkeypatch.setattr(store_module, "SETTLE_SECONDS", 0.2)
    store = make_store(source, watch_seconds=0.2)
    assert store.load()[0].plan.version == sha(source.read_bytes())
    started = time.monotonic()
    new = csv_plan("Socle", "Nouvelle action")
    write_atomically(source, new)
    wait_for(lambda: store.load()[0].plan.version == sha(new), timeout=5)
    assert time.monotonic() - started < 5
    assert len(store.versions()) == 2
    # Another worker (its own watcher) agrees without making a second version.
    other = make_store(source, watch_seconds=0.2)
    assert other.load()[0].plan.version == sha(new) and len(other.versions()) == 2
    # A file dated in the future (a clock ahead elsewhere) still gets in once it is still.
    later = csv_plan("Socle", "Datée demain")
    write_atomically(source, later)
    tomorrow = time.time() + 86400
    os.utime(source, (tomorrow, tomorrow))
    wait_for(lambda: store.load()[0].plan.version == sha(later), timeout=5)


def test_st008_a_file_being_rewritten_is_never_read_half_written(make_store, source,
                                                                 monkeypatch):
    monkeypatch.setattr(store_module, "SETTLE_SECONDS", 0.3)
    store = make_store(source, watch_seconds=0.05)
    store.load()
    contents = [csv_plan(*(f"Action {n}" for n in range(40))),
                csv_plan(*(f"Autre {n}" for n in range(60)))]
    stop = threading.Event()

    def slow_editor():  # writes each content in two halves, pausing in the middle
        turn = 0
        while not stop.is_set():
            data = contents[turn % 2]
            with open(source, "wb") as stream:
                stream.write(data[:len(data) // 2])
                stream.flush()
                time.sleep(0.1)
                stream.write(data[len(data) // 2:])
            time.sleep(0.1)
            turn += 1
    editor = threading.Thread(target=slow_editor)
    editor.start()
    time.sleep(2.0)
    stop.set()
    editor.join()
    wait_for(lambda: store.load()[0].plan.version == sha(source.read_bytes()), timeout=5)
    whole = {sha(data) for data in contents} | {sha(csv_plan("Socle"))}
    assert {info.sha256 for info in store.versions()} <= whole


def test_st009_stat_before_and_after_the_read_must_match(source, monkeypatch):
    key = store_module._stat_key(source.stat())
    assert store_module._read_whole(source, key) == source.read_bytes()
    real_read = Path.read_bytes

    def read_then_rewritten(path):  # the editor saves again while we read
        data = real_read(path)
        path.write_bytes(csv_plan("Réécrit", "pendant la lecture"))
        return data
    monkeypatch.setattr(Path, "read_bytes", read_then_rewritten)
    assert store_module._read_whole(source, key) is None


def test_st010_a_deleted_or_corrupt_source_keeps_the_last_good_version(make_store, source,
                                                                       monkeypatch):
    monkeypatch.setattr(store_module, "SETTLE_SECONDS", 0.0)
    store = make_store(source, watch_seconds=0.1)
    good = sha(source.read_bytes())
    assert resolve(store, "").source_notice is None
    source.unlink()
    notice = wait_for(lambda: resolve(store, "").source_notice)
    assert notice == ("Le classeur source ne peut plus être relu ; la dernière version lisible "
                      "reste affichée. Le fichier « plan.csv » est introuvable ou illisible : "
                      "vérifiez son chemin.")
    assert resolve(store, "?lang=en").source_notice.startswith(
        "The source workbook cannot be read any more; the last readable version is still "
        "shown. ")
    context = resolve(store, "")
    assert context.loaded.plan.version == good and context.error is None
    write_atomically(source, "id;action\n".encode())  # back, but nothing left to draw
    wait_for(lambda: "aucune action datée" in (resolve(store, "").source_notice or ""))
    assert resolve(store, "").loaded.plan.version == good
    assert len(store.versions()) == 1  # the broken contents made no version
    write_atomically(source, csv_plan("Socle", "Réparé"))
    wait_for(lambda: resolve(store, "").source_notice is None)
    assert resolve(store, "").loaded.plan.version == sha(csv_plan("Socle", "Réparé"))


def test_st011_a_corrupt_workbook_source_keeps_the_last_good_version(make_store, tmp_path,
                                                                     make_workbook, monkeypatch):
    monkeypatch.setattr(store_module, "SETTLE_SECONDS", 0.0)
    path = make_workbook({"Plan": [["id", "action", "début", "fin"],
                                   ["P1", "Bon", dt.date(2026, 1, 1), dt.date(2026, 3, 31)]]})
    store = make_store(path, watch_seconds=0.1)
    good = store.load()[0].plan.version
    write_atomically(path, b"PK\x03\x04" + os.urandom(2000))
    notice = wait_for(lambda: resolve(store, "").source_notice)
    assert notice.startswith("Le classeur source ne peut plus être relu ; la dernière version "
                             "lisible reste affichée. Le fichier « plan.xlsx »")
    assert store.load()[0].plan.version == good


def test_st012_a_missing_source_without_any_version_says_so(make_store, tmp_path):
    store = make_store(tmp_path / "absent.xlsx")
    context = resolve(store, "")
    assert context.loaded is None
    assert context.error.startswith("Le fichier « absent.xlsx » est introuvable")


# ---- races, failures ------------------------------------------------------------------

UPLOADER = textwrap.dedent("""
    import sys, threading, time
    sys.path.insert(0, {root!r})
    from loaders.store import PlanStore
    source, instance, url, worker, barrier = sys.argv[1:6]
    store = PlanStore(source, instance, database_url=url or None, watch_seconds=0)
    def csv(*titles):
        lines = ["id;action;début;fin"] + [f"A{{i}};{{t}};2026-01-01;2026-12-31"
                                            for i, t in enumerate(titles, 1)]
        return ("\\n".join(lines) + "\\n").encode()
    jobs = [(csv(f"Travail {{worker}}-{{n}}"), f"w{{worker}}-{{n}}.csv") for n in range(5)]
    jobs.append((csv("Les mêmes octets"), f"pareil-{{worker}}.csv"))
    plan = {plan!r}
    errors = []
    def send(data, name):
        try:
            store.save_upload(data, name, plan=plan)
        except Exception as error:
            errors.append(repr(error))
    threads = [threading.Thread(target=send, args=job) for job in jobs]
    # Both processes, their imports done, start together (on a fresh database, both also
    # create the tables at once: the first upload gets the store ready).
    open(f"{{barrier}}/ready-{{worker}}", "w").close()
    while len(__import__("os").listdir(barrier)) < 2:
        time.sleep(0.01)
    for thread in threads: thread.start()
    for thread in threads: thread.join()
    print("errors:", errors)
    sys.exit(1 if errors else 0)
""")


def race_two_processes(source: Path, instance: Path, url: str = "", plan: str | None = None):
    script = UPLOADER.format(root=str(ROOT), plan=plan)
    barrier = instance.parent / "barrier"
    barrier.mkdir()
    processes = [subprocess.Popen([sys.executable, "-c", script, str(source), str(instance),
                                   url, worker, str(barrier)], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
                 for worker in ("1", "2")]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs


def test_st013_ten_uploads_across_two_processes_keep_ten_versions(make_store, source,
                                                                  tmp_path):
    race_two_processes(source, tmp_path / "instance")  # a fresh database: both create it
    store = make_store(source)
    names = sorted(info.filename for info in store.versions())
    expected = sorted([f"w{worker}-{n}.csv" for worker in (1, 2) for n in range(5)]
                      + ["plan.csv"])
    assert [name for name in names if not name.startswith("pareil")] == expected
    same = [info for info in store.versions() if info.filename.startswith("pareil")]
    assert len(same) == 1 and same[0].sha256 == sha(csv_plan("Les mêmes octets"))
    assert len({info.sha256 for info in store.versions()}) == len(store.versions()) == 12


def test_st023_switching_a_new_database_to_wal_waits_for_the_lock(monkeypatch):
    # Two workers on a fresh instance folder switch the same new database to WAL at once:
    # SQLite refuses one at once ("database is locked", its busy handler is not called for
    # that switch), which made st013 fail about one run in twelve. The switch is retried.
    import sqlite3

    from storage import database

    class Cursor:
        def __init__(self, failures: int, message: str = "database is locked"):
            self.failures, self.message, self.calls = failures, message, 0

        def execute(self, statement):
            assert statement == "PRAGMA journal_mode = WAL"
            self.calls += 1
            if self.calls <= self.failures:
                raise sqlite3.OperationalError(self.message)

    monkeypatch.setattr(database.time, "sleep", lambda seconds: None)
    cursor = Cursor(failures=3)
    database._wal(cursor)
    assert cursor.calls == 4
    with pytest.raises(sqlite3.OperationalError):  # anything else is not waited for
        database._wal(Cursor(failures=1, message="disk I/O error"))
    monkeypatch.setattr(database, "BUSY_TIMEOUT_SECONDS", -1)  # nor past the busy timeout
    with pytest.raises(sqlite3.OperationalError):
        database._wal(Cursor(failures=1))


def test_st014_a_database_that_does_not_answer_is_one_sentence(make_store, source, tmp_path):
    store = make_store(source, database_url="postgresql://horizon:horizon@127.0.0.1:9/nowhere")
    context = resolve(store, "?lang=fr")
    assert context.loaded is None
    assert context.error == ("La base de données des versions ne répond pas ; réessayez dans "
                             "un instant ou prévenez l'administrateur du serveur.")
    assert "Traceback" not in context.error and "psycopg" not in context.error
    assert resolve(store, "?lang=en").error.startswith("The versions database does not answer")
    with pytest.raises(StorageUnavailable):
        store.save_upload(csv_plan("Perdue"), "perdue.csv")
    # SQLite in an instance "folder" that is a file: the same kind of sentence.
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    store = PlanStore(source, blocked, watch_seconds=0)
    assert resolve(store, "").error.startswith("La base de données des versions ne répond pas")


def test_st015_a_full_disk_during_a_save_leaves_no_half_version(make_store, source, tmp_path):
    store = make_store(source)
    store.load()
    before = [info.sha256 for info in store.versions()]
    engine = store.database.engine
    path = tmp_path / "instance" / "horizon.sqlite3"

    def cap(dbapi_connection, _record):  # the "disk" holds what is there and a few pages more
        pages = os.path.getsize(path) // 4096 + 4
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")
    engine.dispose()
    sqlalchemy.event.listen(engine, "connect", cap)
    big = csv_plan(*(f"Action {n} " + "x" * 200 for n in range(400)))  # about 100 kB
    with pytest.raises(StorageUnavailable) as full:
        store.save_upload(big, "gros.csv", plan="nouveau")
    assert full.value.message() == ("Le disque du serveur est plein : la version n'a pas été "
                                    "enregistrée (rien n'a été gardé à moitié) ; prévenez "
                                    "l'administrateur du serveur.")
    sqlalchemy.event.remove(engine, "connect", cap)
    engine.dispose()
    store._forget_lists()
    assert [info.sha256 for info in store.versions()] == before
    assert [plan.slug for plan in store.plans()] == ["plan"]  # not even the new plan's row
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    store.save_upload(big, "gros.csv", plan="nouveau")  # room again: saved whole
    assert store.load(plan="nouveau")[0].plan.version == sha(big)


def test_st016_unknown_version_or_base_in_the_url_shows_the_newest_with_a_notice(
        make_store, source):
    from app import view_notice
    from components.controls import CONTROLS
    store = make_store(source)
    store.save_upload(csv_plan("Récente"), "recente.csv")
    context = resolve(store, "?version=abcdef123456&base=fedcba654321")
    assert not context.version_found and not context.base_found and context.baseline is None
    assert context.loaded.plan.version == sha(csv_plan("Récente"))
    notice = view_notice(context, None, "fr", [None] * len(CONTROLS))
    assert "La version « abcdef123456 » du plan n'est pas sur ce serveur" in notice
    assert "La version de référence « fedcba654321 » n'est pas sur ce serveur" in notice
    original = sha(source.read_bytes())
    context = resolve(store, f"?base={original[:8]}")
    assert context.base_found and context.baseline.plan.version == original


def test_st017_resolve_reads_the_database_once_per_second_at_most(make_store, source):
    store = make_store(source)
    resolve(store, "")
    calls = []
    real = store.database.versions
    store.database.versions = lambda plan_id: calls.append(plan_id) or real(plan_id)
    content = store.database.content
    store.database.content = lambda *args: pytest.fail("bytes fetched for a cached version")
    for search in ("", "?axes=A", "?q=socle", "?lang=en", "?retard=1"):  # one URL, 5 callbacks
        assert resolve(store, search).loaded is not None
    assert len(calls) <= 1
    store.database.content = content


def test_st018_the_versions_panel_lists_dates_labels_counts_and_links(make_store, source):
    store = make_store(source)
    store.save_upload(csv_plan("Une", "Deux"), "copil.csv", label="COPIL du 12 mars")
    context = resolve(store, "?axes=AX1")
    versions = store.versions()
    picker, summary, caption, body = versions_panel(store.plans(), context.plan, versions,
                                                    context.loaded.plan.version, None,
                                                    context.view)
    assert picker is None  # one plan: no picker
    assert summary == "Versions (2)" and caption.startswith("Chaque classeur reçu est une version")
    newest, oldest = body.children
    assert newest.className == "version version-shown"
    assert newest.to_plotly_json()["props"].get("aria-current") == "true"
    assert oldest.to_plotly_json()["props"].get("aria-current") is None
    link = newest.children[0]
    assert " à " in link.children and link.href == f"?version={versions[0].short}&axes=AX1"
    text = " ".join(str(getattr(part, "children", part)) for part in newest.children[1:])
    assert "COPIL du 12 mars" in text and "copil.csv · 2 actions, 0 jalon, 0 problème" in text
    assert "version affichée, la plus récente" in text
    compare = oldest.children[-1]
    assert compare.children == "Comparer à cette version"
    assert compare.href == f"?base={versions[1].short}&axes=AX1"


# ---- PostgreSQL (a real server) --------------------------------------------------------

def test_st019_postgresql_shares_versions_between_servers(postgres_url, tmp_path):
    slug = f"pg-{os.getpid()}-{int(time.time() * 1000)}"
    source = tmp_path / f"{slug}.csv"
    source.write_bytes(csv_plan("Socle PostgreSQL", str(time.time())))
    first = PlanStore(source, tmp_path / "one", database_url=postgres_url, watch_seconds=0)
    second = PlanStore(source, tmp_path / "two", database_url=postgres_url, watch_seconds=0)
    try:
        upload = csv_plan("Téléversée", slug)
        first.save_upload(upload, "pg.csv", plan=slug + "-b", label="COPIL")
        found = second.find(sha(upload)[:8], slug + "-b")
        assert found is not None and found.label == "COPIL"
        loaded, ok = second.load(sha(upload)[:10], slug + "-b")
        assert ok and list(loaded.plan.actions["title"]) == ["Téléversée", slug]
        assert second.set_label(sha(upload), "COPIL du 12 mars", slug + "-b")
        first._forget_lists()  # else its one-second memo of the list
        assert first.versions(slug + "-b")[0].label == "COPIL du 12 mars"
        assert second.purge(sha(upload), slug + "-b") and not second.find(sha(upload), slug + "-b")
        assert [info.filename for info in first.versions(slug)] == [source.name]
    finally:
        first.close()
        second.close()


def test_st020_postgresql_uploads_racing_across_two_processes(postgres_url, tmp_path):
    slug = f"race-{os.getpid()}-{int(time.time() * 1000)}"
    source = tmp_path / f"{slug}.csv"
    source.write_bytes(csv_plan("Socle", slug))
    race_two_processes(source, tmp_path / "instance", postgres_url, plan=slug + "-u")
    store = PlanStore(source, tmp_path / "instance", database_url=postgres_url, watch_seconds=0)
    try:
        versions = store.versions(slug + "-u")  # a new plan, made by the racing uploads
        assert len(versions) == 11 and len({info.sha256 for info in versions}) == 11
        assert sum(info.filename.startswith("pareil") for info in versions) == 1
        engine = store.database.engine
        with engine.connect() as connection:
            plan_rows = connection.execute(sqlalchemy.select(plans_table.c.id)
                                           .where(plans_table.c.slug == slug + "-u")).all()
        assert len(plan_rows) == 1
    finally:
        store.close()


CRASHER = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    import sqlalchemy
    from loaders.store import PlanStore
    store = PlanStore(sys.argv[1], sys.argv[2], watch_seconds=0)
    store.ready()
    def crash(connection, clause, *args):  # the process dies between INSERT and COMMIT
        if getattr(clause, "table", None) is not None and clause.table.name == "horizon_versions":
            os._exit(3)
    sqlalchemy.event.listen(store.database.engine, "after_execute", crash)
    store.save_upload(open(sys.argv[3], "rb").read(), "coupee.csv", plan="crash")
""")


def test_st021_a_crash_in_the_middle_of_a_save_leaves_no_half_version(make_store, source,
                                                                      tmp_path):
    upload = tmp_path / "upload.csv"
    upload.write_bytes(csv_plan("Jamais enregistrée"))
    crashed = subprocess.run([sys.executable, "-c", CRASHER.format(root=str(ROOT)), str(source),
                              str(tmp_path / "instance"), str(upload)], timeout=120)
    assert crashed.returncode == 3
    store = make_store(source)
    assert [plan.slug for plan in store.plans()] == ["plan"]  # the new plan rolled back too
    assert [info.filename for info in store.versions()] == ["plan.csv"]
    with store.database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    store.save_upload(upload.read_bytes(), "coupee.csv", plan="crash")  # and it can be redone
    assert [info.filename for info in store.versions("crash")] == ["coupee.csv"]


def test_st022_a_link_to_a_version_just_saved_by_another_worker_opens_at_once(make_store,
                                                                             source):
    first, second = make_store(source), make_store(source)
    assert resolve(second, "").version_found  # the second worker's lists are in memory
    upload = csv_plan("Toute fraîche")
    first.save_upload(upload, "fraiche.csv", plan="nouveau-plan")
    context = resolve(second, f"?plan=nouveau-plan&version={sha(upload)[:12]}")
    assert context.plan_found and context.version_found
    assert context.loaded.plan.version == sha(upload)
