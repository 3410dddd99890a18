"""Synthetic plans for benchmarks: `synthetic_plan(n_actions)` -> `model.Plan`.

N actions (2 milestones each) over 6 strategic axes, the built-in municipal terms, a
status date (15 October 2026, inside the 2026–2032 term), about 15 % of the actions
running past the term's end (21 March 2032), about 2 % outside the strategy. Titles, owners
and services look like a French local government's plan, so string sizes (hover, payload)
are realistic. Deterministic for a given `n_actions` and `seed`.

    from bench.synthetic import synthetic_plan, STATUS_DATE
    plan = synthetic_plan(2_000)
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from model.plan import (ACTION_COLUMNS, AXIS_COLUMNS, MILESTONE_COLUMNS, Plan,  # noqa: E402
                        PlanSettings, typed_frame)

STATUS_DATE = dt.date(2026, 10, 15)
TERM_END = pd.Timestamp("2032-03-21")  # end of the municipal term containing STATUS_DATE
CROSSING_SHARE = 0.15
OUTSIDE_SHARE = 0.02

AXES = (
    ("AX1", "Services publics numériques accessibles", "2022-01-01", "2030-12-31", "#1F77B4"),
    ("AX2", "Inclusion numérique", "2023-01-01", "2029-12-31", "#2CA02C"),
    ("AX3", "Données et transparence", "2023-01-01", "2033-12-31", "#9467BD"),
    ("AX4", "Infrastructures et cybersécurité", "2022-06-01", "2034-12-31", "#D62728"),
    ("AX5", "Sobriété numérique", "2024-01-01", "2035-12-31", "#17BECF"),
    ("AX6", "Territoire intelligent", "2025-01-01", "2036-12-31", None),
)
VERBS = ("Dématérialisation", "Refonte", "Déploiement", "Modernisation", "Mutualisation",
         "Audit", "Migration", "Ouverture", "Sécurisation", "Accompagnement")
OBJECTS = ("des autorisations d'urbanisme", "du portail citoyen", "de la GRU multicanale",
           "du système d'information géographique", "des données de mobilité",
           "du parc de postes de travail", "de l'archivage électronique",
           "des démarches de l'état civil", "du réseau des médiathèques",
           "de la plateforme de participation", "des sauvegardes externalisées",
           "de la téléphonie sur IP", "du paiement en ligne", "de l'espace famille")
FIRST = ("Camille", "Thomas", "Sophie", "Nicolas", "Julie", "Antoine", "Claire", "Mehdi",
         "Laure", "Karim")
LAST = ("Roussel", "Girard", "Bernard", "Lefèvre", "Moreau", "Fontaine", "Chevalier")
SERVICES = ("Direction des systèmes d'information", "Direction de la communication",
            "Direction de l'aménagement", "Direction des finances", "Direction de la culture",
            "Direction des ressources humaines", "Direction de l'éducation",
            "Direction des mobilités", "Direction de l'environnement",
            "Direction des affaires juridiques", "Direction de la citoyenneté",
            "Direction des bâtiments", "Direction de la solidarité", "Pôle usagers")
MILESTONE_TITLES = ("Attribution du marché", "Recette", "Mise en service", "Comité de pilotage",
                    "Lancement de l'expérimentation", "Bilan et généralisation")
STATUSES = ("planned", "in_progress", "done", "suspended", "abandoned")
STATUS_SHARES = (0.25, 0.40, 0.25, 0.05, 0.05)
WEATHERS = ("sunny", "cloudy", "rainy", "stormy", None)
WEATHER_SHARES = (0.45, 0.25, 0.12, 0.05, 0.13)


def _days(values: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(values, unit="D").astype("datetime64[s]"))


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """`frame` with exactly the model's columns: dates given to the day, others empty."""
    for column in columns:
        if column not in frame:
            frame[column] = "day" if column.endswith("_precision") else None
    return frame[list(columns)].astype(columns)


def synthetic_plan(n_actions: int, seed: int = 7) -> Plan:
    """A plan of `n_actions` actions (see the module docstring)."""
    rng = np.random.default_rng(seed)
    epoch = pd.Timestamp("1970-01-01")
    cut_day = (TERM_END - epoch).days
    first_day = (pd.Timestamp("2023-01-01") - epoch).days
    crossing = rng.random(n_actions) < CROSSING_SHARE
    # Crossing actions start in the term and end 1 day to 3 years past its end; the others
    # start between 2023 and 2031 and end before the term's end.
    start = np.where(crossing, rng.integers(cut_day - 6 * 365, cut_day - 30, n_actions),
                     rng.integers(first_day, cut_day - 120, n_actions))
    length = rng.integers(90, 4 * 365, n_actions)
    end = np.where(crossing, np.maximum(start + length, cut_day + rng.integers(1, 3 * 365,
                                                                               n_actions)),
                   np.minimum(start + length, cut_day - 1))
    axis_ids = np.array([axis[0] for axis in AXES], dtype=object)[rng.integers(0, len(AXES),
                                                                               n_actions)]
    axis_ids[rng.random(n_actions) < OUTSIDE_SHARE] = None
    titles = [f"{VERBS[i % len(VERBS)]} {OBJECTS[(i // len(VERBS)) % len(OBJECTS)]}"
              + (f" – lot {i // (len(VERBS) * len(OBJECTS)) + 1}"
                 if i >= len(VERBS) * len(OBJECTS) else "")
              for i in rng.permutation(n_actions)]
    status = rng.choice(np.array(STATUSES, dtype=object), n_actions, p=STATUS_SHARES)
    progress = np.select([status == "done", status == "planned"],
                         [1.0, 0.0], np.round(rng.random(n_actions), 2))
    weather = rng.choice(np.array(WEATHERS, dtype=object), n_actions, p=WEATHER_SHARES)
    ids = [f"A{i + 1:05d}" for i in range(n_actions)]
    actions = pd.DataFrame({
        "id": ids, "axis_id": axis_ids, "objective": None, "title": titles,
        "owner": [f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"
                  for i in rng.integers(0, 60, n_actions)],
        "service": np.array(SERVICES, dtype=object)[rng.integers(0, len(SERVICES), n_actions)],
        "elected": None, "start": _days(start), "end": _days(end), "status": status,
        "progress": progress, "weather": weather,
        "budget": np.round(rng.lognormal(11.5, 1.2, n_actions), -3),
        "depends_on": [()] * n_actions, "description": [f"Description de l'action {i}"
                                                         for i in ids],
        "attention": None, "decision": None, "extra": [{}] * n_actions,
        "row": np.arange(2, n_actions + 2),
    })
    actions = _typed(actions, ACTION_COLUMNS)
    # Two milestones per action, inside its span; those before the status date are done
    # three times out of four, the rest late.
    owner = np.repeat(np.arange(n_actions), 2)
    fraction = np.tile([0.3, 0.8], n_actions)
    planned = start[owner] + ((end - start)[owner] * fraction).astype(int)
    status_day = (pd.Timestamp(STATUS_DATE) - epoch).days
    done = (planned < status_day) & (rng.random(2 * n_actions) < 0.75)
    milestones = pd.DataFrame({
        "id": [f"J{i + 1:06d}" for i in range(2 * n_actions)],
        "action_id": np.array(ids, dtype=object)[owner],
        "title": np.array(MILESTONE_TITLES, dtype=object)[rng.integers(0, len(MILESTONE_TITLES),
                                                                       2 * n_actions)],
        "planned": _days(planned),
        "actual": _days(np.where(done, planned + 3, 0)).where(done, pd.NaT),
        "status": np.where(done, "done", None), "instance": None,
        "row": np.arange(2, 2 * n_actions + 2),
    })
    milestones = _typed(milestones, MILESTONE_COLUMNS)
    axes = typed_frame([{"id": axis_id, "title": title, "purpose": None,
                         "start": pd.Timestamp(first), "end": pd.Timestamp(last),
                         "color": color, "row": position + 2}
                        for position, (axis_id, title, first, last, color) in enumerate(AXES)],
                       AXIS_COLUMNS)
    return Plan(axes=axes, actions=actions, milestones=milestones,
                settings=PlanSettings(title=f"Plan synthétique de {n_actions} actions",
                                      organisation="Commune de Synthèse",
                                      organisation_type="commune", status_date=STATUS_DATE),
                source="synthetic", version=f"synthetic-{n_actions}-{seed}")


if __name__ == "__main__":
    plan = synthetic_plan(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000)
    crossing = ((plan.actions["end"] + pd.Timedelta(days=1)) > TERM_END).mean()
    print(f"{len(plan.actions)} actions, {len(plan.milestones)} milestones, "
          f"{plan.actions['axis_id'].nunique()} axes, {crossing:.1%} past the term's end, "
          f"{plan.actions['axis_id'].isna().mean():.1%} outside the strategy")
