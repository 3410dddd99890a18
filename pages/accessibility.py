"""`/accessibilite`: the accessibility statement (déclaration d'accessibilité, RGAA 4.1)."""
from __future__ import annotations

from dash import Input, Output, html

from components import ids
from model.view import parse_query

PATH = "/accessibilite"

# The statement's text follows the model of the French government's accessibility
# statement; the compliance state is "partially compliant" until a full RGAA audit is done.
STATEMENT = {
    "fr": [
        ("h2", "Déclaration d'accessibilité"),
        ("p", "Horizon s'engage à rendre ses tableaux de bord accessibles, conformément à "
              "l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration "
              "s'applique au tableau de bord Horizon."),
        ("h3", "État de conformité"),
        ("p", "Horizon est partiellement conforme au référentiel général d'amélioration de "
              "l'accessibilité (RGAA), version 4.1 : aucun audit complet n'a encore été "
              "réalisé. Chaque page est vérifiée automatiquement (axe-core) à chaque "
              "modification."),
        ("h3", "Ce qui est fait"),
        ("ul", ["La frise est aussi disponible sous forme de tableau de données, dont chaque "
                "ligne ouvre le détail de l'action au clavier (critère 1.6).",
                "Le statut et la météo ne sont jamais indiqués par la seule couleur : un mot "
                "ou un symbole les accompagne ; les jalons se distinguent par leur forme.",
                "Les textes ont un contraste d'au moins 4,5:1 ; tous les contrôles sont "
                "accessibles au clavier, avec un focus visible.",
                "La langue de la page suit la langue choisie (français ou anglais)."]),
        ("h3", "Contenus non accessibles"),
        ("p", "Le survol des barres du graphique n'est pas restitué aux lecteurs d'écran ; "
              "les mêmes informations figurent dans le tableau de données et le panneau de "
              "détail."),
        ("h3", "Retour d'information et contact"),
        ("p", "Si vous ne pouvez pas accéder à un contenu ou à un service, contactez le "
              "responsable du tableau de bord de votre collectivité pour obtenir une "
              "alternative accessible. Vous pouvez aussi saisir le Défenseur des droits."),
    ],
    "en": [
        ("h2", "Accessibility statement"),
        ("p", "Horizon is committed to making its dashboards accessible, in accordance with "
              "article 47 of French law no. 2005-102 of 11 February 2005. This statement "
              "applies to the Horizon dashboard."),
        ("h3", "Compliance status"),
        ("p", "Horizon is partially compliant with the French accessibility framework (RGAA) "
              "version 4.1: no full audit has been carried out yet. Every page is checked "
              "automatically (axe-core) on every change."),
        ("h3", "What is done"),
        ("ul", ["The timeline is also available as a data table whose rows open the action's "
                "details by keyboard (criterion 1.6).",
                "Status and weather are never shown by colour alone: a word or a symbol goes "
                "with them; milestones differ by shape.",
                "Text has a contrast of at least 4.5:1; every control is reachable by "
                "keyboard, with a visible focus.",
                "The page's language follows the chosen language (French or English)."]),
        ("h3", "Content that is not accessible"),
        ("p", "Hovering the chart's bars is not read out by screen readers; the same "
              "information is in the data table and the details panel."),
        ("h3", "Feedback and contact"),
        ("p", "If you cannot access some content or service, contact your organisation's "
              "dashboard owner for an accessible alternative. You may also refer to the "
              "Défenseur des droits."),
    ],
}


def statement(lang: str = "fr") -> html.Article:
    """The statement in the page's language."""
    children = []
    for tag, content in STATEMENT.get(lang, STATEMENT["fr"]):
        if tag == "ul":
            children.append(html.Ul([html.Li(item) for item in content]))
        else:
            children.append(getattr(html, tag.capitalize())(content))
    return html.Article(children, className="statement")


def layout() -> html.Div:
    return html.Div(statement("fr"), id=ids.ACCESSIBILITY_BODY)


def register(app, store) -> None:
    @app.callback(Output(ids.ACCESSIBILITY_BODY, "children"), Input(ids.URL, "search"))
    def translate_statement(search):
        return statement(parse_query(search or "").lang)
