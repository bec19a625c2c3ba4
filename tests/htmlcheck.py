"""A strict reading of an HTML page with the standard library's parser: balanced tags, unique ids.

Independent of hubradar's code: it reads the page as a browser's tokenizer would and records what
a test needs (the tags with their attributes, the text, the problems found).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                  "track", "wbr"})
# Inside <svg> an element may close itself (`<rect/>`); in HTML only void elements may.
SVG_SELF_CLOSING = frozenset({"rect", "line", "circle", "polyline", "path", "ellipse", "polygon", "use"})


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    line: int


@dataclass
class Page:
    elements: list[Element] = field(default_factory=list)
    text: str = ""
    problems: list[str] = field(default_factory=list)
    ids: Counter[str] = field(default_factory=Counter)
    doctype: str | None = None

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements
                if e.tag == tag and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, int]] = []
        self.chunks: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.page.doctype = decl

    def _record(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.page.problems.append(f"line {line}: <{tag}> repeats an attribute")
        as_dict = dict(attrs)
        self.page.elements.append(Element(tag, as_dict, line))
        if as_dict.get("id"):
            self.page.ids[as_dict["id"] or ""] += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, attrs)
        in_svg = any(t == "svg" for t, _ in self.stack)
        if tag not in VOID and not (in_svg and tag in SVG_SELF_CLOSING):
            self.page.problems.append(f"line {self.getpos()[0]}: <{tag}/> closes itself outside SVG")

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in VOID:
            self.page.problems.append(f"line {line}: </{tag}> closes a void element")
        elif not self.stack:
            self.page.problems.append(f"line {line}: </{tag}> with nothing open")
        elif self.stack[-1][0] != tag:
            self.page.problems.append(f"line {line}: </{tag}> closes <{self.stack[-1][0]}> "
                                      f"opened on line {self.stack[-1][1]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def read_page(markup: str) -> Page:
    """Parse `markup`; `page.problems` lists every unbalanced tag and repeated id."""
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    page = reader.page
    page.problems += [f"<{tag}> opened on line {line} is never closed" for tag, line in reader.stack]
    page.problems += [f"id {key!r} used {n} times" for key, n in page.ids.items() if n > 1]
    page.text = "".join(reader.chunks)
    return page
