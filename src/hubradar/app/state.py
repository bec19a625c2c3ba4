"""`hubradar state`: the ecosystem report of one whole-Hub snapshot, every figure in DuckDB SQL.

The latest snapshot (or the newest at or before `at`), optionally one task's or one author's
models; the figures are analysis/sql/state.py's and analysis/sql/ecosystems.py's, over the
lineage of the whole snapshot (analysis/sql/lineage.py), so a filtered report still finds a
derivative's base outside the filter. Regions and organisation kinds come only from an org table
(`hubradar/data/orgs.csv`, or the user's own: `orgs`, else `HUBRADAR_ORGS`); what it does not
cover is "unknown", and how much it covers is reported.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from hubradar.analysis.sql import ecosystems, lineage, state
from hubradar.analysis.sql.patterns import literal
from hubradar.core.errors import HubradarError, UsageError, param
from hubradar.core.time import parse_moment
from hubradar.store import derived, parquet

if TYPE_CHECKING:
    import duckdb

ORGS_ENV = "HUBRADAR_ORGS"
BUNDLED_ORGS = "hubradar/data/orgs.csv"
ORG_COLUMNS = ("region", "kind")
TOP = 10  # classes shown per breakdown, families shown


class NoSnapshot(HubradarError):
    """No whole-Hub snapshot to read: one has to be made first."""


@dataclass(frozen=True)
class OrgTable:
    """Which org is where and what it is: rows of (org, region, kind), blank meaning unknown."""

    source: str  # the file, or BUNDLED_ORGS
    rows: tuple[tuple[str, str | None, str | None], ...]


@dataclass(frozen=True)
class Coverage:
    """How much of the models and downloads the org table speaks for."""

    models: int  # whose org is a row of the table
    downloads: int
    model_share: float | None
    download_share: float | None
    known: dict[str, float | None]  # column -> share of downloads whose org has that column filled


@dataclass
class HubState:
    """Every figure of one snapshot (filtered by task or author)."""

    snapshot: parquet.SnapshotFile
    metadata: dict[str, str]
    task: str | None
    author: str | None
    distribution: state.Distribution
    families_total: int
    families: list[ecosystems.Family]
    org_families: list[ecosystems.OrgFamilies]
    named_models: int  # models of the snapshot reached through a link of the name rule
    sizes: state.Sizes
    tasks: state.Breakdown
    authors: state.Breakdown
    monthly: list[tuple[str | None, int]]
    regions: state.Breakdown
    kinds: state.Breakdown
    orgs: OrgTable
    coverage: Coverage
    notices: list[str] = field(default_factory=list)

    @property
    def taken_at(self) -> datetime:
        return self.snapshot.taken_at


def read_org_table(path: Path | None = None) -> OrgTable:
    """The org table at `path`, else `HUBRADAR_ORGS`'s, else the one shipped with hubradar."""
    if path is None and os.environ.get(ORGS_ENV, "").strip():
        path = Path(os.environ[ORGS_ENV].strip())
    if path is None:
        text = resources.files("hubradar").joinpath("data/orgs.csv").read_text(encoding="utf-8")
        return OrgTable(BUNDLED_ORGS, _org_rows(text, BUNDLED_ORGS))
    path = path.expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else type(err).__name__
        raise UsageError(f"cannot read the org table {path}: {reason}") from None
    return OrgTable(str(path), _org_rows(text, str(path)))


def _org_rows(text: str, name: str) -> tuple[tuple[str, str | None, str | None], ...]:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "org" not in fields:
        raise UsageError(f"the org table {name} has no org column (its header: {', '.join(fields) or 'none'}); "
                         "the columns are org, region, kind")
    reader.fieldnames = fields
    seen: dict[str, tuple[str, str | None, str | None]] = {}
    for row in reader:
        org = (row.get("org") or "").strip()
        if org:
            values = [(row.get(column) or "").strip() or None for column in ORG_COLUMNS]
            seen.setdefault(org.lower(), (org, values[0], values[1]))  # the first row of an org wins
    return tuple(seen.values())


def _load_orgs(con: duckdb.DuckDBPyConnection, table: OrgTable) -> str:
    rows = table.rows
    con.execute("CREATE OR REPLACE TEMP TABLE st_orgs AS SELECT unnest($1::VARCHAR[]) AS org_lower, "
                "unnest($2::VARCHAR[]) AS region, unnest($3::VARCHAR[]) AS kind",
                [[r[0].lower() for r in rows], [r[1] for r in rows], [r[2] for r in rows]])
    return "st_orgs"


def _moment(at: date | datetime | str | None) -> date | datetime | None:
    """`at` as the catalogue takes it: a day (`2026-11-30`, the whole of it) or a moment (UTC when naive)."""
    if not isinstance(at, str):
        return at
    try:
        return date.fromisoformat(at.strip())
    except ValueError:
        return parse_moment(at, "at")


def pick_snapshot(at: date | datetime | str | None, cache_dir: Path | None) -> parquet.SnapshotFile:
    """The snapshot asked for, or NoSnapshot saying how to make one."""
    at = _moment(at)
    found = parquet.latest(cache_dir) if at is None else parquet.at(at, cache_dir)
    if found is not None:
        return found
    where = parquet.snapshots_dir(cache_dir)
    if at is None or not parquet.list_snapshots(cache_dir):
        raise NoSnapshot(f"no whole-Hub snapshot in {where}: make one with `hubradar crawl` (every model, some "
                         "25 minutes) or `hubradar import models.parquet --at DATE` (a hub-stats dump)")
    oldest = parquet.list_snapshots(cache_dir)[0].taken_at
    raise NoSnapshot(f"no whole-Hub snapshot taken on or before {at:%Y-%m-%d} in {where} "
                     f"(the oldest is of {oldest:%Y-%m-%d %H:%M} UTC); see {param('at')}")


def _filter(task: str | None, author: str | None) -> str:
    conditions = []
    if task:
        conditions.append(f"task = {literal(task.strip())}")
    if author:
        conditions.append(f"lower({state.author_key()}) = {literal(author.strip().lower())}")
    return " AND ".join(conditions) or "true"


def _connection(cache_dir: Path | None, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    con = parquet.connect(memory_limit=memory_limit)
    con.execute(f"SET temp_directory = {parquet.sql_path(parquet.hub_dir(cache_dir) / 'duckdb-tmp')}")
    con.execute("SET preserve_insertion_order = false")
    return con


def hub_state(*, at: date | datetime | str | None = None, task: str | None = None, author: str | None = None,
              cache_dir: Path | None = None, orgs: Path | None = None, limit: int = TOP,
              memory_limit: str | None = parquet.MEMORY_LIMIT) -> HubState:
    """Every figure of the snapshot asked for (see the module's docstring)."""
    table = read_org_table(orgs)
    snapshot = pick_snapshot(at, cache_dir)
    con = _connection(cache_dir, memory_limit)
    try:
        try:
            return _figures(con, snapshot, table, task, author, limit, cache_dir)
        except HubradarError:
            raise
        except Exception as err:  # a damaged or foreign file: say which
            raise HubradarError(f"cannot read the snapshot {snapshot.path}: {err}") from err
    finally:
        con.close()


# The columns the figures and the lineage read (not likes, trending, last_modified, gated).
_READ = ("id", "author", "task", "library", "downloads", "downloads_all_time", "created_at", "tags",
         "safetensors_total", "gguf_total", "card_base_models", "card_base_relation")
_LINEAGE_ONLY = ("tags", "card_base_models", "card_base_relation", "library")
# The tags the lineage reads: those holding `base_model:`, in order, and the last tag (where a
# `base_model:` tag may end in a newline). A fifth of the lineage's time on 2M models, the same
# roots (benchmarks/bench_state.py); if the lineage SQL ever reads other tags, widen this.
_NARROW_TAGS = ("CASE WHEN len(tags) = 0 THEN tags ELSE list_concat([x FOR x IN tags[1:len(tags) - 1] "
                "IF contains(x, 'base_model:')], [tags[len(tags)]]) END AS tags")


def _rules() -> str:
    """The fingerprint of the lineage rules: the Python rules and the SQL made from them."""
    from hubradar.analysis import lineage as rules
    from hubradar.analysis import links, names
    from hubradar.analysis.sql import patterns

    return derived.fingerprint(Path(m.__file__ or "") for m in (rules, links, names, patterns, lineage, ecosystems))


def _roots(con: duckdb.DuckDBPyConnection, snapshot: parquet.SnapshotFile, cache_dir: Path | None) -> str:
    """`st_roots` (id, root, by_name, base_params) of the whole snapshot: kept from an earlier report, else built."""
    kept = derived.derived_path(snapshot, "roots", _rules(), cache_dir)
    if derived.read_table(con, kept, "st_roots"):
        return "st_roots"
    # `pos`: the order of a listing by downloads (what the lineage breaks ties by), sorted on two columns only.
    # (joined back by the file's row number: an integer join, not one on 2M ids)
    rows = f"read_parquet({parquet.sql_path(snapshot.path)}, file_row_number = true)"
    con.execute("CREATE OR REPLACE TEMP TABLE st_pos AS SELECT file_row_number AS r, "
                f"row_number() OVER (ORDER BY downloads DESC NULLS LAST, id) AS pos FROM {rows}")
    columns = ", ".join(_NARROW_TAGS if c == "tags" else c for c in _READ)
    con.execute(f"CREATE OR REPLACE TEMP TABLE st_lineage AS SELECT {columns}, pos FROM {rows} f "
                "JOIN st_pos p ON p.r = f.file_row_number")
    lineage.build_lineage(con, "st_lineage")
    ecosystems.roots_table(con, "st_lineage", "st_roots")
    for table in ("st_lineage", "st_pos", "lin_rec", "lin_meta", "lin_stem", "lin_mlink", "lin_nlink", "lin_all",
                  "lin_jump", "lin_links", "lin_fam", "lin_eco", "lin_roots", "eco_named"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    derived.write_table(con, "st_roots", kept, cache_dir)
    return "st_roots"


def keep_lineage(snapshot: parquet.SnapshotFile, cache_dir: Path | None = None,
                 memory_limit: str | None = parquet.MEMORY_LIMIT) -> bool:
    """Build and keep the lineage roots of a snapshot just written, so that its first `state` only
    reads them (the lineage is most of a cold report: 26 s of 30 at 2M models). False when it could
    not be built now (memory, a full disk): the snapshot stands, and the first report builds them."""
    con = _connection(cache_dir, memory_limit)
    try:
        _roots(con, snapshot, cache_dir)
        return True
    except Exception:  # the snapshot is whole without them: never fail the crawl or import for this
        return False
    finally:
        con.close()


def _figures(con: duckdb.DuckDBPyConnection, snapshot: parquet.SnapshotFile, table: OrgTable,
             task: str | None, author: str | None, limit: int, cache_dir: Path | None) -> HubState:
    metadata = parquet.read_metadata(snapshot.path)
    parquet.relation(con, snapshot).create_view("st_file", replace=True)
    roots = _roots(con, snapshot, cache_dir)
    figures = ", ".join(f"f.{c}" for c in _READ if c not in _LINEAGE_ONLY)
    con.execute(f"CREATE OR REPLACE TEMP TABLE st_all AS SELECT {figures}, r.root, r.by_name, r.base_params "
                f"FROM st_file f JOIN {roots} r ON r.id = f.id")
    con.execute(f"CREATE OR REPLACE TEMP VIEW st_picked AS SELECT * FROM st_all WHERE {_filter(task, author)}")
    total = state.distribution(con, "st_picked")
    if (task or author) and total.models == 0:
        asked = ", ".join(f"{name} {value}" for name, value in (("task", task), ("author", author)) if value)
        raise HubradarError(f"no model of the snapshot of {snapshot.taken_at:%Y-%m-%d} matches {asked}")
    members = ecosystems.members("st_picked")
    families_total, families = ecosystems.families(con, members, "st_all", limit=limit)
    orgs = _load_orgs(con, table)
    covered_models, covered_downloads = state.org_coverage(con, "st_picked", orgs)
    known = {column: state.org_coverage(con, "st_picked", f"(SELECT * FROM {orgs} WHERE {column} IS NOT NULL)")[1]
             for column in ORG_COLUMNS}
    share = (lambda n, of: n / of if of else None)  # noqa: E731
    coverage = Coverage(covered_models, covered_downloads, share(covered_models, total.models),
                        share(covered_downloads, total.downloads),
                        {column: share(n, total.downloads) for column, n in known.items()})
    (named,) = con.execute(f"SELECT count(*) FROM {roots} WHERE by_name").fetchone() or (0,)
    return HubState(
        snapshot=snapshot, metadata=metadata, task=task, author=author, distribution=total,
        families_total=families_total, families=families,
        org_families=ecosystems.org_families(con, members, limit=limit), named_models=int(named),
        sizes=state.sizes(con, "st_picked", base="base_params"),
        tasks=state.breakdown(con, "st_picked", "task", limit=limit, total=total),
        authors=state.breakdown(con, "st_picked", state.author_key(), limit=limit, total=total),
        monthly=state.monthly(con, "st_picked"),
        regions=state.org_classes(con, "st_picked", orgs, "region", total),
        kinds=state.org_classes(con, "st_picked", orgs, "kind", total),
        orgs=table, coverage=coverage)
