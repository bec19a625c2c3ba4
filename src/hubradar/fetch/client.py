"""The fetch layer: the only module that talks to the Hub.

It sends the same `/api/models` request `HfApi.list_models` sends, through huggingface_hub's
shared httpx2 session, and follows the `Link: rel="next"` header the way huggingface_hub's
`paginate` does, with three differences that a faulty or hostile server makes necessary: a page
that is not a JSON list is an error (not rows), a next link that repeats or brings nothing new
ends the listing (no endless loop), and a next link to another host is followed without the
token. It reads the raw JSON rows itself: `ModelInfo(**row)` raises on one malformed row (for
example a `safetensors` object without `parameters`) and that would cost the whole listing,
while `record.from_hub_json` skips and counts such a row. A listing mostly made of unreadable
rows is an error too, so it is never cached as a good one.

Retries are hubradar's, not huggingface_hub's: an httpx2 transport installed through
`huggingface_hub.set_client_factory` retries 408/429/5xx, timeouts and dropped connections a
bounded number of times within a bounded total time, honours `Retry-After` (seconds or a date)
when it fits that budget, and otherwise raises `HubUnreachable` (which huggingface_hub's own
backoff does not retry), so the CLI can fall back to the cache in seconds rather than after
minutes. The transport reads each body itself, so `--timeout` bounds a whole response (a body
that trickles in byte by byte times out too) and a body is bounded in size.

`huggingface_hub` and `httpx2` are imported only inside the functions that fetch, so a cached
answer never pays for importing them.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from hubradar import __version__
from hubradar.core.errors import (
    HubAuthError,
    HubBadRequest,
    HubBadResponse,
    HubError,
    HubRateLimited,
    HubUnreachable,
    ModelNotFound,
    OfflineError,
)
from hubradar.core.query import ListingQuery
from hubradar.core.record import BadRecord, ModelRecord, from_hub_json
from hubradar.core.units import human_duration

if TYPE_CHECKING:
    import httpx2

DEFAULT_ENDPOINT = "https://huggingface.co"
PAGE_SIZE = 1000  # the Hub's page cap for /api/models, as far as is known

# Every field the later stages read, asked for in the listing request itself (never one call per
# model). `baseModels` and `childrenModelCount` are NOT listing properties: the Hub rejects the
# whole request when they are in a listing's expand; only `model_info` serves them.
LISTING_EXPAND: tuple[str, ...] = (
    "author",
    "downloads",
    "downloadsAllTime",
    "likes",
    "trendingScore",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "lastModified",
    "tags",
    "safetensors",
    "gguf",
    "cardData",
    "gated",
    "inferenceProviderMapping",
)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
CONNECT_RETRIES = 1  # a connection that cannot even be opened is retried at most this often
MAX_RESPONSE_BYTES = 64 * 2**20  # a page of 1,000 fully expanded rows is a few MB
_TRUTHY = {"1", "true", "yes", "on"}
_LONGEST_WAIT = 365 * 86400.0  # a Retry-After beyond this (or "inf") is read as "a year": we give up either way


def env_offline() -> bool:
    """HF_HUB_OFFLINE read at call time (huggingface_hub reads it once, at import)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUTHY


@dataclass(frozen=True)
class HubSettings:
    """How to reach the Hub. Resolved at call time so HF_ENDPOINT / HF_TOKEN set late still count."""

    endpoint: str = DEFAULT_ENDPOINT
    token: str | None = field(default=None, repr=False)
    timeout: float = 10.0  # seconds for a whole response, headers and body
    retries: int = 3  # further attempts after a 408/429/5xx, a timeout or a dropped connection (see CONNECT_RETRIES)
    retry_budget: float = 20.0  # seconds all the attempts for one request may take, waits included
    base_wait: float = 0.5  # first wait between attempts, doubling (unless the Hub says how long)
    offline: bool = False
    max_response_bytes: int = MAX_RESPONSE_BYTES

    @classmethod
    def from_env(
        cls,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        offline: bool = False,
    ) -> HubSettings:
        defaults = cls()
        return cls(
            endpoint=(endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"),
            token=token or os.environ.get("HF_TOKEN") or None,
            timeout=timeout if timeout is not None else defaults.timeout,
            retries=retries if retries is not None else defaults.retries,
            offline=offline or env_offline(),
        )


@dataclass
class FetchResult:
    """Rows of one listing. `skipped` counts unreadable and duplicate rows (`duplicates` of them)."""

    records: list[ModelRecord]
    skipped: int = 0
    duplicates: int = 0
    complete: bool = False  # the Hub had no more rows than these

    @property
    def unreadable(self) -> int:
        return self.skipped - self.duplicates


def _wait_hint(response: httpx2.Response) -> float | None:
    """Seconds the Hub asks us to wait: `Retry-After` (seconds or an HTTP date), else a 429's `RateLimit`."""
    value = (response.headers.get("Retry-After") or "").strip()
    seconds: float | None = None
    if value:
        try:
            seconds = float(value)
        except ValueError:
            from email.utils import parsedate_to_datetime  # rare, and ~10 ms to import: not on a cache hit

            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                seconds = (when.replace(tzinfo=when.tzinfo or UTC) - datetime.now(UTC)).total_seconds()
    if seconds is not None and not math.isnan(seconds):
        return min(max(0.0, seconds), _LONGEST_WAIT)
    if response.status_code == 429:
        from huggingface_hub.utils import parse_ratelimit_headers

        info = parse_ratelimit_headers(response.headers)
        if info is not None and info.remaining == 0:
            return float(info.reset_in_seconds)
    return None


def _make_transport(settings: HubSettings) -> httpx2.BaseTransport:
    """An httpx2 transport with hubradar's bounded retry policy around the default one."""
    import httpx2

    class RetryTransport(httpx2.BaseTransport):
        def __init__(self) -> None:
            self._inner = httpx2.HTTPTransport()

        def _attempt(self, request: httpx2.Request) -> httpx2.Response:
            """One request, body included, within `settings.timeout` and `max_response_bytes`."""
            started = time.monotonic()
            response = self._inner.handle_request(request)
            chunks: list[bytes] = []
            size = 0
            try:
                for chunk in response.stream:
                    if time.monotonic() - started > settings.timeout:
                        raise httpx2.ReadTimeout("the response took longer than the timeout", request=request)
                    size += len(chunk)
                    if size > settings.max_response_bytes:
                        raise HubBadResponse(
                            f"the Hub ({request.url.host}) sent more than {settings.max_response_bytes:,} bytes "
                            "in one response"
                        )
                    chunks.append(chunk)
            finally:
                response.close()
            return httpx2.Response(
                response.status_code,
                headers=response.headers,
                stream=httpx2.ByteStream(b"".join(chunks)),
                extensions=response.extensions,
            )

        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            if not request.headers.get("user-agent", "").startswith("hubradar/"):
                # huggingface_hub's own side requests (its agent registry, fetched once a day from
                # the endpoint) get one attempt: retrying them would delay the fallback when the Hub is down.
                return self._inner.handle_request(request)
            deadline = time.monotonic() + settings.retry_budget
            wait = settings.base_wait
            attempt = 0
            while True:
                attempt += 1
                status: int | None = None
                hint: float | None = None
                retries = settings.retries
                try:
                    response = self._attempt(request)
                except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as err:
                    reason = _failure(err, settings.timeout)
                    if isinstance(err, httpx2.ConnectError):
                        # No route, no DNS, nothing listening: one retry covers a blip; more only
                        # delays the cached answer of someone who is offline.
                        retries = min(retries, CONNECT_RETRIES)
                else:
                    if response.status_code not in RETRY_STATUSES:
                        return response
                    status = response.status_code
                    hint = _wait_hint(response)
                    reason = f"answered {status}"
                if hint is not None:
                    wait = hint
                remaining = deadline - time.monotonic()
                if attempt > retries or wait > remaining:
                    host = request.url.host
                    tries = f"{attempt} attempt{'s' if attempt > 1 else ''}"
                    if status == 429:
                        asks = f"; it asks to wait {human_duration(timedelta(seconds=hint))}" if hint else ""
                        raise HubRateLimited(
                            f"the Hub ({host}) is rate-limiting requests (429, {tries}){asks}",
                            status=status,
                            retry_after=hint,
                        )
                    raise HubUnreachable(f"{host} {reason} ({tries})", status=status)
                time.sleep(wait)
                wait = min(wait * 2, 8.0)

        def close(self) -> None:
            self._inner.close()

    return RetryTransport()


def _failure(err: Exception, timeout: float) -> str:
    """What went wrong with one attempt, as the end of "HOST ..."."""
    import httpx2

    if isinstance(err, httpx2.TimeoutException):
        return f"did not answer within {timeout:g}s"
    if isinstance(err, httpx2.ConnectError):
        return "could not be connected to"
    if isinstance(err, httpx2.RemoteProtocolError):
        return "broke off its answer"
    return "dropped the connection"


_session_lock = threading.Lock()
_session_settings: HubSettings | None = None


def _install_session(settings: HubSettings) -> None:
    """Point huggingface_hub's shared httpx2 client at hubradar's timeout and retry policy."""
    global _session_settings
    with _session_lock:
        if _session_settings == settings:
            return
        import httpx2
        from huggingface_hub import set_client_factory
        from huggingface_hub.utils._http import hf_request_event_hook

        def factory() -> httpx2.Client:
            return httpx2.Client(
                transport=_make_transport(settings),
                timeout=httpx2.Timeout(settings.timeout),
                follow_redirects=True,
                event_hooks={"request": [hf_request_event_hook]},
            )

        set_client_factory(factory)
        _session_settings = settings


def _translate(err: Exception, what: str) -> HubError:
    """Map huggingface_hub / httpx2 errors to one-line hubradar errors (never echoing the token)."""
    if isinstance(err, HubError):
        return err
    if isinstance(err, json.JSONDecodeError | UnicodeDecodeError):
        return HubBadResponse(f"the Hub sent a response that is not valid JSON for {what}")
    response = getattr(err, "response", None)
    status = getattr(response, "status_code", None)
    if status in (401, 403):
        return HubAuthError(_auth_message(response, status, what))
    if status == 404:
        return ModelNotFound(f"{what}: not found on the Hub (404)")
    if status in (400, 422):
        detail = ""
        try:
            body = response.json()  # type: ignore[union-attr]
            detail = str(body.get("error", ""))[:200] if isinstance(body, dict) else ""
        except Exception:
            detail = ""
        return HubBadRequest(f"the Hub rejected {what} ({status})" + (f": {detail}" if detail else ""))
    if status is not None:
        return HubUnreachable(f"the Hub answered {status} for {what}", status=status)
    if type(err).__name__ == "OfflineModeIsEnabled":
        return OfflineError("offline mode is on (HF_HUB_OFFLINE): not contacting the Hub")
    return HubUnreachable(f"the request for {what} failed ({type(err).__name__})")


def _auth_message(response: Any, status: int, what: str) -> str:
    """401/403 in words: whether a token was sent decides what the user should do."""
    try:
        sent = "authorization" in response.request.headers
    except (AttributeError, RuntimeError):
        sent = False
    if not sent:
        return f"the Hub asks for a token for {what} ({status}): set HF_TOKEN or pass --token"
    if status == 401:
        return f"the Hub rejected the token for {what} (401): it is invalid or expired; check HF_TOKEN/--token"
    return f"the token in HF_TOKEN/--token has no access to {what} (403): request access or use another token"


def _mentions(err: BaseException, secret: str) -> bool:
    """Does the error, or anything it was raised from, carry the secret in its text?"""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if secret in str(current) or secret in repr(current.args):
            return True
        current = current.__cause__ or current.__context__
    return False


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class HubClient:
    """Lists models and looks up single models on the Hub (or any HF_ENDPOINT)."""

    def __init__(self, settings: HubSettings | None = None) -> None:
        self.settings = settings or HubSettings.from_env()

    def _headers(self) -> dict[str, str]:
        from huggingface_hub.utils import build_hf_headers

        return build_hf_headers(
            token=self.settings.token, library_name="hubradar", library_version=__version__
        )

    def _sent_token(self) -> str | None:
        """The token actually sent (HF_TOKEN, --token or the one saved by `hf auth login`)."""
        value = self._headers().get("authorization", "")
        return value.split(" ", 1)[1] if " " in value else None

    def _fail(self, err: Exception, what: str) -> HubError:
        """The hubradar error to raise for `err`: caused by it, unless its text carries the token.

        Raise it without `from`: the cause (or its absence) is set here.
        """
        translated = _translate(err, what)
        token = self._sent_token()
        if token and token in str(translated):
            translated.args = (str(translated).replace(token, "***"),)
        if translated is not err:
            if token and _mentions(err, token):
                translated.__suppress_context__ = True  # a debug traceback must not print it either
            else:
                translated.__cause__ = err
        return translated

    def _check_online(self) -> None:
        if self.settings.offline or env_offline():
            raise OfflineError("offline mode is on: not contacting the Hub")
        _install_session(self.settings)

    @staticmethod
    def listing_params(query: ListingQuery, limit: int) -> dict[str, Any]:
        """The query parameters `HfApi.list_models` would send for this query."""
        filters = [*([query.library] if query.library else []), *query.filters]
        params: dict[str, Any] = {"sort": query.hub_sort, "limit": limit, "expand": list(LISTING_EXPAND)}
        if filters:
            params["filter"] = filters
        optional = {
            "author": query.author,
            "search": query.search,
            "pipeline_tag": query.task,
            "num_parameters": query.num_parameters,
            "inference_provider": query.inference_provider,
        }
        params.update({k: v for k, v in optional.items() if v})
        return params

    def _pages(self, url: str, params: dict[str, Any]) -> Iterator[tuple[list[Any], bool]]:
        """(rows, last) for each page of a listing, following `Link: rel="next"` like `paginate`.

        A next link to another host is followed without the token; one already visited ends the
        listing (a server that loops must not keep us paging forever).
        """
        from huggingface_hub.utils import get_session, hf_raise_for_status

        headers = self._headers()
        home = _origin(url)
        visited: set[str] = set()
        next_url: str | None = url
        next_params: dict[str, Any] | None = params
        while next_url is not None:
            visited.add(next_url)
            sent = headers if _origin(next_url) == home else {
                k: v for k, v in headers.items() if k.lower() != "authorization"
            }
            response = get_session().get(next_url, params=next_params, headers=sent)
            hf_raise_for_status(response)
            page = response.json()
            if not isinstance(page, list):
                kind = type(page).__name__
                raise HubBadResponse(f"the Hub sent a listing page that is not a list of models ({kind})")
            next_url = response.links.get("next", {}).get("url")
            next_params = None  # the next link carries the query
            if next_url in visited:
                next_url = None
                yield page, False
                return
            yield page, next_url is None

    def list_models(self, query: ListingQuery, limit: int | None = None) -> FetchResult:
        """Fetch up to `limit` (default `query.limit`) models: one request per 1,000 rows.

        Raises HubBadResponse when more than half the rows cannot be read: such a listing says
        more about the server than about the Hub, and must not be cached as an answer.
        """
        self._check_online()
        limit = limit or query.limit
        result = FetchResult([])
        seen: set[str] = set()
        received = 0
        what = "the model listing"
        try:
            for page, last in self._pages(f"{self.settings.endpoint}/api/models", self.listing_params(query, limit)):
                received += len(page)
                added = self._read_rows(page, result, seen, limit)
                if len(result.records) >= limit:
                    break
                if last:
                    result.complete = received < limit
                    break
                if not added:  # a page of nothing new: the server is repeating itself
                    break
        except Exception as err:
            raise self._fail(err, what)  # noqa: B904 - _fail sets the cause
        if result.unreadable and result.unreadable * 2 > received:
            raise HubBadResponse(f"the Hub sent {result.unreadable} unreadable rows out of {received} for {what}")
        return result

    @staticmethod
    def _read_rows(page: list[Any], result: FetchResult, seen: set[str], limit: int) -> int:
        """Normalize one page into `result`, counting skipped rows; returns how many were new."""
        added = 0
        for row in page:
            try:
                record = from_hub_json(row)
            except BadRecord:
                result.skipped += 1
                continue
            if record.id in seen:  # a model that moved between pages while we paged
                result.skipped += 1
                result.duplicates += 1
                continue
            seen.add(record.id)
            result.records.append(record)
            added += 1
            if len(result.records) >= limit:
                break
        return added

    def model_info(self, model_id: str, expand: Iterable[str] = ()) -> ModelRecord:
        """One model from `/api/models/ORG/NAME` (the only source of childrenModelCount, baseModels)."""
        self._check_online()
        from huggingface_hub.utils import get_session, hf_raise_for_status

        url = f"{self.settings.endpoint}/api/models/{quote(model_id, safe='/')}"
        params = {"expand": list(expand)} if expand else None
        try:
            response = get_session().get(url, params=params, headers=self._headers())
            hf_raise_for_status(response)
            return from_hub_json(response.json())
        except BadRecord as err:
            raise HubBadResponse(f"the Hub sent an unreadable record for {model_id}") from err
        except Exception as err:
            raise self._fail(err, model_id)  # noqa: B904 - _fail sets the cause

    def model_infos(
        self,
        model_ids: Iterable[str],
        expand: Iterable[str] = (),
        *,
        workers: int = 4,
        on_result: Callable[[str, ModelRecord | None], None] | None = None,
    ) -> tuple[dict[str, ModelRecord | None], str | None]:
        """Look up many models a few at a time; stop early when the Hub rate-limits.

        Returns (id -> record or None when not found, a notice when the lookups stopped early).
        """
        from concurrent.futures import ThreadPoolExecutor  # (and logging): not on the cache-hit path

        ids = list(dict.fromkeys(model_ids))
        expand = list(expand)
        results: dict[str, ModelRecord | None] = {}
        stop = threading.Event()
        notice: list[str] = []

        def one(model_id: str) -> None:
            if stop.is_set():
                return
            try:
                record: ModelRecord | None = self.model_info(model_id, expand)
            except ModelNotFound:
                record = None
            except HubError as err:  # 429, unreachable, refused or rejected: the rest would fare no better
                if not stop.is_set():
                    stop.set()
                    notice.append(str(err))
                return
            results[model_id] = record
            if on_result:
                on_result(model_id, record)

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(one, ids))
        message = None
        if notice:
            message = f"stopped after {len(results)} of {len(ids)} lookups: {notice[0]}"
        return results, message
