"""Problems found while loading a workbook, and the sentence that tells the user what to fix."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from loaders.messages import render

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # the Excel row number the user sees
    column: str | None  # the column's header as written in the workbook
    code: str  # stable: "date_unrecognised", "end_before_start"…
    severity: Severity
    params: dict = field(default_factory=dict)  # what the message needs, per language

    def message(self, lang: str = "fr") -> str:
        """The sentence for the user, located (`Plan, ligne 14, colonne « fin » : …`)."""
        return render(self.code, self.params, lang, sheet=self.sheet, row=self.row,
                      column=self.column)

    def as_dict(self, lang: str = "fr") -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "code": self.code, "severity": self.severity, "message": self.message(lang)}


class ValueProblem(ValueError):
    """A cell value that cannot be understood; the loader turns it into a Problem."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


class UnreadableFile(Exception):
    """The file cannot be read at all: one sentence, no stack trace."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str = "fr") -> str:
        return render(self.code, self.params, lang)
