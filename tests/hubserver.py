"""A stand-in Hugging Face Hub on 127.0.0.1, serving real captures with the Hub's own semantics.

It implements what `/api/models` and `/api/models/ORG/NAME` do (see docs/data-provenance.md and the
notes this was written from): descending sorts, `filter` on tags, `pipeline_tag`, `author`,
`search`, `num_parameters`, `inference_provider`, `limit`, the `expand` whitelist (and the 400 for
properties a listing cannot expand), pages of at most 1,000 rows linked by a
`Link: <URL>; rel="next"` header, 404 with `X-Error-Code: RepoNotFound`, and `inferenceProviderMapping`
as a list in listings but a dict keyed by provider from `model_info` (huggingface_hub's `ModelInfo`
reads both). It counts requests and can inject faults for the reliability tests: any status with
any headers and body, a delay before the answer, a body that trickles in (`drip`), a body cut short
of its Content-Length (`content_length`), only for some requests (`path_prefix`, `query_contains`).
A client that hangs up is not an error.

For the whole-Hub crawl it can also keep a request budget the way the Hub does (`RateLimit`: a
fixed window, `RateLimit`/`RateLimit-Policy` headers on every listing answer, 429 past it), and
serve a lazy sequence of generated models in its own order (`lazy=True`, tests/hubgen.py), so a
benchmark can serve 2,000,000 models without holding them.

It is independent of hubradar's code on purpose: the tests check hubradar against the world, not
against itself.
"""

from __future__ import annotations

import json
import math
import re
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

DEFAULT_FIELDS = ("_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
                  "library_name", "createdAt", "modelId")
LISTING_EXPANDABLE = {
    "author", "cardData", "config", "createdAt", "disabled", "downloads", "downloadsAllTime", "evalResults",
    "gated", "gguf", "inference", "inferenceProviderMapping", "lastModified", "library_name", "likes",
    "mask_token", "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings",
    "spaces", "tags", "transformersInfo", "trendingScore", "widgetData",
}
INFO_ONLY = {"baseModels", "childrenModelCount", "usedStorage"}
SORT_KEYS = {"trendingScore", "downloads", "likes", "createdAt", "lastModified"}
PAGE_CAP = 1000
_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)([KMBT]?)$", re.IGNORECASE)


@dataclass
class Fault:
    """One injected answer: a status (with headers and body), a delay, or a broken body.

    Faults are used once each, first come first served, by the first request they match.
    """

    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"error": "Service Unavailable"}'
    delay: float = 0.0  # seconds before the status line
    path_prefix: str = "/api/models"  # only requests whose path starts with this
    query_contains: str = ""  # only requests whose raw query string contains this (e.g. "cursor=1000")
    drip: float = 0.0  # send the body in 16 pieces, this many seconds apart
    content_length: int | None = None  # announce this length (more than the body: a truncated answer)

    def matches(self, path: str, query: str) -> bool:
        return path.startswith(self.path_prefix) and self.query_contains in query


@dataclass
class RateLimit:
    """A fixed window of `limit` listing requests per `window` seconds, as the Hub's `api` budget.

    Every listing answer carries `RateLimit: "api";r=LEFT;t=SECONDS` and `RateLimit-Policy:
    "fixed window";"api";q=LIMIT;w=WINDOW`; past the budget the answer is a 429 with r=0.
    """

    limit: int = 500
    window: float = 300.0
    started: float = field(default_factory=time.monotonic)
    used: int = 0
    refused: int = 0  # 429s answered

    def take(self) -> tuple[bool, dict[str, str]]:
        """Spend one request if the window has one left: (allowed, headers)."""
        now = time.monotonic()
        if now - self.started >= self.window:
            self.started, self.used = now, 0
        allowed = self.used < self.limit
        if allowed:
            self.used += 1
        else:
            self.refused += 1
        reset = max(0, math.ceil(self.window - (now - self.started)))
        return allowed, {"RateLimit": f'"api";r={self.limit - self.used};t={reset}',
                         "RateLimit-Policy": f'"fixed window";"api";q={self.limit};w={int(self.window)}'}


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


def _size(text: str) -> float:
    match = _SIZE_RE.match(text.strip())
    if not match:
        raise ValueError(text)
    scale = {"": 1, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[match.group(2).upper()]
    return float(match.group(1)) * scale


def _hub_params(model: dict[str, Any]) -> float | None:
    safetensors = model.get("safetensors")
    if isinstance(safetensors, dict) and isinstance(safetensors.get("total"), int | float):
        return float(safetensors["total"])
    return None


POLL_SECONDS = 0.01  # how often the serving loop checks for `close` (see `serve`)


class StandInHub:
    """Holds the models served and the request log; `serve()` starts it on a free local port."""

    def __init__(self, models: Iterable[dict[str, Any]], *, token: str | None = None, lazy: bool = False,
                 rate_limit: RateLimit | None = None) -> None:
        # lazy: `models` is a sequence served as it is, in its own order (already ranked), unfiltered
        self.lazy = lazy
        self.models: Sequence[dict[str, Any]] = models if lazy else [dict(m) for m in models]  # type: ignore[assignment]
        self.rate_limit = rate_limit
        self.token = token  # when set, requests without `Authorization: Bearer <token>` get 401
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.latency = 0.0  # seconds every answer waits, like a real network (benchmarks)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # --- control --------------------------------------------------------------------------

    def serve(self) -> StandInHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hub._handle(self)

            def log_message(self, *args: Any) -> None:
                return None

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that hung up mid-answer (a timeout test) must not print into the test's stderr.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # `shutdown` waits for the serving loop to look at its flag, which it does once per poll:
        # at the default 0.5 s every test's teardown waited about that long (~84 s of the suite).
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": POLL_SECONDS},
                         daemon=True).start()
        return self

    def close(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def inject(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def listing_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path == "/api/models"]

    def info_requests(self) -> list[Request]:
        """The `model_info` requests (`/api/models/ORG/NAME`)."""
        return [r for r in self.requests if r.path.startswith("/api/models/")]

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- serving --------------------------------------------------------------------------

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes,
              headers: dict[str, str] | None = None, *, drip: float = 0.0,
              content_length: int | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        if not drip:
            handler.wfile.write(body)
            return
        step = max(1, -(-len(body) // 16))
        for start in range(0, len(body), step):
            handler.wfile.write(body[start:start + step])
            handler.wfile.flush()
            time.sleep(drip)

    def _error(self, handler: BaseHTTPRequestHandler, status: int, message: str,
               headers: dict[str, str] | None = None) -> None:
        self._send(handler, status, json.dumps({"error": message}).encode(), headers)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        with self._lock:
            self.requests.append(Request(parts.path, query, dict(handler.headers)))
            fault = next((f for f in self.faults if f.matches(parts.path, parts.query)), None)
            if fault:
                self.faults.remove(fault)
        if self.latency:
            time.sleep(self.latency)
        if fault:
            if fault.delay:
                time.sleep(fault.delay)
            self._send(handler, fault.status, fault.body, fault.headers, drip=fault.drip,
                       content_length=fault.content_length)
            return
        if self.token and handler.headers.get("Authorization") != f"Bearer {self.token}":
            self._error(handler, 401, "Invalid credentials in Authorization header")
            return
        if parts.path == "/api/models" and self.rate_limit is not None:
            with self._lock:
                allowed, budget = self.rate_limit.take()
            if not allowed:
                self._error(handler, 429, "You have exceeded our rate limit", budget)
                return
            self._list(handler, query, budget)
        elif parts.path == "/api/models":
            self._list(handler, query)
        elif parts.path.startswith("/api/models/"):
            self._info(handler, parts.path.removeprefix("/api/models/"), query)
        else:
            self._error(handler, 404, "Not Found")

    @staticmethod
    def _expand(query: dict[str, list[str]]) -> list[str]:
        return query.get("expand", []) + query.get("expand[]", [])

    def _shape(self, model: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        base = {"_id": model.get("_id", "x" + str(abs(hash(model["id"])))[:23]), "id": model["id"]}
        if expand:
            return base | {k: model[k] for k in expand if k in model}
        defaults = {k: model[k] for k in DEFAULT_FIELDS if k in model}
        return base | defaults | {"modelId": model["id"], "private": False}

    def _matches(self, model: dict[str, Any], query: dict[str, list[str]]) -> bool:
        tags = set(model.get("tags") or [])
        tags.update(filter(None, [model.get("library_name"), model.get("pipeline_tag")]))
        if any(f not in tags for f in query.get("filter", [])):
            return False
        if "pipeline_tag" in query and model.get("pipeline_tag") != query["pipeline_tag"][0]:
            return False
        if "author" in query and model["id"].split("/")[0].lower() != query["author"][0].lower():
            return False
        if "search" in query and query["search"][0].lower() not in model["id"].lower():
            return False
        if "inference_provider" in query:
            wanted = query["inference_provider"][0]
            live = {m.get("provider") for m in model.get("inferenceProviderMapping") or []
                    if m.get("status") == "live"}
            if not live or (wanted != "all" and wanted not in live):
                return False
        if "num_parameters" in query:
            params = _hub_params(model)
            if params is None:
                return False
            for bound in query["num_parameters"][0].split(","):
                kind, _, value = bound.partition(":")
                limit = _size(value)
                if (kind == "min" and params < limit) or (kind == "max" and params > limit):
                    return False
        return True

    def _list(self, handler: BaseHTTPRequestHandler, query: dict[str, list[str]],
              extra_headers: dict[str, str] | None = None) -> None:
        expand = self._expand(query)
        if expand and {"full", "cardData", "config"} & set(query):
            self._error(handler, 400, "expand cannot be combined with full, cardData or config")
            return
        rejected = [e for e in expand if e not in LISTING_EXPANDABLE]
        if rejected:
            self._error(handler, 400, f'"expand" contains invalid properties for a listing: {rejected}')
            return
        sort = query.get("sort", ["trendingScore"])[0]
        if sort not in SORT_KEYS:
            self._error(handler, 400, f"invalid sort {sort!r}")
            return
        rows: Sequence[dict[str, Any]]
        if self.lazy:
            rows = self.models
        else:
            try:
                rows = [m for m in self.models if self._matches(m, query)]
            except ValueError:
                self._error(handler, 400, "invalid num_parameters")
                return
            rows.sort(key=lambda m: m.get(sort) or (0 if sort not in ("createdAt", "lastModified") else ""),
                      reverse=True)
        limit = int(query.get("limit", [str(len(rows))])[0])
        offset = int(query.get("cursor", ["0"])[0])
        page_size = min(PAGE_CAP, limit)
        page = rows[offset: offset + page_size]
        headers = dict(extra_headers or {})
        if offset + page_size < min(limit, len(rows)):
            follow = {k: v for k, v in query.items() if k != "cursor"}
            follow["cursor"] = [str(offset + page_size)]
            headers["Link"] = f'<{self.url}/api/models?{urlencode(follow, doseq=True)}>; rel="next"'
        body = json.dumps([self._shape(m, expand) for m in page]).encode()
        self._send(handler, 200, body, headers)

    def _info(self, handler: BaseHTTPRequestHandler, model_id: str, query: dict[str, list[str]]) -> None:
        model = next((m for m in self.models if m["id"] == model_id), None)
        if model is None:
            self._error(handler, 404, "Repository not found", {"X-Error-Code": "RepoNotFound"})
            return
        expand = self._expand(query)
        allowed = LISTING_EXPANDABLE | INFO_ONLY
        if any(e not in allowed for e in expand):
            self._error(handler, 400, "invalid expand")
            return
        body = self._shape(model, expand) if expand else dict(model)
        mapping = body.get("inferenceProviderMapping")
        if isinstance(mapping, list):  # model_info keys the mapping by provider
            body["inferenceProviderMapping"] = {
                m["provider"]: {k: v for k, v in m.items() if k != "provider"} for m in mapping
            }
        self._send(handler, 200, json.dumps(body).encode())
