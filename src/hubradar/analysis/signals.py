"""Signals beyond downloads, as numbers: who serves a model, and how much the ecosystem builds on it.

- Serving: `inferenceProviderMapping`, asked for in the listing request itself, names the inference
  providers mapped to a model. Only `live` entries serve traffic; `staging` and `error` do not count.
- Derivatives: `childrenModelCount`, how many models on the Hub declare this one as their base
  (finetunes, quantizations, adapters, merges). Only `model_info` serves it, one request per model
  (`app.lookups.with_derivatives`).

Unknown is never zero: a record whose listing did not say (an old cached listing, the bundled
snapshot, a lookup that did not happen) has None, which tables show as "-", JSON as null, and every
ranking puts after the known values.
"""

from __future__ import annotations

from collections.abc import Iterable

from hubradar.core.record import ModelRecord
from hubradar.core.vocabulary import ADOPTION, check


def provider_count(record: ModelRecord) -> int | None:
    """How many providers serve the model live; None when the listing did not say."""
    live = record.live_providers
    return None if live is None else len(live)


def adoption_value(record: ModelRecord, kind: str) -> int | None:
    """What adoption means for `kind`: 30-day downloads, derivative models, or live providers.

    None means unknown (derivatives are known only after `with_derivatives`/`with_adoption`; RAM is
    no number of one record: it needs the record's size-class peers, `analysis.ram`).
    """
    check(kind, ADOPTION, "adoption kind")
    if kind == "ram":
        return None
    if kind == "downloads":
        return record.downloads
    if kind == "derivatives":
        return record.children_count
    return provider_count(record)


def rank_by(records: Iterable[ModelRecord], kind: str) -> list[ModelRecord]:
    """Descending by `adoption_value`; unknown after every known value; ties keep the input order."""

    def key(record: ModelRecord) -> tuple[bool, int]:
        value = adoption_value(record, kind)
        return value is None, -(value or 0)

    return sorted(records, key=key)


def sum_known(values: Iterable[int | None]) -> int | None:
    """The sum of the known values (a lower bound when some are unknown); None when none is known.

    A group's members' derivatives are summed this way, as `gaps --adoption derivatives` sums a family's.
    """
    known = [v for v in values if v is not None]
    return sum(known) if known else None
