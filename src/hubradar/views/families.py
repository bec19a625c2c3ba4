"""Views of families: `--group family|author|series` on listings, and `hubradar family`'s tree.

The same data in every format, laid out for each: tables and Markdown show the top members under
each group (and each child's own children under it); JSON nests every member in its group row;
CSV flattens members to a list of ids.

With `--derivatives`, every member of the groups shown gets its `childrenModelCount` (looked up by
the caller's function, `signals.with_derivatives`), and each group its members' sum
(`member_derivatives`, a lower bound when some are unknown, `null` when none is known). The group
row's older `derivatives` key is something else: the finetunes, adapters and merges of the listing
that lead back to the group.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from hubradar.analysis.families import Group, Grouping
from hubradar.analysis.signals import sum_known
from hubradar.app.groups import Grouped
from hubradar.core.listing import Listing
from hubradar.core.record import ModelRecord
from hubradar.core.time import now_utc
from hubradar.core.units import count_of, human_count
from hubradar.views.listing import SOURCE_TEXT, listing_meta
from hubradar.views.view import Column, OutputFormat, View

Layout = Literal["table", "json", "csv"]
MEMBERS_SHOWN = 3  # members under each group in a table
# Fills in `children_count` for the records given (`signals.with_derivatives` with the command's options).
LookUp = Callable[[Sequence[ModelRecord]], Sequence[ModelRecord]]
Counts = Mapping[str, int | None]  # model id -> childrenModelCount, None when unknown
PARTIAL = "≥"  # a table's mark on a sum that leaves out members whose count is unknown
_RANKED = {"trending": "summed trending score", "likes": "summed likes",
           "all-time": "summed all-time downloads", "downloads": "summed downloads (30 days)"}


def layout_of(fmt: OutputFormat | str) -> Layout:
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.json:
        return "json"
    return "csv" if fmt is OutputFormat.csv else "table"


def _pct(value: float | None, layout: Layout) -> float | str | None:
    """Shares: fractions (0..1, 4 places) for pipes; percentages in tables (0.4, 12)."""
    if value is None:
        return None
    if layout != "table":
        return round(value, 4)
    percent = value * 100
    return f"{percent:.1f}" if percent < 9.95 else f"{percent:.0f}"


def _mark(relation: str, inferred: bool) -> str:
    return relation + ("*" if inferred else "")


def group_rows(grouping: Grouping, limit: int, layout: Layout, counts: Counts | None = None) -> list[dict[str, Any]]:
    """One row per group; members nested (json), as ids (csv) or as rows under it (table).

    With `counts` (`--derivatives`), each group gets its members' summed derivatives and each
    member its own count.
    """
    rows: list[dict[str, Any]] = []
    for position, group in enumerate(grouping.top(limit), start=1):
        row: dict[str, Any] = {
            "rank": position,
            grouping.by: group.key,
            "downloads": group.downloads,
            "ecosystem_downloads": group.ecosystem_downloads,
            "share": _pct(group.share, layout),
            "base_downloads": group.base_downloads,
            "base_share": _pct(group.base_share, layout),
            "member_count": group.member_count,
            "derivatives": group.derivatives,
            "likes": group.likes,
            "trending_score": round(group.trending_score, 2),
        }
        if grouping.rank_by == "all-time":
            row["downloads_all_time"] = group.downloads_all_time
        if grouping.by == "family":
            link = group.derived_from
            row["derived_from"] = (None if link is None else
                                   {"id": link.parent, "relation": link.relation, "inferred": link.inferred})
        if counts is not None:
            total, known = member_derivatives(group, counts)
            row |= {"member_derivatives": total, "member_derivatives_known": known}
        if layout == "json":
            members = [m.to_dict() for m in group.members]
            if counts is not None:
                members = [m | {"derivatives": counts.get(str(m["id"]))} for m in members]
            rows.append(row | {"members": members})
        elif layout == "csv":
            rows.append(row | {"members": [m.id for m in group.members]})
        else:
            if counts is not None:
                row["member_derivatives"] = _derivatives_cell(total, known, group.member_count)
            rows.append(row | {"key": group.key, "relation": " "})  # blank, not "-": a group has no relation
            if group.member_count == 1 and group.records[0].id == group.key:
                continue  # a base alone: its row says it all
            rows += [{"rank": "└", "key": m.id, "relation": _mark(m.relation, m.inferred),
                      "downloads": m.downloads}
                     | ({"member_derivatives": counts.get(m.id)} if counts is not None else {})
                     for m in group.members[:MEMBERS_SHOWN]]
    return rows


def member_derivatives(group: Group, counts: Counts) -> tuple[int | None, int]:
    """A group's derivatives: the sum of its members' known counts, and how many members are known.

    A lower bound when fewer are known than the group has members; None (unknown, never 0) when
    none is known.
    """
    values = [counts.get(m.id) for m in group.members]
    return sum_known(values), sum(v is not None for v in values)


def _derivatives_cell(total: int | None, known: int, members: int) -> int | str | None:
    """The table's cell: the sum, marked `≥` when some members' counts are unknown."""
    if total is None or known == members:
        return total
    return PARTIAL + human_count(total)


def _group_view(grouping: Grouping, listing: Listing, *, limit: int, depth: int, pool_size: int,
                layout: Layout, title: str, counts: Counts | None = None) -> View:
    """The `--group` view of a listing: groups ranked, shares, concentration and coverage.

    `counts` (`--derivatives`): the members' childrenModelCount, for the derivatives column.
    """
    by = grouping.by
    complete = pool_size < depth
    covered = (f"all {count_of(grouping.models, 'model')} the Hub lists for this query" if complete
               else f"the top {count_of(grouping.models, 'model')} of this listing (--depth {depth})")
    if listing.source == "snapshot":
        covered = f"the {grouping.models} matching models of the bundled snapshot"
    top = ", ".join(f"top {n} {_share_text(s)}" for n, s in grouping.concentration.items())
    source = "" if listing.source == "snapshot" else f"{SOURCE_TEXT[listing.source]}, "  # `covered` says it
    notes = [
        f"{min(limit, len(grouping))} of {len(grouping)} {by} groups from {covered}, "
        f"{source}fetched {listing.fetched_at:%Y-%m-%d %H:%M} UTC; ranked by {_RANKED[grouping.rank_by]}",
        f"concentration of the downloads listed: {top}",
        "downloads: the base and its re-uploads (same weights, last 30 days)",
    ]
    shown = grouping.top(limit)
    if any(m.inferred for g in shown for m in g.members[:MEMBERS_SHOWN]):
        notes.append("* linked by name, not by the Hub's lineage metadata (see docs/lineage.md)")
    broken = [f"{child} -> {link.parent}" for child, link in grouping.broken]
    if broken:
        more = f" and {len(broken) - 3} more (see --format json)" if len(broken) > 3 else ""
        notes.append(f"lineage cycles broken, links ignored: {', '.join(broken[:3])}{more}")
    meta = listing_meta(listing) | {
        "group_by": by,
        "ranked_by": grouping.rank_by,
        "coverage": {"models": grouping.models, "depth": depth, "complete": complete},
        "total_downloads": grouping.total_downloads,
        "concentration": {f"top{n}": (None if s is None else round(s, 4))
                          for n, s in grouping.concentration.items()},
        "inferred_links": grouping.inferred_links,
        "broken_links": [{"id": child, "parent": link.parent, "relation": link.relation}
                         for child, link in grouping.broken],
    }
    metric = {"trending": Column("trending_score", "trending", "score"),
              "likes": Column("likes", "likes", "count"),
              "all-time": Column("downloads_all_time", "all-time", "count")}.get(grouping.rank_by)
    columns = [
        Column("rank", "#", "int"),
        Column("key", by, "id"),
        *([metric] if metric else []),
        Column("downloads", "downloads", "count"),
        Column("share", "share %", "pct", priority=2),
        Column("ecosystem_downloads", "ecosystem", "count", priority=2),
        Column("member_count", "members", "int", priority=3),
        Column("base_share", "base %", "pct", priority=3),
        # Last, so a mostly blank column does not take room from the ids: the members' relation.
        Column("relation", "relation", "text", priority=1),
    ]
    csv_keys = ["rank", by, "downloads", "ecosystem_downloads", "share", "base_downloads", "base_share",
                "member_count", "derivatives", "likes", "trending_score", "members"]
    column_notes = {"ecosystem_downloads": "ecosystem: adds the finetunes, adapters and merges that lead back to it",
                    "base_share": "base %: the original repos' own share of the downloads",
                    "relation": "relation: how each member shown carries the base's weights or builds on it"}
    if counts is not None:
        at = next(i for i, c in enumerate(columns) if c.key == "downloads") + 1
        columns.insert(at, Column("member_derivatives", "derivatives", "count"))  # asked for: always kept
        at = csv_keys.index("derivatives") + 1
        csv_keys[at:at] = ["member_derivatives", "member_derivatives_known"]
        column_notes["member_derivatives"] = _derivatives_note(shown, counts)
    return View(columns=columns, rows=group_rows(grouping, limit, layout, counts), meta=meta, title=title,
                notes=notes, now=now_utc(), csv_keys=csv_keys, empty_message="No models match.",
                column_notes=column_notes)


def _derivatives_note(shown: list[Group], counts: Counts) -> str:
    """The derivatives column's legend: what is summed, and what `≥` means when it appears."""
    note = ("derivatives: models on the Hub that name a member as their base (finetunes, quantizations, "
            f"adapters, merges), summed over all of each group's members (the table shows the top {MEMBERS_SHOWN})")
    members = [m.id for g in shown for m in g.members]
    unknown = sum(counts.get(i) is None for i in members)
    if unknown:
        note += (f"; unknown for {unknown} of {len(members)} members: {PARTIAL} marks a lower bound, "
                 "- a group with none known")
    return note


def _share_text(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def group_view(answer: Grouped, *, fmt: OutputFormat | str, title: str) -> View:
    """The `--group` view of a grouped listing (`app.listing.grouped`): the top `limit` groups."""
    view = _group_view(answer.grouping, answer.listing, limit=answer.limit, depth=answer.depth,
                       pool_size=answer.pool_size, layout=layout_of(fmt), title=f"{title}, by {answer.grouping.by}",
                       counts=answer.counts)
    if answer.sizes is not None:
        view.meta["query"]["sizes"] = answer.sizes.to_dict()
        view.notes.insert(1, f"only models of {answer.sizes.describe()} ({answer.sized_models} of the models covered)")
    return view
