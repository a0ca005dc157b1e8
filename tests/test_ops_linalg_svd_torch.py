"""torch.linalg.svd, torch.svd and torch.linalg.eigh against PyTorch 2.13 (the oracle).

Singular vectors and eigenvectors are defined up to a sign per vector, which LAPACK builds
pick differently (numpy's OpenBLAS, PyTorch's MKL): values are compared after aligning each
vector's sign with PyTorch's, and the gradients of a loss whose weights are aligned the
same way must then be PyTorch's exactly (the backward formulas are sign-equivariant)."""

import numpy as np
import pytest
from gradcli.engine import api
from gradcli.engine.autograd import run_backward
from gradcli.engine.errors import GradcliError
from gradcli.engine.tensor import Tensor
from gradcli.parser.runtime import modules

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch
LINALG = modules()["torch.linalg"].members


def _signs(ours, theirs, axis):
    """+-1 per vector (columns: axis=-2 summed; rows: axis=-1 summed) aligning ours to theirs."""
    d = np.sign(np.sum(ours * theirs, axis=axis, keepdims=True))
    return np.where(d == 0, 1.0, d)


def _loss_pair(touts, gouts, weights):
    tl = sum((t * torch.tensor(w, dtype=t.dtype)).sum() for t, w in zip(touts, weights[0], strict=True))
    gl = None
    for g, w in zip(gouts, weights[1], strict=True):
        term = api.FUNCTIONS["sum"](g * Tensor(w.astype(g.data.dtype)))
        gl = term if gl is None else gl + term
    return tl, gl


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5), (2, 3, 3), (3, 4, 2), (1, 1)])
@pytest.mark.parametrize("full_matrices", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_linalg_svd_agrees_with_torch(shape, full_matrices, dtype):
    a = np.random.default_rng(sum(shape)).standard_normal(shape).astype(dtype)
    ta, ga = torch.tensor(a, requires_grad=True), Tensor(a.copy(), True)
    tu, ts, tvh = torch.linalg.svd(ta, full_matrices=full_matrices)
    r = LINALG["svd"](ga, full_matrices=full_matrices)
    gu, gs, gvh = r
    assert (r.U, r.S, r.Vh) == (gu, gs, gvh)
    k = min(shape[-2:])
    tol = 1e-4 if dtype == "float32" else 1e-10
    for t, g in ((tu, gu), (ts, gs), (tvh, gvh)):
        assert g.data.shape == tuple(t.shape) and g.data.dtype == t.detach().numpy().dtype
        assert g.grad_fn.name() == type(t.grad_fn).__name__ == "LinalgSvdBackward0"
    np.testing.assert_allclose(gs.data, ts.detach().numpy(), rtol=tol, atol=tol)
    du = _signs(gu.data[..., :k], tu.detach().numpy()[..., :k], -2)   # (..., 1, k)
    np.testing.assert_allclose(gu.data[..., :k] * du, tu.detach().numpy()[..., :k], atol=tol)
    np.testing.assert_allclose(gvh.data[..., :k, :] * np.swapaxes(du, -1, -2),
                               tvh.detach().numpy()[..., :k, :], atol=tol)
    rng = np.random.default_rng(1)
    wu, ws, wvh = (rng.standard_normal(t.shape) for t in (tu, ts, tvh))
    wu[..., k:] = 0  # PyTorch ignores the gradient of the extra columns / rows
    wvh[..., k:, :] = 0
    wu_g, wvh_g = wu.copy(), wvh.copy()
    wu_g[..., :k] *= du
    wvh_g[..., :k, :] *= np.swapaxes(du, -1, -2)
    tl, gl = _loss_pair((tu, ts, tvh), (gu, gs, gvh), ((wu, ws, wvh), (wu_g, ws, wvh_g)))
    tl.backward()
    run_backward([gl], [Tensor(np.ones((), gl.data.dtype))])
    np.testing.assert_allclose(ga.grad.data, ta.grad.numpy(), rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("shape,kwargs", [((3, 2), {}), ((2, 4), {"some": False}),
                                          ((2, 3, 3), {}), ((3, 2), {"compute_uv": False}),
                                          ((2, 4), {"some": False, "compute_uv": False})])
@pytest.mark.parametrize("method", [False, True])
def test_torch_svd_agrees_with_torch(shape, kwargs, method):
    a = np.random.default_rng(3).standard_normal(shape)
    ta, ga = torch.tensor(a, requires_grad=True), Tensor(a.copy(), True)
    touts = ta.svd(**kwargs) if method else torch.svd(ta, **kwargs)
    gouts = api.METHODS["svd"](ga, **kwargs) if method else api.FUNCTIONS["svd"](ga, **kwargs)
    assert repr(gouts).startswith("torch.return_types.svd(\nU=")
    for t, g in zip(touts, gouts, strict=True):
        assert g.data.shape == tuple(t.shape)
        want = None if t.grad_fn is None else type(t.grad_fn).__name__
        assert (None if g.grad_fn is None else g.grad_fn.name()) == want
    np.testing.assert_allclose(gouts.S.data, touts.S.detach().numpy(), rtol=1e-10)
    k = min(shape[-2:])
    if kwargs.get("compute_uv") is False:
        assert not gouts.U.data.any() and not gouts.V.data.any()
        w = np.random.default_rng(4).standard_normal(touts.S.shape)
        touts.S.backward(torch.tensor(w))
        run_backward([gouts.S], [Tensor(w)])
    else:
        du = _signs(gouts.U.data[..., :k], touts.U.detach().numpy()[..., :k], -2)
        np.testing.assert_allclose(gouts.V.data[..., :k] * du, touts.V.detach().numpy()[..., :k],
                                   atol=1e-10)
        rng = np.random.default_rng(5)
        wv = rng.standard_normal(touts.V.shape)
        wv[..., k:] = 0
        wv_g = wv.copy()
        wv_g[..., :k] *= du
        tl, gl = _loss_pair((touts.V,), (gouts.V,), ((wv,), (wv_g,)))
        tl.backward()
        run_backward([gl], [Tensor(np.ones(()))])
    np.testing.assert_allclose(ga.grad.data, ta.grad.numpy(), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("shape", [(3, 3), (1, 1), (2, 4, 4)])
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_linalg_eigh_agrees_with_torch(shape, uplo):
    """Only one triangle is read: the other is noise, as in PyTorch."""
    rng = np.random.default_rng(7)
    a = rng.standard_normal(shape)
    ta, ga = torch.tensor(a, requires_grad=True), Tensor(a.copy(), True)
    tl_, tv = torch.linalg.eigh(ta, UPLO=uplo)
    r = LINALG["eigh"](ga, UPLO=uplo)
    gl_, gv = r
    assert repr(r).startswith("torch.return_types.linalg_eigh(\neigenvalues=")
    assert (r.eigenvalues, r.eigenvectors) == (gl_, gv)
    for t, g in ((tl_, gl_), (tv, gv)):
        assert g.grad_fn.name() == type(t.grad_fn).__name__ == "LinalgEighBackward0"
    np.testing.assert_allclose(gl_.data, tl_.detach().numpy(), rtol=1e-10, atol=1e-12)
    d = _signs(gv.data, tv.detach().numpy(), -2)
    np.testing.assert_allclose(gv.data * d, tv.detach().numpy(), atol=1e-10)
    wl, wv = rng.standard_normal(tl_.shape), rng.standard_normal(tv.shape)
    tl, gl = _loss_pair((tl_, tv), (gl_, gv), ((wl, wv), (wl, wv * d)))
    tl.backward()
    run_backward([gl], [Tensor(np.ones(()))])
    np.testing.assert_allclose(ga.grad.data, ta.grad.numpy(), rtol=1e-9, atol=1e-10)
    ev = LINALG["eigvalsh"](Tensor(a.copy()), UPLO=uplo)
    np.testing.assert_allclose(ev.data, torch.linalg.eigvalsh(ta, UPLO=uplo).detach().numpy(),
                               rtol=1e-10, atol=1e-12)


def _outcome(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except GradcliError as e:
        return e.type_name, e.message
    except Exception as e:  # noqa: BLE001  (PyTorch's, compared with ours)
        return type(e).__name__, str(e)
    return None


@pytest.mark.parametrize("call,shape,kwargs", [
    ("svd", (3,), {}), ("svd", (2, 2), {"foo": 1}), ("eigh", (2, 3), {}), ("eigh", (3,), {}),
    ("eigh", (2, 2), {"UPLO": "X"}), ("svd", (2, 2), {"full_matrices": 1})])
def test_linalg_decomposition_errors_match_torch(call, shape, kwargs):
    a = np.ones(shape)
    want = _outcome(getattr(torch.linalg, call), torch.tensor(a), **kwargs)
    got = _outcome(LINALG[call], Tensor(a), **kwargs)
    assert want is not None and got == want


@pytest.mark.parametrize("shape,dtype", [((3,), "float64"), ((2, 2), "int64")])
def test_torch_svd_errors_match_torch(shape, dtype):
    a = np.ones(shape, dtype)
    want = _outcome(torch.svd, torch.tensor(a))
    got = _outcome(api.FUNCTIONS["svd"], Tensor(a))
    assert want is not None and got == want
