"""One lineage edge, `Link`, and the first source of links: what the Hub's metadata declares.

The tags `base_model:<relation>:<org/name>` and `base_model:<org/name>`, then `cardData.base_model`
with `base_model_relation` (docs/lineage.md). The name rule, for records without such metadata,
is the second source (analysis/names.py); `Lineage` combines the two (analysis/lineage.py).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from hubradar.core.record import MODEL_ID_RE, ModelRecord

RELATIONS = ("quantized", "finetune", "adapter", "merge")
SAME_WEIGHTS = frozenset({"quantized", "mirror"})

_LINEAGE_TAG = re.compile(r"(?:^|\x00)base_model:([^\x00]*)")
# The first `base_model:<relation>:<id>` in tags joined by NUL (a match must also start a tag).
# Starts with a literal so the regex engine can skip ahead quickly. The id is `MODEL_ID_RE`; listing
# ASCII letters and digits beside \w (the same set) lets the engine test them in a table before it
# asks Unicode about \w.
RELATION_TAG = re.compile(r"base_model:(quantized|finetune|adapter|merge):"
                          r"([A-Za-z0-9][A-Za-z0-9_.\-\w]*(?:/[A-Za-z0-9_.\-\w]+)?)(?=\x00|$)")


class Link(NamedTuple):
    """One edge, child -> parent. `inferred`: it rests on the name rule, not the Hub's metadata."""

    parent: str
    relation: str  # quantized | finetune | adapter | merge | mirror | unknown
    inferred: bool = False


# `new_link(Link, (parent, relation, inferred))`: a Link without NamedTuple's Python-level __new__,
# for the hot loops that build one per record.
new_link = tuple.__new__


def metadata_link(record: ModelRecord) -> Link | None:
    """The parent the Hub's metadata declares: `base_model:<relation>:<id>` tags, then cardData."""
    return joined_metadata_link(record, "\x00".join(record.tags))


def joined_metadata_link(record: ModelRecord, joined: str) -> Link | None:
    """`metadata_link` on the record's tags joined by NUL (one C-level scan for the common cases)."""
    if "base_model:" not in joined and not record.card_base_models:
        return None
    own = record.id.lower()
    # The usual case, one regex search: the first `base_model:<relation>:<id>` tag, not naming itself.
    first = RELATION_TAG.search(joined)
    if (first is not None and (first.start() == 0 or joined[first.start() - 1] == "\x00")
            and first.group(2).lower() != own):
        return Link(first.group(2), first.group(1))
    plain: str | None = None
    for rest in _LINEAGE_TAG.findall(joined):
        relation, sep, parent = rest.partition(":")
        if sep:
            if relation in RELATIONS and parent.lower() != own and MODEL_ID_RE.fullmatch(parent):
                return Link(parent, relation)
        elif plain is None and rest.lower() != own and MODEL_ID_RE.fullmatch(rest):
            plain = rest
    for base in record.card_base_models:
        if base.lower() != own and MODEL_ID_RE.fullmatch(base):
            relation = (record.card_base_relation or "").lower()
            return Link(base, relation if relation in RELATIONS else "unknown")
    return Link(plain, "unknown") if plain else None


def declared_relation(record: ModelRecord, parent: str) -> str | None:
    """How the metadata relates `record` to one given parent (a merge names several)."""
    wanted = parent.lower()
    found: str | None = None
    for tag in record.tags:
        if tag.lower().startswith("base_model:") and tag.lower().endswith(":" + wanted):
            relation = tag[11:].partition(":")[0]
            if relation in RELATIONS:
                return relation
            found = "unknown"
    if found is None and any(b.lower() == wanted for b in record.card_base_models):
        relation = (record.card_base_relation or "").lower()
        found = relation if relation in RELATIONS else "unknown"
    return found
