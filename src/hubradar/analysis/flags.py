"""Flags that help a reader not over-read a row: launch spikes, plumbing, re-uploads, unknown size.

Each flag is a short word in tables (with a `Flags:` legend under them) and in JSON `flags`.
The rules are deliberately simple so a reader can check them by hand; docs/methodology.md
explains each one and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from hubradar.analysis.bots import Seen, TopNames, is_jump, is_pulled, lookalike_of
from hubradar.analysis.lineage import carries_other_weights
from hubradar.core.record import ModelRecord
from hubradar.core.sizes import SizeBand

NEW_WITHIN = timedelta(days=14)
# A spike: at least half of all the likes a model ever got arrived in the trending window, while
# it is downloaded less than 1,000 times per trending point (attention far ahead of use).
SPIKE_SHARE_OF_LIKES = 0.5
SPIKE_DOWNLOADS_PER_POINT = 1000
SPIKE_MIN_SCORE = 20

UTILITY_TASKS = frozenset({
    "feature-extraction", "sentence-similarity", "text-ranking", "image-feature-extraction",
    "fill-mask", "voice-activity-detection", "token-classification", "visual-document-retrieval",
})  # fmt: skip
UTILITY_LIBRARIES = frozenset({"sentence-transformers", "tokenizers"})

LEGEND: dict[str, str] = {
    "new": "created in the last 14 days: trending may be a launch spike",
    "spike": "trending far ahead of its likes and downloads",
    "utility": "embedding/reranker/tokenizer plumbing that every retrieval stack pulls",
    "re-upload": "a quantization or mirror of another model: read its family row",
    "unknown-size": "no parameter count could be found",
    "gguf-count": "GGUF repo: the Hub counts every file request, not comparable with safetensors repos",
    "pulled": "downloads with almost no likes for its size and age: pipelines and bots pull, people like",
    "jump": "a young repo of a young org whose downloads or trending jumped since the last snapshot",
    "lookalike": "its org or name is one or two edits from a top org or model, but not it: a possible typosquat",
}
ORDER = tuple(LEGEND)


class FlagContext(NamedTuple):
    """What a flag needs beyond the record: when the listing was taken, lineage, size."""

    reference: datetime
    family_root: str | None = None
    params_known: bool = True
    # The bot flags (analysis.bots): the size band; the previous snapshot's numbers and the org's
    # oldest known creation (from history, for `jump`); the top names a lookalike imitates. Unknown:
    # not flagged.
    band: SizeBand | None = None
    seen: Seen | None = None
    org_since: datetime | None = None
    top: TopNames | None = None


def is_gguf(record: ModelRecord) -> bool:
    return "gguf" in record.tags or record.library == "gguf" or record.name.lower().endswith("gguf")


def is_spike(record: ModelRecord) -> bool:
    score = record.trending_score or 0.0
    if score < SPIKE_MIN_SCORE or record.likes is None or record.downloads is None:
        return False
    return score >= SPIKE_SHARE_OF_LIKES * record.likes and record.downloads < SPIKE_DOWNLOADS_PER_POINT * score


def is_utility(record: ModelRecord) -> bool:
    if record.task in UTILITY_TASKS or record.library in UTILITY_LIBRARIES:
        return True
    return "tokenizer" in record.name.lower()


def flags_for(record: ModelRecord, context: FlagContext) -> list[str]:
    """The flags of one row, in legend order."""
    created = record.created
    found = {
        "new": created is not None and context.reference - created <= NEW_WITHIN,
        "spike": is_spike(record),
        "utility": is_utility(record),
        # Another model's weights: by lineage, or by the repo's own name or metadata, whatever is listed.
        "re-upload": (context.family_root is not None and context.family_root != record.id)
        or carries_other_weights(record),
        "unknown-size": not context.params_known,
        "gguf-count": is_gguf(record),
        "pulled": not is_utility(record) and is_pulled(record, context.band, context.reference),
        "jump": is_jump(record, context.reference, context.seen, context.org_since),
        "lookalike": context.top is not None and lookalike_of(record, context.top, context.reference) is not None,
    }
    return [name for name in ORDER if found[name]]


def legend_line(used: Iterable[str]) -> str | None:
    """`Flags: new = …; spike = …` for the flags that appear, or None when none do."""
    used = set(used)  # may be a generator: read it once
    present = [f for f in ORDER if f in used]
    if not present:
        return None
    return "Flags: " + "; ".join(f"{f} = {LEGEND[f]}" for f in present)
