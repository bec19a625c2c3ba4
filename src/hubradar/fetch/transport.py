"""Hubradar's HTTP transport: bounded retries within a bounded time, under huggingface_hub's session.

An httpx2 transport installed through `huggingface_hub.set_client_factory` retries 408/429/5xx,
timeouts and dropped connections a bounded number of times within a bounded total time, honours
`Retry-After` (seconds or a date) and a 429's `RateLimit` headers when they fit that budget, and
otherwise raises `HubUnreachable` (which huggingface_hub's own backoff does not retry), so a
command can fall back to the cache in seconds rather than after minutes. The transport reads each
body itself, so a timeout bounds a whole response (a body that trickles in byte by byte times out
too) and a body is bounded in size.

`httpx2` and `huggingface_hub` are imported only here, inside functions, so a cached answer never
pays for importing them.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from hubradar.core.errors import HubBadResponse, HubRateLimited, HubUnreachable
from hubradar.core.units import human_duration
from hubradar.fetch.settings import HubSettings

if TYPE_CHECKING:
    import httpx2

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
CONNECT_RETRIES = 1  # a connection that cannot even be opened is retried at most this often
_LONGEST_WAIT = 365 * 86400.0  # a Retry-After beyond this (or "inf") is read as "a year": we give up either way


def wait_hint(response: httpx2.Response) -> float | None:
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
                stream = response.stream
                assert isinstance(stream, httpx2.SyncByteStream)  # a sync transport's answer
                for chunk in stream:
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
            backoff = settings.base_wait
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
                    hint = wait_hint(response)
                    reason = f"answered {status}"
                wait = backoff if hint is None else hint  # a hint is for this wait only, not the backoff after it
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
                backoff = min(backoff * 2, 8.0)

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


def install_session(settings: HubSettings) -> None:
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

