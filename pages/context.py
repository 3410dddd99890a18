"""What every page's callback starts from: the view in the URL, the plan it names, the date,
and the baseline version it is compared with (`base=`)."""
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
    baseline: LoadResult | None = None  # the version `base=` names, when found and readable
    base_found: bool = True  # False when `base=` names a version this server cannot show

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def status_date(self) -> dt.date:
        return self.loaded.plan.status_date(self.view.status_date)


def resolve(store: PlanStore, search: str | None) -> Context:
    """Parse the query string and load the plan version it names (or the newest), and the
    baseline version when `base=` names one."""
    view = parse_query(search or "")
    try:
        loaded, found = store.load(view.version)
    except UnreadableFile as error:
        return Context(view, None, error.message(view.lang), True)
    baseline, base_found = None, True
    if view.baseline:
        try:
            baseline, base_found = store.load(view.baseline)
        except UnreadableFile:
            baseline, base_found = None, False
        if not base_found:
            baseline = None
    return Context(view, loaded, None, found, baseline, base_found)
