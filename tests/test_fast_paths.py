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



def test_scalar_printing_fast_path_equals_the_formatter():
    """0-d tensors print through torch_repr.scalar_str, not a _Formatter: same text."""
    import warnings

    import numpy as np
    from gradcli.engine import torch_repr as tr

    rng = np.random.default_rng(0)
    values = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 1e8, 1e8 + 8, 1.0001e8, 1e-4,
              9.99e-5, 0.5, 123456.0, 99999999.0, 1e-45, 3.4e38, -2.5, 2.0**60, 0.1, 65504.0]
    values += list(rng.standard_normal(1000) * 10.0 ** rng.integers(-12, 12, 1000))
    values += list(np.round(rng.standard_normal(300) * 1000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # float16 overflow to inf is a case too
        cases = [np.array(v, dtype=dt) for dt in (np.float32, np.float64, np.float16)
                 for v in values]
        cases += [np.array(v, dtype=dt) for dt in (np.int64, np.int32, np.bool_)
                  for v in (0, 1, -5, 10**6)]
        for d in cases:
            general = tr._Formatter(d).format(d.item())
            assert tr.tensor_body(d) == general, (d.dtype, d.item())


def test_driver_tables_are_cached_in_sync_and_survive_a_bad_cache(tmp_path):
    """The lean driver's tables are written to the cache on first use, equal tables built
    afresh from grammars/, and a damaged cache file is rebuilt, not believed."""
    import json

    from gradcli.parser.grammar import parser, tables_path
    from gradcli.parser.lalr_driver import tables_from_lark

    env = {"XDG_CACHE_HOME": str(tmp_path)}
    args = ("eval", "y = sin(x * w) + (x + w) * (w + 3)", "--at", "x=1.5", "--at", "w=0.5",
            "--format", "json")
    first = run_gradcli(*args, env=env)
    files = list((tmp_path / "gradcli").glob("case-*.json"))
    assert first.returncode == 0 and len(files) == 1, (first.stderr, files)
    assert files[0].name == tables_path("case.lark", ("case", "expr")).name
    fresh = json.loads(json.dumps(tables_from_lark(parser("case.lark", ("case", "expr")))))
    assert json.loads(files[0].read_text()) == fresh
    for damage in ('{"format": 1, "start": ', '{"format": 1}', '[]'):  # torn, wrong, odd
        files[0].write_text(damage)
        again = run_gradcli(*args, env=env)
        assert again.stdout == first.stdout and again.returncode == 0, again.stderr
        assert json.loads(files[0].read_text()) == fresh
    pure = run_gradcli(*args, env={"GRADCLI_PURE_PARSER": "1"})
    assert pure.stdout == first.stdout


def test_tables_path_follows_the_grammar_text(tmp_path, monkeypatch):
    """Any edit of a grammar file gives the tables another cache file name."""
    from gradcli.parser import grammar

    starts = ("case", "expr")
    shipped = grammar.tables_path("case.lark", starts)
    assert shipped == grammar.tables_path("case.lark", starts)
    assert shipped != grammar.tables_path("case.lark", ("case",))
    (tmp_path / "case.lark").write_text(grammar.grammar_text("case.lark"), encoding="utf-8")
    monkeypatch.setattr(grammar.resources, "files", lambda package: tmp_path)
    assert grammar.tables_path("case.lark", starts) == shipped  # same texts, same name
    with open(tmp_path / "case.lark", "a", encoding="utf-8") as f:
        f.write("// an edit\n")
    assert grammar.tables_path("case.lark", starts) != shipped


def test_direct_json_records_equal_json_dumps():
    """eval's JSON lines are written directly for 0-d cases: the same text json.dumps makes
    of the record, for every kind of value, name, error and shape."""
    import json

    from gradcli.parser.interpreter.case import CaseOptions, parse_binding
    from gradcli.records import case_json, case_record
    from gradcli.tasks.eval import run_case

    sources = [line for line in LINES if line.strip() and not line.startswith("#")] + [
        "y = x * 0 / 0", "y = exp(x * 1000)", "y = -exp(x * 1000)", "y = x > 0",
        "y = (x * 3).long()", "ünï = x * 2; y = ünï + 1", 'y = x; s = "q\\"uote\\\\"',
        "y = x.sum() * 1e-30", "y = torch.tensor(7)", "y = x ** 0.5 + 1e20", "y = x[0] *",
    ]
    for at in ("x=1.5", "x=[1., 2.]", "x=-0.0", "x=3"):
        opts = CaseOptions(bindings=(parse_binding(at),))
        for i, source in enumerate(sources, 1):
            result = run_case(source, i, opts)
            assert case_json(result) == json.dumps(case_record(result), ensure_ascii=False), \
                (at, source)


def test_an_unwritable_cache_only_costs_time(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    proc = run_gradcli("eval", "y = x * 2", "--at", "x=1", "--format", "json",
                       env={"XDG_CACHE_HOME": str(blocker)})
    assert proc.returncode == 0 and '"grad": 2.0' in proc.stdout, proc.stderr
