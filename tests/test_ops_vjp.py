"""Every VJP of the op table against central finite differences, in float64.

One parametrized test walks `OPS` with each row's own sample inputs (`samples`), so an op
added to the table is checked automatically, and fails until its row has samples.
Broadcasting ops are also checked with broadcast input shapes (the engine's unbroadcast),
and smooth ops get a second-order check through create_graph."""

import numpy as np
import pytest
from gradcli.engine import api  # noqa: F401  (Tensor operators)
from gradcli.engine.apply import apply
from gradcli.engine.autograd import run_backward
from gradcli.engine.ops import OPS
from gradcli.engine.ops.samples import Sampler
from gradcli.engine.tensor import Tensor

rng = np.random.default_rng(1234)

# op name -> list of (input arrays (None: a Python constant in that slot), params): the
# rows' own sample inputs, drawn from one seeded Sampler
_SAMPLER = Sampler(1234)
SAMPLES = {name: op.samples(_SAMPLER) for name, op in OPS.items() if op.samples is not None}


# second derivatives are checked for ops whose VJP is itself smooth at the sample point
SMOOTH = {"mul", "div", "exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt", "pow_scalar",
          "pow", "softmax", "log_softmax", "logsumexp", "mse_loss", "mm", "matmul", "atan",
          "norm", "norm_dim", "var", "std", "rdiv", "rsqrt", "softplus", "gelu", "erf", "log1p", "tan",
          "asin", "binary_cross_entropy", "prod", "dot", "mv", "rpow", "expm1",
          "log2", "silu", "bmm", "vdot", "addmv", "addr", "baddbmm", "linalg_cross",
          "linalg_det", "linalg_slogdet", "linalg_inv", "linalg_solve", "linalg_pinv", "addmm", "div_none"}

# rows whose backward is torch's NotImplemented node (floor_divide) raise instead
DIFFERENTIABLE = sorted(name for name, op in OPS.items() if op.differentiable
                        and "not implemented" not in op.formulas and op.grad_fn != "NotImplemented")
CASES = [(name, i) for name in DIFFERENTIABLE for i in range(len(SAMPLES.get(name, [None])))]


def _call(name, arrays, params):
    args = [Tensor(a.copy(), True) if isinstance(a, np.ndarray) else a for a in arrays]
    return args, apply(OPS[name], tuple(args), params)


# rows reading a symmetric matrix from one triangle (cholesky, eigh): PyTorch returns the
# symmetric gradient, so they are checked against symmetric perturbations (A_ij and A_ji)
SYMMETRIC_INPUT = {"linalg_cholesky", "linalg_eigvalsh", "linalg_eigh_l", "linalg_eigh_v"}


def _symmetrized(grad):
    """<grad, E_ij + E_ji> for every (i, j): what symmetric perturbations measure."""
    out = grad + np.swapaxes(grad, -1, -2)
    n = np.arange(grad.shape[-1])
    out[..., n, n] /= 2
    return out


def _numeric_vjp(name, arrays, params, g, which, eps=1e-6):
    base = [a.copy() if isinstance(a, np.ndarray) else a for a in arrays]
    grad = np.zeros_like(base[which])
    flat = grad.reshape(-1)
    for k in range(flat.size):
        plus = [a.copy() if isinstance(a, np.ndarray) else a for a in base]
        minus = [a.copy() if isinstance(a, np.ndarray) else a for a in base]
        plus[which].reshape(-1)[k] += eps
        minus[which].reshape(-1)[k] -= eps
        if name in SYMMETRIC_INPUT:
            idx = np.unravel_index(k, grad.shape)
            mirror = (*idx[:-2], idx[-1], idx[-2])
            if mirror != idx:
                plus[which][mirror] += eps
                minus[which][mirror] -= eps
        fp = OPS[name].forward(*plus, **params)
        fm = OPS[name].forward(*minus, **params)
        flat[k] = np.sum(g * (np.asarray(fp, np.float64) - np.asarray(fm, np.float64))) / (2 * eps)
    return grad


@pytest.mark.parametrize("name,i", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_vjp_matches_finite_differences(name, i):
    assert name in SAMPLES, f"op '{name}' has no sample inputs (its row's `samples`)"
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
        if name in SYMMETRIC_INPUT:
            got = _symmetrized(got)
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
    # every op listed in SMOOTH has a nonzero second derivative: a grad that does not
    # require grad here is a VJP that dropped the graph (prod at a zero did, once)
    assert total is not None and total.requires_grad, f"{name}: create_graph lost the graph"
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
