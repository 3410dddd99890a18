"""The pages of the dashboard: each has a path, a static layout and its callbacks.

Pages render their structure once per path; their callbacks listen to the URL's query
string, so a filter change updates what is drawn without rebuilding the controls.
"""
from __future__ import annotations

from types import ModuleType

from pages import (accessibility, coherence, committee, edition, indicators, milestones,
                   timeline)

PAGES: dict[str, ModuleType] = {
    page.PATH: page
    for page in (timeline, milestones, committee, coherence, indicators, accessibility,
                 edition)
}
