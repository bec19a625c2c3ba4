"""Lineage: which model a re-upload or derivative comes from.

(First cut: the Hub's own metadata only. The families work extends it with the name rule.)

Interface the rest of hubradar relies on:
- `Link(parent, relation, inferred)`: one edge, child -> parent.
- `Lineage(records)`: `.link(id)`, `.family_root(id)` (follow same-weights links: quantizations
  and mirrors), `.ecosystem_root(id)` (follow every link: finetunes, adapters, merges too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .record import ModelRecord

RELATIONS = ("quantized", "finetune", "adapter", "merge")
SAME_WEIGHTS = frozenset({"quantized", "mirror"})


@dataclass(frozen=True, slots=True)
class Link:
    parent: str
    relation: str  # quantized | finetune | adapter | merge | mirror | unknown
    inferred: bool = False


def metadata_link(record: ModelRecord) -> Link | None:
    """The parent the Hub's metadata declares: `base_model:<relation>:<id>` tags, then cardData."""
    plain: str | None = None
    for tag in record.tags:
        if not tag.startswith("base_model:"):
            continue
        rest = tag.removeprefix("base_model:")
        relation, sep, parent = rest.partition(":")
        if sep and relation in RELATIONS and parent and parent != record.id:
            return Link(parent, relation)
        if not sep and rest != record.id:
            plain = plain or rest
    for base in record.card_base_models:
        if base != record.id:
            return Link(base, record.card_base_relation or "unknown")
    return Link(plain, "unknown") if plain else None


class Lineage:
    """Parent links for a set of records, with cycle-safe walks to the roots."""

    def __init__(self, records: Iterable[ModelRecord]) -> None:
        self.records = {r.id: r for r in records}
        self.links: dict[str, Link] = {}
        for record in self.records.values():
            link = metadata_link(record)
            if link:
                self.links[record.id] = link

    def link(self, model_id: str) -> Link | None:
        return self.links.get(model_id)

    def _walk(self, model_id: str, follow: frozenset[str] | None) -> str:
        seen = {model_id}
        current = model_id
        while (link := self.links.get(current)) is not None:
            if follow is not None and link.relation not in follow:
                break
            if link.parent in seen:  # a cycle in the metadata: stop where it closes
                break
            seen.add(link.parent)
            current = link.parent
        return current

    def family_root(self, model_id: str) -> str:
        """The model whose weights this one carries (itself unless it is a quantization or mirror)."""
        return self._walk(model_id, SAME_WEIGHTS)

    def ecosystem_root(self, model_id: str) -> str:
        """The first ancestor: the base every finetune, adapter, merge and quantization leads back to."""
        return self._walk(model_id, None)
