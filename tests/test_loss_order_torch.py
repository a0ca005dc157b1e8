"""Losses in torch's float32 order. binary_cross_entropy (Loss.cpp): the input grad (rule first,
`/ numel` last) bit for bit; the forward and the target grad (-logit(p) * grad) to 2 ulp."""

import numpy as np
import pytest
from gradcli.engine import api
from gradcli.engine.tensor import Tensor

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_bit_identical(reduction):
    rng = np.random.default_rng(11)
    for n in (1, 7, 200, 1000):
        p = rng.uniform(0.001, 0.999, n).astype(np.float32)
        t = rng.uniform(0, 1, n).astype(np.float32)
        tp, tt = torch.tensor(p, requires_grad=True), torch.tensor(t, requires_grad=True)
        want = torch.nn.functional.binary_cross_entropy(tp, tt, reduction=reduction)
        want.sum().backward()
        gp, gt = Tensor(p.copy(), True), Tensor(t.copy(), True)
        got = api.NN_FUNCTIONS["binary_cross_entropy"](gp, gt, reduction=reduction)
        api.METHODS["backward"](api.METHODS["sum"](got))
        # the forward calls glibc's scalar logf/log1pf, which are not always correctly
        # rounded (log1pf: 1 ulp off in ~7% of inputs here); gradcli rounds float64 results
        w = want.detach().numpy()
        assert np.all(np.abs(got.data.view(np.int32) - w.view(np.int32)) <= 2), (reduction, n)
        assert np.array_equal(gp.grad.data, tp.grad.numpy()), (reduction, n)
        # -logit(p) * grad: torch's vectorized log (SLEEF) and numpy's float32 log each
        # differ from the correctly rounded value by up to 1 ulp
        d = gt.grad.data.view(np.int32) - tt.grad.numpy().view(np.int32)
        assert np.all(np.abs(d) <= 2), (reduction, n)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_grads_bit_identical(reduction):
    """mse_loss_backward's kernel order: (2 / numel) * (self - target) * grad."""
    rng = np.random.default_rng(5)
    for n in (1, 3, 100, 1000):
        a, t = rng.standard_normal((2, n)).astype(np.float32)
        ta, tt = torch.tensor(a, requires_grad=True), torch.tensor(t, requires_grad=True)
        torch.nn.functional.mse_loss(ta, tt, reduction=reduction).sum().backward()
        ga, gt = Tensor(a.copy(), True), Tensor(t.copy(), True)
        got = api.NN_FUNCTIONS["mse_loss"](ga, gt, reduction=reduction)
        api.METHODS["backward"](api.METHODS["sum"](got))
        assert np.array_equal(ga.grad.data, ta.grad.numpy()), (reduction, n)
        assert np.array_equal(gt.grad.data, tt.grad.numpy()), (reduction, n)
