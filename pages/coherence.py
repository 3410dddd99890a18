"""`/coherence`: which axes the plan serves in which years, and the gaps between the two."""
from __future__ import annotations

from dash import Input, Output, html

from components import ids
from components.coherence_view import coherence_view
from components.i18n import label
from loaders.store import PlanStore
from model.coherence import coherence_report
from pages.answer_cache import cached_answer
from pages.context import resolve

PATH = "/coherence"


def layout() -> html.Section:
    return html.Section(className="coherence-page", children=[
        html.Div(id=ids.COHERENCE_BODY, children=html.H2(label("coherence_title"))),
    ])


def register(app, store: PlanStore) -> None:
    @app.callback(Output(ids.COHERENCE_BODY, "children"), Input(ids.URL, "search"))
    # Its links name their own action: the one the URL selects changes nothing here.
    @cached_answer(ignores=("action",))
    def show_coherence(search):
        context = resolve(store, search)
        if context.loaded is None:
            return html.H2(label("coherence_title", context.lang))
        report = coherence_report(context.loaded.plan, context.view, context.status_date)
        return coherence_view(report, context.view, context.status_date, context.lang)
