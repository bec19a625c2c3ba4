"""Lineage in DuckDB SQL: the links of analysis/lineage.py's `Lineage`, set-based, for millions of records.

The same rule, step by step as `Lineage` takes it (a property test compares every link, family
root and ecosystem root with it on generated records):

1. The Hub's metadata: each tag holding `base_model:` is read once (one regular expression
   gives its relation and parent, whether it starts the tag), then per model the first tag that
   `Lineage` would take, else `cardData.base_model`, else a plain `base_model:ORG/NAME` tag. A
   parent is resolved to the listed spelling when it differs only in case; a model naming itself
   is no link; an `unknown` relation on a name with format markers is an inferred quantization.
2. The name rule for the models left unlinked: the name with its trailing markers stripped is
   matched to a model of the same data (the same org first, else the best of another: an
   original before a re-uploader's copy, a root before a derivative, the evidence of an original
   (declared as a base, the org of the series, created first), then downloads), a re-uploader's
   marker-free copy is a mirror, so is another org's copy of a clear original, and one org's
   re-uploads of an unlisted stem are grouped under it.
3. Cycles: the models whose walk never ends are isolated by pointer jumping (a few joins however
   long the chains), each cycle among them is walked, and one link cut as `Lineage` cuts it.
4. Roots: each model's family root (following quantized and mirror links) and ecosystem root
   (every link), by pointer jumping.

`build_lineage(con, source)` leaves temporary tables: `lin_links` (child, parent, relation,
inferred), `lin_broken` (the links cut) and `lin_roots` for every record: id, family, ecosystem,
and whether the way to each rests on a link of the name rule (family_inferred, ecosystem_inferred:
`Lineage.inferred_path`).
`source` is a table or view with `ModelRecord`'s columns and `pos`, the listing order (`created_at` as
text or a timestamp).
"""

from __future__ import annotations

from typing import Any

from hubradar.analysis.sql.patterns import (
    ID,
    INNER_TAG,
    INNER_TAG_NL,
    RELATION_TAG,
    RELATION_WORDS,
    REUPLOADER_ORGS,
    SAME_WEIGHT_WORDS,
    fold,
    literal,
    series,
    stem,
    tail,
)

Connection = Any  # duckdb.DuckDBPyConnection: duckdb is imported by app/, only when needed

_RECORDS = """
CREATE OR REPLACE TEMP TABLE lin_rec AS
SELECT id, pos, coalesce(downloads, -1) AS dl, lower(id) AS lid,
       (safetensors_total IS NOT NULL OR gguf_total IS NOT NULL) AS weights,
       CASE WHEN strpos(id, '/') > 0 THEN left(id, strpos(id, '/') - 1) ELSE '' END AS org,
       substr(id, strpos(id, '/') + 1) AS name, TRY_CAST(created_at AS TIMESTAMPTZ) AS created
FROM {source}
"""

# One row per model with metadata: the parent and relation `metadata_link` reads (unresolved).
_METADATA = f"""
CREATE OR REPLACE TEMP TABLE lin_meta AS
WITH tag AS (
    SELECT id, lower(id) AS lid, i, i = n AS last, tag,
           regexp_extract(tag, {literal(RELATION_TAG)}, ['rel', 'pid', 'nl']) AS a,
           starts_with(tag, 'base_model:') AS starts, substr(tag, 12) AS rest, strpos(substr(tag, 12), ':') AS c
    FROM (SELECT id, unnest(tags) AS tag, generate_subscripts(tags, 1) AS i, len(tags) AS n
          FROM {{source}} WHERE len(tags) > 0)
    WHERE contains(tag, 'base_model:')
), hit AS (
    SELECT id, lid, i,
           -- where Python's `RELATION_TAG.search` over the tags joined by NUL matches: at a tag's start?
           CASE WHEN a.rel <> '' AND (a.nl = '' OR last) THEN {{'start': true, 'pid': a.pid, 'rel': a.rel}}
                WHEN regexp_matches(tag, {literal(INNER_TAG)})
                     OR (last AND regexp_matches(tag, {literal(INNER_TAG_NL)}))
                THEN {{'start': false, 'pid': '', 'rel': ''}} END AS a,
           CASE WHEN starts AND c > 0 AND left(rest, c - 1) IN {RELATION_WORDS}
                     AND lower(substr(rest, c + 1)) <> lid AND regexp_full_match(substr(rest, c + 1), {literal(ID)})
                THEN {{'parent': substr(rest, c + 1), 'relation': left(rest, c - 1)}} END AS declared,
           CASE WHEN starts AND c = 0 AND lower(rest) <> lid AND regexp_full_match(rest, {literal(ID)})
                THEN rest END AS plain
    FROM tag
), tags AS (
    SELECT id, any_value(lid) AS lid,
           arg_min(a, i) FILTER (WHERE a IS NOT NULL) AS a,
           arg_min(declared, i) FILTER (WHERE declared IS NOT NULL) AS declared,
           arg_min(plain, i) FILTER (WHERE plain IS NOT NULL) AS plain
    FROM hit GROUP BY id
), card AS (
    SELECT id, arg_min(base, j) FILTER (WHERE lower(base) <> lower(id) AND regexp_full_match(base, {literal(ID)}))
               AS base,
           CASE WHEN lower(any_value(relation)) IN {RELATION_WORDS} THEN lower(any_value(relation))
                ELSE 'unknown' END AS relation
    FROM (SELECT id, unnest(card_base_models) AS base, generate_subscripts(card_base_models, 1) AS j,
                 card_base_relation AS relation
          FROM {{source}} WHERE len(card_base_models) > 0)
    GROUP BY id
), found AS (
    SELECT coalesce(t.id, c.id) AS id,
           CASE WHEN t.a.start AND lower(t.a.pid) <> t.lid THEN {{'parent': t.a.pid, 'relation': t.a.rel}}
                WHEN t.declared IS NOT NULL THEN t.declared
                WHEN c.base IS NOT NULL THEN {{'parent': c.base, 'relation': c.relation}}
                WHEN t.plain IS NOT NULL THEN {{'parent': t.plain, 'relation': 'unknown'}} END AS link
    FROM tags t FULL JOIN card c ON c.id = t.id
)
SELECT id, link.parent AS parent, link.relation AS relation FROM found WHERE link IS NOT NULL
"""

# The names and stems of the models whose name matters: left unlinked, or with an `unknown` relation.
_STEMS = f"""
CREATE OR REPLACE TEMP TABLE lin_stem AS
SELECT id, org, name, {stem('name', 'tail')} AS stem
FROM (SELECT r.id, r.org, r.name, {tail('r.name')} AS tail
      FROM lin_rec r LEFT JOIN lin_meta m ON m.id = r.id
      WHERE m.id IS NULL OR m.relation = 'unknown')
"""

# The metadata links resolved to the listed spelling (`Lineage._resolve`).
_RESOLVED = """
CREATE OR REPLACE TEMP TABLE lin_mlink AS
WITH canon AS (
    SELECT lid, arg_max(id, pos) AS id FROM lin_rec
    WHERE lid IN (SELECT lower(parent) FROM lin_meta) GROUP BY lid
), resolved AS (
    SELECT m.id AS child, m.relation,
           CASE WHEN m.relation <> 'unknown' AND e.id IS NOT NULL THEN m.parent
                ELSE coalesce(c.id, m.parent) END AS parent,
           m.relation = 'unknown' AND s.stem IS NOT NULL AS marked
    FROM lin_meta m
    LEFT JOIN lin_rec e ON e.id = m.parent
    LEFT JOIN canon c ON c.lid = lower(m.parent)
    LEFT JOIN lin_stem s ON s.id = m.id
)
SELECT child, parent, CASE WHEN marked THEN 'quantized' ELSE relation END AS relation, marked AS inferred
FROM resolved WHERE parent <> child
"""

# The name rule, for the models the metadata leaves unlinked (`name_links`).
_NAMES = f"""
CREATE OR REPLACE TEMP TABLE lin_nlink AS
WITH unlinked AS (
    SELECT s.* FROM lin_stem s ANTI JOIN lin_mlink l ON l.child = s.id
), marked AS (
    SELECT id, org, stem, lower(org) AS lorg, lower(stem) AS lstem FROM unlinked WHERE stem IS NOT NULL
), shared AS (
    SELECT lower(name) AS lname FROM lin_rec GROUP BY lower(name) HAVING count(*) > 1
), mirror AS (
    -- a re-uploader's marker-free copy, or another org's under a name some other repo also has
    SELECT id, lower(org) AS lorg, lower(name) AS lname, {fold('org')} IN {REUPLOADER_ORGS} AS copy FROM unlinked
    WHERE stem IS NULL AND strpos(id, '/') > 0
      AND ({fold('org')} IN {REUPLOADER_ORGS} OR lower(name) IN (SELECT lname FROM shared))
), wanted AS (
    SELECT lstem AS lname FROM marked UNION SELECT lname FROM mirror
), evidence AS (
    -- how much each repo of a wanted name looks like the original (`original_evidence`)
    SELECT r.id, lower(r.name) AS lname, lower(r.org) AS lorg, r.pos, r.dl, l.child IS NOT NULL AS linked,
           r.id IN (SELECT parent FROM lin_mlink) AS declared,
           {series('r.org', 'r.name')} AS series,
           coalesce(r.created = min(r.created) OVER w AND min(r.created) OVER w < max(r.created) OVER w, false)
               AS first
    FROM lin_rec r LEFT JOIN lin_mlink l ON l.child = r.id
    WHERE lower(r.name) IN (SELECT lname FROM wanted)
    WINDOW w AS (PARTITION BY lower(r.name))
), candidate AS (
    -- which model a shared name points to: an original, a root, the strongest evidence, the most
    -- downloaded, then the id
    SELECT id, lname, lorg, pos, declared OR series AS clear, declared::INT + series::INT + first::INT AS ev,
           {{'copy': lorg IN {REUPLOADER_ORGS}, 'linked': linked,
             'ev': -(declared::INT + series::INT + first::INT), 'dl': -dl, 'id': id}} AS rank
    FROM evidence
), mirrored AS (
    SELECT m.id AS child, arg_min(c.id, c.rank) AS parent, 'mirror' AS relation, any_value(m.copy) AS copy
    FROM mirror m JOIN candidate c ON c.lname = m.lname AND c.lorg <> m.lorg GROUP BY m.id
), kept AS (
    -- not a re-uploader's copy: a mirror only of a clear original with more evidence than its own
    SELECT d.child, d.parent, d.relation FROM mirrored d
    JOIN candidate t ON t.id = d.parent JOIN candidate o ON o.id = d.child
    WHERE d.copy OR (NOT t.rank.copy AND NOT t.rank.linked AND t.clear AND t.ev > o.ev)
), matched AS (
    SELECT k.id AS child,
           coalesce(arg_min(c.id, c.pos) FILTER (WHERE c.lorg = k.lorg), arg_min(c.id, c.rank)) AS parent,
           'quantized' AS relation
    FROM marked k JOIN candidate c ON c.lname = k.lstem GROUP BY k.id
), stray AS (
    -- one org's re-uploads of a stem no listed model carries: grouped under that unlisted `org/stem`
    SELECT k.id, lower(k.org || '/' || k.stem) AS key, k.org || '/' || k.stem AS parent, r.dl
    FROM marked k JOIN lin_rec r ON r.id = k.id
    WHERE k.org <> '' AND k.id NOT IN (SELECT child FROM matched)
), strays AS (
    SELECT key, arg_min(parent, {{'dl': -dl, 'id': id}}) AS parent FROM stray GROUP BY key HAVING count(*) >= 2
)
SELECT child, parent, relation, true AS inferred FROM kept
UNION ALL SELECT child, parent, relation, true FROM matched
UNION ALL SELECT s.id, g.parent, 'quantized', true FROM stray s JOIN strays g USING (key)
"""

# Pointer jumping over the links whose parent has one: what is left when the count stops falling
# walks forever, into or around a cycle (see `_jump`).
_CHAINED = """
CREATE OR REPLACE TEMP TABLE lin_jump AS
SELECT a.child, a.parent AS anc FROM lin_all a SEMI JOIN lin_all b ON b.child = a.parent
"""
_JUMP = """
CREATE OR REPLACE TEMP TABLE lin_jump AS
SELECT j.child, k.anc FROM lin_jump j JOIN lin_jump k ON k.child = j.anc
"""
# Each cycle among the endless walks, and the link cut from it (`Lineage._break_cycles`): an
# inferred one if any, else the one leaving the most downloaded member, then one stating its
# parameter count, then the first id.
_CUTS = """
CREATE OR REPLACE TEMP TABLE lin_broken AS
WITH RECURSIVE walk(start, node) AS (
    SELECT a.child, a.parent FROM lin_all a SEMI JOIN lin_jump j ON j.child = a.child
    UNION
    SELECT w.start, a.parent FROM walk w JOIN lin_all a ON a.child = w.node
), cycle AS (
    SELECT start AS id, min(node) AS cycle FROM walk
    WHERE start IN (SELECT start FROM walk WHERE node = start) GROUP BY start
), cut AS (
    SELECT arg_min(c.id, {'meta': NOT a.inferred, 'dl': -r.dl, 'weights': NOT r.weights, 'id': c.id}) AS child
    FROM cycle c JOIN lin_all a ON a.child = c.id JOIN lin_rec r ON r.id = c.id GROUP BY c.cycle
)
SELECT a.* FROM lin_all a SEMI JOIN cut USING (child)
"""
_ROOTS = """
CREATE OR REPLACE TEMP TABLE lin_roots AS
SELECT r.id, coalesce(f.anc, r.id) AS family, coalesce(e.anc, r.id) AS ecosystem,
       coalesce(f.inferred, false) AS family_inferred, coalesce(e.inferred, false) AS ecosystem_inferred
FROM lin_rec r LEFT JOIN lin_fam f ON f.child = r.id LEFT JOIN lin_eco e ON e.child = r.id
"""

def _count(con: Connection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _jump(con: Connection) -> int:
    """Leave in `lin_jump` the models whose walk never ends; returns how many.

    Round k keeps a model whose walk is longer than 2^k + 1 links; when a round keeps as many as
    the one before, no finite walk is left (a walk of n links has ancestors with n - 1, n - 2, ...).
    """
    kept = _count(con, "lin_jump")
    while kept:
        con.execute(_JUMP)
        before, kept = kept, _count(con, "lin_jump")
        if kept == before:
            break
    return kept


def _roots(con: Connection, table: str, where: str) -> None:
    """Each linked model's root in `table` (child, anc, inferred: a link of the name rule on the way),
    following the links `where` allows."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT child, parent AS anc, inferred "
                f"FROM lin_links WHERE {where}")
    while con.execute(f"SELECT count(*) FROM {table} a SEMI JOIN {table} b ON b.child = a.anc").fetchone()[0]:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT a.child, coalesce(b.anc, a.anc) AS anc, "
                    f"a.inferred OR coalesce(b.inferred, false) AS inferred "
                    f"FROM {table} a LEFT JOIN {table} b ON b.child = a.anc")


def build_lineage(con: Connection, source: str, *, names: bool = True) -> None:
    """The lineage of the records in `source` as temporary tables (see the module's docstring)."""
    con.execute(_RECORDS.replace("{source}", source))
    con.execute(_METADATA.replace("{source}", source))
    con.execute(_STEMS)
    con.execute(_RESOLVED)
    if names:
        con.execute(_NAMES)
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE lin_nlink AS SELECT * FROM lin_mlink LIMIT 0")
    con.execute("CREATE OR REPLACE TEMP TABLE lin_all AS SELECT * FROM lin_mlink UNION ALL SELECT * FROM lin_nlink")
    con.execute(_CHAINED)
    if _jump(con):
        con.execute(_CUTS)
        con.execute("CREATE OR REPLACE TEMP TABLE lin_links AS "
                    "SELECT * FROM lin_all ANTI JOIN lin_broken USING (child)")
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE lin_broken AS SELECT * FROM lin_all LIMIT 0")
        con.execute("CREATE OR REPLACE TEMP TABLE lin_links AS SELECT * FROM lin_all")
    _roots(con, "lin_fam", f"relation IN {SAME_WEIGHT_WORDS}")
    _roots(con, "lin_eco", "true")
    con.execute(_ROOTS)
