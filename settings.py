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
            "Le classeur du plan servi (.xlsx, .xlsm, .ods, .csv)."),
    Setting("instance", "HORIZON_INSTANCE", "instance",
            "Dossier où les plans téléversés sont gardés sous leur SHA-256."),
    Setting("max_upload_mb", "HORIZON_MAX_UPLOAD_MB", "20",
            "Taille maximale d'un classeur accepté, en mégaoctets."),
)


@dataclass(frozen=True)
class Settings:
    plan: Path = EXAMPLE_PLAN
    instance: Path = Path("instance")
    max_upload_mb: int = 20


def settings_from_env(environ: dict | None = None, **overrides) -> Settings:
    """Settings from the environment, then the command line's overrides (not None)."""
    environ = os.environ if environ is None else environ
    values = {setting.name: environ.get(setting.env, setting.default) for setting in SETTINGS}
    values.update({key: value for key, value in overrides.items() if value is not None})
    return Settings(plan=Path(values["plan"]), instance=Path(values["instance"]),
                    max_upload_mb=int(values["max_upload_mb"]))
