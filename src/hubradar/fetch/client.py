"""The Hub client: one authenticated GET through huggingface_hub's shared httpx2 session.

Every request goes through `HubClient.get`, which installs hubradar's retry transport, sends the
token only to the endpoint's own host, and turns any failure into one hubradar error whose text
never carries the token. What the requests are (paged listings, single models) is in
`listings.py` and `lookups.py`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlsplit

from hubradar import __version__
from hubradar.core.errors import (
    HubAuthError,
    HubBadRequest,
    HubBadResponse,
    HubError,
    HubUnreachable,
    ModelNotFound,
    OfflineError,
    param,
)
from hubradar.core.record import BadRecord, ModelRecord, from_hub_json
from hubradar.fetch.settings import HubSettings
from hubradar.fetch.transport import install_session


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
        return f"the Hub asks for a token for {what} ({status}): set HF_TOKEN or pass {param('token')}"
    if status == 401:
        return f"the Hub rejected the token for {what} (401): it is invalid or expired; check HF_TOKEN/{param('token')}"
    return f"the token in HF_TOKEN/{param('token')} has no access to {what} (403): request access or use another token"


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


def origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class HubClient:
    """Requests to the Hub (or any HF_ENDPOINT), with hubradar's retries and error messages."""

    def __init__(self, settings: HubSettings | None = None) -> None:
        self.settings = settings or HubSettings.from_env()

    def _headers(self) -> dict[str, str]:
        from huggingface_hub.utils import build_hf_headers

        return build_hf_headers(
            token=self.settings.token, library_name="hubradar", library_version=__version__
        )

    def _sent_token(self) -> str | None:
        """The token actually sent (HF_TOKEN, the token passed, or the one saved by `hf auth login`)."""
        value = self._headers().get("authorization", "")
        return value.split(" ", 1)[1] if " " in value else None

    def fail(self, err: Exception, what: str) -> HubError:
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

    def check_online(self) -> None:
        if self.settings.offline:
            raise OfflineError("offline mode is on: not contacting the Hub")
        install_session(self.settings)

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """GET `url` (the token only on the endpoint's own host); the raw httpx2 response.

        Raises huggingface_hub's HTTP errors; callers turn them into hubradar's with `fail`.
        """
        from huggingface_hub.utils import get_session, hf_raise_for_status

        headers = self._headers()
        if origin(url) != origin(self.settings.endpoint):
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        response = get_session().get(url, params=params, headers=headers)
        hf_raise_for_status(response)
        return response

    def model_info(self, model_id: str, expand: list[str] | tuple[str, ...] = ()) -> ModelRecord:
        """One model from `/api/models/ORG/NAME` (the only source of childrenModelCount, baseModels)."""
        self.check_online()
        url = f"{self.settings.endpoint}/api/models/{quote(model_id, safe='/')}"
        try:
            return from_hub_json(self.get(url, {"expand": list(expand)} if expand else None).json())
        except BadRecord as err:
            raise HubBadResponse(f"the Hub sent an unreadable record for {model_id}") from err
        except Exception as err:
            raise self.fail(err, model_id)  # noqa: B904 - fail sets the cause
