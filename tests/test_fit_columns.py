"""How columns share a terminal's width (`render.terminal.fit_columns`): the two column flags any view may set.

`Column.shortest` keeps ids to at least that many characters (30 unless set) before lower-priority columns give way;
`Column.wrap` lets free text take several lines (and a number's header two) instead of being cut.
"""

from __future__ import annotations

from dataclasses import replace

from hubradar.render.fit import fit_columns
from hubradar.views.view import Column, View

ID = "example-org/Example-Model-32B-Instruct-Preview"  # 46 characters
ROWS = [{"id": ID, "a": 1234567, "b": 7654321, "extra": 42, "note": "checked by hand on the long tasks only"}]


def _view(*columns: Column) -> View:
    return View(columns=list(columns), rows=ROWS)


def test_shortest_keeps_ids_wider_by_dropping_a_column_sooner() -> None:
    numbers = [Column("a", "family downloads", "count"), Column("b", "other downloads", "count"),
               Column("extra", "a column that may go", "int", priority=1)]
    plain = fit_columns(_view(Column("id", "model", "id", shortest=24), *numbers), 86)
    assert [c.key for c in plain.columns] == ["id", "a", "b", "extra"] and plain.id_width == 26
    kept = fit_columns(_view(Column("id", "model", "id", shortest=30), *numbers), 86)
    assert [c.key for c in kept.columns] == ["id", "a", "b"] and kept.id_width == len(ID)
    assert plain.wrapped == kept.wrapped == {}


def test_a_wrapping_header_and_wrapping_text_make_room_before_columns_go() -> None:
    header = Column("a", "family downloads", "count", wrap=True)  # 16 wide, its numbers 5 ("1.2M")
    extra = Column("extra", "a column that may go", "int", priority=1)
    fit = fit_columns(_view(Column("id", "model", "id", shortest=30), header, extra), 66)
    assert [c.key for c in fit.columns] == ["id", "a", "extra"]  # kept: the header takes two lines instead
    assert len("downloads") <= fit.wrapped["a"] < len("family downloads") and fit.id_width == 30
    unwrapped = fit_columns(_view(Column("id", "model", "id", shortest=30), replace(header, wrap=False), extra), 66)
    assert [c.key for c in unwrapped.columns] == ["id", "a"]
    text = Column("note", "why", "text", wrap=True)
    fit = fit_columns(_view(Column("id", "model", "id"), text), 60)
    assert fit.id_width + fit.wrapped["note"] + 3 <= 60 and fit.wrapped["note"] >= 16
    wide = fit_columns(_view(Column("id", "model", "id"), text), 200)
    assert (wide.id_width, wide.wrapped["note"]) == (len(ID), len(ROWS[0]["note"]))  # room: one line each


def test_columns_stand_closer_only_when_nothing_more_can_go_and_ids_would_lose_their_30() -> None:
    kept = [Column("a", "family downloads", "count"), Column("b", "other downloads", "count")]  # priority 0: stay
    roomy = fit_columns(_view(Column("id", "model", "id"), *kept), 80)
    assert roomy.gap == 3 and roomy.id_width == min(len(ID), 80 - 16 - 15 - 2 * 3)
    tight = fit_columns(_view(Column("id", "model", "id"), *kept), 16 + 15 + 30 + 2 * 3 - 1)  # one short at gap 3
    assert tight.gap == 2 and tight.id_width >= 30  # at gap 3 it would have had 29
    assert [c.key for c in tight.columns] == ["id", "a", "b"]
