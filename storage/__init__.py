"""Plans and their immutable versions, kept through SQLAlchemy (SQLite or PostgreSQL).

Never imports Dash: the store (loaders/store.py) builds on it, the pages read through it.
"""
from storage.database import Database, NewVersion, PlanRow, VersionRow, normalise_url, sqlite_url
from storage.errors import StorageUnavailable

__all__ = ["Database", "NewVersion", "PlanRow", "StorageUnavailable", "VersionRow",
           "normalise_url", "sqlite_url"]
