"""`hubradar family ORG/NAME`: the model tree of one model, from the Hub's own base-model filters."""

from __future__ import annotations

from typing import Annotated

import typer

from hubradar.app.family import model_tree
from hubradar.cli.options import FetchFlags, FormatOpt, QuietOpt, bundled
from hubradar.core.errors import UsageError
from hubradar.core.record import hub_id_of, is_model_id, plain_name
from hubradar.render.notices import Notifier
from hubradar.render.text import emit
from hubradar.views.families import layout_of
from hubradar.views.tree import tree_view
from hubradar.views.view import OutputFormat

FAMILY_HELP = """The model tree of one model: its quantizations, finetunes, adapters and merges.

Their downloads and likes, the top re-uploads, and the totals (what the family really adds up to).

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


@bundled
def family(
    model: ModelArg,
    limit: ChildrenOpt = 10,
    depth: CountedOpt = 1000,
    expand: ExpandOpt = 5,
    fmt: FormatOpt = OutputFormat.table,
    fetch: FetchFlags = FetchFlags(),
    quiet: QuietOpt = False,
) -> None:
    notify = Notifier(quiet)
    name = plain_name(model)
    model_id = hub_id_of(model) or (name if is_model_id(name) else None)
    if model_id is None:
        raise UsageError(f"{model.strip()!r} is not a model id; use ORG/NAME, e.g. Qwen/Qwen3.8-27B")
    options = fetch.options(notify, spinner=fmt is OutputFormat.table)
    tree = model_tree(model_id, options, per_relation=limit, depth=depth, expand=expand)
    emit(tree_view(tree, layout_of(fmt)), fmt)


family.__doc__ = FAMILY_HELP
