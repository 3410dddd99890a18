"""Colours of the picture. Status and météo palettes are colour-blind safe (derived from
Okabe–Ito, darkened so every mark keeps a 3:1 contrast on white) and always go with a word
or a symbol; other groupings get at most eight named colours, the rest « autres »."""
from __future__ import annotations

STATUS_COLORS = {
    "planned": "#767676", "in_progress": "#0072B2", "done": "#007A5A",
    "suspended": "#A86B00", "abandoned": "#AA3377", None: "#8C8C8C",
}
WEATHER_COLORS = {
    "sunny": "#007A5A", "cloudy": "#8A7400", "rainy": "#C24E00", "stormy": "#A50021",
    None: "#8C8C8C",
}
CATEGORY_COLORS = ("#0072B2", "#C24E00", "#007A5A", "#AA3377", "#8A7400", "#4B0092",
                   "#00708A", "#6B4E16")
OTHERS_COLOR = "#767676"
MILESTONE_STYLES = {  # state -> (symbol, colour): shape and colour, never colour alone
    "done": ("circle", "#007A5A"),
    "late": ("x", "#C8102E"),
    "upcoming": ("diamond", "#A86B00"),
    "later": ("circle-open", "#505050"),
}
AXIS_DEFAULT_COLORS = ("#4C78A8", "#F58518", "#54A24B", "#B279A2", "#E45756", "#72B7B2",
                       "#9D755D", "#EECA3B")
OUTSIDE_BAND_COLOR = "#9A9A9A"  # « Hors stratégie »: no axis, no axis colour
PROGRESS_COLOR = "rgba(0,0,0,0.45)"  # the part done, darker inside any bar colour
STATUS_DATE_COLOR = "#C8102E"
TERM_COLOR = "#333333"


def with_alpha(color: str, alpha: float) -> str:
    """`#RRGGBB` -> `rgba(r,g,b,alpha)`; other strings are returned unchanged."""
    if not (isinstance(color, str) and color.startswith("#") and len(color) == 7):
        return color
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
