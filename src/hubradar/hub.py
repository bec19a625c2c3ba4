"""The fetch layer: the only module that talks to the Hub.

It sends the same `/api/models` request `HfApi.list_models` sends and pages through it with
huggingface_hub's own `paginate` (the `Link: rel="next"` header, httpx2 underneath), but it
reads the raw JSON rows itself: `ModelInfo(**row)` raises on one malformed row (for example a
`safetensors` object without `parameters`) and that would cost the whole listing, while
`record.from_hub_json` skips and counts such a row.

Retries are hubradar's, not huggingface_hub's: an httpx2 transport installed through
`huggingface_hub.set_client_factory` retries 429/5xx/timeouts a bounded number of times within
a bounded total time, honours `Retry-After` when it fits that budget, and otherwise raises
`HubUnreachable` (which huggingface_hub's own backoff does not retry), so the CLI can fall back
to the cache in seconds rather than after minutes.

`huggingface_hub` and `httpx2` are imported only inside the functions that fetch, so a cached
answer never pays for importing them.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import __version__
from .errors import (
    HubAuthError,
    HubBadRequest,
    HubError,
    HubRateLimited,
    HubUnreachable,
    ModelNotFound,
    OfflineError,
)
from .query import ListingQuery
from .record import BadRecord, ModelRecord, from_hub_json

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
_TRUTHY = {"1", "true", "yes", "on"}


def env_offline() -> bool:
    """HF_HUB_OFFLINE read at call time (huggingface_hub reads it once, at import)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUTHY


@dataclass(frozen=True)
class HubSettings:
    """How to reach the Hub. Resolved at call time so HF_ENDPOINT / HF_TOKEN set late still count."""

    endpoint: str = DEFAULT_ENDPOINT
    token: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    retries: int = 3
    retry_budget: float = 20.0
    base_wait: float = 0.5
    offline: bool = False

    @classmethod
    def from_env(
        cls,
        *,
        endpoint: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        offline: bool = False,
    ) -> HubSettings:
        return cls(
            endpoint=(endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/"),
            token=token or os.environ.get("HF_TOKEN") or None,
            timeout=timeout if timeout is not None else 10.0,
            offline=offline or env_offline(),
        )


@dataclass
class FetchResult:
    records: list[ModelRecord]
    skipped: int = 0


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _make_transport(settings: HubSettings) -> httpx2.BaseTransport:
    """An httpx2 transport with hubradar's bounded retry policy around the default one."""
    import httpx2

    class RetryTransport(httpx2.BaseTransport):
        def __init__(self) -> None:
            self._inner = httpx2.HTTPTransport()

        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            deadline = time.monotonic() + settings.retry_budget
            wait = settings.base_wait
            attempt = 0
            while True:
                attempt += 1
                status: int | None = None
                retry_after: float | None = None
                try:
                    response = self._inner.handle_request(request)
                except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as err:
                    reason = "timed out" if isinstance(err, httpx2.TimeoutException) else "could not connect"
                else:
                    if response.status_code not in RETRY_STATUSES:
                        return response
                    status = response.status_code
                    retry_after = _retry_after(response.headers)
                    response.close()
                    reason = f"answered {status}"
                if retry_after is not None:
                    wait = retry_after
                remaining = deadline - time.monotonic()
                if attempt > settings.retries or wait > remaining:
                    host = request.url.host
                    tries = f"{attempt} attempt{'s' if attempt > 1 else ''}"
                    if status == 429:
                        raise HubRateLimited(
                            f"the Hub ({host}) is rate-limiting requests (429) after {tries}"
                            + (f"; it asks to wait {retry_after:.0f}s" if retry_after else ""),
                            status=status,
                            retry_after=retry_after,
                        )
                    raise HubUnreachable(f"the Hub ({host}) {reason} after {tries}", status=status)
                time.sleep(wait)
                wait = min(wait * 2, 8.0)

        def close(self) -> None:
            self._inner.close()

    return RetryTransport()


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
        return HubUnreachable(f"the Hub sent a response that is not valid JSON for {what}")
    response = getattr(err, "response", None)
    status = getattr(response, "status_code", None)
    if status in (401, 403):
        return HubAuthError(
            f"the Hub refused {what} ({status}): the token in HF_TOKEN/--token is missing, invalid, "
            "or lacks access"
        )
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
    return HubUnreachable(f"could not reach the Hub for {what}: {type(err).__name__}")


class HubClient:
    """Lists models and looks up single models on the Hub (or any HF_ENDPOINT)."""

    def __init__(self, settings: HubSettings | None = None) -> None:
        self.settings = settings or HubSettings.from_env()

    def _headers(self) -> dict[str, str]:
        from huggingface_hub.utils import build_hf_headers

        return build_hf_headers(
            token=self.settings.token, library_name="hubradar", library_version=__version__
        )

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

    def list_models(self, query: ListingQuery, limit: int | None = None) -> FetchResult:
        """Fetch up to `limit` (default `query.limit`) models: one request per 1,000 rows."""
        self._check_online()
        from huggingface_hub.utils import paginate

        limit = limit or query.limit
        records: list[ModelRecord] = []
        seen: set[str] = set()
        skipped = 0
        what = "the model listing"
        try:
            rows = paginate(
                f"{self.settings.endpoint}/api/models",
                params=self.listing_params(query, limit),
                headers=self._headers(),
            )
            for row in rows:
                try:
                    record = from_hub_json(row)
                except BadRecord:
                    skipped += 1
                    continue
                if record.id in seen:  # a model that moved between pages while we paged
                    skipped += 1
                    continue
                seen.add(record.id)
                records.append(record)
                if len(records) >= limit:
                    break
        except Exception as err:
            raise _translate(err, what) from err
        return FetchResult(records, skipped)

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
            raise HubUnreachable(f"the Hub sent an unreadable record for {model_id}") from err
        except Exception as err:
            raise _translate(err, model_id) from err

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
