"""A deep snapshot's lineage, stored with it: grouping the snapshot again reads its links instead of
building them (the tag scans and the name rule are most of what `--group` costs at 100,000
records; docs/performance.md).

The lineage is the one `Lineage` (analysis/lineage.py) built over the snapshot's records ranked by
`sort`, under the rules `rules` names (app/groups.py: a digest of the rules' code, so a hubradar
whose rules changed builds it again rather than read links it would not find), written by
app/groups.py; the store keeps its links in their order, each column as one text
(NUL between the links: one value to read and one C-level split, not a row per link), and the few
links cut from cycles as JSON. A snapshot pruned takes its lineage with it (ON DELETE CASCADE); a
rebuilt file keeps none (a grouping builds it again).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from hubradar.store.connection import Connection

_SEP = "\x00"


class StoredLinks(NamedTuple):
    """A lineage's links as columns, in the links' order, and the links cut from cycles."""

    children: list[str]
    parents: list[str]
    relations: list[str]
    inferred: list[bool]
    broken: list[tuple[str, str, str, bool]]  # child, parent, relation, inferred


def _joined(values: Sequence[str]) -> str | None:
    text = _SEP.join(values)
    return text if text.count(_SEP) == max(len(values) - 1, 0) else None  # a NUL inside an id: not stored


def save_lineage(store: Connection, snapshot_id: int, sort: str, rules: str, links: StoredLinks) -> bool:
    """Store (or replace) the lineage of one snapshot in one transaction; False when it cannot be
    kept this way (an id holding NUL), which leaves a grouping to build it."""
    columns = [_joined(column) for column in (links.children, links.parents, links.relations)]
    if None in columns:
        return False
    flags = "".join("1" if flag else "0" for flag in links.inferred)
    row = (snapshot_id, sort, rules, *columns, flags, json.dumps(links.broken))
    store.write(lambda conn: conn.execute(
        "INSERT OR REPLACE INTO snapshot_lineage (snapshot_id, sort, rules, children, parents, relations, "
        "inferred, broken) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row))
    return True


def load_lineage(store: Connection, snapshot_id: int, sort: str, rules: str) -> StoredLinks | None:
    """The stored lineage of a snapshot built in `sort` order under `rules`; None when none is stored."""

    def read(conn: sqlite3.Connection) -> tuple[str, str, str, str, str] | None:
        return conn.execute("SELECT children, parents, relations, inferred, broken FROM snapshot_lineage "
                            "WHERE snapshot_id = ? AND sort = ? AND rules = ?", (snapshot_id, sort, rules)).fetchone()

    row = store.using(read)
    if row is None:
        return None
    children, parents, relations, inferred, broken = row
    if not children:
        return StoredLinks([], [], [], [], [tuple(link) for link in json.loads(broken)])
    links = StoredLinks(children.split(_SEP), parents.split(_SEP), relations.split(_SEP),
                        list(map("1".__eq__, inferred)), [tuple(link) for link in json.loads(broken)])
    lengths = {len(links.children), len(links.parents), len(links.relations), len(links.inferred)}
    return links if len(lengths) == 1 else None  # a damaged row: built again
