"""The one normalized model record, and the only place that reads Hub JSON.

Everything after the fetch layer (store, sizes, families, gaps, rendering) reads
`ModelRecord` and nothing else, so a change in the Hub's JSON is absorbed here.
The normalizer is tolerant on purpose: the Hub (and the archives people import)
omit fields, send nulls and occasionally the wrong type. What can be read is read;
a row that cannot be read at all (no usable id) raises `BadRecord`, which callers
count and skip.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from hubradar.core.time import parse_time

# The one id rule: an id on the Hub is `name` or `org/name`; anything else is not a model id we can
# link or match. Matched with `fullmatch`: `$` would let a trailing newline through.
MODEL_ID_RE = re.compile(r"[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?")
_HUB_URL_RE = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?:models/)?", re.IGNORECASE)
# Counts are stored as SQLite INTEGERs (64-bit signed): a larger "count" is not a count.
_MAX_COUNT = 2**63 - 1
# A lone surrogate (JSON allows "\ud800") cannot be encoded as UTF-8: it would fail the cache write
# and the terminal write, so the normalizer replaces it.
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def is_model_id(text: str) -> bool:
    return MODEL_ID_RE.fullmatch(text) is not None


def plain_name(text: str) -> str:
    """A model as a person writes it: a Hub URL becomes its id, surrounding space and `/` go."""
    name = _HUB_URL_RE.sub("", text.strip()).strip("/")
    for cut in ("/tree/", "/blob/", "/resolve/"):
        name = name.split(cut, 1)[0]
    return name


def hub_id_of(text: str) -> str | None:
    """The `org/name` id a text spells out (`org/name`, `org--name`, `models--org--name`, a Hub URL), if any."""
    name = plain_name(text)
    if "/" not in name and "--" in name:
        name = name.removeprefix("models--").replace("--", "/", 1)
    return name if "/" in name and is_model_id(name) else None


class BadRecord(ValueError):
    """A listing row that cannot be turned into a record (skipped and counted)."""


class Provider(NamedTuple):
    """One inference provider mapping entry (`inferenceProviderMapping`)."""

    name: str
    status: str | None = None
    task: str | None = None
    provider_id: str | None = None

    @property
    def live(self) -> bool:
        """Only a `live` mapping serves traffic; `staging` and `error` do not count."""
        return self.status == "live"


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """A model as hubradar sees it. `None` always means unknown, never zero."""

    id: str
    author: str | None = None
    task: str | None = None
    library: str | None = None
    downloads: int | None = None
    downloads_all_time: int | None = None
    likes: int | None = None
    trending_score: float | None = None
    created_at: str | None = None
    last_modified: str | None = None
    tags: tuple[str, ...] = ()
    safetensors_total: int | None = None
    gguf_total: int | None = None
    card_base_models: tuple[str, ...] = ()
    card_base_relation: str | None = None
    providers: tuple[Provider, ...] | None = None
    children_count: int | None = None
    gated: bool | str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def name(self) -> str:
        """The part after the org: `Qwen3-8B` for `Qwen/Qwen3-8B`."""
        return self.id.rsplit("/", 1)[-1]

    @property
    def org(self) -> str:
        """The org or user part of the id (the author when the id has no org)."""
        return self.id.split("/", 1)[0] if "/" in self.id else (self.author or self.id)

    @property
    def created(self) -> datetime | None:
        return parse_time(self.created_at)

    @property
    def live_providers(self) -> tuple[str, ...] | None:
        """Names of providers serving the model live; None when the listing did not say."""
        if self.providers is None:
            return None
        return tuple(sorted({p.name for p in self.providers if p.live}))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (for the store and exports); `from_dict` reads it back."""
        data = asdict(self)
        data["tags"] = list(self.tags)
        data["card_base_models"] = list(self.card_base_models)
        if self.providers is not None:
            data["providers"] = [p._asdict() for p in self.providers]
        if not self.extra:
            data.pop("extra")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelRecord:
        providers = data.get("providers")
        return cls(
            id=data["id"],
            author=data.get("author"),
            task=data.get("task"),
            library=data.get("library"),
            downloads=data.get("downloads"),
            downloads_all_time=data.get("downloads_all_time"),
            likes=data.get("likes"),
            trending_score=data.get("trending_score"),
            created_at=data.get("created_at"),
            last_modified=data.get("last_modified"),
            tags=tuple(data.get("tags") or ()),
            safetensors_total=data.get("safetensors_total"),
            gguf_total=data.get("gguf_total"),
            card_base_models=tuple(data.get("card_base_models") or ()),
            card_base_relation=data.get("card_base_relation"),
            providers=None if providers is None else tuple(Provider(**p) for p in providers),
            children_count=data.get("children_count"),
            gated=data.get("gated"),
            extra=dict(data.get("extra") or {}),
        )


def _int(value: Any) -> int | None:
    """A non-negative count that fits SQLite, or None. Accepts ints, integral floats and digit strings."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = int(value) if math.isfinite(value) else None
    elif isinstance(value, str):
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        text = value.strip()
        value = int(text) if text.isdecimal() and len(text) <= 19 else None
    if isinstance(value, int) and 0 <= value <= _MAX_COUNT:
        return value
    return None


def _float(value: Any) -> float | None:
    """A finite number, or None (an int too large for a float is not a score either)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        parsed = float(value)
    except (ValueError, OverflowError):
        return None
    return parsed if math.isfinite(parsed) else None


def _str(value: Any) -> str | None:
    return _SURROGATE_RE.sub("\ufffd", value) if isinstance(value, str) and value else None


def _time(value: Any) -> str | None:
    text = _str(value)
    return text if text and parse_time(text) else None


def _tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    seen: dict[str, None] = {}
    for tag in value:
        text = _str(tag)
        if text:
            seen.setdefault(text, None)
    return tuple(seen)


def _providers(value: Any) -> tuple[Provider, ...] | None:
    """`inferenceProviderMapping`: a list in listings, a dict keyed by provider in `model_info`.

    As in huggingface_hub's `ModelInfo`, the dict key names the provider (it wins over a
    `provider` field inside the entry); `[]` means no provider, while a missing field stays None.
    """
    if value is None:
        return None
    items: list[tuple[str | None, Any]]
    if isinstance(value, list):
        items = [(None, v) for v in value]
    elif isinstance(value, dict):
        items = list(value.items())
    else:
        return None
    out = []
    for key, entry in items:
        if not isinstance(entry, dict):
            continue
        name = _str(key) or _str(entry.get("provider"))
        if name:
            out.append(
                Provider(
                    name=name,
                    status=_str(entry.get("status")),
                    task=_str(entry.get("task")),
                    provider_id=_str(entry.get("providerId")),
                )
            )
    return tuple(out)


def _base_models(card: Any) -> tuple[tuple[str, ...], str | None]:
    if not isinstance(card, dict):
        return (), None
    base = card.get("base_model")
    if isinstance(base, str):
        text = _str(base)
        bases: tuple[str, ...] = (text,) if text else ()
    elif isinstance(base, list):
        bases = tuple(text for b in base if (text := _str(b)))
    else:
        bases = ()
    return bases, _str(card.get("base_model_relation"))


def _gated(value: Any) -> bool | str | None:
    """`gated` is False, or the gating mode ("auto", "manual")."""
    return value if isinstance(value, bool) else _str(value)


def from_hub_json(item: Any) -> ModelRecord:
    """Turn one `/api/models` row (or `model_info` body) into a `ModelRecord`.

    Raises `BadRecord` when the row has no usable id; every other field degrades to unknown.
    """
    if not isinstance(item, dict):
        raise BadRecord(f"expected an object, got {type(item).__name__}")
    model_id = _str(item.get("id")) or _str(item.get("modelId"))
    if not model_id or not MODEL_ID_RE.fullmatch(model_id):
        raise BadRecord(f"row without a valid model id: {str(item.get('id'))[:60]!r}")
    safetensors = item.get("safetensors")
    gguf = item.get("gguf")
    bases, relation = _base_models(item.get("cardData"))
    author = _str(item.get("author")) or (model_id.split("/", 1)[0] if "/" in model_id else None)
    trending = _float(item.get("trendingScore"))
    return ModelRecord(
        id=model_id,
        author=author,
        task=_str(item.get("pipeline_tag")),
        library=_str(item.get("library_name")),
        downloads=_int(item.get("downloads")),
        downloads_all_time=_int(item.get("downloadsAllTime")),
        likes=_int(item.get("likes")),
        # A row without trendingScore did not say it (a capture, an archive): unknown, not 0. The Hub
        # sends it for every model a listing expands it for, 0 included.
        trending_score=trending,
        created_at=_time(item.get("createdAt")),
        last_modified=_time(item.get("lastModified")),
        tags=_tags(item.get("tags")),
        safetensors_total=_int(safetensors.get("total")) if isinstance(safetensors, dict) else None,
        gguf_total=_int(gguf.get("total")) if isinstance(gguf, dict) else None,
        card_base_models=bases,
        card_base_relation=relation,
        providers=_providers(item.get("inferenceProviderMapping")),
        children_count=_int(item.get("childrenModelCount")),
        gated=_gated(item.get("gated")),
    )


def records_from_hub_json(items: Any) -> tuple[list[ModelRecord], int]:
    """Normalize a Hub JSON list, dropping unreadable and duplicate rows.

    Returns the records in their original order and how many rows were skipped.
    """
    if not isinstance(items, list):
        raise BadRecord("expected a JSON list of models")
    records: list[ModelRecord] = []
    seen: set[str] = set()
    skipped = 0
    for item in items:
        try:
            record = from_hub_json(item)
        except BadRecord:
            skipped += 1
            continue
        if record.id in seen:
            skipped += 1
            continue
        seen.add(record.id)
        records.append(record)
    return records, skipped
