"""`hubradar family`'s view: the model, its children by relation, the totals and the top re-uploads."""

from __future__ import annotations

from typing import Any

from hubradar.app.family import BY_NAME, ModelTree, Node
from hubradar.core.time import now_utc, to_iso
from hubradar.views.families import Layout, _mark, _pct
from hubradar.views.listing import SOURCE_TEXT
from hubradar.views.view import Column, View


def _tree_row(node: Node, layout: Layout) -> dict[str, Any]:
    row: dict[str, Any] = {"id": node.id, "relation": node.relation, "level": node.level, "parent": node.parent,
                           "downloads": node.downloads, "likes": node.likes, "children": node.children,
                           "inferred": node.inferred}
    if layout == "table":
        indent = "└ " if node.level == 2 else ""
        row["shown"] = indent + _mark(node.relation, node.inferred)
    return row


def tree_view(tree: ModelTree, layout: Layout) -> View:
    """`hubradar family`: the model and its children by relation, then totals and top re-uploads."""
    root = tree.root
    columns = [
        Column("shown", "relation", "text"),
        Column("id", "model", "id"),
        Column("downloads", "downloads", "count"),
        Column("likes", "likes", "count", priority=1),
        Column("children", "children", "count", priority=2),
    ]
    source = " and ".join(SOURCE_TEXT[s] for s in tree.sources)
    notes = [f"children from the Hub's base_model filters, by downloads (30 days), {source}, fetched "
             f"{tree.fetched_at:%Y-%m-%d %H:%M} UTC"]
    if tree.expanded:
        notes.append(f"└ second level: the top children of {tree.expanded} of the {tree.looked_up} most "
                     "downloaded children (the others have none)")
    elif tree.looked_up:
        notes.append(f"none of the {tree.looked_up} most downloaded children has children of its own")
    if any(n.inferred for n in tree.nodes):
        notes.append("* a re-upload found by name, not linked by the Hub's metadata (see docs/lineage.md)")
    if tree.unknown_counts:
        notes.append(f"children counts unknown for {tree.unknown_counts} of the models looked up (see the notices)")
    totals = View(
        columns=[Column("relation", "children", "text"), Column("models", "models", "int"),
                 Column("downloads", "downloads", "count"), Column("likes", "likes", "count"),
                 Column("counted", "counted", "text")],
        rows=[{"relation": t.relation, "models": t.models, "downloads": t.downloads, "likes": t.likes,
               "complete": t.complete, "counted": "all" if t.complete else f"top {tree.depth}"}
              for t in tree.totals],
        title="Totals",
        notes=[f"{BY_NAME}: re-uploads without lineage metadata; family: the model and its re-uploads; "
               "ecosystem: everything above"],
    )
    totals.meta = {"totals": [{k: v for k, v in r.items() if k != "counted"} for r in totals.rows]}
    family = tree.family_downloads
    reuploads = View(
        columns=[Column("id", "re-upload", "id"), Column("shown", "relation", "text"),
                 Column("downloads", "downloads", "count"), Column("share", "family %", "pct")],
        rows=[_tree_row(n, layout) | {"share": _pct(n.downloads / family if family and n.downloads else None,
                                                     layout)}
              for n in tree.reuploads],
        title="Top re-uploads",
        empty_message="No re-uploads listed.",
    )
    reuploads.meta = {"reuploads": reuploads.rows}
    meta = {
        "model": root.id,
        "downloads": root.downloads,
        "likes": root.likes,
        "children_count": root.children,
        "family_downloads": family,
        "ecosystem_downloads": tree.ecosystem_downloads,
        "sources": tree.sources,
        "fetched_at": to_iso(tree.fetched_at),
        "depth": tree.depth,
        "children_counts": {"looked_up": tree.looked_up, "unknown": tree.unknown_counts},
    }
    return View(columns=columns, rows=[_tree_row(n, layout) for n in (root, *tree.nodes)], meta=meta,
                title=f"Model tree of {root.id}", notes=notes, now=now_utc(),
                csv_keys=["level", "relation", "id", "parent", "downloads", "likes", "children", "inferred"],
                extra_sections=[] if layout == "csv" else [totals, reuploads])
