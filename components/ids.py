"""Every component id of the app, in one place: a typo is an AttributeError at import."""

URL = "url"
PAGE_TITLE = "page-title"
TIMELINE = "timeline"
PLAN_NOTICE = "plan-notice"
PROBLEMS = "problems"
PROBLEM_COUNT = "problem-count"
LANG_LINK = "lang-link"
VIEW_NOTICE = "view-notice"
APP_TITLE = "app-title"
PAGE_CONTENT = "page-content"
ACCESSIBILITY_BODY = "accessibility-body"
COHERENCE_BODY = "coherence-body"
INDICATORS_BODY = "indicators-body"
INDICATORS_FOCUS = "indicators-focus"  # clientside output: scrolls to the URL's #indicator


def indicator_card(indicator_id: str) -> str:
    """The card of one indicator; `/indicateurs#I01` and `#indicator-I01` both reach it."""
    return f"indicator-{indicator_id}"

# The filter bar in the shell (components/controls.py): its controls and their labels.
VIEW_CONTROLS = "view-controls"
FILTER_AXES = "filter-axes"
FILTER_SERVICES = "filter-services"
FILTER_OWNERS = "filter-owners"
FILTER_STATUSES = "filter-statuses"
FILTER_WEATHERS = "filter-weathers"
SEARCH = "filter-text"
ONLY = "filter-only"  # toggle buttons: « En retard seulement », « Au-delà du mandat… »
ZOOM = "zoom-preset"  # one button per preset
COLOR_BY = "color-by"  # one button per colouring
STATUS_DATE = "status-date"
RESET = "reset-view"
COPY_LINK = "copy-link"  # dcc.Clipboard
COPY_LINK_TEXT = "copy-link-text"
SHARE_LINK = "share-link"  # the same link, visible (when the clipboard is not available)
SHARE_QUERY = "share-query"  # dcc.Store: the query string that pins version and date
VIEW_KEY = "view-key"  # dcc.Store: the plan version and language shown (header, problems)
UPLOAD = "plan-upload"
UPLOAD_TEXT = "plan-upload-text"
UPLOAD_LIMIT = "plan-upload-limit"  # shown by assets/horizon.js for a file over the limit
FILTERS_HEADING = "filters-heading"
PROBLEMS_HEADING = "problems-heading"

# The timeline page (pages/timeline.py): key figures, the past-term summary, the details.
KPIS = "kpis"
PAST_TERM = "past-term"
FIGURE_KEY = "figure-key"  # dcc.Store: what the drawn figure shows, to skip redrawing it
DETAILS = "action-details"
DETAILS_BODY = "action-details-body"
DETAILS_CLOSE = "action-details-close"


def label_of(control_id: str) -> str:
    """The id of a control's visible label (its text follows the language)."""
    return f"{control_id}-label"


def choice(group: str, value: str) -> dict:
    """One button of a group of choices (ZOOM, COLOR_BY, ONLY): a pattern-matching id."""
    return {"type": group, "value": value}


# The milestone tracker (pages/milestones.py).
MILESTONES_HEADING = "milestones-heading"
MILESTONES_QUICK_VIEW = "milestones-quick-view"  # toggle buttons: tous, retard, 30j, 90j, realises
MILESTONES_SEARCH = "milestones-search"
MILESTONES_GROUP = "milestones-group"  # toggle buttons: aucun, porteur, service
MILESTONES_COUNT = "milestones-count"
MILESTONES_GRID_HOLDER = "milestones-grid-holder"  # rebuilt when the language changes
MILESTONES_GRID = "milestones-grid"


def milestones_choice(group: str, value: str) -> dict:
    """One toggle button of MILESTONES_QUICK_VIEW or MILESTONES_GROUP (pattern-matching)."""
    return {"type": group, "value": value}


TIMELINE_HEADING = "timeline-heading"
TIMELINE_REGION = "timeline-region"  # where focus returns when the details panel closes
DETAILS_KEY = "action-details-key"  # dcc.Store: which action the panel shows, in which language
MAIN = "main-content"
COMMITTEE_HEADING = "committee-heading"
COMMITTEE_KPIS = "committee-kpis"
COMMITTEE_TIMELINE = "committee-timeline"
COMMITTEE_SIDE = "committee-side"
COMMITTEE_NOTES = "committee-notes"
EXPORT_LINKS = "export-links"
TIMELINE_TABLE = "timeline-table"
TIMELINE_TABLE_TOGGLE = "timeline-table-toggle"

# What moved since the baseline (`base=`, components/slippage.py), on two pages: each page's
# copy has its own ids; the grids are pattern-matching so one callback opens their actions.
TIMELINE_SLIPPAGE = "timeline-slippage"  # holder of the section, below the chart
COMMITTEE_SLIPPAGE = "committee-slippage"
SLIPPAGE_GRID = "slippage-grid"


def slippage_part(page: str, part: str) -> str:
    """A plain id inside one page's slippage section (`timeline-slippage-heading`)."""
    return f"{page}-slippage-{part}"


def slippage_grid(page: str, kind: str) -> dict:
    """One of the section's grids (`kind`: actions, milestones), pattern-matching."""
    return {"type": SLIPPAGE_GRID, "page": page, "kind": kind}

# Access (security/) and the editors' page (pages/edition.py).
EDITION_LINK = "edition-link"  # header: « Édition » for editors, sign-in for viewers
EDITION_HEADING = "edition-heading"
EDITION_ACCOUNT = "edition-account"
EDITION_UPLOAD = "edition-upload"
EDITION_STATUS = "edition-status"
EDITION_VERSIONS = "edition-versions"
EDITION_REFRESH = "edition-refresh"  # dcc.Store: assets/upload.js writes the new version
EDITION_RETENTION = "edition-retention"
EDITION_LABEL = "edition-label"  # pattern-matching: one label field per version
EDITION_RENAME = "edition-rename"
EDITION_PURGE = "edition-purge"


def edition_control(kind: str, version: str) -> dict:
    """A per-version control of the versions list (kind: EDITION_LABEL, _RENAME, _PURGE)."""
    return {"type": kind, "version": version}

# Plans and versions (components/versions_panel.py): under the plan's title in the header.
VERSIONS_PANEL = "versions-panel"
PLAN_PICKER = "plan-picker"  # links to the server's plans, when it has several
VERSIONS_SUMMARY = "versions-summary"
VERSIONS_CAPTION = "versions-caption"
VERSIONS_LIST = "versions-list"
