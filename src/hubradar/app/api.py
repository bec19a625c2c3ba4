"""The library's face: each use case as one function with keyword arguments, as `hubradar.X`.

    import hubradar
    hubradar.trending(limit=5, offline=True).rows       # a Listing of ModelRecords
    hubradar.top(task="text-generation", limit=3).rows

Every function takes the fetch keywords of `fetch_options` (`offline`, `refresh`, `max_age`,
`cache_dir`, `token`, `endpoint`, `timeout`, `retries`) and returns what the CLI shows, as data.
Notices (a fallback to the cache, a size filter's depth) are kept on the answer (`.notices`),
never printed; expected failures raise `hubradar.HubradarError` subclasses whose messages name
these keywords, not CLI flags.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubradar.app.listing import GROUP_DEPTH, grouped, ranked
from hubradar.app.options import FetchOptions, fetch_options
from hubradar.core.errors import UsageError, param, wording
from hubradar.core.listing import Listing
from hubradar.core.query import SIGNAL_DEPTH, SIGNAL_DEPTH_MAX, ListingQuery, SignalRequest
from hubradar.core.sizes import SizeBand, SizeFilter
from hubradar.core.vocabulary import SORTS, TOP_SORTS, check

if TYPE_CHECKING:
    from datetime import date, datetime

    from hubradar.analysis.movers import Movers
    from hubradar.app.family import ModelTree
    from hubradar.app.gaps import GapReport
    from hubradar.app.groups import Grouped
    from hubradar.app.state import HubState


class _Notices(list[str]):
    """Collects a use case's notices in the library's wording."""

    def __call__(self, message: str) -> None:
        self.append(wording(message))


def _options(notices: _Notices, fetch: dict[str, Any]) -> FetchOptions:
    return fetch_options(notify=notices, **fetch)


def _sizes(size: SizeBand | str | None, min_params: str | None, max_params: str | None,
           include_unknown: bool) -> SizeFilter | None:
    return SizeFilter.build(size=size, min_params=min_params, max_params=max_params, include_unknown=include_unknown)


def _listing(query: ListingQuery, signals: SignalRequest, sizes: SizeFilter | None, fetch: dict[str, Any]) -> Listing:
    notices = _Notices()
    answer = ranked(query, _options(notices, fetch), signals=signals, sizes=sizes)
    answer.listing.notices[:0] = notices
    return answer.listing


def trending(*, task: str | None = None, author: str | None = None, search: str | None = None,
             library: str | None = None, served: bool = False, limit: int = 20, derivatives: bool = False,
             ram: bool = False, size: SizeBand | str | None = None, min_params: str | None = None,
             max_params: str | None = None, include_unknown: bool = False, **fetch: Any) -> Listing:
    """Models rising now, by the Hub's trending score: `.rows` are the models, ranked; with `ram`,
    `.ram` maps each row's id to its relative adoption (RAM)."""
    query = ListingQuery(sort="trending", task=task, author=author, search=search, library=library, limit=limit,
                         inference_provider="all" if served else None)
    return _listing(query, SignalRequest(derivatives=derivatives, limit=limit, ram=ram),
                    _sizes(size, min_params, max_params, include_unknown), fetch)


def top(*, sort: str = "downloads", task: str | None = None, author: str | None = None, search: str | None = None,
        library: str | None = None, served: bool = False, limit: int = 20, depth: int | None = None,
        derivatives: bool = False, ram: bool = False, size: SizeBand | str | None = None,
        min_params: str | None = None, max_params: str | None = None, include_unknown: bool = False,
        **fetch: Any) -> Listing:
    """The most relied-on models: by 30-day downloads, or `sort` (likes, trending, all-time, providers,
    derivatives, ram; providers and derivatives rank the top `depth` by downloads, one Hub request per
    model). With `ram` or `sort="ram"`, `.ram` maps each row's id to its relative adoption."""
    check(sort, dict.fromkeys(TOP_SORTS), "sort")
    spec = SORTS[sort]
    if spec.signal:
        if depth is not None and depth > SIGNAL_DEPTH_MAX:
            raise UsageError(f"{param('depth')} with sort {sort}: at most {SIGNAL_DEPTH_MAX:,} (one lookup per model)")
        rank_depth = max(depth or SIGNAL_DEPTH, limit)
        query = ListingQuery(sort="downloads", task=task, author=author, search=search, library=library,
                             limit=rank_depth, inference_provider="all" if served else None)
        signals = SignalRequest(sort=sort, derivatives=derivatives, limit=limit, depth=rank_depth, ram=ram)
    else:
        query = ListingQuery(sort=sort, task=task, author=author, search=search, library=library, limit=limit,
                             inference_provider="all" if served else None)
        signals = SignalRequest(derivatives=derivatives, limit=limit, ram=ram)
    return _listing(query, signals, _sizes(size, min_params, max_params, include_unknown), fetch)


def groups(*, by: str = "family", sort: str = "downloads", task: str | None = None, author: str | None = None,
           search: str | None = None, library: str | None = None, limit: int = 20, depth: int = GROUP_DEPTH,
           derivatives: bool = False, size: SizeBand | str | None = None, min_params: str | None = None,
           max_params: str | None = None, include_unknown: bool = False, **fetch: Any) -> Grouped:
    """The top `depth` models of a listing grouped `by` family, author or series; `.grouping.top(limit)`."""
    notices = _Notices()
    query = ListingQuery(sort=sort, task=task, author=author, search=search, library=library, limit=limit)
    answer = grouped(query, _options(notices, fetch), by=by, depth=depth,
                     sizes=_sizes(size, min_params, max_params, include_unknown), derivatives=derivatives)
    answer.listing.notices[:0] = notices
    return answer


def family(model_id: str, *, limit: int = 10, depth: int = 1000, expand: int = 5, **fetch: Any) -> ModelTree:
    """One model's tree: its quantizations, finetunes, adapters and merges, two levels deep, with totals."""
    from hubradar.app.family import model_tree

    notices = _Notices()
    tree = model_tree(model_id, _options(notices, fetch), per_relation=limit, depth=depth, expand=expand)
    tree.notices = list(notices)
    return tree



def gaps(scores: str | Path, *, task: str | None = None, adoption: str = "downloads", model_col: str | None = None,
         score_col: str | None = None, size: SizeBand | str | None = None, min_params: str | None = None,
         max_params: str | None = None, include_unknown: bool = False, **fetch: Any) -> GapReport:
    """Your measured scores (a CSV or TSV) against the Hub's adoption: `.rows` labelled opportunity,
    warning, consensus, neither or uncertain; `.unmatched` the rows no Hub model matched."""
    from hubradar.app.gaps import find_gaps, read_scores

    notices = _Notices()
    sheet = read_scores(Path(scores), model_col=model_col, score_col=score_col)
    report = find_gaps(sheet, _options(notices, fetch), task=task, adoption=adoption,
                       sizes=_sizes(size, min_params, max_params, include_unknown))
    report.notices[:0] = notices
    return report


def movers(*, since: str = "7d", sort: str = "downloads", task: str | None = None, group: str | None = None,
           cache_dir: str | Path | None = None) -> Movers:
    """What changed in a stored listing: its newest snapshot against the one nearest `since` (`7d`,
    a date); `.rows` are every model of either side. Reads the cache only (no network)."""
    from hubradar.app.history import movers as compare
    from hubradar.app.history import reader
    from hubradar.core.time import parse_since

    query = ListingQuery(sort=sort, task=task)
    with reader(Path(cache_dir) if cache_dir else None, _Notices()) as store:
        return compare(store, query, parse_since(since), group)


def state(*, at: date | datetime | str | None = None, task: str | None = None, author: str | None = None,
          orgs: Path | str | None = None, limit: int = 10, cache_dir: Path | str | None = None) -> HubState:
    """The state of the Hub from the latest whole-Hub snapshot (or the newest at or before `at`), as
    `hubradar state` shows it: `.distribution`, `.families`, `.sizes`, `.tasks`, `.regions` ...

    Reads only the snapshots under `cache_dir` (made by `hubradar crawl` or `import`); `orgs` is an
    org table of your own (else `HUBRADAR_ORGS`, else the one shipped with hubradar).
    """
    from hubradar.app.state import hub_state

    return hub_state(at=at, task=task, author=author, limit=limit,
                     orgs=Path(orgs) if orgs is not None else None,
                     cache_dir=Path(cache_dir).expanduser() if cache_dir is not None else None)
