"""Built-in electoral calendars of French local governments, and the current term."""
from __future__ import annotations

import datetime as dt

import pandas as pd

# A term runs from its election's decisive round to the next one. Dates are those of the
# second round (the round that decides most councils); 2020's was postponed to 28 June by
# the Covid-19 emergency law. Election dates the law has not fixed yet are provisional.
_MUNICIPAL = (
    ("2014–2020", "2014-03-30", "2020-06-28", False),
    ("2020–2026", "2020-06-28", "2026-03-22", False),
    ("2026–2032", "2026-03-22", "2032-03-21", True),
)
# Departmental and regional councils were both renewed on 27 June 2021; the law of
# 2021 set their next renewal in March 2028 (date not fixed yet).
_DEPARTMENTAL = (
    ("2015–2021", "2015-03-29", "2021-06-27", False),
    ("2021–2028", "2021-06-27", "2028-03-26", True),
)
_REGIONAL = (
    ("2015–2021", "2015-12-13", "2021-06-27", False),
    ("2021–2028", "2021-06-27", "2028-03-26", True),
)

CALENDARS: dict[str, tuple[tuple[str, str, str, bool], ...]] = {
    "municipal": _MUNICIPAL,
    "departmental": _DEPARTMENTAL,
    "regional": _REGIONAL,
}

# Which calendar governs each type of local government (EPCI councils are elected with
# the municipal councils).
ORGANISATION_CALENDAR = {
    "commune": "municipal",
    "epci": "municipal",
    "departement": "departmental",
    "region": "regional",
}

TERM_COLUMNS = ["label", "start", "end", "kind", "provisional"]


def builtin_terms(kind: str = "municipal") -> pd.DataFrame:
    """The built-in calendar of one kind of term, oldest first."""
    rows = [
        {"label": label, "start": pd.Timestamp(start), "end": pd.Timestamp(end),
         "kind": kind, "provisional": provisional}
        for label, start, end, provisional in CALENDARS[kind]
    ]
    return pd.DataFrame(rows, columns=TERM_COLUMNS).astype(
        {"start": "datetime64[s]", "end": "datetime64[s]"})


def current_term(terms: pd.DataFrame, status_date: dt.date) -> pd.Series | None:
    """The term containing the status date (a term's last day is its successor's first)."""
    if terms.empty:
        return None
    day = pd.Timestamp(status_date)
    containing = terms[(terms["start"] <= day) & (day < terms["end"])]
    if containing.empty:
        return None
    return containing.iloc[-1]
