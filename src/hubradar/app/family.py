"""The model tree of one model: its children by relation, two levels deep, and their totals.

Built from the Hub's own base-model filters, each one an ordinary listing (`get_listing`, so it is
cached and falls back like every listing): `base_model:quantized:ORG/NAME`, `...:finetune:...`,
`...:adapter:...`, `...:merge:...`, sorted by downloads. Re-uploads the metadata does not link are
found by name: one more listing (`search=NAME`) read with the name rule (`Lineage`), marked
inferred. The second level lists the children of the top few children, after a per-model lookup
(`childrenModelCount`, only `model_info` serves it: `signals.with_derivatives`, cached a day,
within the request budget, stopping at the first 429) says they have any.

Requests: one lookup for the model (`lookups.lookup_models`), five listings (one request each up
to `depth` rows), then at most `1 + expand` derivative lookups and `expand` listings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime

from hubradar.analysis.lineage import RELATIONS, SAME_WEIGHTS, Lineage, declared_relation, strip_markers
from hubradar.app.listing import get_listing
from hubradar.app.lookups import lookup_models, with_derivatives
from hubradar.app.options import FetchOptions
from hubradar.core.errors import HubUnreachable, ModelNotFound, OfflineError
from hubradar.core.listing import Listing
from hubradar.core.query import ListingQuery, rank
from hubradar.core.record import ModelRecord
from hubradar.fetch.lookups import LOOKUP_WORKERS

GRANDCHILDREN = 3  # children shown under each expanded child
BY_NAME = "by name"


@dataclass(frozen=True, slots=True)
class Node:
    """One model in the tree. `children` is the Hub's own count, when it was looked up."""

    id: str
    relation: str  # base | quantized | finetune | adapter | merge | mirror | unknown
    level: int
    parent: str | None
    downloads: int | None
    likes: int | None
    children: int | None = None
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class Total:
    """The listed children of one relation (or the family / ecosystem) and their sums."""

    relation: str
    models: int
    downloads: int
    likes: int
    complete: bool  # every child the Hub lists was counted (fewer than `depth`)


@dataclass
class ModelTree:
    root: Node
    nodes: list[Node]  # level 1 and 2, each child followed by its own children
    totals: list[Total]
    reuploads: list[Node]
    family_downloads: int
    ecosystem_downloads: int
    sources: list[str]
    fetched_at: datetime
    depth: int
    looked_up: int  # children whose derivative count was asked for
    expanded: int  # of them, those with children listed under them
    unknown_counts: int  # of the model and those children, counts the Hub did not give (see notices)
    notices: list[str] = field(default_factory=list)  # what the library's caller would have been told


def _ignore(_: str) -> None:
    return None


class _Once:
    """A notifier that says each distinct message once (five listings may fall back alike)."""

    def __init__(self, notify: Callable[[str], None]) -> None:
        self.notify = notify
        self.said: set[str] = set()

    def __call__(self, message: str) -> None:
        if message not in self.said:
            self.said.add(message)
            self.notify(message)


def fetch_listings(queries: dict[str, ListingQuery], options: FetchOptions, depth: int = 0) -> dict[str, Listing]:
    """Several listings at once (a few threads), each cached and falling back on its own."""
    if not queries:
        return {}
    with ThreadPoolExecutor(max_workers=min(LOOKUP_WORKERS, len(queries))) as pool:
        futures = {key: pool.submit(get_listing, query, options, depth=depth) for key, query in queries.items()}
        return {key: future.result() for key, future in futures.items()}


def _find(model_id: str, listings: Iterable[Listing]) -> ModelRecord | None:
    wanted = model_id.lower()
    for listing in listings:
        for record in listing.pool:
            if record.id.lower() == wanted:
                return record
    return None


def _sum(records: Iterable[ModelRecord]) -> tuple[int, int, int]:
    items = list(records)
    return len(items), sum(r.downloads or 0 for r in items), sum(r.likes or 0 for r in items)


def _node(record: ModelRecord, relation: str, level: int, parent: str | None, inferred: bool = False) -> Node:
    return Node(record.id, relation, level, parent, record.downloads, record.likes, record.children_count, inferred)


def _reuploads(lineage: Lineage, model_id: str, of: str) -> bool:
    """Does `model_id` carry the weights of `of`: a chain of quantizations and mirrors leading to it?"""
    for ancestor in lineage.chain(model_id)[1:]:
        link = lineage.link(model_id)
        if link is None or link.relation not in SAME_WEIGHTS:
            return False
        if ancestor == of:
            return True
        model_id = ancestor
    return False


def model_tree(
    model_id: str, options: FetchOptions, *, per_relation: int = 10, depth: int = 1000, expand: int = 5
) -> ModelTree:
    """Children of `model_id` by relation (top `per_relation` shown, up to `depth` counted), the
    children of its top `expand` children, re-uploads found by name, and the totals.

    Raises ModelNotFound when the Hub says the model does not exist, and HubUnreachable /
    OfflineError when it cannot be looked up and no cached or bundled listing has it.
    """
    options = replace(options, notify=_Once(options.notify))
    # Quietly: when the Hub fails here, the listings' fallback notice says so once.
    looked = lookup_models([model_id], replace(options, notify=_ignore))
    if model_id in looked.missing:
        raise ModelNotFound(f"{model_id}: no such model on the Hub")
    root = looked.found.get(model_id)
    asked = looked.failure is None  # the Hub (or a fresh cached answer) said something
    if looked.failure is not None and looked.why != "offline":
        # The Hub just failed after its retries: each listing tries once more, then falls back.
        options = replace(options, hub=replace(options.hub, retries=0))
    model_id = root.id if root is not None else model_id
    name = model_id.rpartition("/")[2]
    queries = {rel: ListingQuery(sort="downloads", filters=(f"base_model:{rel}:{model_id}",), limit=per_relation)
               for rel in RELATIONS}
    queries[BY_NAME] = ListingQuery(sort="downloads", search=strip_markers(name), limit=per_relation)
    listings = fetch_listings(queries, options, depth)
    if root is None:
        root = _find(model_id, listings.values())
        if root is None:
            reason = looked.failure or "no answer"
            cls = OfflineError if looked.why == "offline" else HubUnreachable
            raise cls(f"could not look up {model_id} ({reason}) and no cached or bundled listing has it")
        model_id = root.id

    seen = {model_id.lower()}
    family: dict[str, ModelRecord] = {model_id: root}
    ecosystem: dict[str, ModelRecord] = {model_id: root}
    sections: dict[str, list[Node]] = {}
    totals: list[Total] = []
    for rel in RELATIONS:
        listing = listings[rel]
        children = [r for r in rank(listing.pool, "downloads")[:depth] if r.id.lower() not in seen]
        seen.update(r.id.lower() for r in children)
        totals.append(Total(rel, *_sum(children), complete=len(listing.pool) < depth))
        ecosystem.update((r.id, r) for r in children)
        if rel == "quantized":
            family.update((r.id, r) for r in children)
        sections[rel] = [_node(r, rel, 1, model_id) for r in children[:per_relation]]

    # Re-uploads without metadata: what the name rule puts in this model's family.
    found = listings[BY_NAME].pool
    lineage = Lineage([*found, *family.values()])
    by_name = [r for r in rank(found, "downloads")[:depth]
               if r.id.lower() not in seen and _reuploads(lineage, r.id, model_id)]
    seen.update(r.id.lower() for r in by_name)
    totals.append(Total(BY_NAME, *_sum(by_name), complete=len(found) < depth))
    family.update((r.id, r) for r in by_name)
    ecosystem.update((r.id, r) for r in by_name)
    sections[BY_NAME] = [_node(r, lineage.links[r.id].relation, 1, model_id, lineage.inferred_path(r.id))
                         for r in by_name[:per_relation]]
    # Re-uploads found by name go right after the tagged ones.
    level1 = [n for key in ("quantized", BY_NAME, *RELATIONS[1:]) for n in sections[key]]

    # Second level: the top children that the Hub says have children of their own (the model's own
    # count comes along). Not after the Hub failed the first lookup: no more requests then.
    top = sorted(level1, key=lambda n: (-(n.downloads or 0), n.id))[:expand] if asked else []
    records = {r.id: r for listing in listings.values() for r in listing.pool}
    counted = with_derivatives([root, *(records[n.id] for n in top)], options) if asked else []
    counts = {r.id: r.children_count for r in counted}
    root = replace(root, children_count=counts.get(root.id, root.children_count))
    level1 = [replace(n, children=counts.get(n.id, n.children)) for n in level1]
    parents = [n.id for n in top if (counts.get(n.id) or 0) > 0]
    subs = fetch_listings({p: ListingQuery(sort="downloads", filters=(f"base_model:{p}",), limit=GRANDCHILDREN)
                           for p in parents}, options)
    level2: dict[str, list[Node]] = {}
    for parent, listing in subs.items():
        for record in listing.records:
            if record.id.lower() in seen:
                continue
            seen.add(record.id.lower())
            relation = declared_relation(record, parent) or "unknown"
            level2.setdefault(parent, []).append(_node(record, relation, 2, parent))
            ecosystem[record.id] = record
            if relation in SAME_WEIGHTS and parent in family:
                family[record.id] = record
        listings[f"children of {parent}"] = listing

    nodes = [item for n in level1 for item in (n, *level2.get(n.id, ()))]
    complete = all(t.complete for t in totals)
    totals.append(Total("family", *_sum(family.values()), complete=complete))
    totals.append(Total("ecosystem", *_sum(ecosystem.values()), complete=complete))
    reuploads = sorted((n for n in level1 if n.relation in SAME_WEIGHTS), key=lambda n: (-(n.downloads or 0), n.id))
    return ModelTree(
        root=_node(root, "base", 0, None),
        nodes=nodes,
        totals=totals,
        reuploads=reuploads[:per_relation],
        family_downloads=sum(r.downloads or 0 for r in family.values()),
        ecosystem_downloads=sum(r.downloads or 0 for r in ecosystem.values()),
        sources=sorted({listing.source for listing in listings.values()}),
        fetched_at=min(listing.fetched_at for listing in listings.values()),
        depth=depth,
        looked_up=len(top),
        expanded=len(level2),
        unknown_counts=sum(1 for r in counted if r.children_count is None),
    )
