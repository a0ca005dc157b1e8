"""torch.autograd.forward_ad: dual tensors (make_dual, unpack_dual, dual_level).

A tangent rides along with its primal while a dual level is open: every op applied
(engine/apply.py calls `propagate`) whose inputs carry tangents gets the output's tangent
J t. The JVP rules are derived from the op table's VJP rules, not written per row: a VJP
u -> J^T u is linear in u, so J t is the gradient with respect to u of (J^T u) . t, which
reverse mode computes by running the row's VJP on Tensors (as create_graph does) and
differentiating it once more. Every op with a VJP (and a differentiable one) has a JVP.

Kept to what is checked against PyTorch: one level (PyTorch's own limit, with its errors
for nesting and for entering/exiting/`level=` out of order), primals that
do not require grad (mixing forward and reverse mode is refused), and tangents dropped
when the level closes, as PyTorch drops them. In-place ops on a dual tensor are refused
moving the result's tangent to the updated tensor (engine/torch_api/indexing.py's inplace
calls `move_tangent`); views of it keep theirs."""

import weakref
from collections import namedtuple

import numpy as np

from . import apply as A
from . import autograd, grad_mode
from .errors import runtime
from .ops.table import Op
from .tensor import TANGENT, Tensor

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])

# id(tensor) -> (weak reference to it, its tangent) while the level is open
_TANGENTS: dict = {}
_LEVEL = [None]  # the open level's number (PyTorch counts from 0)


def tangent_of(t: Tensor):
    entry = _TANGENTS.get(id(t))
    if entry is None or entry[0]() is not t:
        return None
    return entry[1]


def _set_tangent(t: Tensor, tangent: Tensor) -> None:
    key = id(t)

    def drop(_ref, key=key):
        _TANGENTS.pop(key, None)
    _TANGENTS[key] = (weakref.ref(t, drop), tangent)


def move_tangent(t: Tensor, result: Tensor) -> None:
    """An in-place op gave t the values of `result`: t takes result's tangent too."""
    tangent = tangent_of(result)
    if tangent is not None:
        _set_tangent(t, tangent)
    elif tangent_of(t) is not None:
        _TANGENTS.pop(id(t), None)


def _size(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


# ---------------------------------------------------------------- the public API
# PyTorch keeps two counts: torch/autograd/forward_ad.py's `_current_level` (-1: none) and
# the C++ list of levels (at most one: "Nested forward mode AD is not supported at the
# moment"). Both are mirrored, so enter/exit with or without `level=` raise as PyTorch
# does (torch.func.jvp enters this same level, as PyTorch's does).
_CURRENT = [-1]

NESTED = "Nested forward mode AD is not supported at the moment"
NOT_LAST = ("Trying to exit a forward AD level that was not the last one that was created. "
            "This is not supported.")
NO_LEVEL = ("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
            "enter_dual_level() first.")
NO_INDEX = ("Trying to access a forward AD level with an invalid index. This index was either "
            "not created or is already deleted.")


class dual_level:
    """Context manager (and decorator, as PyTorch's _DecoratorContextManager): the level
    dual tensors live in; leaving it drops every tangent."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()
        return False

    def __call__(self, func):
        import functools

        @functools.wraps(func)
        def run(*args, **kwargs):
            with dual_level():
                return func(*args, **kwargs)
        return run


def enter_dual_level():
    if _LEVEL[0] is not None:
        raise runtime(NESTED)
    _LEVEL[0] = _CURRENT[0] = 0
    A.FORWARD_AD[0] = propagate
    TANGENT[0] = tangent_of
    return 0


def exit_dual_level(*, level=None):
    if level is None:
        level = _CURRENT[0]
    if level != _CURRENT[0]:
        raise runtime(NOT_LAST)
    if level < 0:
        raise runtime("Dual level must be a positive number.")
    _LEVEL[0] = None
    A.FORWARD_AD[0] = None
    TANGENT[0] = None
    _TANGENTS.clear()
    _CURRENT[0] = level - 1


def make_dual(tensor, tangent, *, level=None):
    if level is None:
        level = _CURRENT[0]
    if level < 0:
        raise runtime(NO_LEVEL)
    for t in (tensor, tangent):  # PyTorch calls t.is_floating_point() first
        if not isinstance(t, Tensor):
            raise AttributeError(f"'{type(t).__name__}' object has no attribute "
                                 f"'is_floating_point'")
    if tensor.data.dtype.kind not in "fc":
        raise ValueError(f"Expected primal to be floating point or complex, but got: "
                         f"{_dtype(tensor)}")
    if tangent.data.dtype.kind not in "fc":
        raise ValueError(f"Expected tangent to be floating point or complex, but got: "
                         f"{_dtype(tangent)}")
    if level != 0:
        raise runtime("Invalid level given to _make_dual")
    if tangent_of(tensor) is not None:
        raise runtime("Making a dual Tensor based on a Tensor that already has a forward "
                      "gradient at the same level 0 is not supported.")
    if tangent_of(tangent) is not None:
        raise runtime("Setting a forward grad that itself has a forward gradient at the same "
                      "level0 is not supported.")
    if tangent.data.shape != tensor.data.shape:
        raise runtime(f"Trying to set a forward gradient that has a different size than that "
                      f"of the original Tensor, this is not supported. Tensor is of size "
                      f"{_size(tensor.data.shape)} while the given forward gradient is of size "
                      f"{_size(tangent.data.shape)}.")
    if _LEVEL[0] is None:
        raise runtime(NO_INDEX)
    if tensor.requires_grad or tangent.requires_grad:
        raise NotImplementedError("gradcli: forward AD on tensors that require grad (mixing "
                                  "forward and reverse mode) is not supported")
    dual = Tensor(tensor.data)  # a view of the primal: same memory, a new tensor
    tangent_data = tangent.data if tangent.data.dtype == tensor.data.dtype else \
        tangent.data.astype(tensor.data.dtype)
    _set_tangent(dual, Tensor(tangent_data))
    return dual


def unpack_dual(tensor, *, level=None):
    if level is None:
        level = _CURRENT[0]
    if level < 0:
        return UnpackedDualTensor(tensor, None)
    if not isinstance(tensor, Tensor):
        raise TypeError(f"_unpack_dual(): argument 'dual' (position 1) must be Tensor, not "
                        f"{type(tensor).__name__}")
    tangent = tangent_of(tensor) if _LEVEL[0] is not None else None
    if tangent is not None and level != 0:
        raise runtime("Invalid level given to _fw_primal")
    if tangent is None:  # PyTorch's primal is a view of the tensor even without a tangent
        return UnpackedDualTensor(_primal_view(tensor), None)
    primal = Tensor(tensor.data, tensor.requires_grad, tensor.grad_fn)
    return UnpackedDualTensor(primal, tangent)


def _identity_vjp(g, out, x):
    return g


# _fw_primal's grad_fn: PyTorch names it `Identity` (a hand-written node, no number)
_FW_PRIMAL = Op(name="fw_primal", grad_fn="Identity", forward=None, vjps=(_identity_vjp,),
                saves=False)


def _primal_view(t: Tensor) -> Tensor:
    from . import versions as V
    from .tensor import Node

    out = Tensor(t.data)
    if t.requires_grad:
        out.requires_grad = True
        out.grad_fn = Node(_FW_PRIMAL, (t,), {})
    base = t._base if t._base is not None else t
    out._base = base
    out._version = V.counter(base)
    out._view_version = out._version[0]
    return out


def _dtype(t) -> str:
    from . import dtypes

    return str(dtypes.dtype_object(t.data.dtype))


# ---------------------------------------------------------------- propagation
def propagate(plain, op, args, params):
    """apply() while a level is open: the op, then its output's tangent."""
    out = plain(op, args, params)
    tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
    if not any(t is not None for t in tangents):
        return out
    if not isinstance(out, Tensor) or out.data.dtype.kind not in "fc":
        return out
    if not op.differentiable:
        raise NotImplementedError(f"gradcli: forward AD through {op.name} is not supported")
    A.FORWARD_AD[0] = None  # the JVP's own ops carry no tangents
    try:
        tangent = _linear_jvp(plain, op, args, params, tangents)
        if tangent is None:
            tangent = _elementwise_jvp(op, args, params or {}, out, tangents)
        if tangent is None:
            tangent = _jvp(op, args, params or {}, out, tangents)
    except NotImplementedError as e:
        raise NotImplementedError(f"gradcli: forward AD through {op.name} is not supported "
                                  f"({e})") from None
    finally:
        A.FORWARD_AD[0] = propagate
    _set_tangent(out, tangent)
    return out


# ops linear in their tensor input(s): PyTorch's JVP is the op itself applied to the
# tangent (mean's is mean(t), not a dot product with 1/n), so the values match bit for bit
LINEAR = frozenset({
    "alias", "as_strided", "clone", "copy", "cumsum", "diag_embed", "diagonal", "diagonal_copy",
    "expand", "flip", "index", "mT", "mean", "mean_dim", "neg", "permute", "repeat", "reshape",
    "roll", "rot90", "select", "slice", "squeeze", "squeeze_dim", "squeeze_dims", "sum",
    "sum_dim", "sum_to", "t", "trace", "transpose", "tril", "triu", "unfold", "unsafe_view",
    "unsqueeze", "to_dtype", "cat", "stack"})


def _linear_jvp(plain, op, args, params, tangents):
    if op.name not in LINEAR:
        return None
    if op.variadic:
        targs = [t if t is not None else Tensor(np.zeros_like(a.data))
                 for a, t in zip(args, tangents, strict=True)]
    elif tangents[0] is None or any(t is not None for t in tangents[1:]):
        return None
    else:
        targs = [tangents[0], *args[1:]]
    with grad_mode.no_grad():
        got = plain(op, targs, params)
    return Tensor(got.data)


def _elementwise_jvp(op, args, params, out, tangents):
    """One tensor in, same shape out: the Jacobian is diagonal, so J t is the VJP of t, the
    backward kernel PyTorch's JVP formulas call too (gelu_backward(t, x), ...)."""
    if not op.elementwise or op.variadic or not op.vjps or op.vjps[0] is None:
        return None
    if tangents[0] is None or any(t is not None for t in tangents[1:]):
        return None
    dt = out.data.dtype
    same = op.dtype_rule == "same"
    ins = [a.data if isinstance(a, Tensor) else np.asarray(a) if same else np.asarray(a, dtype=dt)
           for a in args]
    t = tangents[0].data.astype(dt, copy=False)
    with grad_mode.no_grad():
        got = op.vjps[0](t, out.data, *ins, **params)
    got = np.asarray(got.data if isinstance(got, Tensor) else got, dtype=dt)
    if got.shape != out.data.shape:
        return None
    return Tensor(got)


def _jvp(op, args, params, out, tangents) -> Tensor:
    dt = out.data.dtype
    same = op.dtype_rule == "same"  # shape ops: other arguments keep their own dtype
    ins = [Tensor(a.data) if isinstance(a, Tensor) else
           Tensor(np.asarray(a) if same else np.asarray(a, dtype=dt)) for a in args]
    with grad_mode.enable_grad():
        u = Tensor(np.zeros(out.data.shape, dtype=dt), requires_grad=True)
        contribs, weights = [], []
        for i, t in enumerate(tangents):
            if t is None:
                continue
            if op.variadic:
                c = op.vjps[0](u, Tensor(out.data), *ins, index=i, **params)
            else:
                rule = op.vjps[i] if i < len(op.vjps) else None
                if rule is None:
                    raise NotImplementedError(f"gradcli: forward AD through {op.name} with "
                                              f"respect to input {i} is not supported")
                c = rule(u, Tensor(out.data), *ins, **params)
            if c is None:
                continue
            if not isinstance(c, Tensor):
                c = Tensor(np.asarray(c))
            if not c.requires_grad:
                continue
            w = t.data.astype(c.data.dtype, copy=False)
            weights.append(Tensor(np.array(np.broadcast_to(w, c.data.shape))))
            contribs.append(c)
        if not contribs:
            return Tensor(np.zeros(out.data.shape, dtype=dt))
        (jv,) = autograd.grad(contribs, [u], weights, allow_unused=True)
    if jv is None:
        return Tensor(np.zeros(out.data.shape, dtype=dt))
    return Tensor(np.asarray(jv.data, dtype=dt))
