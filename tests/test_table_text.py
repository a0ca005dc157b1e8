"""The text table (eval's fast path off a terminal) must be exactly what Rich prints."""

import io

import pytest
from gradcli import render_eval
from gradcli.parser.interpreter.case import CaseOptions, parse_binding
from gradcli.tasks.eval import run_case

CASES = [
    ["y=(x+w)*(w+1)"],
    ["x=[[1.,2.],[3.,4.]]; y=(x*2).sum()", "y=qz9", "x=[1.,2.,3.]; y=(x*x).mean()"],
    ["x=ones(3,3)*1e-5; y=(x*1e6).sum()"],
    ["α=2.; y=α*α"],
    ["x=ones(2,2,2)/3; y=x.sum()", "z=(", "a=1.; b=a*2; c=b+a; d=c.exp()"],
    ["x=[1e10, -2.5]; y=(x**2).sum()"],
    # matrices: in the table where they fit, under it where not (issue 21 point 7)
    ["x=ones(6,5)/3; w=[[1.,2.,3.,4.,5.]]; y=(x*w).tanh().sum()", "y=(x*w).sum()"],
    ["x=sin(ones(40,30)); y=(x*x).sum()"],
]


def rich_text(renderable, width):
    from rich.console import Console

    buf = io.StringIO()
    Console(file=buf, width=width, no_color=True, highlight=False, soft_wrap=False,
            force_terminal=False).print(renderable)
    return buf.getvalue()


@pytest.mark.parametrize("sources", CASES)
@pytest.mark.parametrize("many", [False, True])
def test_text_table_equals_rich(sources, many):
    opts = CaseOptions(bindings=[parse_binding("w=1")])
    results = [run_case(s, i + 1, opts) for i, s in enumerate(sources)]
    if not many:
        results = results[:1]
    text = render_eval.table_text(results, many, 160)
    assert text is not None
    assert text == rich_text(render_eval.table(results, with_line=many, width=160), 160)


def test_too_wide_falls_back_to_rich():
    results = [run_case("x=ones(30)*1.5; y=x.sum()", 1, CaseOptions())]
    assert render_eval.table_text(results, False, 40) is None


def test_long_tables_are_cut_the_same_way():
    results = [run_case("x=1.; y=" + "+".join(["x"] * 1500), 1, CaseOptions())]
    text = render_eval.table_text(results, True, 160)
    assert text == rich_text(render_eval.table(results, with_line=True, width=160), 160)
    assert sum(line.startswith(" ━") for line in text.splitlines()) == 2


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("sources", CASES)
@pytest.mark.parametrize("many", [False, True])
def test_text_table_equals_rich_at_terminal_widths(sources, many, width):
    opts = CaseOptions(bindings=[parse_binding("w=1")])
    results = [run_case(s, i + 1, opts) for i, s in enumerate(sources)]
    if not many:
        results = results[:1]
    text = render_eval.table_text(results, many, width)
    rich = rich_text(render_eval.table(results, with_line=many, width=width), width)
    if text is not None:  # None: too wide even laid out (Rich draws it)
        assert text == rich
    assert max(len(line.rstrip()) for line in rich.splitlines()) <= width
