"""Families of the whole Hub in DuckDB SQL: each ecosystem root and every model whose lineage leads to it.

Over the tables `build_lineage` leaves (`lin_links`, `lin_nlink`, `lin_roots`). A model derives
from its ecosystem root at any depth (a quantization of a finetune of a base counts for the
base); it is *declared* when every link on its way there is the Hub's metadata, *by name* when
one of them is the name rule's (`lin_nlink`: a re-upload that states no base). A root need not be
a model of the snapshot: a base named in metadata but not listed (removed, private) still has
its derivatives.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubradar.analysis.sql.lineage import Connection

NAMED = "eco_named"


@dataclass(frozen=True)
class Family:
    """One ecosystem root and the models that derive from it."""

    family: str  # the root's id
    listed: bool  # the root is a model of the snapshot
    derivatives: int  # every model whose lineage leads to the root, at any depth
    declared: int  # ... by the Hub's metadata all the way
    by_name: int  # ... through at least one link of the name rule
    ecosystem_downloads: int  # 30-day downloads of the root and its derivatives
    downloads: int | None  # the root's own (None: unknown, or not listed)


@dataclass(frozen=True)
class OrgFamilies:
    """The derivatives of every family whose root is one org's model (`Qwen`: every Qwen base's)."""

    org: str
    families: int  # the org's roots with a derivative
    derivatives: int
    declared: int
    by_name: int
    ecosystem_downloads: int


def mark_named(con: Connection) -> int:
    """`eco_named(id)`: the models whose way to their root takes a link of the name rule; returns how many.

    Down from the name rule's links, one level a round (as many rounds as the deepest chain below
    one: the cycles are cut already, and a model is taken once).
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE {NAMED} AS "
                "SELECT l.child AS id FROM lin_links l SEMI JOIN lin_nlink n ON n.child = l.child")
    con.execute(f"CREATE OR REPLACE TEMP TABLE eco_front AS SELECT id FROM {NAMED}")
    while con.execute("SELECT count(*) FROM eco_front").fetchone()[0]:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE eco_front AS
            SELECT DISTINCT l.child AS id FROM lin_links l SEMI JOIN eco_front f ON f.id = l.parent
            ANTI JOIN {NAMED} n ON n.id = l.child""")
        con.execute(f"INSERT INTO {NAMED} SELECT id FROM eco_front")
    con.execute("DROP TABLE eco_front")
    return int(con.execute(f"SELECT count(*) FROM {NAMED}").fetchone()[0])


def roots_table(con: Connection, source: str, table: str = "eco_roots") -> str:
    """`table`(id, root, by_name, base_params): what the figures need of the lineage, in one table.

    `root` is the ecosystem root, `base_params` the family root's own parameter count (a
    quantization or mirror carries its base's weights; NULL for a root) from `source`.
    """
    from hubradar.analysis.sql.state import own_params

    mark_named(con)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT r.id, r.ecosystem AS root, n.id IS NOT NULL AS by_name, {own_params('b')} AS base_params
        FROM lin_roots r LEFT JOIN {NAMED} n ON n.id = r.id
        LEFT JOIN {source} b ON b.id = r.family AND r.family <> r.id""")
    return table


def members(source: str) -> str:
    """SQL: each model of `source` (with `root`, `by_name`) and whether it derives from its root."""
    return f"(SELECT id, downloads, root, id <> root AS derived, by_name FROM {source})"


def families(con: Connection, members: str, everything: str, *, limit: int = 10) -> tuple[int, list[Family]]:
    """How many roots have a derivative among `members`, and the `limit` with most, with their downloads.

    `everything` is the whole snapshot: a root filtered out of the members is still listed.
    """
    rows = con.execute(f"""
        WITH fam AS (
            SELECT root, count(*) FILTER (WHERE derived) AS derivatives,
                   count(*) FILTER (WHERE derived AND NOT by_name) AS declared,
                   count(*) FILTER (WHERE derived AND by_name) AS by_name,
                   coalesce(sum(downloads), 0) AS ecosystem_downloads
            FROM {members} GROUP BY root HAVING count(*) FILTER (WHERE derived) > 0),
        top AS (SELECT count(*) OVER () AS n, * FROM fam
                ORDER BY derivatives DESC, ecosystem_downloads DESC, root LIMIT {int(limit)})
        SELECT t.*, e.id IS NOT NULL AS listed, e.downloads
        FROM top t LEFT JOIN {everything} e ON e.id = t.root
        ORDER BY derivatives DESC, ecosystem_downloads DESC, root LIMIT {int(limit)}""").fetchall()
    total = int(rows[0][0]) if rows else 0
    return total, [Family(family=root, listed=bool(listed), derivatives=int(d), declared=int(dec), by_name=int(nm),
                          ecosystem_downloads=int(eco), downloads=int(own) if own is not None else None)
                   for _, root, d, dec, nm, eco, listed, own in rows]


def org_families(con: Connection, members: str, *, limit: int = 10) -> list[OrgFamilies]:
    """The orgs whose models are the roots of most derivatives (the org of a root: its id's first part)."""
    rows = con.execute(f"""
        SELECT CASE WHEN strpos(root, '/') > 0 THEN split_part(root, '/', 1) ELSE root END AS org,
               count(DISTINCT root) FILTER (WHERE derived) AS families,
               count(*) FILTER (WHERE derived) AS derivatives,
               count(*) FILTER (WHERE derived AND NOT by_name) AS declared,
               count(*) FILTER (WHERE derived AND by_name) AS by_name,
               coalesce(sum(downloads), 0) AS ecosystem_downloads
        FROM {members} GROUP BY org HAVING count(*) FILTER (WHERE derived) > 0
        ORDER BY derivatives DESC, ecosystem_downloads DESC, org LIMIT {int(limit)}""").fetchall()
    return [OrgFamilies(org, int(f), int(d), int(dec), int(nm), int(eco)) for org, f, d, dec, nm, eco in rows]
