"""A generated whole-Hub snapshot in the crawl's Parquet schema, written by DuckDB itself (seconds for 2M).

    python benchmarks/hub_shape.py OUT.parquet [--models 2000000] [--seed 8]

The shape of benchmarks/bench_families.py's records, at whole-Hub scale and made in SQL instead of
Python objects: originals in ~n/40 orgs (20%); quantizations tagged `base_model:quantized:` (25%,
a third of them of finetunes: chains); untagged re-uploads the name rule must catch (17%, GGUF /
AWQ / MLX / FP8 / bnb-4bit markers, some from the base's own org); re-uploader mirrors (5%);
finetunes (20%), adapters and merges, all tagged; a few dozen metadata cycles. Downloads are
Pareto-tailed (most models near zero, as on the Hub), about a third of the models state a parameter
count, tasks, libraries, creation dates over five years, ~10 ordinary tags each.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

_MARKERS = "['GGUF', 'AWQ', 'GPTQ-Int4', 'MLX-4bit', 'FP8', 'bnb-4bit', 'i1-GGUF', 'NVFP4', 'EXL2']"
_QUANTERS = "['unsloth', 'bartowski', 'mradermacher', 'mlx-community', 'lmstudio-community']"
_TAGS = ("['transformers', 'safetensors', 'text-generation', 'conversational', 'en', 'region:us', "
         "'endpoints_compatible', 'license:apache-2.0', 'arxiv:2505.09388', 'autotrain_compatible']")
_TASKS = ("['text-generation', 'text-generation', 'text-generation', 'feature-extraction', 'sentence-similarity', "
          "'text-classification', 'automatic-speech-recognition', 'image-text-to-text', 'text-to-image', NULL]")
_LIBRARIES = "['transformers', 'transformers', 'gguf', 'sentence-transformers', 'mlx', 'diffusers', 'peft', NULL]"

GENERATE = """
CREATE OR REPLACE TEMP TABLE gen_rows AS
SELECT i, CAST(hash(i, {seed}) % 100 AS BIGINT) AS roll, CAST(hash(i, {seed} + 1) >> 2 AS BIGINT) AS h1,
       CAST(hash(i, {seed} + 2) >> 2 AS BIGINT) AS h2, CAST(hash(i, {seed} + 3) >> 2 AS BIGINT) AS h3, random() AS u
FROM range({n}) t(i);
CREATE OR REPLACE TEMP TABLE gen_base AS
SELECT row_number() OVER (ORDER BY i) - 1 AS k, i,
       'org' || (h1 % {orgs}) || '/Model' || i || '-' || [1, 3, 7, 8, 14, 32, 70][1 + h2 % 7] || 'B' AS id
FROM gen_rows WHERE roll < 20;
CREATE OR REPLACE TEMP TABLE gen_tune AS
SELECT row_number() OVER (ORDER BY r.i) - 1 AS k, r.i, b.id AS parent,
       'org' || (r.h3 % {orgs}) || '/' || split_part(b.id, '/', 2) || '-Tune' || r.i AS id
FROM gen_rows r JOIN gen_base b ON b.k = r.h1 % (SELECT count(*) FROM gen_base)
WHERE r.roll >= 67 AND r.roll < 87;
CREATE OR REPLACE TEMP TABLE gen_model AS
WITH parent AS (
    SELECT r.*, b.id AS base, t.id AS tune
    FROM gen_rows r
    LEFT JOIN gen_base b ON b.k = r.h1 % (SELECT count(*) FROM gen_base)
    LEFT JOIN gen_tune t ON t.k = r.h2 % greatest((SELECT count(*) FROM gen_tune), 1)
    WHERE r.roll >= 20 AND NOT (r.roll >= 67 AND r.roll < 87)
), made AS (
    SELECT i, id, [] AS lineage FROM gen_base
    UNION ALL SELECT i, id, ['base_model:' || parent, 'base_model:finetune:' || parent] FROM gen_tune
    UNION ALL SELECT i,
        CASE WHEN roll < 45 THEN
                 (CASE WHEN h3 % 6 < 5 THEN {quanters}[1 + h3 % 5] ELSE 'quanter' || (h3 % 200) END) || '/'
                 || split_part(CASE WHEN h2 % 3 = 0 AND tune IS NOT NULL THEN tune ELSE base END, '/', 2)
                 || '-' || {markers}[1 + h1 % 9] || '-q' || i
             WHEN roll < 62 THEN
                 (CASE WHEN h3 % 10 < 3 THEN split_part(base, '/', 1) ELSE 'quanter' || (h3 % 200) END) || '/'
                 || split_part(base, '/', 2) || '-' || {markers}[1 + h1 % 9]
             WHEN roll < 67 THEN {quanters}[1 + h3 % 5] || '/' || split_part(base, '/', 2)
             ELSE 'org' || (h3 % {orgs}) || '/' || split_part(base, '/', 2) || '-' || (CASE WHEN roll < 95 THEN 'lora'
                  ELSE 'merge' END) || i END,
        CASE WHEN roll < 45 THEN ['base_model:quantized:'
                 || CASE WHEN h2 % 3 = 0 AND tune IS NOT NULL THEN tune ELSE base END]
             WHEN roll < 67 THEN []
             WHEN roll < 95 THEN ['base_model:adapter:' || base]
             ELSE ['base_model:merge:' || base, 'base_model:merge:' || coalesce(tune, base)] END
    FROM parent
)
SELECT DISTINCT ON (id) made.*, r.h1, r.h2, r.h3, r.u FROM made JOIN gen_rows r USING (i);
-- a few dozen cycles: bases declaring one of their own quantizations as their base
CREATE OR REPLACE TEMP TABLE gen_cycle AS
SELECT parent AS id, 'base_model:finetune:' || id AS tag FROM (
    SELECT m.id, split_part(m.lineage[1], ':', 3) AS parent FROM gen_model m
    WHERE len(m.lineage) = 1 AND starts_with(m.lineage[1], 'base_model:quantized:') AND m.h1 % 50000 = 0);
COPY (
    SELECT m.id, split_part(m.id, '/', 1) AS author,
           {tasks}[1 + m.h2 % 10] AS task, {libraries}[1 + m.h3 % 8] AS library,
           CAST(floor(pow(1 - m.u, -1 / 1.1) * 40) - 40 AS BIGINT) AS downloads,
           CAST(floor(pow(1 - m.u, -1 / 1.1) * 400) - 400 + m.h1 % 100 AS BIGINT) AS downloads_all_time,
           CAST(floor(pow(1 - m.u, -1 / 1.3)) - 1 AS BIGINT) AS likes,
           CASE WHEN m.h2 % 100 < 2 THEN (m.h1 % 1000) / 10.0 ELSE 0.0 END AS trending_score,
           TIMESTAMPTZ '2021-06-01 00:00:00+00' + to_seconds(CAST(m.h3 % 157680000 AS BIGINT)) AS created_at,
           TIMESTAMPTZ '2026-08-01 00:00:00+00' - to_seconds(CAST(m.h1 % 2592000 AS BIGINT)) AS last_modified,
           list_concat(list_slice({common}, 1 + m.h1 % 3, 8 + m.h1 % 3), m.lineage,
                       CASE WHEN c.tag IS NULL THEN [] ELSE [c.tag] END) AS tags,
           CASE WHEN m.h3 % 3 = 0 THEN CAST([1, 3, 7, 8, 14, 32, 70][1 + m.h2 % 7]::BIGINT * 1000000000
                                          + m.h1 % 100000000 AS BIGINT) END AS safetensors_total,
           CASE WHEN contains(m.id, 'GGUF') AND m.h2 % 2 = 0 THEN CAST(7000000000 + m.h1 % 1000000 AS BIGINT) END
               AS gguf_total,
           CAST([] AS VARCHAR[]) AS card_base_models, CAST(NULL AS VARCHAR) AS card_base_relation,
           CASE WHEN m.h1 % 20 = 0 THEN 'auto' END AS gated
    FROM gen_model m LEFT JOIN gen_cycle c USING (id)
    ORDER BY downloads DESC, id
) TO '{path}' (FORMAT parquet, COMPRESSION zstd,
              KV_METADATA {{hubradar_schema: '1', taken_at: '{taken_at}', source: 'generated', endpoint: 'none'}});
"""


def write_snapshot(con: Any, path: Path, n: int, *, seed: int = 8, taken_at: str = "2026-08-21T19:00:00Z") -> None:
    """Write `n` generated models (a few fewer: duplicate names are dropped) to `path`."""
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
    con.execute(GENERATE.format(n=n, seed=seed, orgs=max(10, n // 40), quanters=_QUANTERS, markers=_MARKERS,
                                common=_TAGS, tasks=_TASKS, libraries=_LIBRARIES, path=str(path).replace("'", "''"),
                                taken_at=taken_at))


def main() -> None:
    import duckdb

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--models", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    write_snapshot(duckdb.connect(), args.out, args.models, seed=args.seed)


if __name__ == "__main__":
    main()
