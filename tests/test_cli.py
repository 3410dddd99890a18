"""`python app.py check PLAN`, run as a user runs it: a subprocess on real files in tmp_path.

Exit 0 without error, 1 when rows have errors, 2 when the file cannot be read: then one
French sentence on stdout, nothing on stderr (not even a Rust panic's backtrace), in under
2 seconds. Test codes (`cl0xx`) let `pytest -k cl003` run one story.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest

from loaders.limits import Limits
from loaders.problems import UnreadableFile
from tests.files.builders import (RawEntry, deflate_repeated, deflated, parts_of, raw_zip,
                                  rezip)

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
CLEAN = {"Plan": [["id", "action", "début", "fin"],
                  ["A1", "Portail citoyen", D(2024, 1, 1), D(2026, 12, 31)]]}
WITH_ERROR = {"Plan": [["id", "action", "début", "fin"],
                       ["A1", "Portail", D(2024, 1, 1), D(2025, 1, 1)],
                       ["A2", "GRU", D(2026, 1, 1), D(2025, 1, 1)]]}
END_BEFORE_START = ("Plan, ligne 3, colonne « fin » : la fin (01/01/2025) est avant le début "
                    "(01/01/2026) : la ligne est ignorée ; corrigez l'une des deux dates.")
SHEET_XML = "xl/worksheets/sheet1.xml"


def run(*args: str, script: str = "app.py", code: str | None = None, **environ: str):
    """The command as a user types it, with Rust backtraces on (as in this environment)."""
    env = {**os.environ, "RUST_BACKTRACE": "1", "PYTHONDONTWRITEBYTECODE": "1", **environ}
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, script, *args]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    done.seconds = time.perf_counter() - started
    return done


def check_quickly(*args: str):
    """`check`, in under 2 s of wall time: the best of three runs, because two cores shared
    by several test runs can stall any one process (the figure measured idle is ~0.9 s)."""
    for _ in range(3):
        done = run("check", *args)
        if done.seconds < 2:
            break
    assert done.seconds < 2, f"check took {done.seconds:.2f} s"
    return done


def sentence(code: str, name: str = "plan.xlsx", lang: str = "fr", **params) -> str:
    return UnreadableFile(code, name=name, **params).message(lang)


# --- unreadable files: one sentence, exit 2, nothing on stderr, under 2 s ----------------

def _empty(path: Path, _make_workbook=None) -> Path:
    path.write_bytes(b"")
    return path


def _png(path: Path, _make_workbook=None) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40)
    return path


def _truncated(path: Path, make_workbook) -> Path:
    data = make_workbook(CLEAN, name="whole.xlsx").read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return path


def _gigabyte_of_spaces(path: Path, make_workbook) -> Path:
    """A 1 MB .xlsx whose sheet inflates to 1 GiB of spaces (calamine would read it for
    seconds; the default limits refuse it before)."""
    parts = parts_of(make_workbook(CLEAN, name="whole.xlsx"))
    head, tail = parts[SHEET_XML].split(b"<sheetData>")
    stream, size, crc = deflate_repeated(head + b"<sheetData>", b" ", 1024, tail)
    entries = [deflated(name, content) for name, content in parts.items() if name != SHEET_XML]
    path.write_bytes(raw_zip(entries + [RawEntry(SHEET_XML, stream, size, crc)]))
    return path


def _calamine_panic(path: Path, make_workbook) -> Path:
    """A date-formatted cell holding -1e20: chrono panics inside calamine (Rust), which
    prints "thread … panicked" and, with RUST_BACKTRACE=1, a backtrace on fd 2."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = D(2026, 3, 15)
    workbook.save(path)
    parts = parts_of(path)
    parts[SHEET_XML] = re.sub(rb"<v>\d+</v>", b"<v>-1e20</v>", parts[SHEET_XML])
    path.write_bytes(rezip(parts))
    return path


# kind: (builder, code and params of the expected sentence)
UNREADABLE = {
    "empty": (_empty, "file_empty", {}),
    "png_renamed": (_png, "file_not_spreadsheet", {}),
    "truncated_zip": (_truncated, "file_corrupt", {}),
    "gigabyte_of_spaces": (_gigabyte_of_spaces, "file_too_large_uncompressed",
                           {"limit_mb": Limits().max_uncompressed // 2**20}),
    "calamine_panic": (_calamine_panic, "file_corrupt", {}),
}


@pytest.mark.parametrize("kind", UNREADABLE)
def test_cl001_unreadable_file_one_sentence_exit_2_empty_stderr(kind, tmp_path, make_workbook):
    build, code, params = UNREADABLE[kind]
    path = build(tmp_path / "plan.xlsx", make_workbook)
    done = check_quickly(str(path))
    assert done.returncode == 2
    assert done.stdout == sentence(code, **params) + "\n"
    assert done.stderr == ""


def test_cl002_calamine_panic_in_json_and_english_leaves_stderr_empty(tmp_path, make_workbook):
    path = _calamine_panic(tmp_path / "plan.xlsx", make_workbook)
    done = check_quickly(str(path), "--json", "--lang", "en")
    assert (done.returncode, done.stderr) == (2, "")
    assert json.loads(done.stdout) == {
        "file": "plan.xlsx", "readable": False, "sheets": [], "problems": [],
        "error": "The file “plan.xlsx” is damaged or incomplete: open it and save it again "
                 "in Excel or LibreOffice."}


def test_cl003_missing_file_is_a_sentence(tmp_path):
    done = check_quickly(str(tmp_path / "absent.xlsx"))
    assert (done.returncode, done.stderr) == (2, "")
    assert done.stdout == ("Le fichier « absent.xlsx » est introuvable ou illisible : "
                           "vérifiez son chemin.\n")


def test_cl004_unreadable_in_json_french(tmp_path):
    path = _png(tmp_path / "plan.xlsx")
    done = check_quickly(str(path), "--json")
    assert (done.returncode, done.stderr) == (2, "")
    assert json.loads(done.stdout) == {"file": "plan.xlsx", "readable": False, "sheets": [],
                                       "problems": [], "error": sentence("file_not_spreadsheet")}


# --- readable files ------------------------------------------------------------------------

def test_cl005_clean_plan_exit_0(make_workbook):
    done = check_quickly(str(make_workbook(CLEAN)))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == ("plan.xlsx\n"
                           "  Feuille « Plan » (actions) : 1 lues, 1 chargées, 0 rejetées, 0 vides\n"
                           "Aucun problème.\n")


def test_cl006_row_error_exit_1_with_sheet_row_column_and_message(make_workbook):
    done = check_quickly(str(make_workbook(WITH_ERROR)))
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == ("plan.xlsx\n"
                           "  Feuille « Plan » (actions) : 2 lues, 1 chargées, 1 rejetées, 0 vides\n"
                           f"  [erreur] {END_BEFORE_START}\n")


def test_cl007_json_report_counts_and_problems(make_workbook):
    done = check_quickly(str(make_workbook(WITH_ERROR)), "--json")
    assert (done.returncode, done.stderr) == (1, "")
    report = json.loads(done.stdout)
    assert (report["file"], report["readable"], report["error"]) == ("plan.xlsx", True, None)
    assert report["sheets"] == [{"sheet": "Plan", "role": "actions", "read": 2, "loaded": 1,
                                 "rejected": 1, "blank": 0}]
    assert report["problems"] == [{"sheet": "Plan", "row": 3, "column": "fin",
                                   "code": "end_before_start", "severity": "error",
                                   "message": END_BEFORE_START}]


def test_cl008_english_report(make_workbook):
    done = check_quickly(str(make_workbook(WITH_ERROR)), "--lang", "en")
    assert (done.returncode, done.stderr) == (1, "")
    lines = done.stdout.splitlines()
    assert lines[:2] == ["plan.xlsx",
                         "  Sheet “Plan” (actions): 2 read, 1 loaded, 1 rejected, 0 blank"]
    assert lines[2].startswith("  [error] Plan, row 3, column “fin”: the end")
    assert len(lines) == 3
    clean = check_quickly(str(make_workbook(CLEAN, name="clean.xlsx")), "--lang", "en")
    assert (clean.returncode, clean.stdout.splitlines()[-1]) == (0, "No problems.")


def test_cl009_example_plan_through_cli_py_and_make_check_path():
    # `make check` runs `app.py check data/example_plan.xlsx`; cli.py is the same command.
    for script in ("app.py", "cli.py"):
        done = run("check", "data/example_plan.xlsx", script=script)
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout.splitlines()[0] == "example_plan.xlsx"
        assert done.stdout.splitlines()[-1] == "Aucun problème."


# --- why it is fast, and what it must not hide ---------------------------------------------

def test_cl010_check_and_template_never_import_dash(make_workbook, tmp_path):
    # Dash and the pages take ~2 s to import: the reason `check` used to take 2-3 s.
    for args in (("check", str(make_workbook(CLEAN))), ("template", str(tmp_path / "t.xlsx"))):
        done = subprocess.run([sys.executable, "-X", "importtime", "app.py", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                    if line.startswith("import time:")}
        assert "loaders" in imported
        assert not {"dash", "plotly", "flask", "app"} & imported, args
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames[:3] == ["Guide", "Stratégie", "Plan"]


def test_cl011_what_a_readable_load_writes_on_stderr_is_kept(make_workbook):
    # The capture of fd 2 only drops the text of loads that end unreadable: a warning
    # written during a good load (by Python or by native code) still reaches the user.
    path = make_workbook(CLEAN)
    code = textwrap.dedent("""
        import os, sys, warnings
        import cli
        from loaders import UnreadableFile
        real_load = cli.load_path
        def noisy_load(path, limits):
            os.write(2, b"native note\\n")
            warnings.warn("python note")
            if path.endswith("bad.xlsx"):
                raise UnreadableFile("file_corrupt", name="bad.xlsx")
            return real_load(path, limits)
        cli.load_path = noisy_load
        sys.exit(cli.main(sys.argv[1:]))
    """)
    done = run("check", str(path), code=code)
    assert done.returncode == 0 and done.stdout.endswith("Aucun problème.\n")
    assert "native note\n" in done.stderr and "UserWarning: python note" in done.stderr
    refused = run("check", str(path.with_name("bad.xlsx")), code=code)
    assert (refused.returncode, refused.stderr) == (2, "")
    assert refused.stdout == sentence("file_corrupt", "bad.xlsx") + "\n"


def test_cl012_the_size_limit_is_the_server_s(make_workbook, tmp_path):
    # `check` says what the server would: a file over HORIZON_MAX_UPLOAD_MB is refused
    # from its size on disk, and one under a raised limit is checked as usual.
    big = tmp_path / "big.xlsx"
    parts = parts_of(make_workbook(CLEAN))
    parts["xl/media/image1.png"] = os.urandom(1_500_000)  # incompressible, like a photo
    big.write_bytes(rezip(parts))
    done = run("check", str(big), HORIZON_MAX_UPLOAD_MB="1")
    assert done.returncode == 2 and done.stderr == ""
    assert done.stdout.strip() == sentence("file_too_large", name="big.xlsx", size_mb=2,
                                           limit_mb=1)
    done = run("check", str(big), HORIZON_MAX_UPLOAD_MB="2")
    assert (done.returncode, done.stderr) == (0, "")
