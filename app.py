"""Horizon: the Dash app (`create_app`), `server` for gunicorn, and the command line.

    python app.py                       serve the example plan on http://127.0.0.1:8050
    python app.py serve PLAN [--host H] [--port P]
    python app.py check PLAN [--json] [--lang en]
    python app.py template OUT.xlsx
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import dash
from dash import Input, Output, html
from flask import jsonify

from components import ids
from components.i18n import label
from components.layout import problems_list, shell_layout
from loaders import UnreadableFile, load_path
from loaders.store import PlanStore
from model.view import to_query
from pages import PAGES
from pages.context import resolve
from settings import ROOT, Settings, settings_from_env


def create_app(settings: Settings) -> dash.Dash:
    """The Dash app serving `settings.plan`; nothing here reads the environment."""
    store = PlanStore(settings.plan, settings.instance, settings.max_upload_mb * 1024 * 1024)
    app = dash.Dash(__name__, assets_folder=str(ROOT / "assets"), title=label("app_title"),
                    update_title=None, serve_locally=True, suppress_callback_exceptions=True)
    app.index_string = app.index_string.replace("<html>", '<html lang="fr">')
    app.layout = shell_layout

    @app.server.route("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.callback(Output(ids.PAGE_CONTENT, "children"), Input(ids.URL, "pathname"))
    def show_page(pathname):
        page = PAGES.get(pathname or "/")
        return page.layout() if page else html.P(label("page_unknown"), role="alert")

    @app.callback(
        Output(ids.PROBLEMS, "children"), Output(ids.PROBLEM_COUNT, "children"),
        Output(ids.PLAN_NOTICE, "children"), Output(ids.PAGE_TITLE, "children"),
        Output(ids.APP_TITLE, "children"), Output(ids.LANG_LINK, "children"),
        Output(ids.LANG_LINK, "href"),
        Input(ids.URL, "search"),
    )
    def show_plan(search):
        context = resolve(store, search)
        lang = context.lang
        other = replace(context.view, lang="en" if lang == "fr" else "fr")
        header = (label("app_title", lang), label("language", lang), to_query(other) or "?")
        if context.loaded is None:
            return [], "0", label("plan_error", lang, message=context.error), "", *header
        problems = context.loaded.problems
        return (problems_list(problems, lang), str(len(problems)), "",
                context.loaded.plan.settings.title or "", *header)

    for page in PAGES.values():
        page.register(app, store)
    return app


def check(path: str, as_json: bool, lang: str) -> int:
    """Validate a workbook: 0 no error, 1 rows with errors, 2 unreadable."""
    try:
        loaded = load_path(path)
    except UnreadableFile as error:
        if as_json:
            print(json.dumps({"file": Path(path).name, "readable": False,
                              "error": error.message(lang), "sheets": [], "problems": []},
                             ensure_ascii=False, indent=2))
        else:
            print(error.message(lang))
        return 2
    report = loaded.report(lang)
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report, lang)
    return 1 if loaded.errors else 0


def print_report(report: dict, lang: str) -> None:
    """The French (or English) text report of `check`."""
    words = {"fr": ("Feuille", "lues", "chargées", "rejetées", "vides", "erreur", "avertissement",
                    "Aucun problème."),
             "en": ("Sheet", "read", "loaded", "rejected", "blank", "error", "warning",
                    "No problem.")}[lang]
    print(report["file"])
    for sheet in report["sheets"]:
        print(f"  {words[0]} « {sheet['sheet']} » ({sheet['role']}) : {sheet['read']} {words[1]}, "
              f"{sheet['loaded']} {words[2]}, {sheet['rejected']} {words[3]}, "
              f"{sheet['blank']} {words[4]}")
    if not report["problems"]:
        print(words[7])
    for problem in report["problems"]:
        severity = words[5] if problem["severity"] == "error" else words[6]
        print(f"  [{severity}] {problem['message']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="app.py", description="Horizon roadmap dashboard")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="serve the dashboard on a plan")
    serve.add_argument("plan", nargs="?")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    checker = commands.add_parser("check", help="validate a plan workbook")
    checker.add_argument("plan")
    checker.add_argument("--json", action="store_true")
    checker.add_argument("--lang", choices=("fr", "en"), default="fr")
    template = commands.add_parser("template", help="write an empty plan workbook")
    template.add_argument("out")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.plan, args.json, args.lang)
    if args.command == "template":
        from loaders.template import write_template
        write_template(args.out)
        print(args.out)
        return 0
    plan = getattr(args, "plan", None)
    app = create_app(settings_from_env(plan=plan))
    app.run(host=getattr(args, "host", "127.0.0.1"), port=getattr(args, "port", 8050),
            debug=False)
    return 0


server = create_app(settings_from_env()).server

if __name__ == "__main__":
    sys.exit(main())
