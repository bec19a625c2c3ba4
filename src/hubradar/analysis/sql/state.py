"""The state of the Hub from one whole-Hub snapshot, in DuckDB SQL: each figure as docs/methodology.md defines it.

Every figure is over the models of a relation (`source`: the snapshot, filtered by task or author),
with the snapshot's columns. A model whose downloads are unknown (NULL) counts as a model and in
no download figure: the distribution, concentration and Gini are over the models whose 30-day
downloads are known (`known`).

- concentration: the share of all downloads held by the top 200 models, the top ⌈0.01% × known⌉
  and the top ⌈1% × known⌉ (ties at the cut do not change a sum of the k largest);
- Gini: G = 2·Σ i·x(i) / (n·Σx) − (n + 1)/n over the downloads sorted ascending (0 equal, →1 one
  model holds all); None when no model has a download;
- median downloads (the mean of the two middle values for an even count), the share of models
  under 200 downloads (30 days, and all-time where known);
- shares and the top by task and by author (`author`, else the id's org), the unknown task its
  own class; new models per month of `created_at` (UTC);
- sizes: a model's parameter count is its own (`safetensors_total`, else `gguf_total`; 0 is
  unknown), else its family root's own count when lineage is built (a quantization or mirror
  carries its base's weights); the mean and median over the models with a count, and the same
  weighted by 30-day downloads (the weighted median: the count at which half the downloads of
  sized models are reached, counting up from the smallest);
- org coverage: the models and downloads whose org is a row of the org table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubradar.analysis.sql.lineage import Connection

TOP_FEW = 200
TOP_SHARES = {"top_0.01%": 0.0001, "top_1%": 0.01}
BELOW = 200


@dataclass(frozen=True)
class Distribution:
    """How the 30-day downloads spread over the models."""

    models: int
    known: int  # models whose 30-day downloads are known
    downloads: int
    concentration: dict[str, float | None]  # "top_200", "top_0.01%", "top_1%" -> share of downloads
    top_counts: dict[str, int]  # how many models each top share holds
    gini: float | None
    median_downloads: float | None
    share_below: float | None  # of the known, under BELOW 30-day downloads
    share_below_all_time: float | None  # of the models whose all-time downloads are known
    downloads_all_time: int | None


@dataclass(frozen=True)
class Share:
    """One class (a task, an author, a region ...) and what it holds."""

    key: str | None  # None: unknown
    models: int
    downloads: int
    model_share: float
    download_share: float | None


@dataclass(frozen=True)
class Breakdown:
    """The top classes of one breakdown and how many classes there are."""

    classes: int
    top: list[Share]


def _scalar(con: Connection, sql: str) -> Any:
    return con.execute(sql).fetchone()[0]


def distribution(con: Connection, source: str) -> Distribution:
    """Models, downloads, concentration, Gini, median and the share under BELOW downloads."""
    models, all_time, below_all_time, known_all_time = con.execute(
        f"SELECT count(*), sum(downloads_all_time), count(*) FILTER (WHERE downloads_all_time < {BELOW}), "
        f"count(downloads_all_time) FROM {source}").fetchone()
    tops = {"top_200": f"{TOP_FEW}"} | {key: f"ceil(n * {share})" for key, share in TOP_SHARES.items()}
    sums = ", ".join(f"sum(x) FILTER (WHERE rk <= {cut}), max({cut})" for cut in tops.values())
    row = con.execute(f"""
        WITH ranked AS (
            SELECT downloads AS x, row_number() OVER (ORDER BY downloads DESC) AS rk, count(*) OVER () AS n
            FROM {source} WHERE downloads IS NOT NULL)
        SELECT count(*), sum(x), sum(CAST(n - rk + 1 AS HUGEINT) * x), quantile_cont(x, 0.5),
               count(*) FILTER (WHERE x < {BELOW}), {sums}
        FROM ranked""").fetchone()
    known, total, weighted, median, below = row[:5]
    total = int(total or 0)
    concentration: dict[str, float | None] = {}
    counts: dict[str, int] = {}
    for position, key in enumerate(tops):
        held, cut = row[5 + 2 * position], row[6 + 2 * position]
        counts[key] = min(int(cut or 0), known)
        concentration[key] = int(held or 0) / total if total else None
    gini = (2 * int(weighted) / (known * total) - (known + 1) / known) if total else None
    return Distribution(
        models=models, known=known, downloads=total, concentration=concentration, top_counts=counts, gini=gini,
        median_downloads=float(median) if median is not None else None,
        share_below=below / known if known else None,
        share_below_all_time=below_all_time / known_all_time if known_all_time else None,
        downloads_all_time=int(all_time) if all_time is not None else None)


def breakdown(con: Connection, source: str, key: str, *, limit: int = 10, total: Distribution) -> Breakdown:
    """The `limit` classes of `key` (a SQL expression over `source`) with most downloads."""
    classes = _scalar(con, f"SELECT count(DISTINCT {key}) + max(CASE WHEN {key} IS NULL THEN 1 ELSE 0 END) "
                           f"FROM {source}") or 0
    rows = con.execute(f"""
        SELECT {key} AS k, count(*) AS models, coalesce(sum(downloads), 0) AS downloads FROM {source}
        GROUP BY k ORDER BY downloads DESC, models DESC, k NULLS LAST LIMIT {limit}""").fetchall()
    return Breakdown(int(classes), [_share(k, m, d, total) for k, m, d in rows])


def _share(key: str | None, models: int, downloads: int, total: Distribution) -> Share:
    return Share(key, models, int(downloads), models / total.models if total.models else 0.0,
                 int(downloads) / total.downloads if total.downloads else None)


def author_key(source_alias: str = "") -> str:
    """SQL: a model's author, else the org part of its id (as `ModelRecord.org` reads it)."""
    prefix = f"{source_alias}." if source_alias else ""
    return (f"coalesce({prefix}author, CASE WHEN strpos({prefix}id, '/') > 0 "
            f"THEN split_part({prefix}id, '/', 1) ELSE {prefix}id END)")


def monthly(con: Connection, source: str) -> list[tuple[str | None, int]]:
    """New models per month of creation (`YYYY-MM`, UTC), oldest first; None counts those without a date."""
    rows = con.execute(f"""
        SELECT strftime(date_trunc('month', created_at AT TIME ZONE 'UTC'), '%Y-%m') AS month, count(*)
        FROM {source} GROUP BY month ORDER BY month NULLS LAST""").fetchall()
    return [(month, int(count)) for month, count in rows]


def org_classes(con: Connection, source: str, orgs: str, column: str, total: Distribution) -> Breakdown:
    """Every class of the org table's `column` (region or kind), "unknown" where the table says nothing."""
    rows = con.execute(f"""
        SELECT nullif(o.{column}, '') AS k, count(*) AS models, coalesce(sum(s.downloads), 0) AS downloads
        FROM {source} s LEFT JOIN {orgs} o ON o.org_lower = lower({author_key('s')})
        GROUP BY k ORDER BY k IS NULL, downloads DESC, models DESC, k""").fetchall()
    return Breakdown(len(rows), [_share(k, m, d, total) for k, m, d in rows])


@dataclass(frozen=True)
class Sizes:
    """Parameter counts of the models, as they are and weighted by downloads."""

    models: int  # with a known count
    from_base: int  # ... of which the count is their family root's
    model_share: float | None  # of all the models
    download_share: float | None  # of all the downloads: what the weighted figures stand on
    mean: float | None
    median: float | None
    weighted_mean: float | None
    weighted_median: float | None


def own_params(alias: str = "") -> str:
    """SQL: a model's own parameter count, from its weights' metadata (0 is unknown)."""
    prefix = f"{alias}." if alias else ""
    return f"coalesce(nullif({prefix}safetensors_total, 0), nullif({prefix}gguf_total, 0))"


def sizes(con: Connection, source: str, *, base: str | None = None) -> Sizes:
    """Mean and median parameter counts of `source`'s models, plain and weighted by 30-day downloads.

    `base`: a column of `source` holding the family root's own count (NULL for a root), which a
    model without a count of its own takes.
    """
    if base:
        sized = (f"SELECT downloads, coalesce({own_params()}, {base}) AS p, "
                 f"{own_params()} IS NULL AND {base} IS NOT NULL AS from_base FROM {source}")
    else:
        sized = f"SELECT downloads, {own_params()} AS p, false AS from_base FROM {source}"
    row = con.execute(f"""
        WITH sized AS ({sized}), known AS (SELECT p, coalesce(downloads, 0) AS d, from_base FROM sized
                                          WHERE p IS NOT NULL),
        cum AS (SELECT p, sum(d) OVER (ORDER BY p ROWS UNBOUNDED PRECEDING) AS c, sum(d) OVER () AS t
                FROM known WHERE d > 0)
        SELECT (SELECT count(*) FROM sized), (SELECT sum(downloads) FROM sized),
               count(*), count(*) FILTER (WHERE from_base), sum(d), avg(p), quantile_cont(p, 0.5),
               sum(CAST(p AS DOUBLE) * d) / nullif(sum(d), 0),
               (SELECT min(p) FROM cum WHERE 2 * c >= t)
        FROM known""").fetchone()
    models, downloads, known, from_base, known_downloads, mean, median, weighted_mean, weighted_median = row
    return Sizes(
        models=int(known), from_base=int(from_base), model_share=known / models if models else None,
        download_share=int(known_downloads or 0) / int(downloads) if downloads else None,
        mean=float(mean) if mean is not None else None, median=float(median) if median is not None else None,
        weighted_mean=float(weighted_mean) if weighted_mean is not None else None,
        weighted_median=float(weighted_median) if weighted_median is not None else None)


def org_coverage(con: Connection, source: str, orgs: str) -> tuple[int, int]:
    """The models, and their downloads, whose org is a row of the org table `orgs` (org_lower)."""
    models, downloads = con.execute(f"""
        SELECT count(*), coalesce(sum(s.downloads), 0) FROM {source} s
        SEMI JOIN {orgs} o ON o.org_lower = lower({author_key('s')})""").fetchone()
    return int(models), int(downloads)
