"""Build the lineage fixture the stand-in Hub serves in tests (run by hand, output committed).

    python tools/build_lineage_fixture.py ../shared/data/raw

Two real captures with lineage, both MIT-licensed (see tests/fixtures/PROVENANCE.md):
- `hf_trending_top20_tags__ai-daily-report__2026-05-24.json`: the top 20 trending with full tags,
  `base_model:<relation>:ORG/NAME` included;
- `hfapi_models_full_gguf__fituna__2026-08-02.json`: six GGUF quantizations with
  `cardData.base_model` / `base_model_relation`.
They are rewritten into the Hub's own `/api/models` field names; only facts are kept (ids, counts,
tags, lineage), nothing is invented: a field the capture lacks stays absent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TRENDING = "hf_trending_top20_tags__ai-daily-report__2026-05-24.json"
GGUF = "hfapi_models_full_gguf__fituna__2026-08-02.json"
CARD_KEEP = ("base_model", "base_model_relation", "pipeline_tag", "library_name", "license")


def _common(model_id: str) -> dict:
    return {"id": model_id, "modelId": model_id, "author": model_id.split("/", 1)[0]}


def main(raw_dir: str) -> None:
    raw = Path(raw_dir)
    models: list[dict] = []
    for item in json.loads((raw / TRENDING).read_text())["items"]:
        row = _common(item["id"]) | {"downloads": item["downloads"], "likes": item["likes"], "tags": item["tags"]}
        if item.get("pipeline_tag"):
            row["pipeline_tag"] = item["pipeline_tag"]
        models.append(row)
    for item in json.loads((raw / GGUF).read_text()):
        card = {k: item["cardData"][k] for k in CARD_KEEP if k in item.get("cardData", {})}
        models.append({"_id": item["_id"], **_common(item["id"]), "downloads": item["downloads"],
                       "gated": item["gated"], "tags": item["tags"], "cardData": card})
    out = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "hub" / "lineage.json"
    out.write_text(json.dumps(models, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {out} ({len(models)} models)")


if __name__ == "__main__":
    main(sys.argv[1])
