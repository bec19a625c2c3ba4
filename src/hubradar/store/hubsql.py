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
- `trendingScore` omitted from a row that has `downloads` is 0, not unknown (the Hub leaves it
  out outside the trending set);
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

MACROS = f"""
CREATE OR REPLACE TEMP MACRO hr_str(v) AS
    CASE WHEN json_type(v) = 'VARCHAR' AND (v ->> '$') <> '' THEN v ->> '$' END;
CREATE OR REPLACE TEMP MACRO hr_digits(s) AS
    CASE WHEN regexp_full_match(regexp_replace(s, {_SPACE}, '', 'g'), '[0-9]{{1,19}}')
         THEN TRY_CAST(regexp_replace(s, {_SPACE}, '', 'g') AS BIGINT) END;
CREATE OR REPLACE TEMP MACRO hr_int(v) AS
    CASE json_type(v)
        WHEN 'UBIGINT' THEN CASE WHEN CAST(v AS UBIGINT) <= {_MAX_COUNT} THEN CAST(CAST(v AS UBIGINT) AS BIGINT) END
        WHEN 'BIGINT' THEN CASE WHEN CAST(v AS BIGINT) >= 0 THEN CAST(v AS BIGINT) END
        WHEN 'DOUBLE' THEN CASE WHEN isfinite(CAST(v AS DOUBLE)) AND trunc(CAST(v AS DOUBLE)) >= 0
                                     AND CAST(v AS DOUBLE) < 9.223372036854775807e18
                                THEN CAST(trunc(CAST(v AS DOUBLE)) AS BIGINT) END
        WHEN 'VARCHAR' THEN hr_digits(v ->> '$')
    END;
CREATE OR REPLACE TEMP MACRO hr_finite(d) AS CASE WHEN isfinite(d) THEN d END;
CREATE OR REPLACE TEMP MACRO hr_float(v) AS
    CASE
        WHEN json_type(v) IN ('UBIGINT', 'BIGINT', 'DOUBLE') THEN hr_finite(TRY_CAST(v AS DOUBLE))
        WHEN json_type(v) = 'VARCHAR' THEN hr_finite(TRY_CAST(regexp_replace(v ->> '$', {_SPACE}, '', 'g') AS DOUBLE))
    END;
CREATE OR REPLACE TEMP MACRO hr_time(v) AS TRY_CAST(hr_str(v) AS TIMESTAMPTZ);
CREATE OR REPLACE TEMP MACRO hr_strings(v) AS
    CASE WHEN json_type(v) = 'ARRAY'
         THEN list_filter(list_transform(json_extract(v, '$[*]'), lambda e: hr_str(e)), lambda s: s IS NOT NULL)
         ELSE CAST([] AS VARCHAR[]) END;
CREATE OR REPLACE TEMP MACRO hr_once(l) AS list_filter(l, lambda x, i: list_position(l, x) = i);
CREATE OR REPLACE TEMP MACRO hr_total(v) AS
    CASE WHEN json_type(v) = 'OBJECT' THEN hr_int(json_extract(v, '$.total')) END;
CREATE OR REPLACE TEMP MACRO hr_bases(card) AS
    CASE WHEN json_type(card) <> 'OBJECT' THEN CAST([] AS VARCHAR[])
         WHEN json_type(card, '$.base_model') = 'VARCHAR' THEN
              CASE WHEN hr_str(json_extract(card, '$.base_model')) IS NULL THEN CAST([] AS VARCHAR[])
                   ELSE [hr_str(json_extract(card, '$.base_model'))] END
         ELSE hr_strings(json_extract(card, '$.base_model')) END;
CREATE OR REPLACE TEMP MACRO hr_gated(v) AS
    CASE WHEN json_type(v) = 'BOOLEAN' THEN CAST(CAST(v AS BOOLEAN) AS VARCHAR) ELSE hr_str(v) END;
"""

# Hub field -> the snapshot column it becomes, as SQL over `f(name)`: the field's JSON value.
_FIELD_RULES = """
    author_given AS (SELECT *, hr_str({author}) AS author_text FROM fields),
    typed AS (
        SELECT
            row_order,
            coalesce(hr_str({id}), hr_str({modelId})) AS id,
            hr_str({pipeline_tag}) AS task,
            hr_str({library_name}) AS library,
            hr_int({downloads}) AS downloads,
            hr_int({downloadsAllTime}) AS downloads_all_time,
            hr_int({likes}) AS likes,
            coalesce(hr_float({trendingScore}),
                     CASE WHEN {has_downloads} AND NOT {has_trending} THEN 0.0 END) AS trending_score,
            hr_time({createdAt}) AS created_at,
            hr_time({lastModified}) AS last_modified,
            hr_once(hr_strings({tags})) AS tags,
            hr_total({safetensors}) AS safetensors_total,
            hr_total({gguf}) AS gguf_total,
            {card_base_models} AS card_base_models,
            {card_base_relation} AS card_base_relation,
            hr_gated({gated}) AS gated,
            author_text
        FROM author_given
    )
SELECT id,
       coalesce(author_text, CASE WHEN contains(id, '/') THEN split_part(id, '/', 1) END) AS author,
       task, library, downloads, downloads_all_time, likes, trending_score, created_at, last_modified,
       tags, safetensors_total, gguf_total, card_base_models, card_base_relation, gated
FROM typed
WHERE id IS NOT NULL AND regexp_full_match(id, '{id_pattern}')
QUALIFY row_number() OVER (PARTITION BY id ORDER BY row_order) = 1
"""

HUB_FIELDS = ("id", "modelId", "author", "pipeline_tag", "library_name", "downloads", "downloadsAllTime", "likes",
              "trendingScore", "createdAt", "lastModified", "tags", "safetensors", "gguf", "cardData", "gated")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the field rules' macros on a connection (temporary: they go with it)."""
    con.execute(MACROS)


def _rules(fields: Mapping[str, str], *, has_downloads: str, has_trending: str, bases: str, relation: str) -> str:
    return _FIELD_RULES.format(**fields, has_downloads=has_downloads, has_trending=has_trending,
                               card_base_models=bases, card_base_relation=relation, id_pattern=ID_PATTERN)


def pages_sql(directory: Path, pages: int) -> str:
    """The snapshot rows of the crawl's first `pages` pages (`page-000001.json` ...), raw `/api/models` JSON.

    Each page is read whole (one JSON array) and unnested with its position, so a model that
    moved between pages while the crawl ran is kept where it was first seen.
    """
    glob = sql_path(directory / "page-*.json")
    fields = {name: f"json_extract(j, '$.{name}')" for name in HUB_FIELDS}
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
        SELECT page * 100000000 + position AS row_order, j, {", ".join(f"{v} AS f_{k}" for k, v in fields.items())}
        FROM rows WHERE json_type(j) = 'OBJECT'
    ),
    {_rules({k: f"f_{k}" for k in fields},
            has_downloads="json_exists(j, '$.downloads')", has_trending="json_exists(j, '$.trendingScore')",
            bases="hr_bases(f_cardData)", relation="hr_str(json_extract(f_cardData, '$.base_model_relation'))")}
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
    derives from the card) fills `card_base_models` and `card_base_relation`. A dump cannot tell
    an omitted `trendingScore` from a null one: null with known downloads is read as omitted (0).
    """
    fields = {name: _dump_field(name, columns.get(name), name in STRUCTURED) for name in (*HUB_FIELDS, "baseModels")}
    has_trending = "trendingScore" in columns
    card_bases = "hr_bases(f_cardData)"
    hub_bases = ("list_filter(list_transform(json_extract(f_baseModels, '$.models[*].id'), lambda e: hr_str(e)), "
                 "lambda s: s IS NOT NULL)")
    bases = f"CASE WHEN len({card_bases}) > 0 THEN {card_bases} ELSE coalesce({hub_bases}, CAST([] AS VARCHAR[])) END"
    relation = ("coalesce(hr_str(json_extract(f_cardData, '$.base_model_relation')), "
                "hr_str(json_extract(f_baseModels, '$.relation')))")
    order = "row_number() OVER ()"
    return f"""
    WITH fields AS (
        SELECT {order} AS row_order, {", ".join(f"{v} AS f_{k}" for k, v in fields.items())}
        FROM read_parquet({sql_path(path)})
    ),
    {_rules({k: f"f_{k}" for k in fields},
            has_downloads="(f_downloads IS NOT NULL AND json_type(f_downloads) <> 'NULL')",
            has_trending="(f_trendingScore IS NOT NULL AND json_type(f_trendingScore) <> 'NULL')"
            if has_trending else "false",
            bases=bases, relation=relation)}
    """


def parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """Column name -> DuckDB type of a Parquet file (top-level columns only)."""
    rows = con.sql(f"DESCRIBE SELECT * FROM read_parquet({sql_path(path)})").fetchall()
    return {str(row[0]): str(row[1]) for row in rows}
