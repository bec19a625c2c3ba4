"""Moments: the Hub's timestamps, the store's, and the dates and durations people type.

Every moment is an aware UTC datetime; the store and JSON output write them as ISO-8601 with a
`Z`, to the second.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from hubradar.core.errors import UsageError, param
from hubradar.core.units import parse_duration

# A duration back from the newest snapshot, a moment, or a whole UTC day.
Since = timedelta | datetime | date
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MOMENT_FORMS = "a date (2026-08-01) or a UTC time (2026-08-01T19:00Z)"
_DAY_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
_DATE_LIKE_RE = re.compile(r"^\s*\d{4}-\d{2}")


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def parse_time(value: str | None) -> datetime | None:
    """Parse the Hub's ISO-8601 timestamps (`2026-08-05T08:22:59.000Z`) into aware UTC datetimes."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_moment(text: str, name: str = "at", now: datetime | None = None) -> datetime:
    """An absolute date or time (naive means UTC); a moment in the future is refused."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{param(name)}: {text!r} is not {_MOMENT_FORMS}") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    now = now or now_utc()
    if moment > now:
        raise UsageError(f"{param(name)}: {text} is in the future (it is now {to_iso(now)})")
    return moment


def parse_since(text: str, name: str = "since", now: datetime | None = None) -> Since:
    """A duration back from the newest snapshot (`7d`, `12h`), a day (`2026-08-01`) or a time."""
    if _DAY_RE.match(text or ""):
        return parse_moment(text, name, now).date()
    if _DATE_LIKE_RE.match(text or ""):
        return parse_moment(text, name, now)
    try:
        return parse_duration(text, name)
    except (UsageError, OverflowError):
        raise UsageError(
            f"{param(name)}: {text!r} is neither a duration (7d, 12h, 4w), a date (2026-08-01) "
            "nor a UTC time (2026-08-01T19:00Z)"
        ) from None


def resolve_since(since: Since, newest: datetime) -> datetime:
    """The moment `since` names: durations count back from the newest snapshot; a day starts at 00:00 UTC."""
    if isinstance(since, datetime):
        return since
    if isinstance(since, date):
        return datetime(since.year, since.month, since.day, tzinfo=UTC)
    try:
        return max(newest - since, EPOCH)
    except OverflowError:
        return EPOCH
