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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import compress, filterfalse, tee
from operator import and_, attrgetter, itemgetter, methodcaller
from typing import NamedTuple

from hubradar.core.record import MODEL_ID_RE, ModelRecord

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
_MARKER = rf"{_SEP}(?:{_STRONG}|{_WEAK})"
# One marker, then any more: the same as `(?:marker)+$`, but starting with the separator lets the
# regex engine skip to the separators instead of trying every position.
_TRAILING = re.compile(rf"{_MARKER}(?:{_MARKER})*$", re.IGNORECASE)
# On an ASCII name lower-cased, the case-sensitive pattern finds the same markers, faster: folding
# case is per character only for ASCII (`K`, `ſ`, `ı` fold onto ASCII letters; they are not ASCII).
_TRAILING_LOWER = re.compile(rf"{_MARKER}(?:{_MARKER})*$")
_HAS_STRONG = re.compile(rf"{_SEP}(?:{_STRONG})(?={_SEP}|$)", re.IGNORECASE)
_ID = attrgetter("id")
_TAGS = attrgetter("tags")
_CARDS = attrgetter("card_base_models")
_PARENT = itemgetter(0)  # Link.parent
_RELATION = itemgetter(1)  # Link.relation
_INFERRED = itemgetter(2)  # Link.inferred
_NAME = itemgetter(2)  # of `id.rpartition("/")`
_SPLIT_ID = methodcaller("rpartition", "/")
_RELATION_BY_INITIAL = {relation[0]: relation for relation in RELATIONS}  # the four start differently
_new_link = tuple.__new__  # Link(...) without the Python-level __new__ of a NamedTuple
_JOIN = "\x00".join
_LINEAGE_TAG = re.compile(r"(?:^|\x00)base_model:([^\x00]*)")
# Starts with a literal so the regex engine can skip ahead quickly; the match must start a tag.
# The id is `MODEL_ID_RE`; listing ASCII letters and digits beside \w (the same set) lets the engine
# test them in a table before it asks Unicode about \w.
_RELATION_TAG = re.compile(r"base_model:(quantized|finetune|adapter|merge):"
                           r"([A-Za-z0-9][A-Za-z0-9_.\-\w]*(?:/[A-Za-z0-9_.\-\w]+)?)(?=\x00|$)")


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


def _trailing_markers(names: list[str]) -> list[re.Match[str] | None]:
    """`_TRAILING.search` of each name (the spans are the same; the text is lower-cased if ASCII)."""
    if all(map(str.isascii, names)):
        return list(map(_TRAILING_LOWER.search, map(str.lower, names)))
    return list(map(_TRAILING.search, names))


def strip_markers(name: str) -> str:
    """`Qwen3.6-27B-AWQ-INT4` -> `Qwen3.6-27B`; a name without trailing markers comes back as is."""
    match = _TRAILING_LOWER.search(name.lower()) if name.isascii() else _TRAILING.search(name)
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
        rows = list(records)
        listed_by_id = dict(zip(map(_ID, rows), rows, strict=True))  # a duplicate id: last wins
        self.records: dict[str, ModelRecord] = listed_by_id
        self._lower: dict[str, str] | None = None  # lower-case id -> listed id, built when first needed
        self.links: dict[str, Link] = {}
        listed = rows if len(listed_by_id) == len(rows) else list(listed_by_id.values())
        links, search, resolve = self.links, _RELATION_TAG.search, self._resolve
        unlinked: list[str] = []  # what the metadata leaves without a parent, in listing order
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
                    link = _new_link(Link, (parent, _RELATION_BY_INITIAL[tags[start + 11]], False))
                    # A listed parent spelled exactly needs no resolving.
                    if parent in listed_by_id or (link := resolve(record, link)) is not None:
                        links[model_id] = link
                    else:
                        unlinked.append(model_id)
                    continue
            link = _metadata_link(record, tags)
            if link is not None and (link.relation == "unknown" or link.parent not in listed_by_id):
                link = resolve(record, link)
            if link is not None:
                links[model_id] = link
            else:
                unlinked.append(model_id)
        if names:
            links.update(self._name_links(unlinked))
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

    def _name_links(self, unlinked: list[str]) -> dict[str, Link]:
        """Links for the `unlinked` records (no link from the metadata, which always wins), from
        their names (see `strip_markers`)."""
        links, records = self.links, self.records
        names = list(map(_NAME, map(_SPLIT_ID, unlinked)))
        # Names ending in format or quantization markers: what is left names the model.
        marked: list[tuple[str, str, str, str]] = []  # id, name, stem, lower-case stem
        has_strong = _HAS_STRONG.search
        trailing = _trailing_markers(names)
        for model_id, name, found in compress(zip(unlinked, names, trailing, strict=True), trailing):
            start = found.start()
            if start and has_strong(name, start):  # else `strip_markers` leaves the name as it is
                stem = name[:start]
                marked.append((model_id, name, stem, stem.lower()))
        # A re-uploader's copy under the very same name (no markers) is a mirror of that model.
        stripped = {model_id for model_id, *_ in marked}
        mirrors = [(model_id, *map(str.lower, model_id.rpartition("/")[::2]))
                   for model_id in filter(_REUPLOADER_ID.match, filterfalse(stripped.__contains__, unlinked))]
        # Lower-case name -> the listed id, or the ids in listing order when several orgs use it;
        # only for the names looked up (lower-casing every name is one C-level pass).
        wanted = {stem for *_, stem in marked}.union(name for _, _, name in mirrors)
        lowered, looked_up = tee(map(str.lower, map(_NAME, map(_SPLIT_ID, records))))  # one stream, read twice
        by_name: dict[str, str | list[str]] = {}
        for name, model_id in compress(zip(lowered, records, strict=True), map(wanted.__contains__, looked_up)):
            known = by_name.get(name)
            if known is None:
                by_name[name] = model_id
            elif isinstance(known, str):
                by_name[name] = [known, model_id]
            else:
                known.append(model_id)

        def rank(candidate: str) -> tuple[bool, bool, int, str]:
            """Which model a shared name points to: an original, a root, the most downloaded."""
            return (candidate.rpartition("/")[0].lower() in REUPLOADERS, candidate in links,
                    -_downloads(records.get(candidate)), candidate)

        shared: dict[str, tuple[list[str], str]] = {}  # name -> lower-case org of each id, the best id

        def orgs_and_best(name: str, candidates: list[str]) -> tuple[list[str], str]:
            if name not in shared:
                shared[name] = ([c.rpartition("/")[0].lower() for c in candidates], min(candidates, key=rank))
            return shared[name]

        def elsewhere(name: str, org: str) -> str | None:
            """The best model of that name in another org."""
            candidates = by_name.get(name)
            if candidates is None:
                return None
            if isinstance(candidates, str):  # one model of that name: the usual case
                return candidates if candidates.rpartition("/")[0].lower() != org else None
            orgs, best = orgs_and_best(name, candidates)
            if orgs[candidates.index(best)] != org:
                return best
            others = [c for c, o in zip(candidates, orgs, strict=True) if o != org]
            return min(others, key=rank) if others else None

        def same_org_first(name: str, org: str) -> str | None:
            """The listed model `org/name` (case-insensitive), else the best one elsewhere."""
            candidates = by_name.get(name)
            if candidates is None or isinstance(candidates, str):
                return candidates  # one model of that name: in the same org or elsewhere, it is the one
            orgs, best = orgs_and_best(name, candidates)
            return candidates[orgs.index(org)] if org in orgs else best

        found_links: dict[str, Link] = {}
        for model_id, org, name in mirrors:
            if (target := elsewhere(name, org)) is not None:
                found_links[model_id] = _new_link(Link, (target, "mirror", True))
        unmatched: dict[str, list[str]] = {}
        for model_id, name, stem, stem_lower in marked:
            org = model_id[: len(model_id) - len(name) - 1] if len(model_id) > len(name) else ""
            target = same_org_first(stem_lower, org.lower())
            if target is not None:
                found_links[model_id] = _new_link(Link, (target, "quantized", True))
            elif org:
                unmatched.setdefault(f"{org}/{stem}".lower(), []).append(model_id)
        # Re-uploads of one org sharing a stem no listed model carries (`orcarouter/X-FP8`, `-GGUF`,
        # `-MLX`): the same weights in several formats, grouped under the unlisted `org/stem`.
        for group in unmatched.values():
            if len(group) < 2:
                continue
            first = min(group, key=lambda i: (-_downloads(records[i]), i))
            org, _, name = first.rpartition("/")
            parent = f"{org}/{strip_markers(name)}"
            for model_id in group:
                found_links[model_id] = Link(parent, "quantized", inferred=True)
        return found_links

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
                cut = min(cycle, key=lambda n: (not links[n].inferred, -_downloads(self.records.get(n)),
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
