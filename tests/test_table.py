"""render.table writes the table Rich's SIMPLE_HEAD box wrote, without Rich and without trailing spaces.

The warm path prints tables with hubradar's own writer (docs/performance.md says why); these tests
hold it to the layout Rich gave the same cells, and to Rich's rules for styles, links and width.
"""

from __future__ import annotations

import io

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hubradar.render.table import Cell, Terminal, cell_len, render_table, wrap, wrap_list

PLAIN = Terminal(width=200, styled=False, colour=False)
words = st.text(alphabet=st.sampled_from("abcXYZ019-./ é中"), min_size=1, max_size=12).map(str.strip).filter(bool)
# Titles are prose: words with one space between them.
titles = st.lists(st.text(alphabet=st.sampled_from("abcXYZ019-./é中"), min_size=1, max_size=10), min_size=1,
                  max_size=6).map(" ".join)


def _rich(headers: list[str], right: list[bool], rows: list[list[str]], title: str | None) -> str:
    """The same table through Rich, as hubradar printed it before (box.SIMPLE_HEAD, no edges)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title) if title else None, box=box.SIMPLE_HEAD, pad_edge=False, expand=False,
                  title_justify="left", show_edge=False)
    for header, is_right in zip(headers, right, strict=True):
        table.add_column(header, justify="right" if is_right else "left", no_wrap=True)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    out = io.StringIO()
    Console(file=out, width=200, highlight=False, soft_wrap=False, emoji=False).print(table)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=5).flatmap(lambda n: st.tuples(
    st.lists(words, min_size=n, max_size=n),
    st.lists(st.booleans(), min_size=n, max_size=n),
    st.lists(st.lists(words, min_size=n, max_size=n), max_size=6),
    st.one_of(st.none(), titles),
)))
def test_the_layout_is_richs_simple_head_without_trailing_spaces(table: tuple) -> None:
    headers, right, rows, title = table
    widths = [max([cell_len(h), *(cell_len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    total = sum(widths) + 3 * (len(widths) - 1)
    # A title word wider than the table is folded; Rich then starts the next line with the space.
    assume(all(cell_len(word) <= total for word in (title or "").split()))
    ours = render_table(PLAIN, headers, right, [[Cell.of(c) for c in row] for row in rows], title)
    assert ours == _rich(headers, right, rows, title)
    assert all(line == line.rstrip() for line in ours.splitlines())


def test_styles_links_and_colours_follow_the_terminal() -> None:
    styled = Terminal(80, styled=True, colour=True)
    no_colour = Terminal(80, styled=True, colour=False)
    text = render_table(styled, ["model", "n"], [False, True],
                        [[Cell.of("org/a", "bold green", link="https://huggingface.co/org/a"), Cell.of("3")]])
    assert "\x1b[1mmodel\x1b[0m" in text  # a bold header
    assert "\x1b]8;;https://huggingface.co/org/a\x1b\\\x1b[1;32morg/a\x1b[0m\x1b]8;;\x1b\\" in text
    assert "\x1b[1morg/a" in render_table(no_colour, ["m"], [False], [[Cell.of("org/a", "bold green")]])
    assert "\x1b" not in render_table(PLAIN, ["m"], [False], [[Cell.of("org/a", "bold green", link="u")]])


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_what_a_stream_can_show() -> None:
    assert Terminal.of(_Stream(True), {"COLUMNS": "120"}) == Terminal(120, styled=True, colour=True)
    assert Terminal.of(_Stream(True), {"COLUMNS": "120", "NO_COLOR": "1"}) == Terminal(120, True, False)
    assert Terminal.of(_Stream(True), {"TERM": "dumb"}).styled is False
    assert Terminal.of(_Stream(False), {}) == Terminal(80, styled=False, colour=False)  # a pipe: 80, plain
    assert Terminal.of(_Stream(False), {"FORCE_COLOR": "1"}).styled is True


def test_cells_of_several_lines_and_wrapping() -> None:
    assert wrap_list(["new", "re-upload", "gguf-count"], 15) == ("new, re-upload,", "gguf-count")
    assert wrap_list(["unknown-size"], 5) == ("unknown-size",)  # a longer item stands alone
    assert wrap_list([], 10) == ("",)
    text = render_table(PLAIN, ["#", "flags"], [True, False], [[Cell.of("1"), Cell(("new,", "spike"))]])
    assert text.splitlines()[2:] == ["1   new,", "    spike"]
    assert wrap("a bb ccc dddd", 6) == ["a bb", "ccc", "dddd"]
    assert cell_len("中文") == 4 and cell_len("é") == 1
