"""RGAA contrast: every chart mark keeps 3:1 on the white background, text 4.5:1."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.palettes import (CATEGORY_COLORS, MILESTONE_STYLES, OTHERS_COLOR,
                                 STATUS_COLORS, STATUS_DATE_COLOR, TERM_COLOR, WEATHER_COLORS)


def luminance(color: str) -> float:
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(color: str, background: str = "#FFFFFF") -> float:
    light, dark = sorted((luminance(color), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


MARKS = {**{f"status {k}": v for k, v in STATUS_COLORS.items()},
         **{f"weather {k}": v for k, v in WEATHER_COLORS.items()},
         **{f"milestone {k}": v[1] for k, v in MILESTONE_STYLES.items()},
         **{f"category {i}": v for i, v in enumerate(CATEGORY_COLORS)},
         "others": OTHERS_COLOR}


@pytest.mark.parametrize("name", sorted(MARKS))
def test_pl001_chart_marks_have_3_to_1_contrast_on_white(name):
    assert contrast(MARKS[name]) >= 3.0, (name, MARKS[name], contrast(MARKS[name]))


@pytest.mark.parametrize("color", [STATUS_DATE_COLOR, TERM_COLOR])
def test_pl002_chart_text_colours_have_4_5_to_1(color):
    assert contrast(color) >= 4.5


def test_pl003_stylesheet_text_colours_have_4_5_to_1():
    css = (Path(__file__).resolve().parent.parent / "assets" / "horizon.css").read_text()
    variables = dict(re.findall(r"--(ink|muted|accent|error|warning):\s*(#[0-9A-Fa-f]{6})", css))
    assert set(variables) == {"ink", "muted", "accent", "error", "warning"}
    for name, color in variables.items():
        assert contrast(color) >= 4.5, (name, color)
