"""The Hub's JSON read into snapshot rows in DuckDB SQL, by `record.from_hub_json`'s rules.

Two inputs become the one snapshot schema (`parquet.COLUMNS`) without a Python object per model:
the crawl's raw `/api/models` pages (`pages_sql`), and a whole-Hub dump in the hub-stats
dataset's layout (`dump_sql`: the API's own field names as Parquet columns, some of them
structs or JSON strings). Both go through the same field rules (`_FIELD_RULES`), written once as
SQL macros over JSON values, which mirror `from_hub_json`:

- a string is a non-empty JSON string; a count is a non-negative integer that fits 64 bits
  (an integral float is truncated, a string of digits is read); a score is a finite number;
- a time is a string DuckDB reads as a timestamp (naive means UTC);
- tags keep the strings, once each, in order; `cardData.base_model` is a string or a list;
- `trendingScore` omitted or null is unknown, not 0 (the Hub sends it, 0 included, for every
  model a listing expands it for);
- a row without a valid id is skipped; a duplicate id keeps its first occurrence.

Where the two engines could part (Python's `str.strip` and `str.isdecimal` know more of Unicode
than the SQL here), tests/test_crawl_sql.py checks them equal on real and hostile rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from hubradar.store.parquet import sql_path

if TYPE_CHECKING:
    import duckdb

# record.MODEL_ID_RE in RE2: Python's `\w` on str is Unicode (letters, digits, underscore).
ID_PATTERN = r"[A-Za-z0-9][\p{L}\p{N}_.\-]*(/[\p{L}\p{N}_.\-]+)?"
_MAX_COUNT = 9223372036854775807
_SPACE = r"'^\s+|\s+$'"

# Each rule dispatches on the JSON text itself (json_extract gives it minified: a string starts
# with a quote, a number with a digit or a minus, an object with a brace), so a value is parsed
# once at most: far cheaper than asking json_type first.
MACROS = f"""
CREATE OR REPLACE TEMP MACRO hr_text(v) AS CAST(v AS VARCHAR);
CREATE OR REPLACE TEMP MACRO hr_str(v) AS
    CASE WHEN starts_with(hr_text(v), '"') AND hr_text(v) <> '""' THEN v ->> '$' END;
CREATE OR REPLACE TEMP MACRO hr_digits(s) AS
    CASE WHEN regexp_full_match(regexp_replace(s, {_SPACE}, '', 'g'), '[0-9]{{1,19}}')
         THEN TRY_CAST(regexp_replace(s, {_SPACE}, '', 'g') AS BIGINT) END;
CREATE OR REPLACE TEMP MACRO hr_count(d) AS
    CASE WHEN isfinite(d) AND trunc(d) >= 0 AND d < 9.223372036854775807e18 THEN CAST(trunc(d) AS BIGINT) END;
CREATE OR REPLACE TEMP MACRO hr_int(v) AS
    CASE
        WHEN regexp_full_match(hr_text(v), '[0-9]+') THEN TRY_CAST(hr_text(v) AS BIGINT)
        WHEN regexp_full_match(hr_text(v), '-[0-9]+') THEN CASE WHEN TRY_CAST(hr_text(v) AS HUGEINT) = 0 THEN 0 END
        WHEN starts_with(hr_text(v), '"') THEN hr_digits(v ->> '$')
        WHEN regexp_matches(hr_text(v), '^-?[0-9]') THEN hr_count(TRY_CAST(hr_text(v) AS DOUBLE))
    END;
CREATE OR REPLACE TEMP MACRO hr_finite(d) AS CASE WHEN isfinite(d) THEN d END;
CREATE OR REPLACE TEMP MACRO hr_float(v) AS
    CASE
        WHEN regexp_matches(hr_text(v), '^-?[0-9]') THEN hr_finite(TRY_CAST(hr_text(v) AS DOUBLE))
        WHEN starts_with(hr_text(v), '"')
             THEN hr_finite(TRY_CAST(regexp_replace(v ->> '$', {_SPACE}, '', 'g') AS DOUBLE))
    END;
CREATE OR REPLACE TEMP MACRO hr_time(v) AS TRY_CAST(hr_str(v) AS TIMESTAMPTZ);
CREATE OR REPLACE TEMP MACRO hr_once(l) AS
    CASE WHEN len(list_distinct(l)) = len(l) THEN l ELSE list_filter(l, lambda x, i: list_position(l, x) = i) END;
CREATE OR REPLACE TEMP MACRO hr_total(v) AS
    CASE WHEN starts_with(hr_text(v), '{{') THEN hr_int(json_extract(v, '$.total')) END;
CREATE OR REPLACE TEMP MACRO hr_gated(v) AS
    CASE WHEN hr_text(v) IN ('true', 'false') THEN hr_text(v) ELSE hr_str(v) END;
"""

# The field rules, in stages over `fields` (one JSON value per Hub field, `f_<name>`): scalars
# first; lists as their strings and their JSON types side by side (each parsed once), filtered next.
_FIELD_RULES = """
    typed AS (
        SELECT
            row_order,
            coalesce(hr_str(f_id), hr_str(f_modelId)) AS id,
            hr_str(f_author) AS author_text,
            hr_str(f_pipeline_tag) AS task,
            hr_str(f_library_name) AS library,
            hr_int(f_downloads) AS downloads,
            hr_int(f_downloadsAllTime) AS downloads_all_time,
            hr_int(f_likes) AS likes,
            hr_float(f_trendingScore) AS trending_score,
            hr_time(f_createdAt) AS created_at,
            hr_time(f_lastModified) AS last_modified,
            CASE WHEN starts_with(hr_text(f_tags), '[') THEN json_extract_string(f_tags, '$[*]') END AS tag_s,
            CASE WHEN starts_with(hr_text(f_tags), '[') THEN json_type(f_tags, '$[*]') END AS tag_t,
            hr_total(f_safetensors) AS safetensors_total,
            hr_total(f_gguf) AS gguf_total,
            CASE json_type(f_cardData, '$.base_model')
                WHEN 'VARCHAR' THEN [json_extract_string(f_cardData, '$.base_model')]
                WHEN 'ARRAY' THEN json_extract_string(f_cardData, '$.base_model[*]') END AS base_s,
            CASE json_type(f_cardData, '$.base_model')
                WHEN 'VARCHAR' THEN ['VARCHAR']
                WHEN 'ARRAY' THEN json_type(f_cardData, '$.base_model[*]') END AS base_t,
            CASE WHEN starts_with(hr_text(f_cardData), '{{')
                 THEN hr_str(json_extract(f_cardData, '$.base_model_relation')) END AS card_relation,
            {hub_bases} AS hub_s, {hub_types} AS hub_t, {hub_relation} AS hub_relation,
            hr_gated(f_gated) AS gated
        FROM fields
    ),
    listed AS (
        SELECT *,
               list_filter(tag_s, lambda s, i: tag_t[i] = 'VARCHAR' AND s <> '') AS tag_l,
               list_filter(base_s, lambda s, i: base_t[i] = 'VARCHAR' AND s <> '') AS base_l,
               list_filter(hub_s, lambda s, i: hub_t[i] = 'VARCHAR' AND s <> '') AS hub_l
        FROM typed
        WHERE id IS NOT NULL AND regexp_full_match(id, '{id_pattern}')
    )
SELECT row_order, id,
       coalesce(author_text, CASE WHEN contains(id, '/') THEN split_part(id, '/', 1) END) AS author,
       task, library, downloads, downloads_all_time, likes, trending_score, created_at, last_modified,
       coalesce(hr_once(tag_l), CAST([] AS VARCHAR[])) AS tags,
       safetensors_total, gguf_total,
       CASE WHEN len(base_l) > 0 THEN base_l ELSE coalesce(hub_l, CAST([] AS VARCHAR[])) END AS card_base_models,
       CASE WHEN len(base_l) > 0 OR card_relation IS NOT NULL THEN card_relation ELSE hub_relation END
           AS card_base_relation,
       gated
FROM listed
"""

HUB_FIELDS = ("id", "modelId", "author", "pipeline_tag", "library_name", "downloads", "downloadsAllTime", "likes",
              "trendingScore", "createdAt", "lastModified", "tags", "safetensors", "gguf", "cardData", "gated")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the field rules' macros on a connection (temporary: they go with it)."""
    con.execute(MACROS)


def _rules(*, hub_bases: bool) -> str:
    hub = {"hub_bases": "json_extract_string(f_baseModels, '$.models[*].id')",
           "hub_types": "json_type(f_baseModels, '$.models[*].id')",
           "hub_relation": "hr_str(json_extract(f_baseModels, '$.relation'))"} if hub_bases else {
           "hub_bases": "CAST(NULL AS VARCHAR[])", "hub_types": "CAST(NULL AS VARCHAR[])",
           "hub_relation": "CAST(NULL AS VARCHAR)"}
    return _FIELD_RULES.format(id_pattern=ID_PATTERN, **hub)


def pages_sql(directory: Path, pages: int) -> str:
    """The snapshot rows of the crawl's first `pages` pages (`page-000001.json` ...), raw `/api/models` JSON.

    Each page is read whole (one JSON array) and unnested with its position, so a model that
    moved between pages while the crawl ran is kept where it was first seen. Each row is parsed
    once for all its fields (`json_extract` with a list of paths): a missing field is SQL NULL,
    a JSON null is the JSON value null, as `from_hub_json` tells them apart.
    """
    glob = sql_path(directory / "page-*.json")
    paths = ", ".join(f"'$.{name}'" for name in HUB_FIELDS)
    picks = ", ".join(f"v[{n}] AS f_{name}" for n, name in enumerate(HUB_FIELDS, 1))
    return f"""
    WITH raw AS (
        SELECT CAST(regexp_extract(filename, 'page-([0-9]+)\\.json$', 1) AS BIGINT) AS page, json AS body
        FROM read_json_objects({glob}, format = 'unstructured', filename = true, maximum_object_size = 67108864)
    ),
    rows AS (
        SELECT page, unnest(json_extract(body, '$[*]')) AS j,
               generate_subscripts(json_extract(body, '$[*]'), 1) AS position
        FROM raw WHERE page BETWEEN 1 AND {int(pages)}
    ),
    fields AS (
        SELECT page * 100000000 + position AS row_order, {picks}
        FROM (SELECT page, position, json_extract(j, [{paths}]) AS v FROM rows WHERE starts_with(hr_text(j), '{{'))
    ),
    {_rules(hub_bases=False)}
    """


def _dump_field(name: str, kind: str | None, structured: bool) -> str:
    """One dump column as a JSON value: structs and lists as they are, JSON strings parsed."""
    if kind is None:
        return "CAST(NULL AS JSON)"
    column = f'"{name}"'
    if kind == "VARCHAR" and structured:
        return f"CASE WHEN json_valid({column}) THEN json({column}) END"
    if kind == "JSON":
        return column
    return f"to_json({column})"


STRUCTURED = frozenset({"safetensors", "gguf", "cardData", "baseModels", "tags"})


def dump_sql(path: Path, columns: Mapping[str, str]) -> str:
    """The snapshot rows of a hub-stats `models` Parquet dump, whose column types are `columns`.

    Every field is optional; a struct or a JSON string both work for cardData, safetensors,
    gguf and baseModels. When the card names no base model, the Hub's own `baseModels` (which it
    derives from the card) fills `card_base_models` and `card_base_relation`. A null
    `trendingScore` is unknown, as everywhere.
    """
    names = (*HUB_FIELDS, "baseModels")
    picks = ", ".join(f"{_dump_field(name, columns.get(name), name in STRUCTURED)} AS f_{name}" for name in names)
    return f"""
    WITH fields AS (
        SELECT row_number() OVER () AS row_order, {picks}
        FROM read_parquet({sql_path(path)})
    ),
    {_rules(hub_bases=True)}
    """


STAGED = "hr_rows"
# The staged rows with each id once: its first occurrence (only ids seen twice are looked at).
FIRST_OF_EACH = f"""
WITH twice AS (SELECT id, min(row_order) AS keep FROM {STAGED} GROUP BY id HAVING count(*) > 1)
SELECT r.* EXCLUDE (row_order) FROM {STAGED} AS r LEFT JOIN twice AS t ON r.id = t.id
WHERE t.keep IS NULL OR r.row_order = t.keep
"""


def stage(con: duckdb.DuckDBPyConnection, rows_sql: str) -> str:
    """Read `rows_sql` (`pages_sql`, `dump_sql`) into a temporary table; the SELECT of its rows, ids once.

    In two steps because keeping the first of each id is cheap over a table (a GROUP BY of the
    ids alone, and a join with the few seen twice) and dear as a window over every column.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED} AS {rows_sql}")
    return FIRST_OF_EACH


def parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """Column name -> DuckDB type of a Parquet file (top-level columns only)."""
    rows = con.sql(f"DESCRIBE SELECT * FROM read_parquet({sql_path(path)})").fetchall()
    return {str(row[0]): str(row[1]) for row in rows}
