"""The report in a real browser: Debian's chromium driven by Playwright (never `playwright install`).

Skips, saying why, only when Playwright or chromium is missing; CI sets HUBRADAR_REQUIRE_BROWSER=1
so that there the same absence fails instead. Screenshots land in each test's tmp dir.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, hub_models
from hubradar.app.listing import get_listing
from hubradar.app.options import FetchOptions
from hubradar.app.report import Radar
from hubradar.core.query import ListingQuery
from hubradar.render.html.page import Section, model_link, render_html
from hubradar.render.html.sections import radar_report
from hubradar.render.html.svg import Bar, bar_chart, scatter_chart, sparkline
from hubradar.render.html.tables import table_html
from hubradar.views.chart import Point, ScatterPlot
from hubradar.views.report import radar_content
from hubradar.views.view import Column, View
from hubserver import StandInHub

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 640}  # the narrowest phones still in use
WIDTHS = (("laptop", LAPTOP), ("phone", PHONE), ("small-phone", SMALL_PHONE))
# Every visible text box on the page: HTML text by its line boxes (one per line a text node takes),
# SVG text by its element's box (SVG text does not wrap). Returns the pairs that overlap by more
# than a pixel each way (touching boxes on one line, or sub-pixel kerning, are not overlaps).
OVERLAPS = """() => {
  const boxes = [], range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || !node.parentElement || node.parentElement.closest("svg")) continue;
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) boxes.push([node.textContent, r]);
  }
  for (const t of document.querySelectorAll("svg text")) {
    const r = t.getBoundingClientRect();
    if (t.textContent.trim() && r.width > 0 && r.height > 0 && getComputedStyle(t).display !== "none") {
      boxes.push([t.textContent, r]);
    }
  }
  boxes.sort((a, b) => a[1].top - b[1].top);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i][1];
    for (let j = i + 1; j < boxes.length && boxes[j][1].top < a.bottom - 1; j++) {
      const b = boxes[j][1];
      if (a.left < b.right - 1 && b.left < a.right - 1 && b.top < a.bottom - 1) {
        hits.push(`${boxes[i][0].trim().slice(0, 40)} | ${boxes[j][0].trim().slice(0, 40)}`);
      }
    }
  }
  return hits;
}"""
# Model links that open with an empty line or break a name mid-word: a name wraps after `-`, `_` or
# `/` (the break chances an id has), in a word only when that word alone is wider than its column;
# and its first line is the link's first line.
BROKEN_IDS = """() => {
  const range = document.createRange(), problems = [];
  const width = (from, to) => {
    range.setStart(from[2], from[3]);
    range.setEnd(to[2], to[3] + 1);
    return [...range.getClientRects()].reduce((sum, r) => sum + r.width, 0);
  };
  for (const link of document.querySelectorAll("td.id a")) {
    const name = link.querySelector(".name") ?? link, chars = [];
    const walker = document.createTreeWalker(name, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getClientRects()[0];
        if (box) chars.push([node.data[i], box.top, node, i]);
      }
    }
    if (!chars.length) continue;
    if (chars[0][1] > link.getBoundingClientRect().top + 3) problems.push(`${link.textContent}: an empty first line`);
    const cell = link.closest("td"), style = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const chance = (c) => "-_/".includes(c[0]);
    for (let k = 1; k < chars.length; k++) {
      if (chars[k][1] > chars[k - 1][1] + 2 && !chance(chars[k - 1])) {
        let start = k - 1, end = k;
        while (start > 0 && !chance(chars[start - 1])) start--;
        while (end < chars.length - 1 && !chance(chars[end])) end++;
        if (width(chars[start], chars[end]) <= room) {
          problems.push(`${link.textContent}: broken mid-word after ${chars.slice(0, k).map((c) => c[0]).join("")}`);
        }
      }
    }
  }
  return problems;
}"""
BUILT = datetime(2026, 8, 21, 19, 30, tzinfo=UTC)


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    required = os.environ.get("HUBRADAR_REQUIRE_BROWSER", "") == "1"
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "Playwright for Python is not installed (pip install -e '.[test]')"
    executable = _chromium()
    if missing is None and executable is None:
        missing = "no chromium found at /usr/bin/chromium or on PATH (apt-get install chromium)"
    if missing:
        if required:
            pytest.fail(f"HUBRADAR_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Opened:
    """A page opened from a file, with every request and script error it caused."""

    def __init__(self, browser: Any, path: Path, *, viewport: dict[str, int], scheme: str = "light",
                 javascript: bool = True) -> None:
        self.context = browser.new_context(viewport=viewport, color_scheme=scheme, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.goto(path.as_uri())

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def column(self, table: str, header: str) -> list[str]:
        """The `data-sort` values of one column, in the order the rows are shown now."""
        return self.js(
            """([table, header]) => {
                 const t = document.querySelector(table);
                 const i = [...t.tHead.rows[0].cells].findIndex((th) => th.textContent.trim() === header);
                 return [...t.tBodies[0].rows].map((r) => r.cells[i].dataset.sort);
               }""",
            [table, header],
        )

    def click_header(self, table: str, header: str) -> str | None:
        cell = self.page.locator(f"{table} thead th", has_text=re.compile(f"^{re.escape(header)}$"))
        cell.click()
        return cell.get_attribute("aria-sort")

    def fits_width(self) -> bool:
        return self.js("document.documentElement.scrollWidth <= window.innerWidth")

    def tables_that_scroll(self) -> list[str]:
        """The tables whose box scrolls sideways: on a phone a reader would have to pan to see a row."""
        return self.js("[...document.querySelectorAll('.table-wrap')].filter((w) => w.scrollWidth > w.clientWidth + 1)"
                       ".map((w) => w.closest('section')?.id ?? '?')")

    def overlapping_text(self) -> list[str]:
        """Pairs of visible text boxes drawn over each other (a name printed over a number, say)."""
        return self.js(OVERLAPS)

    def broken_ids(self) -> list[str]:
        """Model names that wrap badly: after an empty first line, or in the middle of a word."""
        return self.js(BROKEN_IDS)

    def visible(self, selector: str) -> bool:
        return self.page.locator(selector).first.is_visible()

    def close(self) -> None:
        self.context.close()


def _numbers(values: list[str]) -> list[float]:
    return [float(v) for v in values if v != ""]


def test_report_renders_sorts_and_fits_laptop_and_phone_light_and_dark(browser: Any, run, hub: StandInHub,
                                                                       tmp_path: Path) -> None:
    out = tmp_path / "radar.html"
    result = run("report", "--out", str(out), "--task", "text-generation", "--task", "feature-extraction")
    assert result.code == 0, result.err
    per_task = Counter(m.get("pipeline_tag") for m in hub_models())
    rows = 20 + min(20, per_task["text-generation"]) + min(20, per_task["feature-extraction"])
    for name, viewport in WIDTHS:
        for scheme in ("light", "dark"):
            opened = Opened(browser, out, viewport=viewport, scheme=scheme)
            assert opened.errors == []
            assert all(url.startswith(("file:", "data:")) for url in opened.requests), opened.requests
            assert opened.js("document.querySelectorAll('table.sortable tbody tr').length") == rows
            # Every header became a button.
            headers = opened.js(
                "[...document.querySelectorAll('table.sortable')].map((t) => t.tHead.rows[0].cells.length)")
            assert len(headers) == 3 and min(headers) >= 5
            assert opened.js("document.querySelectorAll('table.sortable thead th button').length") == sum(headers)
            assert opened.visible("#trending tbody tr:first-child td.id a")
            assert opened.fits_width(), f"{name} {scheme}: the page scrolls sideways"
            assert opened.tables_that_scroll() == [], f"{name} {scheme}: a table scrolls inside its card"
            assert opened.overlapping_text() == [], f"{name} {scheme}: text printed over text"
            assert opened.broken_ids() == [], f"{name} {scheme}: a model's name wraps badly"
            # Low-priority columns give way on a phone; the model and the ranking metric never do.
            assert opened.visible("#trending thead th.p1") is (name == "laptop")
            assert opened.visible("#trending thead th[aria-sort]")  # trending, the ranking metric of this section
            body = opened.js("getComputedStyle(document.body).backgroundColor")
            brightness = sum(map(int, re.findall(r"\d+", body)[:3]))
            assert (brightness < 150) is (scheme == "dark"), body
            opened.page.screenshot(path=str(tmp_path / f"report-{name}-{scheme}.png"), full_page=True)
            opened.close()
    assert sorted(p.name for p in tmp_path.glob("report-*.png")) == [
        "report-laptop-dark.png", "report-laptop-light.png", "report-phone-dark.png", "report-phone-light.png",
        "report-small-phone-dark.png", "report-small-phone-light.png"]


def test_clicking_a_header_sorts_and_unknowns_stay_last(browser: Any, run, hub: StandInHub, tmp_path: Path) -> None:
    out = tmp_path / "radar.html"
    assert run("report", "--out", str(out)).code == 0
    opened = Opened(browser, out, viewport=LAPTOP)
    table = "#trending table"
    hub_order = opened.column(table, "model")
    assert opened.click_header(table, "downloads") == "descending"
    downloads = _numbers(opened.column(table, "downloads"))
    assert downloads == sorted(downloads, reverse=True) and len(downloads) == 20
    assert opened.click_header(table, "downloads") == "ascending"
    assert _numbers(opened.column(table, "downloads")) == sorted(downloads)
    ages = opened.column(table, "age")
    assert "" in ages  # some rows in the capture have no creation date
    for direction in ("descending", "ascending"):
        assert opened.click_header(table, "age") == direction
        ages = opened.column(table, "age")
        known = _numbers(ages)
        assert known == sorted(known, reverse=direction == "descending")
        assert ages[len(known):] == [""] * (len(ages) - len(known))  # unknown ages at the bottom both ways
    assert opened.click_header(table, "model") == "ascending"
    names = opened.column(table, "model")
    assert sorted(names) == sorted(hub_order) and names != hub_order
    assert opened.js("(n) => n.every((v, i) => i === 0 || n[i - 1].localeCompare(v) <= 0)", names)
    assert opened.js("document.querySelectorAll('#trending th[aria-sort]').length") == 1
    opened.page.screenshot(path=str(tmp_path / "sorted-by-model.png"))
    opened.close()


def test_page_reads_without_javascript(browser: Any, run, hub: StandInHub, tmp_path: Path) -> None:
    out = tmp_path / "radar.html"
    assert run("report", "--out", str(out), "--limit", "5").code == 0
    opened = Opened(browser, out, viewport=PHONE, javascript=False)
    assert opened.page.locator("table.sortable tbody tr").count() == 10
    assert opened.page.locator("th button").count() == 0
    assert opened.page.locator("#trending thead th[aria-sort='descending']").inner_text().lower() == "trending"
    assert opened.visible("#how-to-read .biases")
    opened.page.screenshot(path=str(tmp_path / "no-javascript.png"), full_page=True)
    opened.close()


# --- charts, as the families, gaps and movers sections will use them ---------------------------


def _likes_share(model: dict[str, Any]) -> float:
    """A 0..1 stand-in for quality: likes against likes plus thousands of downloads."""
    likes, downloads = model.get("likes", 0), model.get("downloads", 0)
    return likes / max(1e-9, likes + downloads / 1000)


# Ids with long words: a phone's column is narrower than the name, and must break it only at its parts.
LONG_IDS = ("dima806/fairface_age_image_detection", "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
            "an-organisation-with-a-long-name/model_name_with_underscores_and_no_hyphens", "distilgpt2_finetuned_wiki")


def _chart_sections() -> list[Section]:
    """Chart sections built from the 15 days of real captures (the shapes the later sections take)."""
    latest = hub_models()
    total = sum(m.get("downloads", 0) for m in latest)
    by_org: Counter[str] = Counter()
    repos: Counter[str] = Counter()
    for m in latest:
        by_org[m["id"].split("/")[0]] += m.get("downloads", 0)
        repos[m["id"].split("/")[0]] += 1
    bars = [Bar(org, n / total, href=f"https://huggingface.co/{org}", note=f"{repos[org]} repos")
            for org, n in by_org.most_common(8)]
    trending = sorted(latest, key=lambda m: m.get("trendingScore", 0), reverse=True)[:30]
    points = [Point(m.get("downloads", 0), _likes_share(m), m["id"], href=f"https://huggingface.co/{m['id']}",
                    highlight=i < 3)
              for i, m in enumerate(trending)]
    days = sorted(FIXTURES.joinpath("hub").glob("models-*.json"))
    history = [{m["id"]: m.get("downloads") for m in json.loads(day.read_text())} for day in days]
    rows = "".join(
        f"<tr><td class='id'>{model_link(m['id'])}</td>"
        f"<td>{sparkline([h.get(m['id']) for h in history], label=m['id'] + ' downloads')}</td></tr>"
        for m in trending[:8]
    )
    ids = View([Column("id", "model", "id"), Column("downloads", "downloads", "count")],
               [{"id": model, "downloads": 1000 * n} for n, model in enumerate(LONG_IDS)])
    return [
        Section("ids", "Long ids", html=table_html(ids, label="Long ids"), markdown=""),
        Section("share", "Download share by org", html=bar_chart(bars, label="Share of downloads"), markdown=""),
        Section("quadrant", "Attention against adoption", markdown="",
                html=scatter_chart(ScatterPlot(points, x_title="downloads (30 days, log)", y_title="likes share",
                                               y_range=(0, 1)), label="Attention against adoption")),
        Section("movers", "Downloads over two weeks", markdown="",
                html=f"<div class='table-wrap'><table><tbody>{rows}</tbody></table></div>"),
    ]


@pytest.fixture
def chart_page(hub: StandInHub, tmp_path: Path) -> Path:
    options = FetchOptions()
    trending = get_listing(ListingQuery(sort="trending", limit=10), options)
    top = get_listing(ListingQuery(sort="downloads", limit=10), options)
    report = radar_report(radar_content(Radar(BUILT, trending, [top])))
    report.sections[-1:-1] = _chart_sections()
    path = tmp_path / "charts.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def test_charts_render_to_scale_at_laptop_and_phone_light_and_dark(browser: Any, chart_page: Path,
                                                                    tmp_path: Path) -> None:
    for name, viewport in WIDTHS:
        for scheme in ("light", "dark"):
            opened = Opened(browser, chart_page, viewport=viewport, scheme=scheme)
            assert opened.errors == [] and opened.fits_width()
            assert opened.overlapping_text() == [], f"{name} {scheme}: text printed over text"
            assert opened.broken_ids() == [], f"{name} {scheme}: a model's name wraps badly"
            # Bars: drawn lengths follow the shares, the leader filling its track.
            ratios = opened.js("""[...document.querySelectorAll('#share .bar-row')].map((g) =>
                g.querySelector('.bar').getBoundingClientRect().width /
                g.querySelector('.track').getBoundingClientRect().width)""")
            shares = [float(t.rstrip("%")) for t in opened.js(
                "[...document.querySelectorAll('#share .bar-value')].map((t) => t.firstChild.textContent)")]
            assert len(ratios) == 8 and ratios[0] == pytest.approx(1.0, abs=0.01)
            for ratio, share in zip(ratios, shares, strict=True):
                assert ratio == pytest.approx(share / shares[0], abs=0.01)
            # Scatter: every dot inside the plot, x growing with downloads, labels where they fit.
            plot = opened.js("""(() => { const s = document.querySelector('#quadrant svg');
                const r = s.getBoundingClientRect(), c = getComputedStyle(s);
                return [r.left + parseFloat(c.paddingLeft), r.top + parseFloat(c.paddingTop),
                        r.right - parseFloat(c.paddingRight), r.bottom - parseFloat(c.paddingBottom)]; })()""")
            dots = opened.js("""[...document.querySelectorAll('#quadrant circle')].map((c) => {
                const r = c.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })""")
            assert len(dots) == 30
            for x, y in dots:
                assert plot[0] - 1 <= x <= plot[2] + 1 and plot[1] - 1 <= y <= plot[3] + 1
            # Names: the highlighted dots always (short on a phone), the others where there is room.
            assert opened.js("""[...document.querySelectorAll('#quadrant .pt-label.hi')].filter(
                (t) => getComputedStyle(t).display !== 'none').length""") == 3
            assert opened.visible("#quadrant .pt-label:not(.hi)") is (name == "laptop")
            assert opened.visible("#quadrant .pt-label.long") is (name == "laptop")
            boxes = opened.js("""(() => {
                const svg = document.querySelector('#quadrant svg').getBoundingClientRect();
                const shown = [...document.querySelectorAll('#quadrant text')].filter(
                    (t) => getComputedStyle(t).display !== 'none');
                return {svg: [svg.left, svg.right], texts: shown.map((t) => {
                    const r = t.getBoundingClientRect();
                    return [t.getAttribute('class'), r.left, r.top, r.right, r.bottom]; })}; })()""")
            for klass, left, _, right, _ in boxes["texts"]:
                assert boxes["svg"][0] - 52 <= left and right <= boxes["svg"][1] + 1, (name, klass, left, right)
            corners = [b[1:] for b in boxes["texts"] if b[0] == "quadrant"]
            assert len(corners) == 4
            for i, a in enumerate(corners):
                for b in corners[i + 1:]:
                    assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (name, a, b)
            # Sparklines: a drawn line per model (as long as the days the model was in the capture).
            widths = opened.js("[...document.querySelectorAll('#movers polyline')].map((p) => p.getBBox().width)")
            assert len(widths) >= 8 and min(widths) > 0
            opened.page.screenshot(path=str(tmp_path / f"charts-{name}-{scheme}.png"), full_page=True)
            opened.close()
    assert len(list(tmp_path.glob("charts-*.png"))) == 6


def test_movers_and_gaps_sections_render_at_laptop_and_phone(browser: Any, run, hub: StandInHub,
                                                             tmp_path: Path) -> None:
    for day in ("2026-08-15", "2026-08-21"):
        assert run("import", str(FIXTURES / "hub" / f"models-{day}.json"), "--at", f"{day}T19:00Z").code == 0
    out = tmp_path / "radar.html"
    scores = FIXTURES / "scores" / "team-coding-2026.csv"
    result = run("report", "--out", str(out), "--scores", str(scores), "--limit", "5")
    assert result.code == 0, result.err
    # The gaps table keeps five columns at any width (gap, label, model, score, family downloads).
    for scheme in ("light", "dark"):
        small = Opened(browser, out, viewport=SMALL_PHONE, scheme=scheme)
        assert small.fits_width() and small.tables_that_scroll() == [], "320 px: the page or a table scrolls sideways"
        assert small.overlapping_text() == [], f"320 px {scheme}: text printed over text"
        assert small.broken_ids() == [], f"320 px {scheme}: a model's name wraps badly"
        assert small.js("[...document.querySelectorAll('#gaps thead th')].filter((c) => c.offsetParent).length") == 5
        small.close()
    for name, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            opened = Opened(browser, out, viewport=viewport, scheme=scheme)
            assert opened.errors == []
            assert opened.fits_width(), f"{name} {scheme}: the page scrolls sideways"
            assert opened.tables_that_scroll() == [], f"{name} {scheme}: a table scrolls inside its card"
            assert opened.overlapping_text() == [], f"{name} {scheme}: text printed over text"
            assert opened.broken_ids() == [], f"{name} {scheme}: a model's name wraps badly"
            # Sparklines are drawn: each has a line of some length, in the movers tables.
            sparks = opened.js("[...document.querySelectorAll('#movers svg.spark')].map((s) => "
                               "s.getBoundingClientRect().width)")
            rows = opened.js("document.querySelectorAll('#movers tbody tr').length")
            assert len(sparks) == rows > 0
            # Drawn at laptop width; on a phone the trend column gives way to rank, model and change.
            assert (min(sparks) > 0) is (name == "laptop")
            # The quadrant chart: every dot inside the plot, highlighted ones named.
            box = opened.js("(() => { const r = document.querySelector('#gaps svg.chart').getBoundingClientRect();"
                            " return [r.left, r.top, r.right, r.bottom]; })()")
            dots = opened.js("[...document.querySelectorAll('#gaps circle.pt')].map((c) => {"
                             " const r = c.getBoundingClientRect();"
                             " return [r.left + r.width / 2, r.top + r.height / 2]; })")
            assert len(dots) >= 5
            assert all(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in dots)
            named = opened.js("[...document.querySelectorAll('#gaps text.pt-label.hi')]"
                              ".filter((t) => getComputedStyle(t).display !== 'none').length")
            assert named > 0  # on phones the short names, on laptops the long ones
            assert opened.visible("#gaps ul.unmatched li a")
            opened.page.locator("#movers").screenshot(path=str(tmp_path / f"movers-{name}-{scheme}.png"))
            opened.page.locator("#gaps").screenshot(path=str(tmp_path / f"gaps-{name}-{scheme}.png"))
            opened.close()
    assert len(list(tmp_path.glob("*.png"))) == 8
