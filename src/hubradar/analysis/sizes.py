"""Parameter counts people can trust, size bands, and size filters.

A model's size comes from, in order (docs/methodology.md, "Sizes"):

1. the base model's count, through lineage, whenever the base's count is known (`Lineage.family_root`:
   a quantization or mirror carries its base's weights, so it has its base's size, whatever its own
   packed count says; a base sized only by its name lends that size to a re-upload without a count);
2. `safetensors.total`, then `gguf.total` — the Hub's own count of the weights in the repo;
3. the size in the name (`7B`, `0.6B`, `1.5b`, `135M`, `8x7B`, `35B-A3B`, `E4B`).

Packed quantized repos (MLX 4-bit, AWQ, GPTQ, NVFP4...) store several weights in one integer, so
their metadata count is far below the model's true size (a 27B model's MLX 4-bit repo reports about
4.7B). Without a known base, when the metadata count is that far below the name's, the packed-quant
guard trusts the name instead. `None` always means unknown, never zero.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from hubradar.analysis.lineage import Lineage
from hubradar.core.errors import param
from hubradar.core.listing import Listing
from hubradar.core.query import rank
from hubradar.core.record import ModelRecord
from hubradar.core.sizes import UNKNOWN, SizeBand, SizeFilter, SizeInfo, SizeSource
from hubradar.core.units import count_of
from hubradar.core.vocabulary import SORTS

# --- the packed-quant guard -----------------------------------------------------------------------
# A re-upload whose base's count is known takes it (packing counts 1.3-2x low for NVFP4 and
# bitsandbytes 4-bit, 2-8x for AWQ/GPTQ, ~6x for MLX 4-bit: any gap is packing, and `Qwen2.5-7B-
# Instruct-AWQ`'s 1.3x is one). The bases whose count is known: from their own metadata.
COUNTED: frozenset[SizeSource | None] = frozenset({"safetensors", "gguf"})
# A base sized only by its name is rounded: a re-upload's own count is kept unless this many times below.
BASE_RATIO = 1.5
# Without a base, metadata this many times below the name's count is packed when the repo says it is
# packed (name, tags or library): names round by at most about 25% (Mixtral-8x22B says 176B for 141B),
# so a 1.5x gap is packing, not rounding.
PACKED_NAME_RATIO = 1.5
# ... below the name's count with no sign of packing: "several times", as MXFP4 checkpoints without
# a format in their name (gpt-oss re-uploads) show; smaller gaps are left to the metadata.
NAME_RATIO = 3.0

_PACKED_RE = re.compile(
    r"(?<![a-z0-9])(mlx|awq|gptq|bnb|bitsandbytes|nvfp4|mxfp4|fp4|int[1-4]|w[1-4]a\d+|autoround|exl[23]|hqq|dwq"
    r"|gguf|[1-6](?:\.\d+)?-?bits?)(?![a-z])",
    re.IGNORECASE,
)
# Repos whose name states the size of another model: speculative-decoding drafters and adapters
# (`Qwen3-8B-speculator.eagle3` holds 1B, `Llama-3-8B-lora` a few million).
_ADD_ON_RE = re.compile(r"(?<![a-z])(eagle\d*|medusa|dflash|speculator|lora|qlora)(?![a-z])", re.IGNORECASE)
_ADD_ON_TAGS = frozenset({"peft", "lora", "adapter"})

# --- sizes in names -------------------------------------------------------------------------------
_NAME_UNITS = {"m": 10**6, "b": 10**9, "t": 10**12}  # no K in names: `32k`, `128k` are context lengths
_NAME_TOKEN_RE = re.compile(
    r"(?<![A-Za-z0-9.])"
    r"(?:(?P<experts>\d+)x)?"          # 8x7B: experts x size
    r"(?P<prefix>[AaEe])?"              # A3B: active; E4B: Gemma's effective count
    r"(?P<int>\d+)(?:[._](?P<frac>\d+))?"  # 1.5, and 1_6 (stablelm-2-1_6b)
    r"(?P<unit>[MmBbTt])"
    r"(?:x(?P<times>\d+))?"            # 7Bx2
    r"(?P<routed>[-_]\d+E)?"            # 17B-16E: Llama 4's active size and expert count
    r"(?![A-Za-z0-9])"
)


class NameSize(NamedTuple):
    """What a name says: the total, the active count, and whether that is Gemma's "effective" count."""

    total: int | None = None
    active: int | None = None
    effective: bool = False

    @property
    def reference(self) -> int | None:
        """The total to size and guard with: an `E4B` name only gives the effective count, a lower bound."""
        return self.total or (self.active if self.effective else None)


def _scaled(integer: str, fraction: str | None, unit: int) -> int:
    value = Decimal(f"{integer}.{fraction}" if fraction else integer) * unit
    return int(value.to_integral_value(ROUND_HALF_UP))


def parse_name_size(name: str) -> NameSize:
    """The size a repo name states.

    The first plain size token is the total (`TinyLlama-1.1B-...-3T`: 3T is training tokens;
    `Qwen2.5-7B-Instruct-1M`: 1M is context). `A3B` is the active count of a mixture of experts
    (`35B-A3B`, `Qwen1.5-MoE-A2.7B`), `17B-16E` is Llama 4's active size with 16 experts, `8x7B` and
    `7Bx2` multiply out, and `E4B` is Gemma's effective count (see `NameSize.reference`).
    """
    name = name.rsplit("/", 1)[-1]
    total: int | None = None
    active: int | None = None
    effective = False
    for match in _NAME_TOKEN_RE.finditer(name):
        value = _scaled(match["int"], match["frac"], _NAME_UNITS[match["unit"].lower()])
        prefix = (match["prefix"] or "").lower()
        if prefix:
            if match["experts"] or match["times"] or active is not None:
                continue
            active, effective = value, prefix == "e"
            continue
        if match["routed"]:
            active = active or value
            continue
        if total is None:
            total = value * int(match["experts"] or 1) * int(match["times"] or 1)
    return NameSize(total or None, active or None, effective and active is not None)


def is_packed(record: ModelRecord) -> bool:
    """Does the repo say it holds packed weights (MLX, AWQ, GPTQ, bitsandbytes, NVFP4, 4-bit...)?"""
    texts = [record.name, record.library or "", *(t for t in record.tags if not t.startswith("base_model:"))]
    return any(_PACKED_RE.search(text) for text in texts)


def is_add_on(record: ModelRecord, relation: str | None = None) -> bool:
    """An adapter or drafter: its name gives the size of the model it works with, not its own."""
    if relation == "adapter" or record.library == "peft" or _ADD_ON_TAGS & set(record.tags):
        return True
    return bool(_ADD_ON_RE.search(record.name))


def _count(record: ModelRecord, named: NameSize, base: SizeInfo | None) -> tuple[int | None, SizeSource | None]:
    """The precedence (base, metadata, name) with the packed-quant guard over the metadata."""
    meta_source: SizeSource
    base_params = base.params if base is not None else None
    if base_params is not None and base is not None and base.source in COUNTED:
        return base_params, "base"  # a re-upload's size is its base's count, whatever its own says
    if record.safetensors_total:  # a count of 0 is unknown, not zero
        meta, meta_source = record.safetensors_total, "safetensors"
    elif record.gguf_total:
        meta, meta_source = record.gguf_total, "gguf"
    elif base_params is not None:
        return base_params, "base"
    elif named.reference is not None:
        return named.reference, "name"
    else:
        return None, None
    if base_params is not None:  # the base's size is only its name's: the repo's own count is exact
        return (base_params, "base") if base_params >= meta * BASE_RATIO else (meta, meta_source)
    if named.reference is not None:
        ratio = PACKED_NAME_RATIO if is_packed(record) else NAME_RATIO
        if named.reference >= meta * ratio:
            return named.reference, "name"
    return meta, meta_source


def estimate(record: ModelRecord, base: SizeInfo | None = None, *, relation: str | None = None) -> SizeInfo:
    """One record's size: the base's when known, else metadata, else the name's; the packed-quant guard on top.

    `base` is the size of the model whose weights this one carries (its family root), if known;
    `relation` is the record's own lineage link (an `adapter`'s name is not its size).
    """
    named = NameSize() if is_add_on(record, relation) else parse_name_size(record.name)
    params, source = _count(record, named, base)
    active = named.active or (base.active_params if base else None)
    if params is not None and active is not None and active > params:
        active = None  # one of the two is wrong; the total is the better-sourced one
    return SizeInfo(params, source, active)


class SizeEstimator:
    """Sizes of a set of records, each able to inherit its base's size through lineage.

    The base of a record is `lineage.family_root(id)` (quantizations and mirrors carry their base's
    weights); it must be among the records to lend its size.
    """

    def __init__(self, records: Iterable[ModelRecord], lineage: Lineage | None = None) -> None:
        self.records = {r.id: r for r in records}
        self.lineage = lineage if lineage is not None else Lineage(self.records.values())
        self._own: dict[str, SizeInfo] = {}
        self._sizes: dict[str, SizeInfo] = {}

    def _relation(self, model_id: str) -> str | None:
        link = self.lineage.link(model_id)
        return link.relation if link else None

    def _own_size(self, record: ModelRecord) -> SizeInfo:
        """A record's size from its own metadata and name (what it lends to its re-uploads)."""
        if record.id not in self._own:
            self._own[record.id] = estimate(record, relation=self._relation(record.id))
        return self._own[record.id]

    def __call__(self, record: ModelRecord) -> SizeInfo:
        cached = self._sizes.get(record.id)
        if cached is not None:
            return cached
        root = self.lineage.family_root(record.id)
        parent = self.records.get(root) if root != record.id else None
        base = self._own_size(parent) if parent is not None else None
        info = estimate(record, base, relation=self._relation(record.id))
        self._sizes[record.id] = info
        return info

    def size(self, model_id: str) -> SizeInfo:
        """The size of a model in the set (UNKNOWN when it is not)."""
        record = self.records.get(model_id)
        return self(record) if record is not None else UNKNOWN


def params_of(record: ModelRecord, estimator: SizeEstimator | None = None) -> int | None:
    """A record's parameter count (its own metadata and name, or through `estimator`'s lineage)."""
    return (estimator(record) if estimator is not None else estimate(record)).params


# --- sizing a ranked listing ------------------------------------------------------------------------


class SizedRow(NamedTuple):
    """One row: its rank in the listing, its size, and its rank among listed models of its band."""

    record: ModelRecord
    rank: int
    size: SizeInfo
    band_rank: int | None


@dataclass
class SizedListing:
    """The rows kept, and what the filter saw: how many it looked through, matched, and left unknown."""

    rows: list[SizedRow]
    scanned: int
    matched: int
    unknown_left_out: int = 0
    filter: SizeFilter | None = None


def size_listing(
    ranked: Sequence[ModelRecord],
    sizes: Callable[[ModelRecord], SizeInfo],
    flt: SizeFilter | None = None,
    limit: int | None = None,
) -> SizedListing:
    """Size a ranked listing, keep the first `limit` rows the filter accepts.

    `rank` and `band_rank` are positions in the whole ranked listing (so a kept 7B model ranked 37th
    overall may be 5th among small models). `unknown_left_out` counts the models of unknown size the
    filter left out of everything it looked through (`scanned`), so it does not change with `limit`.
    """
    per_band: Counter[SizeBand] = Counter()
    rows: list[SizedRow] = []
    matched = unknown = 0
    for position, record in enumerate(ranked, start=1):
        info = sizes(record)
        band = info.band
        band_rank = None
        if band is not None:
            per_band[band] += 1
            band_rank = per_band[band]
        full = limit is not None and len(rows) >= limit
        if flt is None or flt.accepts(info):
            matched += 1
            if not full:
                rows.append(SizedRow(record, position, info, band_rank))
        elif info.params is None:
            unknown += 1
    return SizedListing(rows, len(ranked), matched, unknown, flt)


def filter_depth(limit: int) -> int:
    """How deep a size-filtered listing looks: one Hub page (1,000), or 5x the rows, up to 10,000."""
    return min(max(1000, 5 * limit), max(10_000, limit))


def scan_notice(sized: SizedListing, sort: str) -> str:
    """The one-line notice saying how deep a size filter looked and what it found."""
    what = sized.filter.describe() if sized.filter else "size filter"
    found = (f"{what}: looked through the top {count_of(sized.scanned, 'model')} by {SORTS[sort].words}, "
             f"{sized.matched:,} match")
    if sized.rows and sized.matched > len(sized.rows):
        return f"{found}; showing the first {len(sized.rows):,}"
    return found


def unknown_footnote(sized: SizedListing) -> str | None:
    """'27 models of unknown size left out of the 548 looked through; include_unknown keeps them' (None: none)."""
    if sized.filter is None or sized.filter.include_unknown or not sized.unknown_left_out:
        return None
    return (f"{count_of(sized.unknown_left_out, 'model')} of unknown size left out of the {sized.scanned:,} looked "
            f"through; {param('include_unknown')} keeps them")


def sized_listing(listing: Listing, size_filter: SizeFilter | None = None) -> SizedListing:
    """Size a listing's rows (bases found in its whole pool); with a filter, filter the ranked pool."""
    pool = listing.pool or listing.records
    sizes = SizeEstimator(pool)
    if size_filter is None:
        return size_listing(listing.records, sizes)
    return size_listing(rank(pool, listing.query.sort), sizes, size_filter, listing.query.limit)
