"""Hints (issue 21.3): closest-name suggestions worded and chosen as CPython 3.11 does, the
`2x` and `x ^ 2` syntax errors, and the missing --grad for a non-scalar output.

The oracle for suggestions is the running interpreter itself (3.11 computes them in C
when it prints an uncaught NameError/AttributeError): the same names are put in a real
Python scope and its printed message is compared with gradcli's."""

import contextlib
import io
import json
import keyword
import subprocess
import sys

import pytest
from conftest import no_traceback, run_gradcli
from gradcli.engine import api
from gradcli.engine.suggest import closest, closest_in_scopes, did_you_mean, public
from gradcli.parser.runtime import modules
from hypothesis import given, settings
from hypothesis import strategies as st

needs_311 = pytest.mark.skipif(sys.version_info[:2] != (3, 11),
                               reason="the oracle is CPython 3.11's own suggestion")


def _printed(exc_info) -> str:
    """The last line CPython prints for an uncaught exception (with its suggestion)."""
    buf = io.StringIO()
    with contextlib.redirect_stderr(buf):
        sys.__excepthook__(*exc_info)
    return buf.getvalue().strip().splitlines()[-1]


def python_name_error(name: str, local_names, global_names) -> str:
    """NameError as CPython 3.11 prints it, `name` used in a function whose locals are
    `local_names`, in a module whose globals are `global_names`, with no builtins."""
    body = "".join(f"    {n} = 0\n" for n in local_names) + f"    return {name}\n"
    scope = {n: 0 for n in global_names}
    scope["__builtins__"] = {}
    # the probe's own name is a global too: one no typo of a short name comes near
    exec(f"def __probe_function__():\n{body}", scope)  # noqa: S102 - identifiers only
    try:
        scope["__probe_function__"]()
    except NameError:
        return _printed(sys.exc_info())
    raise AssertionError("no NameError")


def python_attribute_error(type_name: str, name: str, attributes) -> str:
    obj = type(type_name, (), {n: 0 for n in attributes})()
    try:
        getattr(obj, name)
    except AttributeError:
        return _printed(sys.exc_info())
    raise AssertionError("no AttributeError")


CASE_GLOBALS = ["torch", "F", "nn"] + public(modules()["torch"].members) + \
    public(modules()["torch.nn.functional"].members)
TENSOR_NAMES = sorted(public([*api.ATTRIBUTES, *api.METHODS]))


# ---------------------------------------------------------------- the issue's examples
@pytest.mark.parametrize("case,message", [
    ("y = sigmod(x)", "NameError: name 'sigmod' is not defined. Did you mean: 'sigmoid'?"),
    ("y = torch.matmull(x, x)",
     "AttributeError: module 'torch' has no attribute 'matmull'. Did you mean: 'matmul'?"),
    ("y = F.crossentropy(x, x)", "AttributeError: module 'torch.nn.functional' has no "
     "attribute 'crossentropy'. Did you mean: 'cross_entropy'?"),
    ("y = x.summ()", "AttributeError: 'Tensor' object has no attribute 'summ'. "
     "Did you mean: 'sum'?"),
    ("y = X * 2", "NameError: name 'X' is not defined. Did you mean: 'x'?"),
    ("y = frobnicate(x)", "NameError: name 'frobnicate' is not defined"),
])
def test_issue_suggestions(case, message):
    p = run_gradcli("eval", case, "-a", "x=[1., 2.]")
    no_traceback(p)
    assert p.returncode == 1
    assert p.stderr.splitlines()[0] == f"gradcli: line 1: {message}"
    # the same words in the table (the message is Python's, not a separate hint)
    assert message in " ".join(p.stdout.split())


@needs_311
@pytest.mark.parametrize("name", ["sigmod", "matmull", "crossentropy", "summ", "X", "q",
                                  "frobnicate", "Sin", "expp", "relU", "tanhh", "xx"])
def test_name_suggestion_is_cpythons(name):
    variables = ["x", "w"]
    mine = f"NameError: name '{name}' is not defined" + \
        did_you_mean(name, variables, CASE_GLOBALS)
    assert mine == python_name_error(name, variables, CASE_GLOBALS)


@needs_311
@pytest.mark.parametrize("name", ["summ", "mean_", "backwrd", "shap", "gradd", "detatch",
                                  "requires_gard", "numpyy", "itme", "zzzzzz"])
def test_attribute_suggestion_is_cpythons(name):
    mine = f"AttributeError: 'Tensor' object has no attribute '{name}'" + \
        did_you_mean(name, TENSOR_NAMES)
    assert mine == python_attribute_error("Tensor", name, TENSOR_NAMES)


def _misspelled(draw_names):
    """A registry name with one or two random edits (the typos people make)."""
    @st.composite
    def build(draw):
        name = draw(st.sampled_from(draw_names))
        for _ in range(draw(st.integers(1, 2))):
            i = draw(st.integers(0, len(name)))
            op = draw(st.sampled_from(["ins", "del", "sub", "case"]))
            ch = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz_"))
            if op == "ins":
                name = name[:i] + ch + name[i:]
            elif op == "del" and len(name) > 1:
                name = name[:i] + name[i + 1:]
            elif op == "sub" and i < len(name):
                name = name[:i] + ch + name[i + 1:]
            elif op == "case" and i < len(name):
                name = name[:i] + name[i].swapcase() + name[i + 1:]
        if not name.isidentifier() or name[0] == "_" or keyword.iskeyword(name):
            name = "a" + name
        return name
    return build()


@needs_311
@settings(max_examples=150, deadline=None)
@given(name=_misspelled(TENSOR_NAMES))
def test_attribute_suggestions_match_cpython_on_typos(name):
    if name in TENSOR_NAMES:
        return
    mine = f"AttributeError: 'Tensor' object has no attribute '{name}'" + \
        did_you_mean(name, TENSOR_NAMES)
    assert mine == python_attribute_error("Tensor", name, TENSOR_NAMES)


@needs_311
@settings(max_examples=150, deadline=None)
@given(name=_misspelled(CASE_GLOBALS + ["x", "w", "loss"]))
def test_name_suggestions_match_cpython_on_typos(name):
    variables = ["x", "w", "loss"]
    if name in variables or name in CASE_GLOBALS:
        return
    mine = f"NameError: name '{name}' is not defined" + \
        did_you_mean(name, variables, CASE_GLOBALS)
    assert mine == python_name_error(name, variables, CASE_GLOBALS)


def test_suggestion_rules():
    assert closest("sigmod", ["sin", "sigmoid", "sign"]) == "sigmoid"
    assert closest("x", ["x"]) is None  # the name itself is never offered
    assert closest("abc", [f"n{i}" for i in range(800)] + ["abd"]) is None  # too many
    assert closest_in_scopes("sinn", ["sig"], ["sin"]) == "sin"  # first scope with one wins


@needs_311
@pytest.mark.parametrize("typo", ["prnt(x)", "y = rang(3)", "y = lenn([1])", "y = tourch",
                                  "y = xx + 1", "y = hsh(1)", "y = Flase", "y = weight * 2"])
def test_program_name_error_is_pythons(tmp_path, typo):
    """`gradcli run` prints what `python FILE` prints: the module's names, then all of
    Python's builtins, searched as CPython 3.11 searches them."""
    prog = tmp_path / "p.py"
    prog.write_text(f"import torch\nx = torch.tensor(1.)\nweights = 2\n{typo}\n")
    p = run_gradcli("run", str(prog))
    # the same program in Python, torch replaced by a stand-in module of the same name
    stub = f"import types\ntorch = types.ModuleType('torch')\nx = 1.\nweights = 2\n{typo}\n"
    py = subprocess.run([sys.executable, "-c", stub], capture_output=True, text=True)
    assert p.returncode == 1
    assert p.stderr.splitlines()[0] == f"gradcli: line 4: {py.stderr.strip().splitlines()[-1]}"


# ---------------------------------------------------------------- syntax: 2x and x ^ 2
@pytest.mark.parametrize("case,number,name", [("y = 2x", "2", "x"), ("y = 3.5w + 1", "3.5", "w"),
                                              ("y = x + 10sin(x)", "10", "sin")])
def test_glued_number_is_an_invalid_decimal_literal(case, number, name):
    with pytest.raises(SyntaxError) as info:
        compile(case, "<case>", "exec")
    p = run_gradcli("eval", case, "-a", "x=1.", "-a", "w=2.")
    no_traceback(p)
    assert p.returncode == 1
    lines = p.stderr.splitlines()
    assert lines[0] == f"gradcli: line 1: SyntaxError: {info.value.msg}"  # Python's words
    # the caret under the column Python points at
    assert lines[2].index("^") - 4 == info.value.offset - 1
    assert lines[3] == f"    hint: write {number}*{name} for a product"


def test_caret_is_xor_not_power():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as info:
        torch.tensor([1., 2.]) ^ 2
    p = run_gradcli("eval", "y = (x + 1) ^ 2", "-a", "x=[1., 2.]")
    no_traceback(p)
    assert p.returncode == 1
    hint = [ln for ln in p.stderr.splitlines() if ln.startswith("    hint: ")]
    assert len(hint) == 1
    assert str(info.value) in hint[0]  # PyTorch's message, kept word for word
    assert "write (x + 1) ** 2" in hint[0]


# ---------------------------------------------------------------- a non-scalar output
@pytest.mark.parametrize("command", ["eval", "explain"])
def test_non_scalar_output_says_how_to_give_grad_once(command):
    p = run_gradcli(command, "y = x * 2", "-a", "x=[1., 2., 3.]")
    no_traceback(p)
    assert p.returncode == 1
    assert "RuntimeError: grad can be implicitly created only for scalar outputs" in p.stderr
    both = p.stdout + p.stderr
    assert both.count("hint:") == 1 and "hint" not in p.stdout, both
    assert 'hint: y has 3 elements (shape [3]); give --grad, a tensor of its shape, ' \
        'e.g. --grad "ones_like(y)"' in p.stderr
    # and the advice works
    q = run_gradcli(command, "y = x * 2", "-a", "x=[1., 2., 3.]", "--grad", "ones_like(y)")
    assert q.returncode == 0, q.stderr


def test_non_scalar_hint_in_the_json_record():
    p = run_gradcli("eval", "y = x * 2", "-a", "x=[1., 2.]", "--format", "json")
    rec = json.loads(p.stdout.splitlines()[0])
    assert rec["error"]["message"] == "grad can be implicitly created only for scalar outputs"
    assert "--grad" in rec["error"]["hint"]
