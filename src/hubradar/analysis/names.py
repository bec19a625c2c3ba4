"""The name rule: lineage for records whose metadata declares none, from their names alone.

Older or careless uploads (`unsloth/Qwen3.8-27B-GGUF` without a `base_model` tag) are linked by
stripping format and quantization markers from the end of the name (`strip_markers`) and matching
what is left to a listed model, the same org first, else the original of that name (`original_evidence`:
declared as a base, the org of the series, created first, before downloads); a re-uploader's copy
under the very same name is a mirror, and so is another org's copy of a clear original. Such links
are `inferred`; the metadata always wins (analysis/links.py). See docs/lineage.md for the rule,
examples and its blind spots.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from itertools import compress, filterfalse, repeat
from operator import itemgetter, lt, methodcaller, or_
from typing import Any, cast

from hubradar.analysis.links import Link, new_link
from hubradar.core.record import ModelRecord
from hubradar.core.time import parse_time

# Orgs that mostly republish other people's weights under the same name (converted or not): a
# marker-free name from one of these that matches a model elsewhere is a mirror of it. From the
# captures (orgs whose repos nearly all carry markers, or repackage: `Comfy-Org`, `litert-community`)
# and the orgs of the Hub's format libraries (OpenVINO, MLC); docs/lineage.md lists them.
REUPLOADERS = frozenset({
    "mlx-community", "lmstudio-community", "unsloth", "bartowski", "mradermacher", "thebloke",
    "quantfactory", "onnx-community", "xenova", "ggml-org", "second-state", "maziyarpanahi",
    "redhatai", "neuralmagic", "gaianet", "lonestriker", "turboderp", "comfy-org", "litert-community",
    "quanttrio", "cyankiwi", "openvino", "mlc-ai",
})  # fmt: skip

_REUPLOADER_ID = re.compile("(?:" + "|".join(map(re.escape, sorted(REUPLOADERS))) + ")/[^/]+$", re.IGNORECASE)

# Markers that say "these weights in another format or precision". Strong ones are enough on
# their own; weak ones (words a real model name might end with) are stripped only next to a
# strong one: `gemma-4-31B-it-qat-w4a16-ct`, `Qwen3-8B-FP8-dynamic`, but not `Fox-Dynamic`.
# The formats are those the Hub tags as libraries (huggingface.js `model-libraries.ts`: GGUF, MLX,
# ONNX, OpenVINO, Core ML, ExecuTorch, LiteRT / LiteRT-LM, TFLite, MLC, RKLLM, TensorRT,
# llamafile, ComfyUI's single files, CTranslate2) and the quantizations seen in the captures.
_STRONG = (
    r"ggufs?|ggml|awq|gptq|exl[23]|mlx|dwq|onnx|openvino|coreml|executorch|litert(?:[-_]lm)?|tflite|mlc|"
    r"rkllm|tensorrt(?:[-_]llm)?|trt(?:[-_]?llm)?|llamafile|comfy(?:ui)?|ct2|autoround|aqlm|"
    r"nvfp4|mxfp[468]|fp[468]|fp16|bf16|f16|fp32|f32|int[248]|w\d+a\d+(?:g\d+)?|nf4|bnb|hqq|eetq|"
    r"\d+(?:[._]\d+)?-?bits?|\d+(?:[._]\d+)?bpw|[id]?q\d(?:_[0-9a-z]+)*|q\df\d+(?:_\d+)?|i1|imat(?:rix)?"
)
_WEAK = (r"qat|qad|ct|dynamic|block|static|mixed|quant(?:ized)?|mtp|unsloth|ud|ov|h[468]|q|dq|kv|"
         r"g\d+|gs\d+|\d+g|affine|convrot|repackaged|compressed[-_]tensors|vllm")
_SEP = r"[-_.]"
_MARKER = rf"{_SEP}(?:{_STRONG}|{_WEAK})"
# One marker, then any more: the same as `(?:marker)+$`, but starting with the separator lets the
# regex engine skip to the separators instead of trying every position.
_TRAILING = re.compile(rf"{_MARKER}(?:{_MARKER})*$", re.IGNORECASE)
# On an ASCII name lower-cased, the case-sensitive pattern finds the same markers, faster: folding
# case is per character only for ASCII (`K`, `ſ`, `ı` fold onto ASCII letters; they are not ASCII).
_TRAILING_LOWER = re.compile(rf"{_MARKER}(?:{_MARKER})*$")
_HAS_STRONG = re.compile(rf"{_SEP}(?:{_STRONG})(?={_SEP}|$)", re.IGNORECASE)
_NAME = itemgetter(2)  # of `id.rpartition("/")`
_SPLIT_ID = methodcaller("rpartition", "/")
_PARENT = itemgetter(0)  # Link.parent


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


def downloads_of(record: ModelRecord | None) -> int:
    """A record's downloads for ranking candidates: -1 when unknown or not listed, below any count."""
    return record.downloads if record is not None and record.downloads is not None else -1


_HUB_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")  # `2026-07-28T10:45:18.000Z`
_SERIES_TOKEN = re.compile(r"[A-Za-z]+")
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


@lru_cache(maxsize=1 << 16)
def owns_series(org: str, name: str) -> bool:
    """Is `org` the org of the name's series: `Qwen` for `Qwen-Image-2.1`, `MiniMaxAI` for `MiniMax-H3`,
    `deepseek-ai` for `DeepSeek-V4`? The name's leading letters and the org's letters and digits (ASCII,
    case aside, 3 or more each) hold one another."""
    token = _SERIES_TOKEN.match(name)
    if token is None:
        return False
    series, key = token.group().lower(), _NOT_ALNUM.sub("", org).lower()
    return len(series) >= 3 and len(key) >= 3 and (series in key or key in series)


def original_evidence(candidates: list[str], records: dict[str, ModelRecord], declared: set[str]) -> list[int]:
    """How strongly each of the repos sharing one name looks like the original, 0 to 3: the
    repo others declare as their base (`declared`: the metadata's parents), the org of the name's
    series, the repo created first (of two or more known creation dates)."""
    stamps = [record.created_at if (record := records.get(c)) is not None else None for c in candidates]
    created: list[Any]  # all texts of one format, or all times
    if sum(map(bool, stamps)) < 2:  # at most one date to read: no "first"
        created = [None] * len(stamps)
    elif len(set(map(len, filter(None, stamps)))) == 1 and all(map(_HUB_TIME.fullmatch, filter(None, stamps))):
        created = list(stamps)  # one UTC format throughout (the Hub's): the text orders as the time does
    else:
        created = [parse_time(stamp) for stamp in stamps]
    known = [moment for moment in created if moment is not None]
    first = min(known) if known and min(known) < max(known) else None
    return [(c in declared) + owns_series(*c.rpartition("/")[::2]) + (first is not None and moment == first)
            for c, moment in zip(candidates, created, strict=True)]


def _clear_original(candidate: str, declared: set[str]) -> bool:
    """Evidence beyond the creation date alone: declared as a base, or the org of the series."""
    return candidate in declared or owns_series(*candidate.rpartition("/")[::2])


def name_links(unlinked: list[str], links: dict[str, Link], records: dict[str, ModelRecord]) -> dict[str, Link]:
    """Links for the `unlinked` records (no link from the metadata, which always wins), from
    their names (see `strip_markers`); `links`: the metadata's, `records`: every listed one by id."""
    names = list(map(_NAME, map(_SPLIT_ID, unlinked)))
    # Names ending in format or quantization markers: what is left names the model.
    marked: list[tuple[str, str, str, str]] = []  # id, name, stem, lower-case stem
    has_strong = _HAS_STRONG.search
    trailing = _trailing_markers(names)
    hits = compress(zip(unlinked, names, trailing, strict=True), trailing)  # the names with a match
    for model_id, name, found in cast("Iterator[tuple[str, str, re.Match[str]]]", hits):
        start = found.start()
        if start and has_strong(name, start):  # else `strip_markers` leaves the name as it is
            stem = name[:start]
            marked.append((model_id, name, stem, stem.lower()))
    # A re-uploader's copy under the very same name (no markers) is a mirror of that model; so is
    # any other org's, when another repo of that name is clearly the original (`original_evidence`).
    stripped = {model_id for model_id, *_ in marked}
    lowered_all = list(map(str.lower, map(_NAME, map(_SPLIT_ID, records))))
    counts = Counter(lowered_all)  # a name held by more than one repo is shared
    mirrors: list[tuple[str, str, str, bool]] = []  # id, lower-case org and name, a re-uploader's?
    maybe = map(or_, map(bool, map(_REUPLOADER_ID.match, unlinked)),
                map(lt, repeat(1), map(counts.__getitem__, map(str.lower, names))))
    for model_id in filterfalse(stripped.__contains__, compress(unlinked, maybe)):
        org, slash, name = model_id.rpartition("/")
        copy = _REUPLOADER_ID.match(model_id) is not None
        if copy or (slash and counts[name.lower()] > 1):
            mirrors.append((model_id, org.lower(), name.lower(), copy))
    # Lower-case name -> the listed id, or the ids in listing order when several orgs use it;
    # only for the names looked up.
    wanted = {stem for *_, stem in marked}.union(name for _, _, name, _ in mirrors)
    by_name: dict[str, str | list[str]] = {}
    for name, model_id in compress(zip(lowered_all, records, strict=True), map(wanted.__contains__, lowered_all)):
        known = by_name.get(name)
        if known is None:
            by_name[name] = model_id
        elif isinstance(known, str):
            by_name[name] = [known, model_id]
        else:
            known.append(model_id)
    metadata_parents: list[set[str]] = []  # the parents the metadata names, read when a name is shared
    evidence: dict[str, int] = {}  # of each repo of a shared name looked at

    def declared() -> set[str]:
        if not metadata_parents:
            metadata_parents.append(set(map(_PARENT, links.values())))
        return metadata_parents[0]

    def best_of(candidates: list[str]) -> str:
        """Which model a shared name points to: an original (not a re-uploader's copy), a root (not
        a derivative), the strongest `original_evidence`, the most downloaded, then the id."""
        return min(candidates, key=lambda c: (c.rpartition("/")[0].lower() in REUPLOADERS, c in links, -evidence[c],
                                              -downloads_of(records.get(c)), c))

    shared: dict[str, tuple[list[str], str]] = {}  # name -> lower-case org of each id, the best id

    def orgs_and_best(name: str, candidates: list[str]) -> tuple[list[str], str]:
        if name not in shared:
            evidence.update(zip(candidates, original_evidence(candidates, records, declared()), strict=True))
            shared[name] = ([c.rpartition("/")[0].lower() for c in candidates], best_of(candidates))
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
        return best_of(others) if others else None

    def same_org_first(name: str, org: str) -> str | None:
        """The listed model `org/name` (case-insensitive), else the best one elsewhere."""
        candidates = by_name.get(name)
        if candidates is None or isinstance(candidates, str):
            return candidates  # one model of that name: in the same org or elsewhere, it is the one
        orgs, best = orgs_and_best(name, candidates)
        return candidates[orgs.index(org)] if org in orgs else best

    found_links: dict[str, Link] = {}
    originals: dict[str, dict[str, str]] = {}  # name -> clear original -> its lower-case org

    def clear_originals(name: str) -> dict[str, str]:
        """The repos of a shared name that could be its original: roots, not a re-uploader's, with more
        than a creation date for them (`_clear_original`)."""
        if name not in originals:
            found: dict[str, str] = {}
            for candidate in by_name[name]:
                org = candidate.rpartition("/")[0].lower()
                if org not in REUPLOADERS and candidate not in links and _clear_original(candidate, declared()):
                    found[candidate] = org
            originals[name] = found
        return originals[name]

    for model_id, org, name, copy in mirrors:
        # Not a re-uploader: a mirror only of a clear original in another org, by more evidence (the
        # first test spares ranking the many shared names that have none).
        if not copy and all(other == org for other in clear_originals(name).values()):
            continue
        if (target := elsewhere(name, org)) is None:
            continue
        if not copy and (target not in clear_originals(name) or evidence[target] <= evidence[model_id]):
            continue
        found_links[model_id] = new_link(Link, (target, "mirror", True))
    unmatched: dict[str, list[str]] = {}
    for model_id, name, stem, stem_lower in marked:
        org = model_id[: len(model_id) - len(name) - 1] if len(model_id) > len(name) else ""
        target = same_org_first(stem_lower, org.lower())
        if target is not None:
            found_links[model_id] = new_link(Link, (target, "quantized", True))
        elif org:
            unmatched.setdefault(f"{org}/{stem}".lower(), []).append(model_id)
    # Re-uploads of one org sharing a stem no listed model carries (`orcarouter/X-FP8`, `-GGUF`,
    # `-MLX`): the same weights in several formats, grouped under the unlisted `org/stem`.
    for group in unmatched.values():
        if len(group) < 2:
            continue
        first = min(group, key=lambda i: (-downloads_of(records[i]), i))
        org, _, name = first.rpartition("/")
        parent = f"{org}/{strip_markers(name)}"
        for model_id in group:
            found_links[model_id] = Link(parent, "quantized", inferred=True)
    return found_links
