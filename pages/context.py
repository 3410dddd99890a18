"""What every page's callback starts from: the view in the URL, the plan it names, the date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from loaders import LoadResult, UnreadableFile
from loaders.store import PlanStore
from model.view import View, parse_query


@dataclass(frozen=True)
class Context:
    view: View
    loaded: LoadResult | None  # None when the plan cannot be read at all
    error: str | None  # the one sentence saying why, in the view's language
    version_found: bool  # False when the URL named a version this server does not have

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def status_date(self) -> dt.date:
        return self.loaded.plan.status_date(self.view.status_date)


def resolve(store: PlanStore, search: str | None) -> Context:
    """Parse the query string and load the plan version it names (or the newest)."""
    view = parse_query(search or "")
    try:
        loaded, found = store.load(view.version)
    except UnreadableFile as error:
        return Context(view, None, error.message(view.lang), True)
    return Context(view, loaded, None, found)
