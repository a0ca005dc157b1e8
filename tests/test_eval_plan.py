"""Compiled plans (cli/eval_plan.py, parser/interpreter/plan.py) give what the general path
gives: over generated line shapes — arithmetic with int and float literals, unary minus,
every op row's torch names called on a variable, methods, nested calls — each shape
instantiated with several sets of literals, every line's JSON record, stderr text and exit
status are byte-identical with plans on and off; and plans are really used (most lines of
the shapes that plans take are replayed), so that the comparison means something. A
line whose run meets a nan or an inf, an error, or a refused literal goes the general way
and is compared too. The whole command is compared as well (GRADCLI_NO_PLAN)."""

import random
from dataclasses import replace

import pytest
from conftest import run_gradcli
from gradcli import eval_plan
from gradcli.batch import render, settle
from gradcli.engine.ops import OPS
from gradcli.inputs import Case
from gradcli.parser.interpreter.case import CaseOptions

OPTS = replace(CaseOptions(), tuple_output=True)  # what `gradcli eval` runs cases with
UNARY = ["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs",
         "neg", "expm1", "log1p", "log2", "log10", "asin", "acos", "atan", "sinh", "cosh",
         "asinh", "erf", "erfc", "rsqrt", "reciprocal", "square", "exp2", "atanh",
         "acosh", "floor", "ceil", "trunc", "frac", "sign", "softplus", "gelu", "silu"]
BINARY_FN = ["atan2", "maximum", "minimum", "fmod", "remainder", "hypot", "pow", "mul",
             "add", "sub", "div", "true_divide", "xlogy", "copysign"]
OPERATORS = ["+", "-", "*", "/", "**", "//", "%"]


def _number(rng, kind=None):
    kind = kind or rng.choice(["f", "f", "i"])
    if kind == "i":
        return str(rng.randint(0, 9))
    return f"{rng.uniform(0.05, 3):.{rng.randint(1, 4)}f}"


def _expr(rng, names, depth):
    r = rng.random()
    if depth <= 0 or r < 0.25:
        return rng.choice(names) if rng.random() < 0.8 else _number(rng)
    if r < 0.55:
        a, b = _expr(rng, names, depth - 1), _expr(rng, names, depth - 1)
        if a[0].isdigit() and b[0].isdigit():
            b = rng.choice(names)
        return f"({a} {rng.choice(OPERATORS)} {b})"
    if r < 0.8:
        fn = rng.choice(UNARY)
        inner = _expr(rng, names, depth - 1)
        form = rng.random()
        if form < 0.5:
            return f"{fn}({inner})"
        if form < 0.75:
            return f"torch.{fn}({inner})"
        return f"({inner}).{fn}()"
    if r < 0.9:
        return f"-{rng.choice(names)}"
    fn = rng.choice(BINARY_FN)
    return f"torch.{fn}({_expr(rng, names, depth - 1)}, {_expr(rng, names, depth - 1)})"


def _shape(rng):
    """A line template: its literals as {} slots (filled per instance)."""
    names = rng.sample(["x", "w", "z", "b"], rng.randint(1, 3))
    stmts = [f"{n} = {'-' if rng.random() < 0.2 else ''}"  # int leaves: redrawn digits
             f"{'{f}' if rng.random() < 0.8 else rng.randint(0, 9)}" for n in names]
    for k in range(rng.randint(1, 3)):
        target = rng.choice(["y", "h", names[0]]) if k else "y"
        stmts.append(f"{target} = {_expr(rng, names, rng.randint(1, 3))}")
        names = names + [target] if target not in names else names
    if rng.random() < 0.15:
        stmts.append(_expr(rng, names, 1))  # an expression statement as the output
    return "; ".join(stmts)


def _instances(rng, template, n):
    """The template with its leaves' {f} filled with fresh floats, its other numbers
    redrawn within their class (same shape key: the digit runs' count and order)."""
    import re

    out = []
    for _ in range(n):
        line = template.replace("{f}", "{}").format(
            *(_number(rng, "f") for _ in range(template.count("{f}"))))
        line = re.sub(r"(?<![\w.])\d+(?![\w.])",  # int literals: one digit, redrawn
                      lambda m: str(rng.randint(0, 9)) if len(m.group()) == 1 else m.group(),
                      line)
        out.append(line)
    return out


def _run(lines, enabled):
    eval_plan.ENABLED[0] = enabled
    try:
        runner = eval_plan.PlanRunner(OPTS)
        out, planned = [], 0
        for i, text in enumerate(lines, 1):
            result, errors, code = settle(Case(i, text), runner, None, True)
            out.append((render(result, "json", False) if result is not None else None,
                        errors, code))
            planned += type(result) is eval_plan.Planned
        return out, planned
    finally:
        eval_plan.ENABLED[0] = True


def _compare(lines):
    off, none = _run(lines, False)
    on, planned = _run(lines, True)
    assert none == 0
    for line, a, b in zip(lines, off, on, strict=True):
        assert a == b, line
    return planned


@pytest.mark.parametrize("seed", range(6))
def test_generated_shapes_byte_identical(seed):
    rng = random.Random(seed)
    lines = []
    for _ in range(40):
        template = _shape(rng)
        lines += _instances(rng, template, 8)
    rng.shuffle(lines)  # shapes interleaved, as in a real batch
    assert _compare(lines) > len(lines) // 5  # (about a third: the rest errors, nans)


def test_op_table_names_byte_identical():
    """Every op row's torch names and methods, called on 0-d float leaves, each shape
    repeated: plans where they are taken, the general path's errors where not."""
    rng = random.Random(7)
    names = sorted({n for op in OPS.values() for n in op.torch})
    methods = sorted({n for op in OPS.values() for n in op.methods})
    lines = []
    for name in names:
        for _ in range(6):
            lines.append(f"x = {_number(rng, 'f')}; w = {_number(rng, 'f')}; "
                         f"y = torch.{name}(x * w)")
            lines.append(f"x = {_number(rng, 'f')}; w = {_number(rng, 'f')}; "
                         f"y = torch.{name}(x, w) + x")
    for name in methods:
        for _ in range(6):
            lines.append(f"x = {_number(rng, 'f')}; y = (x - {_number(rng, 'f')}).{name}()")
    assert _compare(lines) > len(lines) // 8


def test_plans_are_used_on_the_benchmark_line():
    lines = [f"x = {1 + i % 97 / 100}; w = {0.45 + i % 13 / 50}; "
             f"y = sin(x * w) + (x + w) * (w + 3)" for i in range(60)]
    assert _compare(lines) == len(lines) - 3  # the first three lines are the general path's


def test_unusual_lines_go_the_general_way():
    """nan and inf where the plan's lines had none, errors, a literal the parser refuses,
    a long line: each compared, none of them planned."""
    base = ["x = 1.5; w = 0.5; y = log(x - w) * w"] * 3
    odd = ["x = 0.5; w = 0.5; y = log(x - w) * w",     # -inf value
           "x = 0.25; w = 0.5; y = log(x - w) * w",    # nan
           "x = 1e39; w = 0.5; y = log(x - w) * w",    # another literal class: no plan
           "x = 1.5; w = 0.5; y = log(x - q) * w",     # NameError
           "x = 1.5; w = 0.5; y = log(x - w) * w; " + "z = 1.0; " * 40 + "y = y * 2.0"]
    lines = base + odd + base
    planned = _compare(lines)
    assert planned == 3  # the base line once trusted, and nothing else


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_command_with_and_without_plans(tmp_path, jobs):
    """The whole command, in one process and on the worker pool (past MIN_LINES)."""
    from gradcli.batch_pool import MIN_LINES

    rng = random.Random(3)
    lines = []
    for _ in range(12):
        lines += _instances(rng, _shape(rng), 4)
    lines += ["y = (x + 1", "", "# c", "x = -1.5; y = sqrt(x) * x"] * 3
    if jobs != "1":
        lines += _instances(rng, "x = {f}; w = {f}; y = sin(x * w) + (x + w) * (w + 3)",
                            MIN_LINES)
    path = tmp_path / "b.txt"
    path.write_text("\n".join(lines) + "\n")
    a = run_gradcli("eval", "-f", path, "--format", "json", "--jobs", "1",
                    env={"GRADCLI_NO_PLAN": "1"})
    b = run_gradcli("eval", "-f", path, "--format", "json", "--jobs", jobs)
    assert (a.stdout, a.stderr, a.returncode) == (b.stdout, b.stderr, b.returncode)
    assert a.stdout.count("\n") > 40


def test_planned_records_match_torch():
    """The planned lines' values and leaf grads are PyTorch's, bit for bit (float32)."""
    torch = pytest.importorskip("torch")
    import json

    rng = random.Random(11)
    shapes = ["x = {}; w = {}; y = sin(x * w) + (x + w) * (w + 3)",
              "x = {}; w = {}; y = (x - w) / (x * w + 2) - x * x",
              "x = {}; w = {}; h = x * w; y = h * h - w / x"]
    lines = [s.format(_number(rng, "f"), _number(rng, "f")) for s in shapes for _ in range(8)]
    on, planned = _run(lines, True)
    assert planned == len(lines) - 3 * len(shapes)
    for text, (record, _, _) in zip(lines, on, strict=True):
        rec = json.loads(record)
        env = {"sin": torch.sin}
        stmts = text.split("; ")
        for s in stmts[:2]:
            name, value = s.split(" = ")
            env[name] = torch.tensor(float(value), requires_grad=True)
        for s in stmts[2:]:
            name, expr = s.split(" = ")
            env[name] = eval(expr, env)  # noqa: S307 - our own generated lines
        env[rec["output"]].backward()
        for node in rec["nodes"]:
            if node["id"] in env:
                t = env[node["id"]]
                assert node["value"] == t.item(), (text, node)
                if t.is_leaf:
                    assert node["grad"] == t.grad.item(), (text, node)


HYPOTHESIS_SHAPES = ["x = {}; w = {}; y = sin(x * w) + (x + w) * (w + {})",
                     "x = {}; w = {}; y = torch.exp(x / w) - x.tanh() * {}",
                     "x = {}; w = {}; h = x ** 2 - w; y = (h * {}).sigmoid() / (w * w + 1)"]


def test_hypothesis_values_byte_identical():
    """Any float literals (tiny, huge, negative, exponent forms; overflow to inf and nan
    along the way): each line's record with its shape's plan trusted, and without."""
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    planned_runner = eval_plan.PlanRunner(OPTS)
    general_runner = eval_plan.PlanRunner(OPTS)
    used = [0]

    def record(runner, text, enabled):
        eval_plan.ENABLED[0] = enabled
        try:
            result, errors, code = settle(Case(1, text), runner, None, True)
        finally:
            eval_plan.ENABLED[0] = True
        used[0] += enabled and type(result) is eval_plan.Planned
        return render(result, "json", False), errors, code

    @hypothesis.settings(max_examples=300, deadline=None, derandomize=True)
    @hypothesis.given(st.sampled_from(HYPOTHESIS_SHAPES),
                      st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32)
                               | st.floats(allow_nan=False, allow_infinity=False),
                               min_size=3, max_size=3))
    def check(shape, numbers):
        text = shape.format(*(repr(abs(v)) for v in numbers))
        for _ in range(3):  # (the shape's first lines teach its plan)
            record(planned_runner, text, True)
        assert record(planned_runner, text, True) == record(general_runner, text, False)

    check()
    assert used[0] > 150  # (most lines: nan, inf and the other literal classes aside)
