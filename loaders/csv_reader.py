"""CSV as French Excel writes it: `;` (or `,`), UTF-8 with or without BOM, or Windows-1252.

One record is one spreadsheet row, even when a quoted cell holds line breaks: row numbers
are record numbers, as Excel shows them, not line numbers.
"""
from __future__ import annotations

import codecs
import csv
import io
from collections import Counter

from loaders.cellref import column_letter
from loaders.limits import Limits
from loaders.problems import Problem, UnreadableFile

# In order of preference on a tie: French Excel writes `;` (the comma is the decimal sign).
DELIMITERS = (";", ",", "\t")
_SAMPLE_CHARS = 64 * 1024

# The csv module refuses a field longer than 131,072 characters by default, so a closed cell
# of 140,000 characters would be refused (as if its quote were never closed) where .xlsx cuts
# it with a warning. Raising the limit is safe: it only bounds a field of text already in
# memory, and that text is bounded by the file size checked before any parsing
# (`Limits.max_bytes`, whatever the deployment sets). The setting is process-wide, so it is
# set once, here, and only ever raised (2**31 - 1: the largest a C long holds everywhere).
_FIELD_LIMIT = max(2**31 - 1, Limits().max_bytes)
csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))


def decode(data: bytes) -> str:
    """The text of a CSV: UTF-16 (with BOM), UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; show them as � rather than refuse the file.
        return data.decode("cp1252", errors="replace")


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first records most consistently into several cells.

    Counting separators outside quotes is not enough: a `;` file full of decimal commas
    has more commas than semicolons. The right delimiter gives the same cell count on most
    records (title rows aside); a tie goes to `;`.
    """
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    best, best_score = DELIMITERS[0], 0
    for delimiter in DELIMITERS:
        try:
            counts = [len(record) for record in csv.reader(io.StringIO(sample, newline=""),
                                                          delimiter=delimiter)
                      if len(record) > 1]
        except csv.Error:
            continue
        score = Counter(counts).most_common(1)[0][1] if counts else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, file_name: str, sheet: str, limits: Limits,
             ) -> tuple[list[list[str]], list[Problem]]:
    """The records of a CSV as rows of strings ("" for blank), rectangular, trailing blank
    rows and columns removed; cells longer than the limit are cut, with a warning."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableFile("file_empty", name=file_name)
    delimiter = detect_delimiter(text)
    try:
        rows = _records(text, delimiter, True, file_name, sheet, limits)
    except _MalformedQuote:
        # Strict parsing also refuses `"abc"def`, which Excel reads as `abcdef`: accept it.
        rows = _records(text, delimiter, False, file_name, sheet, limits)
    while rows and not rows[-1]:
        rows.pop()
    width = max(map(len, rows), default=0)
    if len(rows) * width > limits.max_cells:
        raise UnreadableFile("sheet_too_many_cells", name=file_name, sheet=sheet,
                             limit=limits.max_cells)
    problems = []
    for number, row in enumerate(rows, start=1):
        if max(map(len, row), default=0) > limits.max_cell_chars:
            for index, cell in enumerate(row):
                if len(cell) > limits.max_cell_chars:
                    row[index] = cell[:limits.max_cell_chars]
                    problems.append(Problem(sheet, number, column_letter(index + 1),
                                            "cell_truncated", "warning",
                                            {"length": len(cell), "limit": limits.max_cell_chars}))
        row.extend([""] * (width - len(row)))
    return rows, problems


class _MalformedQuote(Exception):
    """A quote in the middle of a quoted cell; retry leniently."""


def _records(text: str, delimiter: str, strict: bool, file_name: str, sheet: str,
             limits: Limits) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    rows: list[list[str]] = []
    first_line = 1
    while True:
        previous_line, first_line = first_line, reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            if not strict:
                _check_last_record(text, delimiter, previous_line, reader.line_num, file_name)
            return rows
        except csv.Error as error:
            message = str(error)
            # An unclosed quote swallows the rest of the file into one cell: strict parsing
            # stops at the end of data.
            if "end of data" in message:
                raise UnreadableFile("csv_unclosed_quote", name=file_name,
                                     line=first_line) from error
            if "field limit" in message:
                # Only if other code in the process lowered the limit set at import.
                raise UnreadableFile("file_corrupt", name=file_name) from error
            if strict:
                raise _MalformedQuote() from error
            raise UnreadableFile("file_corrupt", name=file_name) from error
        while record and not record[-1]:
            record.pop()  # `a;b;;;`: trailing blank cells, as Excel pads its exports
        if len(record) > limits.max_columns:
            raise UnreadableFile("sheet_too_many_columns", name=file_name, sheet=sheet,
                                 limit=limits.max_columns)
        if len(rows) >= limits.max_rows:
            if record:
                raise UnreadableFile("sheet_too_many_rows", name=file_name, sheet=sheet,
                                     limit=limits.max_rows)
            continue  # blank lines after the limit: dropped unless data follows them
        rows.append(record)


def _check_last_record(text: str, delimiter: str, first_line: int, last_line: int,
                       file_name: str) -> None:
    """Lenient parsing reads an unclosed quote as a cell running to the end of the file:
    parse the last record again, strictly, to refuse it as strict parsing would."""
    count = max(last_line - first_line + 1, 1)
    body = text[:-1] if text.endswith("\n") else text
    tail = "\n".join(body.rsplit("\n", count)[-count:])
    try:
        for _record in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter,
                                  strict=True):
            pass
    except csv.Error as error:
        if "end of data" in str(error):
            raise UnreadableFile("csv_unclosed_quote", name=file_name,
                                 line=first_line) from error
