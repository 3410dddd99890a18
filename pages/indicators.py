"""`/indicateurs`: each indicator against its trajectory; `#I01` scrolls to one card."""
from __future__ import annotations

from dash import Input, Output, html

from components import ids
from components.i18n import label
from components.indicator_charts import indicator_cards
from loaders.store import PlanStore
from model.indicators import action_title, visible_indicators
from pages.answer_cache import cached_answer
from pages.context import resolve

PATH = "/indicateurs"

# The cards arrive after the page has loaded, so the browser's own jump to `#I01` finds
# nothing: once they are drawn, bring the named card into view, focus and mark it.
FOCUS_CARD = """
function(children, hash) {
    const wanted = decodeURIComponent((hash || '').replace(/^#/, ''));
    if (!wanted) { return window.dash_clientside.no_update; }
    const card = document.getElementById('indicator-' + wanted) || document.getElementById(wanted);
    if (!card || !card.classList.contains('indicator-card')) {
        return window.dash_clientside.no_update;
    }
    document.querySelectorAll('.indicator-card.is-target')
        .forEach(other => other.classList.remove('is-target'));
    card.classList.add('is-target');
    card.setAttribute('tabindex', '-1');
    card.scrollIntoView({block: 'start'});
    card.focus({preventScroll: true});
    return card.id;
}
"""


def layout() -> html.Section:
    return html.Section(className="indicators-page", children=[
        html.Div(id=ids.INDICATORS_BODY, children=html.H2(label("indicators_title"))),
        html.Div(id=ids.INDICATORS_FOCUS, hidden=True),
    ])


def register(app, store: PlanStore) -> None:
    @app.callback(Output(ids.INDICATORS_BODY, "children"), Input(ids.URL, "search"))
    @cached_answer
    def show_indicators(search):
        context = resolve(store, search)
        if context.loaded is None:
            return html.H2(label("indicators_title", context.lang))
        plan, view = context.loaded.plan, context.view
        shown = visible_indicators(plan, view, context.status_date)
        return indicator_cards(shown, view, action_title(plan, view.action), context.lang)

    app.clientside_callback(FOCUS_CARD, Output(ids.INDICATORS_FOCUS, "children"),
                            Input(ids.INDICATORS_BODY, "children"), Input(ids.URL, "hash"))
