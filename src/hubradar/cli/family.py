"""`hubradar family ORG/NAME`: the model tree of one model, from the Hub's own base-model filters."""

from __future__ import annotations

from typing import Annotated

import typer

from hubradar.app.family import model_tree
from hubradar.cli.options import (
    CacheDirOpt,
    EndpointOpt,
    FormatOpt,
    MaxAgeOpt,
    OfflineOpt,
    QuietOpt,
    RefreshOpt,
    RetriesOpt,
    TimeoutOpt,
    TokenOpt,
    fetch_options,
)
from hubradar.core.errors import UsageError
from hubradar.core.record import _ID_RE
from hubradar.render.text import Notifier, OutputFormat, emit
from hubradar.views.families import layout_of, tree_view

FAMILY_HELP = """The model tree of one model: its quantizations, finetunes, adapters and merges with their
downloads and likes, the top re-uploads, and the totals (what the family really adds up to).

Two levels deep: the children of the top --expand children are listed under them. Re-uploads that
carry no lineage metadata are found by name and marked with *.

Examples:

  hubradar family Qwen/Qwen3.8-27B

  hubradar family google/gemma-4-31B-it --limit 5 --expand 0

  hubradar family Qwen/Qwen3.6-27B --format json | jq .totals
"""

ModelArg = Annotated[str, typer.Argument(metavar="ORG/NAME", help="The model, as on the Hub.", show_default=False)]
ChildrenOpt = Annotated[
    int, typer.Option("--limit", "-n", min=1, max=1000, rich_help_panel="Output",
                      help="Children shown per relation (quantized, finetune, adapter, merge, by name).")
]
CountedOpt = Annotated[
    int, typer.Option("--depth", min=1, max=100_000, rich_help_panel="Output",
                      help="Children counted in the totals per relation (one request per 1,000).")
]
ExpandOpt = Annotated[
    int,
    typer.Option("--expand", min=0, max=50, rich_help_panel="Output",
                 help="List the children of the top N children too (one lookup and one listing each)."),
]


def family(
    model: ModelArg,
    limit: ChildrenOpt = 10,
    depth: CountedOpt = 1000,
    expand: ExpandOpt = 5,
    fmt: FormatOpt = OutputFormat.table,
    max_age: MaxAgeOpt = "1h",
    refresh: RefreshOpt = False,
    offline: OfflineOpt = False,
    cache_dir: CacheDirOpt = None,
    token: TokenOpt = None,
    endpoint: EndpointOpt = None,
    timeout: TimeoutOpt = 10.0,
    retries: RetriesOpt = 3,
    quiet: QuietOpt = False,
) -> None:
    model = model.strip().removeprefix("https://huggingface.co/").strip("/")
    if not _ID_RE.fullmatch(model):
        raise UsageError(f"{model!r} is not a model id; use ORG/NAME, e.g. Qwen/Qwen3.8-27B")
    options = fetch_options(max_age=max_age, refresh=refresh, offline=offline, cache_dir=cache_dir,
                            token=token, endpoint=endpoint, timeout=timeout, retries=retries, notify=Notifier(quiet),
                            spinner=fmt is OutputFormat.table)
    tree = model_tree(model, options, per_relation=limit, depth=depth, expand=expand)
    emit(tree_view(tree, layout_of(fmt)), fmt)


family.__doc__ = FAMILY_HELP
