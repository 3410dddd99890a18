"""The README documents what the code declares: settings, columns and aliases."""
from pathlib import Path

from loaders.columns import alias_table_markdown
from settings import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_dc001_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_dc002_every_setting_is_documented():
    for setting in SETTINGS:
        assert f"`{setting.env}`" in README, setting.env
        assert setting.help in README, setting.help


def test_dc003_column_alias_table_is_the_one_in_the_code():
    assert alias_table_markdown() in README
