"""Benchmark: grouping 100,000 records with lineage into families (target: under one second).

    python benchmarks/bench_families.py [--models 100000] [--repeat 5]

Generates a Hub-like set of records (deterministic seed): originals in a few thousand orgs; tagged
quantizations; untagged re-uploads the name rule must catch (GGUF / AWQ / MLX / FP8 / bnb-4bit);
mirrors from re-uploader orgs; finetunes, adapters and merges; quantizations of finetunes (chains);
and a few lineage cycles. Every record carries about ten ordinary tags, as listings do.

Times, best of --repeat, measured side by side in one run: the lineage alone (metadata only, then
with the name rule), grouping by family / author / series (lineage included), and, as a yardstick,
ranking the same records by downloads (what every listing already does). Prints the ratios.

`--compare SRC` also times another checkout's code (SRC: its root or its src/, e.g. a worktree of
the commit before a change, in the flat layout or the layered one) on the same records, each of its
runs right after this checkout's, and prints its times and the ratio this / compared.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from hubradar.analysis.families import group_models
from hubradar.analysis.lineage import Lineage
from hubradar.core.query import rank
from hubradar.core.record import ModelRecord

TARGET_SECONDS = 1.0
_MARKERS = ("GGUF", "AWQ", "GPTQ-Int4", "MLX-4bit", "FP8", "bnb-4bit", "i1-GGUF", "NVFP4", "EXL2")
_COMMON_TAGS = ("transformers", "safetensors", "text-generation", "conversational", "en", "region:us",
                "endpoints_compatible", "license:apache-2.0", "arxiv:2505.09388", "autotrain_compatible")


def _tagged(parent: str, relation: str) -> tuple[str, ...]:
    return (f"base_model:{parent}", f"base_model:{relation}:{parent}")


def generate(n: int, seed: int = 8) -> list[ModelRecord]:
    """`n` records with lineage, in a shuffled (listing-like) order."""
    rng = random.Random(seed)
    orgs = [f"org{i}" for i in range(max(10, n // 40))]
    quanters = ["unsloth", "bartowski", "mradermacher", "mlx-community", "lmstudio-community"] + \
               [f"quanter{i}" for i in range(200)]
    records: list[ModelRecord] = []
    bases: list[str] = []
    finetunes: list[str] = []

    def add(model_id: str, tags: tuple[str, ...] = ()) -> None:
        common = tuple(rng.sample(_COMMON_TAGS, 8))
        downloads = int(rng.paretovariate(1.2) * 100)
        records.append(ModelRecord(id=model_id, author=model_id.split("/")[0], downloads=downloads,
                                   likes=downloads // 50, trending_score=rng.random() * 10, tags=common + tags))

    while len(records) < n:
        roll = rng.random()
        if roll < 0.2 or not bases:
            base = f"{rng.choice(orgs)}/Model{len(bases)}-{rng.choice((1, 3, 7, 8, 14, 32, 70))}B"
            bases.append(base)
            add(base)
        elif roll < 0.45:  # tagged quantization of a base or a finetune (a chain)
            parent = rng.choice(finetunes if finetunes and rng.random() < 0.3 else bases)
            add(f"{rng.choice(quanters)}/{parent.split('/')[1]}-{rng.choice(_MARKERS)}", _tagged(parent, "quantized"))
        elif roll < 0.62:  # untagged re-upload: the name rule's job
            parent = rng.choice(bases)
            org = parent.split("/")[0] if rng.random() < 0.3 else rng.choice(quanters)
            add(f"{org}/{parent.split('/')[1]}-{rng.choice(_MARKERS)}")
        elif roll < 0.67:  # a mirror under the same name from a re-uploader org
            add(f"{rng.choice(quanters[:5])}/{rng.choice(bases).split('/')[1]}")
        elif roll < 0.87:
            parent = rng.choice(bases)
            finetune = f"{rng.choice(orgs)}/{parent.split('/')[1]}-Tune{len(finetunes)}"
            finetunes.append(finetune)
            add(finetune, _tagged(parent, "finetune"))
        elif roll < 0.95:
            add(f"{rng.choice(orgs)}/Adapter{len(records)}", _tagged(rng.choice(bases), "adapter"))
        elif roll < 0.999:
            a, b = rng.sample(bases, 2) if len(bases) > 1 else (bases[0], bases[0])
            add(f"{rng.choice(orgs)}/Merge{len(records)}", _tagged(a, "merge") + _tagged(b, "merge"))
        else:  # a cycle in the metadata: two models naming each other
            a, b = f"loop{len(records)}/A", f"loop{len(records)}/B"
            add(a, _tagged(b, "finetune"))
            add(b, _tagged(a, "quantized"))
    records = records[:n]
    rng.shuffle(records)
    return records


def grouped(records: list[ModelRecord], by: str, group: Callable = group_models) -> list:
    """What `--group` computes: every group's numbers, then the 20 groups shown with their members."""
    grouping = group(records, by)
    return [group.members for group in grouping.top(20)]


def best(fn: Callable[[], object], repeat: int, other: Callable[[], object] | None = None) -> tuple[float, float]:
    """Best CPU time of `repeat` runs of `fn`, and of `other` run right after each (CPU time: other
    processes on a shared machine add less noise; interleaved, both see the same load).

    The result is kept alive until the clock is read, so freeing it is not counted (a CLI run
    exits instead of freeing).
    """
    times: dict[Callable[[], object], list[float]] = {fn: [], **({other: []} if other else {})}
    for _ in range(repeat):
        for step, step_times in times.items():
            start = time.process_time()
            result = step()
            step_times.append(time.process_time() - start)
            del result
    return min(times[fn]), min(times[other]) if other else 0.0


def load_checkout(checkout: Path) -> tuple[ModuleType, ModuleType]:
    """The families and lineage modules of another checkout (its root or its src/), either layout.

    hubradar's imports are absolute (`from hubradar.analysis.lineage import ...`), so the other
    checkout is imported as `hubradar` itself, with this checkout's modules set aside meanwhile and
    put back after: its functions keep their own module globals, so each side runs its own code.
    """
    src = checkout / "src" if (checkout / "src" / "hubradar").is_dir() else checkout
    if not (src / "hubradar" / "__init__.py").is_file():
        raise SystemExit(f"no hubradar package under {checkout}")
    ours = {name: module for name, module in sys.modules.items() if name.partition(".")[0] == "hubradar"}
    for name in ours:
        del sys.modules[name]
    sys.path.insert(0, str(src))
    importlib.invalidate_caches()
    try:
        package = importlib.import_module("hubradar")
        if Path(package.__file__ or "").resolve().parent != (src / "hubradar").resolve():
            raise SystemExit(f"could not import the hubradar package under {src}")
        layout = "hubradar.analysis." if (src / "hubradar" / "analysis").is_dir() else "hubradar."
        loaded = importlib.import_module(layout + "families"), importlib.import_module(layout + "lineage")
        assert loaded[0].Lineage is loaded[1].Lineage  # its families group with its own lineage
    finally:
        sys.path.remove(str(src))
        for name in [name for name in sys.modules if name.partition(".")[0] == "hubradar"]:
            del sys.modules[name]
        sys.modules.update(ours)
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare", type=Path, metavar="SRC",
                        help="also time the hubradar package of another checkout (its root or its src/), side by side")
    args = parser.parse_args()
    records = generate(args.models)
    lineage = Lineage(records)
    inferred = sum(1 for link in lineage.links.values() if link.inferred)
    families = group_models(records, "family", lineage=lineage)
    print(f"{len(records):,} records: {len(lineage.links):,} linked ({inferred:,} by name), "
          f"{len(lineage.broken)} cycles broken, {len(families):,} families")

    other_families, other_lineage = load_checkout(args.compare) if args.compare else (None, None)
    yardstick, _ = best(lambda: rank(records, "downloads"), args.repeat)
    steps: list[tuple[str, Callable[[], object], Callable[[], object] | None]] = [
        ("lineage, metadata only", lambda: Lineage(records, names=False),
         other_lineage and (lambda: other_lineage.Lineage(records, names=False))),
        ("lineage, metadata + name rule", lambda: Lineage(records),
         other_lineage and (lambda: other_lineage.Lineage(records))),
        *((f"group by {by} (lineage included)", lambda by=by: grouped(records, by),
           other_families and (lambda by=by: grouped(records, by, other_families.group_models)))
          for by in ("family", "author", "series")),
    ]
    rows = [("rank by downloads (yardstick)", yardstick, 0.0),
            *((name, *best(fn, args.repeat, other)) for name, fn, other in steps)]
    compared = f" {'compared':>9} {'ratio':>6}" if args.compare else ""
    print(f"{'step':38} {'seconds':>8} {'x rank':>8} {'of 1 s target':>14}{compared}")
    for name, seconds, other_seconds in rows:
        line = f"{name:38} {seconds:8.3f} {seconds / yardstick:8.1f} {seconds / TARGET_SECONDS:13.0%}"
        if args.compare and other_seconds:
            line += f" {other_seconds:9.3f} {seconds / other_seconds:6.2f}"
        print(line)
    if args.compare:
        print(f"compared: {args.compare} (each of its runs right after this checkout's; ratio = this / compared)")
    family_seconds = rows[3][1]
    verdict = "under" if family_seconds < TARGET_SECONDS else "OVER"
    print(f"grouping {len(records):,} records by family: {family_seconds:.3f} s, {verdict} the "
          f"{TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
