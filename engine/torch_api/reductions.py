"""Wrappers of reductions (all elements or along dims: which row, hence which grad_fn),
softmaxes and the losses of torch.nn.functional."""


import numpy as np

from .. import dtypes
from ..apply import apply
from ..errors import UnsupportedError, index_error, runtime, value_error
from ..ops import OPS
from ..ops.signature import Signature
from ..tensor import Tensor
from .args import _SCALAR_TYPE, ReturnTypes, Size, _dim, _reduce_dims, _scalar_type, _tensor
from .arithmetic import maximum, minimum, sub
from .loss_args import legacy_reduction
from .reduce_dims import _reduction_dims
from .registry import FUNCTIONS, METHODS, torch_fn


# ---------------------------------------------------------------- reductions
def _reduction(all_op, dim_op, fname):
    def fn(input, dim=None, keepdim=False, dtype=None):
        t = _tensor(input, fname)
        if dtype is not None:
            t = METHODS["to"](t, dtype)  # shapes.py's, registered after this file
        if dim is None:
            if keepdim:
                return FUNCTIONS["reshape"](apply(OPS[all_op], (t,)), *((1,) * t.data.ndim))
            return apply(OPS[all_op], (t,))
        return apply(OPS[dim_op], (t,), {"dims": _reduction_dims(dim, t.data.ndim),
                                         "keepdim": keepdim})
    return fn


def _parsed(core, row: str):
    """torch.X and Tensor.X of a reduction, their arguments parsed by the row's signature
    (PyTorch's TypeErrors); a call with no argument but the tensor skips the parser."""
    sig = OPS[row].signature
    msig = sig.method()

    def fn(*args, **kwargs):
        if len(args) == 1 and not kwargs and type(args[0]) is Tensor:
            return core(args[0])
        b = sig.bind(args, kwargs)[1]
        if b.get("out") is not None:
            raise UnsupportedError(f"{row}(): the out= argument is not supported by gradcli")
        return core(b["input"], b.get("dim"), b.get("keepdim", False), b["dtype"])

    def method(self, *args, **kwargs):
        if not args and not kwargs:
            return core(self)
        b = msig.bind(args, kwargs)[1]
        return core(self, b.get("dim"), b.get("keepdim", False), b["dtype"])
    return fn, method


FUNCTIONS["sum"], METHODS["sum"] = _parsed(_reduction("sum", "sum_dim", "sum"), "sum")
_mean = _reduction("mean", "mean_dim", "mean")


def _mean_core(input, dim=None, keepdim=False, dtype=None):
    t = _tensor(input, "mean")
    if t.data.dtype.kind != "f" and dtype is None:
        raise runtime(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                      f"point or complex dtype. Got: {_SCALAR_TYPE.get(t.data.dtype.name, 'Long')}")
    return _mean(t, dim, keepdim, dtype)


FUNCTIONS["mean"], METHODS["mean"] = _parsed(_mean_core, "mean")


_UNSET = object()  # keepdim not given: with no dim, PyTorch's overloads take no keepdim
_PROD = Signature("prod", "(Tensor input, *, torch.dtype dtype = None)",
                  "(Tensor input, int dim, bool keepdim = False, *, torch.dtype dtype = None, "
                  "Tensor out = None)")
_MAX_MIN = {n: Signature(n, "(Tensor input, *, Tensor out = None)",
                         "(Tensor input, Tensor other, *, Tensor out = None)",
                         "(Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out "
                         "= None)") for n in ("max", "min")}


def _refuse_keepdim(sig, t, keepdim, method):
    """keepdim without dim: no overload takes it (PyTorch's TypeError, from the signature)."""
    if method:
        sig.method().bind((), {"keepdim": keepdim})
    sig.bind((t,), {"keepdim": keepdim})


def _prod(method):
    def prod(input, dim=None, keepdim=_UNSET, dtype=None):
        t = _tensor(input, "prod")
        if dim is None:
            if keepdim is not _UNSET:
                _refuse_keepdim(_PROD, t, keepdim, method)
            if dtype is not None and dtypes.as_dtype(dtype) != t.data.dtype:
                return apply(OPS["prod"], (t,), {"dtype": dtypes.as_dtype(dtype)})
            return apply(OPS["prod"], (t,))
        params = {"dim": _dim(dim, t.data.ndim), "keepdim": bool(keepdim is not _UNSET and keepdim)}
        if dtype is not None:
            params["dtype"] = dtypes.as_dtype(dtype)
        return apply(OPS["prod_dim"], (t,), params)
    return prod


FUNCTIONS["prod"], METHODS["prod"] = _prod(False), _prod(True)


def _extreme(name, method=False):
    largest = name == "max"

    def fn(input, dim=None, keepdim=_UNSET):
        t = _tensor(input, name)
        if isinstance(dim, Tensor):
            return (maximum if largest else minimum)(t, dim)
        if dim is None and keepdim is not _UNSET:
            _refuse_keepdim(_MAX_MIN[name], t, keepdim, method)
        keepdim = keepdim is not _UNSET and keepdim
        if dim is None:
            if t.data.size == 0:
                raise runtime(f"{name}(): Expected reduction dim to be specified for input.numel() "
                              f"== 0. Specify the reduction dim with the 'dim' argument.")
            return apply(OPS[name], (t,))
        d = _dim(dim, t.data.ndim)
        values = apply(OPS[name + "_dim"], (t,), {"dim": d, "keepdim": keepdim})
        if t.data.ndim == 0:
            return ReturnTypes(name, values, Tensor(np.zeros((), dtypes.INT64)))
        idx = (np.argmax if largest else np.argmin)(t.data, axis=d)
        if keepdim:
            idx = np.expand_dims(idx, d)
        return ReturnTypes(name, values, Tensor(np.asarray(idx, dtype=dtypes.INT64)))
    return fn


FUNCTIONS["max"], METHODS["max"] = _extreme("max"), _extreme("max", method=True)
FUNCTIONS["min"], METHODS["min"] = _extreme("min"), _extreme("min", method=True)


def _amax(name):
    """torch.amax / amin: over a tuple of dims (empty: every dim), ties share the gradient."""
    sig = OPS[name].signature
    msig = sig.method()

    def core(b):
        t, dim = b["input"], b["dim"]
        if b.get("out") is not None:
            raise UnsupportedError(f"{name}(): the out= argument is not supported by gradcli")
        dims = _reduction_dims(dim, t.data.ndim)
        if t.data.size == 0:
            if dims is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
                raise runtime(f"{name}(): Expected reduction dim to be specified for "
                              f"input.numel() == 0. Specify the reduction dim with the 'dim' "
                              f"argument.")
            given = dim if isinstance(dim, (tuple, list)) else (dim,)
            for d, shown in zip(dims, sorted(given, key=lambda v: v % t.data.ndim), strict=False):
                if t.data.shape[d] == 0:  # torch prints the dim as given (-1)
                    raise index_error(f"{name}(): Expected reduction dim {shown} to have "
                                      f"non-zero size.")
        return apply(OPS[name], (t,), {"dims": dims, "keepdim": b["keepdim"]})

    def fn(*args, **kwargs):
        return core(sig.bind(args, kwargs)[1])

    def method(self, *args, **kwargs):
        return core({"input": self, **msig.bind(args, kwargs)[1]})
    return fn, method


FUNCTIONS["amax"], METHODS["amax"] = _amax("amax")
FUNCTIONS["amin"], METHODS["amin"] = _amax("amin")


def _nansum(input, dim=None, keepdim=False, dtype=None):
    t = _tensor(input, "nansum")
    dims = None if dim is None else _reduction_dims(dim, t.data.ndim)
    if dims is None and keepdim and t.data.ndim:
        dims = tuple(range(t.data.ndim))
    params = {"dims": dims, "keepdim": bool(keepdim)}
    if dtype is not None and dtypes.as_dtype(dtype) != t.data.dtype:
        params["dtype"] = dtypes.as_dtype(dtype)  # cast inside the op, as torch
    return apply(OPS["nansum"], (t,), params)


def _arg(name):
    def fn(input, dim=None, keepdim=False):
        t = _tensor(input, name)
        if t.data.dtype.kind == "b":
            raise runtime(f"{name}(): does not support bool input")
        f = np.argmax if name == "argmax" else np.argmin
        if dim is None:  # (keepdim keeps every dim, as size 1)
            r = np.asarray(f(t.data), dtype=dtypes.INT64)
            return Tensor(r.reshape((1,) * t.data.ndim) if keepdim else r)
        d = _dim(dim, t.data.ndim)
        if t.data.ndim == 0:
            return Tensor(np.zeros((), dtypes.INT64))
        r = f(t.data, axis=d)
        return Tensor(np.asarray(np.expand_dims(r, d) if keepdim else r, dtype=dtypes.INT64))
    return fn


FUNCTIONS["argmax"] = METHODS["argmax"] = _arg("argmax")
FUNCTIONS["argmin"] = METHODS["argmin"] = _arg("argmin")


# torch.norm / Tensor.norm: engine/torch_api/linalg_norms.py (with torch.linalg's norms)


def sum_(t):
    return apply(OPS["sum"], (t,))


def abs_(t):
    return apply(OPS["abs"], (t,))


def _var_std(name):
    def fn(input, dim=None, unbiased=True, keepdim=False, correction=None):
        t = _tensor(input, name)
        if t.data.dtype.kind not in "fc":
            raise runtime("std and var only support floating point and complex dtypes")
        if isinstance(dim, bool):  # var(unbiased) positional form
            dim, unbiased = None, dim
        corr = correction if correction is not None else (1 if unbiased else 0)
        dims = None if dim is None else _reduce_dims(dim, t.data.ndim)
        return apply(OPS[name], (t,), {"dims": dims, "correction": corr, "keepdim": keepdim})
    return fn


FUNCTIONS["var"] = METHODS["var"] = _var_std("var")
FUNCTIONS["std"] = METHODS["std"] = _var_std("std")


def _stat_mean(name):
    """torch.var_mean / std_mean: (var or std, mean), each PyTorch's VarMeanBackward0 /
    StdMeanBackward0 (two nodes here where PyTorch has one with two outputs)."""
    first = name.split("_")[0]

    def fn(input, dim=None, unbiased=True, keepdim=False, correction=None):
        t = _tensor(input, name)
        if t.data.dtype.kind != "f":
            raise runtime(f"{name} only support floating point and complex dtypes")
        if isinstance(dim, bool):  # var_mean(input, unbiased) positional form
            dim, unbiased = None, dim
        corr = correction if correction is not None else (1 if unbiased else 0)
        dims = None if dim is None else _reduction_dims(dim, t.data.ndim)
        params = {"dims": dims, "correction": corr, "keepdim": bool(keepdim)}
        return (apply(OPS[f"{name}_{first}"], (t,), params),
                apply(OPS[f"{name}_mean"], (t,), params))
    return fn


FUNCTIONS["var_mean"] = _stat_mean("var_mean")
FUNCTIONS["std_mean"] = _stat_mean("std_mean")


@torch_fn("logsumexp", method="logsumexp")
def logsumexp(input, dim, keepdim=False):
    t = _tensor(input, "logsumexp")
    return apply(OPS["logsumexp"], (t,), {"dims": _reduce_dims(dim, t.data.ndim),
                                          "keepdim": keepdim})


@torch_fn("cumsum", method="cumsum")
def cumsum(input, dim, dtype=None):
    t = _tensor(input, "cumsum")
    if t.data.dtype.kind in "biu":  # torch accumulates integers and bools as int64
        t = Tensor(t.data.astype(np.int64))
    d = _dim(dim, t.data.ndim)
    if dtype is not None and dtypes.as_dtype(dtype) != t.data.dtype:
        # torch casts inside the op (CumsumBackward0, no ToCopyBackward0 node)
        return apply(OPS["cumsum"], (t,), {"dim": d, "dtype": dtypes.as_dtype(dtype)})
    return apply(OPS["cumsum"], (t,), {"dim": d})


def _softmax(name):
    def fn(input, dim=None, dtype=None, _stacklevel=3):
        t = _tensor(input, name)
        if dtype is not None:  # torch casts the input first (a ToCopyBackward0 node)
            t = METHODS["to"](t, dtype)
        if dim is None:
            dim = 0 if t.data.ndim in (0, 1, 3) else 1
        d = _dim(dim, t.data.ndim)
        if t.data.dtype.kind != "f":  # ATen's kernels have float loops only
            kind = "lastdim_kernel_impl" if t.data.ndim <= 1 or d == t.data.ndim - 1 else "kernel_impl"
            raise NotImplementedError(f'"{name}_{kind}" not implemented for '
                                      f"'{_scalar_type(t.data.dtype)}'")
        return apply(OPS[name], (t,), {"dim": _dim(dim, t.data.ndim) if t.data.ndim else None})
    return fn


FUNCTIONS["nansum"], METHODS["nansum"] = _parsed(_nansum, "nansum")
FUNCTIONS["softmax"] = METHODS["softmax"] = _softmax("softmax")
FUNCTIONS["log_softmax"] = METHODS["log_softmax"] = _softmax("log_softmax")


# ---------------------------------------------------------------- losses (torch.nn.functional)
def _reduction_arg(reduction):
    if reduction not in ("mean", "sum", "none"):
        raise value_error(f"{reduction} is not a valid value for reduction")
    return reduction


@torch_fn("mse_loss")
def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    a, t = _tensor(input, "mse_loss"), _tensor(target, "mse_loss", "target", 2)
    reduction = legacy_reduction(size_average, reduce, reduction)
    return apply(OPS["mse_loss"], (a, t), {"reduction": _reduction_arg(reduction)})


@torch_fn("l1_loss", nn=True)
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    # PyTorch composes it too: its result's grad_fn is MeanBackward0 / SumBackward0.
    d = abs_(sub(_tensor(input, "l1_loss"), _tensor(target, "l1_loss", "target", 2)))
    reduction = legacy_reduction(size_average, reduce, reduction)
    r = _reduction_arg(reduction)
    return d if r == "none" else (apply(OPS["mean"], (d,)) if r == "mean" else sum_(d))


@torch_fn("binary_cross_entropy")
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    p, t = _tensor(input, "binary_cross_entropy"), _tensor(target, "binary_cross_entropy",
                                                           "target", 2)
    reduction = legacy_reduction(size_average, reduce, reduction)
    if weight is not None:  # never dropped: PyTorch scales each element's loss by it
        raise NotImplementedError("gradcli: binary_cross_entropy's weight")
    if p.data.shape != t.data.shape:
        raise value_error(f"Using a target size ({Size(t.data.shape)}) that is different to the "
                          f"input size ({Size(p.data.shape)}) is deprecated. Please ensure they "
                          f"have the same size.")
    if p.data.dtype != t.data.dtype:  # the kernel does not promote
        raise runtime(f"Found dtype {_scalar_type(t.data.dtype)} but expected "
                      f"{_scalar_type(p.data.dtype)}")
    if ((p.data < 0) | (p.data > 1)).any():
        raise runtime("all elements of input should be between 0 and 1")
    return apply(OPS["binary_cross_entropy"], (p, t), {"reduction": _reduction_arg(reduction)})


@torch_fn("nll_loss")
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    logp, tgt = _tensor(input, "nll_loss"), _tensor(target, "nll_loss", "target", 2)
    reduction = legacy_reduction(size_average, reduce, reduction)
    if tgt.data.dtype.kind not in "iu":
        raise runtime(f"expected scalar type Long but found {_scalar_type(tgt.data.dtype)}")
    n_classes = logp.data.shape[-1] if logp.data.ndim else 0
    if logp.data.ndim not in (1, 2) or tgt.data.ndim != logp.data.ndim - 1 or (
            logp.data.ndim == 2 and tgt.data.shape[0] != logp.data.shape[0]):
        raise value_error(f"Expected input batch_size ({logp.data.shape[0] if logp.data.ndim else 0}) "
                          f"to match target batch_size ({tgt.data.shape[0] if tgt.data.ndim else 0}).")
    bad = (tgt.data != ignore_index) & ((tgt.data < 0) | (tgt.data >= n_classes))
    if bad.any():
        raise index_error(f"Target {int(tgt.data[bad].flat[0])} is out of bounds.")
    return apply(OPS["nll_loss"], (logp,), {"target": tgt.data, "reduction":
                                             _reduction_arg(reduction), "ignore_index": ignore_index})


@torch_fn("cross_entropy", nn=True)
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    x = _tensor(input, "cross_entropy")
    reduction = legacy_reduction(size_average, reduce, reduction)
    logp = FUNCTIONS["log_softmax"](x, 1 if x.data.ndim >= 2 else 0)
    return nll_loss(logp, target, ignore_index=ignore_index, reduction=reduction)


# sort, topk, kthvalue, median, cummax, ...: their own file, registered with these
from . import reductions_more, reductions_quantile, reductions_select  # noqa: E402,F401,I001
