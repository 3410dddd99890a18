"""What every page's callback starts from: the view in the URL, the plan and version it
names, the date, and the baseline version it is compared with (`base=`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import g, has_request_context

from loaders import LoadResult, UnreadableFile
from loaders.store import PlanStore
from model.view import View, parse_query
from security import redact_for_request


@dataclass(frozen=True)
class Context:
    view: View
    loaded: LoadResult | None  # None when the plan cannot be read at all
    error: str | None  # the one sentence saying why, in the view's language
    version_found: bool  # False when the URL named a version this server does not have
    baseline: LoadResult | None = None  # the version `base=` names, when found and readable
    base_found: bool = True  # False when `base=` names a version this server cannot show
    plan_found: bool = True  # False when `plan=` names a plan this server does not have
    plan: str | None = None  # the slug of the plan shown
    source_notice: str | None = None  # the source file cannot be re-read: last good version shown

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def base_plan(self):
        """The baseline version's Plan (its ghost bars, its comparison), or None."""
        return self.baseline.plan if self.baseline is not None else None

    @property
    def status_date(self) -> dt.date:
        return self.loaded.plan.status_date(self.view.status_date)


def resolve(store: PlanStore, search: str | None) -> Context:
    """Parse the query string and load the plan version it names (or the newest of the plan
    it names, or of the first plan), and the baseline version when `base=` names one.

    Within one request the answer is kept: the answer cache (pages/answer_cache.py) resolves
    the URL for its key before the callback resolves it again."""
    if not has_request_context():
        return _resolve(store, search)
    kept = g.setdefault("horizon_contexts", {})
    if (store, search) not in kept:
        kept[(store, search)] = _resolve(store, search)
    return kept[(store, search)]


def _resolve(store: PlanStore, search: str | None) -> Context:
    view = parse_query(search or "")
    try:
        slug = store.plan_slug(view.plan) or store.default_plan()
        if view.plan is None and view.version and store.find(view.version, slug) is None:
            slug = store.plan_of(view.version) or slug  # an older link, from before `plan=`
        loaded, found = store.load(view.version, slug)
    except UnreadableFile as error:  # the database's own failure is one of them
        return Context(view, None, error.message(view.lang), True)
    plan_found = view.plan is None or view.plan == slug
    baseline, base_found = None, True
    if view.baseline:
        try:
            baseline, base_found = store.load(view.baseline, slug)
        except UnreadableFile:
            baseline, base_found = None, False
        if not base_found:
            baseline = None
    # Viewers never receive the columns the deployment hides (security/redaction.py).
    loaded, baseline = redact_for_request(loaded), redact_for_request(baseline)
    return Context(view, loaded, None, found, baseline, base_found, plan_found, slug,
                   store.source_notice(slug, view.lang))
