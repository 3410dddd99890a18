"""Locust users for the load test (run by bench/load_test.py, which prepares the config).

Viewers act as people do in a browser: open a page (the document, Dash's layout and
dependencies, then the page's callbacks as the renderer sends them: those of the bar and
the page content together, then those of the components the page adds), change a filter
(`sync_view` with the control that changed, then every callback that listens to the new
URL), open an action's details (`action=`), switch the baseline (`base=`), download an
export. A few editors sign in and upload workbooks through POST /televerser.

The callback bodies are the ones a real Chromium sent to this very server at the start of
the run (bench/load_test.py captures them), with the URL, the view key and the controls'
values replaced: so they follow the app's callbacks as they are today.

Environment: HORIZON_BENCH_CONFIG (the JSON config), HORIZON_BENCH_OUT (where the response
times per category are written when Locust stops).
"""
from __future__ import annotations

import copy
import json
import os
import random
import re
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import gevent
from locust import FastHttpUser, between, events, task

CONFIG = json.loads(Path(os.environ["HORIZON_BENCH_CONFIG"]).read_text(encoding="utf-8"))
PATHS = list(CONFIG["callbacks"])
TIMES: dict[str, list[float]] = defaultdict(list)  # category -> response times (ms)
FAILURES: dict[str, int] = defaultdict(int)
FAILURE_SAMPLES: list[str] = []
CACHE_HITS: dict[str, int] = defaultdict(int)  # answers and exports served from a cache
UPDATE = "/_dash-update-component"
SYNC_VIEW = "filter-axes.value"  # an output only sync_view has
CONTROL_KEYS = ("filter-axes", "filter-services", "filter-owners", "filter-statuses",
                "filter-weathers", "filter-text")


def category(request_type: str, name: str) -> str:
    """page, callback, export xlsx|pptx|png, upload, sign-in, or the page-complete event."""
    if request_type == "PAGE":
        return "page complete"
    return name.split(" ", 1)[0] if not name.startswith("export") else name


@events.request.add_listener
def _record(request_type, name, response_time, exception=None, **kwargs):
    kind = category(request_type, name)
    TIMES[kind].append(response_time)
    if exception is not None:
        FAILURES[kind] += 1
        if len(FAILURE_SAMPLES) < 20:
            FAILURE_SAMPLES.append(f"{name}: {exception}"[:300])


@events.quitting.add_listener
def _write(environment, **kwargs):
    out = os.environ.get("HORIZON_BENCH_OUT")
    if out:
        Path(out).write_text(json.dumps({"times": TIMES, "failures": FAILURES,
                                         "failure_samples": FAILURE_SAMPLES,
                                         "cache_hits": CACHE_HITS}),
                             encoding="utf-8")


def callback_name(body: dict) -> str:
    """`callback timeline.figure`: the first output, without Dash's hash suffixes."""
    output = body["output"].lstrip(".").split("...")[0]
    return "callback " + re.sub(r"@[0-9a-f]+", "", output)


def with_params(search: str, **changes) -> str:
    """The query string with some parameters set (a value of None removes it)."""
    params = dict(parse_qsl(search.lstrip("?"), keep_blank_values=True))
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(params, safe=",") if params else ""


def failure(response) -> str:
    """HTTP status and the start of the answer, or the connection error (status 0)."""
    if not response.status_code:
        return f"no answer: {response.error!r}"
    return f"HTTP {response.status_code}: {(response.text or '')[:200]}"


def listens_to_url(body: dict) -> bool:
    return any(isinstance(item, dict) and item.get("id") == "url"
               and item.get("property") == "search" for item in body["inputs"])


class Viewer(FastHttpUser):
    """Someone with the link: reads, filters, opens details, compares, downloads."""

    wait_time = between(float(CONFIG["think_min"]), float(CONFIG["think_max"]))
    concurrency = 6  # a browser's connections to one host

    def on_start(self):
        self.path = random.choice(PATHS)
        self.search = ""
        self.key = "?"
        self.controls: dict[str, object] = {}  # what the filter bar shows
        self.options: dict[str, list] = {}  # the choices each dropdown offers
        self.visit(self.path)

    # --- what a person does -------------------------------------------------------------
    @task(4)
    def open_page(self):
        self.path = random.choice(PATHS)
        self.visit(self.path)

    @task(4)
    def change_filter(self):
        control, value = self.new_filter_value()
        body = self.fill(self.sync_view_body(), changed=f"{control}.value", value=value)
        self.controls[control] = value  # the control shows what was chosen
        answer = self.callback(body)
        if answer:
            self.remember(answer.get("response", {}))
        self.after_url_change()

    @task(2)
    def open_details(self):
        self.search = with_params(self.search, action=random.choice(CONFIG["actions"]))
        self.after_url_change()

    @task(1)
    def switch_baseline(self):
        self.search = with_params(self.search, base=random.choice(CONFIG["versions"]))
        self.after_url_change()

    @task(1)
    def download(self):
        kind = random.choice(("xlsx", "pptx", "png"))
        path = {"xlsx": "/export/plan.xlsx", "pptx": "/export/comite.pptx",
                "png": "/export/timeline.png"}[kind]
        with self.client.get(path + self.search, name=f"export {kind}",
                             catch_response=True) as response:
            if response.status_code != 200 or len(response.content or b"") < 100:
                response.failure(failure(response))
            elif response.headers.get("X-Horizon-Cache") == "hit":
                CACHE_HITS[f"export {kind}"] += 1

    # --- how the browser does it ---------------------------------------------------------
    def visit(self, path: str):
        started = time.perf_counter()
        ok = True
        for url, name in ((path + self.search, f"page {path}"), ("/_dash-layout", "page layout"),
                          ("/_dash-dependencies", "page dependencies")):
            with self.client.get(url, name=name, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(failure(response))
                    ok = False
        bodies = CONFIG["callbacks"][path]
        first = [body for body in bodies if body["wave"] == 1]
        second = [body for body in bodies if body["wave"] == 2]
        for wave in (first, second):
            jobs = [gevent.spawn(self.callback, self.fill(body["body"])) for body in wave]
            gevent.joinall(jobs)
            for body, job in zip(wave, jobs):
                if job.value and SYNC_VIEW in body["body"]["output"]:
                    self.remember(job.value.get("response", {}))
                ok = ok and job.value is not False
        if ok:
            events.request.fire(request_type="PAGE", name=f"complete {path}",
                                response_time=(time.perf_counter() - started) * 1000,
                                response_length=0, exception=None, context={})

    def after_url_change(self):
        """Every callback of the page that listens to the URL, sent together."""
        bodies = [body["body"] for body in CONFIG["callbacks"][self.path]
                  if listens_to_url(body["body"]) and SYNC_VIEW not in body["body"]["output"]]
        gevent.joinall([gevent.spawn(self.callback, self.fill(body)) for body in bodies])

    def callback(self, body: dict):
        """POST one callback; its JSON answer, None for 204 (nothing to update), False on error."""
        with self.client.post(UPDATE, data=json.dumps(body), headers=self.headers(),
                              name=callback_name(body), catch_response=True) as response:
            if response.headers.get("X-Horizon-Cache") == "hit":
                CACHE_HITS["callback"] += 1  # a kept answer (pages/answer_cache.py)
            if response.status_code == 204:
                return None
            if response.status_code != 200:
                response.failure(failure(response))
                return False
            return response.json()

    def headers(self) -> dict:
        token = next((cookie.value for cookie in self.client.cookiejar
                      if cookie.name == "_csrf_token"), "")
        return {"Content-Type": "application/json", "X-CSRFToken": token,
                "Referer": self.host + self.path}

    def sync_view_body(self) -> dict:
        return next(body["body"] for body in CONFIG["callbacks"][self.path]
                    if SYNC_VIEW in body["body"]["output"])

    def fill(self, body: dict, changed: str | None = None, value=None) -> dict:
        """A captured body with this user's URL, view key and controls."""
        body = copy.deepcopy(body)
        for group in ("inputs", "state"):
            for item in body.get(group, []):
                for one in item if isinstance(item, list) else [item]:
                    ident, prop = one.get("id"), one.get("property")
                    if ident == "url" and prop == "search":
                        one["value"] = self.search
                    elif ident == "url" and prop == "pathname":
                        one["value"] = self.path
                    elif ident == "view-key" and prop == "data":
                        one["value"] = self.key
                    elif ident in CONTROL_KEYS and prop == "value":
                        one["value"] = self.controls.get(ident, one.get("value"))
                    if changed and f"{ident}.{prop}" == changed:
                        one["value"] = value
        if changed:
            body["changedPropIds"] = [changed]
            body.pop("parsedChangedPropsIds", None)
        return body

    def remember(self, response: dict):
        """What sync_view answered: the new URL, the controls' values, the view key."""
        search = response.get("url", {}).get("search")
        if isinstance(search, str):
            self.search = search
        for control in CONTROL_KEYS:
            value = response.get(control, {}).get("value")
            if value is not None:
                self.controls[control] = value
            options = response.get(control, {}).get("options")
            if options:
                self.options[control] = [option["value"] for option in options
                                         if isinstance(option, dict) and "value" in option]
        key = response.get("view-key", {}).get("data")
        if isinstance(key, str):
            self.key = key

    def new_filter_value(self) -> tuple[str, object]:
        """A control and a value a person could choose (or clear)."""
        control = random.choice(CONTROL_KEYS)
        if random.random() < 0.25:
            return control, "" if control == "filter-text" else []
        if control == "filter-text":
            return control, random.choice(CONFIG["words"])
        choices = self.options.get(control) or CONFIG["choices"][control]
        return control, random.sample(choices, k=min(len(choices), random.choice((1, 1, 2))))


class Editor(FastHttpUser):
    """A few editors sign in and upload new versions of the plan now and then."""

    fixed_count = int(CONFIG["editors"])
    wait_time = between(20, 40)

    def on_start(self):
        self.client.get("/", name="page /")
        password = CONFIG.get("editor_password")
        if password:
            form = self.client.get("/connexion", name="sign-in form").text or ""
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            with self.client.post("/connexion", name="sign-in", catch_response=True,
                                  data={"csrf_token": token.group(1) if token else "",
                                        "mot_de_passe": password, "suivant": "/"},
                                  allow_redirects=False) as response:
                if response.status_code != 303:
                    response.failure(f"sign-in refused: HTTP {response.status_code}")

    @task
    def upload(self):
        path = Path(random.choice(CONFIG["uploads"]))
        boundary = uuid.uuid4().hex
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; '
                f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n')
        tail = (f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="libelle"\r\n\r\n'
                f'charge {time.strftime("%H:%M")}\r\n--{boundary}--\r\n')
        body = head.encode() + path.read_bytes() + tail.encode()
        token = next((cookie.value for cookie in self.client.cookiejar
                      if cookie.name == "_csrf_token"), "")
        with self.client.post("/televerser", data=body, name="upload", catch_response=True,
                              headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                       "X-CSRFToken": token}) as response:
            if response.status_code != 200 or "search" not in (response.text or ""):
                response.failure(failure(response))
