"""torch.X / Tensor.X wrappers of arithmetic, products, comparisons, where, clamp and the
activations that take parameters; the rows with a signature get generated wrappers here
(ops/surface.py). `add` and `mul` keep a fast path for `x + y` / `x * y`."""

import math

import numpy as np

from .. import dtypes
from ..apply import apply, broadcast_shape
from ..errors import UnsupportedError, runtime, type_error
from ..ops import OPS, surface
from ..ops.signature import Signature
from ..tensor import Tensor
from .args import _scalar_type, _tensor, _type_name
from .factories import tensor
from .registry import FUNCTIONS, METHODS, NN_FUNCTIONS, torch_fn


# ---------------------------------------------------------------- arithmetic
def _binary(name, a, b):
    return apply(OPS[name], (a, b))


_UNSET = object()  # div's rounding_mode not given (None given picks another overload)
_PLAIN = (Tensor, float, int)  # operand types `x + y` and `x * y` take without checks
_OP_ADD, _OP_MUL, _OP_SUB = OPS["add"], OPS["mul"], OPS["sub"]
_OP_POW_SCALAR = OPS["pow_scalar"]


def _operand(x, fname):
    if isinstance(x, (Tensor, bool, int, float)):
        return x
    raise type_error(f"unsupported operand type(s) for {fname}: '{_type_name(x)}'")


@torch_fn("add", method="add")
def add(input, other, alpha=1):
    if alpha == 1 and type(input) is Tensor and type(other) in _PLAIN:  # x + y, x + 1
        return apply(_OP_ADD, (input, other))
    if alpha != 1:
        if isinstance(input, Tensor) and isinstance(other, Tensor):  # one AddBackward0 node
            return apply(OPS["add_alpha"], (input, other), {"alpha": alpha})
        other = mul(other, alpha)
    if not isinstance(input, Tensor):
        return _binary("add", _operand(other, "+"), input)
    return _binary("add", input, _operand(other, "+"))


def _is_bool(x) -> bool:
    return isinstance(x, bool) or isinstance(x, Tensor) and x.data.dtype == dtypes.BOOL


def _no_bool_sub(a, b):
    """torch refuses `-` on booleans (a mask is inverted with ~, two are xor-ed)."""
    n = _is_bool(a) + _is_bool(b)
    if n == 2:
        raise runtime("Subtraction, the `-` operator, with two bool tensors is not supported. "
                      "Use the `^` or `logical_xor()` operator instead.")
    if n == 1:
        raise runtime("Subtraction, the `-` operator, with a bool tensor is not supported. "
                      "If you are trying to invert a mask, use the `~` or `logical_not()` "
                      "operator instead.")


@torch_fn("sub", "subtract", method=("sub", "subtract"))
def sub(input, other, alpha=1):
    if alpha == 1 and type(input) is Tensor and input.data.dtype.kind != "b":  # x - y, x - 1
        to = type(other)
        if to is float or to is int or to is Tensor and other.data.dtype.kind != "b":
            return apply(_OP_SUB, (input, other))
    _no_bool_sub(input, other)
    if alpha != 1:
        if isinstance(input, Tensor) and isinstance(other, Tensor):  # one SubBackward0 node
            return apply(OPS["sub_alpha"], (input, other), {"alpha": alpha})
        other = mul(other, alpha)
    if not isinstance(input, Tensor):  # torch.sub(1.0, x) is SubBackward0 (1.0 - x is rsub)
        return _binary("sub", _operand(input, "-"), _operand(other, "-"))
    return _binary("sub", input, _operand(other, "-"))


def rsub(input, other):
    """Python's `number - x` (Tensor.__rsub__): torch's RsubBackward1."""
    _no_bool_sub(input, other)
    return apply(OPS["rsub"], (input, _operand(other, "-")))


def rtruediv(input, other):
    """Python's `number / x` (Tensor.__rtruediv__): torch's reciprocal times the number."""
    return apply(OPS["rdiv"], (input, _operand(other, "/")))


@torch_fn("mul", "multiply", method=("mul", "multiply"))
def mul(input, other):
    if type(input) is Tensor and type(other) in _PLAIN:  # x * y, x * 2
        return apply(_OP_MUL, (input, other))
    if not isinstance(input, Tensor):
        return _binary("mul", _operand(other, "*"), input)
    return _binary("mul", input, _operand(other, "*"))


@torch_fn("div", "divide", "true_divide", method=("div", "divide", "true_divide"))
def div(input, other, *, rounding_mode=_UNSET):
    a, b = _operand(input, "/"), _operand(other, "/")
    if rounding_mode is _UNSET:  # torch.div(2.0, x) too is DivBackward0
        return _binary("div", a, b)
    if rounding_mode is None:  # the rounding_mode overload: DivBackward2, true division
        return _binary("div_none", a, b)
    if rounding_mode not in ("trunc", "floor"):
        raise runtime(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                      f"but found '{rounding_mode}'")
    return apply(OPS["div_mode"], (a, b), {"rounding_mode": rounding_mode})


@torch_fn("floor_divide", method="floor_divide")
def floor_divide(input, other):
    # no derivative in torch: grad_fn NotImplemented, backward raises
    return _binary("floor_divide", _operand(input, "//"), _operand(other, "//"))


_FMOD = Signature("fmod", "(Tensor input, Tensor other, *, Tensor out = None)",
                  "(Tensor input, Number other, *, Tensor out = None)")
_REMAINDER = Signature("remainder", "(Tensor input, Tensor other, *, Tensor out = None)",
                       "(Tensor input, Number other, *, Tensor out = None)")


def _no_out(name, bound):
    if bound.get("out") is not None:
        raise UnsupportedError(f"{name}(): the out= argument is not supported by gradcli")


@torch_fn("remainder", method="remainder")
def remainder(input, *args, **kwargs):
    if not isinstance(input, Tensor):  # torch.remainder(2.0, x): no derivative in torch
        (other,) = args or (kwargs["other"],)
        return apply(OPS["rremainder"], (_tensor(other, "remainder", "other", 2),
                                         _operand(input, "%")))
    i, bound = _REMAINDER.bind((input, *args), kwargs)
    _no_out("remainder", bound)
    return apply(OPS["remainder" if i == 0 else "remainder_scalar"], (input, bound["other"]))


@torch_fn("fmod", method="fmod")
def fmod(*args, **kwargs):
    i, bound = _FMOD.bind(args, kwargs)
    _no_out("fmod", bound)
    return apply(OPS["fmod_tensor" if i == 0 else "fmod"], (bound["input"], bound["other"]))


@torch_fn("pow", method="pow")
def pow(input, exponent):
    te = type(exponent)
    if type(input) is Tensor and (te is int or te is float):  # x ** 2
        return apply(_OP_POW_SCALAR, (input, exponent))
    if not isinstance(input, Tensor):
        return apply(OPS["rpow"], (_tensor(exponent, "pow", "exponent", 2), input))
    if isinstance(exponent, Tensor):
        return _binary("pow", input, exponent)
    return apply(OPS["pow_scalar"], (input, _operand(exponent, "**")))


@torch_fn("square", method="square")
def square(input):
    return pow(_tensor(input, "square"), 2)


@torch_fn("neg", "negative", method=("neg", "negative"))
def neg(input):
    t = _tensor(input, "neg")
    if t.data.dtype == dtypes.BOOL:
        raise runtime("Negation, the `-` operator, on a bool tensor is not supported. If you are "
                      "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    return apply(OPS["neg"], (t,))


@torch_fn("matmul", method="matmul")
def matmul(input, other):
    a, b = _tensor(input, "matmul"), _tensor(other, "matmul", "other", 2)
    na, nb = a.data.ndim, b.data.ndim
    if na == 0 or nb == 0:
        raise runtime(f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D")
    if na == 1 and nb == 1:
        return dot(a, b)
    if na == 2 and nb == 2:
        return mm(a, b)
    if na == 2 and nb == 1:
        return mv(a, b)
    if na == 1 and nb == 2:
        if a.data.shape[0] != b.data.shape[0]:  # torch: the shapes before the dtypes
            raise runtime(f"mat1 and mat2 shapes cannot be multiplied (1x{a.data.shape[0]} and "
                          f"{b.data.shape[0]}x{b.data.shape[1]})")
        _same_dtype(a, b, _MM_DTYPES)
        return _binary("vecmat", a, b)
    _check_matmul_shapes(a, b)
    if a.data.dtype != b.data.dtype:
        _matmul_dtype_error(a, b)
    return _binary("matmul", a, b)


def _check_matmul_shapes(a, b):
    """A batched matmul's inner sizes, checked before the dtypes with the message of the
    kernel ATen runs: mm / mv of the folded batch, else bmm over the broadcast batch."""
    sa, sb = a.data.shape, b.data.shape
    ka, kb = sa[-1], sb[-2] if len(sb) > 1 else sb[0]
    if ka == kb:
        return
    if len(sa) >= 3 and len(sb) <= 2 and _matmul_fold(a, b):
        rows = math.prod(sa[:-1])
        if len(sb) == 1:
            raise runtime(f"size mismatch, got input ({rows}), mat ({rows}x{ka}), vec ({kb})")
        raise runtime(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{ka} and {kb}x{sb[1]})")
    try:
        batch = math.prod(np.broadcast_shapes(sa[:-2], sb[:-2]))
    except ValueError:
        return  # the op's own broadcasting error
    raise runtime(f"Expected size for first two dimensions of batch2 tensor to be: "
                  f"[{batch}, {ka}] but got: [{batch}, {kb}].")


def _matmul_fold(a, b) -> bool:
    """ATen's should_fold: a batch folded into mm / mv (the smaller operand requires grad,
    or the larger one views as a matrix without a copy) rather than bmm."""
    na, nb = a.data.ndim, b.data.ndim
    big, small = (a, b) if na >= nb else (b, a)
    if not (big.data.ndim >= 3 and small.data.ndim in (1, 2)):
        return False
    if small.requires_grad:
        return True
    if na == 2:
        return False
    if big.data.size == 0:
        return True
    probe = np.empty(big.data.shape, np.int8)
    probe = probe if na >= nb else np.swapaxes(probe, -1, -2)
    st, sh = probe.strides, probe.shape
    return all(st[i] == st[i + 1] * sh[i + 1] for i in range(probe.ndim - 1))


def _matmul_dtype_error(a, b):
    """matmul does not promote: the message of the kernel ATen dispatches it to."""
    if _matmul_fold(a, b):
        t1, t2 = (b, a) if b.data.ndim > a.data.ndim else (a, b)
        if t2.data.ndim == 2:
            _same_dtype(t1, t2, _MM_DTYPES)
        names = [_SCALAR_NAMES(x.data.dtype) for x in (t2, t1, t2)]  # addmv's, as mv's
        raise runtime(f"addmv input tensors must have the same dtype, but got {names[0]}, "
                      f"{names[1]}, and {names[2]}")
    raise runtime(f"expected scalar type {_SCALAR_NAMES(a.data.dtype)} but found "
                  f"{_SCALAR_NAMES(b.data.dtype)}")


def _same_dtype(a, b, message):
    """mm/mv/dot/matmul do not promote: torch refuses two dtypes."""
    if a.data.dtype != b.data.dtype:
        raise runtime(message.format(_CPP_NAMES.get(a.data.dtype.name, a.data.dtype.name),
                                     _CPP_NAMES.get(b.data.dtype.name, b.data.dtype.name)))


# the C++ type names torch's dtype messages print (caffe2::TypeMeta names)
_CPP_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool"}


def _SCALAR_NAMES(dt):  # noqa: N802  (c10 ScalarType names: Float, Double, Long)
    return _scalar_type(dt)


_MM_DTYPES = "expected m1 and m2 to have the same dtype, but got: {} != {}"


@torch_fn("mm", method="mm")
def mm(input, mat2):
    a, b = _tensor(input, "mm"), _tensor(mat2, "mm", "mat2", 2)
    sa, sb = a.data.shape, b.data.shape
    if len(sa) == 2 and len(sb) == 2 and sa[1] != sb[0]:  # torch: the shapes before dtypes
        raise runtime(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and "
                      f"{sb[0]}x{sb[1]})")
    _same_dtype(a, b, _MM_DTYPES)
    return _binary("mm", a, b)


@torch_fn("mv", method="mv")
def mv(input, vec):
    a, v = _tensor(input, "mv"), _tensor(vec, "mv", "vec", 2)
    sa, sv = a.data.shape, v.data.shape
    if len(sa) == 2 and len(sv) != 1:  # torch: the shapes before the dtypes
        raise runtime(f"vector + matrix @ vector expected, got 1, 2, {len(sv)}")
    if len(sa) == 2 and sa[1] != sv[0]:
        raise runtime(f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), vec ({sv[0]})")
    if a.data.dtype != v.data.dtype:  # addmv's check: (result = vec's dtype, mat, vec)
        names = [_SCALAR_NAMES(x.data.dtype) for x in (v, a, v)]
        raise runtime(f"addmv input tensors must have the same dtype, but got {names[0]}, "
                      f"{names[1]}, and {names[2]}")
    return _binary("mv", a, v)


@torch_fn("dot", method="dot")
def dot(input, other):
    a, b = _tensor(input, "dot"), _tensor(other, "dot", "tensor", 2)
    if a.data.dtype != b.data.dtype:
        raise runtime(f"dot : expected both vectors to have same dtype, but found "
                      f"{_SCALAR_NAMES(a.data.dtype)} and {_SCALAR_NAMES(b.data.dtype)}")
    return _binary("dot", a, b)


def _compare(name, sym):
    def cmp(input, other):
        if not isinstance(input, Tensor):
            input = tensor(input)
        return _binary(name, input, _operand(other, sym))
    return cmp


for _n, _sym, _alias in (("lt", "<", "less"), ("le", "<=", "less_equal"), ("gt", ">", "greater"),
                         ("ge", ">=", "greater_equal"), ("eq", "==", "equal_"),
                         ("ne", "!=", "not_equal")):
    FUNCTIONS[_n] = FUNCTIONS[_alias] = METHODS[_n] = _compare(_n, _sym)


@torch_fn("logical_not", method="logical_not")
def logical_not(input):
    return apply(OPS["logical_not"], (_tensor(input, "logical_not"),))


@torch_fn("maximum", method="maximum")
def maximum(input, other):
    return _binary("maximum", _tensor(input, "maximum"), _tensor(other, "maximum", "other", 2))


@torch_fn("minimum", method="minimum")
def minimum(input, other):
    return _binary("minimum", _tensor(input, "minimum"), _tensor(other, "minimum", "other", 2))


@torch_fn("where", method="where")
def where(condition, input, other):
    cond = _tensor(condition, "where", "condition")
    if cond.data.dtype != dtypes.BOOL:
        raise runtime(f"where expected condition to be a boolean tensor, but got a tensor with "
                      f"dtype {dtypes.torch_name(cond.data.dtype)[6:].capitalize()}")
    shape = cond.data.shape
    for x in (input, other):  # torch broadcasts condition, input, other in that order
        if isinstance(x, Tensor):
            shape = broadcast_shape(shape, x.data.shape)
    return apply(OPS["where"], (input, other), {"cond": np.broadcast_to(cond.data, shape)})


_CLAMP = Signature("clamp", "(Tensor input, Tensor? min = None, Tensor? max = None, *, "
                   "Tensor out = None)", "(Tensor input, Number? min = None, "
                   "Number? max = None, *, Tensor out = None)")


def _as_number(x):
    """torch's parser takes a 0-d tensor that needs no grad as a Number (clamp(x, t, 2.0))."""
    if isinstance(x, Tensor) and x.data.ndim == 0 and not x.requires_grad:
        return x.data.item()
    return x


@torch_fn("clamp", "clip", method=("clamp", "clip"))
def clamp(*args, **kwargs):
    names = ("input", "min", "max")
    given = dict(zip(names, args, strict=False)) | kwargs
    lo, hi = given.get("min"), given.get("max")
    if (isinstance(lo, Tensor) or isinstance(hi, Tensor)) and not (
            isinstance(lo, (Tensor, type(None))) and isinstance(hi, (Tensor, type(None)))):
        args = tuple(_as_number(a) if i in (1, 2) else a for i, a in enumerate(args))
        kwargs = {k: _as_number(v) if k in ("min", "max") else v for k, v in kwargs.items()}
    i, bound = _CLAMP.bind(args, kwargs)
    _no_out("clamp", bound)
    t, lo, hi = bound["input"], bound["min"], bound["max"]
    if lo is None and hi is None:
        raise runtime("torch.clamp: At least one of 'min' or 'max' must not be None")
    if i == 0:  # tensor bounds: ClampBackward0, differentiable in min and max too
        shape = t.data.shape
        for bound_ in (lo, hi):  # torch broadcasts input, min, max in that order
            if bound_ is not None:
                shape = broadcast_shape(shape, bound_.data.shape)
        return apply(OPS["clamp_tensor"], (t, -np.inf if lo is None else lo,
                                           np.inf if hi is None else hi),
                     {"both": lo is not None and hi is not None})
    rt = dtypes.result_type([t.data.dtype], [], [dtypes.scalar_dtype(b) for b in (lo, hi)
                                                 if b is not None])
    if rt != t.data.dtype:  # a float bound on an integer/bool tensor: torch promotes (no grad)
        t = Tensor(t.data.astype(rt))
    return apply(OPS["clamp"], (t,), {"min": lo, "max": hi})


# the rows with a signature (exp, log, sigmoid, relu, silu, ...): wrappers generated
surface.register(FUNCTIONS, METHODS, NN_FUNCTIONS)


_GELU = Signature("gelu", "(Tensor input, *, str approximate = 'none')")


@torch_fn("gelu")
def gelu(*args, **kwargs):
    bound = _GELU.bind(args, kwargs)[1]
    approximate = bound["approximate"]
    if approximate not in ("none", "tanh"):
        raise runtime("approximate argument must be either none or tanh.")
    return apply(OPS["gelu" if approximate == "none" else "gelu_tanh"], (bound["input"],))


@torch_fn("round", method="round")
def round_(*args, **kwargs):
    """torch.round: RoundBackward0, or RoundBackward1 when decimals is given."""
    i, bound = OPS["round"].signature.bind(args, kwargs)
    _no_out("round", bound)
    if i == 0:
        return apply(OPS["round"], (bound["input"],))
    return apply(OPS["round_decimals"], (bound["input"],), {"decimals": bound["decimals"]})
