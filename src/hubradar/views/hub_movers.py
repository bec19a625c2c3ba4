"""The view of `hubradar movers --whole-hub`: the models that gained most between two whole-Hub snapshots.

Every format gets the same rows (only the top `limit` come back from DuckDB); each row says how
its downloads between were counted (`downloads_basis`), and the note counts the bases, for the
rows shown and across every model compared.
"""

from __future__ import annotations

from typing import Any

from hubradar.analysis.between import EXACT, WINDOW, describe_bases
from hubradar.app.hub_movers import HubMovers
from hubradar.core.time import to_iso
from hubradar.core.units import count_of, human_count
from hubradar.views.history import describe_gap, when
from hubradar.views.view import Column, OutputFormat, View

TITLES = {"downloads": "Most downloaded between the snapshots", "likes": "Most likes gained",
          "trending": "Most trending score gained"}
HUB_MOVER_KEYS = ["id", "status", "rank", "previous_rank", "rank_change", "downloads_between", "downloads_basis",
                  "likes_gained", "trending_change", "downloads", "likes", "trending_score", "task"]


def _columns(result: HubMovers) -> list[Column]:
    mixed = len({r.downloads_basis for r in result.rows if r.downloads_basis}) > 1
    return [
        Column("rank", "#", "int"),
        Column("rank_change", "±", "delta", priority=2),
        Column("id", "model", "id"),
        Column("previous_rank", "was", "int", priority=3),
        Column("downloads_between", "downloads +", "delta"),
        *([Column("downloads_basis", "basis", "text", priority=1)] if mixed else []),
        Column("downloads", "downloads (30d)", "count", priority=2),
        Column("likes_gained", "likes +", "delta", priority=1),
        Column("trending_change", "trending ±", "delta", priority=3),
    ]


def hub_movers_meta(result: HubMovers) -> dict[str, Any]:
    t = result.totals
    return {
        "whole_hub": True,
        "from": to_iso(result.older.taken_at),
        "to": to_iso(result.newer.taken_at),
        "sort": result.sort,
        "task": result.task,
        "models": t.models,
        "new": t.new,
        "gone": t.gone,
        "downloads_basis": result.basis_counts(),
        "hub_downloads_basis": {EXACT: t.exact, WINDOW: t.window, "unknown": t.unknown},
        "exact_downloads": t.exact_downloads,
    }


def hub_movers_summary(result: HubMovers) -> list[str]:
    """Which two snapshots and how far apart; the models compared; how the downloads were counted."""
    t = result.totals
    older, newer = result.older.taken_at, result.newer.taken_at
    scope = f" of {result.task}" if result.task else ""
    hub = {EXACT: t.exact, WINDOW: t.window, "unknown": t.unknown}
    total = (f"; {human_count(t.exact_downloads)} downloads in all where exact" if t.exact_downloads is not None
             else "")
    return [
        f"{when(older)} → {when(newer)} UTC ({describe_gap(older, newer)}): whole-Hub snapshots, "
        f"{count_of(t.models, 'model')}{scope} in the newer, {t.new:,} new, {t.gone:,} gone; "
        "ranks are by 30-day downloads in each snapshot (ties share one)",
        f"downloads + is {describe_bases(result.basis_counts())}; over every model compared "
        f"{describe_bases(hub, 'model')}{total}",
    ]


def hub_movers_view(result: HubMovers, fmt: OutputFormat) -> View:
    rows = [r.to_dict() for r in result.rows]
    meta = hub_movers_meta(result)
    if fmt in (OutputFormat.json, OutputFormat.csv):
        return View(_columns(result), rows, meta=meta, csv_keys=HUB_MOVER_KEYS)
    scope = f" — {result.task}" if result.task else " — the whole Hub"
    return View(_columns(result), rows, meta=meta, title=TITLES[result.sort] + scope,
                notes=hub_movers_summary(result), empty_message="No model is known in both snapshots.")
