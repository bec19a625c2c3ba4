"""How many models of a Hub-shaped capture hubradar can size, by source, vs the Hub's own count.

    python tools/size_coverage.py tests/fixtures/hub/models-2026-08-21.json

The Hub's `num_parameters` filter reads `safetensors.total` only: the "Hub filter sees" line is what
it can filter on; the rest is what hubradar adds (GGUF counts, base counts through lineage, names)
and what the packed-quant guard corrects. Figures are quoted in docs/methodology.md ("Sizes").
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from hubradar.analysis.sizes import SizeEstimator
from hubradar.core.record import records_from_hub_json


def main(path: str) -> None:
    records, _ = records_from_hub_json(json.loads(Path(path).read_text()))
    sizes = SizeEstimator(records)
    infos = {r.id: sizes(r) for r in records}
    sources = Counter(info.source or "unknown" for info in infos.values())
    bands = Counter(str(info.band) if info.band else "unknown" for info in infos.values())
    hub_sees = sum(1 for r in records if r.safetensors_total)
    corrected = [r.id for r in records if (r.safetensors_total or r.gguf_total)
                 and infos[r.id].source in ("base", "name")]
    total = len(records)
    print(f"{total} models; sized by hubradar: {total - sources['unknown']} "
          f"({(total - sources['unknown']) / total:.0%})")
    for source in ("safetensors", "gguf", "base", "name", "unknown"):
        print(f"  {source:12} {sources[source]:5}")
    print(f"Hub filter sees (safetensors.total): {hub_sees} ({hub_sees / total:.0%})")
    print(f"packed-quant guard replaced the metadata count of {len(corrected)}: {', '.join(corrected)}")
    print("bands: " + ", ".join(f"{band} {bands[band]}" for band in ("tiny", "small", "medium", "large", "unknown")))


if __name__ == "__main__":
    main(sys.argv[1])
