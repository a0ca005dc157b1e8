"""text_table's one-line fast path (_render_plain) against its general measuring
(FAST = False), over generated tables: byte-identical text, or None alike. Cells mix
ASCII, the table's own marks (… ↓), wide and zero-width characters and newlines, so both
sides of the fast path's test are drawn."""

from gradcli import text_table
from hypothesis import given, settings
from hypothesis import strategies as st

CHARS = st.sampled_from(list("ab1. -[]()e+") + ["…", "↓", "界", "é", "\u0301", "\n"])
CELL = st.lists(CHARS, max_size=12).map("".join)


@st.composite
def tables(draw):
    ncols = draw(st.integers(1, 6))
    headers = draw(st.lists(st.text("abcdefgh_", min_size=1, max_size=8), min_size=ncols,
                            max_size=ncols))
    rows = draw(st.lists(st.lists(CELL, min_size=ncols, max_size=ncols), max_size=12))
    title = draw(st.one_of(st.none(), CELL))
    right = tuple(i for i in range(ncols) if draw(st.booleans()))
    return title, headers, rows, right, draw(st.integers(10, 120))


def _render(case, fast):
    old = text_table.FAST
    text_table.FAST = fast
    try:
        return text_table.render(*case[:3], right=case[3], max_width=case[4])
    finally:
        text_table.FAST = old


@settings(max_examples=400, deadline=None)
@given(tables())
def test_fast_render_equals_general(case):
    assert _render(case, True) == _render(case, False)


def test_fast_path_taken_for_a_plain_table():
    rows = [["1", "x", "sin(x *… (w + 3)", "↓"], ["12", "%1", "x * w", "0.4500"]]
    assert text_table._plain(["line", "id", "expr", "value"], rows, None)
    assert not text_table._plain(["a"], [["1\n2"]], None)
    assert not text_table._plain(["a"], [["界"]], None)
