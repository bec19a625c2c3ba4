"""Lineage: which model a re-upload or derivative comes from.

Two sources, the first always winning:

1. The Hub's own metadata (`metadata_link`): the tags `base_model:<relation>:<org/name>` and
   `base_model:<org/name>`, then `cardData.base_model` / `base_model_relation`.
2. The name rule, for records without metadata (older or careless uploads such as
   `unsloth/Qwen3.8-27B-GGUF`): strip format and quantization markers from the end of the name
   (`strip_markers`) and match what is left to a model in the same data, the same org first. Such
   links are marked `inferred`. See docs/lineage.md for the rule, examples and its blind spots.

Interface the rest of hubradar relies on:
- `Link(parent, relation, inferred)`: one edge, child -> parent.
- `Lineage(records)`: `.link(id)`, `.family_root(id)` (follow same-weights links: quantizations
  and mirrors), `.ecosystem_root(id)` (follow every link: finetunes, adapters, merges too),
  `.chain(id)`, `.inferred_path(id)`; cycles and self-references in the metadata are broken
  when the lineage is built (`.broken`), so every walk ends. In bulk (grouping):
  `.reupload_roots()` and `.inferred_members`.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from typing import NamedTuple

from .record import _ID_RE, ModelRecord

RELATIONS = ("quantized", "finetune", "adapter", "merge")
SAME_WEIGHTS = frozenset({"quantized", "mirror"})

# Orgs that mostly republish other people's weights under the same name (converted or not):
# a marker-free name from one of these that matches a model elsewhere is a mirror of it.
REUPLOADERS = frozenset({
    "mlx-community", "lmstudio-community", "unsloth", "bartowski", "mradermacher", "thebloke",
    "quantfactory", "onnx-community", "xenova", "ggml-org", "second-state", "maziyarpanahi",
    "redhatai", "neuralmagic", "gaianet", "lonestriker", "turboderp",
})  # fmt: skip

_REUPLOADER_ID = re.compile("(?:" + "|".join(map(re.escape, sorted(REUPLOADERS))) + ")/[^/]+$", re.IGNORECASE)

# Markers that say "these weights in another format or precision". Strong ones are enough on
# their own; weak ones (words a real model name might end with) are stripped only next to a
# strong one: `gemma-4-31B-it-qat-w4a16-ct`, `Qwen3-8B-FP8-dynamic`, but not `Fox-Dynamic`.
_STRONG = (
    r"gguf|ggml|awq|gptq|exl[23]|mlx|dwq|onnx|openvino|coreml|nvfp4|mxfp[468]|fp[468]|fp16|bf16|f16|"
    r"fp32|f32|int[248]|w\d+a\d+|nf4|bnb|hqq|eetq|\d+-?bits?|\d+(?:[._]\d+)?bpw|i?q\d(?:_[0-9a-z]+)*|"
    r"i1|imat(?:rix)?"
)
_WEAK = r"qat|ct|dynamic|block|static|mixed|quant(?:ized)?|mtp|unsloth|ov|h[468]"
_SEP = r"[-_.]"
_TRAILING = re.compile(rf"(?:{_SEP}(?:{_STRONG}|{_WEAK}))+$", re.IGNORECASE)
_HAS_STRONG = re.compile(rf"{_SEP}(?:{_STRONG})(?={_SEP}|$)", re.IGNORECASE)
_ID = attrgetter("id")
_TAGS = attrgetter("tags")
_JOIN = "\x00".join
_LINEAGE_TAG = re.compile(r"(?:^|\x00)base_model:([^\x00]*)")
# Starts with a literal so the regex engine can skip ahead quickly; the match must start a tag.
_RELATION_TAG = re.compile(r"base_model:(quantized|finetune|adapter|merge):"
                           r"([A-Za-z0-9][\w.\-]*(?:/[\w.\-]+)?)(?=\x00|$)")


class Link(NamedTuple):
    """One edge, child -> parent. `inferred`: it rests on the name rule, not the Hub's metadata."""

    parent: str
    relation: str  # quantized | finetune | adapter | merge | mirror | unknown
    inferred: bool = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    Building links or groups for 100,000 records allocates a few hundred thousand tuples and
    lists; each time that crosses the collector's threshold it rescans every live object (the
    records included), which costs more than the build itself. Nothing built here forms a cycle,
    so reference counting frees it all; the collector's previous state is restored.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def strip_markers(name: str) -> str:
    """`Qwen3.6-27B-AWQ-INT4` -> `Qwen3.6-27B`; a name without trailing markers comes back as is."""
    match = _TRAILING.search(name)
    if match is None or match.start() == 0 or not _HAS_STRONG.search(match.group()):
        return name
    return name[: match.start()]


def metadata_link(record: ModelRecord) -> Link | None:
    """The parent the Hub's metadata declares: `base_model:<relation>:<id>` tags, then cardData."""
    return _metadata_link(record, "\x00".join(record.tags))


def _metadata_link(record: ModelRecord, joined: str) -> Link | None:
    """`metadata_link` on the record's tags joined by NUL (one C-level scan for the common cases)."""
    if "base_model:" not in joined and not record.card_base_models:
        return None
    own = record.id.lower()
    # The usual case, one regex search: the first `base_model:<relation>:<id>` tag, not naming itself.
    first = _RELATION_TAG.search(joined)
    if (first is not None and (first.start() == 0 or joined[first.start() - 1] == "\x00")
            and first.group(2).lower() != own):
        return Link(first.group(2), first.group(1))
    plain: str | None = None
    for rest in _LINEAGE_TAG.findall(joined):
        relation, sep, parent = rest.partition(":")
        if sep:
            if relation in RELATIONS and parent.lower() != own and _ID_RE.fullmatch(parent):
                return Link(parent, relation)
        elif plain is None and rest.lower() != own and _ID_RE.fullmatch(rest):
            plain = rest
    for base in record.card_base_models:
        if base.lower() != own and _ID_RE.fullmatch(base):
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


def _states_weights(record: ModelRecord | None) -> bool:
    """Does the repo state its own parameter count (safetensors or GGUF metadata)?"""
    return record is not None and (record.safetensors_total is not None or record.gguf_total is not None)


def _downloads(record: ModelRecord | None) -> int:
    return record.downloads if record is not None and record.downloads is not None else -1


class Lineage:
    """Parent links for a set of records (metadata first, then the name rule), with acyclic walks.

    `names=False` keeps the metadata only. Parents are resolved to the listed id when they differ
    only in case (the Hub's ids are case-insensitive); a model naming itself is no link.
    """

    def __init__(self, records: Iterable[ModelRecord], *, names: bool = True) -> None:
        with gc_paused():
            self._build(records, names)

    def _build(self, records: Iterable[ModelRecord], names: bool) -> None:
        # map/zip run these per-record steps in C; the Python loop only sees records with lineage.
        rows = list(records)
        self.records: dict[str, ModelRecord] = dict(zip(map(_ID, rows), rows, strict=True))  # a duplicate id: last wins
        self._lower: dict[str, str] | None = None  # lower-case id -> listed id, built when first needed
        self.links: dict[str, Link] = {}
        listed = list(self.records.values())
        for record, joined in zip(listed, map(_JOIN, map(_TAGS, listed)), strict=True):
            if "base_model:" in joined or record.card_base_models:
                link = _metadata_link(record, joined)
                if link is None:
                    continue
                # A listed parent spelled exactly needs no resolving (metadata_link skipped self-links).
                if link.relation == "unknown" or link.parent not in self.records:
                    link = self._resolve(record, link)
                if link is not None:
                    self.links[record.id] = link
        if names:
            self.links.update(self._name_links())
        self.broken: list[tuple[str, Link]] = self._break_cycles()
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

    def _name_links(self) -> dict[str, Link]:
        """Links for records without metadata, from their names (see `strip_markers`)."""
        links, records = self.links, self.records
        # Lower-case name -> the id, or the ids when several orgs use the name (built in C: one dict,
        # then the few shared names).
        ids = list(records)
        lowered = [model_id.rpartition("/")[2].lower() for model_id in ids]
        by_name: dict[str, str | list[str]] = dict(zip(lowered, ids, strict=True))
        if len(by_name) < len(ids):
            shared = {name for name, count in Counter(lowered).items() if count > 1}
            for name in shared:
                by_name[name] = []
            for name, model_id in zip(lowered, ids, strict=True):
                if name in shared:
                    by_name[name].append(model_id)  # type: ignore[union-attr]

        def same_org(name: str, org: str) -> str | None:
            """The listed model `org/name` (case-insensitive), if any."""
            ids = by_name.get(name)
            if ids is None:
                return None
            for candidate in (ids,) if isinstance(ids, str) else ids:
                if candidate.rpartition("/")[0].lower() == org:
                    return candidate
            return None

        def elsewhere(name: str, org: str) -> str | None:
            """The best model of that name in another org: an original, a root, the most downloaded."""
            ids = by_name.get(name)
            if ids is None:
                return None
            if isinstance(ids, str):  # one model of that name: the usual case
                return ids if ids.rpartition("/")[0].lower() != org else None
            candidates = [c for c in ids if c.rpartition("/")[0].lower() != org]
            if not candidates:
                return None
            return min(candidates, key=lambda c: (c.rpartition("/")[0].lower() in REUPLOADERS, c in links,
                                                  -_downloads(records.get(c)), c))

        found: dict[str, Link] = {}
        unmatched: dict[str, list[str]] = {}
        unlinked = [model_id for model_id in records if model_id not in links]  # metadata always wins
        names = [model_id.rpartition("/")[2] for model_id in unlinked]
        # A re-uploader's copy under the very same name (no markers) is a mirror of that model.
        for model_id in filter(_REUPLOADER_ID.match, unlinked):
            org, _, name = model_id.rpartition("/")
            if strip_markers(name) is name and (target := elsewhere(name.lower(), org.lower())) is not None:
                found[model_id] = Link(target, "mirror", inferred=True)
        # Names ending in format or quantization markers: what is left names the model, same org first.
        for model_id, name, marked in zip(unlinked, names, map(_TRAILING.search, names), strict=True):
            if marked is None or marked.start() == 0 or not _HAS_STRONG.search(marked.group()):
                continue  # `strip_markers` would leave the name as it is
            stem = name[: marked.start()]
            org = model_id[: len(model_id) - len(name) - 1] if len(model_id) > len(name) else ""
            key = f"{org}/{stem}".lower() if org else stem.lower()
            stem_lower, org_lower = stem.lower(), org.lower()
            target = same_org(stem_lower, org_lower) or elsewhere(stem_lower, org_lower)
            if target is not None:
                found[model_id] = Link(target, "quantized", inferred=True)
            elif org:
                unmatched.setdefault(key, []).append(model_id)
        # Re-uploads of one org sharing a stem no listed model carries (`orcarouter/X-FP8`, `-GGUF`,
        # `-MLX`): the same weights in several formats, grouped under the unlisted `org/stem`.
        for ids in unmatched.values():
            if len(ids) < 2:
                continue
            first = min(ids, key=lambda i: (-_downloads(records[i]), i))
            org, _, name = first.rpartition("/")
            parent = f"{org}/{strip_markers(name)}"
            for model_id in ids:
                found[model_id] = Link(parent, "quantized", inferred=True)
        return found

    def _break_cycles(self) -> list[tuple[str, Link]]:
        """Drop one link of every cycle so each walk ends; returns what was dropped.

        Each model has at most one parent, so a cycle is found by walking once. The link dropped is
        an inferred one if the cycle has any (metadata wins), else the one leaving the most
        downloaded member, which becomes the root (on a tie, one that states its own parameter
        count, like an original, then the first id).
        """
        # Only a model whose parent has a parent of its own can be on a cycle: walk just those.
        links = self.links
        chained = {child: link.parent for child, link in links.items() if link.parent in links}
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
                cut = min(cycle, key=lambda n: (not links[n].inferred, -_downloads(self.records.get(n)),
                                                not _states_weights(self.records.get(n)), n))
                broken.append((cut, links.pop(cut)))
                del chained[cut]
            for seen in path:
                state[seen] = False
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
        climbing = {child: link for child, link in self.links.items() if link.relation in SAME_WEIGHTS}
        roots: dict[str, str] = {}
        inferred_ids = self._inferred_ids
        for start in climbing:
            if start in roots:
                continue
            path: list[str] = []
            node = start
            while True:
                root = roots.get(node)
                if root is not None:
                    inferred = node in inferred_ids
                    break
                link = climbing.get(node)
                if link is None:  # a root: an original, an unlisted parent, or a finetune etc.
                    root, inferred = node, False
                    break
                path.append(node)
                node = link.parent
            for item in reversed(path):
                inferred = inferred or climbing[item].inferred
                roots[item] = root
                if inferred:
                    inferred_ids.add(item)
        self._roots = roots
        return roots

    @property
    def inferred_members(self) -> set[str]:
        """Records whose way to their family root rests on a link from the name rule."""
        self.reupload_roots()
        return self._inferred_ids
