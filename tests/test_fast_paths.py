"""The fast paths give what the plain paths give: the lean LALR driver the same records and
errors as lark's own parser loop (GRADCLI_PURE_PARSER=1), and the LALR tables lark caches
on disk the same parses as tables built afresh from grammars/."""

from conftest import TESTS, run_gradcli

LINES = (TESTS.parent / "examples" / "cases.txt").read_text().splitlines() + [
    "y = x +", "y = (x $ 2)", "a = [1., 2.]; b = a[0] * x ** -2 if x > 0 else a[1:]",
    "y = -01", "s = 'it''s'; y = x", "y = f'{x}'", "y = x @ x.T", "y = not x in [1, 2]",
    "a = x; b = a.sum(dim=0, keepdim=True); c = (b * 2).mean()",
]


def test_lean_driver_and_lark_parser_agree():
    text = "\n".join(LINES) + "\n"
    args = ("eval", "--at", "x=[1., 2.]", "--format", "json")
    fast = run_gradcli(*args, input=text)
    pure = run_gradcli(*args, input=text, env={"GRADCLI_PURE_PARSER": "1"})
    assert fast.stdout == pure.stdout and fast.stderr == pure.stderr
    assert fast.returncode == pure.returncode == 1  # the bad lines are in there
    assert fast.stdout.count("\n") == sum(1 for x in LINES if x.strip() and x[0] != "#")


def test_cached_tables_parse_as_tables_built_from_the_grammar():
    from gradcli.parser.ast import Builder
    from gradcli.parser.grammar import parse
    from lark import Lark

    source = Lark(open(TESTS.parent / "grammars" / "case.lark").read(), parser="lalr",
                  start=["case", "expr"], maybe_placeholders=True, transformer=Builder(),
                  import_paths=[str(TESTS.parent / "grammars")])
    for line in LINES:
        if not line.strip() or line.startswith("#") or "$" in line or "-01" in line \
                or line.endswith("+"):
            continue
        assert repr(parse(line)) == repr(source.parse(line, start="case")), line

