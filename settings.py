"""Deployment settings, declared as data: each has an environment variable, a default and a
help text (the README's table is checked against this list by a test)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
EXAMPLE_PLAN = ROOT / "data" / "example_plan.xlsx"


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS = (
    Setting("plan", "HORIZON_PLAN", str(EXAMPLE_PLAN),
            "Le classeur du plan servi (.xlsx, .xlsm, .ods, .csv), ou un dossier : chacun "
            "de ses classeurs est un plan."),
    Setting("instance", "HORIZON_INSTANCE", "instance",
            "Dossier de l'instance : la base SQLite des versions (`horizon.sqlite3`) quand "
            "`HORIZON_DATABASE_URL` est vide."),
    Setting("max_upload_mb", "HORIZON_MAX_UPLOAD_MB", "20",
            "Taille maximale d'un classeur accepté, en mégaoctets."),
    Setting("database_url", "HORIZON_DATABASE_URL", "",
            "Base des versions (postgresql://…) partagée par plusieurs serveurs ; vide : "
            "SQLite dans le dossier d'instance (`horizon.sqlite3`)."),
    Setting("watch_seconds", "HORIZON_WATCH_SECONDS", "2",
            "Intervalle, en secondes, entre deux lectures du classeur source (0 : non surveillé)."),
    Setting("retention_days", "HORIZON_RETENTION_DAYS", "",
            "Les versions plus anciennes que ce nombre de jours sont supprimées (jamais la "
            "plus récente d'un plan) ; vide : toutes gardées."),
    Setting("retention_count", "HORIZON_RETENTION_COUNT", "",
            "Nombre de versions gardées par plan, les plus récentes ; vide : pas de limite."),
    Setting("redis_url", "HORIZON_REDIS_URL", "",
            "Redis partagé par les serveurs (redis://…) : plans chargés, réponses des pages "
            "et exports lourds mis en cache ; vide : pas de cache partagé."),
    Setting("answer_cache_mb", "HORIZON_ANSWER_CACHE_MB", "32",
            "Mémoire de chaque processus, en mégaoctets, pour les réponses déjà calculées des "
            "pages (frise, comité, cohérence, indicateurs, jalons) ; 0 : pas de cache."),
    Setting("viewer_password", "HORIZON_VIEWER_PASSWORD", "",
            "Mot de passe des lecteurs ; vide : tableaux de bord et exports ouverts à tous."),
    Setting("editor_password", "HORIZON_EDITOR_PASSWORD", "",
            "Mot de passe des éditeurs (téléverser, nommer, supprimer des versions) ; vide : "
            "mode local, tout visiteur est éditeur."),
    Setting("secret_key", "HORIZON_SECRET_KEY", "",
            "Clé qui signe les sessions ; vide : une clé créée une fois dans le dossier "
            "d'instance (`secret_key`), partagée par ses processus."),
    Setting("hidden_columns", "HORIZON_HIDDEN_COLUMNS", "",
            "Colonnes cachées aux lecteurs, séparées par des virgules (porteur, budget, "
            "points d'attention, description…)."),
    Setting("proxies", "HORIZON_PROXIES", "0",
            "Nombre de mandataires inverses devant le serveur dont les en-têtes "
            "X-Forwarded-* sont crus (HTTPS, adresse du client)."),
)


@dataclass(frozen=True)
class Settings:
    plan: Path = EXAMPLE_PLAN
    instance: Path = Path("instance")
    max_upload_mb: int = 20
    database_url: str = ""
    watch_seconds: float = 2.0
    retention_days: int | None = None
    retention_count: int | None = None
    redis_url: str = ""
    answer_cache_mb: int = 32
    viewer_password: str = ""
    editor_password: str = ""
    secret_key: str = ""
    hidden_columns: tuple[str, ...] = ()
    proxies: int = 0


def settings_from_env(environ: dict | None = None, **overrides) -> Settings:
    """Settings from the environment, then the command line's overrides (not None)."""
    environ = os.environ if environ is None else environ
    values = {setting.name: environ.get(setting.env, setting.default) for setting in SETTINGS}
    values.update({key: value for key, value in overrides.items() if value is not None})
    return Settings(plan=Path(values["plan"]), instance=Path(values["instance"]),
                    max_upload_mb=int(values["max_upload_mb"]),
                    database_url=values["database_url"].strip(),
                    watch_seconds=float(values["watch_seconds"]),
                    retention_days=_optional_int(values["retention_days"]),
                    retention_count=_optional_int(values["retention_count"]),
                    redis_url=values["redis_url"],
                    answer_cache_mb=int(values["answer_cache_mb"]),
                    viewer_password=values["viewer_password"],
                    editor_password=values["editor_password"],
                    secret_key=values["secret_key"],
                    hidden_columns=tuple(name.strip() for name in
                                         values["hidden_columns"].split(",") if name.strip()),
                    proxies=int(values["proxies"]))


def _optional_int(text) -> int | None:
    """An empty setting means "no limit"."""
    return int(text) if str(text).strip() else None
