"""What a user reads when the versions database fails: one sentence, French or English.

StorageUnavailable is an UnreadableFile, so every place that already turns an unreadable
plan into a sentence (pages, exports, the upload) shows this one too, never a stack trace.
"""
from __future__ import annotations

import errno

from sqlalchemy import exc

from loaders.problems import UnreadableFile

MESSAGES = {
    "unavailable": {
        "fr": "La base de données des versions ne répond pas ; réessayez dans un instant "
              "ou prévenez l'administrateur du serveur.",
        "en": "The versions database does not answer; try again in a moment or tell the "
              "server's administrator.",
    },
    "disk_full": {
        "fr": "Le disque du serveur est plein : la version n'a pas été enregistrée (rien "
              "n'a été gardé à moitié) ; prévenez l'administrateur du serveur.",
        "en": "The server's disk is full: the version was not saved (nothing was half "
              "kept); tell the server's administrator.",
    },
    "read_only": {
        "fr": "La base de données des versions est en lecture seule : la version n'a pas "
              "été enregistrée ; prévenez l'administrateur du serveur.",
        "en": "The versions database is read-only: the version was not saved; tell the "
              "server's administrator.",
    },
    "busy": {
        "fr": "La base de données des versions est occupée ; réessayez dans un instant.",
        "en": "The versions database is busy; try again in a moment.",
    },
}


class StorageUnavailable(UnreadableFile):
    """The database cannot be reached or cannot write; `.message(lang)` says so in one sentence."""

    def __init__(self, code: str = "unavailable", **params):
        super().__init__(code if code in MESSAGES else "unavailable", **params)

    def message(self, lang: str = "fr") -> str:
        texts = MESSAGES[self.code]
        return texts.get(lang, texts["fr"])


def classify(error: BaseException) -> StorageUnavailable:
    """The user's sentence for a database or file-system error (the details go to the log)."""
    text = str(getattr(error, "orig", None) or error).lower()
    number = getattr(getattr(error, "orig", None), "errno", None) or getattr(error, "errno", None)
    if number == errno.ENOSPC or "disk is full" in text or "no space left" in text \
            or "could not extend file" in text:
        return StorageUnavailable("disk_full")
    if number in (errno.EROFS, errno.EACCES) or "readonly" in text or "read-only" in text:
        return StorageUnavailable("read_only")
    if isinstance(error, exc.OperationalError) and ("locked" in text or "busy" in text):
        return StorageUnavailable("busy")
    return StorageUnavailable("unavailable")
