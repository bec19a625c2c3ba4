"""gaps: where a team's measured quality and the Hub's adoption disagree (the use case).

`read_scores` reads a score sheet (`analysis.scores` parses it); `find_gaps` lists the most
downloaded models once, matches every row (`analysis.matching`), looks up the ids and family bases
the listing did not reach, measures each family's adoption and labels the rows
(`analysis.gaps`). docs/methodology.md ("Gaps") explains every rule; `views.gaps` shows the answer.

Library use:

    from hubradar.app.gaps import find_gaps, read_scores
    from hubradar.app.options import FetchOptions
    report = find_gaps(read_scores(Path("bench.csv")), FetchOptions())
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hubradar.analysis.gaps import (
    GapRow,
    Unmatched,
    by_gap,
    check_repeats,
    families_of,
    gap_rows,
    label_rows,
    task_mismatch,
)
from hubradar.analysis.lineage import Lineage
from hubradar.analysis.matching import Ambiguous, Found, ModelIndex, closed_vendor
from hubradar.analysis.scores import ScoreRow, ScoreSheet, parse_scores
from hubradar.analysis.sizes import SizeEstimator
from hubradar.app.listing import check_task, get_listing
from hubradar.app.lookups import Lookups, lookup_models, with_derivatives
from hubradar.app.options import FetchOptions
from hubradar.core.errors import UsageError, param
from hubradar.core.listing import Listing
from hubradar.core.query import ListingQuery
from hubradar.core.record import ModelRecord, hub_id_of
from hubradar.core.sizes import SizeFilter
from hubradar.core.units import human_params
from hubradar.core.vocabulary import ADOPTION, check

POOL_DEPTH = 1000  # the adoption listing: this many most-downloaded models, one request
ROOT_ROUNDS = 3  # how many times a family base outside the listing is looked up in turn


def read_scores(path: Path, *, model_col: str | None = None, score_col: str | None = None) -> ScoreSheet:
    """Read a score CSV, or raise `UsageError` naming the file, line and column of the problem."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a CSV file") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot be read ({err.strerror or err})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UsageError(
            f"{path}, line {line}: not UTF-8 text (byte 0x{data[err.start]:02x}); save the file as UTF-8"
        ) from None
    return parse_scores(text, path, model_col=model_col, score_col=score_col)


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
    known.look_up([i for r in rows if found[r.line] is None and (i := hub_id_of(r.model))], options)
    found = {row.line: known.index.find(row.model) for row in rows}
    for _ in range(ROOT_ROUNDS):
        roots = {known.lineage.family_root(f.record.id) for f in found.values() if isinstance(f, Found)}
        missing = sorted(r for r in roots if r not in known.records)
        if not missing or all(m in known.asked for m in missing):
            break
        known.look_up(missing, options)
        found = {row.line: known.index.find(row.model) for row in rows}
    return found


def _adoption(known: _Known, matched: list[tuple[ScoreRow, Found]], kind: str, options: FetchOptions,
              reference: datetime) -> list[GapRow]:
    """Each row's family (every known record whose family base is the row's base) and its adoption."""
    families = families_of(known.records.values(), known.lineage)
    if ADOPTION[kind].looked_up:  # one lookup per member of the matched families (cached a day)
        bases = dict.fromkeys(known.lineage.family_root(hit.record.id) for _, hit in matched)
        members = [m for base in bases for m in families.get(base, [])]
        counted = {m.id: m for m in with_derivatives(members, options, online=known.online)}
        families = {b: [counted.get(m.id, m) for m in ms] for b, ms in families.items()}
    rows = gap_rows(matched, families, known.records, known.lineage, kind)
    if kind == "ram":  # the family base's RAM, against every known model (the listing and lookups)
        from hubradar.app.ram import ram_table, say_basis

        peers = list(known.records.values())
        table = ram_table(peers, reference, options, SizeEstimator(peers, known.lineage))
        values = {g.id: table.ram(known.records[g.id]) if g.id in known.records else None for g in rows}
        for g in rows:
            ram = values[g.id]
            g.adoption = None if ram is None else ram.value
        say_basis((v for v in values.values() if v is not None), options)
    return rows


def find_gaps(sheet: ScoreSheet, options: FetchOptions, *, task: str | None = None,
              adoption: str = "downloads", sizes: SizeFilter | None = None) -> GapReport:
    """Match the sheet to the Hub, measure each family's adoption, and label every matched row.

    `adoption` is what adoption means: 30-day downloads (the default), derivatives (models built on
    the family, looked up per member) or live inference providers. `sizes` keeps the rows whose
    family base is of the sizes asked for; the others are listed as not compared, with their size.
    A `task` that matches no model and is no pipeline tag raises `UnknownTask`, as `top` does.
    """
    check(adoption, ADOPTION, "adoption kind")
    notify = options.notify
    for line, earlier in sheet.repeats:
        notify(f"line {line} repeats line {earlier} (same model, same score): counted once")
    listing = get_listing(ListingQuery(sort="downloads", task=task), options, depth=POOL_DEPTH)
    check_task(listing)
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
            if task_mismatch(base, task):
                unmatched.append(Unmatched(row, f"task {base.task}, not {task}", []))
            elif sizes is not None and size is not None and not sizes.accepts(size):
                why = (f"size {human_params(size.params)}, outside {sizes.describe()}" if size.params is not None
                       else f"size unknown; {param('include_unknown')} keeps it")
                unmatched.append(Unmatched(row, why, []))
            else:
                matched.append((row, hit))
        elif isinstance(hit, Ambiguous):
            unmatched.append(Unmatched(row, f"{len(hit.candidates)} Hub models have this name", list(hit.candidates)))
        elif vendor := closed_vendor(row.model):  # no Hub model is it: no suggestion either
            unmatched.append(Unmatched(row, f"closed model ({vendor}), not on the Hub", []))
        else:
            unmatched.append(Unmatched(row, _reason_unfound(row, known.lookups), known.index.suggest(row.model)))
    matched = check_repeats(sheet, matched, notify)
    rows = _adoption(known, matched, adoption, options, listing.fetched_at)
    median_score, median_adoption = label_rows(rows)
    report = GapReport(sheet, by_gap(rows), unmatched, listing, known.lookups, task, adoption,
                       median_score, median_adoption)
    if known.lookups.failed:
        why = known.lookups.failure or "unknown reason"
        failed = sorted(known.lookups.failed)
        models = "model" if len(failed) == 1 else "models"
        report.notices.append(f"could not look up {len(failed)} {models} outside the listing ({why}): "
                              + ", ".join(failed[:5]) + (" …" if len(failed) > 5 else ""))
    return report
