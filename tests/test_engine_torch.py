"""gradcli's engine and case evaluator against PyTorch itself.

1. A hypothesis differential test: random small computations over the op table (unary
   elementwise ops, broadcasting binary ops with tensors and Python numbers, reductions,
   matmul forms) are generated as a structure, rendered as case text for `run_case` and
   built directly in torch from the same structure (never by evaluating the text). Every
   node's value, grad, grad_fn name, is_leaf and requires_grad must agree, and so must
   any error PyTorch raises.
2. Table tests over tests/reference (../shared/reference's copy): every call form of grad_fn.tsv gives the recorded
   grad_fn name, and every situation of errors.tsv gives PyTorch's message word for word
   through `gradcli run` (each snippet is first run through real PyTorch, so the snippet
   itself is known to produce the recorded message)."""

import csv
import json
import operator
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import SHARED, TESTS, no_traceback, run_gradcli
from gradcli.engine import dtypes
from gradcli.parser.interpreter import case as case_module
from gradcli.parser.interpreter.case import CaseOptions, parse_binding
from gradcli.tasks.eval import run_case

try:  # the oracle; tests that need it are marked `torch` (skipped without it)
    import torch
except ImportError:
    torch = None
from hypothesis import HealthCheck, given, note, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

REFERENCE = TESTS / "reference"  # a copy of ../shared/reference (checked to be in sync)

# ---------------------------------------------------------------------------------------
# 1. The differential test
# ---------------------------------------------------------------------------------------

# Every shape here broadcasts with every other (all broadcast to (2, 3)), so any binary op
# between two generated subtrees is valid; ops whose result would leave the family are
# not generated.
FAMILY = [(), (1,), (3,), (1, 1), (1, 3), (2, 1), (2, 3)]
MATRIX = (3, 3)  # the shape of the leaf `m`, used only by the matmul forms


def in_family(shape) -> bool:
    padded = zip(reversed(shape), (3, 2), strict=False)
    return len(shape) <= 2 and all(s in (1, t) for s, t in padded)


def broadcast(a, b):
    return tuple(np.broadcast_shapes(a, b))


@dataclass
class Leaf:
    name: str
    shape: tuple


@dataclass
class Num:
    value: float


@dataclass
class Unary:
    fn: str
    child: object
    form: str
    shape: tuple


@dataclass
class Binary:
    op: str
    left: object
    right: object
    form: str
    shape: tuple


@dataclass
class Reduce:
    fn: str
    child: object
    dim: object  # None, an int or a tuple of ints
    keepdim: object  # None (not written), True or False
    form: str
    shape: tuple


@dataclass
class MatMul:
    form: str
    left: object
    right: object
    shape: tuple


UNARY_FORMS = {
    "sin": ["sin({})", "torch.sin({})", "{}.sin()"],
    "cos": ["cos({})", "torch.cos({})", "{}.cos()"],
    "exp": ["exp({})", "torch.exp({})", "{}.exp()"],
    "tanh": ["tanh({})", "torch.tanh({})", "{}.tanh()", "F.tanh({})"],
    "sigmoid": ["sigmoid({})", "torch.sigmoid({})", "{}.sigmoid()", "F.sigmoid({})"],
    "relu": ["relu({})", "torch.relu({})", "{}.relu()", "F.relu({})"],
    "abs": ["abs({})", "torch.abs({})", "{}.abs()"],
    "neg": ["-{}", "torch.neg({})", "{}.neg()"],
    "log": ["log({})", "torch.log({})", "{}.log()"],
    "sqrt": ["sqrt({})", "torch.sqrt({})", "{}.sqrt()"],
}
POSITIVE_ONLY = {"log", "sqrt"}
BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}
PY_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}


def num(draw, choices):
    return Num(draw(st.sampled_from(choices)))


def positive(tree, shift=1.0):
    """abs(tree) + shift: a strictly positive operand (for log, sqrt, division, bases)."""
    a = Unary("abs", tree, "abs({})", tree.shape)
    return Binary("+", a, Num(shift), "infix", tree.shape)


def gen(draw, budget: int, leaf_shapes: dict):
    """A random tree with about `budget` op nodes (safety wrappers may add a few)."""
    if budget == 0:
        name = draw(st.sampled_from(["x", "w"]))
        return Leaf(name, leaf_shapes[name])
    kind = draw(st.sampled_from(["unary", "unary", "binary", "binary", "reduce", "matmul"]))
    if kind == "binary":
        split = draw(st.integers(0, budget - 1))
        left, right = gen(draw, split, leaf_shapes), gen(draw, budget - 1 - split, leaf_shapes)
        op = draw(st.sampled_from(list(BINARY)))
        side = draw(st.sampled_from(["none", "none", "left", "right"]))  # a Python number
        if op == "/":
            if side == "right":
                right = num(draw, [2, 0.5, -1.5, 4.0])
            else:
                right = positive(right)
                if side == "left":
                    left = num(draw, [1, 2.5, -3.0])
        elif op == "**":
            if side == "left":
                left = num(draw, [2, 0.5, 1.5])
            elif side == "right":
                right = num(draw, [2, 3, 0.5, -1, 1.5, 2.0])
                if right.value not in (2, 3):
                    left = positive(left, 0.5)
            else:
                left = positive(left, 0.5)
        elif side == "left":
            left = num(draw, [1, 2, -0.5, 3.25])
        elif side == "right":
            right = num(draw, [1, 2, -0.5, 3.25])
        shapes = [t.shape for t in (left, right) if not isinstance(t, Num)]
        shape = shapes[0] if len(shapes) == 1 else broadcast(*shapes)
        forms = ["infix"] if isinstance(left, Num) else ["infix", "infix", "fn", "method"]
        return Binary(op, left, right, draw(st.sampled_from(forms)), shape)
    child = gen(draw, budget - 1, leaf_shapes)
    if kind == "reduce":
        fn = draw(st.sampled_from(["sum", "mean"]))
        options = [(None, None, ())]
        nd = len(child.shape)
        for d in range(-nd, nd):
            for keep in (None, True, False):
                kept = keep is True
                shape = tuple(1 if i == d % nd and kept else s for i, s in enumerate(child.shape)
                              if kept or i != d % nd)
                if in_family(shape):
                    options.append((d, keep, shape))
        if nd == 2:
            options.append(((0, 1), None, ()))
            options.append(((0, 1), True, (1, 1)))
        dim, keepdim, shape = draw(st.sampled_from(options))
        forms = ["method", "fn", "bare"] if dim is None else ["method", "method_kw", "fn"]
        return Reduce(fn, child, dim, keepdim, draw(st.sampled_from(forms)), shape)
    if kind == "matmul":
        m = Leaf("m", MATRIX)
        if child.shape in ((2, 3), (1, 3)):
            form = draw(st.sampled_from(["@", "mm", "matmul"]))
            return MatMul(form, child, m, child.shape)
        if child.shape == (3,):
            form = draw(st.sampled_from(["@", "matmul"]))
            if draw(st.booleans()):
                return MatMul(form, m, child, (3,))
            return MatMul(form, child, m, (3,))
        # no matmul fits this shape: an elementwise op instead
    fn = draw(st.sampled_from(list(UNARY_FORMS)))
    if fn in POSITIVE_ONLY:
        child = positive(child)
    return Unary(fn, child, draw(st.sampled_from(UNARY_FORMS[fn])), child.shape)


def leaf_names(tree) -> set:
    names, stack = set(), [tree]
    while stack:
        t = stack.pop()
        if isinstance(t, Leaf):
            names.add(t.name)
        for part in ("child", "left", "right"):
            if hasattr(t, part):
                stack.append(getattr(t, part))
    return names


def number_text(v) -> str:
    text = repr(v)
    return f"({text})" if text.startswith("-") else text


def text(t) -> str:
    """The node's own source text (what gradcli reports as its expr)."""
    if isinstance(t, Leaf):
        return t.name
    if isinstance(t, Num):
        return number_text(t.value)
    if isinstance(t, Unary):
        return t.form.format(operand(t.child))
    if isinstance(t, Binary):
        name = BINARY[t.op]
        if t.form == "infix":
            return f"{operand(t.left)} {t.op} {operand(t.right)}"
        if t.form == "fn":
            return f"torch.{name}({text(t.left)}, {text(t.right)})"
        return f"{operand(t.left)}.{name}({text(t.right)})"
    if isinstance(t, MatMul):
        if t.form == "@":
            return f"{operand(t.left)} @ {operand(t.right)}"
        return f"torch.{t.form}({text(t.left)}, {text(t.right)})"
    if isinstance(t, Reduce):
        args = []
        if t.dim is not None:
            args.append(f"dim={t.dim}" if t.form in ("method_kw", "fn") else str(t.dim))
        if t.keepdim is not None:
            args.append(f"keepdim={t.keepdim}")
        tail = "".join(", " + a for a in args)
        if t.form.startswith("method"):
            return f"{operand(t.child)}.{t.fn}({', '.join(args)})"
        prefix = "torch." if t.form == "fn" else ""
        return f"{prefix}{t.fn}({text(t.child)}{tail})"
    raise AssertionError(t)


def operand(t) -> str:
    """Text of a subtree used as an operand or a method receiver: parenthesised unless it
    is atomic (a name or a call)."""
    s = text(t)
    if isinstance(t, (Binary, MatMul)) and t.form in ("infix", "@"):
        return f"({s})"
    if isinstance(t, Unary) and t.form.startswith("-"):
        return f"({s})"
    return s


def build_torch(t, leaves: dict, created: list):
    """The same computation in torch, recording (tree, tensor) in creation order (the
    order in which Python evaluates the case text)."""
    if isinstance(t, Leaf):
        return leaves[t.name]
    if isinstance(t, Num):
        return t.value
    if isinstance(t, Unary):
        out = getattr(torch, t.fn)(build_torch(t.child, leaves, created))
    elif isinstance(t, Binary):
        a = build_torch(t.left, leaves, created)
        b = build_torch(t.right, leaves, created)
        name = BINARY[t.op]
        if t.form == "fn":
            out = getattr(torch, name)(a, b)
        elif t.form == "method":
            out = getattr(a, name)(b)
        else:
            out = PY_OPS[t.op](a, b)
    elif isinstance(t, MatMul):
        a = build_torch(t.left, leaves, created)
        b = build_torch(t.right, leaves, created)
        out = a @ b if t.form == "@" else getattr(torch, t.form)(a, b)
    elif isinstance(t, Reduce):
        a = build_torch(t.child, leaves, created)
        kwargs = {}
        if t.dim is not None:
            kwargs["dim"] = t.dim
        if t.keepdim is not None:
            kwargs["keepdim"] = t.keepdim
        out = getattr(a, t.fn)(**kwargs)
    else:
        raise AssertionError(t)
    created.append((t, out))
    return out


def values(draw, shape):
    """Leaf values in [-2, 2] on a 1/1000 grid: short to write, and rounded to float32 the
    same way by torch.tensor and by gradcli."""
    n = int(np.prod(shape)) if shape else 1
    flat = draw(st.lists(st.integers(-2000, 2000), min_size=n, max_size=n))
    return (np.array(flat, dtype=np.float64) / 1000).reshape(shape).tolist()


def grad_fn_name(t):
    return t.grad_fn.name() if t.grad_fn is not None else None


def assert_close(actual, expected, dtype, what):
    rtol, atol = (1e-5, 1e-6) if dtype == "float32" else (1e-9, 1e-12)
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64),
                               np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


@dataclass
class Scenario:
    """One generated case and the options it runs with."""
    tree: object
    leaf_values: dict
    const: dict
    dtype: str = "float32"
    seed: object = None  # the --grad value (nested lists) or None
    retain: bool = False
    wrt: tuple | None = None
    allow_unused: bool = False

    def command(self) -> str:
        """The equivalent command line (shown when hypothesis reports a failure)."""
        return (f"gradcli eval 'y = {text(self.tree)}' "
                + " ".join(f"--at '{s}'" for s in self.specs())
                + "".join(f" --const {c}" for c in sorted(self.consts()))
                + (f" --grad '{self.seed!r}'" if self.seed is not None else "")
                + (" --retain-grad" if self.retain else "")
                + (f" --wrt {','.join(self.wrt)}" if self.wrt else "")
                + (" --allow-unused" if self.allow_unused else "") + f" --dtype {self.dtype}")

    def specs(self):
        return [f"{n}={self.leaf_values[n]!r}" for n in ("x", "w", "m")]

    def consts(self):
        return frozenset(n for n, c in self.const.items() if c)


def nonzero(draw, shape):
    """A gradient seed: no zeros, which would hide a wrong backward rule."""
    n = int(np.prod(shape)) if shape else 1
    mags = draw(st.lists(st.floats(0.25, 1.5, width=32), min_size=n, max_size=n))
    signs = draw(st.lists(st.sampled_from([1.0, -1.0]), min_size=n, max_size=n))
    return np.array([m * g for m, g in zip(mags, signs, strict=True)]).reshape(shape).tolist()


@pytest.mark.torch
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_cases_match_pytorch(data):
    draw = data.draw
    leaf_shapes = {"x": draw(st.sampled_from(FAMILY)), "w": draw(st.sampled_from(FAMILY)),
                   "m": MATRIX}
    sc = Scenario(tree=None, leaf_values={n: values(draw, s) for n, s in leaf_shapes.items()},
                  const={"x": False, "w": draw(st.booleans()), "m": draw(st.booleans())},
                  dtype=draw(st.sampled_from(["float32", "float32", "float32", "float64"])))
    sc.tree = gen(draw, draw(st.integers(1, 4)), leaf_shapes)
    if sc.tree.shape != () and draw(st.booleans()):
        sc.tree = Reduce("sum", sc.tree, None, None, "method", ())
    if sc.tree.shape != () or draw(st.integers(0, 4)) == 0:
        sc.seed = nonzero(draw, sc.tree.shape)
    sc.retain = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        sc.wrt = tuple(draw(st.lists(st.sampled_from(["x", "w", "m"]), min_size=1, max_size=3,
                                     unique=True)))
    sc.allow_unused = draw(st.booleans())
    note(sc.command())
    check_against_torch(sc)


def coverage_scenarios():
    """Every op and every written form the generator knows, once each, deterministically
    (hypothesis may not draw a given op in a run): each wrapped around `x * w + x` with
    x of shape (2, 3) and w of shape (3,), so broadcasting is always exercised."""
    rng = np.random.default_rng(7)
    x, w, m = Leaf("x", (2, 3)), Leaf("w", (3,)), Leaf("m", MATRIX)

    def base():
        xw = Binary("*", x, w, "infix", (2, 3))
        return Binary("+", xw, x, "infix", (2, 3))

    trees = []
    for fn, forms in UNARY_FORMS.items():
        for form in forms:
            child = positive(base()) if fn in POSITIVE_ONLY else base()
            trees.append(Unary(fn, child, form, (2, 3)))
    for op in BINARY:
        for form in ("infix", "fn", "method"):
            left = positive(base(), 0.5) if op == "**" else base()
            right = positive(Unary("sin", w, "sin({})", (3,))) if op == "/" else \
                Unary("sin", w, "sin({})", (3,))
            trees.append(Binary(op, left, right, form, (2, 3)))
        left = Num(2 if op != "**" else 1.5)
        right = positive(base()) if op == "/" else base()
        trees.append(Binary(op, left, right, "infix", (2, 3)))  # number on the left
        right = Num(3 if op != "/" else -1.5)
        trees.append(Binary(op, base(), right, "infix", (2, 3)))  # number on the right
    for fn in ("sum", "mean"):
        for dim, keepdim, shape in ((None, None, ()), (0, None, (3,)), (-1, True, (2, 1)),
                                    (1, False, (2,)), ((0, 1), True, (1, 1))):
            for form in (("method", "fn", "bare") if dim is None else
                         ("method", "method_kw", "fn")):
                trees.append(Reduce(fn, base(), dim, keepdim, form, shape))
    for form in ("@", "mm", "matmul"):
        trees.append(MatMul(form, base(), m, (2, 3)))
    for form in ("@", "matmul"):
        vec = Reduce("sum", base(), 0, None, "method", (3,))
        trees.append(MatMul(form, vec, m, (3,)))
        trees.append(MatMul(form, m, vec, (3,)))
        trees.append(MatMul(form, vec, Unary("cos", w, "{}.cos()", (3,)), ()))

    shapes = {"x": (2, 3), "w": (3,), "m": MATRIX}
    out = []
    for i, tree in enumerate(trees):
        leaf_values = {n: np.round(rng.uniform(-2, 2, s), 3).tolist() for n, s in shapes.items()}
        seed = np.round(rng.uniform(0.25, 1.5, tree.shape), 3).tolist() if tree.shape else None
        sc = Scenario(tree, leaf_values, {"x": False, "w": False, "m": False},
                      dtype="float64" if i % 4 == 3 else "float32", seed=seed, retain=i % 2 == 1)
        out.append(pytest.param(sc, id=text(tree)))
    return out


@pytest.mark.torch
@pytest.mark.parametrize("sc", coverage_scenarios())
def test_every_generated_op_matches_pytorch(sc):
    check_against_torch(sc)


def check_against_torch(sc: Scenario):
    """Run the scenario through run_case and through torch; every node must agree."""
    tree, dtype = sc.tree, sc.dtype
    source = f"y = {text(tree)}"
    consts = sc.consts()

    # gradcli
    dtypes.set_default_float(dtype)
    opts = CaseOptions(bindings=[parse_binding(s, consts) for s in sc.specs()], consts=consts,
                       grad=repr(sc.seed) if sc.seed is not None else None, wrt=sc.wrt,
                       retain_grad=sc.retain, allow_unused=sc.allow_unused)
    result = run_case(source, 1, opts)

    # torch, from the same structure
    tdt = getattr(torch, dtype)
    leaves = {n: torch.tensor(sc.leaf_values[n], dtype=tdt, requires_grad=not sc.const[n])
              for n in ("x", "w", "m")}
    created = []
    y = build_torch(tree, leaves, created)
    if sc.retain:
        for _, t in created:
            if t.requires_grad and t.grad_fn is not None:
                t.retain_grad()
    gradient = torch.tensor(sc.seed, dtype=tdt) if sc.seed is not None else None
    error, wrt_grads = None, {}
    try:
        if sc.wrt:
            got = torch.autograd.grad([y], [leaves[n] for n in sc.wrt],
                                      [gradient] if gradient is not None else None,
                                      allow_unused=sc.allow_unused)
            wrt_grads = dict(zip(sc.wrt, got, strict=True))
        else:
            y.backward(gradient)
    except RuntimeError as e:
        error = str(e)

    if error is None:
        assert result.error is None, result.error and result.error.message
    else:
        assert result.error is not None, f"PyTorch raised {error!r}, gradcli did not"
        assert (result.error.type_name, result.error.message) == ("RuntimeError", error)

    expected = [(n, repr(sc.leaf_values[n]), leaves[n]) for n in ("x", "w", "m")]
    for i, (node, t) in enumerate(created):
        last = i == len(created) - 1
        expected.append(("y" if last else f"%{i + 1}", text(tree) if last else text(node), t))
    assert [n.id for n in result.nodes] == [i for i, _, _ in expected]
    for n, (_, want, _) in zip(result.nodes, expected, strict=True):
        # past EXPR_SHOWN characters the middle of an expr is elided (parser/interpreter/case.py)
        if len(want) <= getattr(case_module, "EXPR_SHOWN", len(want)):
            assert n.expr == want
        else:
            assert n.expr.startswith(want[:50]) and n.expr.endswith(want[-50:]), n.expr

    for node, (ident, _, t) in zip(result.nodes, expected, strict=True):
        got = node.tensor
        where = f"node {ident}"
        assert got.data.dtype.name == dtype, where
        assert list(got.data.shape) == list(t.shape), where
        assert_close(got.data, t.detach().numpy(), dtype, where + " value")
        assert got.requires_grad == t.requires_grad, where
        assert (got.grad_fn is None) == t.is_leaf, where
        assert (got.grad_fn.name() if got.grad_fn else None) == grad_fn_name(t), where
        if error is not None:
            continue
        if sc.wrt:
            want = wrt_grads.get(ident)
        elif t.is_leaf or (sc.retain and t.requires_grad):
            want = t.grad
        else:
            want = None
        if want is None:
            assert node.grad is None, f"{where}: grad should be None"
        else:
            assert node.grad is not None, f"{where}: grad missing"
            assert list(node.grad.data.shape) == list(want.shape), where
            assert_close(node.grad.data, want.numpy(), dtype, where + " grad")


# ---------------------------------------------------------------------------------------
# 2a. grad_fn.tsv: every call form gives the recorded grad_fn name
# ---------------------------------------------------------------------------------------

# Bindings for the variable names the table's forms use (leaves requiring grad unless
# listed in CONSTS). Values are positive and below 1 so log/sqrt/asin/BCE are defined.
VARIABLES = {
    "a": "[[0.5, 0.25], [0.75, 0.125]]",
    "b": "[[0.3, 0.6], [0.2, 0.9]]",
    "A": "[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]",
    "B": "[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]",
    "A3": "[[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.7, 0.8, 0.9], [1.0, 1.1, 1.2]]]",
    "u": "[0.1, 0.2, 0.3]",
    "v": "[0.4, 0.5, 0.6]",
    "t": "[[0.0, 1.0], [1.0, 0.0]]",
    "p": "[[0.2, 0.7], [0.4, 0.9]]",
    "logits": "[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]",
    "logp": "[[-1.2, -0.9, -1.3], [-0.5, -1.5, -1.4]]",
}
CONSTS = {"t"}
# Names in the forms that are not tensors one can bind as leaves (a bound constant becomes
# a float leaf that requires grad): written inline instead.
INLINE = {"target_indices": "tensor([0, 1])", "cond": "(a > 0.3)"}
# Forms a one-line case cannot express, run as a program instead (tuple unpacking).
PROGRAM_FORMS = {"u, w = a"}


def _grad_fn_rows():
    with open(REFERENCE / "grad_fn.tsv", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    assert rows[0][:3] == ["op", "forms", "grad_fn (PyTorch 2.13)"], rows[0]
    out = []
    for op, forms, name in rows[1:]:
        for form in _expand(forms):
            out.append(pytest.param(op, form, name, id=f"{op}: {form}"))
    return out


def _expand(forms: str):
    """The table's shorthand made runnable: `min=, max=` filled in, `'mean'|'sum'|'none'`
    alternatives split, and annotations ("(2-D @ 2-D)", "with A3 3-D", "-> ...") dropped."""
    for form in forms.split(" | "):
        form = re.sub(r"\s+\(\d-D @ \d-D\)$", "", form)
        form = re.sub(r"\s+with \w+ \d-D$", "", form)
        form = re.sub(r"\s+->.*$", ".values", form)
        form = form.replace("min=, max=", "min=0.2, max=0.6")
        alternatives = re.fullmatch(r"(.*reduction=)('[^)]*')(\).*)", form)
        if alternatives:
            head, alts, tail = alternatives.groups()
            for alt in alts.split("|"):
                yield head + alt + tail
        else:
            yield form


def _variables_in(form: str):
    return [n for n in VARIABLES if re.search(rf"(?<![.\w]){re.escape(n)}(?!\w)", form)]


@pytest.mark.parametrize(("op", "form", "name"), _grad_fn_rows())
def test_grad_fn_table(op, form, name):
    expected = None if name == "None" else name
    if form in PROGRAM_FORMS:
        program = f"import torch\na = torch.tensor({VARIABLES['a']}, requires_grad=True)\n" \
                  f"{form}\nprint(u.grad_fn)\n"
        proc = run_gradcli("run", "-", input=program)
        no_traceback(proc)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == f"<{expected}>\n"
        return
    case = form
    for n, inline in INLINE.items():
        case = re.sub(rf"(?<![.\w]){n}(?!\w)", inline, case)
    names = _variables_in(case)
    if not names:
        pytest.skip(f"form {form!r} uses no variable the test knows how to bind")
    if op.startswith("float"):  # a.float() converts float64 to float32
        dtypes.set_default_float("float64")
    specs = [f"{n}={VARIABLES[n]}" for n in names]
    opts = CaseOptions(bindings=[parse_binding(s, CONSTS) for s in specs],
                       consts=frozenset(CONSTS), backward=False)
    result = run_case(f"y = {case}", 1, opts)
    assert result.error is None, f"{result.error.type_name}: {result.error.message}"
    out = result.output_tensor
    assert (out.grad_fn.name() if out.grad_fn is not None else None) == expected
    if expected is None:
        assert not out.requires_grad


# ---------------------------------------------------------------------------------------
# 2b. errors.tsv: every recorded message, word for word, through `gradcli run`
# ---------------------------------------------------------------------------------------

PROLOGUE = "import torch\nimport torch.nn.functional as F\n"

# situation -> program; the last line raises (or, for "(no error)", prints the result).
ERROR_PROGRAMS = {
    "backward() on a non-scalar output": """
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.backward()""",
    "second backward without retain_graph": """
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()""",
    "backward of a tensor that does not require grad": """
        x = torch.tensor([1.0, 2.0])
        y = (x * 2).sum()
        y.backward()""",
    "autograd.grad with an input not in the graph": """
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        z = torch.tensor([3.0], requires_grad=True)
        y = (x * 2).sum()
        g = torch.autograd.grad(y, [x, z])""",
    "gradient of the wrong shape": """
        x = torch.ones(2, 3, requires_grad=True)
        y = x * 2
        y.backward(torch.ones(3))""",
    "mm with incompatible shapes": """
        a = torch.ones(2, 3, requires_grad=True)
        b = torch.ones(4, 4)
        c = torch.mm(a, b)""",
    "mv with incompatible shapes": """
        a = torch.ones(2, 3, requires_grad=True)
        v = torch.ones(2)
        c = torch.mv(a, v)""",
    "dot with different lengths": """
        u = torch.ones(2, requires_grad=True)
        v = torch.ones(3)
        c = torch.dot(u, v)""",
    "matmul with incompatible shapes": """
        a = torch.ones(2, 3, requires_grad=True)
        b = torch.ones(2, 3)
        c = torch.matmul(a, b)""",
    "broadcasting failure": """
        a = torch.ones(2, 3, requires_grad=True)
        b = torch.ones(2, 4)
        c = a + b""",
    "requires_grad on an integer tensor": """
        a = torch.tensor([1, 2], requires_grad=True)""",
    "in-place op on a leaf that requires grad": """
        a = torch.ones(3, requires_grad=True)
        a.add_(1)""",
    "view to an impossible shape": """
        a = torch.ones(2, 3, requires_grad=True)
        b = a.view(4)""",
    "reduction over a missing dim": """
        a = torch.ones(2, 3, requires_grad=True)
        b = a.sum(dim=2)""",
    "index out of range": """
        a = torch.ones(2, 3, requires_grad=True)
        b = a[5]""",
    "item() of a multi-element tensor": """
        a = torch.ones(2, 3, requires_grad=True)
        b = a.item()""",
    "ragged nested list": """
        a = torch.tensor([[1.0, 2.0], [3.0]])""",
    "retain_grad on a tensor without grad": """
        a = torch.ones(2)
        a.retain_grad()""",
    "log of a negative number (no error: nan)": """
        a = torch.tensor([-1.0, 2.0], requires_grad=True)
        print(torch.log(a))""",
    "division by zero (no error: inf)": """
        a = torch.tensor([1.0, 0.0], requires_grad=True)
        print(1.0 / a)""",
}

@dataclass
class ErrorCase:
    """One errors.tsv situation as a one-line case for `run_case`."""
    source: str
    at: list
    consts: tuple = ()
    grad: str | None = None
    wrt: tuple | None = None
    torch_fn: object = None  # for "(no error)" rows: the same computation in torch


ERROR_CASES = {
    "backward() on a non-scalar output": ErrorCase("y = x * 2", ["x=[1.0, 2.0]"]),
    "backward of a tensor that does not require grad": ErrorCase(
        "y = (x * 2).sum()", ["x=[1.0, 2.0]"], consts=("x",)),
    "autograd.grad with an input not in the graph": ErrorCase(
        "y = (x * 2).sum()", ["x=[1.0, 2.0]", "z=[3.0]"], wrt=("x", "z")),
    "gradient of the wrong shape": ErrorCase("y = x * 2", ["x=ones(2, 3)"], grad="ones(3)"),
    "mm with incompatible shapes": ErrorCase("y = mm(a, b)", ["a=ones(2, 3)", "b=ones(4, 4)"]),
    "mv with incompatible shapes": ErrorCase("y = mv(a, v)", ["a=ones(2, 3)", "v=ones(2)"]),
    "dot with different lengths": ErrorCase("y = dot(u, v)", ["u=ones(2)", "v=ones(3)"]),
    "matmul with incompatible shapes": ErrorCase("y = matmul(a, b)",
                                                 ["a=ones(2, 3)", "b=ones(2, 3)"]),
    "broadcasting failure": ErrorCase("y = a + b", ["a=ones(2, 3)", "b=ones(2, 4)"]),
    "view to an impossible shape": ErrorCase("y = a.view(4)", ["a=ones(2, 3)"]),
    "reduction over a missing dim": ErrorCase("y = a.sum(dim=2)", ["a=ones(2, 3)"]),
    "index out of range": ErrorCase("y = a[5]", ["a=ones(2, 3)"]),
    "item() of a multi-element tensor": ErrorCase("y = a.item()", ["a=ones(2, 3)"]),
    "ragged nested list": ErrorCase("y = x * tensor([[1.0, 2.0], [3.0]])", ["x=1.0"]),
    "log of a negative number (no error: nan)": ErrorCase(
        "y = log(x)", ["x=[-1.0, 2.0]"], grad="ones(2)", torch_fn=lambda x: torch.log(x)),
    "division by zero (no error: inf)": ErrorCase(
        "y = 1.0 / x", ["x=[1.0, 0.0]"], grad="ones(2)", torch_fn=lambda x: 1.0 / x),
}

# Runs every snippet file through real PyTorch in one process (test-authored programs, as
# `python FILE` would), reporting each one's stdout, error and failing line.
TORCH_DRIVER = r"""
import contextlib, io, json, runpy, sys, traceback
snippets = json.load(sys.stdin)
out = {}
for key, path in snippets.items():
    buf = io.StringIO()
    err, line = None, None
    try:
        with contextlib.redirect_stdout(buf):
            runpy.run_path(path)
    except Exception as e:
        err = f"{type(e).__name__}: {e}"
        line = [f.lineno for f in traceback.extract_tb(e.__traceback__)
                if f.filename == path][-1]
    out[key] = {"stdout": buf.getvalue(), "error": err, "line": line}
json.dump(out, sys.stdout)
"""


def _error_rows():
    with open(REFERENCE / "errors.tsv", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    assert rows[0] == ["situation", "PyTorch 2.13 says"], rows[0]
    return [pytest.param(s, m, id=s) for s, m in rows[1:]]


def _program(situation: str) -> str:
    return PROLOGUE + textwrap.dedent(ERROR_PROGRAMS[situation]).lstrip("\n") + "\n"


@pytest.fixture(scope="module")
def pytorch_outcomes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("torch_snippets")
    snippets = {}
    for k, situation in enumerate(ERROR_PROGRAMS):
        path = folder / f"snippet{k}.py"
        path.write_text(_program(situation))
        snippets[situation] = str(path)
    proc = subprocess.run([sys.executable, "-c", TORCH_DRIVER], input=json.dumps(snippets),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.torch
@pytest.mark.parametrize(("situation", "message"), _error_rows())
def test_errors_table_program(situation, message, pytorch_outcomes):
    if situation not in ERROR_PROGRAMS:
        pytest.skip(f"no program written for {situation!r}")
    program = _program(situation)
    torch_says = pytorch_outcomes[situation]
    proc = run_gradcli("run", "-", input=program)
    no_traceback(proc)
    assert proc.stdout == torch_says["stdout"]
    if message == "(no error)":
        assert torch_says["error"] is None  # the snippet is faithful to the row
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        return
    assert torch_says["error"] == message  # the snippet is faithful to the row
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == f"gradcli: line {torch_says['line']}: {message}"


@pytest.mark.parametrize(("situation", "message"), _error_rows())
def test_errors_table_case(situation, message):
    if situation not in ERROR_CASES:
        pytest.skip(f"{situation!r} needs program statements (a second backward, an int "
                    f"tensor, an in-place op or retain_grad); covered by the program test")
    c = ERROR_CASES[situation]
    opts = CaseOptions(bindings=[parse_binding(s, c.consts) for s in c.at],
                       consts=frozenset(c.consts), grad=c.grad, wrt=c.wrt)
    result = run_case(c.source, 1, opts)
    if message != "(no error)":
        assert result.error is not None
        assert f"{result.error.type_name}: {result.error.message}" == message
        return
    assert result.error is None, result.error.message
    if torch is None:
        pytest.skip("needs PyTorch to compare the values")
    x = torch.tensor(json.loads(c.at[0].partition("=")[2]), requires_grad=True)
    y = c.torch_fn(x)
    y.backward(torch.ones_like(y))
    by_id = {n.id: n for n in result.nodes}
    assert_close(by_id["y"].tensor.data, y.detach().numpy(), "float32", "value")
    assert_close(by_id["x"].grad.data, x.grad.numpy(), "float32", "grad")
    assert not np.isfinite(by_id["y"].tensor.data).all()  # the row's nan / inf is there


# ---------------------------------------------------------------------------------------
# Known engine bugs (engine/autograd.py): the order of PyTorch's checks
# ---------------------------------------------------------------------------------------

def _torch_error(fn) -> str:
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


@pytest.mark.torch
def test_wrt_checks_the_output_before_the_inputs():
    x = torch.tensor(0.0, requires_grad=True)
    w = torch.tensor(0.0)
    expected = _torch_error(lambda: torch.autograd.grad([torch.sin(w)], [x, w]))
    result = run_case("y = sin(w)", 1, CaseOptions(
        bindings=[parse_binding("x=0.0"), parse_binding("w=0.0", {"w"})],
        consts=frozenset({"w"}), wrt=("x", "w")))
    assert result.error is not None and result.error.message == expected


@pytest.mark.torch
def test_gradient_shape_is_checked_before_requires_grad():
    w = torch.ones(3)
    expected = _torch_error(lambda: torch.sin(w).backward(torch.ones(2)))
    result = run_case("y = sin(w)", 1, CaseOptions(
        bindings=[parse_binding("w=ones(3)", {"w"})], consts=frozenset({"w"}),
        grad="ones(2)"))
    assert result.error is not None and result.error.message == expected


@pytest.mark.skipif(not (SHARED / "reference").is_dir(), reason="../shared not present")
def test_reference_copy_is_in_sync_with_shared():
    import filecmp

    cmp = filecmp.dircmp(REFERENCE, SHARED / "reference")
    assert not cmp.left_only and not cmp.right_only and not cmp.diff_files, (
        cmp.left_only, cmp.right_only, cmp.diff_files)
