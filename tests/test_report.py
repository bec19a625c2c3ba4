"""`hubradar report` and the report module: sections, provenance, escaping, markup, charts, Markdown."""

from __future__ import annotations

import math
import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import FIXTURES, hub_models
from htmlcheck import Page, read_page
from hubradar.render.html.page import Report, Section, render_html, render_markdown, write_page
from hubradar.render.html.svg import Bar, bar_chart, scatter_chart, sparkline, text_bar, text_sparkline
from hubradar.render.html.tables import table_html
from hubradar.render.scatter import nice_ticks
from hubradar.views.chart import Point, Quadrants, ScatterPlot
from hubradar.views.view import Column, View
from hubserver import StandInHub

BUILT = datetime(2026, 8, 21, 19, 30, tzinfo=UTC)
HOSTILE_TASK = "<b>x</b>&\"'"
HOSTILE_TITLE = "<img src=x onerror=alert(1)> radar"
HOSTILE_MODELS = [
    {"id": "evil-org/x-model", "pipeline_tag": HOSTILE_TASK, "library_name": "\"><script>alert(2)</script>",
     "downloads": 900_000_000, "likes": 5, "trendingScore": 99_999, "createdAt": "2026-08-20T00:00:00.000Z",
     "tags": ["<script>alert(3)</script>", "base_model:quantized:</td><script>alert(4)</script>"]},
    {"id": "evil-org/ünïcødé-model", "pipeline_tag": "text-generation", "downloads": 800_000_000, "likes": 1,
     "trendingScore": 88_888, "createdAt": "2026-08-19T00:00:00.000Z", "tags": ["gguf"]},
]


def _page(path: Path) -> tuple[str, Page]:
    markup = path.read_text(encoding="utf-8")
    return markup, read_page(markup)


def _ids_of_table(page: Page, markup: str, section: str) -> list[str]:
    """Model ids in the order the section's table lists them (from the links to the Hub)."""
    start = markup.index(f'<section class="card" id="{section}"')
    chunk = markup[start: markup.index("</section>", start)]
    return re.findall(r'<td class="id" data-sort="([^"]+)"', chunk)


@pytest.fixture
def hostile_hub(monkeypatch: pytest.MonkeyPatch):
    server = StandInHub(hub_models() + HOSTILE_MODELS).serve()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.close()


# --- the command ----------------------------------------------------------------------------


def test_report_has_every_section_with_live_provenance_and_balanced_markup(run, hub: StandInHub,
                                                                           tmp_path: Path) -> None:
    out = tmp_path / "radar.html"
    result = run("report", "--out", str(out), "--task", "text-generation", "--task", "feature-extraction",
                 "--limit", "7")
    assert result.code == 0, result.err
    assert result.out == ""
    assert f"wrote {out}" in result.err
    markup, page = _page(out)
    assert page.problems == []
    assert page.doctype == "doctype html"
    sections = [e.attrs["id"] for e in page.find("section")]
    assert sections == ["trending", "top-text-generation", "top-feature-extraction", "families", "how-to-read"]
    assert [e.attrs["href"] for e in page.find("a") if (e.attrs["href"] or "").startswith("#")] == [
        f"#{s}" for s in sections]
    # Each table: the rows the Hub ranks first, and a line saying where and when they came from.
    by_trending = [m["id"] for m in sorted(hub_models(), key=lambda m: m.get("trendingScore", 0), reverse=True)]
    assert _ids_of_table(page, markup, "trending") == by_trending[:7]
    text_gen = [m for m in hub_models() if m.get("pipeline_tag") == "text-generation"]
    by_downloads = [m["id"] for m in sorted(text_gen, key=lambda m: m.get("downloads", 0), reverse=True)]
    assert _ids_of_table(page, markup, "top-text-generation") == by_downloads[:7]
    assert len(page.find("table")) == 3
    assert len(page.find("span", **{"class": "badge live"})) == 3
    assert markup.count("7 models live from the Hub, fetched <time datetime=") == 3
    assert "before this page" not in page.text  # fetched as the page was built: no age to state
    # trending, the two tasks, and one deep downloads listing the families are grouped over
    assert len(hub.listing_requests()) == 4
    # the families chart: one bar per family, the largest first, linked to its base model's page
    assert len(page.find("div", **{"class": "bar-row"})) == 10
    assert 'href="https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2"' in markup
    for bias in ("Downloads are not production use", "Small models download more", "Re-uploads fragment",
                 "Launch spikes and bots inflate trending", "Closed models are invisible",
                 "A GGUF repo counts every file request"):
        assert bias in page.text


def test_page_is_self_contained(run, hub: StandInHub, tmp_path: Path) -> None:
    out = tmp_path / "radar.html"
    assert run("report", "--out", str(out), "--limit", "5").code == 0
    markup, page = _page(out)
    assert [e.attrs for e in page.find("script")] == [{}]  # one inline script, nothing loaded
    assert page.find("link", rel="stylesheet") == []
    assert all(e.attrs.get("src") is None for e in page.elements)
    assert [e.attrs["href"] or "" for e in page.find("link")][-1].startswith("data:image/svg+xml,")
    for anchor in page.find("a"):
        href = anchor.attrs["href"] or ""
        assert href.startswith(("#", "https://huggingface.co/")), href
    assert "@import" not in markup and "url(" not in markup


def test_second_report_comes_from_the_cache_and_says_so(run, hub: StandInHub, tmp_path: Path) -> None:
    assert run("report", "--out", str(tmp_path / "a.html"), "--limit", "5").code == 0
    hub.reset_log()
    assert run("report", "--out", str(tmp_path / "b.html"), "--limit", "5").code == 0
    assert hub.requests == []
    _, page = _page(tmp_path / "b.html")
    assert len(page.find("span", **{"class": "badge cache"})) == 2
    assert "5 models from the cache, fetched" in page.text


def test_unreachable_hub_gives_a_page_from_the_bundled_snapshot(run, dead_hub: str, tmp_path: Path) -> None:
    result = run("report", "--out", str(tmp_path / "r.html"), "--limit", "5")
    assert result.code == 0, result.err
    assert "bundled with hubradar" in result.err
    _, page = _page(tmp_path / "r.html")
    assert len(page.find("span", **{"class": "badge snapshot"})) == 2
    assert re.search(r"5 models from the bundled snapshot, fetched 2026-08-21 19:00 UTC \(\d+d before this page\)",
                     page.text)


def test_hub_strings_and_the_title_are_escaped(run, hostile_hub: StandInHub, tmp_path: Path) -> None:
    out = tmp_path / "radar.html"
    result = run("report", "--out", str(out), "--task", HOSTILE_TASK, "--title", HOSTILE_TITLE, "--limit", "5")
    assert result.code == 0, result.err
    markup, page = _page(out)
    assert page.problems == []
    assert len(page.find("script")) == 1 and page.find("img") == [] and page.find("b") == []
    assert "<img" not in markup and markup.count("<script") == 1 and "<b>" not in markup
    assert f"Most downloaded: {HOSTILE_TASK}" in page.text  # shown literally
    assert HOSTILE_TITLE in page.text
    assert "&lt;b&gt;x&lt;/b&gt;&amp;&quot;&#x27;" in markup
    top = next(e for e in page.find("section") if (e.attrs["id"] or "").startswith("top-"))
    assert re.fullmatch(r"top-[a-z0-9-]+", top.attrs["id"] or "")
    assert "https://huggingface.co/evil-org/%C3%BCn%C3%AFc%C3%B8d%C3%A9-model" in [
        e.attrs["href"] for e in page.find("a")]


def test_markdown_has_the_same_sections_escaped(run, hostile_hub: StandInHub) -> None:
    result = run("report", "--format", "md", "--task", HOSTILE_TASK, "--title", HOSTILE_TITLE, "--limit", "3")
    assert result.code == 0, result.err
    md = result.out
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings == ["# &lt;img src=x onerror=alert(1)&gt; radar", "## Trending now",
                        "## Most downloaded: &lt;b&gt;x&lt;/b&gt;&\"'", "## Families", "## How to read this"]
    assert "<" not in md.replace("&lt;", "")
    assert "| 1 | [evil-org/x-model](https://huggingface.co/evil-org/x-model) |" in md
    assert "_3 models live from the Hub, fetched " in md
    assert "_1 model live from the Hub, fetched " in md  # only the hostile model has that task
    assert "- **Closed models are invisible.**" in md


def test_report_to_stdout_when_no_out(run, hub: StandInHub) -> None:
    result = run("report", "--limit", "3")
    assert result.code == 0
    assert result.out.startswith("<!doctype html>") and result.out.rstrip().endswith("</html>")
    assert read_page(result.out).problems == []


@pytest.mark.parametrize(("args", "needle"), [
    (["--out", "/nonexistent-dir/radar.html"], "--out: the directory '/nonexistent-dir' does not exist"),
    (["--format", "pdf"], "'pdf' is not one of"),
    (["--task", "text-generatoin"], "closest known pipeline tags: text-generation"),
])
def test_bad_usage_is_one_line_and_exit_2(run, hub: StandInHub, args: list[str], needle: str) -> None:
    result = run("report", *args)
    assert result.code == 2
    assert needle in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_write_page_replaces_atomically_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    write_page("first", target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()
    target.chmod(0o640)
    write_page("second", target)
    assert target.read_text() == "second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# --- tables ---------------------------------------------------------------------------------


def test_table_carries_raw_values_for_sorting_and_hides_by_priority() -> None:
    view = View(
        columns=[Column("id", "model", "id"), Column("downloads", "downloads", "count"),
                 Column("created_at", "age", "age", priority=2), Column("task", "task", "text", priority=3)],
        rows=[{"id": "a/b", "downloads": 1_726_651, "created_at": "2026-08-21T18:30:00.000Z", "task": "t"},
              {"id": "c", "downloads": None, "created_at": None, "task": None}],
        now=BUILT,
    )
    markup = table_html(view, sorted_by="downloads")
    page = read_page(markup)
    assert page.problems == []
    assert [e.attrs for e in page.find("th")] == [
        {"scope": "col", "class": "id"}, {"scope": "col", "class": "num", "aria-sort": "descending"},
        {"scope": "col", "class": "num p2"}, {"scope": "col", "class": "text p3"}]
    cells = [e.attrs["data-sort"] for e in page.find("td")]
    assert cells == ["a/b", "1726651", "3600", "t", "c", "", "", ""]
    assert '<span title="1,726,651">1.7M</span>' in markup
    assert '<a href="https://huggingface.co/c">c</a>' in markup


def test_table_escapes_ids_and_cells_it_is_given() -> None:
    nasty = 'o"rg/<script>&x'
    view = View(columns=[Column("id", "model", "id"), Column("tags", "tags", "list")],
                rows=[{"id": nasty, "tags": ["<i>", "ok"]}])
    markup = table_html(view, pill_titles={"<i>": '"><b>'})
    page = read_page(markup)
    assert page.problems == [] and page.find("script") == [] and page.find("i") == [] and page.find("b") == []
    assert page.find("a")[0].attrs["href"] == "https://huggingface.co/o%22rg/%3Cscript%3E%26x"
    assert "o\"rg/<script>&x" in page.text and "<i>" in page.text


def test_empty_table_says_so() -> None:
    assert table_html(View(columns=[Column("id", "model", "id")], rows=[])) == '<p class="empty">No models match.</p>'


# --- the page framework -----------------------------------------------------------------------


def test_a_section_is_a_function_of_its_data_and_anchors_stay_unique() -> None:
    def note_section(text: str) -> Section:
        return Section("notes", "Notes", html=f"<p>{text}</p>", markdown=text, intro="Two <notes>")

    report = Report("T", BUILT, [note_section("one"), note_section("two")])
    markup = render_html(report)
    page = read_page(markup)
    assert page.problems == []
    assert [e.attrs["id"] for e in page.find("section")] == ["notes", "notes-2"]
    assert "Two &lt;notes&gt;" in markup
    md = render_markdown(report)
    assert md.count("## Notes") == 2 and "Two &lt;notes&gt;" in md and md.endswith("two\n")


# --- charts ---------------------------------------------------------------------------------


def _rects(markup: str, klass: str) -> list[str]:
    return [e.attrs["width"] or "" for e in read_page(markup).find("rect", **{"class": klass})]


def test_bar_chart_lengths_follow_the_values_and_labels_are_escaped() -> None:
    bars = [Bar("Qwen", 0.4, href="https://huggingface.co/Qwen", note="31 repos"), Bar("<script>x", 0.1),
            Bar("zero", 0.0)]
    markup = bar_chart(bars, label="Download share & more")
    page = read_page(markup)
    assert page.problems == [] and page.find("script") == []
    assert _rects(markup, "bar") == ["100%", "25%", "0%"]  # relative to the leader
    assert _rects(markup, "track") == ["100%"] * 3
    assert "40%" in page.text and "10%" in page.text and "31 repos" in page.text and "<script>x" in page.text
    assert page.find("div", **{"class": "chart bars"})[0].attrs["aria-label"] == "Download share & more"
    assert _rects(bar_chart(bars, label="x", max_value=1.0), "bar") == ["40%", "10%", "0%"]


@pytest.mark.parametrize("value", [-0.1, math.nan, math.inf])
def test_bar_chart_refuses_values_it_cannot_draw(value: float) -> None:
    with pytest.raises(ValueError):
        bar_chart([Bar("a", value)], label="x")


def test_bar_chart_of_nothing_says_so() -> None:
    assert "Nothing to show." in bar_chart([], label="x")


def _circles(markup: str) -> list[tuple[float, float]]:
    return [(float((e.attrs["cx"] or "").rstrip("%")), float((e.attrs["cy"] or "").rstrip("%")))
            for e in read_page(markup).find("circle")]


def test_scatter_puts_decades_at_equal_distances_and_zero_in_its_own_slot() -> None:
    points = [Point(10, 0.2, "a"), Point(1_000, 0.5, "b"), Point(100_000, 0.9, "c"), Point(0, 0.4, "zero")]
    markup = scatter_chart(ScatterPlot(points, x_title="downloads", y_title="pass rate", y_range=(0, 1)), label="gaps")
    page = read_page(markup)
    assert page.problems == []
    (ax, ay), (bx, by), (cx, cy), (zx, _) = _circles(markup)
    assert zx == 0 and ax > 5  # zero sits left of the first decade, apart from it
    assert math.isclose(bx - ax, cx - bx, abs_tol=0.02)  # 10 -> 1K -> 100K: equal steps on a log axis
    assert ay == pytest.approx(80) and by == pytest.approx(50) and cy == pytest.approx(10)  # 0..1 upwards
    ticks = re.findall(r'class="tick(?: minor)?">([^<]+)<', markup)
    assert ticks[:6] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    assert ticks[6:] == ["0", "10", "100", "1K", "10K", "100K"]
    # hidden on phones: every other decade, and the first one, which sits a narrow slot right of "0"
    assert re.findall(r'class="tick minor">([^<]+)<', markup) == ["10", "100", "10K"]


def test_scatter_splits_default_to_the_medians_and_quadrants_are_labelled() -> None:
    points = [Point(x, y, f"m{x}") for x, y in ((10, 0.1), (100, 0.3), (1_000, 0.5), (10_000, 0.7), (100_000, 0.9))]
    markup = scatter_chart(ScatterPlot(points, x_title="d", y_title="q", y_range=(0, 1),
                                       quadrants=Quadrants("TL", "TR", "BL", "BR")), label="g")
    page = read_page(markup)
    splits = page.find("line", **{"class": "split"})
    assert [s.attrs["x1"] for s in splits] == ["50%", "0"]  # x median 1,000: the middle decade
    assert splits[1].attrs["y1"] == "50%"  # y median 0.5
    assert [t for t in ("TL", "TR", "BL", "BR") if f'class="quadrant">{t}<' in markup] == ["TL", "TR", "BL", "BR"]
    explicit = scatter_chart(ScatterPlot(points, x_title="d", y_title="q", y_range=(0, 1), x_split=100, y_split=0.8),
                             label="g")
    moved = read_page(explicit).find("line", **{"class": "split"})
    assert moved[0].attrs["x1"] == "25%" and moved[1].attrs["y1"] == "20%"


def test_scatter_names_highlighted_dots_first_and_never_two_on_one_spot() -> None:
    points = [Point(1000, 0.5, "first"), Point(1000, 0.5, "same-spot"), Point(100_000, 0.1, "far"),
              Point(10, 0.95, "<hi>", highlight=True)]  # in the corner where a quadrant is named: still named
    markup = scatter_chart(ScatterPlot(points, x_title="d", y_title="q", y_range=(0, 1)), label="g")
    labels = re.findall(r'class="pt-label( hi)?">([^<]+)<', markup)
    assert labels == [("", "first"), ("", "far"), (" hi", "&lt;hi&gt;")]  # the highlighted one drawn last, on top
    assert len(read_page(markup).find("circle")) == 4  # every dot drawn, with a tooltip
    assert re.findall(r'class="pt-label">far<', markup) and 'text-anchor="end" class="pt-label">far' in markup
    assert read_page(markup).find("circle", **{"class": "pt hi"})


def test_scatter_linear_axis_and_bad_input() -> None:
    markup = scatter_chart(ScatterPlot([Point(0, 0, "a"), Point(50, 1, "b")], x_title="d", y_title="q", x_log=False),
                           label="g")
    assert [x for x, _ in _circles(markup)] == [0, 100]
    with pytest.raises(ValueError):
        scatter_chart(ScatterPlot([Point(-1, 0.5, "neg")], x_title="d", y_title="q"), label="g")
    assert read_page(scatter_chart(ScatterPlot([], x_title="d", y_title="q"), label="g")).problems == []


def test_sparkline_breaks_at_missing_days_and_says_which_way_it_goes() -> None:
    markup = sparkline([1, 2, None, 4, 8], label="downloads <a>")
    page = read_page(markup)
    assert page.problems == []
    lines = page.find("polyline")
    assert len(lines) == 2
    assert page.find("svg")[0].attrs["class"] == "spark rising"
    assert page.find("svg")[0].attrs["aria-label"] == "downloads <a>"
    last = page.find("circle")[0]
    assert (last.attrs["cx"], last.attrs["cy"]) == ("117.0", "3.0")  # the last value is the highest: top right
    assert "spark falling" in sparkline([5, 1], label="x")
    flat = read_page(sparkline([3, 3, 3], label="x"))
    assert {p.split(",")[1] for p in (flat.find("polyline")[0].attrs["points"] or "").split()} == {"14.0"}
    assert "spark-none" in sparkline([None, None], label="x")


def test_text_charts_for_markdown() -> None:
    assert text_bar(0.5, 8) == "████"
    assert text_bar(0.5, 1) == "▌" and text_bar(1 / 8, 1) == "▏"
    assert text_bar(2.0, 3) == "███" and text_bar(0, 3) == ""
    assert text_sparkline([1, None, 8, 4.5]) == "▁ █▅"
    assert text_sparkline([None]) == " "


def test_nice_ticks_are_round_and_cover_the_range() -> None:
    assert nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(3, 97) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(5, 5) == [5, 5.2, 5.4, 5.6, 5.8, 6.0]


def test_columns_unknown_for_every_row_give_way_to_a_sentence(run, hub: StandInHub) -> None:
    result = run("report", "--format", "md", "--task", "text-generation", "--limit", "7")
    assert result.code == 0, result.err
    headers = [line for line in result.out.splitlines() if line.startswith("| # | model")]
    notes = [line for line in result.out.splitlines() if line.startswith("_7 models")]
    # The capture records no inference providers at all: that column gives way to a sentence in both
    # tables, while params (sized from metadata or names) stays.
    assert all("| providers |" not in h and "| params |" in h for h in headers)
    assert notes[0].endswith("; unknown for every row, so not shown: providers_")
    assert "params" not in notes[1].split("30 days")[1]
    assert "| # | model | task |" in headers[0] and "| task |" not in headers[1]  # one task: no task column


# --- movers (stored history) and measured vs adopted (--scores) ------------------------------

SCORES = FIXTURES / "scores" / "team-coding-2026.csv"


def _import(run, *days: str) -> None:
    for day in days:
        result = run("import", str(FIXTURES / "hub" / f"models-{day}.json"), "--at", f"{day}T19:00Z")
        assert result.code == 0, result.err


def _section(markup: str, key: str) -> str:
    start = markup.index(f'<section class="card" id="{key}"')
    return markup[start: markup.index("</section>", start)]


def _downloads_ranks(day: str) -> dict[str, int]:
    """A capture ranked as the downloads listing ranks it: by downloads, ties in file order."""
    ordered = sorted(hub_models(day), key=lambda m: m.get("downloads") or 0, reverse=True)
    return {m["id"]: i for i, m in enumerate(ordered, start=1)}


def test_movers_section_shows_rank_changes_with_a_sparkline_per_model(run, hub: StandInHub, tmp_path: Path) -> None:
    _import(run, "2026-08-15", "2026-08-21")
    out = tmp_path / "radar.html"
    result = run("report", "--out", str(out), "--limit", "5")
    assert result.code == 0, result.err
    markup, page = _page(out)
    assert page.problems == []
    movers = _section(markup, "movers")
    assert "hubradar record" not in markup.split("<main", 1)[0]  # no "how to get history" note: there is history
    old, new = _downloads_ranks("2026-08-15"), _downloads_ranks("2026-08-21")
    depth = min(len(old), len(new))
    gains = {m: old[m] - new[m] for m in new if m in old and old[m] <= depth and new[m] <= depth}
    best = max(gains.values())
    assert best > 0
    # The first table is Rising: its first row gained the most places, and says from where to where.
    first = re.search(r"<tbody>\s*<tr>(.*?)</tr>", movers, re.S)
    assert first is not None
    top_id = re.search(r'<td class="id" data-sort="([^"]+)"', first.group(1)).group(1)
    assert gains[top_id] == best
    assert f'data-sort="{new[top_id]}"' in first.group(1) and f'data-sort="{best}"' in first.group(1)
    assert f"{top_id}: rank {old[top_id]} on 2026-08-15 → {new[top_id]} on 2026-08-21 (2 snapshots)" in first.group(1)
    # Every row of every movers table (Rising, New, Falling, Dropped: at most --limit each) has its sparkline.
    rows = movers.count("<tr>") - movers.count("<thead>")
    assert 0 < rows <= 4 * 5
    assert movers.count('<svg class="spark') == rows
    for heading in ("Rising", f"New in the top {depth}", "Falling"):
        assert f"<h3 class=\"sub\">{heading}</h3>" in movers
    assert "2026-08-15 19:00 → 2026-08-21 19:00 UTC" in movers


@pytest.mark.parametrize("days", [(), ("2026-08-21",)])
def test_without_two_snapshots_the_page_says_how_to_get_movers(run, hub: StandInHub, tmp_path: Path,
                                                               days: tuple[str, ...]) -> None:
    _import(run, *days)
    out = tmp_path / "radar.html"
    # --offline: a live fetch would store a snapshot of its own, and the second page would have movers.
    result = run("report", "--out", str(out), "--limit", "3", "--offline")
    assert result.code == 0, result.err
    markup, page = _page(out)
    assert page.problems == []
    assert 'id="movers"' not in markup
    header = markup.split("<main", 1)[0]
    assert "Movers appear once two snapshots" in header and "hubradar record" in header
    assert "hubradar import" in header
    md = run("report", "--format", "md", "--limit", "3", "--offline")
    assert md.code == 0 and "## Movers" not in md.out
    assert "_Movers appear once two snapshots" in md.out and "hubradar record" in md.out


def test_gaps_section_matches_hubradar_gaps_and_draws_one_dot_per_matched_row(run, hub: StandInHub,
                                                                             tmp_path: Path) -> None:
    gaps = run("gaps", "--scores", str(SCORES), "--format", "json")
    assert gaps.code == 0, gaps.err
    expected = gaps.json()
    out = tmp_path / "radar.html"
    result = run("report", "--out", str(out), "--scores", str(SCORES), "--limit", "3")
    assert result.code == 0, result.err
    assert "read 14 rows from team-coding-2026.csv" in result.err
    markup, page = _page(out)
    assert page.problems == []
    section = _section(markup, "gaps")
    assert "Measured vs adopted" in section
    # The table: the same rows as `hubradar gaps`, in the same order (by gap).
    assert _ids_of_table(page, markup, "gaps") == [r["id"] for r in expected["rows"]]
    # The chart: one dot per matched row with a known adoption; opportunities and warnings highlighted.
    chart = section[section.index("<svg"): section.index("</svg>")]
    drawn = [r for r in expected["rows"] if r["adoption"] is not None]
    assert len(drawn) >= 5
    assert len(re.findall(r'<circle [^>]*class="pt', chart)) == len(drawn)
    highlighted = [r for r in drawn if r["label"] in ("opportunity", "warning")]
    assert highlighted and len(re.findall(r'<circle [^>]*class="pt hi"', chart)) == len(highlighted)
    for corner in ("opportunity", "consensus", "neither", "warning"):
        assert f'class="quadrant">{corner}</text>' in chart
    # The unmatched rows, each with its suggestions linked.
    unmatched = section[section.index("Unmatched rows"):]
    assert len(expected["unmatched"]) == unmatched.count("<li>") > 0
    for row in expected["unmatched"]:
        assert esc_text(row["model"]) in unmatched
        for suggestion in row["suggestions"]:
            assert f'href="https://huggingface.co/{suggestion}"' in unmatched
    assert 'id="gaps"' in markup and markup.index('id="gaps"') < markup.index('id="how-to-read"')


def esc_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


HOSTILE_CSV = ('model,pass_rate\n'
               'openai/gpt-oss-20b,0.78\n'
               'meta-llama/Llama-3.1-8B-Instruct,0.52\n'
               '"<script>alert(1)</script>",0.9\n'
               '"x""><img src=x onerror=alert(2)>",0.4\n'
               '"evil|name`*_[a](javascript:alert(3))",0.5\n')


def test_hostile_names_in_the_scores_file_are_escaped(run, hub: StandInHub, tmp_path: Path) -> None:
    scores = tmp_path / "bench.csv"
    scores.write_text(HOSTILE_CSV, encoding="utf-8")
    out = tmp_path / "radar.html"
    result = run("report", "--out", str(out), "--scores", str(scores), "--limit", "3")
    assert result.code == 0, result.err
    markup, page = _page(out)
    assert page.problems == []
    assert "<script>alert" not in markup and "<img src=x" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "x&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in markup
    assert len(page.find("script")) == 1  # only the page's own sorting script
    md = run("report", "--format", "md", "--scores", str(scores), "--limit", "3")
    assert md.code == 0, md.err
    assert "<script>" not in md.out and "<img" not in md.out
    assert r"\[a\](javascript:" in md.out  # brackets escaped: text, not a link
    assert not re.search(r"(?<!\\)\]\(javascript:", md.out)


@pytest.mark.parametrize("content", [None, "model,notes\na/b,fine\n", "model,score\na/b,banana\n"])
def test_a_bad_scores_file_is_the_same_one_line_error_as_gaps(run, hub: StandInHub, tmp_path: Path,
                                                              content: str | None) -> None:
    scores = tmp_path / "bench.csv"
    if content is not None:
        scores.write_text(content, encoding="utf-8")
    out = tmp_path / "radar.html"
    report = run("report", "--out", str(out), "--scores", str(scores))
    gaps = run("gaps", "--scores", str(scores))
    assert report.code == gaps.code == 2
    assert report.err == gaps.err and report.err.count("\n") == 1
    assert not out.exists()
    assert hub.listing_requests() == []  # the file is read before anything is fetched


def test_markdown_has_movers_and_gaps(run, hub: StandInHub) -> None:
    _import(run, "2026-08-15", "2026-08-21")
    result = run("report", "--format", "md", "--scores", str(SCORES), "--limit", "3")
    assert result.code == 0, result.err
    text = result.out
    assert text.index("## Movers") < text.index("## Measured vs adopted") < text.index("## How to read this")
    assert "### Rising" in text and "rank over time" in text
    assert re.search(r"\| [▁█]{2} \|", text)  # a two-snapshot text sparkline
    assert "```text" in text and "### Unmatched rows (3)" in text
