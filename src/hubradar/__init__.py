"""hubradar: read the Hugging Face Hub as an industry radar.

The library does what the CLI does, as data:

    import hubradar
    listing = hubradar.trending(limit=5, offline=True)
    [(m.id, m.trending_score) for m in listing.rows]

`import hubradar` loads nothing heavy: each name below is imported when first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS = {
    "trending": "hubradar.app.api",
    "top": "hubradar.app.api",
    "groups": "hubradar.app.api",
    "family": "hubradar.app.api",
    "gaps": "hubradar.app.api",
    "movers": "hubradar.app.api",
    "hub_movers": "hubradar.app.hub_movers",
    "state": "hubradar.app.api",
    "Listing": "hubradar.core.listing",
    "ListingQuery": "hubradar.core.query",
    "ModelRecord": "hubradar.core.record",
    "FetchOptions": "hubradar.app.options",
    "fetch_options": "hubradar.app.options",
    "get_listing": "hubradar.app.listing",
    "HubradarError": "hubradar.core.errors",
    "UsageError": "hubradar.core.errors",
    "HubError": "hubradar.core.errors",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hubradar' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
