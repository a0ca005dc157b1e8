"""`gradcli derive`: symbolic derivatives from the op table's own VJP rules.

- textbook functions against the strings a person writes (after simplification), and
  the same derivatives against sympy.diff (sympy parses the printed text: an oracle that
  knows nothing of gradcli);
- every differentiable op of the table (parametrized over OPS, with test_ops_vjp's
  sample inputs, so a new op is tested here automatically): the symbolic derivative,
  derived at one point and evaluated at ANOTHER, against the engine's reverse mode there
  (a mask or constant frozen at the derivation point would be caught);
- --order 2, --latex, the --at comparison (and its mismatch path), JSON records, batches,
  deep and long inputs, through the installed `gradcli derive`."""

import json

import numpy as np
import pytest
from conftest import GRADCLI, no_traceback, run_gradcli
from gradcli.engine import dtypes
from gradcli.engine.apply import apply
from gradcli.engine.ops import OPS
from gradcli.engine.symbolic import Derivation, engine_derivative
from gradcli.engine.symbolic.evaluate import evaluate
from gradcli.engine.symbolic.expr import TooLarge, const, reset, symbol
from gradcli.engine.symbolic.simplify import add, fn, mul, pow_
from gradcli.engine.symbolic.text import to_text
from gradcli.engine.tensor import Tensor
from gradcli.parser.interpreter.case import CaseOptions, parse_binding
from gradcli.tasks.derive import DeriveOptions, derive_case, scan_names
from test_ops_vjp import SAMPLES, SMOOTH

rng = np.random.default_rng(20240607)


def derive(source, at=(), wrt=None, order=1, consts=()):
    dtypes.set_default_float("float64")
    opts = DeriveOptions(case=CaseOptions(bindings=[parse_binding(a, consts) for a in at],
                                          consts=frozenset(consts), wrt=wrt), order=order)
    return derive_case(source, 1, opts)


def texts(source, **kw):
    r = derive(source, **kw)
    assert r.error is None, r.error.message
    return {d.wrt: (d.text if d.error is None else d.error.message) for d in r.derivatives
            if d.wrt2 is None}  # mixed partials (order 2) are tested on their own


# ---------------------------------------------------------------- textbook table
TEXTBOOK = [
    ("y=(x+w)*(w+1)", {"x": "w + 1", "w": "x + 2*w + 1"}),
    ("y = x**3 + 2*x**2 + x", {"x": "3*x**2 + 4*x + 1"}),
    ("y = 3*x**4 - 2*x + 7", {"x": "12*x**3 - 2"}),
    ("y = x**3*w**2", {"x": "3*x**2*w**2", "w": "2*x**3*w"}),
    ("y = (x - w)**2", {"x": "2*(x - w)", "w": "-2*(x - w)"}),
    ("y = x*exp(-x)", {"x": "exp(-x) - x*exp(-x)"}),
    ("y = sin(x)*cos(x)", {"x": "cos(x)**2 - sin(x)**2"}),
    ("y = x*cos(x)", {"x": "cos(x) - x*sin(x)"}),
    ("y = x/(x+1)", {"x": "1/(x + 1) - x/(x + 1)**2"}),
    ("y = 1/x", {"x": "-1/x**2"}),
    ("y = x**-2", {"x": "-2/x**3"}),
    ("y = sin(x)/x", {"x": "cos(x)/x - sin(x)/x**2"}),
    ("y = sin(x**2)", {"x": "2*x*cos(x**2)"}),
    ("y = exp(-x**2)", {"x": "-2*x*exp(-x**2)"}),
    ("y = (x**2+1)**3", {"x": "6*x*(x**2 + 1)**2"}),
    ("y = exp(2*x)", {"x": "2*exp(2*x)"}),
    ("y = exp(sin(x))", {"x": "cos(x)*exp(sin(x))"}),
    ("y = log(x)", {"x": "1/x"}),
    ("y = log(1+x**2)", {"x": "2*x/(x**2 + 1)"}),
    ("y = log(sin(x))", {"x": "cos(x)/sin(x)"}),
    ("y = log1p(x)", {"x": "1/(x + 1)"}),
    ("y = sqrt(x)", {"x": "1/(2*sqrt(x))"}),
    ("y = sqrt(x**2+1)", {"x": "x/sqrt(x**2 + 1)"}),
    ("y = x**0.5", {"x": "1/(2*sqrt(x))"}),
    ("y = rsqrt(x)", {"x": "-1/(2*sqrt(x)**3)"}),
    ("y = tan(x)", {"x": "tan(x)**2 + 1"}),
    ("y = atan(x)", {"x": "1/(x**2 + 1)"}),
    ("y = asin(x)", {"x": "1/sqrt(1 - x**2)"}),
    ("y = cos(x)**2", {"x": "-2*cos(x)*sin(x)"}),
    ("y = tanh(x)", {"x": "1 - tanh(x)**2"}),
    ("y = tanh(2*x)", {"x": "2*(1 - tanh(2*x)**2)"}),
    ("y = sigmoid(x)", {"x": "sigmoid(x)*(1 - sigmoid(x))"}),
    ("y = x*sigmoid(x)", {"x": "x*sigmoid(x)*(1 - sigmoid(x)) + sigmoid(x)"}),
    ("y = 1/(1+exp(-x))", {"x": "exp(-x)/(exp(-x) + 1)**2"}),
    ("y = erf(x)", {"x": "2*exp(-x**2)/sqrt(pi)"}),
    ("y = x**w", {"x": "w*x**(w - 1)", "w": "x**w*log(x)"}),
    ("y = x**x", {"x": "x**x + x**x*log(x)"}),
    ("y = 2**x", {"x": "log(2)*2**x"}),
    ("y = x*w + w**2", {"x": "w", "w": "x + 2*w"}),
    ("a = x + w; b = w + 1; y = a * b", {"x": "w + 1", "w": "x + 2*w + 1"}),
]


@pytest.mark.parametrize("source,expected", TEXTBOOK, ids=[s for s, _ in TEXTBOOK])
def test_textbook_derivatives(source, expected):
    assert texts(source) == expected


def test_issue_examples_exactly():
    assert texts("sin(x**2)") == {"x": "2*x*cos(x**2)"}
    assert texts("exp(-x**2)") == {"x": "-2*x*exp(-x**2)"}
    assert texts("sigmoid(x)") == {"x": "sigmoid(x)*(1 - sigmoid(x))"}


def test_wrt_subset_and_intermediate():
    assert texts("y=(x+w)*(w+1)", wrt=("w",)) == {"w": "x + 2*w + 1"}
    # an intermediate: d y / d a with a = x + w
    assert texts("a = x + w; b = w + 1; y = a * b", wrt=("a",)) == {"a": "w + 1"}


def test_const_names_stay_symbols():
    r = derive("y = c*x**2", at=("c=3",), consts=("c",))
    assert [(d.wrt, d.text) for d in r.derivatives] == [("x", "2*c*x")]


# ---------------------------------------------------------------- sympy as an oracle
SYMPY_FUNCS = ("sin", "cos", "tan", "atan", "asin", "exp", "log", "sqrt", "tanh", "erf", "pi")


def _sympy_env(sympy):
    env = {name: getattr(sympy, name) for name in SYMPY_FUNCS}
    env["sigmoid"] = sympy.Lambda(sympy.Symbol("t"), 1 / (1 + sympy.exp(-sympy.Symbol("t"))))
    env["log1p"] = sympy.Lambda(sympy.Symbol("t"), sympy.log(1 + sympy.Symbol("t")))
    env["rsqrt"] = sympy.Lambda(sympy.Symbol("t"), 1 / sympy.sqrt(sympy.Symbol("t")))
    return env


def _forward_sympy(sympy, source, env):
    """The case's output as a sympy expression (its statements substituted in order)."""
    local = dict(env)
    value = None
    for stmt in source.split(";"):
        name, _, rhs = stmt.rpartition("=")
        value = sympy.sympify(rhs.strip(), locals=local)
        if name.strip():
            local[name.strip()] = value
    return value


SYMPY_CASES = [s for s, _ in TEXTBOOK] + [
    "y = exp(x)*sin(x)", "y = x**2/(x-1)", "y = (2*x+1)**-1", "y = exp(x)/x",
    "y = log(x**2 + w**2)", "y = sin(x*w)*exp(w)", "y = x**3/(w + 1)**2",
]


@pytest.mark.parametrize("source", SYMPY_CASES)
@pytest.mark.parametrize("order", [1, 2])
def test_equivalent_to_sympy_diff(source, order):
    sympy = pytest.importorskip("sympy")
    env = _sympy_env(sympy)
    f = _forward_sympy(sympy, source, env)
    r = derive(source, order=order)
    assert r.error is None
    for d in r.derivatives:
        assert d.error is None, d.error.message
        mine = sympy.sympify(d.text, locals=env)
        var = sympy.Symbol(d.wrt)
        expected = sympy.diff(f, var, sympy.Symbol(d.wrt2)) if d.wrt2 else \
            sympy.diff(f, var, order)
        diff = sympy.simplify(sympy.expand_func(mine - expected).rewrite(sympy.exp))
        if diff != 0:  # simplify is not complete: confirm numerically at random points
            point = {s: sympy.Float(rng.uniform(0.3, 0.9)) for s in (mine - expected).free_symbols}
            assert abs(complex(sympy.N((mine - expected).subs(point)))) < 1e-9, (
                f"{d.text} vs {expected}")


# ---------------------------------------------------------------- the whole op table
# ops whose VJP rule needs the value itself (argmax of the data, a condition computed at
# the point): derive must say so clearly instead of giving that point's branch
NOT_SYMBOLIC = {"max_dim": "max_dim", "min_dim": "min_dim", "where": "where"}
# linear algebra whose backward is computed numerically (SVD, eigenvectors, LAPACK solves)
NOT_SYMBOLIC.update({n: n for n in ("cdist", "linalg_cholesky", "linalg_eigvalsh",
                                    "linalg_qr_q", "linalg_qr_r", "linalg_svdvals",
                                    "linalg_svd_u", "linalg_svd_vh", "linalg_eigh_l",
                                    "linalg_eigh_v")})
# issue 18's reductions: masks of the ties / NaNs / the order's case
NOT_SYMBOLIC.update({n: n for n in ("amax", "amin", "aminmax_min", "aminmax_max", "median",
                                    "nanmedian", "nansum", "norm_p")})
# ops whose VJP rules compute on arrays (im2col, window scans, normalisation statistics):
# derive reports "cannot derive symbolically through <op>" for them (engine/ops/nn_layers.py)
NN_NOT_SYMBOLIC = {"adaptive_avg_pool2d", "avg_pool2d", "max_pool2d", "convolution",
                   "batch_norm", "layer_norm", "bce_with_logits", "constant_pad", "embedding",
                   "huber_loss", "smooth_l1_loss", "nll_loss_weighted", "trilinear",
                   "elu", "gelu_tanh",
                   *(f"{k}_pad{d}d" for k in ("reflection", "replication") for d in (1, 2, 3))}
NOT_SYMBOLIC.update({n: n for n in NN_NOT_SYMBOLIC})  # engine/ops_nn.py's array-only rules
# issue 18's layer rows whose rules compute on arrays (engine/ops/nn_layers_more.py)
NOT_SYMBOLIC.update({n: n for n in (
    "adaptive_max_pool2d", "convolution_transpose", "glu", "group_norm", "im2col",
    "pdist", "upsample_bilinear2d", "upsample_linear1d",
    "upsample_nearest1d", "upsample_nearest2d")})
# issue 18's losses with kernels of their own (array-only rules) and at::norm(p, dim)'s mask
NOT_SYMBOLIC.update({n: n for n in ("soft_margin_loss", "multi_margin_loss",
                                    "binary_cross_entropy_weighted", "norm_scalaropt_dim")})
# issue 18's rows whose rule masks at the point (atan2 at 0, 0; fmax ties and nan; clamp's
# tensor bounds; logit's eps; nan_to_num) or has no derivative in torch (NotImplemented)
NO_CLOSED_FORM = ("atan2", "arctan2", "clamp_tensor", "floor_divide", "fmax",
                  "fmin", "fmod_tensor", "nan_to_num", "rremainder", "hardsigmoid_backward",
                  "copy_slices")
NOT_SYMBOLIC.update({n: n for n in NO_CLOSED_FORM})
OP_CASES = [(name, i) for name in sorted(n for n, op in OPS.items() if op.differentiable
                                         and "not implemented" not in op.formulas)
            for i in range(len(SAMPLES.get(name, [None])))]


def _graph(name, arrays, params):
    leaves = {}
    args = []
    for k, a in enumerate(arrays):
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            t = Tensor(a.astype(np.float64), True)
            leaves[f"a{k}"] = t
            args.append(t)
        else:
            args.append(a)
    return leaves, apply(OPS[name], tuple(args), params)


def _moved(a):
    """Another point in the same domain (positive stays positive, units stay below 1)."""
    if not (isinstance(a, np.ndarray) and a.dtype.kind == "f"):
        return a
    return np.asarray(a * rng.uniform(0.85, 1.15, a.shape))  # a 0-d input stays an array


@pytest.mark.parametrize("name,i", OP_CASES, ids=[f"{n}-{i}" for n, i in OP_CASES])
def test_every_op_against_reverse_mode_elsewhere(name, i):
    assert name in SAMPLES, f"op '{name}' has no sample inputs in tests/test_ops_vjp.py"
    reset()
    arrays, params = SAMPLES[name][i]
    leaves, out = _graph(name, arrays, params)
    names = {id(t): n for n, t in leaves.items()}
    env = {n: t.data for n, t in leaves.items()}
    orders = (1, 2) if name in SMOOTH else (1,)
    for order in orders:
        deriv = Derivation(out, leaves, names, {n: k for k, n in enumerate(leaves)}, env)
        ds = deriv.derivatives(list(leaves), order)
        if name in NOT_SYMBOLIC:
            assert any(d.error is not None for d in ds)
            for d in ds:
                if d.error is not None:
                    assert f"cannot derive symbolically through {NOT_SYMBOLIC[name]}" in \
                        d.error.message
            continue
        moved = [_moved(a) for a in arrays]
        leaves2, out2 = _graph(name, moved, params)
        env2 = {n: t.data for n, t in leaves2.items()}
        for d in ds:
            assert d.error is None, f"{name}: {d.error.message}"
            assert d.text
            if any(np.any(evaluate(e, env2) == v) for e, v in d.assumptions):
                continue  # derived for x != 0 (say) and x is 0 here: not comparable
            got = np.broadcast_to(evaluate(d.expr, env2), leaves2[d.wrt].data.shape)
            want = engine_derivative(out2, leaves2[d.wrt], order)
            np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9,
                                       err_msg=f"{name} order {order} d/d{d.wrt}: {d.text}")


def test_elementwise_ops_are_all_symbolic():
    """Every unary/binary elementwise op of the table derives symbolically (no op of the
    kind may fall back to an error)."""
    from gradcli.engine.symbolic.simplify import elementwise

    unary = elementwise() & {n for n, op in OPS.items() if op.differentiable}
    binary = {n for n, op in OPS.items() if op.broadcast and op.differentiable}
    assert {"sin", "exp", "relu", "abs", "add", "mul", "pow"} <= unary | binary
    # issue 18's rows listed in NO_CLOSED_FORM say "cannot derive symbolically" instead
    assert not (unary | binary) & (set(NOT_SYMBOLIC) - {"where", *NO_CLOSED_FORM})


# ---------------------------------------------------------------- order 2, LaTeX
def test_second_derivatives():
    assert texts("sin(x**2)", order=2) == {"x": "2*cos(x**2) - 4*x**2*sin(x**2)"}
    assert texts("y = x**3 + 2*x**2 + x", order=2) == {"x": "6*x + 4"}
    assert texts("y = x**w", order=2) == {"x": "w*x**(w - 2)*(w - 1)", "w": "x**w*log(x)**2"}
    assert texts("y=(x+w)*(w+1)", order=2) == {"x": "0", "w": "2"}
    assert texts("y = log(x)", order=3) == {"x": "2/x**3"}


def test_second_derivative_matches_reverse_mode_at_a_point():
    r = derive("y = sin(x)*exp(w*x)", at=("x=0.3", "w=-1.2"), order=2)
    assert r.evaluated and all(d.match for d in r.derivatives)


def test_latex():
    r = derive("y=(x+w)*(w+1)")
    assert [d.latex for d in r.derivatives] == ["w + 1", "x + 2 w + 1"]
    assert texts("y = x**2/(x-1)") == {"x": "2*x/(x - 1) - x**2/(x - 1)**2"}
    r = derive("y = x**2/(x-1)")
    assert r.derivatives[0].latex == r"\frac{2 x}{x - 1} - \frac{x^{2}}{\left(x - 1\right)^{2}}"
    r = derive("sigmoid(x)")
    assert r.derivatives[0].latex == \
        r"\sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)"
    assert derive("erf(x)").derivatives[0].latex == r"\frac{2 e^{-x^{2}}}{\sqrt{\pi}}"


# ---------------------------------------------------------------- at a point
def test_values_and_reverse_mode_at_bindings():
    r = derive("y=(x+w)*(w+1)", at=("x=2", "w=3"))
    assert r.evaluated
    assert [(float(d.value), float(d.engine_value), d.match) for d in r.derivatives] == \
        [(4.0, 4.0, True), (9.0, 9.0, True)]
    assert not derive("y=(x+w)*(w+1)").evaluated  # free variables: nothing to evaluate


def test_torch_agrees_with_symbolic_values():
    torch = pytest.importorskip("torch")
    cases = {
        "y = sin(x**2)*w": lambda x, w: torch.sin(x**2) * w,
        "y = x**w": lambda x, w: x**w,
        "y = sigmoid(x*w)": lambda x, w: torch.sigmoid(x * w),
        "y = atan(x)/w": lambda x, w: torch.atan(x) / w,
    }
    for source, f in cases.items():
        x0, w0 = (float(v) for v in rng.uniform(0.5, 1.5, 2))
        for order in (1, 2):
            r = derive(source, at=(f"x={x0!r}", f"w={w0!r}"), order=order)
            tx = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
            tw = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
            want = {}
            for name, t in (("x", tx), ("w", tw)):
                g = f(tx, tw)
                for _ in range(order):  # a derivative that no longer depends on t is 0
                    (g,) = torch.autograd.grad(g, [t], create_graph=True, allow_unused=True,
                                               materialize_grads=True)
                want[name] = float(g.detach())
            if order == 2:  # the mixed partial d2y/dxdw
                (g,) = torch.autograd.grad(f(tx, tw), [tw], create_graph=True)
                (g,) = torch.autograd.grad(g, [tx], allow_unused=True, materialize_grads=True)
                want["x,w"] = float(g)
            got = {d.wrt + (f",{d.wrt2}" if d.wrt2 else ""): float(d.value)
                   for d in r.derivatives}
            assert got == pytest.approx(want, rel=1e-9), (source, order)


def test_mismatch_is_detected(monkeypatch):
    import gradcli.engine.symbolic as symbolic

    real = symbolic.evaluate
    monkeypatch.setattr(symbolic, "evaluate", lambda e, env: real(e, env) + 1.0)
    r = derive("y = x**2", at=("x=3",))
    (d,) = r.derivatives
    assert d.match is False and not r.ok
    assert float(d.value) == 7.0 and float(d.engine_value) == 6.0
    from gradcli import render_derive

    assert "MISMATCH with reverse mode: reverse mode gives 6." in render_derive.text_lines(r)
    assert "MismatchError: dy/dx" in render_derive.problem_lines(r)


def test_mismatch_exits_1_through_the_command(monkeypatch, capsys):
    import gradcli.engine.symbolic as symbolic
    from gradcli import cmd_derive
    from gradcli.case_options import DType
    from gradcli.edge import Exit

    real = symbolic.evaluate
    monkeypatch.setattr(symbolic, "evaluate", lambda e, env: real(e, env) * 2.0)
    with pytest.raises(Exit) as info:
        cmd_derive.derive_command(case="y = x**2", at=["x=3"], const=None, of=None, wrt=None,
                                  order=1, latex=False, dtype=DType.float64,
                                  format=cmd_derive.Format.text, file=None)
    assert info.value.code == 1
    captured = capsys.readouterr()
    assert "dy/dx = 2*x = 12." in captured.out and "MISMATCH" in captured.out
    assert "MismatchError" in captured.err


def test_almost_everywhere_assumption_is_not_a_mismatch():
    r = derive("y = x**w", at=("x=0", "w=2"))
    dx, dw = r.derivatives
    assert dx.match is True
    assert dw.match is None and "x != 0" in dw.note and r.ok
    assert "x != 0" in dw.assumes


# ---------------------------------------------------------------- tensors
def test_tensor_expressions():
    assert texts("y = sum(x**2)", at=("x=[1.,2.,3.]",)) == {"x": "2*x"}
    assert texts("y = mean(sin(x))", at=("x=[1.,2.,3.]",)) == {"x": "cos(x)/3"}
    assert texts("y = sum(x)", at=("x=[1.,2.,3.]",)) == {"x": "ones(3)"}
    assert texts("y = norm(x)", at=("x=[3.,4.]",)) == {"x": "x/norm(x)"}
    assert texts("y = sum(mm(A, B))", at=("A=[[1.,2.],[3.,4.]]", "B=[[1.,0.],[2.,1.]]")) == \
        {"A": "ones(2, 2) @ B.T", "B": "A.T @ ones(2, 2)"}
    r = derive("y = sum(w*x)", at=("x=[1.,2.,3.]", "w=2."))
    assert {d.wrt: d.text for d in r.derivatives} == {"x": "w", "w": "sum(x)"}
    assert all(d.match for d in r.derivatives)
    # an elementwise vector output: the seed is ones, so this is the elementwise derivative
    assert texts("y = x**3", at=("x=[1.,2.]",)) == {"x": "3*x**2"}


def test_piecewise_ops_give_indicators():
    assert texts("y = relu(x)") == {"x": "x > 0"}
    assert texts("y = abs(x)") == {"x": "sign(x)"}
    r = derive("y = sum(relu(x)*x)", at=("x=[-1.,2.,0.5]",))
    assert all(d.match for d in r.derivatives)


def test_cannot_derive_is_a_clear_error_record():
    r = derive("y = where(x > 0, x, -x)")
    (d,) = r.derivatives
    assert d.error.type_name == "SymbolicError"
    assert "cannot derive symbolically through where" in d.error.message
    r = derive("y = max(x, 0)[0]", at=("x=[[1.,2.],[3.,0.5]]",))
    assert "cannot derive symbolically through max_dim" in r.derivatives[0].error.message
    # the other inputs still get theirs
    r = derive("y = sum(max(x, 0)[0]) + w**2", at=("x=[[1.,2.],[3.,0.5]]", "w=1."))
    assert r.derivatives[0].error is not None and r.derivatives[1].text == "2*w"


# ---------------------------------------------------------------- simplifier
def test_simplifier_canonical_forms():
    reset()
    x, w = symbol("x", ()), symbol("w", ())
    ranks = {"x": 0, "w": 1}
    assert to_text(add([mul([const(2), x]), mul([const(3), x])]), ranks) == "5*x"
    assert to_text(add([x, mul([const(-1), x])]), ranks) == "0"
    assert to_text(mul([x, pow_(x, w)]), ranks) == "x**(w + 1)"
    assert to_text(mul([x, pow_(x, const(-1))]), ranks) == "1"
    assert to_text(pow_(pow_(x, const(2)), const(3)), ranks) == "x**6"
    assert to_text(pow_(mul([const(2), x]), const(2)), ranks) == "4*x**2"
    assert to_text(add([const(1), const(0.5), mul([const(0), x])]), ranks) == "3/2"
    assert to_text(mul([const(-1), add([x, const(-1)])]), ranks) == "1 - x"
    assert to_text(fn("sin", (const(0),), (), ()), ranks) == "0"
    assert to_text(fn("log", (const(2),), (), ()), ranks) == "log(2)"
    assert add([mul([x, w]), mul([w, x])]) is mul([const(2), w, x])  # interned: identity


def test_deep_expressions_need_no_recursion():
    reset()
    x = symbol("x", ())
    e = x
    for _ in range(20_000):
        e = fn("sin", (e,), (), ())
    text = to_text(e)
    assert text.startswith("sin(sin(") and text.count("(") == 20_000
    # a long flat sum (one add: adding term by term re-flattens, quadratic by design)
    s = add([x] + [pow_(x, const(k + 2)) for k in range(10_000)])
    assert to_text(s).startswith("x**10001 + x**10000")
    with pytest.raises(TooLarge):
        to_text(s, limit=1000)


def test_free_names_are_found_in_order():
    assert scan_names("y=(x+w)*(w+1)") == (["x", "w", "y"], ["x", "w"])
    assert scan_names("a = 2.; y = sin(a*b) + torch.exp(pi*c)")[1] == ["b", "c"]
    assert scan_names("y = sum([x*i for i in range(3)])")[1] == ["x"]


# ---------------------------------------------------------------- the command
def test_cli_issue_example():
    p = run_gradcli("derive", "y=(x+w)*(w+1)")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "dy/dx = w + 1\ndy/dw = x + 2*w + 1\n"


def test_cli_latex_and_order():
    p = run_gradcli("derive", "y=(x+w)*(w+1)", "--latex", "--wrt", "w")
    assert p.stdout == "\\frac{\\partial y}{\\partial w} = x + 2 w + 1\n"
    p = run_gradcli("derive", "sin(x**2)", "--order", "2")
    assert p.stdout == "d2/dx2 sin(x**2) = 2*cos(x**2) - 4*x**2*sin(x**2)\n"
    p = run_gradcli("derive", "y = sin(x**2)", "--order", "2", "--latex")
    assert p.stdout == ("\\frac{\\partial^{2} y}{\\partial x^{2}} = "
                        "2 \\cos\\left(x^{2}\\right) - 4 x^{2} \\sin\\left(x^{2}\\right)\n")
    p = run_gradcli("derive", "sin(x**2)", "--latex")
    assert p.stdout == ("\\frac{\\partial}{\\partial x} \\sin\\left(x^{2}\\right) = "
                        "2 x \\cos\\left(x^{2}\\right)\n")


def test_cli_at_shows_values():
    p = run_gradcli("derive", "y=(x+w)*(w+1)", "--at", "x=2", "--at", "w=3")
    assert p.returncode == 0
    assert p.stdout == "dy/dx = w + 1 = 4.\ndy/dw = x + 2*w + 1 = 9.\n"


def test_cli_json_records():
    p = run_gradcli("derive", "y = x**2*w", "--at", "x=[1.,2.]", "--at", "w=3",
                    "--format", "json")
    assert p.returncode == 0, p.stderr
    rec = json.loads(p.stdout)
    assert rec["line"] == 1 and rec["source"] == "y = x**2*w" and rec["output"] == "y"
    assert rec["error"] is None and rec["evaluated"] is True
    dx, dw = rec["derivatives"]
    assert dx == {"wrt": "x", "wrt2": None, "kind": "grad", "order": 1, "label": "dy/dx",
                  "text": "2*x*w", "latex": "2 \\mathbf{x} w",
                  "latex_label": "\\frac{\\partial y}{\\partial x}",
                  "assumes": [], "value": [6.0, 12.0], "engine_value": [6.0, 12.0],
                  "match": True, "note": None, "error": None}
    assert dw["text"] == "sum(x**2)" and dw["value"] == 5.0


def test_cli_batch_from_stdin_isolates_failures():
    cases = "y = sin(x)\n# comment\n\ny = q(\ny = where(x > 0, x, -x)\ny = x*w\n"
    p = run_gradcli("derive", input=cases)
    no_traceback(p)
    assert p.returncode == 1
    assert p.stdout.splitlines() == [
        "line 1: dy/dx = cos(x)",
        "line 5: dy/dx: SymbolicError: cannot derive symbolically through where (its "
        "condition is a value at this point, not an expression: write the branches as "
        "separate cases)",
        "line 6: dy/dx = w",
        "line 6: dy/dw = x",
    ]
    assert "gradcli: line 4: SyntaxError" in p.stderr
    assert "gradcli: line 5: SymbolicError: dy/dx: cannot derive" in p.stderr
    p = run_gradcli("derive", "--format", "json", input=cases)
    recs = [json.loads(line) for line in p.stdout.splitlines()]
    assert [r["line"] for r in recs] == [1, 4, 5, 6]
    assert recs[1]["error"]["type"] == "SyntaxError" and recs[1]["derivatives"] == []


def test_cli_errors_are_clean():
    for args in (["y = sin(x", ], ["y = x**2", "--wrt", "q"], ["y = x**2", "--order", "0"],
                 ["2*3"], ["y = x", "--at", "x=[1.,"]):
        p = run_gradcli("derive", *args)
        no_traceback(p)
        assert p.returncode in (1, 2), (args, p.stderr)
        assert p.stderr.startswith("gradcli: ") or "Usage" in p.stderr


def test_cli_long_and_deep_inputs():
    long = "y = " + " + ".join(f"x**{k}" for k in range(1, 5001))
    p = run_gradcli("derive", long, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("dy/dx = 5000*x**4999 + 4999*x**4998 + ")
    assert p.stdout.rstrip().endswith(" + 2*x + 1")
    deep = "y = " + "sin(" * 5000 + "x" + ")" * 5000
    p = run_gradcli("derive", deep, timeout=300)
    no_traceback(p)
    assert p.returncode == 1
    assert "LimitError" in p.stderr and "too large" in p.stderr
    assert "RecursionError" not in p.stderr


def test_help_does_not_import_the_engine():
    import subprocess
    import sys

    code = ("import sys; from gradcli.app import app; "
            "print('numpy' in sys.modules, 'lark' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"]
    p = run_gradcli("derive", "--help")
    assert p.returncode == 0 and "--latex" in p.stdout and "--order" in p.stdout


def test_huge_coefficients_print_without_overflow():
    # 1e308 / pi and * pi are tried as "k*pi" coefficients: one of them is inf
    assert texts("y = 1e308 * x") == {"x": "1e+308"}
    assert texts("y = 1.7e308 * x - w") == {"x": "1.7e+308", "w": "-1"}


def test_a_name_bound_to_another_leaf_is_one_variable():
    assert texts("y = x") == {"x": "1"}
    assert texts("x = 2.; y = x; z = y * x") == {"x": "2*x"}


def test_cli_plain_is_the_text_format_and_unreadable_lines_are_records():
    text = run_gradcli("derive", "y=(x+w)*(w+1)")
    plain = run_gradcli("derive", "y=(x+w)*(w+1)", "--format", "plain")
    assert plain.returncode == 0 and plain.stdout == text.stdout == \
        "dy/dx = w + 1\ndy/dw = x + 2*w + 1\n"
    import subprocess

    proc = subprocess.run([*GRADCLI, "derive", "--format", "json"], input=b"y=x**2\n\xff\ny=x\n",
                          capture_output=True, timeout=60)
    assert proc.returncode == 1 and b"internal error" not in proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3]
    assert records[1]["error"]["type"] == "InputError" and records[1]["derivatives"] == []
    assert [d["text"] for d in records[2]["derivatives"]] == ["1"]
