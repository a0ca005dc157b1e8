"""PyTorch's Python surface over the engine: torch.X and F.X functions, tensor methods
and attributes, indexing, in-place updates — with PyTorch's argument names, defaults,
dispatch (which op, hence which grad_fn) and error messages.

`FUNCTIONS`, `METHODS`, `ATTRIBUTES` and `SETTERS` are the whitelists that the case
evaluator and the program interpreter look names up in; nothing else is reachable."""

import math

import numpy as np

from . import autograd, dtypes, grad_mode
from .apply import apply, broadcast_shape, check_elements
from .errors import GradcliError, index_error, runtime, type_error, value_error
from .ops import OPS, surface
from .tensor import AccumulateGrad, Node, Tensor

FUNCTIONS: dict = {}
METHODS: dict = {}
ATTRIBUTES: dict = {}
SETTERS: dict = {}
NN_FUNCTIONS: dict = {}  # torch.nn.functional


def torch_fn(*names, method=None, nn=False):
    """Register a function under torch names, with nn=True also under torch.nn.functional,
    and with method=... as tensor methods."""
    def deco(fn):
        for n in names:
            FUNCTIONS[n] = fn
            if nn:
                NN_FUNCTIONS[n] = fn
        for m in ((method,) if isinstance(method, str) else method or ()):
            METHODS[m] = fn
        return fn
    return deco


def tensor_method(*names):
    def deco(fn):
        for n in names:
            METHODS[n] = fn
        return fn
    return deco


def attribute(name):
    def deco(fn):
        ATTRIBUTES[name] = fn
        return fn
    return deco


class Size(tuple):
    """torch.Size."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        return math.prod(self)

    # concatenating or repeating a Size gives a Size, as in torch
    def __add__(self, other):
        return Size(tuple(self) + tuple(other)) if isinstance(other, tuple) else NotImplemented

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self)) if isinstance(other, tuple) else NotImplemented

    def __mul__(self, n):
        return Size(tuple(self) * n) if isinstance(n, int) else NotImplemented

    __rmul__ = __mul__


class ReturnTypes(tuple):
    """torch.return_types.max / min: a (values, indices) pair with names."""

    def __new__(cls, name, values, indices):
        self = super().__new__(cls, (values, indices))
        self.name = name
        return self

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self) -> str:
        return f"torch.return_types.{self.name}(\nvalues={self[0]!r},\nindices={self[1]!r})"

    __str__ = __repr__


def _type_name(x) -> str:
    return {bool: "bool", int: "int", float: "float", str: "str", list: "list",
            tuple: "tuple", type(None): "NoneType"}.get(type(x), type(x).__name__)


def _tensor(x, fname: str, argname: str = "input", pos: int = 1) -> Tensor:
    if not isinstance(x, Tensor):
        raise type_error(f"{fname}(): argument '{argname}' (position {pos}) must be Tensor, "
                         f"not {_type_name(x)}")
    return x


def _dim(d, ndim: int) -> int:
    n = max(ndim, 1)
    if not isinstance(d, int) or isinstance(d, bool):
        raise type_error(f"dim must be an int, not {_type_name(d)}")
    if not -n <= d < n:
        raise index_error(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                          f"but got {d})")
    return d + n if d < 0 else d


def _dims(dim, ndim: int):
    if isinstance(dim, (tuple, list)):
        return tuple(sorted(_dim(d, ndim) for d in dim))
    return (_dim(dim, ndim),)


def _reduce_dims(dim, ndim: int):
    """A reduction's dims, checked; None (every dim) for a 0-d tensor, whose dim 0 / -1
    torch accepts and which numpy has no axis for."""
    dims = _dims(dim, ndim)
    return dims if ndim else None


def _size_args(args, fname="size"):
    """ones(2, 3) / ones((2, 3)) / ones([2, 3]) / ones(torch.Size([2, 3]))."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for a in args:
        if not isinstance(a, int) or isinstance(a, bool):
            raise type_error(f"{fname}(): argument 'size' must be tuple of ints, but found element "
                             f"of type {_type_name(a)}")
        if a < 0:
            raise runtime(f"Trying to create tensor with negative dimension {a}: {list(args)}")
    check_elements(args)
    return tuple(args)


def _leaf(data: np.ndarray, requires_grad=False) -> Tensor:
    if requires_grad and data.dtype.kind != "f":
        raise runtime("Only Tensors of floating point and complex dtype can require gradients")
    return Tensor(data, bool(requires_grad))


def _dt(dtype, default=None):
    return dtypes.as_dtype(dtype) if dtype is not None else default


# ---------------------------------------------------------------- creation
def data_to_array(data, dtype=None) -> np.ndarray:
    """torch.tensor's conversion of nested Python data, with its dtype inference and its
    error for ragged lists; level by level, so nesting depth costs no recursion."""
    if isinstance(data, Tensor):
        return data.data.astype(dtype if dtype is not None else data.data.dtype, copy=True)
    shape, level = [], [data]
    while True:
        seqs = [isinstance(x, (list, tuple, Size)) for x in level]
        if not any(seqs):
            break
        if not all(seqs):
            bad = next(x for x in level if not isinstance(x, (list, tuple, Size)))
            raise type_error(f"new(): invalid data type '{_type_name(bad)}'" if isinstance(bad, str)
                             else f"expected sequence of length {len(level[0]) if seqs[0] else 0} "
                                  f"at dim {len(shape)} (got {_type_name(bad)})")
        n = len(level[0])
        for x in level:
            if len(x) != n:
                raise value_error(f"expected sequence of length {n} at dim {len(shape)} "
                                  f"(got {len(x)})")
        shape.append(n)
        check_elements(shape)
        level = [y for x in level for y in x]
    flat = []
    for x in level:
        if isinstance(x, Tensor):
            if x.data.size != 1:
                raise value_error("only one element tensors can be converted to Python scalars")
            x = x.data.reshape(()).item()
        elif not isinstance(x, (bool, int, float)):
            raise type_error(f"new(): invalid data type '{_type_name(x)}'")
        flat.append(x)
    if dtype is None:
        if any(isinstance(x, float) for x in flat):
            dtype = dtypes.default_float()
        elif flat and all(isinstance(x, bool) for x in flat):
            dtype = dtypes.BOOL
        elif not flat:
            dtype = dtypes.default_float()
        else:
            dtype = dtypes.INT64
    try:
        return np.array(flat, dtype=dtype).reshape(shape)
    except OverflowError:
        raise runtime("Overflow when unpacking long") from None


@torch_fn("tensor")
def tensor(data, dtype=None, requires_grad=False, device=None):
    return _leaf(data_to_array(data, _dt(dtype)), requires_grad)


def _legacy(np_dtype):
    def make(*args, requires_grad=False):
        if len(args) == 1 and isinstance(args[0], (list, tuple, Tensor)):
            return _leaf(data_to_array(args[0], np_dtype), requires_grad)
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            return _leaf(np.zeros(_size_args(args), dtype=np_dtype), requires_grad)
        return _leaf(data_to_array(list(args), np_dtype), requires_grad)
    return make


FUNCTIONS["Tensor"] = FUNCTIONS["FloatTensor"] = _legacy(dtypes.FLOAT32)
FUNCTIONS["DoubleTensor"] = _legacy(dtypes.FLOAT64)
FUNCTIONS["LongTensor"] = _legacy(dtypes.INT64)
FUNCTIONS["BoolTensor"] = _legacy(dtypes.BOOL)


@torch_fn("Variable")
def variable(data, requires_grad=False, volatile=False):
    t = _tensor(data, "Variable", "data")
    return _leaf(t.data, requires_grad)


def _filled(value):
    def make(*size, dtype=None, requires_grad=False, device=None, out=None):
        shape = _size_args(size)
        return _leaf(np.full(shape, value, dtype=_dt(dtype, dtypes.default_float())), requires_grad)
    return make


FUNCTIONS["ones"] = _filled(1)
FUNCTIONS["zeros"] = FUNCTIONS["empty"] = _filled(0)


@torch_fn("full")
def full(size, fill_value, dtype=None, requires_grad=False, device=None):
    default = dtypes.scalar_dtype(fill_value)
    return _leaf(np.full(_size_args((size,)), fill_value, dtype=_dt(dtype, default)), requires_grad)


@torch_fn("eye")
def eye(n, m=None, dtype=None, requires_grad=False, device=None):
    _size_args((n, n if m is None else m))
    return _leaf(np.eye(n, m, dtype=_dt(dtype, dtypes.default_float())), requires_grad)


@torch_fn("arange")
def arange(start, end=None, step=1, dtype=None, requires_grad=False, device=None):
    if end is None:
        start, end = 0, start
    vals = (start, end, step)
    default = dtypes.INT64 if all(isinstance(v, int) for v in vals) else dtypes.default_float()
    if step == 0:
        raise runtime("step must be nonzero")
    check_elements((max(0, math.ceil((end - start) / step)),))
    return _leaf(np.arange(start, end, step, dtype=np.float64).astype(_dt(dtype, default)),
                 requires_grad)


@torch_fn("linspace")
def linspace(start, end, steps, dtype=None, requires_grad=False, device=None):
    check_elements((steps,))
    return _leaf(np.linspace(start, end, steps).astype(_dt(dtype, dtypes.default_float())),
                 requires_grad)


def _like(value):
    def make(input, dtype=None, requires_grad=False, device=None):
        t = _tensor(input, "ones_like")
        return _leaf(np.full(t.data.shape, value, dtype=_dt(dtype, t.data.dtype)), requires_grad)
    return make


FUNCTIONS["ones_like"] = _like(1)
FUNCTIONS["zeros_like"] = FUNCTIONS["empty_like"] = _like(0)


@torch_fn("full_like")
def full_like(input, fill_value, dtype=None, requires_grad=False, device=None):
    t = _tensor(input, "full_like")
    return _leaf(np.full(t.data.shape, fill_value, dtype=_dt(dtype, t.data.dtype)), requires_grad)


_rng = [np.random.default_rng(0)]


@torch_fn("manual_seed")
def manual_seed(seed):
    _rng[0] = np.random.default_rng(seed)
    return None


def _random(kind):
    def make(*size, dtype=None, requires_grad=False, device=None):
        shape = _size_args(size)
        r = _rng[0].random(shape) if kind == "rand" else _rng[0].standard_normal(shape)
        return _leaf(np.asarray(r, dtype=_dt(dtype, dtypes.default_float())), requires_grad)
    return make


FUNCTIONS["rand"] = _random("rand")
FUNCTIONS["randn"] = _random("randn")


@torch_fn("rand_like", "randn_like")
def rand_like(input, dtype=None, requires_grad=False):
    return FUNCTIONS["rand"](*input.data.shape, dtype=dtype, requires_grad=requires_grad)


# ---------------------------------------------------------------- arithmetic
def _binary(name, a, b):
    return apply(OPS[name], (a, b))


_PLAIN = (Tensor, float, int)  # operand types `x + y` and `x * y` take without checks
_OP_ADD, _OP_MUL = OPS["add"], OPS["mul"]


def _operand(x, fname):
    if isinstance(x, (Tensor, bool, int, float)):
        return x
    raise type_error(f"unsupported operand type(s) for {fname}: '{_type_name(x)}'")


@torch_fn("add", method="add")
def add(input, other, alpha=1):
    if alpha == 1 and type(input) is Tensor and type(other) in _PLAIN:  # x + y, x + 1
        return apply(_OP_ADD, (input, other))
    if alpha != 1:
        other = mul(other, alpha)
    if not isinstance(input, Tensor):
        return _binary("add", _operand(other, "+"), input)
    return _binary("add", input, _operand(other, "+"))


@torch_fn("sub", "subtract", method=("sub", "subtract"))
def sub(input, other, alpha=1):
    if alpha != 1:
        other = mul(other, alpha)
    if not isinstance(input, Tensor):
        return apply(OPS["rsub"], (_operand(other, "-"), input))
    return _binary("sub", input, _operand(other, "-"))


@torch_fn("mul", "multiply", method=("mul", "multiply"))
def mul(input, other):
    if type(input) is Tensor and type(other) in _PLAIN:  # x * y, x * 2
        return apply(_OP_MUL, (input, other))
    if not isinstance(input, Tensor):
        return _binary("mul", _operand(other, "*"), input)
    return _binary("mul", input, _operand(other, "*"))


@torch_fn("div", "divide", "true_divide", method=("div", "divide", "true_divide"))
def div(input, other, rounding_mode=None):
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if not isinstance(input, Tensor):
        return apply(OPS["rdiv"], (_operand(other, "/"), input))
    return _binary("div", input, _operand(other, "/"))


@torch_fn("floor_divide", method="floor_divide")
def floor_divide(input, other):
    if not isinstance(input, Tensor):
        return _binary("floor_divide", tensor(input), other)
    return _binary("floor_divide", input, _operand(other, "//"))


@torch_fn("remainder", "fmod", method=("remainder",))
def remainder(input, other):
    if not isinstance(input, Tensor):
        return _binary("remainder", tensor(input), other)
    return _binary("remainder", input, _operand(other, "%"))


@torch_fn("pow", method="pow")
def pow(input, exponent):
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
    return apply(OPS["neg"], (_tensor(input, "neg"),))


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
        return _binary("vecmat", a, b)
    return _binary("matmul", a, b)


@torch_fn("mm", method="mm")
def mm(input, mat2):
    return _binary("mm", _tensor(input, "mm"), _tensor(mat2, "mm", "mat2", 2))


@torch_fn("mv", method="mv")
def mv(input, vec):
    return _binary("mv", _tensor(input, "mv"), _tensor(vec, "mv", "vec", 2))


@torch_fn("dot", "inner", method="dot")
def dot(input, other):
    return _binary("dot", _tensor(input, "dot"), _tensor(other, "dot", "tensor", 2))


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


@torch_fn("clamp", "clip", method=("clamp", "clip"))
def clamp(input, min=None, max=None):
    t = _tensor(input, "clamp")
    if min is None and max is None:
        raise runtime("torch.clamp: At least one of 'min' or 'max' must not be None")
    return apply(OPS["clamp"], (t,), {"min": min, "max": max})


# the rows with a signature (exp, log, sigmoid, relu, silu, ...): wrappers generated
surface.register(FUNCTIONS, METHODS, NN_FUNCTIONS)


@torch_fn("leaky_relu")
def leaky_relu(input, negative_slope=0.01, inplace=False):
    return apply(OPS["leaky_relu"], (_tensor(input, "leaky_relu"),),
                 {"negative_slope": negative_slope})


@torch_fn("softplus")
def softplus(input, beta=1.0, threshold=20.0):
    return apply(OPS["softplus"], (_tensor(input, "softplus"),),
                 {"beta": beta, "threshold": threshold})


@torch_fn("gelu")
def gelu(input, approximate="none"):
    if approximate != "none":
        raise runtime("gelu: only approximate='none' is supported by gradcli")
    return apply(OPS["gelu"], (_tensor(input, "gelu"),))


# ---------------------------------------------------------------- reductions
def _reduction(all_op, dim_op, fname):
    def fn(input, dim=None, keepdim=False, dtype=None):
        t = _tensor(input, fname)
        if dtype is not None:
            t = to(t, dtype)
        if dim is None:
            if keepdim:
                return reshape(apply(OPS[all_op], (t,)), *((1,) * t.data.ndim))
            return apply(OPS[all_op], (t,))
        return apply(OPS[dim_op], (t,), {"dims": _reduce_dims(dim, t.data.ndim),
                                         "keepdim": keepdim})
    return fn


FUNCTIONS["sum"] = METHODS["sum"] = _reduction("sum", "sum_dim", "sum")
_mean = _reduction("mean", "mean_dim", "mean")


# c10's ScalarType names, which torch's dtype messages use
_SCALAR_TYPE = {"int64": "Long", "int32": "Int", "bool": "Bool"}


@torch_fn("mean", method="mean")
def mean(input, dim=None, keepdim=False, dtype=None):
    t = _tensor(input, "mean")
    if t.data.dtype.kind != "f" and dtype is None:
        raise runtime(f"mean(): could not infer output dtype. Input dtype must be either a floating "
                      f"point or complex dtype. Got: {_SCALAR_TYPE.get(t.data.dtype.name, 'Long')}")
    return _mean(t, dim, keepdim, dtype)


@torch_fn("prod", method="prod")
def prod(input, dim=None, keepdim=False):
    t = _tensor(input, "prod")
    if dim is not None:
        raise runtime("prod(dim=...) is not supported by gradcli; use prod() over all elements")
    return apply(OPS["prod"], (t,))


def _extreme(name):
    largest = name == "max"

    def fn(input, dim=None, keepdim=False):
        t = _tensor(input, name)
        if isinstance(dim, Tensor):
            return (maximum if largest else minimum)(t, dim)
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


FUNCTIONS["max"] = METHODS["max"] = _extreme("max")
FUNCTIONS["min"] = METHODS["min"] = _extreme("min")
FUNCTIONS["amax"] = METHODS["amax"] = lambda input, dim=None, keepdim=False: (
    _extreme("max")(input, dim, keepdim)[0] if dim is not None else _extreme("max")(input))


def _arg(name):
    def fn(input, dim=None, keepdim=False):
        t = _tensor(input, name)
        f = np.argmax if name == "argmax" else np.argmin
        if dim is None:
            return Tensor(np.asarray(f(t.data), dtype=dtypes.INT64))
        d = _dim(dim, t.data.ndim)
        if t.data.ndim == 0:
            return Tensor(np.zeros((), dtypes.INT64))
        r = f(t.data, axis=d)
        return Tensor(np.asarray(np.expand_dims(r, d) if keepdim else r, dtype=dtypes.INT64))
    return fn


FUNCTIONS["argmax"] = METHODS["argmax"] = _arg("argmax")
FUNCTIONS["argmin"] = METHODS["argmin"] = _arg("argmin")


@torch_fn("norm", method="norm")
def norm(input, p="fro", dim=None, keepdim=False):
    t = _tensor(input, "norm")
    if p in ("fro", 2, 2.0) and dim is not None:
        return apply(OPS["norm_dim"], (t,), {"dims": _reduce_dims(dim, t.data.ndim),
                                             "keepdim": keepdim})
    if p not in ("fro", 2, 2.0) or dim is not None:
        diff = sub(t, 0) if p != "fro" else t
        if dim is None:
            return pow(sum_(pow(abs_(diff), p)), 1.0 / p)
        return pow(FUNCTIONS["sum"](pow(abs_(diff), p), dim, keepdim), 1.0 / (2 if p == "fro" else p))
    return apply(OPS["norm"], (t,))


def sum_(t):
    return apply(OPS["sum"], (t,))


def abs_(t):
    return apply(OPS["abs"], (t,))


def _var_std(name):
    def fn(input, dim=None, unbiased=True, keepdim=False, correction=None):
        t = _tensor(input, name)
        if isinstance(dim, bool):  # var(unbiased) positional form
            dim, unbiased = None, dim
        corr = correction if correction is not None else (1 if unbiased else 0)
        dims = None if dim is None else _reduce_dims(dim, t.data.ndim)
        return apply(OPS[name], (t,), {"dims": dims, "correction": corr, "keepdim": keepdim})
    return fn


FUNCTIONS["var"] = METHODS["var"] = _var_std("var")
FUNCTIONS["std"] = METHODS["std"] = _var_std("std")


@torch_fn("logsumexp", method="logsumexp")
def logsumexp(input, dim, keepdim=False):
    t = _tensor(input, "logsumexp")
    return apply(OPS["logsumexp"], (t,), {"dims": _reduce_dims(dim, t.data.ndim),
                                          "keepdim": keepdim})


@torch_fn("cumsum", method="cumsum")
def cumsum(input, dim, dtype=None):
    t = _tensor(input, "cumsum")
    return apply(OPS["cumsum"], (t,), {"dim": _dim(dim, t.data.ndim)})


def _softmax(name):
    def fn(input, dim=None, dtype=None, _stacklevel=3):
        t = _tensor(input, name)
        if dim is None:
            dim = 0 if t.data.ndim in (0, 1, 3) else 1
        return apply(OPS[name], (t,), {"dim": _dim(dim, t.data.ndim) if t.data.ndim else None})
    return fn


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
    return apply(OPS["mse_loss"], (a, t), {"reduction": _reduction_arg(reduction)})


@torch_fn("l1_loss", nn=True)
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    # PyTorch composes it too: its result's grad_fn is MeanBackward0 / SumBackward0.
    d = abs_(sub(_tensor(input, "l1_loss"), _tensor(target, "l1_loss", "target", 2)))
    r = _reduction_arg(reduction)
    return d if r == "none" else (apply(OPS["mean"], (d,)) if r == "mean" else sum_(d))


@torch_fn("binary_cross_entropy")
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    p, t = _tensor(input, "binary_cross_entropy"), _tensor(target, "binary_cross_entropy",
                                                           "target", 2)
    if p.data.shape != t.data.shape:
        raise value_error(f"Using a target size ({Size(t.data.shape)}) that is different to the "
                          f"input size ({Size(p.data.shape)}) is deprecated. Please ensure they "
                          f"have the same size.")
    if ((p.data < 0) | (p.data > 1)).any():
        raise runtime("all elements of input should be between 0 and 1")
    return apply(OPS["binary_cross_entropy"], (p, t), {"reduction": _reduction_arg(reduction)})


@torch_fn("nll_loss")
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    logp, tgt = _tensor(input, "nll_loss"), _tensor(target, "nll_loss", "target", 2)
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
    logp = FUNCTIONS["log_softmax"](x, 1 if x.data.ndim >= 2 else 0)
    return nll_loss(logp, target, ignore_index=ignore_index, reduction=reduction)


def _scalar_type(dt) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "bool": "Bool",
            "int32": "Int"}.get(np.dtype(dt).name, np.dtype(dt).name)


# ---------------------------------------------------------------- shapes
def _shape_args(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def _infer_shape(shape, numel):
    shape = list(shape)
    for s in shape:
        if not isinstance(s, int) or isinstance(s, bool):
            raise type_error(f"view(): argument 'size' must be tuple of ints, but found element of "
                             f"type {_type_name(s)}")
    if shape.count(-1) > 1:
        raise runtime("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    bad = any(s < -1 for s in shape)
    if -1 in shape:
        if known == 0 or numel % known:
            bad = True
        else:
            shape[shape.index(-1)] = numel // known
    elif known != numel:
        bad = True
    if bad:
        raise runtime(f"shape '[{', '.join(str(s) for s in shape)}]' is invalid for "
                      f"input of size {numel}")
    return tuple(shape)


@torch_fn("reshape", method=("reshape", "view"))
def reshape(input, *shape):
    t = _tensor(input, "reshape")
    given = _shape_args(shape)
    try:
        new = _infer_shape(given, t.data.size)
    except GradcliError as e:
        raise runtime(f"shape '[{', '.join(str(s) for s in given)}]' is invalid for input of "
                      f"size {t.data.size}") from e
    return apply(OPS["reshape"], (t,), {"shape": new})


@tensor_method("view_as", "reshape_as")
def view_as(input, other):
    return reshape(input, *other.data.shape)


@torch_fn("flatten", method="flatten")
def flatten(input, start_dim=0, end_dim=-1):
    t = _tensor(input, "flatten")
    if t.data.ndim == 0:
        return reshape(t, 1)
    s, e = _dim(start_dim, t.data.ndim), _dim(end_dim, t.data.ndim)
    if s > e:
        raise runtime("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return t
    shp = t.data.shape
    return reshape(t, *(shp[:s] + (math.prod(shp[s:e + 1]),) + shp[e + 1:]))


@torch_fn("t", method="t")
def t_(input):
    t = _tensor(input, "t")
    if t.data.ndim > 2:
        raise runtime(f"t() expects a tensor with <= 2 dimensions, but self is {t.data.ndim}D")
    return apply(OPS["t"], (t,))


@torch_fn("transpose", "swapaxes", method=("transpose", "swapaxes"))
def transpose(input, dim0, dim1):
    t = _tensor(input, "transpose")
    return apply(OPS["transpose"], (t,), {"dim0": _dim(dim0, t.data.ndim),
                                          "dim1": _dim(dim1, t.data.ndim)})


@torch_fn("permute", method="permute")
def permute(input, *dims):
    t = _tensor(input, "permute")
    dims = tuple(_dim(d, t.data.ndim) for d in _shape_args(dims))
    if sorted(dims) != list(range(t.data.ndim)):
        raise runtime("permute(sparse_coo): number of dimensions in the tensor input does not "
                      "match the length of the desired ordering of dimensions i.e. input.dim() = "
                      f"{t.data.ndim} is not equal to len(dims) = {len(dims)}")
    return apply(OPS["permute"], (t,), {"dims": dims})


@attribute("T")
def T(t):
    return apply(OPS["permute"], (t,), {"dims": tuple(range(t.data.ndim))[::-1]})


@attribute("mT")
def mT(t):
    if t.data.ndim == 0:  # torch: deprecated identity, the tensor itself
        return t
    if t.data.ndim == 1:
        raise runtime("tensor.mT is only supported on matrices or batches of matrices. "
                      "Got 1-D tensor.")
    return apply(OPS["mT"], (t,))


@torch_fn("unsqueeze", method="unsqueeze")
def unsqueeze(input, dim):
    t = _tensor(input, "unsqueeze")
    return apply(OPS["unsqueeze"], (t,), {"dim": _dim(dim, t.data.ndim + 1)})


@torch_fn("squeeze", method="squeeze")
def squeeze(input, dim=None):
    t = _tensor(input, "squeeze")
    if dim is None:
        return apply(OPS["squeeze"], (t,))
    return apply(OPS["squeeze_dim"], (t,), {"dim": _dim(dim, t.data.ndim)})


@tensor_method("expand")
def expand(input, *sizes):
    t = input
    sizes = _shape_args(sizes)
    if len(sizes) < t.data.ndim:
        raise runtime(f"expand({dtypes.torch_name(t.data.dtype).replace('torch.', 'torch.')}"
                      f"{{{list(t.data.shape)}}}, size=[{', '.join(map(str, sizes))}]): the number "
                      f"of sizes provided ({len(sizes)}) must be greater or equal to the number of "
                      f"dimensions in the tensor ({t.data.ndim})")
    lead = len(sizes) - t.data.ndim
    shape = []
    for i, s in enumerate(sizes):
        cur = t.data.shape[i - lead] if i >= lead else 1
        if s == -1:
            s = cur
        elif cur != 1 and cur != s:
            raise runtime(f"The expanded size of the tensor ({s}) must match the existing size "
                          f"({cur}) at non-singleton dimension {i}.  Target sizes: "
                          f"[{', '.join(map(str, sizes))}].  Tensor sizes: "
                          f"[{', '.join(map(str, t.data.shape))}]")
        shape.append(s)
    check_elements(shape)
    return apply(OPS["expand"], (t,), {"shape": tuple(shape)})


@tensor_method("expand_as")
def expand_as(input, other):
    return expand(input, *other.data.shape)


def _tensor_list(tensors, fname):
    if not isinstance(tensors, (list, tuple)) or not tensors:
        raise type_error(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors")
    for x in tensors:
        _tensor(x, fname, "tensors")
    return list(tensors)


@torch_fn("cat", "concat", "concatenate")
def cat(tensors, dim=0):
    ts = _tensor_list(tensors, "cat")
    for i, x in enumerate(ts):
        if x.data.ndim == 0:
            raise runtime(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = _dim(dim, ts[0].data.ndim)
    ref = ts[0].data.shape
    for i, x in enumerate(ts[1:], 1):
        s = x.data.shape
        if len(s) != len(ref):
            raise runtime(f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        for k in range(len(ref)):
            if k != d and s[k] != ref[k]:
                raise runtime(f"Sizes of tensors must match except in dimension {d}. Expected size "
                              f"{ref[k]} but got size {s[k]} for tensor number {i} in the list.")
    return apply(OPS["cat"], ts, {"dim": d})


@torch_fn("stack")
def stack(tensors, dim=0):
    ts = _tensor_list(tensors, "stack")
    for i, x in enumerate(ts[1:], 1):
        if x.data.shape != ts[0].data.shape:
            raise runtime(f"stack expects each tensor to be equal size, but got "
                          f"[{', '.join(map(str, ts[0].data.shape))}] at entry 0 and "
                          f"[{', '.join(map(str, x.data.shape))}] at entry {i}")
    return apply(OPS["stack"], ts, {"dim": _dim(dim, ts[0].data.ndim + 1)})


@torch_fn("unbind", method="unbind")
def unbind(input, dim=0):
    t = _tensor(input, "unbind")
    if t.data.ndim == 0:
        raise type_error("iteration over a 0-d tensor")
    d = _dim(dim, t.data.ndim)
    return tuple(apply(OPS["unbind"], (t,), {"key": (slice(None),) * d + (i,)})
                 for i in range(t.data.shape[d]))


@torch_fn("clone", method="clone")
def clone(input, memory_format=None):
    return apply(OPS["clone"], (_tensor(input, "clone"),))


@tensor_method("contiguous")
def contiguous(input, memory_format=None):
    return input


@torch_fn("detach", method="detach")
def detach(input):
    return Tensor(_tensor(input, "detach").data)


@tensor_method("to", "type")
def to(input, dtype=None, *args, **kwargs):
    dtype = kwargs.get("dtype", dtype)
    if dtype is None or isinstance(dtype, str) and dtype in ("cpu", "cuda"):
        return input
    target = dtypes.as_dtype(dtype)
    if target == input.data.dtype:
        return input
    return apply(OPS["to_dtype"], (input,), {"dtype": target})


for _m, _dtype in (("float", dtypes.FLOAT32), ("double", dtypes.FLOAT64), ("long", dtypes.INT64),
                   ("int", np.dtype(np.int32)), ("bool", dtypes.BOOL)):
    METHODS[_m] = (lambda dt: lambda input: to(input, dt))(_dtype)


@tensor_method("cpu", "cuda")
def cpu(input, *args, **kwargs):
    return input


# ---------------------------------------------------------------- indexing
def _index_key(t: Tensor, key):
    if not isinstance(key, tuple):
        key = (key,)
    return key


def getitem(t: Tensor, key) -> Tensor:
    """t[key] as PyTorch applies it: basic indices one at a time, left to right (select,
    slice, unsqueeze: so the grad_fn is the last one's), advanced indices as one index op."""
    key = _index_key(t, key)
    if any(isinstance(k, (Tensor, list)) for k in key):
        return _advanced(t, key)
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if n_real > t.data.ndim:
        raise index_error(f"too many indices for tensor of dimension {t.data.ndim}")
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise index_error("an index can only have a single ellipsis ('...')")
    out, dim = t, 0
    for k in key:
        if k is Ellipsis:
            dim += t.data.ndim - n_real
        elif k is None:
            out = apply(OPS["unsqueeze"], (out,), {"dim": dim})
            dim += 1
        elif isinstance(k, (bool, int, np.integer)) and not isinstance(k, bool):
            size = out.data.shape[dim]
            if not -size <= k < size:
                raise index_error(f"index {k} is out of bounds for dimension {dim} with size {size}")
            out = apply(OPS["select"], (out,), {"key": (slice(None),) * dim + (int(k),)})
        elif isinstance(k, slice):
            if k.step is not None and k.step <= 0:
                raise value_error("step must be greater than zero")
            if k != slice(None):
                out = apply(OPS["slice"], (out,), {"key": (slice(None),) * dim + (k,)})
            dim += 1
        else:
            raise index_error("only integers, slices (`:`), ellipsis (`...`), None and long or "
                              "byte Variables are valid indices (got " + _type_name(k) + ")")
    if out is t:
        out = apply(OPS["alias"], (t,), {"key": ()})
    return out


def _advanced(t: Tensor, key):
    np_key = []
    for k in key:
        if isinstance(k, Tensor):
            if k.data.dtype.kind not in "iub":
                raise index_error("tensors used as indices must be long, int, byte or bool tensors")
            np_key.append(k.data)
        elif isinstance(k, list):
            np_key.append(data_to_array(k))
        else:
            np_key.append(k)
    np_key = tuple(np_key)
    try:
        t.data[np_key]
    except IndexError as e:
        raise index_error(str(e)) from None
    return apply(OPS["index"], (t,), {"key": np_key})


def setitem(t: Tensor, key, value) -> None:
    """t[key] = value: an in-place write (allowed where PyTorch allows it without a graph)."""
    _check_inplace(t)
    if grad_mode.is_enabled() and (t.requires_grad or
                                   isinstance(value, Tensor) and value.requires_grad):
        raise runtime("gradcli does not record index assignment (t[...] = value) in the graph; "
                      "do it under torch.no_grad() or on a tensor that does not require grad")
    key = _index_key(t, key)
    np_key = tuple(k.data if isinstance(k, Tensor) else k for k in key)
    t.data[np_key] = value.data if isinstance(value, Tensor) else value


# ---------------------------------------------------------------- in-place updates
def _check_inplace(t: Tensor):
    if grad_mode.is_enabled() and t.requires_grad and t.grad_fn is None:
        raise runtime("a leaf Variable that requires grad is being used in an in-place operation.")


def inplace(t: Tensor, result: Tensor) -> Tensor:
    """Make `t` hold `result` in place. Without a graph the array itself is overwritten (so
    `.data` views and `.grad` references see it); with one, `t` takes over the result's
    history and the node's reference to the old `t` is moved to a snapshot of it."""
    if dtypes.category(result.data.dtype) > dtypes.category(t.data.dtype):
        raise runtime(f"result type {_scalar_type(result.data.dtype)} can't be cast to the desired "
                      f"output type {_scalar_type(t.data.dtype)}")
    if result.grad_fn is not None:
        old = Tensor(t.data.copy(), t.requires_grad, t.grad_fn)
        fn = result.grad_fn
        fn.inputs = tuple(old if x is t else x for x in fn.inputs)
        t.data, t.grad_fn, t.requires_grad = result.data, fn, True
        return t
    if t.data.flags.writeable and t.data.shape == np.broadcast_shapes(t.data.shape,
                                                                      result.data.shape):
        np.copyto(t.data, result.data, casting="unsafe")
    elif t.data.shape != np.broadcast_shapes(t.data.shape, result.data.shape):
        raise runtime(f"output with shape [{', '.join(map(str, t.data.shape))}] doesn't match the "
                      f"broadcast shape [{', '.join(map(str, result.data.shape))}]")
    else:
        t.data = result.data.astype(t.data.dtype)
    return t


def _inplace_method(fn):
    def method(self, *args, **kwargs):
        _check_inplace(self)
        return inplace(self, fn(self, *args, **kwargs))
    return method


for _m, _fn in (("add_", add), ("sub_", sub), ("mul_", mul), ("div_", div), ("pow_", pow),
                ("clamp_", clamp), ("neg_", neg)):
    METHODS[_m] = _inplace_method(_fn)
METHODS["relu_"] = _inplace_method(lambda t: apply(OPS["relu"], (t,)))


@tensor_method("zero_")
def zero_(self):
    _check_inplace(self)
    return inplace(self, Tensor(np.zeros_like(self.data)))


@tensor_method("fill_")
def fill_(self, value):
    _check_inplace(self)
    v = value.data if isinstance(value, Tensor) else value
    return inplace(self, Tensor(np.full_like(self.data, v)))


@tensor_method("copy_")
def copy_(self, src):
    _check_inplace(self)
    src = _tensor(src, "copy_", "src")
    if broadcast_shape(self.data.shape, src.data.shape) != self.data.shape:
        raise runtime(f"output with shape [{', '.join(map(str, self.data.shape))}] doesn't "
                      f"match the broadcast shape "
                      f"[{', '.join(map(str, broadcast_shape(self.data.shape, src.data.shape)))}]")
    if grad_mode.is_enabled() and src.requires_grad:
        return inplace(self, apply(OPS["copy"], (expand(src, *self.data.shape),)))
    return inplace(self, Tensor(np.broadcast_to(src.data, self.data.shape).astype(self.data.dtype)))


@tensor_method("requires_grad_")
def requires_grad_(self, requires_grad=True):
    set_requires_grad(self, requires_grad)
    return self


def set_requires_grad(t: Tensor, value) -> None:
    if t.grad_fn is not None and not value:
        raise runtime("you can only change requires_grad flags of leaf variables. If you want to "
                      "use a computed variable in a subgraph that doesn't require differentiation "
                      "use var_no_grad = var.detach().")
    if value and t.data.dtype.kind != "f":
        raise runtime("only Tensors of floating point dtype can require gradients")
    if t.grad_fn is None:
        t.requires_grad = bool(value)


@tensor_method("retain_grad")
def retain_grad(self):
    if not self.requires_grad:
        raise runtime("can't retain_grad on Tensor that has requires_grad=False")
    if self.grad_fn is not None:
        self.retains_grad = True


# ---------------------------------------------------------------- autograd and queries
@tensor_method("backward")
def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    autograd.run_backward([self], [gradient], retain_graph=retain_graph, create_graph=create_graph)


FUNCTIONS["autograd.grad"] = autograd.grad


@torch_fn("autograd.backward")
def autograd_backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
                      inputs=None):
    ts = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None:
        gs = [None] * len(ts)
    else:
        gs = [grad_tensors] if isinstance(grad_tensors, Tensor) else list(grad_tensors)
    autograd.run_backward(ts, gs, retain_graph=retain_graph, create_graph=create_graph)


@tensor_method("item")
def item(self):
    if self.data.size != 1:
        raise runtime(f"a Tensor with {self.data.size} elements cannot be converted to Scalar")
    return self.data.reshape(()).item()


@tensor_method("tolist")
def tolist(self):
    return self.data.tolist()


@tensor_method("size")
def size(self, dim=None):
    if dim is None:
        return Size(self.data.shape)
    return self.data.shape[_dim(dim, self.data.ndim)]


@tensor_method("dim", "ndimension")
def dim_(self):
    return self.data.ndim


@tensor_method("numel", "nelement")
def numel(self):
    return int(self.data.size)


@torch_fn("numel")
def numel_fn(input):
    return numel(_tensor(input, "numel"))


@tensor_method("is_floating_point")
def is_floating_point(self):
    return self.data.dtype.kind == "f"


@torch_fn("is_tensor")
def is_tensor(obj):
    return isinstance(obj, Tensor)


ATTRIBUTES.update({
    "grad": lambda t: t.grad,
    "data": lambda t: Tensor(t.data),
    "is_leaf": lambda t: t.grad_fn is None,
    "requires_grad": lambda t: t.requires_grad,
    "grad_fn": lambda t: t.grad_fn,
    "shape": lambda t: Size(t.data.shape),
    "dtype": lambda t: dtypes.dtype_object(t.data.dtype),
    "ndim": lambda t: t.data.ndim,
    "device": lambda t: "cpu",
    "retains_grad": lambda t: t.retains_grad,
})


def _set_grad(t: Tensor, value) -> None:
    if value is not None:
        _tensor(value, "grad", "value")
        if value.data.shape != t.data.shape:
            raise runtime("assigned grad has data of a different size")
    t.grad = value


def _set_data(t: Tensor, value) -> None:
    t.data = _tensor(value, "data", "value").data


SETTERS.update({"grad": _set_grad, "requires_grad": set_requires_grad, "data": _set_data})

# grad_fn objects: what programs may read of them
NODE_ATTRIBUTES = {
    "next_functions": lambda n: n.next_functions,
    "variable": lambda n: n.variable if isinstance(n, AccumulateGrad) else None,
}
# torch names the C++ class of a leaf's grad accumulator in full
NODE_METHODS = {"name": lambda n: "torch::autograd::AccumulateGrad"
                if isinstance(n, AccumulateGrad) else n.name()}
NODE_TYPES = (Node, AccumulateGrad)


# torch.nn.functional names that rows declare but a hand-written wrapper above serves
for _n in surface.nn_names():
    if _n not in NN_FUNCTIONS:
        NN_FUNCTIONS[_n] = FUNCTIONS[_n]


# ---------------------------------------------------------------- Python operators on Tensor
def _scalar(t: Tensor):
    if t.data.size != 1:
        raise value_error("only one element tensors can be converted to Python scalars")
    return t.data.reshape(()).item()


def _index_value(t: Tensor) -> int:
    if t.data.size != 1 or t.data.dtype.kind not in "iub":
        raise type_error("only integer tensors of a single element can be converted to an index")
    return int(t.data.reshape(()).item())


def _format(t: Tensor, spec: str) -> str:
    """torch.Tensor.__format__: a 0-d tensor formats as its item, others as their repr."""
    if t.data.ndim == 0:
        return format(t.data.item(), spec)
    if spec:
        raise type_error("unsupported format string passed to Tensor.__format__")
    return repr(t)


def _attach_operators():
    def rev(fn):
        return lambda a, b: fn(b, a)

    ops = {
        "__add__": add, "__radd__": add, "__sub__": sub, "__rsub__": lambda a, b: sub(b, a),
        "__mul__": mul, "__rmul__": mul, "__truediv__": div, "__rtruediv__": rev(div),
        "__floordiv__": floor_divide, "__rfloordiv__": rev(floor_divide),
        "__mod__": remainder, "__rmod__": rev(remainder),
        "__pow__": pow, "__rpow__": rev(pow), "__matmul__": matmul, "__rmatmul__": rev(matmul),
        "__neg__": neg, "__pos__": lambda a: a, "__abs__": abs_,
        "__lt__": FUNCTIONS["lt"], "__le__": FUNCTIONS["le"], "__gt__": FUNCTIONS["gt"],
        "__ge__": FUNCTIONS["ge"], "__eq__": FUNCTIONS["eq"], "__ne__": FUNCTIONS["ne"],
        "__getitem__": getitem,
        "__float__": lambda t: float(_scalar(t)), "__int__": lambda t: int(_scalar(t)),
        "__index__": _index_value, "__iter__": lambda t: iter(unbind(t)),
        "__format__": _format,
    }
    for name, fn in ops.items():
        setattr(Tensor, name, fn)
    Tensor.__hash__ = object.__hash__


_attach_operators()
