"""Horizon's full load against pandas + openpyxl and against a bare python-calamine read.

Run: `.venv/bin/python bench/bench_load.py [--repeat 7] [--sizes 1000,10000]`.

Workbooks of 1,000 and 10,000 actions (twice as many milestones, a Stratégie sheet, dates
as Excel dates) are generated once into `bench/out/` (gitignored) with openpyxl in
write-only mode. Each repetition times the three readers one after the other, so a slow
moment of the machine hits all of them alike; the figure kept is the median.

Targets (issue 3): Horizon ≥ 8× faster than pandas + openpyxl, ≤ 1.5× the bare calamine
read, peak RSS under 300 MB for 10,000 actions, a second load of the same bytes under 5 ms.
Not a pytest test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import datetime as dt
import io
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import python_calamine  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402

import loaders  # noqa: E402
from loaders.build import build_plan  # noqa: E402
from loaders.reading import read_workbook  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
TARGETS = {"pandas": 8.0, "calamine": 1.5, "rss_mb": 300, "cache_ms": 5.0}

# --- realistic French content -------------------------------------------------------------

AXES = [
    ("AX1", "Services en ligne pour tous", "Que chaque démarche puisse se faire en ligne"),
    ("AX2", "Inclusion numérique", "Accompagner les habitants éloignés du numérique"),
    ("AX3", "Donnée et pilotage", "Décider sur des données fiables et ouvertes"),
    ("AX4", "Infrastructures et sécurité", "Un système d'information sûr et sobre"),
    ("AX5", "Transformation des métiers", "Outiller les agents et simplifier leur travail"),
    ("AX6", "Territoire connecté", "Très haut débit et services urbains connectés"),
]
VERBS = ["Déployer", "Moderniser", "Dématérialiser", "Mettre en place", "Refondre",
         "Migrer", "Accompagner", "Sécuriser", "Mutualiser", "Ouvrir"]
OBJECTS = ["le portail citoyen", "la gestion relation usagers", "le système d'information RH",
           "la plateforme de données", "les médiateurs numériques", "la téléphonie IP",
           "le parapheur électronique", "l'archivage électronique", "le SIG communautaire",
           "la billetterie des équipements sportifs", "le réseau des écoles",
           "la prise de rendez-vous en ligne", "le guichet des autorisations d'urbanisme",
           "l'espace famille", "la messagerie collaborative", "le plan de continuité"]
OWNERS = ["M. Durand", "Mme Petit", "M. Lefèvre", "Mme Moreau", "M. Girard", "Mme Bonnet",
          "M. Fontaine", "Mme Chevalier", "M. Robin", "Mme Gauthier"]
SERVICES = ["DSI", "Direction de la relation usagers", "DRH", "Direction des finances",
            "Pôle aménagement", "Direction de l'éducation", "Direction de la culture"]
ELECTED = ["Adjointe au numérique", "Vice-président aux finances", "Adjoint à l'éducation"]
STATUSES = ["à lancer", "en cours", "en cours", "terminé", "suspendu", "en retard"]
WEATHERS = ["soleil", "nuages", "pluie", "orage", "☀️", "⛅"]
INSTANCES = ["COPIL", "CODIR", "Conseil municipal", "Comité technique"]
MILESTONE_TITLES = ["Cahier des charges validé", "Notification du marché", "Recette",
                    "Mise en production", "Bilan à six mois", "Formation des agents",
                    "Lancement de la consultation", "Arbitrage budgétaire"]
DESCRIPTIONS = [
    "Recenser les besoins des services, rédiger le cahier des charges et conduire la "
    "consultation dans le respect du code de la commande publique.",
    "Reprendre les données existantes, former les agents référents et accompagner les "
    "usagers pendant la bascule.",
    "Mutualiser l'outil avec les communes membres qui le souhaitent, par convention.",
]
ATTENTION = ["Disponibilité des agents pendant la recette", "Dépendance au prestataire",
             "Calendrier budgétaire serré", None, None]


def _date_cell(sheet, value: dt.datetime) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "DD/MM/YYYY"
    return cell


def generate(actions: int, path: Path, seed: int = 2026) -> Path:
    """A plan of `actions` actions and twice as many milestones, as a user's Excel writes it."""
    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    strategy = workbook.create_sheet("Stratégie")
    strategy.append(["id", "axe", "finalité", "début", "fin", "couleur"])
    for axis_id, title, purpose in AXES:
        strategy.append([axis_id, title, purpose, _date_cell(strategy, dt.datetime(2020, 1, 1)),
                         _date_cell(strategy, dt.datetime(2035, 12, 31)), None])
    plan = workbook.create_sheet("Plan")
    plan.append(["id", "axe", "objectif", "action", "porteur", "direction", "élu référent",
                 "début", "fin", "statut", "avancement", "météo", "budget (€)", "dépend de",
                 "description", "points d'attention", "décision attendue"])
    spans = []
    for number in range(1, actions + 1):
        start = dt.datetime(2021, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 8))
        end = start + dt.timedelta(days=rng.randrange(60, 365 * 4))
        spans.append((start, end))
        depends = (f"A{rng.randrange(1, number)}" if number > 1 and rng.random() < 0.2
                   else None)
        progress = WriteOnlyCell(plan, value=round(rng.random(), 2))
        progress.number_format = "0%"
        plan.append([
            f"A{number}", AXES[rng.randrange(len(AXES))][0], f"Objectif {rng.randrange(1, 20)}",
            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} (lot {number})", rng.choice(OWNERS),
            rng.choice(SERVICES), rng.choice(ELECTED), _date_cell(plan, start),
            _date_cell(plan, end), rng.choice(STATUSES), progress, rng.choice(WEATHERS),
            rng.randrange(5, 2000) * 1000, depends, rng.choice(DESCRIPTIONS),
            rng.choice(ATTENTION), "Validation du COPIL" if rng.random() < 0.1 else None])
    milestones = workbook.create_sheet("Jalons")
    milestones.append(["id", "action", "jalon", "date", "date réelle", "statut", "instance"])
    for number in range(1, 2 * actions + 1):
        action = rng.randrange(1, actions + 1)
        start, end = spans[action - 1]
        planned = start + (end - start) * rng.random()
        planned = dt.datetime(planned.year, planned.month, planned.day)
        done = rng.random() < 0.3
        milestones.append([
            f"J{number}", f"A{action}", rng.choice(MILESTONE_TITLES),
            _date_cell(milestones, planned),
            _date_cell(milestones, planned + dt.timedelta(days=rng.randrange(-10, 30)))
            if done else None, "terminé" if done else "à venir", rng.choice(INSTANCES)])
    settings = workbook.create_sheet("Paramètres")
    for row in (["paramètre", "valeur"], ["titre", "Schéma directeur du numérique"],
                ["organisation", "Communauté d'agglomération du Val"],
                ["type de collectivité", "EPCI"]):
        settings.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


# --- the readers compared ------------------------------------------------------------------

def horizon_full(data: bytes, name: str):
    """Read + normalise + validate: what `load_bytes` does on a cache miss."""
    return loaders.load_fresh(data, name)


def horizon_read(data: bytes, name: str):
    """The read layer alone (bounds, scans, calamine, merged cells), as `load_fresh` runs it."""
    with loaders._gc_paused():
        return read_workbook(data, name)


def pandas_openpyxl(data: bytes, name: str):
    return pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl")


def calamine_bare(data: bytes, name: str):
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {sheet: workbook.get_sheet_by_name(sheet).to_python()
            for sheet in workbook.sheet_names}


def horizon_build(raw) -> callable:
    """The build layer alone (rows -> Plan + problems), on a workbook read beforehand."""
    def build(data: bytes, name: str):
        with loaders._gc_paused():
            return build_plan(raw)
    return build


READERS = {"horizon": horizon_full, "horizon read": horizon_read,
           "pandas+openpyxl": pandas_openpyxl, "calamine": calamine_bare}


def timed(function, *args) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def interleaved(data: bytes, name: str, repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of each reader, the readers taking turns in each repetition.

    CPU time is shown too: on a shared machine it moves less than wall-clock time.
    """
    readers = {**READERS, "horizon build": horizon_build(read_workbook(data, name))}
    for reader in readers.values():  # warm-up: imports, first allocations
        reader(data, name)
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in readers}
    for _ in range(repeat):
        for label, reader in readers.items():
            times[label].append(timed(reader, data, name))
    return {label: (statistics.median(wall for wall, _ in runs),
                    statistics.median(cpu for _, cpu in runs))
            for label, runs in times.items()}


def cache_hit_ms(data: bytes, name: str, repeat: int = 20) -> float:
    """Median time of `load_bytes` on bytes already loaded (SHA-256 + cache lookup)."""
    loaders.load_bytes(data, name)
    return statistics.median(timed(loaders.load_bytes, data, name)[0]
                             for _ in range(repeat)) * 1000


_RSS_SCRIPT = """
import resource, sys
sys.path.insert(0, {root!r})
{setup}
data = open({path!r}, "rb").read()
{call}
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
# Linux carries a process's peak RSS across fork and exec: a child forked straight from
# this (large) benchmark process would report at least our own size. A shell in between
# forks the measured interpreter from its own small image instead.
_FORK_FROM_SHELL = ["/bin/sh", "-c", '"$0" -c "$1"; exit $?']
_RSS_CASES = {
    "horizon": ("import loaders", "loaders.load_bytes(data, 'plan.xlsx')"),
    "calamine": ("import io, python_calamine",
                 "w = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)); "
                 "[w.get_sheet_by_name(n).to_python() for n in w.sheet_names]"),
    "horizon imports only": ("import loaders", "pass"),
}


def peak_rss_mb(path: Path, case: str) -> float:
    """Peak resident memory of a fresh interpreter loading `path` (Linux: ru_maxrss in KiB)."""
    setup, call = _RSS_CASES[case]
    script = _RSS_SCRIPT.format(root=str(ROOT), setup=setup, path=str(path), call=call)
    output = subprocess.run([*_FORK_FROM_SHELL, sys.executable, script], capture_output=True,
                            text=True, check=True).stdout
    return int(output.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="repetitions (median kept)")
    parser.add_argument("--sizes", default="1000,10000", help="numbers of actions")
    parser.add_argument("--regenerate", action="store_true", help="rewrite bench/out/")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]

    print(f"# {dt.date.today().isoformat()} · Python {platform.python_version()} · "
          f"{os.cpu_count()} cores · {platform.machine()} · pandas {pd.__version__} · "
          f"python-calamine {importlib.metadata.version('python-calamine')} · "
          f"openpyxl {openpyxl.__version__}")
    print(f"# median of {arguments.repeat} interleaved repetitions; "
          f"load average {os.getloadavg()[0]:.1f} at start\n")
    rows, verdicts = [], []
    for size in sizes:
        path = OUT / f"plan_{size}.xlsx"
        if arguments.regenerate or not path.exists():
            generate(size, path)
        data = path.read_bytes()
        medians = interleaved(data, path.name, arguments.repeat)
        hit = cache_hit_ms(data, path.name)
        rss = peak_rss_mb(path, "horizon")
        rows.append((size, len(data), medians, hit, rss))
        wall = {label: times[0] for label, times in medians.items()}
        verdicts.append((size, wall["pandas+openpyxl"] / wall["horizon"],
                         wall["horizon"] / wall["calamine"], hit, rss))

    for clock, index in (("wall-clock", 0), ("CPU", 1)):
        print(f"{clock} time:\n")
        print("| actions | file | Horizon load | read alone | build alone "
              "| pandas+openpyxl | bare calamine | pandas / Horizon | Horizon / calamine |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size, length, medians, _hit, _rss in rows:
            times = {label: values[index] * 1000 for label, values in medians.items()}
            print(f"| {size:,} | {length / 1024:,.0f} KiB | {times['horizon']:,.0f} ms "
                  f"| {times['horizon read']:,.0f} ms | {times['horizon build']:,.0f} ms "
                  f"| {times['pandas+openpyxl']:,.0f} ms | {times['calamine']:,.0f} ms "
                  f"| {times['pandas+openpyxl'] / times['horizon']:.1f}× "
                  f"| {times['horizon'] / times['calamine']:.2f}× |")
        print()
    print("| actions | second load (cache hit, SHA-256 included) | peak RSS, fresh process |")
    print("|---:|---:|---:|")
    for size, _length, _medians, hit, rss in rows:
        print(f"| {size:,} | {hit:.2f} ms | {rss:.0f} MB |")
    print()
    for size, pandas_ratio, calamine_ratio, hit, rss in verdicts:
        checks = [f"pandas/Horizon {pandas_ratio:.1f}× (≥ {TARGETS['pandas']:g}×: "
                  f"{'ok' if pandas_ratio >= TARGETS['pandas'] else 'MISSED'})",
                  f"Horizon/calamine {calamine_ratio:.2f}× (≤ {TARGETS['calamine']:g}×: "
                  f"{'ok' if calamine_ratio <= TARGETS['calamine'] else 'MISSED'})",
                  f"cache hit {hit:.2f} ms (< {TARGETS['cache_ms']:g} ms: "
                  f"{'ok' if hit < TARGETS['cache_ms'] else 'MISSED'})"]
        if size >= 10_000:
            checks.append(f"peak RSS {rss:.0f} MB (< {TARGETS['rss_mb']} MB: "
                          f"{'ok' if rss < TARGETS['rss_mb'] else 'MISSED'})")
        print(f"{size:,} actions (wall-clock): " + "; ".join(checks))
    largest = OUT / f"plan_{max(sizes)}.xlsx"
    print(f"\npeak RSS of a fresh interpreter on {largest.name}: bare calamine "
          f"{peak_rss_mb(largest, 'calamine'):.0f} MB, Horizon's imports alone "
          f"{peak_rss_mb(largest, 'horizon imports only'):.0f} MB")


if __name__ == "__main__":
    main()
