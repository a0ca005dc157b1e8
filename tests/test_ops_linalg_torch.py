"""The linear-algebra functions against PyTorch 2.13 (the oracle): value, dtype, shape,
grad_fn name and every input's grad, over generated shapes and arguments; dtype and
shape errors word for word. One table of calls (CALLS), cheap to extend."""

import numpy as np
import pytest
from gradcli.engine import api
from gradcli.engine.autograd import run_backward
from gradcli.engine.errors import GradcliError
from gradcli.engine.tensor import Tensor
from gradcli.parser.runtime import modules

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def _resolve(path):
    """'torch.linalg.cross' / 'torch.outer' / 'Tensor.tril': the torch callable and ours."""
    if path.startswith("Tensor."):
        name = path[len("Tensor."):]
        return (lambda x, *a, **k: getattr(x, name)(*a, **k),
                lambda x, *a, **k: api.METHODS[name](x, *a, **k))
    mod, _, name = path.rpartition(".")
    tfn = torch
    for part in path.split(".")[1:]:
        tfn = getattr(tfn, part)
    return tfn, modules()[mod].members[name]


# (call, input shapes, keyword arguments)
CALLS = [
    ("torch.bmm", [(2, 2, 3), (2, 3, 4)], {}),
    ("torch.bmm", [(0, 2, 3), (0, 3, 1)], {}),
    ("Tensor.bmm", [(1, 3, 2), (1, 2, 2)], {}),
    ("torch.vdot", [(4,), (4,)], {}),
    ("torch.vdot", [(0,), (0,)], {}),
    ("torch.inner", [(3,), (3,)], {}),
    ("torch.inner", [(2, 3), (4, 3)], {}),
    ("torch.inner", [(2, 1, 3), (3,)], {}),
    ("torch.inner", [(2, 3), ()], {}),
    ("torch.outer", [(3,), (2,)], {}),
    ("torch.outer", [(0,), (2,)], {}),
    ("torch.addmv", [(2,), (2, 3), (3,)], {}),
    ("torch.addmv", [(), (2, 3), (3,)], {"beta": 0.5, "alpha": 2}),
    ("torch.addmv", [(1,), (2, 3), (3,)], {"beta": 0}),
    ("torch.addr", [(2, 3), (2,), (3,)], {}),
    ("torch.addr", [(3,), (2,), (3,)], {"beta": -1.5, "alpha": 0.5}),
    ("torch.baddbmm", [(2, 2, 4), (2, 2, 3), (2, 3, 4)], {}),
    ("torch.baddbmm", [(1, 4), (2, 2, 3), (2, 3, 4)], {"beta": 2, "alpha": -1}),
    ("torch.tensordot", [(2, 3), (3, 4)], {"dims": 1}),
    ("torch.tensordot", [(2, 3, 4), (3, 4, 5)], {"dims": 2}),
    ("torch.tensordot", [(2, 3, 4), (4, 2)], {"dims": ([0, 2], [1, 0])}),
    ("torch.tensordot", [(2, 3), (4,)], {"dims": 0}),
    ("torch.kron", [(2, 3), (3, 2)], {}),
    ("torch.kron", [(2,), (2, 3)], {}),
    ("torch.kron", [(2, 1, 2), (3,)], {}),
    ("torch.trace", [(3, 3)], {}),
    ("torch.trace", [(2, 4)], {}),
    ("torch.trace", [(0, 0)], {}),
    ("torch.diag", [(3,)], {}),
    ("torch.diag", [(3,)], {"diagonal": -2}),
    ("torch.diag", [(3, 4)], {}),
    ("torch.diag", [(3, 4)], {"diagonal": 2}),
    ("torch.diagonal", [(3, 4)], {}),
    ("torch.diagonal", [(2, 3, 4)], {"offset": 1, "dim1": 2, "dim2": 0}),
    ("torch.diagonal", [(3, 3)], {"offset": 5}),
    ("Tensor.diagonal", [(3, 3)], {"offset": -1}),
    ("torch.diag_embed", [(2, 3)], {}),
    ("torch.diag_embed", [(2, 3)], {"offset": -1, "dim1": 0, "dim2": 2}),
    ("torch.tril", [(3, 4)], {}),
    ("torch.tril", [(2, 3, 3)], {"diagonal": -1}),
    ("Tensor.triu", [(3, 4)], {"diagonal": 1}),
    ("torch.triu", [(0, 3)], {}),
    ("torch.cross", [(2, 3), (2, 3)], {"dim": 1}),
    ("torch.cross", [(3, 2), (3, 1)], {"dim": 0}),
    ("torch.linalg.cross", [(4, 3), (1, 3)], {}),
    ("torch.linalg.cross", [(3, 2), (3, 2)], {"dim": 0}),
    ("torch.det", [(3, 3)], {}),
    ("torch.det", [(2, 2, 2)], {}),
    ("torch.linalg.det", [(4, 4)], {}),
    ("torch.linalg.det", [(0, 0)], {}),
    ("torch.logdet", [(3, 3)], {}),
    ("torch.logdet", [(4, 2, 2)], {}),
    ("torch.inverse", [(3, 3)], {}),
    ("torch.linalg.inv", [(2, 3, 3)], {}),
    ("torch.linalg.solve", [(3, 3), (3,)], {}),
    ("torch.linalg.solve", [(3, 3), (3, 2)], {}),
    ("torch.linalg.solve", [(2, 3, 3), (2, 3)], {}),
    ("torch.linalg.solve", [(2, 3, 3), (3, 1)], {}),
    ("torch.matrix_power", [(3, 3)], {"n": 0}),
    ("torch.matrix_power", [(3, 3)], {"n": 1}),
    ("torch.matrix_power", [(3, 3)], {"n": 2}),
    ("torch.matrix_power", [(2, 3, 3)], {"n": 3}),
    ("torch.matrix_power", [(3, 3)], {"n": 6}),
    ("torch.matrix_power", [(3, 3)], {"n": -1}),
    ("torch.linalg.matrix_power", [(3, 3)], {"n": -3}),
    ("torch.linalg.svdvals", [(3, 2)], {}),
    ("torch.linalg.svdvals", [(2, 2, 4)], {}),
    ("torch.cdist", [(3, 2), (4, 2)], {}),
    ("torch.cdist", [(2, 3, 2), (1, 4, 2)], {"p": 1.0}),
    ("torch.cdist", [(3, 4), (2, 4)], {"p": 0.5}),
    ("torch.cdist", [(3, 4), (2, 4)], {"p": 3}),
    ("torch.cdist", [(3, 4), (2, 4)], {"p": float("inf")}),
    ("torch.cdist", [(3, 4), (2, 4)], {"p": 0}),
    ("torch.cdist", [(30, 2), (4, 2)], {"compute_mode": "donot_use_mm_for_euclid_dist"}),
    ("torch.pinverse", [(3, 2)], {}),
    ("torch.pinverse", [(2, 2, 4)], {"rcond": 0.1}),
    ("torch.linalg.pinv", [(4, 3)], {}),
    ("torch.linalg.pinv", [(3, 3)], {"rtol": 0.2}),
    ("torch.linalg.pinv", [(2, 5)], {"atol": 0.5}),
]


def _arrays(shapes, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def _compare(call, shapes, kwargs, dtype, seed=0, lead=()):
    tfn, gfn = _resolve(call)
    if lead:  # leading non-tensor arguments (einsum's equation)
        tfn, gfn = (lambda f: lambda *a, **k: f(*lead, *a, **k))(tfn), \
            (lambda f: lambda *a, **k: f(*lead, *a, **k))(gfn)
    arrays = _arrays(shapes, seed)
    if dtype.is_floating_point:
        tx = [torch.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    else:
        tx = [torch.tensor((a * 3).round(), dtype=dtype) for a in arrays]
    gx = [Tensor(t.detach().numpy().copy(), t.requires_grad) for t in tx]
    tout = tfn(*tx, **kwargs)
    gout = gfn(*gx, **kwargs)
    assert gout.data.dtype == tout.detach().numpy().dtype
    assert gout.data.shape == tuple(tout.shape)
    np.testing.assert_allclose(gout.data, tout.detach().numpy(), rtol=1e-5, atol=1e-6)
    if not dtype.is_floating_point:
        assert gout.grad_fn is None
        return
    assert gout.grad_fn.name() == type(tout.grad_fn).__name__
    seedg = np.random.default_rng(seed + 1).standard_normal(tout.shape)
    tout.backward(torch.tensor(seedg, dtype=dtype))
    run_backward([gout], [Tensor(seedg.astype(gout.data.dtype))])
    for t, g in zip(tx, gx, strict=True):
        want = t.grad.numpy()
        got = np.zeros_like(want) if g.grad is None else g.grad.data
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("call,shapes,kwargs", CALLS, ids=[c[0] for c in CALLS])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_linalg_agrees_with_torch(call, shapes, kwargs, dtype):
    _compare(call, shapes, kwargs, getattr(torch, dtype))


FLOAT_ONLY = ("torch.addmv", "torch.linalg.svdvals", "torch.cdist", "torch.pinverse",
              "torch.linalg.pinv", "torch.det", "torch.linalg.det", "torch.logdet", "torch.inverse",
              "torch.linalg.inv", "torch.linalg.solve", "torch.matrix_power",
              "torch.linalg.matrix_power")
INT_CALLS = [c for c in CALLS if c[0] not in FLOAT_ONLY and "beta" not in c[2]
             and not any(s == () for s in c[1])]


@pytest.mark.parametrize("call,shapes,kwargs", INT_CALLS, ids=[c[0] for c in INT_CALLS])
def test_linalg_integer_inputs(call, shapes, kwargs):
    _compare(call, shapes, kwargs, torch.int64)


# calls PyTorch refuses, evaluated on both sides: the same exception type and message
ERRORS = [
    ("torch.bmm", [(2, 3), (2, 3, 4)], {}),
    ("torch.bmm", [(2, 2, 3), (2, 4)], {}),
    ("torch.bmm", [(2, 2, 3), (3, 3, 4)], {}),
    ("torch.vdot", [(2, 3), (3,)], {}),
    ("torch.vdot", [(2,), (3,)], {}),
    ("torch.addmv", [(2,), (2, 3), (4,)], {}),
    ("torch.addmv", [(3,), (2, 3), (3,)], {}),
    ("torch.addmv", [(2,), (3,), (3,)], {}),
    ("torch.addr", [(2, 2), (2, 3), (2,)], {}),
    ("torch.addr", [(3, 2), (2,), (2,)], {}),
    ("torch.baddbmm", [(3, 2, 2), (2, 2, 3), (2, 3, 2)], {}),
    ("torch.trace", [(3,)], {}),
    ("torch.diag", [(2, 2, 2)], {}),
    ("torch.tril", [(3,)], {}),
    ("torch.triu", [(3,)], {}),
    ("torch.diagonal", [(3,)], {}),
    ("torch.diagonal", [(3, 3)], {"dim1": 0, "dim2": 0}),
    ("torch.diag_embed", [(3,)], {"dim1": 0, "dim2": 0}),
    ("torch.cross", [(2, 2), (2, 2)], {}),
    ("torch.linalg.cross", [(2, 2), (2, 2)], {}),
    ("torch.linalg.cross", [(3,), (2, 3)], {}),
    ("torch.cross", [(3, 3), (3, 3)], {"dim": 5}),
    ("torch.outer", [(2, 2), (2,)], {}),
    ("torch.inner", [(2, 3), (4, 2)], {}),
    ("torch.tensordot", [(2, 3), (4, 2)], {"dims": 1}),
    ("torch.tensordot", [(2, 3), (4, 2)], {"dims": -1}),
    ("torch.tensordot", [(2, 3), (4, 2)], {"dims": ([0], [0, 1])}),
    ("torch.bmm", [(2, 2, 3), (2, 3, 4)], {"foo": 1}),
    ("torch.trace", [(2, 2), (2, 2)], {}),
    ("torch.tril", [(2, 2)], {"diagonal": 0.5}),
    ("torch.det", [(3,)], {}),
    ("torch.det", [(2, 3)], {}),
    ("torch.linalg.det", [(2, 3)], {}),
    ("torch.logdet", [(2, 3)], {}),
    ("torch.slogdet", [(2, 3)], {}),
    ("torch.inverse", [(2, 3)], {}),
    ("torch.inverse", [(3,)], {}),
    ("torch.linalg.solve", [(2, 3), (2,)], {}),
    ("torch.linalg.solve", [(2, 2), (3,)], {}),
    ("torch.linalg.solve", [(2, 2), (3, 2)], {}),
    ("torch.matrix_power", [(2, 3)], {"n": 2}),
    ("torch.linalg.det", [(2, 2)], {"B": 1}),
    ("torch.cdist", [(3, 2), (4, 3)], {}),
    ("torch.cdist", [(3,), (4, 3)], {}),
    ("torch.cdist", [(3, 2), (4, 2)], {"p": -1.0}),
    ("torch.linalg.svdvals", [(3,)], {}),
]


def _outcome(fn, args, kwargs):
    try:
        fn(*args, **kwargs)
    except GradcliError as e:
        return e.type_name, e.message
    except Exception as e:  # noqa: BLE001  (PyTorch's, compared with ours)
        if isinstance(e, torch.linalg.LinAlgError):
            return "torch._C._LinAlgError", str(e)
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("call,shapes,kwargs", ERRORS, ids=[e[0] for e in ERRORS])
def test_linalg_errors_match_torch(call, shapes, kwargs):
    tfn, gfn = _resolve(call)
    arrays = _arrays(shapes, 0)
    want = _outcome(tfn, [torch.tensor(a) for a in arrays], kwargs)
    got = _outcome(gfn, [Tensor(a) for a in arrays], kwargs)
    assert want is not None and got == want


@pytest.mark.parametrize("call,shapes,kwargs", [
    ("torch.bmm", [(1, 2, 3), (1, 3, 2)], {}),
    ("torch.vdot", [(3,), (3,)], {}),
    ("torch.addmv", [(2,), (2, 3), (3,)], {}),
    ("torch.baddbmm", [(1, 2, 2), (1, 2, 3), (1, 3, 2)], {}),
    ("torch.cross", [(3,), (3,)], {"dim": 0}),
])
def test_mixed_dtypes_match_torch(call, shapes, kwargs):
    tfn, gfn = _resolve(call)
    arrays = _arrays(shapes, 0)
    dts = [np.float32] + [np.float64] * (len(arrays) - 1)
    want = _outcome(tfn, [torch.tensor(a.astype(d)) for a, d in zip(arrays, dts, strict=True)], kwargs)
    got = _outcome(gfn, [Tensor(a.astype(d)) for a, d in zip(arrays, dts, strict=True)], kwargs)
    assert want is not None and got == want


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij->ji", [(2, 3)]), ("ii->", [(3, 3)]),
    ("ii->i", [(3, 3)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(2,), (3,)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("...ij,...jk", [(2, 2, 3), (3, 4)]),
    ("ij", [(2, 3)]), ("ji", [(2, 3)]), ("ij->", [(2, 3)]), ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("i->", [(4,)]), ("ba,ab", [(2, 3), (3, 2)]), ("iij->j", [(2, 2, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("i,i,i->i", [(3,), (3,), (3,)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]), ("...i,...i->...", [(2, 1, 3), (4, 3)]),
    ("ij,kj->ikj", [(2, 3), (4, 3)]), ("i j , j k -> i k", [(2, 3), (3, 1)]),
    ("ab,ab->", [(1, 3), (2, 3)]), ("ij,jk->", [(0, 3), (3, 2)]), ("...", [(2, 3)]),
    ("aBc,cB->a", [(2, 3, 4), (4, 3)]), ("ij,jk->ki", [(2, 3), (3, 4)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM, ids=[e[0] for e in EINSUM])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_einsum_agrees_with_torch(eq, shapes, dtype):
    _compare("torch.einsum", shapes, {}, getattr(torch, dtype), lead=(eq,))


EINSUM_ERRORS = [("ij,jk", [(2, 3)]), ("ij", [(2, 3), (3, 4)]), ("ijk", [(2, 3)]),
                 ("i..j", [(2, 3)]), ("ij->kk", [(2, 3)]), ("ij->ii", [(2, 3)]),
                 ("ii->i", [(2, 3)]), ("ij,jk->ik", [(2, 3), (4, 4)]), ("i1", [(2, 3)]),
                 ("ij->i.", [(2, 3)]), ("...ij,...jk", [(2, 2, 3), (3, 3, 4)]),
                 ("...i...", [(2, 3)]), ("ij->i1", [(2, 3)])]


@pytest.mark.parametrize("eq,shapes", EINSUM_ERRORS, ids=[e[0] for e in EINSUM_ERRORS])
def test_einsum_errors_match_torch(eq, shapes):
    tfn, gfn = _resolve("torch.einsum")
    arrays = _arrays(shapes, 0)
    want = _outcome(tfn, [eq, *(torch.tensor(a) for a in arrays)], {})
    got = _outcome(gfn, [eq, *(Tensor(a) for a in arrays)], {})
    assert want is not None and got == want


def test_einsum_takes_a_list_of_operands():
    a, b = _arrays([(2, 3), (3, 2)], 1)
    want = torch.einsum("ij,jk", [torch.tensor(a), torch.tensor(b)]).numpy()
    got = modules()["torch"].members["einsum"]("ij,jk", [Tensor(a), Tensor(b)]).data
    np.testing.assert_allclose(got, want)


SINGULAR = [("torch.linalg.inv", [[1.0, 2.0], [2.0, 4.0]]),
            ("torch.inverse", [[[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]]]),
            ("torch.linalg.solve", [[1.0, 2.0], [2.0, 4.0]]),
            ("torch.matrix_power", [[0.0, 0.0], [0.0, 0.0]]),
            ("torch.det", [[1.0, 2.0], [2.0, 4.0]])]


@pytest.mark.parametrize("call,matrix", SINGULAR, ids=[c[0] for c in SINGULAR])
def test_singular_matrices_match_torch(call, matrix):
    """PyTorch's LinAlgError naming the first zero pivot; det's zero cofactor grad."""
    tfn, gfn = _resolve(call)
    a = np.array(matrix)
    extra = {"torch.linalg.solve": lambda m: [m[..., 0]], "torch.matrix_power": lambda m: [-1]}
    more = extra.get(call, lambda m: [])(a)
    targs = [torch.tensor(a, requires_grad=True),
             *(torch.tensor(m) if isinstance(m, np.ndarray) else m for m in more)]
    gargs = [Tensor(a.copy(), True), *(Tensor(m) if isinstance(m, np.ndarray) else m
                                       for m in more)]
    want = _outcome(tfn, targs, {})
    got = _outcome(gfn, gargs, {})
    assert got == want
    if want is None:  # det of a singular matrix: value 0 and PyTorch's (zero) grad
        tfn(*targs).backward()
        out = gfn(*gargs)
        run_backward([out], [Tensor(np.ones(()))])
        np.testing.assert_allclose(gargs[0].grad.data, targs[0].grad.numpy())


@pytest.mark.parametrize("call", ["torch.slogdet", "torch.linalg.slogdet"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 2, 2)])
def test_slogdet_agrees_with_torch(call, shape):
    tfn, gfn = _resolve(call)
    (a,) = _arrays([shape], 3)
    ta, ga = torch.tensor(a, requires_grad=True), Tensor(a.copy(), True)
    (ts, tl), (gs, gl) = tfn(ta), gfn(ga)
    assert repr(gfn(Tensor(np.eye(2)))) == repr(tfn(torch.eye(2, dtype=torch.float64)))
    np.testing.assert_allclose(gs.data, ts.detach().numpy())
    np.testing.assert_allclose(gl.data, tl.detach().numpy())
    assert gs.grad_fn.name() == gl.grad_fn.name() == type(tl.grad_fn).__name__
    g = np.random.default_rng(0).standard_normal(shape[:-2])
    tl.backward(torch.tensor(g))
    run_backward([gl], [Tensor(g)])
    np.testing.assert_allclose(ga.grad.data, ta.grad.numpy(), rtol=1e-10)


MULTI_DOT = [[(2, 3), (3, 4)], [(3,), (3, 4)], [(2, 3), (3,)], [(3,), (3,)],
             [(2, 3), (3, 4), (4, 5)], [(5, 1), (1, 4), (4, 5)],
             [(2, 3), (3, 4), (4, 5), (5, 1)], [(3,), (3, 4), (4, 2), (2, 6), (6,)]]


@pytest.mark.parametrize("shapes", MULTI_DOT, ids=[str(len(s)) for s in MULTI_DOT])
def test_multi_dot_agrees_with_torch(shapes):
    """multi_dot takes one list: the tensors are wrapped into it on both sides."""
    tfn, gfn = torch.linalg.multi_dot, modules()["torch.linalg"].members["multi_dot"]
    arrays = _arrays(shapes, 2)
    tx = [torch.tensor(a, requires_grad=True) for a in arrays]
    gx = [Tensor(a.copy(), True) for a in arrays]
    tout, gout = tfn(tx), gfn(gx)
    np.testing.assert_allclose(gout.data, tout.detach().numpy(), rtol=1e-10)
    assert gout.grad_fn.name() == type(tout.grad_fn).__name__
    tout.sum().backward()
    run_backward([api.FUNCTIONS["sum"](gout)], [Tensor(np.ones(()))])
    for t, g in zip(tx, gx, strict=True):
        np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("shapes", [[(2, 3)], [(3, 3, 3), (3, 3)], [(3, 3), (3, 3, 3)],
                                    [(2, 3), (3, 3, 3), (3, 3)], [(3,), (2, 3)]])
def test_multi_dot_errors_match_torch(shapes):
    arrays = _arrays(shapes, 0)
    want = _outcome(torch.linalg.multi_dot, [[torch.tensor(a) for a in arrays]], {})
    got = _outcome(modules()["torch.linalg"].members["multi_dot"], [[Tensor(a) for a in arrays]],
                   {})
    assert want is not None and got == want


def test_cdist_mm_path_is_refused_clearly():
    """PyTorch computes p=2 with more than 25 rows by matmul (another graph): refused,
    never a different grad_fn."""
    from gradcli.engine.errors import UnsupportedError
    x = Tensor(np.zeros((30, 2)))
    with pytest.raises(UnsupportedError, match="compute_mode"):
        modules()["torch"].members["cdist"](x, x)


def _spd(shape, seed):
    m = np.random.default_rng(seed).standard_normal(shape)
    return m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])


@pytest.mark.parametrize("call,shape,nonsym", [
    ("torch.linalg.cholesky", (3, 3), False), ("torch.linalg.cholesky", (2, 4, 4), True),
    ("torch.linalg.eigvalsh", (3, 3), False), ("torch.linalg.eigvalsh", (2, 3, 3), True)])
def test_symmetric_decompositions_agree_with_torch(call, shape, nonsym):
    """Values, grad_fn and grads; a non-symmetric input reads the lower triangle, as in
    PyTorch (LAPACK)."""
    tfn, gfn = _resolve(call)
    a = _spd(shape, 5)
    if nonsym:
        a = a + np.triu(np.random.default_rng(6).standard_normal(shape), 1)
    ta, ga = torch.tensor(a, requires_grad=True), Tensor(a.copy(), True)
    touts, gouts = tfn(ta), gfn(ga)
    if isinstance(touts, torch.Tensor):
        touts, gouts = (touts,), (gouts,)
    total_t, total_g = 0, None
    for k, (t, g) in enumerate(zip(touts, gouts, strict=True)):
        np.testing.assert_allclose(g.data, t.detach().numpy(), rtol=1e-9, atol=1e-12)
        assert g.grad_fn.name() == type(t.grad_fn).__name__
        w = np.random.default_rng(10 + k).standard_normal(t.shape)
        total_t = total_t + (t * torch.tensor(w)).sum()
        term = api.FUNCTIONS["sum"](g * Tensor(w))
        total_g = term if total_g is None else total_g + term
    total_t.backward()
    run_backward([total_g], [Tensor(np.ones(()))])
    np.testing.assert_allclose(ga.grad.data, ta.grad.numpy(), rtol=1e-8, atol=1e-10)


def test_cholesky_not_positive_definite_matches_torch():
    a = np.array([[1.0, 2.0], [2.0, 1.0]])
    want = _outcome(torch.linalg.cholesky, [torch.tensor(a)], {})
    got = _outcome(modules()["torch.linalg"].members["cholesky"], [Tensor(a)], {})
    assert want is not None and got == want


@pytest.mark.parametrize("shape,mode", [((3, 3), "reduced"), ((4, 2), "reduced"),
                                        ((2, 4, 3), "reduced"), ((3, 3), "complete")])
def test_qr_agrees_with_torch(shape, mode):
    tfn, gfn = _resolve("torch.linalg.qr")
    (a,) = _arrays([shape], 7)
    ta, ga = torch.tensor(a, requires_grad=True), Tensor(a.copy(), True)
    (tq, tr), (gq, gr) = tfn(ta, mode=mode), gfn(ga, mode=mode)
    total_t, total_g = 0, None
    for k, (t, g) in enumerate(((tq, gq), (tr, gr))):
        np.testing.assert_allclose(g.data, t.detach().numpy(), rtol=1e-9, atol=1e-12)
        assert g.grad_fn.name() == type(t.grad_fn).__name__
        w = np.random.default_rng(20 + k).standard_normal(t.shape)
        total_t = total_t + (t * torch.tensor(w)).sum()
        term = api.FUNCTIONS["sum"](g * Tensor(w))
        total_g = term if total_g is None else total_g + term
    total_t.backward()
    run_backward([total_g], [Tensor(np.ones(()))])
    np.testing.assert_allclose(ga.grad.data, ta.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("shapes", [[(4, 3), (4, 2)], [(3, 3), (3,)], [(2, 5, 3), (2, 5, 1)],
                                    [(2, 3, 3), (2, 3)], [(2, 4), (2, 3)]])
def test_lstsq_agrees_with_torch(shapes):
    tfn, gfn = _resolve("torch.linalg.lstsq")
    arrays = _arrays(shapes, 11)
    tx = [torch.tensor(a, requires_grad=True) for a in arrays]
    gx = [Tensor(a.copy(), True) for a in arrays]
    tr, gr = tfn(*tx), gfn(*gx)
    np.testing.assert_allclose(gr.solution.data, tr.solution.detach().numpy(), rtol=1e-9)
    np.testing.assert_array_equal(gr.rank.data, tr.rank.numpy())
    assert gr.residuals.data.shape == tuple(tr.residuals.shape)
    assert gr.solution.grad_fn.name() == type(tr.solution.grad_fn).__name__
    assert gr.residuals.grad_fn.name() == type(tr.residuals.grad_fn).__name__
    w = np.random.default_rng(3).standard_normal(tr.solution.shape)
    tr.solution.backward(torch.tensor(w))
    run_backward([gr.solution], [Tensor(w)])
    for t, g in zip(tx, gx, strict=True):
        np.testing.assert_allclose(g.grad.data, t.grad.numpy(), rtol=1e-8, atol=1e-10)


# generated shapes: batch and matrix sizes (0 included), dtypes, and einsum equations
# drawn from a few label patterns
hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
_size = st.integers(0, 3)


@hypothesis.settings(max_examples=40, deadline=None)
@hypothesis.given(b=_size, m=_size, k=_size, n=_size,
                  dtype=st.sampled_from(["float64", "float32", "int64"]),
                  which=st.sampled_from(["bmm", "baddbmm", "tensordot", "kron", "inner",
                                         "einsum_bmm", "einsum_outer", "tril", "diag_embed"]))
def test_generated_shapes_agree_with_torch(b, m, k, n, dtype, which):
    calls = {
        "bmm": ("torch.bmm", [(b, m, k), (b, k, n)], {}, ()),
        "baddbmm": ("torch.baddbmm", [(1, n), (b, m, k), (b, k, n)], {}, ()),
        "tensordot": ("torch.tensordot", [(m, k, n), (k, n, b)], {"dims": 2}, ()),
        "kron": ("torch.kron", [(m, k), (n, b)], {}, ()),
        "inner": ("torch.inner", [(b, m, k), (n, k)], {}, ()),
        "einsum_bmm": ("torch.einsum", [(b, m, k), (b, k, n)], {}, ("bij,bjk->bik",)),
        "einsum_outer": ("torch.einsum", [(m, k), (n,)], {}, ("ij,k->kji",)),
        "tril": ("torch.tril", [(b, m, k)], {"diagonal": n - 1}, ()),
        "diag_embed": ("torch.diag_embed", [(b, m)], {"offset": k - 1}, ()),
    }
    call, shapes, kwargs, lead = calls[which]
    if dtype == "int64" and which == "baddbmm":
        return
    _compare(call, shapes, kwargs, getattr(torch, dtype), lead=lead)
