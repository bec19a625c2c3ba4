"""Build the bundled offline snapshot from a Hub-shaped capture (run by hand, output committed).

    python tools/build_snapshot.py ../shared/data/hub/models-2026-08-21.json 2026-08-21T19:00:00Z

The input is one of the merged, Hub-shaped daily captures described in docs/data-provenance.md.
Only facts are kept (ids, counts, tags, dates, parameter counts, lineage), in the Hub's own
field names, so the snapshot is read by the same normalizer as a live listing.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

KEEP = ("id", "author", "likes", "downloads", "trendingScore", "pipeline_tag", "library_name",
        "createdAt", "lastModified", "tags", "safetensors", "gguf", "cardData")


def main(src: str, fetched_at: str) -> None:
    rows = json.loads(Path(src).read_text())
    models = [{k: row[k] for k in KEEP if k in row} for row in rows]
    payload = {
        "fetched_at": fetched_at,
        "source": f"hubradar bundled snapshot from {Path(src).name} (see docs/data-provenance.md)",
        "models": models,
    }
    out = Path(__file__).resolve().parents[1] / "src" / "hubradar" / "data" / "snapshot.json.gz"
    with gzip.GzipFile(out, "wb", mtime=0) as fh:
        fh.write(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    print(f"wrote {out} ({len(models)} models, {out.stat().st_size} bytes)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
