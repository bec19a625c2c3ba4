"""`hubradar state`: every figure of a small imported snapshot against a plain computation of its definition.

The snapshot is a hub-stats-shaped Parquet file written here and imported with `hubradar import`:
a few bases, their declared derivatives (finetunes, a quantization of a finetune, adapters of a
base no longer listed, a merge), re-uploads only the name rule links (a GGUF of a base, an
adapter of that GGUF, a re-uploader's mirror), and 400 unrelated models with small downloads,
some unknown. The lineage expected is written out below by hand (`LINKS`), and each figure is
computed from the rows by its definition in docs/methodology.md, not by hubradar's code.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

TAKEN = "2026-08-21T19:00Z"
GB = 1_000_000_000


def _row(model_id: str, downloads: int | None, *, task: str | None = "text-generation", author: str | None = "",
         tags: list[str] | None = None, st: int | None = None, gguf: int | None = None, all_time: int | None = None,
         created: str | None = "2026-03-10T08:00:00Z") -> dict[str, Any]:
    return {"id": model_id, "author": model_id.split("/")[0] if author == "" else author, "pipeline_tag": task,
            "downloads": downloads, "downloadsAllTime": all_time if all_time is not None else
            (None if downloads is None else downloads * 3), "createdAt": created, "tags": tags or [],
            "safetensors": None if st is None else {"total": st}, "gguf": None if gguf is None else {"total": gguf}}


LINEAGE = [
    _row("Qwen/Base-A-8B", 900_000, st=8 * GB, created="2026-01-05T00:00:00Z"),
    _row("meta-llama/Base-B-70B", 500_000, st=70 * GB, created="2025-11-20T00:00:00Z"),
    _row("someorg/Base-C-1B", 12_000, task="feature-extraction", author=None, st=1 * GB),
    _row("mistralai/Base-D", 250_000, task="text-to-image", created=None),
    _row("x/Tune-1", 30_000, st=8_100_000_000,
         tags=["base_model:Qwen/Base-A-8B", "base_model:finetune:Qwen/Base-A-8B"]),
    _row("y/Tune-1-GGUF", 4_000, tags=["gguf", "base_model:quantized:x/Tune-1"]),
    _row("bartowski/Base-A-8B-GGUF", 70_000, gguf=8 * GB),
    _row("z/A-adapter", 150, task=None, tags=["base_model:adapter:bartowski/Base-A-8B-GGUF"]),
    _row("mradermacher/Base-B-70B-GGUF", None),
    _row("w/Foo-lora", 90, tags=["base_model:adapter:gone/Unlisted-Base"]),
    _row("w2/Foo-lora-2", 40, tags=["base_model:adapter:gone/Unlisted-Base"]),
    _row("v/Base-B-70B-merge", 800, tags=["base_model:merge:meta-llama/Base-B-70B"]),
    _row("unsloth/Base-C-1B", 2_500, task="feature-extraction"),
]
# child -> (parent, relation, found by the name rule)
LINKS = {
    "x/Tune-1": ("Qwen/Base-A-8B", "finetune", False),
    "y/Tune-1-GGUF": ("x/Tune-1", "quantized", False),
    "bartowski/Base-A-8B-GGUF": ("Qwen/Base-A-8B", "quantized", True),
    "z/A-adapter": ("bartowski/Base-A-8B-GGUF", "adapter", False),
    "mradermacher/Base-B-70B-GGUF": ("meta-llama/Base-B-70B", "quantized", True),
    "w/Foo-lora": ("gone/Unlisted-Base", "adapter", False),
    "w2/Foo-lora-2": ("gone/Unlisted-Base", "adapter", False),
    "v/Base-B-70B-merge": ("meta-llama/Base-B-70B", "merge", False),
    "unsloth/Base-C-1B": ("someorg/Base-C-1B", "mirror", True),
}
TASKS = ("text-generation", "feature-extraction", "text-classification", None)


def fillers(n: int = 400, salt: int = 0) -> list[dict[str, Any]]:
    return [_row(f"filler{i % 7}/m-{i}", None if i % 50 == 7 else (i * 37 + salt) % 1000, task=TASKS[i % 4],
                 st=(i % 5 + 1) * 100_000_000 if i % 3 == 0 else None,
                 created=None if i % 61 == 0 else f"202{5 + i % 2}-{1 + i % 12:02d}-{1 + i % 27:02d}T10:00:00Z",
                 all_time=None if i % 40 == 3 else i * 11)
            for i in range(n)]


def write_dump(path: Path, rows: list[dict[str, Any]]) -> Path:
    """`rows` as a hub-stats `models` Parquet file (the API's field names; structs for the weights)."""
    source = path.with_suffix(".json")
    source.write_text(json.dumps(rows))
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    columns = {"id": "VARCHAR", "author": "VARCHAR", "pipeline_tag": "VARCHAR", "downloads": "BIGINT",
               "downloadsAllTime": "BIGINT", "createdAt": "TIMESTAMPTZ", "tags": "VARCHAR[]",
               "safetensors": "STRUCT(total BIGINT)", "gguf": "STRUCT(total BIGINT)"}
    con.execute(f"COPY (SELECT * FROM read_json('{source}', columns = {columns!r}, format = 'array')) "
                f"TO '{path}' (FORMAT parquet)")
    con.close()
    return path


@pytest.fixture
def imported(run, tmp_path: Path) -> list[dict[str, Any]]:
    rows = LINEAGE + fillers()
    result = run("import", str(write_dump(tmp_path / "models.parquet", rows)), "--at", TAKEN)
    assert result.code == 0, result.err
    return rows


# --- the definitions, plainly -------------------------------------------------------------------

def org_of(row: dict[str, Any]) -> str:
    return row["author"] or row["id"].split("/")[0]


def params_of(row: dict[str, Any]) -> int | None:
    return (row["safetensors"] or {}).get("total") or (row["gguf"] or {}).get("total")


def root_of(model_id: str, follow: set[str] | None = None) -> tuple[str, bool]:
    """The end of a model's links (only `follow` relations, when given), and whether one is the name rule's."""
    named = False
    while model_id in LINKS and (follow is None or LINKS[model_id][1] in follow):
        parent, _, by_name = LINKS[model_id]
        named = named or by_name
        model_id = parent
    return model_id, named


def gini(values: list[int]) -> float:
    """Half the mean absolute difference over the mean (every pair)."""
    n, mean = len(values), sum(values) / len(values)
    return sum(abs(a - b) for a in values for b in values) / (2 * n * n * mean)


def weighted_median(pairs: list[tuple[int, int]]) -> int:
    """The smallest size at which the downloads of the models that size or smaller reach half of all."""
    total, seen = sum(d for _, d in pairs), 0
    for size, d in sorted(pairs):
        seen += d
        if 2 * seen >= total:
            return size
    raise AssertionError("no downloads")


def shares(rows: list[dict[str, Any]], key: Any, total_models: int, total: int) -> dict[Any, dict[str, Any]]:
    by: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by[key(r)].append(r)
    return {k: {"models": len(v), "downloads": sum(r["downloads"] or 0 for r in v),
                "model_share": round(len(v) / total_models, 4),
                "download_share": round(sum(r["downloads"] or 0 for r in v) / total, 4)} for k, v in by.items()}


def expected(rows: list[dict[str, Any]], everything: list[dict[str, Any]],
             table: dict[str, tuple[str | None, str | None]]) -> dict[str, Any]:
    """Every figure of `rows` (a filtered part of `everything`, the snapshot) by its definition."""
    known = sorted((r["downloads"] for r in rows if r["downloads"] is not None), reverse=True)
    total = sum(known)
    all_time = [r["downloadsAllTime"] for r in rows if r["downloadsAllTime"] is not None]
    listed = {r["id"]: r for r in everything}
    families: dict[str, dict[str, Any]] = defaultdict(lambda: {"derivatives": 0, "declared": 0, "by_name": 0,
                                                              "ecosystem_downloads": 0})
    for r in rows:
        root, named = root_of(r["id"])
        family = families[root]
        family["ecosystem_downloads"] += r["downloads"] or 0
        if root != r["id"]:
            family["derivatives"] += 1
            family["by_name" if named else "declared"] += 1
    sized = []
    for r in rows:
        own = params_of(r)
        base = root_of(r["id"], {"quantized", "mirror"})[0]
        size = own or (params_of(listed[base]) if base in listed and base != r["id"] else None)
        if size:
            sized.append((size, r["downloads"] or 0, own is None))
    sized_downloads = [(s, d) for s, d, _ in sized if d > 0]
    months = Counter(r["createdAt"][:7] if r["createdAt"] else None for r in rows)
    return {
        "models": len(rows), "downloads": total, "models_with_downloads": len(known),
        "top_200_share": round(sum(known[:200]) / total, 4),
        "top_0_01_percent_share": round(sum(known[:math.ceil(len(known) * 0.0001)]) / total, 4),
        "top_1_percent_share": round(sum(known[:math.ceil(len(known) * 0.01)]) / total, 4),
        "gini": round(gini(known), 4),
        "median_downloads": statistics.median(known),
        "share_below_200": round(sum(1 for x in known if x < 200) / len(known), 4),
        "share_below_200_all_time": round(sum(1 for x in all_time if x < 200) / len(all_time), 4),
        "families": {k: v for k, v in families.items() if v["derivatives"]},
        "sizes": {"models_with_params": len(sized), "params_from_base": sum(1 for *_, b in sized if b),
                  "mean_params": statistics.mean(s for s, *_ in sized),
                  "median_params": statistics.median(s for s, *_ in sized),
                  "weighted_mean_params": sum(s * d for s, d, _ in sized) / sum(d for _, d, _ in sized),
                  "weighted_median_params": weighted_median(sized_downloads)},
        "tasks": shares(rows, lambda r: r["pipeline_tag"], len(rows), total),
        "authors": shares(rows, org_of, len(rows), total),
        "monthly": sorted(months.items(), key=lambda kv: (kv[0] is None, kv[0] or "")),
        "regions": shares(rows, lambda r: table.get(org_of(r).lower(), (None, None))[0], len(rows), total),
        "kinds": shares(rows, lambda r: table.get(org_of(r).lower(), (None, None))[1], len(rows), total),
        "covered": sum(r["downloads"] or 0 for r in rows if org_of(r).lower() in table) / total,
    }


def bundled_table() -> dict[str, tuple[str | None, str | None]]:
    """The shipped org table, read as a plain CSV."""
    import csv
    from importlib import resources

    text = resources.files("hubradar").joinpath("data/orgs.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return {r["org"].lower(): (r["region"] or None, r["kind"] or None) for r in csv.DictReader(lines)}


def assert_figures(got: dict[str, Any], want: dict[str, Any]) -> None:
    for key in ("models", "downloads", "models_with_downloads", "top_200_share", "top_0_01_percent_share",
                "top_1_percent_share", "gini", "median_downloads", "share_below_200", "share_below_200_all_time"):
        assert got[key] == pytest.approx(want[key], abs=1e-4), key
    families = {f["family"]: {k: f[k] for k in ("derivatives", "declared", "by_name", "ecosystem_downloads")}
                for f in got["families"]}
    assert families == dict(sorted(want["families"].items(), key=lambda kv: -kv[1]["derivatives"])[:len(families)])
    assert [f["derivatives"] for f in got["families"]] == sorted((f["derivatives"] for f in got["families"]),
                                                                 reverse=True)
    assert got["families_with_derivatives"] == len(want["families"])
    for key, value in want["sizes"].items():
        assert got["sizes"][key] == pytest.approx(value), key
    for name, singular in (("tasks", "task"), ("authors", "author"), ("regions", "region"), ("kinds", "kind")):
        rows = {c[singular]: {k: c[k] for k in ("models", "downloads", "model_share", "download_share")}
                for c in got[name]["top"]}
        assert got[name]["classes"] == len(want[name]), name
        assert rows == {k: v for k, v in want[name].items() if k in rows}, name
        assert len(rows) == min(len(want[name]), 10 if name in ("tasks", "authors") else len(want[name]))
    assert [(m["month"], m["models"]) for m in got["monthly"]] == want["monthly"]
    assert got["org_table"]["download_share"] == pytest.approx(want["covered"], abs=1e-4)


# --- the tests ----------------------------------------------------------------------------------

def state_json(run, *args: str) -> dict[str, Any]:
    result = run("state", "--format", "json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_every_figure_matches_its_definition(run, imported: list[dict[str, Any]]) -> None:
    got = state_json(run)
    assert {"models", "downloads", "top_200_share", "share_below_200", "median_downloads", "gini", "families",
            "taken_at", "source", "filters", "sizes", "tasks", "authors", "monthly", "regions", "kinds",
            "org_table"} <= set(got)
    assert got["taken_at"] == "2026-08-21T19:00:00Z" and got["source"] == "import"
    assert_figures(got, expected(imported, imported, bundled_table()))
    qwen = got["families"][0]
    assert qwen == {"family": "Qwen/Base-A-8B", "derivatives": 4, "declared": 2, "by_name": 2,
                    "ecosystem_downloads": 900_000 + 30_000 + 4_000 + 70_000 + 150, "downloads": 900_000,
                    "listed": True}
    gone = next(f for f in got["families"] if f["family"] == "gone/Unlisted-Base")
    assert gone["listed"] is False and gone["downloads"] is None and gone["derivatives"] == 2
    assert got["sizes"]["params_from_base"] == 3  # the GGUF of the finetune, the GGUF and the mirror


def test_the_lineage_of_a_snapshot_is_kept_and_read_again(run, imported: list[dict[str, Any]],
                                                          _isolated: Path) -> None:
    # built when the snapshot was written, so that even its first report only reads it
    [kept] = (_isolated / "hub" / "derived").glob("models-20260821T190000Z.roots-*.parquet")
    built = kept.stat().st_mtime_ns
    first = state_json(run)
    assert state_json(run) == first and kept.stat().st_mtime_ns == built  # read from the kept roots
    kept.write_bytes(b"damaged")
    assert state_json(run) == first  # a damaged file is built again, and replaced
    assert kept.read_bytes()[:4] == b"PAR1"


def test_the_table_csv_and_markdown_show_the_same_figures(run, imported: list[dict[str, Any]]) -> None:
    table = run("state")
    assert table.code == 0, table.err
    assert "State of the Hub, 2026-08-21 19:00 UTC (import)" in table.out
    assert "Families with most derivatives" in table.out
    assert "Qwen/Base-A-8B" in table.out and "By region" in table.out and "unknown" in table.out
    csv_out = run("state", "--format", "csv")
    assert csv_out.code == 0
    lines = csv_out.out.splitlines()
    assert lines[0] == "section,key,value,models,declared,by_name,downloads,model_share,download_share"
    assert f"headline,models,{len(imported)}," in csv_out.out
    assert any(line.startswith("families,Qwen/Base-A-8B,") for line in lines)
    md = run("state", "--format", "md")
    assert md.code == 0 and "### Families with most derivatives" in md.out and "| models |" in md.out


@pytest.mark.parametrize("flag,value", [("--task", "feature-extraction"), ("--author", "FILLER3")])
def test_a_filter_recomputes_every_figure_over_its_models(run, imported: list[dict[str, Any]], flag: str,
                                                          value: str) -> None:
    got = state_json(run, flag, value)
    keep = [r for r in imported if (r["pipeline_tag"] == value if flag == "--task" else org_of(r) == value.lower())]
    assert got["filters"] == {"task": value if flag == "--task" else None,
                              "author": value if flag == "--author" else None}
    assert_figures(got, expected(keep, imported, bundled_table()))


def test_the_unmatched_filter_is_one_line(run, imported: list[dict[str, Any]]) -> None:
    result = run("state", "--task", "no-such-task")
    assert result.code == 1 and result.err.count("\n") == 1 and "no-such-task" in result.err


def test_at_picks_the_newest_snapshot_taken_by_then(run, tmp_path: Path, imported: list[dict[str, Any]]) -> None:
    older = LINEAGE[:4] + fillers(100, salt=5)
    assert run("import", str(write_dump(tmp_path / "old.parquet", older)), "--at", "2026-06-01T12:00Z").code == 0
    assert state_json(run)["models"] == len(imported)  # the latest
    on_the_day = state_json(run, "--at", "2026-06-01")  # a day: its whole
    assert on_the_day["taken_at"] == "2026-06-01T12:00:00Z"
    assert_figures(on_the_day, expected(older, older, bundled_table()))
    assert state_json(run, "--at", "2026-07-01T00:00")["taken_at"] == "2026-06-01T12:00:00Z"
    before = run("state", "--at", "2026-05-01")
    assert before.code == 1 and before.err.count("\n") == 1 and "2026-06-01" in before.err


def test_no_snapshot_says_how_to_make_one(run, _isolated: Path) -> None:
    result = run("state")
    assert result.code == 1 and result.out == ""
    assert result.err.count("\n") == 1 and "`hubradar crawl`" in result.err and "`hubradar import" in result.err


def test_an_org_table_of_ones_own_and_its_unknown_class(run, tmp_path: Path, imported: list[dict[str, Any]],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "orgs.csv"
    mine.write_text("# mine\norg,region,kind,extra\nQWEN,China,company,x\nmeta-llama,United States,company,\n"
                    "filler2,,academic,\nQwen,Nowhere,company,the first row of an org wins\n", encoding="utf-8")
    table = {"qwen": ("China", "company"), "meta-llama": ("United States", "company"), "filler2": (None, "academic")}
    got = state_json(run, "--orgs", str(mine))
    assert got["org_table"]["source"] == str(mine) and got["org_table"]["orgs"] == 3
    assert_figures(got, expected(imported, imported, table))
    regions = {c["region"]: c for c in got["regions"]["top"]}
    assert set(regions) == {"China", "United States", None} and regions[None] == got["regions"]["top"][-1]
    # filler2 is in the table (coverage) but its region is unknown: counted there, and in kind's known share
    filler2 = sum(r["downloads"] or 0 for r in imported if org_of(r) == "filler2")
    assert got["org_table"]["region_known_share"] == pytest.approx(
        got["org_table"]["download_share"] - filler2 / got["downloads"], abs=1e-4)
    monkeypatch.setenv("HUBRADAR_ORGS", str(mine))
    assert state_json(run)["regions"] == got["regions"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,region\nQwen,China\n")
    refused = run("state", "--orgs", str(bad))
    assert refused.code == 2 and refused.err.count("\n") == 1 and "no org column" in refused.err


def test_the_library_gives_the_same_figures(imported: list[dict[str, Any]], _isolated: Path) -> None:
    import hubradar

    answer = hubradar.state(task="text-generation", limit=3)
    keep = [r for r in imported if r["pipeline_tag"] == "text-generation"]
    want = expected(keep, imported, bundled_table())
    assert answer.distribution.models == want["models"] and answer.distribution.downloads == want["downloads"]
    assert answer.distribution.gini == pytest.approx(want["gini"], abs=1e-4)
    assert [f.family for f in answer.families][:1] == ["Qwen/Base-A-8B"] and len(answer.families) == 3
    assert answer.taken_at == datetime(2026, 8, 21, 19, tzinfo=UTC)
    assert "state" in hubradar.__all__


def test_the_report_page_has_a_state_of_the_hub_section_with_the_same_figures(run, hub, tmp_path: Path,
                                                                             imported: list[dict[str, Any]]) -> None:
    from htmlcheck import read_page

    figures = state_json(run)
    out = tmp_path / "radar.html"
    result = run("report", "--out", str(out), "--limit", "3")
    assert result.code == 0, result.err
    markup = out.read_text(encoding="utf-8")
    assert read_page(markup).problems == []
    start = markup.index('<section class="card" id="state"')
    section = markup[start: markup.index("</section>", start)]
    assert "State of the Hub" in section and "whole-Hub snapshot of 2026-08-21 19:00 UTC" in section
    assert f"{figures['models']:,}" in section and f"{figures['top_200_share'] * 100:.1f}%" in section
    families = re.findall(r'<td class="id" data-sort="([^"]+)"', section)
    assert families == [f["family"] for f in figures["families"][:5]]
    md = run("report", "--format", "md", "--limit", "3")
    assert md.code == 0 and "## State of the Hub" in md.out and "Qwen/Base-A-8B" in md.out


def test_without_a_snapshot_the_report_has_no_state_section(run, hub, tmp_path: Path) -> None:
    out = tmp_path / "radar.html"
    assert run("report", "--out", str(out), "--limit", "3").code == 0
    assert 'id="state"' not in out.read_text(encoding="utf-8")
