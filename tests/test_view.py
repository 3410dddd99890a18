"""The view as the controls and the figure see it: URL -> controls -> URL, zoom and clicks.

The filter bar mirrors the URL (components.controls); these tests check that the round
trip loses nothing a link carries, and that figure events become the right parameters.
"""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from dash import no_update

from app import view_notice
from components import ids
from components.controls import (CHOICE_GROUPS, CONTROLS, TEXTS, bar_outputs, choice_labels,
                                 control_texts, control_values, dropdown_options, pressed,
                                 read_date, reset_view, share_view, view_after_choice,
                                 view_from_controls)
from components.i18n import LABELS
from loaders import UnreadableFile, load_path
from loaders.store import PlanStore
from model.view import View, parse_query, to_query
from pages.context import Context
from pages.timeline import view_after_figure_event, zoomed_view
from security.upload import uploaded_view
from settings import EXAMPLE_PLAN

D = dt.date
DEFAULT_DATE = D(2026, 10, 15)


def control_ids():
    return [control for control, _prop in CONTROLS]


def test_vw001_controls_show_what_the_url_says():
    view = parse_query("?axes=AX1,__hors__&porteurs=Nadia%20Benali&statuts=done,planned"
                       "&q=gru&retard=1&vue=mandat&couleur=meteo&date=2026-01-31")
    values = dict(zip(control_ids(), control_values(view, D(2026, 1, 31))))
    assert values == {
        ids.FILTER_AXES: ["AX1", "__hors__"], ids.FILTER_SERVICES: [],
        ids.FILTER_OWNERS: ["Nadia Benali"], ids.FILTER_STATUSES: ["done", "planned"],
        ids.FILTER_WEATHERS: [], ids.SEARCH: "gru", ids.STATUS_DATE: "31/01/2026"}
    # The buttons of each group (« seulement », presets, colourings) say which are on.
    assert pressed(view) == [["true", "false"], ["true", "false", "false", "false"],
                             ["false", "true", "false", "false"]]
    assert choice_labels("fr")[1] == ["Mandat en cours", "Plan", "Stratégie", "Tout"]
    assert choice_labels("en")[0] == ["Late only", "Past the current term only"]


@pytest.mark.parametrize("query", [
    "",
    "?version=f981166925da&axes=AX2&services=DSI&meteo=rainy,stormy&hors_mandat=1&lang=en",
    "?q=cyber&vue=tout&couleur=porteur&action=A02&date=2026-01-01",
    "?du=2025-01-01&au=2027-12-31&statuts=in_progress&base=abc123&presentation=1",
])
def test_vw002_url_controls_url_round_trip_keeps_the_view(query):
    view = parse_query(query)
    shown = control_values(view, view.status_date or DEFAULT_DATE)
    back = view_from_controls(view, shown, DEFAULT_DATE)
    assert back == view
    assert to_query(back) == to_query(view)


def test_vw003_a_control_change_keeps_version_language_action_and_presets():
    view = parse_query("?version=f981166925da&lang=en&action=A02&vue=strategie")
    values = control_values(view, DEFAULT_DATE)
    values[control_ids().index(ids.FILTER_AXES)] = ["AX2"]
    changed = view_from_controls(view, values, DEFAULT_DATE)
    assert to_query(changed) == ("?version=f981166925da&action=A02&axes=AX2&vue=strategie"
                                 "&lang=en")


def test_vw004_buttons_preset_colour_and_the_two_switches():
    view = parse_query("?du=2025-01-01&au=2027-12-31")
    assert pressed(view)[1] == ["false"] * 4  # du/au override every preset
    assert to_query(view_after_choice(view, ids.ZOOM, "mandat")) == "?vue=mandat"
    assert to_query(view_after_choice(view, ids.COLOR_BY, "meteo")) == (
        "?couleur=meteo&du=2025-01-01&au=2027-12-31")
    late = view_after_choice(View(), ids.ONLY, "retard")
    assert late.late_only and not view_after_choice(late, ids.ONLY, "retard").late_only
    assert view_after_choice(View(), ids.ONLY, "hors_mandat").past_term_only
    assert view_after_choice(View(), ids.ZOOM, "zzz") == View()


def test_vw005_status_date_field():
    view = View()
    values = control_values(view, DEFAULT_DATE)
    date_at = control_ids().index(ids.STATUS_DATE)
    assert values[date_at] == "15/10/2026"
    assert view_from_controls(view, values, DEFAULT_DATE).status_date is None  # the default
    values[date_at] = "1/1/2027"
    assert view_from_controls(view, values, DEFAULT_DATE).status_date == D(2027, 1, 1)
    dated = View(status_date=D(2025, 5, 5))
    values[date_at] = "bientôt"  # unreadable: the date stays, a notice says why (vw012)
    assert view_from_controls(dated, values, DEFAULT_DATE).status_date == D(2025, 5, 5)
    values[date_at] = ""  # emptied: back to the plan's own status date
    assert view_from_controls(dated, values, DEFAULT_DATE).status_date is None
    assert [read_date(text) for text in ("15/10/2026", "15.10.26", "2026-10-15", "31/02/2026",
                                         "15/10", "mars 2026")] == [
        D(2026, 10, 15), D(2026, 10, 15), D(2026, 10, 15), None, None, None]


def test_vw006_reset_and_share():
    view = parse_query("?version=f981166925da&axes=AX1&q=x&lang=en&action=A1&du=2025-01-01")
    assert reset_view(view) == View(version="f981166925da", lang="en")
    plan = load_path(EXAMPLE_PLAN).plan  # its own status date: 15 October 2026
    shared = to_query(share_view(parse_query("?axes=AX1"), plan))
    assert shared == f"?version={plan.version[:12]}&axes=AX1&date=2026-10-15"
    dated = to_query(share_view(parse_query("?date=2027-01-01&lang=en"), plan))
    assert dated == f"?version={plan.version[:12]}&lang=en&date=2027-01-01"


def test_vw007_zoom_and_pan_become_du_au():
    view = View(zoom="plan")
    zoomed = zoomed_view(view, {"xaxis.range[0]": "2025-03-14 13:22:10.5",
                                "xaxis.range[1]": "2027-01-01"})
    assert (zoomed.start, zoomed.end) == (D(2025, 3, 14), D(2026, 12, 31))
    assert zoomed_view(view, {"xaxis.range": ["2025-01-01", "2026-06-30 12:00"]}).end == (
        D(2026, 6, 30))
    assert zoomed_view(zoomed, {"xaxis.autorange": True}) == View(zoom="plan")
    assert zoomed_view(view, {"xaxis.autorange": True}) is None  # nothing to undo
    assert zoomed_view(view, {"autosize": True}) is None  # the first draw
    assert zoomed_view(view, {"xaxis.range[0]": "bientôt", "xaxis.range[1]": "x"}) is None


def test_vw008_a_click_on_a_bar_names_its_action():
    click = {"points": [{"curveNumber": 3, "customdata": ["A02", "GRU"]}]}
    opened = view_after_figure_event(View(), click, None)
    assert opened == View(action="A02")
    band = {"points": [{"curveNumber": 0, "hovertext": "Axe"}]}  # a band: nothing to open
    assert view_after_figure_event(View(), band, None) is None
    assert view_after_figure_event(opened, None, {"autosize": True}) is None


def test_vw009_options_come_from_the_plan_and_keep_a_links_values():
    plan = load_path(EXAMPLE_PLAN).plan
    options = dropdown_options(plan, parse_query("?axes=AX9&porteurs=Inconnue"))
    axes = [option["value"] for option in options[ids.FILTER_AXES]]
    assert axes[:6] == ["AX1", "AX2", "AX3", "AX4", "AX5", "AX6"]
    assert "__hors__" in axes  # the example has an action outside the strategy
    assert axes[-1] == "AX9"  # an unknown value stays, or the dropdown would drop it
    owners = [option["value"] for option in options[ids.FILTER_OWNERS]]
    assert owners.index("Élodie Fournier") < owners.index("Julien Marchand")  # accents sort
    assert owners[-1] == "Inconnue"
    statuses = options[ids.FILTER_STATUSES]
    assert statuses[0] == {"label": "À lancer", "value": "planned"}


def test_vw010_every_text_of_the_bar_exists_in_both_languages():
    plan = load_path(EXAMPLE_PLAN).plan
    french = control_texts(plan, View())
    english = control_texts(plan, View(lang="en"))
    assert len(french) == len(english) == len(TEXTS)
    changed = [key for key, fr, en in zip(TEXTS, french, english) if fr != en]
    assert (ids.RESET, "children") in changed and (ids.SEARCH, "placeholder") in changed


def test_vw010b_the_bar_answers_every_output_of_the_url_callback():
    plan = load_path(EXAMPLE_PLAN).plan
    size = len(CONTROLS) + len(TEXTS) + 2 * len(CHOICE_GROUPS)
    shown = bar_outputs(View(zoom="tout"), plan, write_controls=True)
    assert len(shown) == size
    assert shown[len(CONTROLS) + len(TEXTS) + 1] == ["false", "false", "false", "true"]
    typed = bar_outputs(View(zoom="tout"), plan, write_controls=False)
    assert len(typed) == size
    assert all(value is no_update for value in typed[:len(CONTROLS) + len(TEXTS)])
    assert typed[len(CONTROLS) + len(TEXTS) + 1] == ["false", "false", "false", "true"]


def test_vw011_every_label_has_both_languages_once():
    assert set(LABELS["fr"]) == set(LABELS["en"])
    source = Path(__file__).resolve().parent.parent / "components" / "i18n.py"
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = [key.value for key in node.keys if isinstance(key, ast.Constant)]
            assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})


def test_vw012_notice_names_what_the_url_asked_and_could_not_have():
    context = Context(parse_query("?vue=zzz&foo=1"), None, None, True)
    values = control_values(View(), DEFAULT_DATE)
    assert view_notice(context, None, "fr", values) == (
        "Paramètres de l'adresse ignorés : « vue », « foo ».")
    # A control was just used: the URL is rewritten without them, nothing to say.
    assert view_notice(context, ids.FILTER_AXES, "fr", values) == ""
    values[control_ids().index(ids.STATUS_DATE)] = "bientôt"
    assert view_notice(context, ids.STATUS_DATE, "fr", values) == (
        "Date de situation non reconnue : « bientôt ». Écrivez-la JJ/MM/AAAA.")
    lost = Context(parse_query("?version=abcdef123456"), None, None, False)
    assert "abcdef123456" in view_notice(lost, None, "en", values)


def test_vw013_an_upload_opens_its_plan_with_the_same_language_and_zoom(make_workbook, tmp_path):
    view = parse_query("?axes=AX1&lang=en&vue=tout&action=A1")
    assert to_query(uploaded_view(view, "7a173a0ce107" + "f" * 52)) == (
        "?version=7a173a0ce107&vue=tout&lang=en")
    empty = make_workbook({"Feuil1": [["rien"], ["du tout"]]}, name="vide.xlsx")
    store = PlanStore(EXAMPLE_PLAN, tmp_path / "instance")
    with pytest.raises(UnreadableFile) as refused:
        store.save_upload(empty.read_bytes(), "vide.xlsx")
    assert refused.value.message("fr").startswith("Le classeur « vide.xlsx » n'est pas affiché")
    store.close()
