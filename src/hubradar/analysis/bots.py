"""The manipulation and bot flags: `pulled`, `jump`, `lookalike` (rules in docs/methodology.md).

- `pulled`: downloads with almost no likes for the model's size band and age. Pipelines and bots
  pull; people like. Likes accrue over a model's life while `downloads` is 30 days, so the number
  read is downloads per like per month of age; the thresholds are each band's 95th percentile over
  the 15 daily captures of 2026-08-07..21 (tests/test_bots.py measures the rate they flag).
- `jump`: a young repo of a young org whose downloads or trending score jumped between two snapshots
  (the previous one is read from history by the app: `Seen`).
- `lookalike`: an org or model name one or two edits from a top org or model but not it, on a
  young repo (typosquats are removed within days: in May 2026 one logged about 244K downloads in 36
  hours before removal).

Pure functions; `analysis.flags` calls them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from hubradar.core.record import ModelRecord
from hubradar.core.sizes import SizeBand

# --- pulled ---------------------------------------------------------------------------------------
PULLED_MIN_DOWNLOADS = 100_000  # below this, a missing like says nothing
# Downloads per like per month of age (ages under a month count as one), each band's 95th percentile
# over the captures (non-utility rows), rounded. None: size unknown.
PULLED_PER_LIKE_MONTH: dict[SizeBand | None, int] = {
    SizeBand.tiny: 200_000,  # tiny test models and converters reach 10^5: only the far tail is odd
    SizeBand.small: 3_000,
    SizeBand.medium: 8_000,
    SizeBand.large: 700,
    None: 10_000,
}

# --- jump -----------------------------------------------------------------------------------------
YOUNG_REPO = timedelta(days=30)
YOUNG_ORG = timedelta(days=90)  # the org's oldest model hubradar knows of is younger than this
JUMP_RATIO = 5.0  # downloads or trending at least this many times the previous snapshot's
JUMP_MIN_DOWNLOADS = 50_000  # ... and up by at least this many downloads
JUMP_MIN_TRENDING = 20.0  # ... or to a trending score of at least this
JUMP_MIN_GAP = timedelta(hours=12)  # the previous snapshot is at least this much older

# --- lookalike ------------------------------------------------------------------------------------
LOOKALIKE_YOUNG = timedelta(days=90)
LOOKALIKE_MIN_LENGTH = 4  # shorter names are one edit from too much
LOOKALIKE_TWO_EDITS_FROM = 8  # two edits allowed from this length, one below it
TOP_ORG_COUNT = 50
TOP_MODEL_COUNT = 100
TOP_TRENDING_COUNT = 30
# The 50 orgs with the most downloads in the capture of 2026-08-21 (tests/fixtures/hub): a listing
# of a few rows still knows the names a typosquat copies. The listing's own top orgs are added.
TOP_ORGS = frozenset(o.lower() for o in (
    "sentence-transformers", "Qwen", "BAAI", "google-bert", "google", "cross-encoder", "openai", "facebook",
    "FacebookAI", "Comfy-Org", "amazon", "pyannote", "lpiccinelli", "intfloat", "meta-llama", "unsloth",
    "google-t5", "nvidia", "microsoft", "timm", "autogluon", "deepseek-ai", "jonatasgrosman", "nomic-ai",
    "trl-internal-testing", "distilbert", "ornith-ai", "laion", "openai-community", "hexgrad", "zai-org",
    "argmaxinc", "Bingsu", "mistralai", "coqui", "farbodtavakkoli", "ibm-granite", "MiniMaxAI",
    "HuggingFaceTB", "answerdotai", "HauhauCS", "cyankiwi", "Xenova", "moonshotai", "ProsusAI", "dphn",
    "datasocietyco", "Falconsai", "docling-project", "prism-ml",
))  # fmt: skip
_NUMBER = re.compile(r"\d+(?:[._]\d+)*")  # 3, 3.8, 1_6: a version or a size


def months_of_age(record: ModelRecord, reference: datetime) -> float | None:
    created = record.created
    if created is None:
        return None
    return max(1.0, (reference - created).total_seconds() / (30 * 86400))


def downloads_per_like_month(record: ModelRecord, reference: datetime) -> float | None:
    """30-day downloads per like per month of age (likes 0 count as 1); None when unknown."""
    months = months_of_age(record, reference)
    if months is None or record.downloads is None or record.likes is None:
        return None
    return record.downloads / max(record.likes, 1) / months


def is_pulled(record: ModelRecord, band: SizeBand | None, reference: datetime) -> bool:
    ratio = downloads_per_like_month(record, reference)
    if ratio is None or (record.downloads or 0) < PULLED_MIN_DOWNLOADS:
        return False
    return ratio >= PULLED_PER_LIKE_MONTH[band]


class Seen(NamedTuple):
    """A model in an earlier snapshot (from history): when, and its moving numbers then."""

    at: datetime
    downloads: int | None
    trending_score: float | None


def is_young(record: ModelRecord, reference: datetime, within: timedelta) -> bool:
    created = record.created
    return created is not None and reference - created <= within


def jumped(record: ModelRecord, before: Seen) -> bool:
    """Downloads or trending at least `JUMP_RATIO` times the earlier snapshot's (and by enough)."""
    now_dl, then_dl = record.downloads, before.downloads
    if now_dl is not None and then_dl is not None and now_dl - then_dl >= JUMP_MIN_DOWNLOADS \
            and now_dl >= JUMP_RATIO * max(then_dl, 1):
        return True
    now_tr, then_tr = record.trending_score, before.trending_score
    return now_tr is not None and then_tr is not None and now_tr >= JUMP_MIN_TRENDING \
        and now_tr >= JUMP_RATIO * max(then_tr, 1.0)


def is_jump(record: ModelRecord, reference: datetime, before: Seen | None, org_since: datetime | None) -> bool:
    """A young repo of a young org (`org_since`: its oldest known model's creation) that jumped."""
    if before is None or org_since is None or reference - before.at < JUMP_MIN_GAP:
        return False
    return (is_young(record, reference, YOUNG_REPO) and reference - org_since <= YOUNG_ORG
            and jumped(record, before))


def edits(a: str, b: str, most: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours is one edit), or `most + 1` when larger."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > most:
            return most + 1
        prev2, prev = prev, row
    return min(prev[-1], most + 1)


def near(a: str, b: str) -> bool:
    """One or two edits apart (one for short names), not equal, and not only a different number."""
    shorter = min(len(a), len(b))
    most = 2 if shorter >= LOOKALIKE_TWO_EDITS_FROM else 1
    if a == b or shorter < LOOKALIKE_MIN_LENGTH or abs(len(a) - len(b)) > most or edits(a, b, most) > most:
        return False
    return _NUMBER.sub("#", a) != _NUMBER.sub("#", b)  # Qwen3-8B, Qwen3.8-14B: a size or version, not a typo


class TopNames(NamedTuple):
    """What a lookalike imitates: top orgs, and the top models' names (lower case) with their orgs."""

    orgs: frozenset[str]
    models: dict[str, frozenset[str]]  # name -> the orgs publishing it among the top models


def top_names(pool: Iterable[ModelRecord], reference: datetime) -> TopNames:
    """The pool's top orgs by summed downloads (with `TOP_ORGS`), and its most downloaded and trending models.

    An org whose every model in the pool is young is no top org: a typosquat's own org is not made one by
    the downloads it draws (a short listing of trending models is mostly young repos).
    """
    records = list(pool)
    by_org: Counter[str] = Counter()
    established: set[str] = set()
    for r in records:
        by_org[r.org.lower()] += r.downloads or 0
        if r.created is not None and not is_young(r, reference, LOOKALIKE_YOUNG):
            established.add(r.org.lower())
    orgs = TOP_ORGS | {o for o, n in by_org.most_common(TOP_ORG_COUNT) if n > 0 and o in established}
    top = sorted(records, key=lambda r: -(r.downloads or 0))[:TOP_MODEL_COUNT]
    top += sorted(records, key=lambda r: -(r.trending_score or 0))[:TOP_TRENDING_COUNT]
    models: dict[str, set[str]] = {}
    for r in top:
        models.setdefault(r.name.lower(), set()).add(r.org.lower())
    return TopNames(frozenset(orgs), {k: frozenset(v) for k, v in models.items()})


def lookalike_of(record: ModelRecord, top: TopNames, reference: datetime) -> str | None:
    """The top org or model a young repo's name imitates, or None."""
    if not is_young(record, reference, LOOKALIKE_YOUNG):
        return None
    org, name = record.org.lower(), record.name.lower()
    if org in top.orgs:  # a top org does not typosquat
        return None
    for other in sorted(top.orgs):
        if near(org, other):
            return other
    if top.models.get(name, frozenset()) - {org}:  # the name of another org's top model: a re-upload
        return None
    for other in sorted(top.models):
        if org not in top.models[other] and near(name, other):
            return other
    return None
