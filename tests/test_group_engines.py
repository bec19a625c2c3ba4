"""`--group` reads the lineage stored with a deep snapshot (engine `stored`) or builds it (`python`):
both give the same groups, members, sums and order.

Generated Hub rows mix every path of the lineage: tagged quantizations, finetunes, adapters and
merges, cardData bases, untagged re-uploads the name rule links (the same org first, ids differing
in case), re-uploader mirrors, one org's re-uploads of an unlisted stem, chains and metadata
cycles. They are stored through the store's API and read back as a cached listing; the live path
is the stand-in Hub's.
"""

from __future__ import annotations

import os
import random
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import quick_options
from hubradar.analysis.lineage import Lineage
from hubradar.app.groups import STORED_LINEAGE_MIN, Grouped, group_listing, lineage_rules, stored_links
from hubradar.app.listing import get_listing, grouped
from hubradar.app.options import FetchOptions, fetch_options
from hubradar.core.query import ListingQuery, rank
from hubradar.core.record import records_from_hub_json
from hubradar.core.sizes import SizeFilter
from hubradar.core.time import now_utc
from hubradar.store.admin import prune
from hubradar.store.db import DB_NAME, Store
from hubradar.store.lineage import load_lineage, save_lineage

MARKERS = ("GGUF", "AWQ", "GPTQ-Int4", "MLX-4bit", "FP8", "bnb-4bit", "i1-GGUF", "Q4_K_M", "FP8-dynamic")
COPIERS = ("unsloth", "bartowski", "mlx-community", "quanter1", "quanter2")


def hub_rows(n: int, seed: int) -> list[dict[str, Any]]:
    """`n` Hub rows (`/api/models`' shape) with lineage of every kind, shuffled."""
    rng = random.Random(seed)
    orgs = [f"org{i}" for i in range(max(4, n // 30))]
    rows: list[dict[str, Any]] = []
    bases: list[str] = []
    children: list[str] = []
    seen: set[str] = set()

    def add(model_id: str, tags: list[str] | None = None, card: dict | None = None) -> None:
        if model_id in seen:
            return
        seen.add(model_id)
        downloads = rng.choice([None, 0, 0, *(int(rng.paretovariate(1.1) * 50) for _ in range(6))])
        row: dict[str, Any] = {"id": model_id, "downloads": downloads, "likes": rng.choice([None, 0, 3, 40]),
                               "trendingScore": rng.choice([None, 0.0, rng.random() * 20]),
                               "tags": ["transformers", "en", *(tags or ())]}
        if card:
            row["cardData"] = card
        rows.append(row)

    while len(rows) < n:
        roll = rng.random()
        base = rng.choice(bases) if bases else ""
        name = base.rpartition("/")[2]
        if roll < 0.2 or not bases:
            bases.append(f"{rng.choice(orgs)}/Model{len(bases)}-{rng.choice((1, 7, 32))}B")
            add(bases[-1])
        elif roll < 0.35:  # tagged quantization, now and then of a finetune (a chain)
            parent = rng.choice(children) if children and rng.random() < 0.3 else base
            add(f"{rng.choice(COPIERS)}/{parent.rpartition('/')[2]}-{rng.choice(MARKERS)}",
                [f"base_model:{parent}", f"base_model:quantized:{parent}"])
        elif roll < 0.5:  # untagged re-upload: the same org (in another case now and then) or a copier
            org = base.partition("/")[0] if rng.random() < 0.4 else rng.choice(COPIERS)
            add(f"{org.upper() if rng.random() < 0.1 else org}/{name}-{rng.choice(MARKERS)}")
        elif roll < 0.55:  # a copier's mirror under the very same name
            add(f"{rng.choice(COPIERS[:3])}/{name}")
        elif roll < 0.6:  # one org's re-uploads of a model nobody lists
            stem = f"Lost{rng.randrange(n // 20 + 1)}-7B"
            add(f"lostorg/{stem}-{rng.choice(MARKERS)}")
        elif roll < 0.72:
            children.append(f"{rng.choice(orgs)}/{name}-Tune{len(children)}")
            add(children[-1], [f"base_model:finetune:{base}"])
        elif roll < 0.8:  # cardData only, the relation in any case
            add(f"{rng.choice(orgs)}/Card{len(rows)}",
                card={"base_model": base.lower() if rng.random() < 0.3 else base,
                      "base_model_relation": rng.choice(["Finetune", "quantized", "adapter", None])})
        elif roll < 0.88:
            add(f"{rng.choice(orgs)}/Adapter{len(rows)}", [f"base_model:adapter:{base}"])
        elif roll < 0.96:
            other = rng.choice(bases)
            add(f"{rng.choice(orgs)}/Merge{len(rows)}", [f"base_model:merge:{base}", f"base_model:merge:{other}"])
        else:  # a cycle in the metadata
            a, b = f"loop{len(rows)}/A", f"loop{len(rows)}/B"
            add(a, [f"base_model:finetune:{b}"])
            add(b, [f"base_model:quantized:{a}"])
    rows = rows[:n]
    rng.shuffle(rows)
    return rows


def cached_listing(tmp_path: Path, rows: list[dict[str, Any]], sort: str) -> tuple[FetchOptions, Any]:
    """The rows stored as a snapshot of the `sort` listing, read back as the cached listing, with
    the lineage of its records stored too (as a live grouping of that many models stores it)."""
    records, _ = records_from_hub_json(rows)
    query = ListingQuery(sort=sort, limit=20)
    with Store.open(tmp_path) as store:
        snapshot = store.save_snapshot(query.key(), query.describe(), records, depth=len(records) + 1)
        assert save_lineage(store, snapshot, sort, lineage_rules(), stored_links(Lineage(rank(records, sort))))
    options = fetch_options(cache_dir=tmp_path, offline=True, max_age=timedelta(days=1))
    listing = get_listing(query, options, depth=len(records))
    assert listing.source == "cache" and listing.snapshot_id == snapshot
    return options, listing


def answer(result: Grouped) -> dict[str, Any]:
    """Everything a view reads of a grouping: every group in order, its sums and members."""
    grouping = result.grouping
    return {
        "groups": [(g.key, g.downloads, g.ecosystem_downloads, g.derivatives, g.base_downloads, g.likes,
                    g.trending_score, g.downloads_all_time, g.share, g.derived_from, g.members, g.member_count,
                    [r.id for r in g.records])
                   for g in grouping.groups],
        "count": len(grouping), "models": grouping.models, "total": grouping.total_downloads,
        "concentration": grouping.concentration, "broken": grouping.broken, "inferred": grouping.inferred_links,
        "sized": result.sized_models,
    }


@pytest.mark.parametrize(("seed", "n", "sort"), [(1, 300, "downloads"), (2, 1500, "trending"), (3, 3000, "downloads"),
                                                 (4, 800, "likes")])
@pytest.mark.parametrize("by", ["family", "author", "series"])
def test_stored_lineage_groups_as_the_built_one(tmp_path: Path, seed: int, n: int, sort: str, by: str) -> None:
    options, listing = cached_listing(tmp_path, hub_rows(n, seed), sort)
    built = group_listing(listing, options, by=by, depth=n, engine="python")
    stored = group_listing(listing, options, by=by, depth=n, engine="stored")
    assert (built.engine, stored.engine) == ("python", "stored")
    assert answer(stored) == answer(built)
    assert built.grouping.broken and built.grouping.inferred_links  # the generated rows reach those paths
    assert group_listing(listing, options, by=by, depth=n).engine == "stored"  # auto reads it when stored


def test_fewer_models_than_stored_or_a_size_filter_build_their_own(tmp_path: Path) -> None:
    """The name rule matches within the models grouped: a part of the snapshot gets its own lineage."""
    options, listing = cached_listing(tmp_path, hub_rows(600, 5), "downloads")
    part = group_listing(listing, options, by="family", depth=200)
    assert part.engine == "python"
    assert answer(part) == answer(group_listing(listing, options, by="family", depth=200, engine="python"))
    with pytest.raises(ValueError, match="no lineage is stored"):
        group_listing(listing, options, by="family", depth=200, engine="stored")
    sized = group_listing(listing, options, by="family", depth=600, sizes=SizeFilter(min_params=1e9))
    assert sized.engine == "python"  # the estimator reads it; the models of that size link among themselves
    assert answer(sized) == answer(group_listing(listing, options, by="family", depth=600,
                                                 sizes=SizeFilter(min_params=1e9), engine="python"))


def test_a_deep_live_listing_stores_its_lineage_for_the_next_grouping(serve, tmp_path: Path) -> None:
    rows = hub_rows(STORED_LINEAGE_MIN, 6)
    serve(rows)
    notices: list[str] = []
    query = ListingQuery(sort="downloads", limit=20)
    live = grouped(query, quick_options(os.environ["HF_ENDPOINT"], notices, tmp_path),
                   by="family", depth=STORED_LINEAGE_MIN)
    assert (live.listing.source, live.engine) == ("live", "python")
    cached = grouped(query, fetch_options(cache_dir=tmp_path, max_age="1h"), by="family", depth=STORED_LINEAGE_MIN)
    assert (cached.listing.source, cached.engine) == ("cache", "stored")
    assert answer(cached) == answer(live)
    assert notices == []


def test_a_small_live_listing_stores_none(serve, tmp_path: Path) -> None:
    serve(hub_rows(300, 7))
    live = grouped(ListingQuery(sort="downloads"), quick_options(os.environ["HF_ENDPOINT"], [], tmp_path),
                   by="family", depth=300)
    assert live.engine == "python"
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        assert conn.execute("SELECT COUNT(*) FROM snapshot_lineage").fetchone() == (0,)


def test_a_pruned_snapshot_takes_its_lineage_and_a_damaged_one_is_built_again(tmp_path: Path) -> None:
    options, listing = cached_listing(tmp_path, hub_rows(300, 8), "downloads")
    with sqlite3.connect(tmp_path / DB_NAME) as conn:  # a column cut short: the links no longer line up
        conn.execute("UPDATE snapshot_lineage SET inferred = substr(inferred, 2)")
    with Store.open(tmp_path) as store:
        assert load_lineage(store, listing.snapshot_id, "downloads", lineage_rules()) is None
    assert group_listing(listing, options, by="family", depth=300).engine == "python"
    with Store.open(tmp_path) as store:
        prune(store, timedelta(0), now=now_utc() + timedelta(days=1))
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        assert conn.execute("SELECT COUNT(*) FROM snapshot_lineage").fetchone() == (0,)


def test_a_lineage_stored_under_other_rules_is_built_again(tmp_path: Path) -> None:
    """A hubradar whose lineage rules changed does not read the links an older one stored."""
    options, listing = cached_listing(tmp_path, hub_rows(300, 9), "downloads")
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        conn.execute("UPDATE snapshot_lineage SET rules = 'older'")
    assert group_listing(listing, options, by="family", depth=300).engine == "python"
    with Store.open(tmp_path) as store:
        assert load_lineage(store, listing.snapshot_id, "downloads", "older") is not None
