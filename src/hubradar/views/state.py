"""What `hubradar state` shows: the headline figures, then families, sizes, tasks, authors, regions, kinds, months.

JSON carries every figure as a number at the top level (`models`, `downloads`, `top_200_share`,
`gini`, `families` ...); the table shows them for people, section by section; CSV is one long
table (`section`, `key`, then the numbers that section has) for a spreadsheet.
"""

from __future__ import annotations

from typing import Any

from hubradar.analysis.sql.state import BELOW, TOP_FEW, Breakdown, Share
from hubradar.app.state import HubState
from hubradar.core.time import to_iso
from hubradar.core.units import count_of, human_count, human_params
from hubradar.views.view import Column, OutputFormat, View

MONTHS_SHOWN = 12  # a table's months; json and csv have every one
CSV_KEYS = ["section", "key", "value", "models", "declared", "by_name", "downloads", "model_share", "download_share"]
_TOP_KEYS = {"top_200": "top_200_share", "top_0.01%": "top_0_01_percent_share", "top_1%": "top_1_percent_share"}


def _pct(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _share_dict(share: Share, name: str) -> dict[str, Any]:
    return {name: share.key, "models": share.models, "downloads": share.downloads,
            "model_share": _round(share.model_share), "download_share": _round(share.download_share)}


def _breakdown_dict(breakdown: Breakdown, name: str) -> dict[str, Any]:
    return {"classes": breakdown.classes, "top": [_share_dict(s, name) for s in breakdown.top]}


def state_meta(s: HubState) -> dict[str, Any]:
    """Every figure, as numbers (shares are fractions 0..1)."""
    d, z, c = s.distribution, s.sizes, s.coverage
    meta: dict[str, Any] = {
        "taken_at": to_iso(s.taken_at), "source": s.metadata.get("source"), "origin": s.metadata.get("origin"),
        "snapshot": str(s.snapshot.path), "filters": {"task": s.task, "author": s.author},
        "models": d.models, "downloads": d.downloads, "models_with_downloads": d.known,
        "downloads_all_time": d.downloads_all_time,
    }
    meta.update({key: _round(d.concentration.get(name)) for name, key in _TOP_KEYS.items()})
    meta.update({
        "concentration": {name: {"models": d.top_counts.get(name), "share": _round(d.concentration.get(name))}
                          for name in _TOP_KEYS},
        "gini": _round(d.gini), "median_downloads": d.median_downloads,
        f"share_below_{BELOW}": _round(d.share_below), f"share_below_{BELOW}_all_time": _round(d.share_below_all_time),
        "families": [{"family": f.family, "derivatives": f.derivatives, "declared": f.declared, "by_name": f.by_name,
                      "ecosystem_downloads": f.ecosystem_downloads, "downloads": f.downloads, "listed": f.listed}
                     for f in s.families],
        "families_with_derivatives": s.families_total,
        "org_families": [{"org": o.org, "families": o.families, "derivatives": o.derivatives, "declared": o.declared,
                          "by_name": o.by_name, "ecosystem_downloads": o.ecosystem_downloads}
                         for o in s.org_families],
        "sizes": {"models_with_params": z.models, "params_from_base": z.from_base,
                  "model_share": _round(z.model_share), "download_share": _round(z.download_share),
                  "mean_params": z.mean, "median_params": z.median,
                  "weighted_mean_params": z.weighted_mean, "weighted_median_params": z.weighted_median},
        "tasks": _breakdown_dict(s.tasks, "task"),
        "authors": _breakdown_dict(s.authors, "author"),
        "monthly": [{"month": month, "models": n} for month, n in s.monthly],
        "regions": _breakdown_dict(s.regions, "region"),
        "kinds": _breakdown_dict(s.kinds, "kind"),
        "org_table": {"source": s.orgs.source, "orgs": len(s.orgs.rows), "models": c.models, "downloads": c.downloads,
                      "model_share": _round(c.model_share), "download_share": _round(c.download_share),
                      "region_known_share": _round(c.known.get("region")),
                      "kind_known_share": _round(c.known.get("kind"))},
    })
    return meta


def headline(s: HubState) -> list[dict[str, Any]]:
    """The figures of the first table: (figure, value as a number, value as shown)."""
    d, z, c = s.distribution, s.sizes, s.coverage
    counts = d.top_counts

    def row(key: str, figure: str, value: Any, shown: str) -> dict[str, Any]:
        return {"key": key, "figure": figure, "value": value, "shown": shown}

    rows = [
        row("models", "models", d.models, f"{d.models:,}"),
        row("downloads", "downloads, last 30 days", d.downloads, human_count(d.downloads)),
        row("top_200_share", f"held by the top {TOP_FEW} models", d.concentration.get("top_200"),
            _pct(d.concentration.get("top_200"))),
        row("top_0_01_percent_share", f"held by the top 0.01% ({count_of(counts.get('top_0.01%', 0), 'model')})",
            d.concentration.get("top_0.01%"), _pct(d.concentration.get("top_0.01%"))),
        row("top_1_percent_share", f"held by the top 1% ({count_of(counts.get('top_1%', 0), 'model')})",
            d.concentration.get("top_1%"), _pct(d.concentration.get("top_1%"))),
        row("gini", "Gini of downloads (0 equal, 1 one model has all)", d.gini,
            "-" if d.gini is None else f"{d.gini:.3f}"),
        row("median_downloads", "median downloads of a model", d.median_downloads, human_count(d.median_downloads)),
        row(f"share_below_{BELOW}", f"models under {BELOW} downloads (30 days)", d.share_below, _pct(d.share_below)),
        row(f"share_below_{BELOW}_all_time", f"models under {BELOW} downloads (all time)", d.share_below_all_time,
            _pct(d.share_below_all_time)),
        row("mean_params", f"mean size (of the {_pct(z.model_share, 0)} of models with a count)", z.mean,
            human_params(_int(z.mean))),
        row("median_params", "median size", z.median, human_params(_int(z.median))),
        row("weighted_mean_params", "mean size of a download", z.weighted_mean, human_params(_int(z.weighted_mean))),
        row("weighted_median_params", "median size of a download", z.weighted_median,
            human_params(_int(z.weighted_median))),
        row("org_table_coverage", f"downloads whose org is in the org table ({len(s.orgs.rows):,} orgs)",
            c.download_share, _pct(c.download_share)),
    ]
    return rows


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


def _title(s: HubState) -> str:
    filters = "".join(f", {name} {value}" for name, value in (("task", s.task), ("author", s.author)) if value)
    source = s.metadata.get("source") or "snapshot"
    return f"State of the Hub{filters}, {s.taken_at:%Y-%m-%d %H:%M} UTC ({source})"


def _class_view(breakdown: Breakdown, name: str, title: str, notes: list[str] | None = None) -> View:
    rows = [_share_dict(share, name) | {name: share.key or "unknown"} for share in breakdown.top]
    return View(columns=[Column(name, name, "id" if name == "author" else "text"),
                         Column("models", "models", "count"), Column("model_share", "of models", "ratio", priority=2),
                         Column("downloads", "downloads", "count"), Column("download_share", "of downloads", "ratio")],
                rows=rows, title=title, notes=notes or [], empty_message="No models.")


def _families_view(s: HubState) -> View:
    rows = [{"family": f.family, "derivatives": f.derivatives, "declared": f.declared, "by_name": f.by_name,
             "ecosystem_downloads": f.ecosystem_downloads, "downloads": f.downloads} for f in s.families]
    notes = [f"{s.families_total:,} bases have a derivative. derivatives: every model whose lineage leads to the base, "
             "at any depth; declared by the Hub's metadata all the way, or by name (a re-upload that names no base, "
             "matched by the name rule: docs/lineage.md)"]
    return View(columns=[Column("family", "base", "id"), Column("derivatives", "derivatives", "count"),
                         Column("declared", "declared", "count", priority=2),
                         Column("by_name", "by name", "count", priority=2),
                         Column("ecosystem_downloads", "ecosystem dl", "count"),
                         Column("downloads", "base dl", "count", priority=3)],
                rows=rows, title="Families with most derivatives", notes=notes,
                empty_message="No model has a derivative here.")


def _org_families_view(s: HubState) -> View:
    rows = [{"org": o.org, "families": o.families, "derivatives": o.derivatives, "declared": o.declared,
             "by_name": o.by_name, "ecosystem_downloads": o.ecosystem_downloads} for o in s.org_families]
    return View(columns=[Column("org", "org", "text"), Column("families", "bases", "count", priority=2),
                         Column("derivatives", "derivatives", "count"),
                         Column("declared", "declared", "count", priority=3),
                         Column("by_name", "by name", "count", priority=3),
                         Column("ecosystem_downloads", "ecosystem dl", "count")],
                rows=rows, title="Orgs whose models have most derivatives", empty_message="No model has a derivative.")


def _monthly_view(s: HubState) -> View:
    dated = [(m, n) for m, n in s.monthly if m is not None]
    undated = sum(n for m, n in s.monthly if m is None)
    notes = [f"the last {MONTHS_SHOWN} of {len(dated)} months; --format json or csv has every one"] \
        if len(dated) > MONTHS_SHOWN else []
    if undated:
        notes.append(f"{undated:,} models have no creation date")
    return View(columns=[Column("month", "month", "text"), Column("models", "new models", "count")],
                rows=[{"month": m, "models": n} for m, n in dated[-MONTHS_SHOWN:]], title="New models per month",
                notes=notes, empty_message="No model has a creation date.")


def _org_notes(s: HubState, column: str) -> list[str]:
    known = s.coverage.known.get(column)
    return [f"from the org table ({s.orgs.source}): {len(s.orgs.rows):,} orgs, {_pct(s.coverage.download_share)} of "
            f"downloads; its {column} is known for {_pct(known)} of downloads, the rest is unknown"]


def _csv_rows(s: HubState) -> list[dict[str, Any]]:
    rows = [{"section": "headline", "key": r["key"], "value": r["value"]} for r in headline(s)]
    rows += [{"section": "families", "key": f.family, "value": f.ecosystem_downloads, "models": f.derivatives,
              "declared": f.declared, "by_name": f.by_name, "downloads": f.ecosystem_downloads} for f in s.families]
    rows += [{"section": "org_families", "key": o.org, "value": o.families, "models": o.derivatives,
              "declared": o.declared, "by_name": o.by_name, "downloads": o.ecosystem_downloads}
             for o in s.org_families]
    for section, breakdown in (("tasks", s.tasks), ("authors", s.authors), ("regions", s.regions),
                               ("kinds", s.kinds)):
        rows += [{"section": section, "key": share.key or "unknown", "models": share.models,
                  "downloads": share.downloads, "model_share": _round(share.model_share),
                  "download_share": _round(share.download_share)} for share in breakdown.top]
    rows += [{"section": "monthly", "key": month or "unknown", "models": n} for month, n in s.monthly]
    return rows


def state_view(s: HubState, fmt: OutputFormat | str = OutputFormat.table) -> View:
    """The report of one snapshot: headline figures first, the breakdowns as further sections."""
    meta = state_meta(s)
    if OutputFormat(fmt) is OutputFormat.csv:
        return View(columns=[Column(k, k) for k in CSV_KEYS], rows=_csv_rows(s), meta=meta, csv_keys=CSV_KEYS)
    d = s.distribution
    notes = [f"{d.models - d.known:,} models have unknown downloads: counted as models, in no download figure"] \
        if d.known < d.models else []
    notes.append(f"sizes: the weights' own count, else their base's (quantizations, mirrors); "
                 f"{s.sizes.from_base:,} from the base")
    return View(columns=[Column("figure", "figure", "text", wrap=True), Column("shown", "value", "text")],
                rows=headline(s), meta=meta, title=_title(s), notes=notes, csv_keys=["key", "value"],
                extra_sections=state_sections(s))


def state_sections(s: HubState) -> list[View]:
    """The sections after the headline: families first (the report's page shows them too)."""
    return [_families_view(s), _org_families_view(s),
            _class_view(s.tasks, "task", f"By task (top {len(s.tasks.top)} of {s.tasks.classes:,})"),
            _class_view(s.authors, "author", f"By author (top {len(s.authors.top)} of {s.authors.classes:,})"),
            _class_view(s.regions, "region", "By region", _org_notes(s, "region")),
            _class_view(s.kinds, "kind", "By organisation kind", _org_notes(s, "kind")),
            _monthly_view(s)]
