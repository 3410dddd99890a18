"""Bounds on untrusted uploads, checked before any parser touches the bytes.

A roadmap workbook is a few hundred rows; the defaults leave a wide margin for real files
(50,000 rows, 500 columns) and refuse what would cost a worker seconds or gigabytes.
"""
from __future__ import annotations

from dataclasses import dataclass

from loaders.problems import UnreadableFile

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB  # the file as uploaded
    max_zip_entries: int = 2_000  # parts in an .xlsx/.ods container
    max_uncompressed: int = 200 * MB  # all parts, decompressed
    max_ratio: int = 100  # decompressed / compressed, per part…
    ratio_floor: int = 1 * MB  # …for parts bigger than this once decompressed
    max_rows: int = 50_000  # per sheet, first to last non-empty row
    max_columns: int = 500  # per sheet, first to last non-empty column
    # Cells of the rectangle a sheet spans (rows × columns), per sheet and for the whole
    # workbook: calamine allocates that rectangle (32 bytes a cell) even when it is sparse,
    # so a cell in A1 and one in XFD1048576 would ask for 512 GiB.
    max_cells: int = 2_000_000
    # Excel's own limit; longer text (written by scripts) is cut with a warning.
    max_cell_chars: int = 32_767

    def check_size(self, size: int, name: str) -> None:
        """Refuse a file over `max_bytes` from its size alone, before reading or parsing it."""
        if size > self.max_bytes:
            raise UnreadableFile("file_too_large", name=name, size_mb=-(-size // MB),
                                 limit_mb=self.max_bytes // MB)
