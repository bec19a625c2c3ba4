"""Flag rules on real rows of the 2026-08-21 capture and on made-up edge cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from conftest import hub_models
from hubradar.analysis.flags import FlagContext, flags_for, is_spike, legend_line
from hubradar.core.record import ModelRecord, from_hub_json

TAKEN = datetime(2026, 8, 21, 19, tzinfo=UTC)
RECORDS = {r.id: r for r in map(from_hub_json, hub_models())}


def test_launch_of_the_period_is_new_and_not_a_spike() -> None:
    qwen = RECORDS["Qwen/Qwen3.8-27B"]  # created 2026-08-05, 16 days before: not new any more
    assert flags_for(qwen, FlagContext(TAKEN)) == []
    assert "new" in flags_for(qwen, FlagContext(datetime(2026, 8, 15, tzinfo=UTC)))


def test_spike_needs_attention_far_ahead_of_use() -> None:
    assert is_spike(RECORDS["orcarouter/Qwen3.8-27B-Uncensored-MLX"])  # 655 trending, 792 likes, 18K downloads
    assert not is_spike(RECORDS["unsloth/Qwen3.8-27B-GGUF"])  # 5.8M downloads: used, not just liked
    assert not is_spike(RECORDS["moonshotai/Kimi-K3"])  # 192 trending against 10.9K likes


def test_embedding_models_are_utility_and_gguf_repos_say_how_they_count() -> None:
    assert "utility" in flags_for(RECORDS["sentence-transformers/all-MiniLM-L6-v2"], FlagContext(TAKEN))
    flags = flags_for(RECORDS["unsloth/Qwen3.8-27B-GGUF"], FlagContext(TAKEN, family_root="Qwen/Qwen3.8-27B"))
    assert flags == ["new", "re-upload", "gguf-count"]  # created 2026-08-13, 8 days before


def test_unknown_size_and_missing_numbers_never_raise() -> None:
    bare = ModelRecord(id="someone/thing")
    assert flags_for(bare, FlagContext(TAKEN, params_known=False)) == ["unknown-size"]
    assert not is_spike(replace(bare, trending_score=500.0))  # likes unknown: no verdict


def test_legend_lists_only_the_flags_shown_in_order() -> None:
    assert legend_line([]) is None
    line = legend_line(["gguf-count", "new"])
    assert line is not None and line.startswith("Flags: new = ")
    assert line.index("new =") < line.index("gguf-count =")
    assert "spike =" not in line


def test_flags_stay_at_80_columns_and_the_legend_explains_what_is_shown(run, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("trending", "--offline", "--limit", "8", "-q")
    assert result.code == 0
    lines = result.out.splitlines()
    header = next(line for line in lines if line.startswith("#"))
    assert header.split()[-1] == "flags"
    body = lines[lines.index(header) + 2:]
    start = next(i for i, line in enumerate(body) if "unsloth/Qwen3.8-27B-GGUF" in line)
    end = next(i for i in range(start + 1, len(body)) if body[i][:1].isdigit())
    row_flags = " ".join(line[header.index("flags"):] for line in body[start:end]).split()
    assert "re-upload," in row_flags  # a flag list wraps at its commas, inside its own column
    assert all(len(line) <= 80 for line in lines)
    legend = result.out[result.out.index("Flags: "):]
    assert "re-upload =" in legend and "utility =" not in legend  # only the flags the rows carry
    payload = run("trending", "--offline", "--limit", "8", "-q", "--format", "json").json()
    assert {f for row in payload["rows"] for f in row["flags"]} == {
        "new", "spike", "re-upload", "unknown-size", "gguf-count"}


def test_a_snapshot_replayed_later_is_judged_at_its_own_time(run) -> None:
    """The bundled snapshot was taken 2026-08-21: Qwen3.8-27B (created 2026-08-05) was 16 days old then.

    Its age and its `new` flag are read at the snapshot's time, never at today's clock.
    """
    result = run("trending", "--offline", "--limit", "2", "--format", "json")
    qwen = result.json()["rows"][0]
    assert qwen["id"] == "Qwen/Qwen3.8-27B" and "new" not in qwen["flags"]  # 16 days > 14
    gguf = result.json()["rows"][1]
    assert gguf["id"] == "unsloth/Qwen3.8-27B-GGUF" and "new" in gguf["flags"]  # created 2026-08-13: 8 days
    table = run("trending", "--offline", "--limit", "2")
    assert "16d" in table.out and "8d" in table.out


def test_a_reupload_is_flagged_whatever_the_listing_holds(run, serve) -> None:
    """Issue 17: with their bases outside the rows listed, a GGUF and an NVFP4 of the capture are
    still re-uploads (a format marker); a declared quantization too; a declared adapter is not."""
    for model_id in ("unsloth/Qwen3-Coder-30B-A3B-Instruct-GGUF", "nvidia/Qwen3.6-35B-A3B-NVFP4"):
        assert "re-upload" in flags_for(RECORDS[model_id], FlagContext(TAKEN, family_root=model_id))
    tagged = ModelRecord(id="x/Plain-Name", tags=("base_model:quantized:lab/Base",))
    assert "re-upload" in flags_for(tagged, FlagContext(TAKEN, family_root=tagged.id))
    adapter = ModelRecord(id="x/Tune-GGUF", tags=("base_model:adapter:lab/Base",))
    assert "re-upload" not in flags_for(adapter, FlagContext(TAKEN, family_root=adapter.id))
    assert "re-upload" not in flags_for(RECORDS["Qwen/Qwen3.8-27B"], FlagContext(TAKEN, family_root="Qwen/Qwen3.8-27B"))
    # Through the CLI: a listing of one org, where no base is listed.
    serve([row for row in hub_models() if row["id"].startswith(("unsloth/", "nvidia/"))])
    rows = {row["id"]: row for row in run("top", "--limit", "100", "--format", "json").json()["rows"]}
    assert "re-upload" in rows["unsloth/Qwen3-Coder-30B-A3B-Instruct-GGUF"]["flags"]
    assert "re-upload" in rows["nvidia/Qwen3.6-35B-A3B-NVFP4"]["flags"]
