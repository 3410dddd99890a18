"""`/`: the roadmap timeline."""
from __future__ import annotations

from dash import Input, Output, dcc, html

from components import ids
from components.i18n import label
from components.timeline import timeline_figure
from loaders.store import PlanStore
from pages.context import resolve

PATH = "/"


def layout() -> html.Section:
    return html.Section(className="timeline-section", children=[
        html.H2(label("timeline"), className="visually-hidden"),
        dcc.Graph(id=ids.TIMELINE, config={"displaylogo": False, "locale": "fr",
                                           "responsive": True}),
    ])


def register(app, store: PlanStore) -> None:
    @app.callback(Output(ids.TIMELINE, "figure"), Input(ids.URL, "search"))
    def draw_timeline(search):
        context = resolve(store, search)
        if context.loaded is None:
            return {}
        return timeline_figure(context.loaded.plan, context.view, context.status_date)
