"""Who is asking: the two roles, the viewer gate, signing in and out.

Viewers see dashboards and exports; editors also upload, label and purge versions. With no
editor password the server runs in local single-user mode: everyone is an editor (a
warning is logged). With a viewer password, nothing but the sign-in page, the assets and
`/healthz` is served to a browser that has not signed in.

A session remembers the role and a fingerprint of the password it was granted with, so
changing a password signs out everyone who used the old one.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, session

LOGGER = logging.getLogger(__name__)
EXTENSION = "horizon_access"
VIEWER, EDITOR = "viewer", "editor"
# Sign-in is lightly rate-limited per client address and per process: enough to make
# guessing a password slow, never enough to lock a committee out for long.
MAX_FAILURES = 10
FAILURE_WINDOW = 300.0  # seconds
MAX_CLIENTS = 10_000  # addresses remembered at most
# Paths served before sign-in: the sign-in page itself and what it needs.
OPEN_PATHS = ("/connexion", "/healthz", "/_favicon.ico")
OPEN_PREFIXES = ("/assets/",)
PRINTER_HEADER = "X-Horizon-Printer"


@dataclass
class Access:
    """One app's access settings (read once at start) and its sign-in attempts."""

    viewer_password: str = ""
    editor_password: str = ""
    hidden: frozenset[str] = frozenset()
    secret: str = ""
    _failures: dict = field(default_factory=dict)  # client address -> deque of times
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def local_mode(self) -> bool:
        """No editor password: a single-user server where everyone may edit."""
        return not self.editor_password

    def fingerprint(self, role: str) -> str:
        """What a session keeps of the password its role was granted with."""
        password = self.editor_password if role == EDITOR else self.viewer_password
        return hmac.new(self.secret.encode(), f"{role}:{password}".encode(),
                        hashlib.sha256).hexdigest()[:32]

    def granted(self, password: str) -> str | None:
        """The role a password opens (editor first), compared in constant time."""
        matches = {role: _same(password, expected)
                   for role, expected in ((EDITOR, self.editor_password),
                                          (VIEWER, self.viewer_password))}
        if matches[EDITOR] and self.editor_password:
            return EDITOR
        if matches[VIEWER] and self.viewer_password:
            return VIEWER
        return None

    def too_many_failures(self, client: str) -> bool:
        with self._lock:
            recent = self._recent(client)
            return len(recent) >= MAX_FAILURES

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(time.monotonic())

    def _recent(self, client: str) -> deque:
        now = time.monotonic()
        if len(self._failures) > MAX_CLIENTS:  # bounded memory, whatever the traffic
            self._failures = {key: times for key, times in self._failures.items()
                              if times and now - times[-1] <= FAILURE_WINDOW}
            if len(self._failures) > MAX_CLIENTS:
                self._failures.clear()
        recent = self._failures.setdefault(client, deque())
        while recent and now - recent[0] > FAILURE_WINDOW:
            recent.popleft()
        return recent


LOCAL_MODE = Access()  # no password, nothing hidden: everyone is an editor


def _same(given: str, expected: str) -> bool:
    """Constant time whatever the lengths: both sides are hashed first."""
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(),
                               hashlib.sha256(expected.encode()).digest())


def access() -> Access:
    """This app's access settings; an app built without init_security (a test's tiny app
    around one route) is in local single-user mode, like a server with no password."""
    return current_app.extensions.get(EXTENSION) or LOCAL_MODE


def signed_role() -> str | None:
    """The role the session was granted by a password still in force, if any."""
    rules = access()
    granted = session.get("role")
    if granted in (VIEWER, EDITOR) and session.get("key") == rules.fingerprint(granted):
        return granted
    return None


def printer_token(granted: str) -> str:
    """What the server's own Chromium sends (PRINTER_HEADER) when it loads a page to print
    a PDF for someone of role `granted`: the page is printed with that role."""
    rules = access()
    mark = hmac.new(rules.secret.encode(), f"printer:{granted}".encode(),
                    hashlib.sha256).hexdigest()
    return f"{granted}:{mark}"


def printer_role() -> str | None:
    """The role the server's own printer was given for this request, if it is the printer."""
    sent = request.headers.get(PRINTER_HEADER, "")
    granted = sent.partition(":")[0]
    if granted in (VIEWER, EDITOR) and hmac.compare_digest(sent.encode(),
                                                           printer_token(granted).encode()):
        return granted
    return None


def role() -> str:
    """"editor" or "viewer" for the current request (outside a request: "editor", as the
    command line and in-process callers are the server's own)."""
    if not has_request_context():
        return EDITOR
    if access().local_mode:
        return EDITOR
    granted = printer_role() or signed_role()
    return EDITOR if granted == EDITOR else VIEWER


def is_editor() -> bool:
    return role() == EDITOR


def hidden_columns() -> frozenset[str]:
    """The plan fields hidden from the current request (none for editors)."""
    if not has_request_context() or is_editor():
        return frozenset()
    return access().hidden


def may_view() -> bool:
    """Whether this request passes the viewer gate."""
    rules = access()
    return not rules.viewer_password or signed_role() is not None or printer_role() is not None


def sign_in(granted: str) -> None:
    """Start a fresh session for `granted` (a new session: no fixation of an old one)."""
    session.clear()
    session["role"] = granted
    session["key"] = access().fingerprint(granted)
    session.permanent = True


def sign_out() -> None:
    session.clear()


def is_open_path(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to after signing in: never another site (`//evil`, `https:`)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return default
    return target


def client_address() -> str:
    return request.remote_addr or "?"
