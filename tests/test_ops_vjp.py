"""Every VJP of the op table against central finite differences, in float64.

One parametrized test walks `OPS`, so an op added to the table is checked automatically —
and fails here until it is given sample inputs below (an untested op cannot slip in).
Broadcasting ops are also checked with broadcast input shapes (the engine's unbroadcast),
and smooth ops get a second-order check through create_graph."""

import numpy as np
import pytest
from gradcli.engine import api  # noqa: F401  (Tensor operators)
from gradcli.engine.apply import apply
from gradcli.engine.autograd import run_backward
from gradcli.engine.ops import OPS
from gradcli.engine.tensor import Tensor
from ops_nn_samples import NN_SAMPLES

rng = np.random.default_rng(1234)


def normal(*shape):
    return rng.standard_normal(shape)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


def unit(*shape):
    return rng.uniform(-0.8, 0.8, shape)


def away_from_zero(*shape):
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 2.0, shape)


def distinct(*shape):
    """Values with no ties and no kinks near each other (max/min/sort-like ops)."""
    n = int(np.prod(shape)) if shape else 1
    return (rng.permutation(n) * 0.37 + 0.1).reshape(shape)


# op name -> list of (input arrays (None: a Python constant in that slot), params)
SAMPLES = {
    "add": [((normal(2, 3), normal(2, 3)), {}), ((normal(2, 1), normal(1, 3)), {}),
            ((normal(3), normal(2, 3)), {})],
    "sub": [((normal(2, 3), normal(2, 3)), {}), ((normal(2, 1), normal(3)), {})],
    "mul": [((normal(2, 3), normal(2, 3)), {}), ((normal(2, 1), normal(1, 3)), {})],
    "div": [((normal(2, 3), away_from_zero(2, 3)), {}), ((normal(3), away_from_zero(2, 1)), {})],
    "neg": [((normal(2, 3),), {})],
    "rsub": [((normal(2, 3), 2.5), {})],
    "rdiv": [((away_from_zero(2, 3), 2.5), {})],
    "pow_scalar": [((positive(2, 3), 3.0), {}), ((positive(4), 0.5), {}), ((normal(3), 2.0), {})],
    "rpow": [((normal(2, 3), 2.0), {})],
    "pow": [((positive(2, 3), normal(2, 3)), {}), ((positive(2, 1), normal(3)), {})],
    "remainder": [((positive(5) * 3, np.full(5, 1.3)), {})],
    "floor_divide": [((positive(5) * 3 + 0.05, np.full(5, 0.7)), {})],
    "maximum": [((distinct(2, 3), distinct(2, 3) + 0.05), {})],
    "minimum": [((distinct(2, 3), distinct(2, 3) + 0.05), {})],
    "where": [((normal(2, 3), normal(2, 3)), {"cond": rng.random((2, 3)) > 0.5})],
    "exp": [((normal(2, 3),), {})],
    "log": [((positive(2, 3),), {})],
    "log1p": [((positive(2, 3),), {})],
    "sqrt": [((positive(2, 3),), {})],
    "rsqrt": [((positive(2, 3),), {})],
    "sin": [((normal(2, 3),), {})],
    "cos": [((normal(2, 3),), {})],
    "tan": [((unit(2, 3),), {})],
    "atan": [((normal(2, 3),), {})],
    "asin": [((unit(2, 3),), {})],
    "tanh": [((normal(2, 3),), {})],
    "sigmoid": [((normal(2, 3),), {})],
    "erf": [((normal(2, 3),), {})],
    "abs": [((away_from_zero(2, 3),), {})],
    "sign": [((away_from_zero(2, 3),), {})],
    "floor": [((positive(2, 3) + 0.05,), {})],
    "relu": [((away_from_zero(2, 3),), {})],
    "leaky_relu": [((away_from_zero(2, 3),), {"negative_slope": 0.1})],
    "softplus": [((normal(2, 3),), {"beta": 1.0, "threshold": 20.0}),
                 ((normal(5) * 3,), {"beta": 2.0, "threshold": 1.5})],
    "gelu": [((normal(2, 3),), {})],
    "clamp": [((distinct(2, 3) - 1.0,), {"min": -0.55, "max": 0.6})],
    "sum": [((normal(2, 3),), {})],
    "sum_dim": [((normal(2, 3, 4),), {"dims": (1,), "keepdim": False}),
                ((normal(2, 3),), {"dims": (0, 1), "keepdim": True})],
    "mean": [((normal(2, 3),), {})],
    "mean_dim": [((normal(2, 3, 4),), {"dims": (0, 2), "keepdim": False})],
    "prod": [((positive(2, 3),), {}), ((np.array([1.5, 0.0, 2.0]),), {})],
    "max": [((distinct(2, 3),), {})],
    "min": [((distinct(2, 3),), {})],
    "max_dim": [((distinct(3, 4),), {"dim": 1, "keepdim": False}),
                ((distinct(3, 4),), {"dim": 0, "keepdim": True})],
    "min_dim": [((distinct(3, 4),), {"dim": 1, "keepdim": False})],
    "norm": [((normal(2, 3),), {})],
    "norm_dim": [((normal(2, 3),), {"dims": (1,), "keepdim": False}),
                 ((normal(2, 3),), {"dims": (0, 1), "keepdim": True})],
    "var": [((normal(2, 3),), {"dims": None, "correction": 1, "keepdim": False}),
            ((normal(3, 4),), {"dims": (1,), "correction": 0, "keepdim": True})],
    "std": [((normal(2, 3),), {"dims": None, "correction": 1, "keepdim": False}),
            ((normal(3, 4),), {"dims": (0,), "correction": 1, "keepdim": False})],
    "logsumexp": [((normal(3, 4),), {"dims": (1,), "keepdim": False})],
    "cumsum": [((normal(3, 4),), {"dim": 1})],
    "softmax": [((normal(3, 4),), {"dim": 1})],
    "log_softmax": [((normal(3, 4),), {"dim": 0})],
    "mse_loss": [((normal(2, 3), normal(2, 3)), {"reduction": "mean"}),
                 ((normal(2, 3), normal(2, 3)), {"reduction": "sum"}),
                 ((normal(2, 3), normal(2, 3)), {"reduction": "none"})],
    "binary_cross_entropy": [((rng.uniform(0.1, 0.9, (2, 3)), rng.uniform(0, 1, (2, 3))),
                              {"reduction": "mean"}),
                             ((rng.uniform(0.1, 0.9, (4,)), rng.uniform(0, 1, (4,))),
                              {"reduction": "none"})],
    "nll_loss": [((normal(3, 4),), {"target": np.array([0, 3, 1]), "reduction": "mean",
                                    "ignore_index": -100}),
                 ((normal(3, 4),), {"target": np.array([2, -100, 1]), "reduction": "none",
                                    "ignore_index": -100})],
    "t": [((normal(2, 3),), {})],
    "mT": [((normal(2, 3, 4),), {})],
    "permute": [((normal(2, 3, 4),), {"dims": (2, 0, 1)})],
    "transpose": [((normal(2, 3, 4),), {"dim0": 0, "dim1": 2})],
    "reshape": [((normal(2, 3),), {"shape": (3, 2)})],
    "unsafe_view": [((normal(2, 3),), {"shape": (6,)})],
    "unsqueeze": [((normal(2, 3),), {"dim": 1})],
    "squeeze_dim": [((normal(2, 1, 3),), {"dim": 1})],
    "squeeze": [((normal(1, 3, 1),), {})],
    "expand": [((normal(3, 1),), {"shape": (2, 3, 4)})],
    "sum_to": [((normal(2, 3, 4),), {"shape": (3, 1)})],
    "flip": [((normal(3, 4),), {"dims": (1,)})],
    "cat": [((normal(2, 3), normal(1, 3)), {"dim": 0}), ((normal(2, 2), normal(2, 3)), {"dim": 1})],
    "stack": [((normal(2, 3), normal(2, 3)), {"dim": 1})],
    "select": [((normal(3, 4),), {"key": (slice(None), 2)})],
    "slice": [((normal(3, 4),), {"key": (slice(1, None), slice(None, 3))})],
    "index": [((normal(4, 3),), {"key": (np.array([0, 2, 2]),)})],
    "unbind": [((normal(3, 4),), {"key": (1,)})],
    "alias": [((normal(3, 4),), {"key": ()})],
    "embed": [((normal(2, 4),), {"shape": (3, 4), "key": (slice(1, None),), "accumulate": False})],
    "clone": [((normal(2, 3),), {})],
    "copy": [((normal(2, 3),), {})],
    "to_dtype": [((normal(2, 3),), {"dtype": np.dtype(np.float64)})],
    "mm": [((normal(2, 3), normal(3, 4)), {})],
    "mv": [((normal(2, 3), normal(3)), {})],
    "dot": [((normal(3), normal(3)), {})],
    "matmul": [((normal(2, 2, 3), normal(3, 4)), {}), ((normal(2, 2, 3), normal(2, 3, 4)), {}),
               ((normal(3), normal(2, 3, 4)), {}), ((normal(2, 2, 3), normal(3)), {})],
    "vecmat": [((normal(3), normal(3, 4)), {})],
}
SAMPLES.update(NN_SAMPLES)  # engine/ops_nn.py's ops

# second derivatives are checked for ops whose VJP is itself smooth at the sample point
SMOOTH = {"mul", "div", "exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt", "pow_scalar",
          "pow", "softmax", "log_softmax", "logsumexp", "mse_loss", "mm", "matmul", "atan",
          "norm", "norm_dim", "var", "std", "rdiv", "rsqrt", "softplus", "gelu", "erf", "log1p", "tan",
          "asin", "binary_cross_entropy", "prod", "dot", "mv", "rpow", "addmm"}

DIFFERENTIABLE = sorted(name for name, op in OPS.items() if op.differentiable)
CASES = [(name, i) for name in DIFFERENTIABLE for i in range(len(SAMPLES.get(name, [None])))]


def _call(name, arrays, params):
    args = [Tensor(a.copy(), True) if isinstance(a, np.ndarray) else a for a in arrays]
    return args, apply(OPS[name], tuple(args), params)


def _numeric_vjp(name, arrays, params, g, which, eps=1e-6):
    base = [a.copy() if isinstance(a, np.ndarray) else a for a in arrays]
    grad = np.zeros_like(base[which])
    flat = grad.reshape(-1)
    for k in range(flat.size):
        plus = [a.copy() if isinstance(a, np.ndarray) else a for a in base]
        minus = [a.copy() if isinstance(a, np.ndarray) else a for a in base]
        plus[which].reshape(-1)[k] += eps
        minus[which].reshape(-1)[k] -= eps
        fp = OPS[name].forward(*plus, **params)
        fm = OPS[name].forward(*minus, **params)
        flat[k] = np.sum(g * (np.asarray(fp, np.float64) - np.asarray(fm, np.float64))) / (2 * eps)
    return grad


@pytest.mark.parametrize("name,i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_vjp_matches_finite_differences(name, i):
    assert name in SAMPLES, f"op '{name}' has no sample inputs in tests/test_ops_vjp.py"
    arrays, params = SAMPLES[name][i]
    args, out = _call(name, arrays, params)
    assert out.grad_fn is not None and out.grad_fn.name() == OPS[name].grad_fn
    g = rng.standard_normal(out.data.shape)
    run_backward([out], [Tensor(g)])
    for which, (a, arr) in enumerate(zip(args, arrays, strict=False)):
        if not isinstance(arr, np.ndarray):
            continue
        expected = _numeric_vjp(name, arrays, params, g, which)
        got = np.zeros_like(arr) if a.grad is None else a.grad.data
        assert got.shape == arr.shape
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6,
                                   err_msg=f"{name}: VJP for input {which}")


SMOOTH_CASES = [(n, i) for n, i in CASES if n in SMOOTH]


@pytest.mark.parametrize("name,i", SMOOTH_CASES, ids=[f"{n}-{i}" for n, i in SMOOTH_CASES])
def test_second_order_through_create_graph(name, i):
    """d/dx <v, vjp(g)>: the create_graph VJP differentiated again, against finite
    differences of the first-order VJP."""
    arrays, params = SAMPLES[name][i]
    g = None
    v = None
    eps = 1e-5

    def first(xs):
        nonlocal g, v
        args, out = _call(name, xs, params)
        if g is None:
            g = rng.standard_normal(out.data.shape)
        tensors = [a for a in args if isinstance(a, Tensor)]
        from gradcli.engine.autograd import grad as agrad
        grads = agrad([out], tensors, [Tensor(g)], create_graph=True, allow_unused=True)
        return tensors, grads

    tensors, grads = first(arrays)
    v = [rng.standard_normal(t.data.shape) for t in tensors]
    total = None
    for gr, vv in zip(grads, v, strict=False):
        if gr is None:
            continue
        term = api.FUNCTIONS["sum"](gr * Tensor(vv))
        total = term if total is None else total + term
    if total is None or not total.requires_grad:
        pytest.skip(f"{name}: second derivative is identically zero")
    from gradcli.engine.autograd import grad as agrad
    second = agrad([total], tensors, allow_unused=True)
    positions = [k for k, a in enumerate(arrays) if isinstance(a, np.ndarray)]
    for which_t, which in enumerate(positions):
        expected = np.zeros_like(arrays[which])
        flat = expected.reshape(-1)
        for k in range(flat.size):
            plus = [a.copy() if isinstance(a, np.ndarray) else a for a in arrays]
            minus = [a.copy() if isinstance(a, np.ndarray) else a for a in arrays]
            plus[which].reshape(-1)[k] += eps
            minus[which].reshape(-1)[k] -= eps
            gp = [x.data if x is not None else 0 for x in first(plus)[1]]
            gm = [x.data if x is not None else 0 for x in first(minus)[1]]
            flat[k] = sum(np.sum(vv * (p - m)) for vv, p, m in zip(v, gp, gm, strict=False)) / (2 * eps)
        got = second[which_t].data if second[which_t] is not None else np.zeros_like(expected)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5,
                                   err_msg=f"{name}: second derivative w.r.t. input {which}")
