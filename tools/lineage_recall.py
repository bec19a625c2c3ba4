"""How much of the re-uploads lineage finds on the captures, and what it does to families and sizes.

    python tools/lineage_recall.py [shared/data]

Ground truth where the data has one: llmfit's `gguf_sources` (base model -> its GGUF re-upload repos,
`raw/hf_models_catalog_params__llmfit__2026-05-17.json`): each re-upload is listed with the whole
catalogue (is it put in its base's family?) and alone, its base not listed (does its row still get
the `re-upload` flag?). Then the daily captures (`hub/models-*.json`): re-uploads found, families,
sizes by source; and the cases of hubradar issue 17. Figures are quoted in docs/lineage.md.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from hubradar.analysis.families import group_models
from hubradar.analysis.flags import FlagContext, flags_for
from hubradar.analysis.lineage import Lineage
from hubradar.analysis.sizes import SizeEstimator
from hubradar.core.record import ModelRecord, records_from_hub_json

_AT = datetime(2026, 8, 21, 19, tzinfo=UTC)


def _flagged(record: ModelRecord, lineage: Lineage) -> bool:
    return "re-upload" in flags_for(record, FlagContext(_AT, lineage.family_root(record.id)))


def gguf_sources(data: Path) -> None:
    catalogue = json.loads((data / "raw/hf_models_catalog_params__llmfit__2026-05-17.json").read_text())
    bases = {row["name"]: ModelRecord(row["name"], downloads=row.get("hf_downloads") or None) for row in catalogue}
    pairs = [(source["repo"], row["name"]) for row in catalogue for source in row.get("gguf_sources") or ()]
    sources = {repo: ModelRecord(repo) for repo, _ in pairs if repo not in bases}
    lineage = Lineage([*bases.values(), *sources.values()])
    # llmfit's base is sometimes itself a copy (`unsloth/gemma-3-1b-it`): the same family is the test.
    found = sum(lineage.family_root(repo) == lineage.family_root(base) for repo, base in pairs)
    alone = sum(_flagged(ModelRecord(repo), Lineage([ModelRecord(repo)])) for repo, _ in pairs)
    print(f"llmfit gguf_sources: {len(pairs)} re-uploads of {len({b for _, b in pairs})} bases")
    print(f"  in its base's family, whole catalogue listed: {found}/{len(pairs)} ({found / len(pairs):.1%})")
    print(f"  re-upload flag, listed alone (base not listed): {alone}/{len(pairs)} ({alone / len(pairs):.1%})")


def captures(data: Path) -> None:
    print("captures: day, models, re-uploads found (same-weights root elsewhere), families, "
          "re-upload flags with each row listed alone")
    for path in sorted((data / "hub").glob("models-*.json")):
        records, _ = records_from_hub_json(json.loads(path.read_text()))
        lineage = Lineage(records)
        found = sum(lineage.family_root(r.id) != r.id for r in records)
        alone = sum(_flagged(r, Lineage([r])) for r in records)
        print(f"  {path.stem[7:]} {len(records):4} {found:4} {len(group_models(records, 'family', lineage=lineage)):4} "
              f"{alone:4}")
    records, _ = records_from_hub_json(json.loads((data / "hub/models-2026-08-21.json").read_text()))
    sizes = SizeEstimator(records)
    sources = Counter(sizes(r).source or "unknown" for r in records)
    print("sizes 2026-08-21 by source: " + ", ".join(f"{k} {sources[k]}" for k in
                                                      ("safetensors", "gguf", "base", "name", "unknown")))


def issue_cases(data: Path) -> None:
    """The cases of issue 17, each on the capture of a day that lists them, or on the issue's facts."""
    def day(date: str) -> list[ModelRecord]:
        return records_from_hub_json(json.loads((data / f"hub/models-{date}.json").read_text()))[0]

    checks: list[tuple[str, bool]] = []
    rows = day("2026-08-16")
    lineage = Lineage(rows)
    checks.append(("unsloth/MiniMax-H3-GGUF -> MiniMaxAI/MiniMax-H3 (08-16)",
                   lineage.family_root("unsloth/MiniMax-H3-GGUF") == "MiniMaxAI/MiniMax-H3"))
    checks.append(("Comfy-Org/MiniMax-H3 is a re-upload of MiniMaxAI/MiniMax-H3 (08-16)",
                   lineage.family_root("Comfy-Org/MiniMax-H3") == "MiniMaxAI/MiniMax-H3"))
    facts = [ModelRecord("Comfy-Org/Qwen-Image-2.1", downloads=7_800_000),
             ModelRecord("Qwen/Qwen-Image-2.1", downloads=122_000)]
    checks.append(("Comfy-Org/Qwen-Image-2.1 -> Qwen/Qwen-Image-2.1 (issue's facts)",
                   Lineage(facts).family_root("Comfy-Org/Qwen-Image-2.1") == "Qwen/Qwen-Image-2.1"))
    rows = day("2026-08-21")
    extra = [ModelRecord("Qdrant/bge-small-en-v1.5-onnx-Q"), ModelRecord("litert-community/gemma-4-E2B-it-litert-lm")]
    lineage = Lineage([*rows, *extra])
    checks.append(("Qdrant/bge-small-en-v1.5-onnx-Q -> BAAI/bge-small-en-v1.5",
                   lineage.family_root("Qdrant/bge-small-en-v1.5-onnx-Q") == "BAAI/bge-small-en-v1.5"))
    checks.append(("litert-community/gemma-4-E2B-it-litert-lm -> google/gemma-4-E2B-it",
                   lineage.family_root("litert-community/gemma-4-E2B-it-litert-lm") == "google/gemma-4-E2B-it"))
    size = SizeEstimator(rows).size("Qwen/Qwen2.5-7B-Instruct-AWQ")
    checks.append((f"Qwen/Qwen2.5-7B-Instruct-AWQ sized as its base (got {size.params} from {size.source})",
                   size.source == "base"))
    for model_id in ("unsloth/Qwen3-Coder-30B-A3B-Instruct-GGUF", "nvidia/Qwen3.6-35B-A3B-NVFP4"):
        record = next(r for r in rows if r.id == model_id)
        checks.append((f"{model_id} flagged re-upload with its base not listed",
                       _flagged(record, Lineage([record]))))
    print(f"issue 17 cases: {sum(ok for _, ok in checks)}/{len(checks)}")
    for text, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {text}")


def main(data: Path) -> None:
    gguf_sources(data)
    captures(data)
    issue_cases(data)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"))
