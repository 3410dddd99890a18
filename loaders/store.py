"""Where plans come from: the configured workbook, and uploads kept under their SHA-256.

An uploaded plan is written to the instance folder as `<sha256>.<ext>` (atomically: a
temporary file renamed), so any worker, and the same server after a restart, can serve a
link that names it. Nothing here is mutable shared state: the files are the state.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from loaders import LoadResult, UnreadableFile, load_bytes, load_path

EXTENSIONS = ("xlsx", "xlsm", "ods", "csv")
_VERSION = re.compile(r"^[0-9a-f]{6,64}$")


class PlanStore:
    """The plans one server can show: its source file and the uploads in its instance folder."""

    def __init__(self, source: Path, instance: Path, max_bytes: int = 20 * 1024 * 1024):
        self.source = Path(source)
        self.uploads = Path(instance) / "plans"
        self.max_bytes = max_bytes
        self._seen: tuple[tuple[int, int], LoadResult] | None = None  # (stat key, result)

    def current(self) -> LoadResult:
        """The configured workbook as it is now.

        The file is re-read only when its size or modification time changed, so the
        several callbacks of one URL change do not each read and hash it.
        """
        try:
            stat = self.source.stat()
        except OSError as error:
            raise UnreadableFile("file_missing", name=self.source.name) from error
        key = (stat.st_mtime_ns, stat.st_size)
        seen = self._seen
        if seen is not None and seen[0] == key:
            return seen[1]
        result = load_path(self.source)
        self._seen = (key, result)
        return result

    def find(self, version: str) -> Path | None:
        """The stored upload whose SHA-256 starts with `version` (at least 6 hex digits)."""
        if not _VERSION.match(version or "") or not self.uploads.is_dir():
            return None
        matches = sorted(path for path in self.uploads.glob(f"{version}*.*")
                         if path.suffix[1:] in EXTENSIONS)
        return matches[0] if len(matches) == 1 else None

    def load(self, version: str | None = None) -> tuple[LoadResult, bool]:
        """The plan a URL names, else the source; True when the named version was found."""
        if version:
            current = self.current()
            if current.plan.version.startswith(version):
                return current, True
            path = self.find(version)
            if path is not None:
                data = path.read_bytes()
                name = _original_name(path)
                return load_bytes(data, name), True
            return current, False
        return self.current(), True

    def save_upload(self, data: bytes, name: str) -> LoadResult:
        """Validate an uploaded workbook and keep it; raises UnreadableFile with one sentence."""
        if len(data) > self.max_bytes:
            raise UnreadableFile("upload_too_large", name=name,
                                 limit_mb=self.max_bytes // (1024 * 1024))
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in EXTENSIONS:
            raise UnreadableFile("file_not_spreadsheet", name=name)
        result = load_bytes(data, name)
        digest = hashlib.sha256(data).hexdigest()
        self.uploads.mkdir(parents=True, exist_ok=True)
        target = self.uploads / f"{digest}.{extension}"
        if not target.exists():
            _write_atomically(target, data)
            _write_atomically(target.with_suffix(".name"), name.encode("utf-8"))
        return result


def _original_name(path: Path) -> str:
    label = path.with_suffix(".name")
    return label.read_text(encoding="utf-8") if label.exists() else path.name


def _write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: never a half file."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
