"""The radar as one self-contained page: HTML (inline CSS, inline SVG charts, a few lines of JS) or Markdown.

A page is a `Report`: a title, when it was built, and a list of `Section`s. A section is a small
function that takes data and returns a `Section` (the same content as HTML and as Markdown), so a
new part of the radar is one new function listed in `sections.radar_report`:

    def families_section(families, generated_at) -> Section:
        return Section("families", "Families", html=bar_chart(...) + table_html(view), markdown=...)

Nothing here touches the network: the page opens from a file with no CDN, fonts or scripts to
fetch; its style and script (report.css, report.js, files of this package) are written into it.
Every string that came from the Hub or a user's file goes through `esc` (HTML) or `md_escape`
(Markdown) on its way out; the chart functions escape their own labels.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

from hubradar import __version__
from hubradar.core.time import to_iso
from hubradar.render.text import HUB_URL, clean, md_escape

# ---------------------------------------------------------------------------------------------
# Escaping and small pieces


def esc(value: object) -> str:
    """HTML text or attribute value: control and bidi characters removed, `<>&"'` escaped."""
    return html.escape(clean(value), quote=True)


def model_url(model_id: str) -> str:
    """The model's page on the Hub (the id percent-encoded, its `/` kept)."""
    return f"{HUB_URL}/{quote(model_id, safe='/')}"


def breakable(text: str) -> str:
    """Escaped text with a line-break chance after each `/` and `_`, so a long id wraps at its parts.

    An id has no spaces: without these, a narrow column breaks one such as `fairface_age_image_detection`
    anywhere, mid-word.
    """
    return esc(text).replace("/", "/<wbr>").replace("_", "_<wbr>")


def model_link(model_id: str) -> str:
    """`org/name` as a link to the Hub, the org muted (on phones, under the name) and a line-break chance after it.

    The name is an element of its own and the break chance sits inside the org's: on phones the
    link is a column (name, then org), where anything loose between them would be a line of its
    own (an empty one above or below the name).
    """
    org, slash, name = model_id.rpartition("/")
    inner = (f'<span class="org">{breakable(org)}<span class="slash">/</span><wbr></span>'
             f'<span class="name">{breakable(name)}</span>' if slash else breakable(name))
    return f'<a href="{esc(model_url(model_id))}">{inner}</a>'


def slug(text: str) -> str:
    """An anchor id from any text: lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9]+", "-", clean(text).lower()).strip("-") or "section"


def when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def time_html(moment: datetime) -> str:
    return f'<time datetime="{to_iso(moment)}">{when(moment)}</time>'


# ---------------------------------------------------------------------------------------------
# Page structure


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the page: an anchor, a heading, and the same content as HTML and as Markdown.

    `html` and `markdown` are already escaped by the function that built them. `flags` are the
    flags the section shows, so the page's legend explains exactly those.
    """

    key: str
    title: str
    html: str
    markdown: str
    intro: str = ""
    flags: frozenset[str] = frozenset()


@dataclass
class Report:
    """A whole page: what `render_html` and `render_markdown` write."""

    title: str
    generated_at: datetime
    sections: list[Section] = field(default_factory=list)
    version: str = __version__
    notes: list[str] = field(default_factory=list)  # one line each under the heading (what is missing, how to add it)


def _unique(sections: Sequence[Section]) -> list[Section]:
    """Sections with distinct anchors (two tasks that slug alike get `-2`)."""
    seen: set[str] = set()
    out = []
    for section in sections:
        key, n = slug(section.key), 2
        while key in seen:
            key, n = f"{slug(section.key)}-{n}", n + 1
        seen.add(key)
        out.append(replace(section, key=key))
    return out


FAVICON = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E"
           "%3Ccircle cx='16' cy='16' r='14' fill='none' stroke='%23e8590c' stroke-width='3'/%3E"
           "%3Ccircle cx='16' cy='16' r='7' fill='none' stroke='%23e8590c' stroke-width='3'/%3E"
           "%3Ccircle cx='16' cy='16' r='2.5' fill='%23e8590c'/%3E%3C/svg%3E")


@cache
def asset(name: str) -> str:
    """A file shipped beside this module (report.css, report.js), as text."""
    return files("hubradar.render.html").joinpath(name).read_text(encoding="utf-8")


def render_html(report: Report) -> str:
    """The page: one HTML file that needs nothing else to open, light and dark, laptop and phone."""
    sections = _unique(report.sections)
    nav = "".join(f'<a href="#{s.key}">{esc(s.title)}</a>' for s in sections)
    body = "\n".join(
        f'<section class="card" id="{s.key}" aria-labelledby="{s.key}-h">\n'
        f'<h2 id="{s.key}-h">{esc(s.title)}</h2>\n'
        + (f'<p class="intro">{esc(s.intro)}</p>\n' if s.intro else "")
        + f"{s.html}\n</section>"
        for s in sections
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f'<meta name="generator" content="hubradar {esc(report.version)}">\n'
        f"<title>{esc(report.title)}</title>\n"
        f'<link rel="icon" href="{FAVICON}">\n'
        f"<style>\n{asset('report.css')}</style>\n</head>\n<body>\n"
        '<header class="masthead"><div class="wrap">\n'
        '<p class="eyebrow">hubradar · the Hugging Face Hub as an industry radar</p>\n'
        f"<h1>{esc(report.title)}</h1>\n"
        f'<p class="meta">Built {time_html(report.generated_at)} from the Hub\'s public listings. '
        'Every table says where its numbers came from and when.</p>\n'
        + "".join(f'<p class="meta page-note">{esc(n)}</p>\n' for n in report.notes)
        + f'<nav aria-label="Sections">{nav}</nav>\n'
        "</div></header>\n"
        f'<main class="wrap">\n{body}\n</main>\n'
        '<footer class="wrap"><p>Made with hubradar '
        f'{esc(report.version)}. Model names link to their pages on huggingface.co; the numbers are '
        "the Hub's own. Tables sort when you click a header.</p></footer>\n"
        f"<script>\n{asset('report.js')}</script>\n</body>\n</html>\n"
    )


def render_markdown(report: Report) -> str:
    """The same page as Markdown, for a README or a wiki (tables and text; charts stay in the HTML)."""
    lines = [f"# {md_escape(clean(report.title))}", "",
             f"_Built {when(report.generated_at)} by hubradar {md_escape(report.version)} "
             "from the Hugging Face Hub's public listings._", ""]
    lines += [line for note in report.notes for line in (f"_{md_escape(clean(note))}_", "")]
    for section in _unique(report.sections):
        lines += [f"## {md_escape(clean(section.title))}", ""]
        if section.intro:
            lines += [md_escape(clean(section.intro)), ""]
        lines += [section.markdown.strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def write_page(text: str, path: Path) -> None:
    """Replace `path` atomically: a web server reading it mid-refresh sees the old page or the new one."""
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
