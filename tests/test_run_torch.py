"""`gradcli run` against live PyTorch: random programs in the subset, written as text, run by
real Python + torch (the oracle) and by `gradcli run -`; stdout must match byte for byte
(object addresses dropped) and, when torch raises, gradcli must fail with torch's error line.

Torch is imported once, in one oracle subprocess that executes each test program in a fresh
namespace (test-side only: gradcli itself never evaluates user text). The recorded cases of
tests/run_cases/ and tests/conformance/ are re-checked against the same oracle, so a stale
or hand-edited .out cannot pass unnoticed.

CI runs a small share; `pytest -m fuzz tests/test_run_torch.py` runs long
(GRADCLI_RUN_TORCH_EXAMPLES examples, default 400)."""

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import TESTS, no_traceback, run_gradcli

pytest.importorskip("torch")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

pytestmark = pytest.mark.torch

LONG = int(os.environ.get("GRADCLI_RUN_TORCH_EXAMPLES", "400"))
COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                     HealthCheck.data_too_large])
ADDRESS = re.compile(r" object at 0x[0-9a-fA-F]+")

# The oracle: one Python with torch, reading {"program": text} lines and answering
# {"out": stdout, "err": final error line or null} lines.
ORACLE = r"""
import contextlib, io, json, sys, traceback, warnings
import torch
warnings.simplefilter("ignore")
real_stdout = sys.stdout
for line in sys.stdin:
    program = json.loads(line)["program"]
    buf = io.StringIO()
    err = None
    torch.set_grad_enabled(True)
    try:
        with contextlib.redirect_stdout(buf):
            exec(compile(program, "<program>", "exec"), {"__name__": "__main__"})
    except Exception as e:
        err = traceback.format_exception_only(type(e), e)[-1].strip()
    real_stdout.write(json.dumps({"out": buf.getvalue(), "err": err}) + "\n")
    real_stdout.flush()
"""


class Oracle:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", ORACLE], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def __call__(self, program: str) -> tuple[str, str | None]:
        self.proc.stdin.write(json.dumps({"program": program}) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        assert reply, "the torch oracle died"
        answer = json.loads(reply)
        return ADDRESS.sub("", answer["out"]), answer["err"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def oracle():
    o = Oracle()
    yield o
    o.close()


def assert_same_as_torch(oracle, program: str) -> None:
    expected, error = oracle(program)
    proc = run_gradcli("run", "-", input=program)
    no_traceback(proc)
    why = f"torch error: {error}\ngradcli stderr: {proc.stderr}"
    assert proc.stdout == expected, why
    if error is None:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.startswith("gradcli: line "), proc.stderr
        assert error in proc.stderr


# ---------------------------------------------------------------- recorded cases are torch's
RECORDED = sorted((TESTS / "run_cases").glob("*.py")) + sorted(
    (TESTS / "conformance").glob("*/*.py"))


def test_recordings_are_what_torch_prints_today(oracle):
    stale = []
    for case in RECORDED:
        out, err = oracle(case.read_text())
        err_file = case.with_suffix(".err")
        recorded_err = err_file.read_text().strip() if err_file.exists() else None
        if out != case.with_suffix(".out").read_text() or err != recorded_err:
            stale.append(f"{case.parent.name}/{case.name}")
    assert not stale, stale


# ---------------------------------------------------------------- random programs
SHAPES = [(), (3,), (2, 3), (1, 3), (2, 1), (4,)]
NAMES = ("a", "b", "c")
quarter = st.integers(-12, 12).map(lambda k: k / 4)  # exact in float32: no rounding ties
rough = st.sampled_from([0.1, -0.3, 0.7, 1.3, -2.7, 0.05, 3.3, -1.1])
value = st.one_of(quarter, quarter, rough)


@st.composite
def tensor_literal(draw, shape):
    if not shape:
        return repr(draw(value))
    rows = [draw(tensor_literal(shape[1:])) for _ in range(shape[0])]
    return "[" + ", ".join(rows) + "]"


# Ops whose float32 results are correctly rounded in both torch and numpy (IEEE arithmetic,
# piecewise-linear functions, selections): programs over these must match byte for byte.
EXACT_UNARY = [
    "({}).relu()", "({}).abs()", "({}) ** 2", "({}).square()", "-({})", "({}) * 2.5",
    "torch.clamp({}, min=-0.5, max=0.5)", "({}).clamp(min=0)", "1 - ({})", "({}) / 4",
    "F.leaky_relu({}, 0.1)", "({}).detach()", "({}).clone()", "({}).pow(3)",
]
# Transcendental ops: torch (SLEEF) and numpy differ in the last bit of float32 results
# (torch's float32 exp(1.0) is 2.7182817, numpy's 2.7182820), so printed digits may differ
# by one unit in the last place; these programs are compared with that tolerance.
TRANSCENDENTAL_UNARY = [
    "({}).exp()", "torch.sin({})", "torch.cos({})", "({}).tanh()", "torch.sigmoid({})",
    "torch.log(({}).abs() + 1)", "torch.sqrt(({}).abs() + 0.5)", "F.softplus({})",
    "torch.atan({})", "2 ** ({})", "torch.logsumexp({}, dim=0)",
]
BINARY = [
    "({}) + ({})", "({}) - ({})", "({}) * ({})", "({}) / (({}).abs() + 1)",
    "torch.maximum({}, {})", "torch.minimum({}, {})", "torch.where(({}) > 0, {}, {})",
]
REDUCE = [
    "({}).sum()", "({}).mean()", "({}).sum(dim=0)", "({}).mean(dim=-1)", "({}).max()",
    "({}).sum(0, keepdim=True)", "({}).prod()", "({}).max(dim=0)[0]", "({}).min(dim=-1).values",
]


@st.composite
def expression(draw, names, unary, depth=3):
    """An expression over the leaf names, as text; shapes may not broadcast (torch raises)."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(names))
    kind = draw(st.sampled_from(["unary", "unary", "binary", "binary", "reduce"]))
    if kind == "unary":
        return draw(st.sampled_from(unary)).format(draw(expression(names, unary, depth - 1)))
    if kind == "reduce":
        return draw(st.sampled_from(REDUCE)).format(draw(expression(names, unary, depth - 1)))
    form = draw(st.sampled_from(BINARY))
    left = draw(expression(names, unary, depth - 1))
    right = draw(expression(names, unary, depth - 1))
    if "where" in form:
        return form.format(left, left, right)
    return form.format(left, right) if form.count("{}") == 2 else form.format(left, right, right)


@st.composite
def program(draw, unary=tuple(EXACT_UNARY)):
    n = draw(st.integers(1, 3))
    names = NAMES[:n]
    lines = ["import torch", "import torch.nn.functional as F", ""]
    for name in names:
        shape = draw(st.sampled_from(SHAPES))
        grad = draw(st.sampled_from([True, True, False]))
        lines.append(f"{name} = torch.tensor({draw(tensor_literal(shape))}, "
                     f"requires_grad={grad})")
    lines.append(f"{names[0]}.requires_grad_()")  # at least one leaf takes part in backward
    lines.append(f"y = {draw(expression(names, unary))}")
    lines.append(f"z = {draw(expression(names + ('y',), unary))}")
    lines.append("print(y)")
    lines.append("print(z)")
    lines.append("print(y.shape, z.dtype, z.requires_grad, z.is_leaf, z.grad_fn)")
    lines.append("loss = z.sum() if z.requires_grad else (z.sum() + a.sum() * 0)")
    lines.append(f"print(f\"{{loss.item():.4f}} {{loss:.3f}} {{loss.grad_fn}} "
                 f"{{y.shape}} {{{names[-1]}.requires_grad}}\")")
    if draw(st.booleans()):
        lines.append("y.retain_grad() if y.requires_grad else None")
    lines.append("loss.backward()")
    for name in names:
        lines.append(f"print({name}.grad)")
    lines.append("print(y.grad if y.retains_grad else 'no grad kept')")
    if draw(st.booleans()):
        lines.append("with torch.no_grad():")
        lines.append(f"    {names[0]} -= 0.1 * {names[0]}.grad")
        lines.append(f"print({names[0]}, {names[0]}.is_leaf)")
    return "\n".join(lines) + "\n"


NUMBER = re.compile(r"(?<![\w.])-?(?:\d+\.?\d*(?:e[+-]?\d+)?|inf\b|nan\b)")


def assert_same_up_to_last_digit(oracle, program: str) -> None:
    """Text identical outside numbers; each number equal up to one unit in its last printed
    place (or a relative 1e-5 for numbers printed with more digits than float32 holds)."""
    expected, error = oracle(program)
    proc = run_gradcli("run", "-", input=program)
    no_traceback(proc)
    why = f"torch printed:\n{expected}torch error: {error}\ngradcli stderr: {proc.stderr}"
    assert NUMBER.split(proc.stdout) == NUMBER.split(expected), proc.stdout + why
    ours, theirs = NUMBER.findall(proc.stdout), NUMBER.findall(expected)
    assert len(ours) == len(theirs), why
    for a, b in zip(ours, theirs, strict=True):
        if a == b:
            continue
        x, y = float(a), float(b)
        mantissa = b.split("e")[0]
        unit = 10.0 ** -len(mantissa.split(".")[1]) if "." in mantissa else 1.0
        if "e" in b:
            unit *= 10.0 ** int(b.split("e")[1])
        assert abs(x - y) <= 1.01 * unit or abs(x - y) <= 1e-5 * abs(y), (a, b, why)
    if error is None:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode == 1 and error in proc.stderr, why


@settings(max_examples=30, **COMMON)
@given(text=program())
def test_random_programs_print_what_torch_prints(oracle, text):
    assert_same_as_torch(oracle, text)


@settings(max_examples=15, **COMMON)
@given(text=program(tuple(EXACT_UNARY + TRANSCENDENTAL_UNARY)))
def test_random_programs_with_transcendentals_match_torch_to_the_last_digit(oracle, text):
    assert_same_up_to_last_digit(oracle, text)


@pytest.mark.fuzz
@settings(max_examples=LONG, **COMMON)
@given(text=program())
def test_random_programs_print_what_torch_prints_long(oracle, text):
    assert_same_as_torch(oracle, text)


@pytest.mark.fuzz
@settings(max_examples=LONG, **COMMON)
@given(text=program(tuple(EXACT_UNARY + TRANSCENDENTAL_UNARY)))
def test_random_programs_with_transcendentals_long(oracle, text):
    assert_same_up_to_last_digit(oracle, text)


# ---------------------------------------------------------------- fixed programs, live torch
def test_ten_thousand_step_training_loop_matches_torch(oracle):
    from test_run import SGD_10K

    assert_same_as_torch(oracle, SGD_10K)
