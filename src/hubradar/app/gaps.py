"""gaps: where a team's measured quality and the Hub's adoption disagree.

Each row of a score sheet (`scores.read_scores`) is matched to a Hub model, its adoption is its
family's 30-day downloads, and both are turned into percentiles among the matched rows. The
label follows the two percentiles: `opportunity` (measured at or above the median, adopted
below it), `warning` (the reverse), `consensus` (both at or above), `neither`; with a count of
tasks, a pass rate whose 95% Wilson interval includes the median score is `uncertain` instead of
an opportunity or a warning. docs/methodology.md ("Gaps") explains every rule.

Library use:

    from hubradar.app.gaps import find_gaps
    from hubradar.app.options import FetchOptions
    from hubradar.analysis.scores import read_scores
    report = find_gaps(read_scores(Path("bench.csv")), FetchOptions())
"""

from __future__ import annotations

import difflib
import math
import re
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hubradar.analysis.lineage import Lineage
from hubradar.analysis.scores import ScoreRow, ScoreSheet
from hubradar.analysis.signals import adoption_value, sum_known
from hubradar.analysis.sizes import SizeEstimator
from hubradar.app.listing import get_listing
from hubradar.app.lookups import Lookups, lookup_models, with_derivatives
from hubradar.app.options import FetchOptions
from hubradar.core.errors import UsageError
from hubradar.core.listing import Listing
from hubradar.core.query import ListingQuery
from hubradar.core.record import ModelRecord, hub_id_of, plain_name
from hubradar.core.sizes import SizeFilter
from hubradar.core.time import to_iso
from hubradar.core.units import human_count, human_params
from hubradar.core.vocabulary import ADOPTION_KINDS
from hubradar.views.chart import Point, Quadrants, ScatterPlot
from hubradar.views.view import Column, View

POOL_DEPTH = 1000  # the adoption listing: this many most-downloaded models, one request
# What adoption means (`--adoption`), in the words the output uses.
ADOPTION_WORDS = {
    "downloads": "the family's downloads over the last 30 days",
    "derivatives": "the family's derivatives (models declaring a member as their base)",
    "providers": "the inference providers serving a family member live",
}
ROOT_ROUNDS = 3  # how many times a family base outside the listing is looked up in turn
Z95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval

OPPORTUNITY, WARNING, CONSENSUS, NEITHER, UNCERTAIN, UNKNOWN = (
    "opportunity", "warning", "consensus", "neither", "uncertain", "unknown")  # fmt: skip
LABEL_STYLES = {OPPORTUNITY: "bold green", WARNING: "bold red", UNCERTAIN: "yellow", NEITHER: "dim"}

_WORD_SPLIT_RE = re.compile(r"[\s_\-/]+")
SUGGEST_CUTOFF = 0.6


# --- statistics -----------------------------------------------------------------------------


def percentile_ranks(values: Sequence[float]) -> list[float]:
    """The midrank percentile of each value among `values`: 100 × (below + ½ × equal) / N.

    50 is the median; ties share the mean of the ranks they span, so the percentiles of any
    list average exactly 50 and no order of equal values is invented.
    """
    ordered = sorted(values)
    total = len(ordered)
    out = []
    for value in values:
        below = bisect_left(ordered, value)
        equal = bisect_right(ordered, value) - below
        out.append(100.0 * (2 * below + equal) / (2 * total))
    return out


def wilson(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a pass rate `p` measured on `n` tasks (95% by default).

    Unlike p ± z·sqrt(p(1-p)/n) it stays inside 0–1 and does not collapse to a point at 0% or
    100%, which matters for the small task counts teams actually run.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(max(0.0, p * (1 - p) / n + z2 / (4 * n * n))) / denominator
    # the interval always contains p; min/max only absorb rounding (0 of n gives exactly 0)
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def label_for(quality_pct: float, adoption_pct: float | None, interval: tuple[float, float] | None = None,
              median_score: float | None = None) -> str:
    """opportunity / warning / consensus / neither, or uncertain when the interval includes the median."""
    if adoption_pct is None:
        return UNKNOWN
    good, adopted = quality_pct >= 50, adoption_pct >= 50
    if good == adopted:
        return CONSENSUS if good else NEITHER
    if interval is not None and median_score is not None and interval[0] <= median_score <= interval[1]:
        return UNCERTAIN
    return OPPORTUNITY if good else WARNING


# --- matching -------------------------------------------------------------------------------


def _words(name: str) -> list[str]:
    return [w for w in _WORD_SPLIT_RE.split(name.lower()) if w]


@dataclass(frozen=True, slots=True)
class Found:
    record: ModelRecord
    how: str  # exact | renamed | org--name | name


@dataclass(frozen=True, slots=True)
class Ambiguous:
    name: str
    candidates: tuple[str, ...]


class ModelIndex:
    """Hub models by id and by bare name (case-insensitive), with ids answered by lookups."""

    def __init__(self, records: Iterable[ModelRecord], lineage: Lineage,
                 aliases: dict[str, ModelRecord] | None = None) -> None:
        self.lineage = lineage
        self.by_id: dict[str, ModelRecord] = {}
        self.by_name: dict[str, list[ModelRecord]] = {}
        for record in records:
            self.by_id[record.id.lower()] = record
            self.by_name.setdefault(record.name.lower(), []).append(record)
        self.aliases = {k.lower(): v for k, v in (aliases or {}).items()}
        self._search: _NameSearch | None = None

    def _by_id(self, model_id: str, how: str) -> Found | None:
        key = model_id.lower()
        if key in self.by_id:
            return Found(self.by_id[key], how)
        record = self.aliases.get(key)
        if record is not None:  # a lookup answered for this id under another name: a renamed repo
            return Found(record, how if record.id.lower() == key else "renamed")
        return None

    def find(self, text: str) -> Found | Ambiguous | None:
        """The exact id, then `org--name`, then a bare name one model (or one family) has."""
        name = plain_name(text)
        if not name:
            return None
        found = self._by_id(name, "exact")
        if found is None and "/" not in name and "--" in name:
            found = self._by_id(name.removeprefix("models--").replace("--", "/", 1), "org--name")
        if found is not None or "/" in name:
            return found
        candidates = self.by_name.get(name.lower(), [])
        if len(candidates) == 1:
            return Found(candidates[0], "name")
        if not candidates:
            return None
        roots = {self.lineage.family_root(c.id) for c in candidates}
        if len(roots) == 1:  # a base and its own re-uploads share the name: one family has it
            root = roots.pop()
            return Found(next((c for c in candidates if c.id == root), candidates[0]), "name")
        return Ambiguous(name, tuple(sorted(c.id for c in candidates)))

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """The closest Hub ids to a name that matched nothing.

        Names are compared with their separators made alike (`Llama 3.3 70B` ~ `Llama-3.3-70B`).
        A Hub name holding every word of the row's name ranks first, then difflib's similarity
        (at least 0.6), then downloads. Only the names sharing the most letter triples with the
        row are compared with difflib, which keeps a sheet of 100 unknown names fast.
        """
        words = _words(plain_name(text).rsplit("/", 1)[-1])
        if not words:
            return []
        if self._search is None:
            self._search = _NameSearch(self.by_name)
        scored: dict[str, tuple[bool, float]] = {}
        for name, contains, ratio in self._search.closest(words):
            for record in self.by_name[name]:
                scored[record.id] = (contains, ratio)
        ranked = sorted(scored, key=lambda i: (not scored[i][0], -scored[i][1],
                                               -(self.by_id[i.lower()].downloads or 0), i))
        return ranked[:limit]


class _NameSearch:
    """Hub names by word and by letter triple, so a suggestion compares a few names, not all."""

    CANDIDATES = 24

    def __init__(self, names: Iterable[str]) -> None:
        self.normal: dict[str, str] = {}
        self.by_word: dict[str, set[str]] = {}
        self.by_gram: dict[str, set[str]] = {}
        for name in names:
            words = _words(name)
            self.normal[name] = normal = "-".join(words)
            for word in words:
                self.by_word.setdefault(word, set()).add(name)
            for gram in _grams(normal):
                self.by_gram.setdefault(gram, set()).add(name)

    def closest(self, words: list[str]) -> list[tuple[str, bool, float]]:
        """(name, holds every word, difflib ratio) for the likely names at or above the cutoff."""
        wanted = "-".join(words)
        holding = set.intersection(*(self.by_word.get(w, set()) for w in words))
        shared: Counter[str] = Counter()
        for gram in _grams(wanted):
            shared.update(self.by_gram.get(gram, ()))
        candidates = holding | {name for name, _ in shared.most_common(self.CANDIDATES)}
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(wanted)
        out = []
        for name in candidates:
            matcher.set_seq1(self.normal[name])
            ratio = matcher.ratio()
            if name in holding or ratio >= SUGGEST_CUTOFF:
                out.append((name, name in holding, ratio))
        return out


def _grams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


# --- the report -----------------------------------------------------------------------------


@dataclass
class Unmatched:
    """A row that did not end in the comparison, and why."""

    row: ScoreRow
    reason: str
    suggestions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.row.line, "model": self.row.model, "score": self.row.score,
                "reason": self.reason, "suggestions": self.suggestions}


@dataclass
class GapRow:
    """One matched row: the measurement, the family's adoption, both percentiles and the label."""

    row: ScoreRow
    id: str  # the family base whose adoption counts
    named: str  # the Hub model the row names
    match: str  # exact | renamed | org--name | name | reupload
    downloads: int | None
    adoption: int | None  # the value the adoption percentile is taken over (downloads by default)
    own_downloads: int | None
    family_size: int
    likes: int | None
    trending_score: float | None
    task: str | None
    interval: tuple[float, float] | None = None
    quality_pct: float = 50.0
    adoption_pct: float | None = None
    label: str = UNKNOWN

    @property
    def gap(self) -> float | None:
        return None if self.adoption_pct is None else self.quality_pct - self.adoption_pct

    def to_dict(self) -> dict[str, Any]:
        def one(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {
            "model": self.row.model,
            "id": self.id,
            "match": self.match,
            "score": self.row.score,
            "quality_pct": one(self.quality_pct),
            "downloads": self.downloads,
            "adoption": self.adoption,
            "adoption_pct": one(self.adoption_pct),
            "label": self.label,
            "gap": one(self.gap),
            "named": self.named,
            "n": self.row.n,
            "interval": [round(v, 4) for v in self.interval] if self.interval else None,
            "cost": self.row.cost,
            "likes": self.likes,
            "trending_score": self.trending_score,
            "own_downloads": self.own_downloads,
            "family_size": self.family_size,
            "task": self.task,
            "line": self.row.line,
        }


@dataclass
class GapReport:
    sheet: ScoreSheet
    rows: list[GapRow]
    unmatched: list[Unmatched]
    listing: Listing
    lookups: Lookups
    task: str | None = None
    kind: str = "downloads"  # what adoption means: downloads | derivatives | providers
    median_score: float | None = None
    median_adoption: float | None = None
    notices: list[str] = field(default_factory=list)


def _reason_unfound(row: ScoreRow, lookups: Lookups) -> str:
    """Why a row matched nothing, in few words (the table shortens longer text)."""
    model_id = hub_id_of(row.model)
    if model_id is None:  # a bare name is only matched within the listing and the models looked up
        return "no listed model of this name"
    if model_id in lookups.missing:
        return "not on the Hub (404)"
    if model_id in lookups.failed:
        return f"not looked up ({lookups.why or 'see notice'})"
    return "no Hub model has this id"


class _Known:
    """The records known so far (the listing, then lookups) and the index and lineage over them."""

    def __init__(self, records: Iterable[ModelRecord], online: bool = True) -> None:
        self.online = online  # False when the listing was a fallback: lookups would fail the same way
        self.records: dict[str, ModelRecord] = {r.id: r for r in records}
        self.aliases: dict[str, ModelRecord] = {}
        self.lookups = Lookups()
        self.asked: set[str] = set()
        self.rebuild()

    def rebuild(self) -> None:
        self.lineage = Lineage(self.records.values())
        self.index = ModelIndex(self.records.values(), self.lineage, self.aliases)

    def look_up(self, ids: Iterable[str], options: FetchOptions) -> None:
        wanted = [i for i in dict.fromkeys(ids) if i not in self.asked]
        if not wanted:
            return
        self.asked.update(wanted)
        got = lookup_models(wanted, options, online=self.online)
        for asked, record in got.found.items():
            self.aliases[asked] = record
            self.records.setdefault(record.id, record)
        total = self.lookups
        total.found.update(got.found)
        total.missing |= got.missing
        total.failed |= got.failed
        total.fetched += got.fetched
        total.cached += got.cached
        total.failure = total.failure or got.failure
        total.why = total.why or got.why
        self.rebuild()


def _resolve(known: _Known, rows: Sequence[ScoreRow], options: FetchOptions) -> dict[int, Found | Ambiguous | None]:
    """Match every row, looking up ids outside the listing, then family bases outside it."""
    found = {row.line: known.index.find(row.model) for row in rows}
    known.look_up((hub_id_of(r.model) for r in rows if found[r.line] is None and hub_id_of(r.model)), options)
    found = {row.line: known.index.find(row.model) for row in rows}
    for _ in range(ROOT_ROUNDS):
        roots = {known.lineage.family_root(f.record.id) for f in found.values() if isinstance(f, Found)}
        missing = sorted(r for r in roots if r not in known.records)
        if not missing or all(m in known.asked for m in missing):
            break
        known.look_up(missing, options)
        found = {row.line: known.index.find(row.model) for row in rows}
    return found


def _task_mismatch(record: ModelRecord, task: str | None) -> bool:
    """True when the model's task is known and is not the one asked for (unknown is kept)."""
    return bool(task) and record.task is not None and record.task != task and task not in record.tags


def _check_repeats(sheet: ScoreSheet, matched: list[tuple[ScoreRow, Found]], notify: Callable[[str], None]
                   ) -> list[tuple[ScoreRow, Found]]:
    """Two rows naming the same Hub model: an error with different scores, counted once otherwise."""
    first: dict[str, ScoreRow] = {}
    kept = []
    column = sheet.column_index(sheet.score_col)
    for row, hit in matched:
        earlier = first.get(hit.record.id)
        if earlier is None:
            first[hit.record.id] = row
            kept.append((row, hit))
        elif not math.isclose(earlier.score, row.score, abs_tol=1e-12):
            raise UsageError(
                f"{sheet.path}, line {row.line}, column {column} ({sheet.score_col}): {row.model} is "
                f"{hit.record.id}, already scored {earlier.raw_score} on line {earlier.line} ({earlier.model}); "
                "keep one row per model"
            )
        else:
            notify(f"line {row.line} ({row.model}) is {hit.record.id} again, with the same score: counted once")
    return kept


def find_gaps(sheet: ScoreSheet, options: FetchOptions, *, task: str | None = None,
              adoption: str = "downloads", sizes: SizeFilter | None = None) -> GapReport:
    """Match the sheet to the Hub, measure each family's adoption, and label every matched row.

    `adoption` is what adoption means: 30-day downloads (the default), derivatives (models built on
    the family, looked up per member) or live inference providers. `sizes` keeps the rows whose
    family base is of the sizes asked for; the others are listed as not compared, with their size.
    """
    if adoption not in ADOPTION_KINDS:
        raise ValueError(f"unknown adoption kind {adoption!r}; expected one of {', '.join(ADOPTION_KINDS)}")
    notify = options.notify
    for line, earlier in sheet.repeats:
        notify(f"line {line} repeats line {earlier} (same model, same score): counted once")
    listing = get_listing(ListingQuery(sort="downloads", task=task), options, depth=POOL_DEPTH)
    known = _Known(listing.pool, online=not listing.fell_back)
    found = _resolve(known, sheet.rows, options)

    matched: list[tuple[ScoreRow, Found]] = []
    unmatched: list[Unmatched] = []
    sized = SizeEstimator(known.records.values(), known.lineage) if sizes is not None else None
    for row in sheet.rows:
        hit = found[row.line]
        if isinstance(hit, Found):
            base = known.records.get(known.lineage.family_root(hit.record.id), hit.record)
            size = sized(base) if sized is not None else None
            if _task_mismatch(base, task):
                unmatched.append(Unmatched(row, f"task {base.task}, not {task}", []))
            elif sizes is not None and size is not None and not sizes.accepts(size):
                why = (f"size {human_params(size.params)}, outside {sizes.describe()}" if size.params is not None
                       else "size unknown; --include-unknown keeps it")
                unmatched.append(Unmatched(row, why, []))
            else:
                matched.append((row, hit))
        elif isinstance(hit, Ambiguous):
            unmatched.append(Unmatched(row, f"{len(hit.candidates)} Hub models have this name", list(hit.candidates)))
        else:
            unmatched.append(Unmatched(row, _reason_unfound(row, known.lookups), known.index.suggest(row.model)))
    matched = _check_repeats(sheet, matched, notify)
    rows = _adoption(known, matched, adoption, options)
    report = GapReport(sheet, rows, unmatched, listing, known.lookups, task, adoption)
    _label(report)
    report.rows.sort(key=lambda g: (g.gap is None, -(g.gap or 0.0), -g.quality_pct, g.row.line))
    if known.lookups.failed:
        why = known.lookups.failure or "unknown reason"
        failed = sorted(known.lookups.failed)
        models = "model" if len(failed) == 1 else "models"
        report.notices.append(f"could not look up {len(failed)} {models} outside the listing ({why}): "
                              + ", ".join(failed[:5]) + (" …" if len(failed) > 5 else ""))
    return report


def family_adoption(members: Sequence[ModelRecord], kind: str) -> int | None:
    """A family's adoption: summed downloads or derivatives; distinct live providers. None if unknown."""
    if kind == "providers":
        served = [m.live_providers for m in members if m.live_providers is not None]
        return len(set().union(*served)) if served else None
    return sum_known(adoption_value(m, kind) for m in members)


def _adoption(known: _Known, matched: list[tuple[ScoreRow, Found]], kind: str, options: FetchOptions
              ) -> list[GapRow]:
    """Each row's family: every known record whose family root is the row's base."""
    families: dict[str, list[ModelRecord]] = {}
    for record in known.records.values():
        families.setdefault(known.lineage.family_root(record.id), []).append(record)
    bases = {row.line: known.lineage.family_root(hit.record.id) for row, hit in matched}
    if kind == "derivatives":  # one lookup per member of the matched families (cached a day)
        members = [m for base in dict.fromkeys(bases.values()) for m in families.get(base, [])]
        counted = {m.id: m for m in with_derivatives(members, options, online=known.online)}
        families = {b: [counted.get(m.id, m) for m in ms] for b, ms in families.items()}
    out = []
    for row, hit in matched:
        base = bases[row.line]
        members = families.get(base, [hit.record])
        base_record = known.records.get(base)
        out.append(GapRow(
            row=row,
            id=base,
            named=hit.record.id,
            match="reupload" if base != hit.record.id else hit.how,
            downloads=family_adoption(members, "downloads"),
            adoption=family_adoption(members, kind),
            own_downloads=hit.record.downloads,
            family_size=len(members),
            likes=base_record.likes if base_record else None,
            trending_score=base_record.trending_score if base_record else None,
            task=(base_record or hit.record).task,
        ))
    return out


def _label(report: GapReport) -> None:
    """Percentiles among the matched rows, Wilson intervals, labels, and the two medians."""
    rows = report.rows
    if not rows:
        return
    scores = [g.row.score for g in rows]
    report.median_score = statistics.median(scores)
    for g, pct in zip(rows, percentile_ranks(scores), strict=True):
        g.quality_pct = pct
    adopted = [g for g in rows if g.adoption is not None]
    if adopted:
        report.median_adoption = statistics.median(g.adoption or 0 for g in adopted)
        for g, pct in zip(adopted, percentile_ranks([float(g.adoption or 0) for g in adopted]), strict=True):
            g.adoption_pct = pct
    for g in rows:
        g.interval = wilson(g.row.score, g.row.n) if g.row.n else None
        g.label = label_for(g.quality_pct, g.adoption_pct, g.interval, report.median_score)


# --- views ----------------------------------------------------------------------------------


def gaps_meta(report: GapReport) -> dict[str, Any]:
    sheet, listing = report.sheet, report.listing
    return {
        "source": listing.source,
        "fetched_at": to_iso(listing.fetched_at),
        "query": {k: v for k, v in listing.query.describe().items() if k != "limit"} | {"depth": POOL_DEPTH},
        "scores": {
            "file": str(sheet.path),
            "rows": len(sheet.rows),
            "matched": len(report.rows),
            "unmatched": len(report.unmatched),
            "model_column": sheet.model_col,
            "score_column": sheet.score_col,
            "tasks_column": sheet.n_col,
            "cost_column": sheet.cost_col,
            "scale": sheet.scale,
            "scale_reason": sheet.scale_reason,
        },
        "adoption": report.kind,
        "median_score": report.median_score,
        "median_adoption": report.median_adoption,
        "lookups": {"fetched": report.lookups.fetched, "cached": report.lookups.cached,
                    "failed": sorted(report.lookups.failed)},
    }


GAP_KEYS = ["model", "id", "match", "score", "quality_pct", "downloads", "adoption", "adoption_pct", "label", "gap",
            "named", "n", "interval", "cost", "likes", "trending_score", "own_downloads", "family_size", "task",
            "line"]


def _columns(report: GapReport) -> list[Column]:
    sheet = report.sheet
    columns = [
        Column("gap", "gap", "pct"),
        Column("label", "label", "text", styles=LABEL_STYLES),
        Column("id", "model (family base)", "id"),
        Column("model", "as written", "text", priority=3),
        Column("match", "match", "text", priority=2),
        Column("score", "score", "ratio"),
    ]
    if sheet.n_col:
        columns.append(Column("interval", "95% CI", "interval", priority=2))
    columns += [
        Column("quality_pct", "quality", "pct"),
        Column("downloads", "family dl", "count", priority=0 if report.kind == "downloads" else 3),
    ]
    if report.kind != "downloads":
        columns.append(Column("adoption", f"family {report.kind}", "count"))
    columns += [
        Column("adoption_pct", "adoption", "pct"),
        Column("likes", "likes", "count", priority=4),
        Column("trending_score", "trending", "score", priority=5),
    ]
    if sheet.cost_col:
        columns.append(Column("cost", "cost", "int", priority=4))
    return columns


def _names(rows: list[GapRow], label: str) -> str:
    return ", ".join(g.id for g in rows if g.label == label)


def gaps_notes(report: GapReport) -> list[str]:
    sheet = report.sheet
    notes = []
    if report.rows:
        notes.append(f"{len(report.rows)} of {len(sheet.rows)} rows matched. quality and adoption are percentiles "
                     f"among them (50 = median); adoption is {ADOPTION_WORDS[report.kind]}; gap = quality − adoption")
    for label, text in ((OPPORTUNITY, "Opportunities (measured at or above the median, adopted below it)"),
                        (WARNING, "Warnings (adopted at or above the median, measured below it)")):
        names = _names(report.rows, label)
        if names:
            notes.append(f"{text}: {names}")
    if any(g.label == UNCERTAIN for g in report.rows):
        notes.append("uncertain: the 95% interval of the score includes the median score, too few tasks to tell")
    source = {"live": "live from the Hub", "cache": "from the cache", "snapshot": "from the bundled snapshot"}
    what = f"the {POOL_DEPTH:,} most downloaded" + (f" {report.task}" if report.task else "") + " models"
    looked = report.lookups.fetched + report.lookups.cached
    notes.append(f"Adoption from {what}, {source[report.listing.source]} "
                 f"({report.listing.fetched_at:%Y-%m-%d %H:%M} UTC)"
                 + (f", and {looked} looked up one by one" if looked else ""))
    return notes


def unmatched_view(report: GapReport) -> View:
    rows = [u.to_dict() | {"closest": u.suggestions[0] if u.suggestions else None} for u in report.unmatched]
    return View(
        columns=[Column("line", "line", "int"), Column("model", "as written", "text"),
                 Column("reason", "why", "text"), Column("closest", "closest Hub id", "id")],
        rows=rows,
        meta={"unmatched": [u.to_dict() for u in report.unmatched]},
        title=f"Unmatched rows ({len(report.unmatched)})",
        notes=["Write the Hub id (org/name) to match a row; json lists every suggestion"] if rows else [],
        empty_message="Every row matched a Hub model.",
    )


def gaps_view(report: GapReport) -> View:
    """The matched rows sorted by gap, with the unmatched rows as a second section."""
    return View(
        columns=_columns(report),
        rows=[g.to_dict() for g in report.rows],
        meta=gaps_meta(report),
        title=f"Measured quality vs Hub adoption: {report.sheet.path.name}",
        notes=gaps_notes(report),
        csv_keys=GAP_KEYS,
        empty_message=f"None of the {len(report.sheet.rows)} rows matched a Hub model.",
        extra_sections=[unmatched_view(report)],
    )


# --- the scatter ----------------------------------------------------------------------------

MARKERS = "123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
EXTRA_MARKER = "•"
PLOT_AXES = {"downloads": "family downloads, last 30 days", "derivatives": "family derivatives",
             "providers": "live inference providers of the family"}


def gaps_scatter(report: GapReport) -> tuple[ScatterPlot, list[str]] | None:
    """Quality (score) against log adoption with quadrant lines at the medians, and a legend.

    One plot for both outputs: `render.scatter.Scatter.of` draws it in a terminal, the report's
    page as SVG (where the opportunities and warnings are highlighted and named).
    """
    rows = [g for g in report.rows if g.adoption is not None]
    if not rows or report.median_adoption is None or report.median_score is None:
        return None
    points, legend = [], []
    for i, g in enumerate(rows):
        marker = MARKERS[i] if i < len(MARKERS) else EXTRA_MARKER
        points.append(Point(float(g.adoption or 0), g.row.score, g.id, highlight=g.label in (OPPORTUNITY, WARNING),
                            marker=marker, style=LABEL_STYLES.get(g.label, "")))
        if i < len(MARKERS):
            legend.append(f"{marker} {g.id} ({g.label}, {g.row.score * 100:.1f}%, {human_count(g.adoption)})")
    plot = ScatterPlot(
        points,
        x_title=PLOT_AXES[report.kind],
        y_title=f"score ({report.sheet.score_col})",
        x_split=report.median_adoption,
        y_split=report.median_score,
        quadrants=Quadrants(OPPORTUNITY, CONSENSUS, NEITHER, WARNING),
    )
    return plot, legend
