"""`gradcli derive` for tensors (issue 22): --shape, textbook matrix calculus, mixed
partials, --hessian and --jacobian, their LaTeX.

Oracles: every printed text is evaluated by torch itself (torch.outer, torch.diag,
F.one_hot, ...: a namespace written here, knowing nothing of gradcli's evaluator) at
random values, and compared with torch.autograd (grad, functional.hessian,
functional.jacobian) of the case at those values; a few go through `gradcli eval`.
The expected strings are the textbook forms the issue asks for."""

import json
import math
import re

import numpy as np
import pytest
from conftest import run_gradcli
from gradcli.engine import dtypes
from gradcli.parser.interpreter.case import CaseOptions, parse_binding
from gradcli.tasks.derive import DeriveOptions, derive_case

rng = np.random.default_rng(22)
INTERNAL = re.compile(r"\b(embed|sum_to|sum_to_size|squeeze_dim|squeeze|unsqueeze|"
                      r"IndexPut|expand)\b")


def derive(source, shapes=None, at=(), wrt=None, order=1, hessian=False, jacobian=False):
    dtypes.set_default_float("float64")
    opts = DeriveOptions(case=CaseOptions(bindings=[parse_binding(a) for a in at], wrt=wrt),
                         order=order, shapes=dict(shapes or {}), hessian=hessian,
                         jacobian=jacobian)
    return derive_case(source, 1, opts)


def texts(source, **kw):
    r = derive(source, **kw)
    assert r.error is None, r.error.message
    return {(d.wrt if d.wrt2 is None else f"{d.wrt},{d.wrt2}"):
            (d.text if d.error is None else d.error.message) for d in r.derivatives}


# ---------------------------------------------------------------- the examples
MATRIX = [
    ("y = (W@x).sum()", {"W": (3, 2), "x": (2,)},
     {"W": "outer(ones(3), x)", "x": "W.T @ ones(3)"}),
    ("y = x@A@x", {"x": (3,), "A": (3, 3)}, {"x": "(A + A.T) @ x", "A": "outer(x, x)"}),
    ("y = norm(x)", {"x": (3,)}, {"x": "x/norm(x)"}),
    ("y = (softmax(z, dim=0)*c).sum()", {"z": (3,), "c": (3,)},
     {"z": "(diag(softmax(z, dim=0)) - outer(softmax(z, dim=0), softmax(z, dim=0))) @ c",
      "c": "softmax(z, dim=0)"}),
    ("loss = cross_entropy(z, tensor([0, 2]))", {"z": (2, 3)},
     {"z": "(softmax(z, dim=1) - one_hot(tensor([0, 2]), 3))/2"}),
    ("loss = cross_entropy(z, tensor([1, 0, 2]), reduction='sum')", {"z": (3, 3)},
     {"z": "softmax(z, dim=1) - one_hot(tensor([1, 0, 2]), 3)"}),
    ("loss = mse_loss(yhat, y)", {"yhat": (4,), "y": (4,)},
     {"yhat": "(yhat - y)/2", "y": "-(yhat - y)/2"}),
    ("loss = mse_loss(W@x, t)", {"W": (3, 2), "x": (2,), "t": (3,)},
     {"W": "2*outer(W @ x - t, x)/3", "x": "2*(W.T @ (W @ x - t))/3",
      "t": "-2*(W @ x - t)/3"}),
    ("y = sigmoid(W@x + b).sum()", {"W": (3, 2), "x": (2,), "b": (3,)},
     {"W": "outer(sigmoid(W @ x + b)*(1 - sigmoid(W @ x + b)), x)",
      "x": "W.T @ (sigmoid(W @ x + b)*(1 - sigmoid(W @ x + b)))",
      "b": "sigmoid(W @ x + b)*(1 - sigmoid(W @ x + b))"}),
    ("y = (A@B).sum()", {"A": (2, 3), "B": (3, 2)},
     {"A": "ones(2, 2) @ B.T", "B": "A.T @ ones(2, 2)"}),
    ("y = softmax(z, dim=0)[0]", {"z": (3,)},
     {"z": "(diag(softmax(z, dim=0)) - outer(softmax(z, dim=0), softmax(z, dim=0))) @ "
           "eye(3)[0]"}),
    ("y = log_softmax(z, dim=0)[1]", {"z": (3,)}, {"z": "eye(3)[1] - softmax(z, dim=0)"}),
    ("y = (W@x)[1]", {"W": (3, 2), "x": (2,)},
     {"W": "outer(eye(3)[1], x)", "x": "W.T @ eye(3)[1]"}),
    ("y = (W@x).mean(0)", {"W": (3, 2), "x": (2,)},
     {"W": "outer(ones(3), x)/3", "x": "(W.T @ ones(3))/3"}),
    ("y = (W[:,1]*z).sum() + W.sum(1).sum()", {"W": (3, 2), "z": (3,)},
     {"W": "outer(z, eye(2)[1]) + 1", "z": "W[:, 1]"}),
    ("y = (W.mean(1)*z).sum()", {"W": (3, 2), "z": (3,)},
     {"W": "outer(z, ones(2))/2", "z": "mean(W, dim=(1,))"}),
    ("y = tanh(W@x).mean()", {"W": (2, 3), "x": (3,)},
     {"W": "outer(1 - tanh(W @ x)**2, x)/2", "x": "(W.T @ (1 - tanh(W @ x)**2))/2"}),
]


@pytest.mark.parametrize("source,shapes,expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_textbook_forms(source, shapes, expected):
    r = derive(source, shapes=shapes)
    assert r.error is None, r.error.message
    got = {d.wrt: d.text for d in r.derivatives}
    assert got == expected
    for d in r.derivatives:
        assert not INTERNAL.search(d.text), d.text
        assert not INTERNAL.search(d.latex), d.latex


# ---------------------------------------------------------------- torch as the oracle
def _torch_ns(torch):
    F = torch.nn.functional
    f64 = torch.float64
    return {
        "outer": torch.outer, "diag": torch.diag, "one_hot": F.one_hot,
        "eye": lambda n: torch.eye(n, dtype=f64),
        "ones": lambda *s: torch.ones(*s, dtype=f64),
        "zeros": lambda *s: torch.zeros(*s, dtype=f64),
        "softmax": lambda z, dim: torch.softmax(z, dim), "norm": torch.linalg.vector_norm,
        "sigmoid": torch.sigmoid, "tanh": torch.tanh, "exp": torch.exp, "log": torch.log,
        "sin": torch.sin, "cos": torch.cos, "sum": torch.sum, "tensor": torch.tensor,
        "mean": torch.mean, "log_softmax": lambda z, dim: torch.log_softmax(z, dim),
        "cross_entropy": F.cross_entropy, "mse_loss": F.mse_loss,
    }


def _point(torch, shapes):
    return {n: torch.tensor(rng.uniform(-1.2, 1.2, s), dtype=torch.float64,
                            requires_grad=True) for n, s in shapes.items()}


def _forward(torch, source, env):
    ns = {**_torch_ns(torch), **env}
    *stmts, last = [s.strip() for s in source.split(";")]
    for s in stmts + [last]:
        name, _, expr = s.partition("=")
        ns[name.strip()] = eval(expr, ns)  # noqa: S307 - the test's own cases
    return ns[last.partition("=")[0].strip()]


def _printed(torch, text, env):
    return eval(text, {**_torch_ns(torch), **env})  # noqa: S307 - derive's own output


@pytest.mark.parametrize("source,shapes,expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_printed_results_evaluate_to_torch_autograd(source, shapes, expected):
    """Derived once from the shapes alone, evaluated at three random points."""
    torch = pytest.importorskip("torch")
    r = derive(source, shapes=shapes)
    for _ in range(3):
        env = _point(torch, shapes)
        out = _forward(torch, source, env)
        for d in r.derivatives:
            (want,) = torch.autograd.grad(out, [env[d.wrt]], retain_graph=True)
            got = _printed(torch, d.text, {k: v.detach() for k, v in env.items()})
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12,
                                       err_msg=f"{source}: d/d{d.wrt} = {d.text}")


def test_values_at_the_point_match_reverse_mode():
    r = derive("y = x@A@x", at=("x=[0.5,-1.,2.]", "A=[[1.,2.,0.],[3.,4.,1.],[0.5,1.,2.]]"))
    assert r.evaluated and [d.match for d in r.derivatives] == [True, True]
    assert r.derivatives[0].value.shape == (3,) and r.derivatives[1].value.shape == (3, 3)


# ---------------------------------------------------------------- --shape
def test_shape_error_names_the_variables_and_suggests_shape():
    r = derive("y = (W@x).sum()")
    assert r.error.type_name == "ShapeError"
    msg = r.error.message
    assert msg.startswith("W, x are free variables, taken as 0-d scalars")
    assert "--shape W=3,2" in msg and "--shape x=2" in msg
    assert "both arguments to matmul need to be at least 1D" in msg  # the cause follows
    r = derive("loss = cross_entropy(z, tensor([0]))")
    assert r.error.message.startswith("z is a free variable, taken as a 0-d scalar")
    # with the shape given, the same case derives
    assert texts("loss = cross_entropy(z, tensor([0]))", shapes={"z": (1, 3)}) == \
        {"z": "softmax(z, dim=1) - one_hot(tensor([0]), 3)"}


def test_dw_has_the_shape_of_w():
    r = derive("y = (W@x).sum()", at=("W=[[1.,2.],[3.,4.],[5.,6.]]", "x=[0.5,-1.]"))
    dW = r.derivatives[0]
    assert dW.text == "outer(ones(3), x)" and dW.value.shape == (3, 2) and dW.match


# ---------------------------------------------------------------- order 2, Hessian, Jacobian
def test_mixed_partials_at_order_2():
    got = texts("y = x**2*w + sin(x*w)", order=2)
    assert got == {"x": "2*w - w**2*sin(x*w)", "w": "-x**2*sin(x*w)",
                   "x,w": "2*x - x*w*sin(x*w) + cos(x*w)"}
    r = derive("y = x**2*w + sin(x*w)", at=("x=0.3", "w=1.2"), order=2)
    assert all(d.match for d in r.derivatives)


HESSIANS = [
    ("y = x@A@x", {"x": (3,), "A": (3, 3)}, ("x",), {"x,x": "A + A.T"}),
    ("y = norm(x)", {"x": (3,)}, None, {"x,x": "eye(3)/norm(x) - outer(x, x)/norm(x)**3"}),
    ("y = (x*w).sum()", {"x": (2,), "w": ()}, None,
     {"x,x": "zeros(2, 2)", "x,w": "ones(2)", "w,w": "0"}),
    ("y = sigmoid(W@x + b).sum()", {"W": (3, 2), "x": (2,), "b": (3,)}, ("x", "b"), None),
    ("y = (x**3).sum() + norm(x)*w**2", {"x": (3,), "w": ()}, None, None),
]


@pytest.mark.parametrize("source,shapes,wrt,expected", HESSIANS, ids=[h[0] for h in HESSIANS])
def test_hessian_against_torch(source, shapes, wrt, expected):
    torch = pytest.importorskip("torch")
    got = texts(source, shapes=shapes, wrt=wrt, hessian=True)
    if expected is not None:
        assert got == expected
    names = list(wrt or shapes)
    env = _point(torch, shapes)
    fixed = {k: v.detach() for k, v in env.items()}

    def f(*xs):
        return _forward(torch, source, {**fixed, **dict(zip(names, xs, strict=True))})

    H = torch.autograd.functional.hessian(f, tuple(fixed[n] for n in names))
    for key, text in got.items():
        a, b = key.split(",")
        want = H[names.index(a)][names.index(b)]
        value = _printed(torch, text, fixed)
        np.testing.assert_allclose(np.broadcast_to(np.asarray(value), want.shape),
                                   want.numpy(), rtol=1e-9, atol=1e-12, err_msg=text)


def test_hessian_at_a_point_is_compared_with_reverse_over_reverse():
    r = derive("y = sigmoid(W@x + b).sum()", wrt=("x", "b"), hessian=True,
               at=("W=[[1.,2.],[3.,-4.],[5.,7.]]", "x=[0.5,-1.]", "b=[0.1,0.2,0.3]"))
    assert [d.match for d in r.derivatives] == [True, True, True]
    assert r.derivatives[0].text.startswith("W.T @ (diag(")
    assert r.derivatives[0].text.endswith(") @ W)")
    r = derive("y = x@A@x", hessian=True, shapes={"x": (2,), "A": (2, 2)})
    (_, xa, aa) = r.derivatives
    assert xa.error.type_name == "SymbolicError" and "A has 2 dimensions" in xa.error.message
    assert derive("y = x*3", shapes={"x": (2,)}, hessian=True).error.message.startswith(
        "--hessian needs a scalar output")


JACOBIANS = [
    ("y = softmax(z, dim=0)", {"z": (4,)},
     {"z": "diag(softmax(z, dim=0)) - outer(softmax(z, dim=0), softmax(z, dim=0))"}),
    ("y = tanh(W@x)", {"W": (3, 2), "x": (2,)}, {"x": "diag(1 - tanh(W @ x)**2) @ W"}),
    ("y = x*norm(x)", {"x": (3,)}, {"x": "norm(x)*eye(3) + outer(x, x)/norm(x)"}),
    ("y = A@x + x*w", {"A": (2, 2), "x": (2,), "w": ()}, {"x": "A + w*eye(2)", "w": "x"}),
]


@pytest.mark.parametrize("source,shapes,expected", JACOBIANS, ids=[j[0] for j in JACOBIANS])
def test_jacobian_against_torch(source, shapes, expected):
    torch = pytest.importorskip("torch")
    wrt = tuple(expected)
    got = texts(source, shapes=shapes, wrt=wrt, jacobian=True)
    assert got == expected
    env = _point(torch, shapes)
    fixed = {k: v.detach() for k, v in env.items()}
    for name, text in got.items():
        def f(v, name=name):
            return _forward(torch, source, {**fixed, name: v})

        want = torch.autograd.functional.jacobian(f, fixed[name])
        value = _printed(torch, text, fixed)
        np.testing.assert_allclose(np.broadcast_to(np.asarray(value), want.shape),
                                   want.numpy(), rtol=1e-9, atol=1e-12, err_msg=text)


# ---------------------------------------------------------------- LaTeX
def test_latex_matrix_notation():
    r = derive("y = x@A@x", shapes={"x": (3,), "A": (3, 3)})
    assert [d.latex for d in r.derivatives] == [
        r"\left(A + A^{\top}\right) \mathbf{x}", r"\mathbf{x} \mathbf{x}^{\top}"]
    assert r.expr_latex is None  # a named output: the label is y
    r = derive("x@A@x", shapes={"x": (3,), "A": (3, 3)})
    assert r.expr_latex == r"\mathbf{x}^{\top} A \mathbf{x}"
    r = derive("y = sigmoid(W@x + b).sum()", shapes={"W": (3, 2), "x": (2,), "b": (3,)})
    assert r.derivatives[2].latex == (r"\sigma\left(W \mathbf{x} + \mathbf{b}\right) \odot "
                                      r"\left(1 - \sigma\left(W \mathbf{x} + \mathbf{b}\right)"
                                      r"\right)")
    r = derive("y = softmax(z, dim=0)", shapes={"z": (3,)}, jacobian=True)
    assert r.derivatives[0].latex.startswith(r"\operatorname{diag}\left(")


# ---------------------------------------------------------------- the installed command
def _json(args):
    p = run_gradcli("derive", *args, "--format", "json")
    return p, json.loads(p.stdout.splitlines()[0])


def test_cli_shape_and_textbook_output():
    p = run_gradcli("derive", "y = (W@x).sum()", "--shape", "W=3,2", "--shape", "x=2")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "dy/dW = outer(ones(3), x)\ndy/dx = W.T @ ones(3)\n"
    p = run_gradcli("derive", "y = (W@x).sum()")
    assert p.returncode == 1
    assert "ShapeError: W, x are free variables" in p.stderr and "--shape" in p.stderr
    p = run_gradcli("derive", "y = x@A@x", "--at", "x=[1.,2.]", "--at", "A=[[1.,2.],[3.,4.]]",
                     "--latex")
    assert p.returncode == 0, p.stderr
    first = p.stdout.splitlines()[0]
    assert first.startswith(r"\frac{\partial y}{\partial x} = \left(A + A^{\top}\right)"
                            r" \mathbf{x}  % = ")


def test_cli_shape_usage_errors():
    p = run_gradcli("derive", "y = (W@x).sum()", "--shape", "W=3;2")
    assert p.returncode == 2 and "--shape expects NAME=DIMS" in p.stderr
    p = run_gradcli("derive", "y = x*2", "--at", "x=[1.,2.]", "--shape", "x=2")
    assert p.returncode != 0 and "x is not a free variable" in p.stderr


def test_cli_order_2_hessian_jacobian():
    p = run_gradcli("derive", "y = x**2*w", "--order", "2", "--at", "x=3", "--at", "w=2")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[2] == "d2y/dxdw = 2*x = 6."
    p = run_gradcli("derive", "y = x@A@x", "--hessian", "--wrt", "x",
                     "--at", "x=[1.,2.]", "--at", "A=[[1.,2.],[3.,4.]]")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("d2y/dxdx = A + A.T = [[2., 5.],")
    p, rec = _json(["y = softmax(z, dim=0)", "--jacobian", "--at", "z=[0.1,0.5,-1.]"])
    assert p.returncode == 0, p.stderr
    (d,) = rec["derivatives"]
    assert d["kind"] == "jacobian" and d["match"] is True
    assert np.array(d["value"]).shape == (3, 3)
    p = run_gradcli("derive", "y = x*w", "--hessian", "--jacobian")
    assert p.returncode == 2


def test_cli_printed_results_run_in_gradcli_eval():
    """The text form is a gradcli expression: `gradcli eval` computes it, and its value
    is reverse mode's (torch's) at the point."""
    torch = pytest.importorskip("torch")
    W = rng.uniform(-1, 1, (3, 2)).round(3)
    x = rng.uniform(-1, 1, 2).round(3)
    b = rng.uniform(-1, 1, 3).round(3)
    r = derive("y = sigmoid(W@x + b).sum()", shapes={"W": (3, 2), "x": (2,), "b": (3,)})
    tW, tx, tb = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (W, x, b))
    grads = dict(zip("Wxb", torch.autograd.grad(torch.sigmoid(tW @ tx + tb).sum(),
                                                [tW, tx, tb]), strict=True))
    for d in r.derivatives:
        p = run_gradcli("eval", d.text, "--dtype", "float64", "--format", "json",
                         "--const", "W,x,b", "--at", f"W={W.tolist()}", "--at",
                         f"x={x.tolist()}", "--at", f"b={b.tolist()}")
        rec = json.loads(p.stdout.splitlines()[-1])
        value = _output_value(rec)
        np.testing.assert_allclose(value, grads[d.wrt].numpy(), rtol=1e-9, err_msg=d.text)


def _output_value(rec):
    out = rec["output"]
    for n in rec["nodes"]:
        if n["id"] == out:
            return np.array(n["value"], dtype=float)
    raise AssertionError(f"no output node in {rec}")


def test_readme_shows_matrix_examples():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme[readme.index("### Matrix calculus"):]
    for example in ("outer(ones(3), x)", "(A + A.T) @ x", "one_hot"):
        assert example in section
    assert math.isfinite(len(section))


# ---------------------------------------------------------------- LaTeX reads back
class MatrixReader:
    """test_latex_roundtrip's reader with matrix meanings: a vector is a column, juxtaposed
    tensors are matrix products (a b^T an outer product, x^T A x a number), \\odot the
    elementwise product, ^{\\top} a transpose, \\mathbf{1}_{3 \\times 2} ones, I_{3} the
    identity, \\operatorname{diag}, norm and softmax as numpy computes them."""

    @staticmethod
    def make(latex):
        from test_latex_roundtrip import FUNCS, LATEX_FUNCS, LatexReader

        def scalar(v):
            return np.ndim(v) == 0 or np.shape(v) == (1, 1)

        def unwrap(v):
            return float(np.asarray(v).reshape(())) if np.shape(v) == (1, 1) else v

        def juxtapose(a, b):
            if scalar(a) or scalar(b):
                return unwrap(a) * unwrap(b)
            return unwrap(np.asarray(a) @ np.asarray(b))

        def softmax(z):
            e = np.exp(z - np.max(z))
            return e / e.sum()

        named = {"diag": lambda v: np.diagflat(v), "norm": lambda v: np.linalg.norm(v),
                 "softmax": softmax, "mean": np.mean}

        class Reader(LatexReader):
            def term(self):
                factors = [(self.power(), False)]
                while True:
                    tok = self.peek()
                    if tok in (r"\cdot", r"\odot"):
                        self.take()
                        factors.append((self.power(), tok == r"\odot"))
                    elif tok is not None and self.starts_factor(tok):
                        factors.append((self.power(), False))
                    else:
                        break

                def product(env):
                    out = factors[0][0](env)
                    for f, hadamard in factors[1:]:
                        v = f(env)
                        out = out * v if hadamard else juxtapose(out, v)
                    return out
                return product

            def power(self):
                base = self.primary()
                if self.peek() == "^":
                    self.take()
                    if self.toks[self.i:self.i + 3] == ["{", r"\top", "}"]:
                        self.i += 3
                        return lambda env: np.transpose(base(env))
                    exp = self.group()
                    return lambda env: np.asarray(base(env)) ** exp(env)
                return base

            def primary(self):
                tok = self.peek()
                if tok == r"\mathbf":
                    self.take()
                    name = self.word()
                    if name in ("0", "1"):
                        dims = [int(d) for d in self.subscript().split(r"\times")]
                        shape = (dims[0], 1) if len(dims) == 1 else tuple(dims)
                        return lambda env: np.full(shape, float(name))
                    return lambda env: env[name]
                if tok == "I" and self.toks[self.i + 1] == "_":
                    self.take()
                    n = int(self.subscript())
                    return lambda env: np.eye(n)
                if tok == r"\sum":
                    self.take()
                    f = self.power()
                    return lambda env: float(np.sum(f(env)))
                if tok == r"\operatorname" and "".join(
                        self.toks[self.i + 2:self.toks.index("}", self.i)]) in named:
                    self.take()
                    return self.call(named[self.word()])
                if tok in LATEX_FUNCS:
                    self.take()
                    return self.call(np.vectorize(FUNCS[LATEX_FUNCS[tok]]))
                return super().primary()

        return Reader(latex).read()


def _latex_cases():
    out = []
    for source, shapes, _ in MATRIX:
        out.append((source, shapes, {}))
    for source, shapes, wrt, _ in HESSIANS:
        out.append((source, shapes, {"hessian": True, "wrt": wrt}))
    for source, shapes, expected in JACOBIANS:
        out.append((source, shapes, {"jacobian": True, "wrt": tuple(expected)}))
    return out


# indexing, one_hot of targets and reductions over a dim print in PyTorch's spelling
_NOT_READ = re.compile(r"one_hot|eye\(\d+\)\[|\[:|dim=\(|dim=1")


@pytest.mark.parametrize("source,shapes,kw", _latex_cases(), ids=[c[0] for c in _latex_cases()])
def test_latex_reads_back_as_the_text(source, shapes, kw):
    """The LaTeX of every matrix result, read back with matrix meanings, equals the text
    form evaluated by torch at random values."""
    torch = pytest.importorskip("torch")
    r = derive(source, shapes=shapes, **kw)
    checked = 0
    for d in r.derivatives:
        if d.error is not None or _NOT_READ.search(d.text):
            continue
        env = {n: rng.uniform(-1.2, 1.2, s) for n, s in shapes.items()}
        want = np.asarray(_printed(torch, d.text, {n: torch.tensor(v) for n, v in env.items()}))
        cols = {n: (v.reshape(-1, 1) if v.ndim == 1 else v) for n, v in env.items()}
        got = np.asarray(MatrixReader.make(d.latex)(cols), dtype=float)
        got = got.reshape(want.shape) if got.size == want.size else got
        np.testing.assert_allclose(np.broadcast_to(got, want.shape) if got.size == 1 else got,
                                   want, rtol=1e-9, atol=1e-12, err_msg=f"{d.text} vs {d.latex}")
        checked += 1
    assert checked or all(_NOT_READ.search(d.text or "one_hot") for d in r.derivatives)


def test_matrix_reader_is_not_blind():
    A, x = rng.uniform(-1, 1, (3, 3)), rng.uniform(-1, 1, (3, 1))
    env = {"A": A, "x": x}
    read = {t: np.asarray(MatrixReader.make(t)(env)) for t in (
        r"A \mathbf{x}", r"A^{\top} \mathbf{x}", r"\mathbf{x} \mathbf{x}^{\top}",
        r"\mathbf{x}^{\top} \mathbf{x}", r"\mathbf{x} \odot \mathbf{x}")}
    np.testing.assert_allclose(read[r"A \mathbf{x}"], A @ x)
    assert not np.allclose(read[r"A \mathbf{x}"], read[r"A^{\top} \mathbf{x}"])
    assert read[r"\mathbf{x} \mathbf{x}^{\top}"].shape == (3, 3)
    assert read[r"\mathbf{x}^{\top} \mathbf{x}"].shape == ()
    np.testing.assert_allclose(read[r"\mathbf{x} \odot \mathbf{x}"], x * x)
