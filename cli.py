"""Horizon's command line (`python app.py …` runs it; so does `python cli.py …`).

    python app.py                       serve the example plan on http://127.0.0.1:8050
    python app.py serve PLAN [--host H] [--port P]
    python app.py check PLAN [--json] [--lang en]
    python app.py template OUT.xlsx

Kept apart from app.py so that `check` and `template` never import Dash and the pages:
that import takes about 2 s, a check takes milliseconds. `serve` imports the app lazily.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from loaders import Limits, LoadResult, UnreadableFile, load_path
from loaders.limits import MB
from settings import settings_from_env


def check(path: str, as_json: bool, lang: str) -> int:
    """Validate a workbook as the server would (same size limit, HORIZON_MAX_UPLOAD_MB):
    0 no error, 1 rows with errors, 2 unreadable."""
    limits = Limits(max_bytes=settings_from_env().max_upload_mb * MB)
    try:
        loaded = _load_without_panic_text(path, limits)
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


# The text report's lines; each language with its own typography (« » and a space before
# the colon in French, “ ” in English).
_REPORT = {
    "fr": {"sheet": "  Feuille « {sheet} » ({role}) : {read} lues, {loaded} chargées, "
                    "{rejected} rejetées, {blank} vides",
           "error": "erreur", "warning": "avertissement", "none": "Aucun problème."},
    "en": {"sheet": "  Sheet “{sheet}” ({role}): {read} read, {loaded} loaded, "
                    "{rejected} rejected, {blank} blank",
           "error": "error", "warning": "warning", "none": "No problems."},
}


def print_report(report: dict, lang: str) -> None:
    """The French (or English) text report of `check`."""
    words = _REPORT[lang]
    print(report["file"])
    for sheet in report["sheets"]:
        print(words["sheet"].format(**sheet))
    if not report["problems"]:
        print(words["none"])
    for problem in report["problems"]:
        print(f"  [{words[problem['severity']]}] {problem['message']}")


def _load_without_panic_text(path: str, limits: Limits) -> LoadResult:
    """`load_path`, minus the Rust panic report a broken file leaves on stderr.

    The loader turns a calamine panic into UnreadableFile, but Rust's panic hook has
    already written "thread … panicked at …" (and, under RUST_BACKTRACE, a whole
    backtrace) straight to file descriptor 2, below Python, where sys.stderr cannot
    intercept it. So fd 2 goes to a temporary file during the load: dropped when the file
    turns out unreadable (the sentence says it all), written back otherwise so that no
    warning is lost. Only the command line does this: the server's stderr is its log.
    """
    with _fd2_captured() as captured:
        try:
            return load_path(path, limits)
        except UnreadableFile:
            captured.truncate(0)
            raise


@contextmanager
def _fd2_captured() -> Iterator:
    """Point file descriptor 2 at a temporary file; on the way out, restore it and write
    back whatever the temporary file still holds."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield captured
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            held = captured.read()
            if held:
                sys.stderr.buffer.write(held)
                sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Horizon roadmap dashboard")
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
    # Only serving needs Dash and the pages.
    from app import create_app
    plan = getattr(args, "plan", None)
    app = create_app(settings_from_env(plan=plan))
    app.run(host=getattr(args, "host", "127.0.0.1"), port=getattr(args, "port", 8050),
            debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
