"""No accepted-but-ignored argument (issue 18's rule): an argument gradcli does not
implement raises PyTorch's TypeError or a clear error naming it, never a different result.

1. Rows with a signature (generated wrappers): every parameter of every overload is the
   input, `out`/`inplace` (refused by surface._call when set), or one of the row's
   `params` (passed to the forward). Anything else would be parsed and dropped.
2. Hand-written wrappers (api.FUNCTIONS / METHODS / NN_FUNCTIONS): every parameter with a
   default is called with another value; the result (value, shape, dtype, grad_fn) must
   change, or the call must raise. KNOWN lists the parameters that legitimately leave this
   probe's result unchanged, each with the reason.
Both checks are shown to fail on a planted ignored argument."""

import inspect

import numpy as np
import pytest
from gradcli.engine import api, dtypes
from gradcli.engine.errors import GradcliError
from gradcli.engine.ops import OPS
from gradcli.engine.ops.signature import Signature
from gradcli.engine.ops.table import Op
from gradcli.engine.tensor import Tensor

HANDLED = {"out", "inplace"}


def ignored_row_params(op) -> list:
    """Signature parameters of a generated row that reach neither the forward nor a
    refusal."""
    if op.signature is None or not op.generated:
        return []
    sigs = [op.signature] + ([op.nn_signature] if op.nn_signature else [])
    bad = []
    for sig in sigs:
        for ov in sig.overloads:
            for i, p in enumerate(ov.params):
                if i == 0 and p.kind == "Tensor":
                    continue
                if p.name not in HANDLED and p.name not in op.params:
                    bad.append(f"{op.name}: {sig.name}({p.name})")
    return bad


def test_rows_use_every_signature_argument():
    bad = [b for op in OPS.values() for b in ignored_row_params(op)]
    assert not bad, bad


def test_row_check_fails_on_a_planted_ignored_argument():
    planted = Op("planted", "PlantedBackward0", lambda a: a, lambda g, o, a: g,
                 signature=Signature("planted", "(Tensor input, float alpha = 1.0)"))
    assert ignored_row_params(planted) == ["planted: planted(alpha)"]


# ---- hand-written wrappers, probed
def _inputs():
    x = Tensor(np.array([[0.5, 1.25, 2.0], [0.75, 1.5, 3.0]]), True)
    y = Tensor(np.array([[1.5, 0.25, 1.0], [2.0, 0.5, 1.75]]), True)
    return x, y


PREFIXES = (lambda x, y: (x,), lambda x, y: (x, y), lambda x, y: (x, 1),
            lambda x, y: (x, y, y), lambda x, y: (x, 0), lambda x, y: (x, 1, 1))


def _alternatives(default):
    if default is None:  # dim=None, dtype=None, min=None, ...: each kind of value
        return [dtypes.TORCH_DTYPES["float32"], 0, 1.5, 1, -1]
    if isinstance(default, bool):
        return [not default]
    if isinstance(default, int):
        return [default + 1, 0]
    if isinstance(default, float):
        return [default * 2 + 0.5]
    if isinstance(default, str):
        return ["__not_a_mode__"]
    return []


def _fingerprint(out):
    if isinstance(out, Tensor):
        name = out.grad_fn.name() if out.grad_fn is not None else None
        return ("T", out.data.shape, str(out.data.dtype), out.data.tobytes(), name,
                out.requires_grad)
    if isinstance(out, (tuple, list)):
        return tuple(_fingerprint(o) for o in out)
    return repr(out)


def _call(fn, args, kwargs):
    api.FUNCTIONS["manual_seed"](0)  # random functions: every call draws the same numbers
    try:
        return _fingerprint(fn(*args, **kwargs)), None
    except (GradcliError, TypeError, ValueError, RuntimeError, IndexError) as e:
        return None, e


def ignored_wrapper_params(name, fn) -> list:
    """Parameters of a hand-written wrapper whose non-default value changes nothing."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return []
    probed = [p for p in params.values() if p.default is not inspect.Parameter.empty
              and _alternatives(p.default)]
    if not probed:
        return []
    for prefix in PREFIXES:
        args = prefix(*_inputs())
        base, err = _call(fn, args, {})
        if err is None:
            break
    else:
        return []  # no probe input fits this wrapper: nothing to compare against
    bad = []
    for p in probed:
        if p.name in HANDLED:
            continue
        changed = False
        for alt in _alternatives(p.default):
            got, err = _call(fn, prefix(*_inputs()), {p.name: alt})
            if err is not None or got != base:
                changed = True
                break
        if not changed:
            bad.append(f"{name}({p.name})")
    return bad


# (wrapper, parameter): why the probe's result legitimately does not change
KNOWN = {
    # helper E's wrappers (wave 5): the probe's inputs cannot show these; each is compared
    # with PyTorch in tests/test_differential_programs_torch.py and the *_torch tests
    "Tensor.type(non_blocking)": "a no-op on the CPU in PyTorch too",
    "torch.all(keepdim)": "keepdim without dim changes nothing, in PyTorch too",
    "torch.any(keepdim)": "keepdim without dim changes nothing, in PyTorch too",
    "torch.allclose(rtol)": "the probe compares a tensor with itself: close at any rtol",
    "torch.allclose(atol)": "the probe compares a tensor with itself: close at any atol",
    "torch.allclose(equal_nan)": "the probe's input has no NaN",
    "torch.isclose(rtol)": "the probe compares a tensor with itself: close at any rtol",
    "torch.isclose(atol)": "the probe compares a tensor with itself: close at any atol",
    "torch.isclose(equal_nan)": "the probe's input has no NaN",
    "torch.argsort(stable)": "the probe's input has no ties (sort's order is stable in both)",
    "Tensor.backward(create_graph)": "returns None; the grads' graph is checked by "
                                     "tests/test_ops_vjp.py's second-order test",
    "Tensor.backward(retain_graph)": "returns None; a second backward's error is tested "
                                     "elsewhere",
    "Tensor.backward(inputs)": "returns None; which leaves accumulate is tested elsewhere",
    "torch.autograd.backward(create_graph)": "as Tensor.backward",
    "torch.autograd.backward(retain_graph)": "as Tensor.backward",
    "torch.autograd.backward(inputs)": "as Tensor.backward",
    "torch.Variable(volatile)": "ignored by PyTorch too (a deprecation warning)",
    "torch.log_softmax(_stacklevel)": "only where PyTorch's warning points",
    "torch.softmax(_stacklevel)": "only where PyTorch's warning points",
    "Tensor.contiguous(memory_format)": "strides only: values, shape, dtype as PyTorch's",
    "torch.clone(memory_format)": "strides only: values, shape, dtype as PyTorch's",
    "torch.randint_like(memory_format)": "strides only: values, shape, dtype as PyTorch's",
    "torch.rand_like(memory_format)": "strides only: values, shape, dtype as PyTorch's",
    "torch.randn_like(memory_format)": "strides only: values, shape, dtype as PyTorch's",
    "torch.multinomial(replacement)": "num_samples=1: PyTorch draws one sample the same way "
                                      "with or without replacement (the exponential trick)",
    # the probe's input (all positive, pooled with kernel_size=1) cannot show these; each is
    # compared with PyTorch on inputs that do in tests/test_ignored_arguments_torch.py
    "F.elu(alpha)": "scales the negative part only; the probe's input is positive",
    "F.hardtanh(min_val)": "the probe's input lies above any min_val tried",
    "F.avg_pool1d(ceil_mode)": "kernel_size=1: no partial window to keep",
    "F.avg_pool1d(count_include_pad)": "kernel_size=1 and padding=0: no padded element",
    "F.max_pool1d(ceil_mode)": "kernel_size=1: no partial window to keep",
    "F.max_pool1d(dilation)": "kernel_size=1: one element per window at any dilation",
    "torch.topk(sorted)": "k=1: one element is sorted either way; sorted=False with k > 1 "
                          "(std::nth_element's order) raises NotImplementedError naming it",
    # issue 18's F layers: the probe's inputs are positive with norms far above eps
    # (tests/test_nn_layers_more.py checks these arguments against torch)
    "F.rrelu(lower)": "slopes apply to negative inputs only",
    "F.rrelu(upper)": "slopes apply to negative inputs only",
    "F.rrelu(training)": "random slopes apply to negative inputs only",
    "F.normalize(eps)": "clamps norms below eps only",
    # issue 18's losses (tests/test_nn_losses_more_torch.py checks these against torch)
    "F.poisson_nll_loss(eps)": "used only with log_input=False; the probe keeps the default",
    "F.triplet_margin_loss(p)": "the probe passes one tensor as positive and negative: "
                                "both distances are equal at any p",
    "F.triplet_margin_loss(eps)": "the probe passes one tensor as positive and negative: "
                                  "both distances are equal at any eps",
    "torch.cosine_similarity(eps)": "clamps norms below eps only",
}
def _wrappers():
    seen = {}
    for table, prefix in ((api.FUNCTIONS, "torch."), (api.METHODS, "Tensor."),
                          (api.NN_FUNCTIONS, "F.")):
        for n, fn in table.items():
            if id(fn) not in seen:
                seen[id(fn)] = (prefix + n, fn)
    return sorted(seen.values(), key=lambda t: t[0])


def test_hand_written_wrappers_use_every_argument():
    bad = [b for name, fn in _wrappers() for b in ignored_wrapper_params(name, fn)
           if b not in KNOWN]
    assert not bad, bad


def test_wrapper_check_fails_on_a_planted_ignored_argument():
    add = api.FUNCTIONS["add"]

    def planted(input, other, alpha=1, scale=1.0):  # `scale` accepted, never used
        return add(input, other, alpha=alpha)

    assert ignored_wrapper_params("planted", planted) == ["planted(scale)"]


@pytest.mark.parametrize("entry", sorted(KNOWN))
def test_known_entries_still_exist(entry):
    names = {b for name, fn in _wrappers() for b in ignored_wrapper_params(name, fn)}
    assert entry in names, f"{entry} is no longer ignored by the probe: drop it from KNOWN"
