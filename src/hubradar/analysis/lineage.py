"""Lineage: which model a re-upload or derivative comes from.

Two sources, the first always winning:

1. The Hub's own metadata (analysis/links.py, `metadata_link`): the tags
   `base_model:<relation>:<org/name>` and `base_model:<org/name>`, then `cardData.base_model` /
   `base_model_relation`.
2. The name rule (analysis/names.py), for records without metadata (older or careless uploads such
   as `unsloth/Qwen3.8-27B-GGUF`): strip format and quantization markers from the end of the name
   (`strip_markers`) and match what is left to a model in the same data, the same org first. Such
   links are marked `inferred`. See docs/lineage.md for the rule, examples and its blind spots.

This module combines them for a set of records and walks the result; the names of both sources are
importable from here too.

Interface the rest of hubradar relies on:
- `Link(parent, relation, inferred)`: one edge, child -> parent.
- `Lineage(records)`: `.link(id)`, `.family_root(id)` (follow same-weights links: quantizations
  and mirrors), `.ecosystem_root(id)` (follow every link: finetunes, adapters, merges too),
  `.chain(id)`, `.inferred_path(id)`; cycles and self-references in the metadata are broken
  when the lineage is built (`.broken`), so every walk ends. In bulk (grouping):
  `.reupload_roots()` and `.inferred_members`.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress
from operator import and_, attrgetter, itemgetter

from hubradar.analysis.links import (
    RELATION_TAG,
    RELATIONS,
    SAME_WEIGHTS,
    Link,
    declared_relation,
    joined_metadata_link,
    metadata_link,
    new_link,
)
from hubradar.analysis.names import REUPLOADERS, downloads_of, name_links, strip_markers
from hubradar.core.memory import gc_paused
from hubradar.core.record import ModelRecord

__all__ = ["RELATIONS", "REUPLOADERS", "SAME_WEIGHTS", "Lineage", "Link", "carries_other_weights",
           "declared_relation", "metadata_link", "strip_markers"]

_ID = attrgetter("id")
_TAGS = attrgetter("tags")
_CARDS = attrgetter("card_base_models")
_PARENT = itemgetter(0)  # Link.parent
_RELATION = itemgetter(1)  # Link.relation
_INFERRED = itemgetter(2)  # Link.inferred
_RELATION_BY_INITIAL = {relation[0]: relation for relation in RELATIONS}  # the four start differently
_JOIN = "\x00".join


def carries_other_weights(record: ModelRecord) -> bool:
    """A re-upload on its own, whatever else is listed: its metadata declares a quantization, or its
    name ends in format markers (`strip_markers`) and its metadata declares no other relation."""
    link = metadata_link(record)
    if link is not None and link.relation != "unknown":
        return link.relation == "quantized"
    return strip_markers(record.name) != record.name


def _states_weights(record: ModelRecord | None) -> bool:
    """Does the repo state its own parameter count (safetensors or GGUF metadata)?"""
    return record is not None and (record.safetensors_total is not None or record.gguf_total is not None)


class Lineage:
    """Parent links for a set of records (metadata first, then the name rule), with acyclic walks.

    `names=False` keeps the metadata only. Parents are resolved to the listed id when they differ
    only in case (the Hub's ids are case-insensitive); a model naming itself is no link.
    """

    def __init__(self, records: Iterable[ModelRecord], *, names: bool = True) -> None:
        with gc_paused():
            self._build(records, names)

    def _build(self, records: Iterable[ModelRecord], names: bool) -> None:
        rows = list(records)
        listed_by_id = dict(zip(map(_ID, rows), rows, strict=True))  # a duplicate id: last wins
        self.records: dict[str, ModelRecord] = listed_by_id
        self._lower: dict[str, str] | None = None  # lower-case id -> listed id, built when first needed
        self.links: dict[str, Link] = {}
        listed = rows if len(listed_by_id) == len(rows) else list(listed_by_id.values())
        links, search, resolve = self.links, RELATION_TAG.search, self._resolve
        unlinked: list[str] = []  # what the metadata leaves without a parent, in listing order
        link: Link | None
        # One pass. A record's tags are joined by NUL for C-level scans and dropped right after:
        # 100,000 joined strings kept in a list would not stay in the CPU's cache. The ids are the
        # dict's keys (`record.id`), the record itself is only read again on the rare paths.
        for model_id, record, tags, cards in zip(listed_by_id, listed, map(_JOIN, map(_TAGS, listed)),
                                                 map(_CARDS, listed), strict=True):
            first = tags.find("base_model:")
            if first < 0 and not cards:
                unlinked.append(model_id)
                continue
            # The usual case: the first `base_model:<relation>:<id>` starts a tag and is not the model.
            found = search(tags, first)  # from the first `base_model:` (-1: from the start)
            if found is not None and (not (start := found.start()) or tags[start - 1] == "\x00"):
                parent = found[2]
                # Not the model itself, case aside (ASCII ids of different lengths differ: no lower()).
                if parent != model_id and ((len(parent) != len(model_id) and parent.isascii() and model_id.isascii())
                                           or parent.lower() != model_id.lower()):
                    link = new_link(Link, (parent, _RELATION_BY_INITIAL[tags[start + 11]], False))
                    # A listed parent spelled exactly needs no resolving.
                    if parent in listed_by_id or (link := resolve(record, link)) is not None:
                        links[model_id] = link
                    else:
                        unlinked.append(model_id)
                    continue
            link = joined_metadata_link(record, tags)
            if link is not None and (link.relation == "unknown" or link.parent not in listed_by_id):
                link = resolve(record, link)
            if link is not None:
                links[model_id] = link
            else:
                unlinked.append(model_id)
        if names:
            links.update(name_links(unlinked, links, self.records))
        self.broken: list[tuple[str, Link]] = self._break_cycles()
        self._walks()

    @classmethod
    def stored(cls, records: Iterable[ModelRecord], links: dict[str, Link], broken: list[tuple[str, Link]]) -> Lineage:
        """The lineage built earlier over these very records, in this order, from what it found
        (`links`, cycles already cut, and `broken`): no rule runs (store/lineage.py keeps them)."""
        self = cls.__new__(cls)
        rows = list(records)
        self.records = dict(zip(map(_ID, rows), rows, strict=True))
        self._lower = None
        self.links, self.broken = links, broken
        # What `_break_cycles` leaves for `reupload_roots`; a link to a cut model leads nowhere further.
        parents = list(map(_PARENT, links.values()))
        self._chained = dict(compress(zip(links, parents, strict=True), map(links.__contains__, parents)))
        self._walks()
        return self

    def _walks(self) -> None:
        """The memos of the walks, empty until read."""
        self._family: dict[str, str] = {}
        self._ecosystem: dict[str, str] = {}
        self._roots: dict[str, str] | None = None
        self._inferred_ids: set[str] = set()

    # --- building --------------------------------------------------------------------------

    @property
    def _canonical(self) -> dict[str, str]:
        if self._lower is None:
            ids = list(self.records)
            self._lower = dict(zip(map(str.lower, ids), ids, strict=True))
        return self._lower

    def _resolve(self, record: ModelRecord, link: Link) -> Link | None:
        """The listed spelling of the parent; an `unknown` relation on a marked name is a quantization."""
        parent = self._canonical.get(link.parent.lower(), link.parent)
        if parent == record.id:
            return None
        if link.relation == "unknown" and strip_markers(record.name) != record.name:
            return Link(parent, "quantized", inferred=True)
        return link if parent == link.parent else Link(parent, link.relation, link.inferred)

    def _break_cycles(self) -> list[tuple[str, Link]]:
        """Drop one link of every cycle so each walk ends; returns what was dropped.

        Each model has at most one parent, so a cycle is found by walking once. The link dropped is
        an inferred one if the cycle has any (metadata wins), else the one leaving the most
        downloaded member, which becomes the root (on a tie, one that states its own parameter
        count, like an original, then the first id).
        """
        # Only a model whose parent has a parent of its own can be on a cycle: walk just those.
        links = self.links
        parents = list(map(_PARENT, links.values()))
        chained = dict(compress(zip(links, parents, strict=True), map(links.__contains__, parents)))
        state: dict[str, bool] = {}  # True: on the current walk; False: finished
        broken: list[tuple[str, Link]] = []
        for start in list(chained):
            path: list[str] = []
            node = start
            while node in chained and node not in state:
                state[node] = True
                path.append(node)
                node = chained[node]
            if state.get(node):
                cycle = path[path.index(node):]
                cut = min(cycle, key=lambda n: (not links[n].inferred, -downloads_of(self.records.get(n)),
                                                not _states_weights(self.records.get(n)), n))
                broken.append((cut, links.pop(cut)))
                del chained[cut]
            for seen in path:
                state[seen] = False
        self._chained: dict[str, str] = chained  # for `reupload_roots`: the only links that can lead to another
        return broken

    # --- reading ---------------------------------------------------------------------------

    def link(self, model_id: str) -> Link | None:
        return self.links.get(model_id)

    def _root(self, model_id: str, follow: frozenset[str] | None, memo: dict[str, str]) -> str:
        path: list[str] = []
        current = model_id
        while current not in memo:
            link = self.links.get(current)
            if link is None or (follow is not None and link.relation not in follow):
                memo[current] = current
                break
            path.append(current)
            current = link.parent
        root = memo[current]
        for node in path:
            memo[node] = root
        return root

    def family_root(self, model_id: str) -> str:
        """The model whose weights this one carries (itself unless it is a quantization or mirror)."""
        return self._root(model_id, SAME_WEIGHTS, self._family)

    def ecosystem_root(self, model_id: str) -> str:
        """The first ancestor: the base every finetune, adapter, merge and quantization leads back to."""
        return self._root(model_id, None, self._ecosystem)

    def chain(self, model_id: str) -> list[str]:
        """The model and its ancestors, nearest first, up to the ecosystem root."""
        out = [model_id]
        while (link := self.links.get(out[-1])) is not None:
            out.append(link.parent)
        return out

    def inferred_path(self, model_id: str, *, same_weights: bool = True) -> bool:
        """Does the way to the family (or ecosystem) root rest on a link from the name rule?"""
        current = model_id
        while (link := self.links.get(current)) is not None:
            if same_weights and link.relation not in SAME_WEIGHTS:
                return False
            if link.inferred:
                return True
            current = link.parent
        return False

    def reupload_roots(self) -> dict[str, str]:
        """The family root of every record that carries another model's weights, at once.

        Every record not in it is its own root (`roots.get(id, id)`). The batch form of
        `family_root` that grouping uses: each link is followed once however many records share
        it; `inferred_members` is filled on the way.
        """
        if self._roots is not None:  # records and links never change after building
            return self._roots
        links = self.links
        climbing = dict(compress(links.items(), map(SAME_WEIGHTS.__contains__, map(_RELATION, links.values()))))
        # Most re-uploads name their root directly: their parent, and whether their own link is
        # inferred, is the answer (C-level passes). Only a re-upload of a re-upload walks further.
        roots = dict(zip(climbing, map(_PARENT, climbing.values()), strict=True))
        inferred_ids = self._inferred_ids
        inferred_ids.update(compress(climbing, map(_INFERRED, climbing.values())))
        chained = self._chained  # a re-upload of a re-upload is among the links whose parent had one
        deeper = dict.fromkeys(compress(chained, map(and_, map(climbing.__contains__, chained),
                                                     map(climbing.__contains__, chained.values()))))
        for start in list(deeper):
            if start not in deeper:
                continue  # settled on an earlier walk
            path: list[str] = []
            node = start
            while node in deeper:
                path.append(node)
                node = roots[node]
            # `node` is a root, or a re-upload whose root is settled
            root, inferred = (roots[node], node in inferred_ids) if node in climbing else (node, False)
            for item in reversed(path):
                inferred = inferred or item in inferred_ids
                roots[item] = root
                if inferred:
                    inferred_ids.add(item)
                del deeper[item]
        self._roots = roots
        return roots

    @property
    def inferred_members(self) -> set[str]:
        """Records whose way to their family root rests on a link from the name rule."""
        self.reupload_roots()
        return self._inferred_ids
