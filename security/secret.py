"""The key that signs sessions and CSRF tokens, shared by every worker of one instance.

`HORIZON_SECRET_KEY` when set; otherwise a random key created once in the instance folder.
Several workers may start at the same moment: each writes a complete candidate to a
temporary file, and `os.link` publishes it only if no key exists yet (atomic on POSIX), so
every worker ends up reading the same, whole key.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

KEY_FILE = "secret_key"


def secret_key(configured: str, instance: Path) -> str:
    """The configured key, else the instance folder's own (created on first use)."""
    if configured:
        return configured
    instance = Path(instance)
    target = instance / KEY_FILE
    if not target.exists():
        instance.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=instance, prefix=".secret-")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as stream:
                stream.write(secrets.token_hex(32))
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o600)
            try:
                os.link(temporary, target)
            except FileExistsError:
                pass  # another worker published its key first: use that one
        finally:
            os.unlink(temporary)
    key = target.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{target} : clé de session trop courte ou vide, supprimez ce fichier.")
    return key
