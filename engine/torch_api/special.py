"""torch.X / Tensor.X of engine/ops/special.py's rows whose call picks a row (a number or a
tensor argument, the order first in polygamma), and the torch.special namespace: each name
an alias of a row's wrapper, bound by PyTorch's special_X signature (its TypeErrors name
special_X), or a composite as PyTorch builds it (ndtr)."""

import math

from .. import dtypes
from ..apply import apply, broadcast_shape
from ..errors import TorchError, UnsupportedError, runtime
from ..ops import OPS
from ..ops.signature import Signature
from ..tensor import Tensor
from .args import _scalar_type
from .registry import FUNCTIONS, METHODS, SPECIAL_FUNCTIONS

_OUT = "*, Tensor out = None"


def _no_out(name, b):
    if b.get("out") is not None:
        raise UnsupportedError(f"{name}(): the out= argument is not supported by gradcli")


def _surface(name, sig, run, method=True, functions=FUNCTIONS, methods=METHODS):
    """Register torch.<name> (and Tensor.<name>): bind, refuse out=, run(index, bound)."""
    msig = sig.method()

    def fn(*args, **kwargs):
        i, b = sig.bind(args, kwargs)
        _no_out(sig.name, b)
        return run(i, b)

    def m(self, *args, **kwargs):
        i, b = msig.bind(args, kwargs)
        first = sig.overloads[0].params[0].name
        return run(i, {first: self, **b})
    fn.__name__ = m.__name__ = name
    if functions is not None:
        functions[name] = fn
    if method and methods is not None:
        methods[name] = m
    return fn


def _floats_only(kernel, *ts):
    for t in ts:
        if isinstance(t, Tensor) and t.data.dtype.kind in "biu":
            name = "Bool" if t.data.dtype.kind == "b" else _scalar_type(t.data.dtype)
            raise TorchError(f'"{kernel}" not implemented for \'{name}\'',
                             type_name="NotImplementedError")


# ---------------------------------------------------------------- polygamma, mvlgamma
def _polygamma(i, b):
    n = b["n"]
    if n < 0:
        raise runtime("polygamma(n, x) does not support negative n.")
    return apply(OPS["polygamma"], (b["input"],), {"n": n})


_POLYGAMMA = OPS["polygamma"].signature
_surface("polygamma", _POLYGAMMA, _polygamma, method=False)


def _polygamma_method(self, *args, **kwargs):
    b = Signature("polygamma", "(int n)").bind(args, kwargs)[1]
    return _polygamma(0, {"n": b["n"], "input": self})


METHODS["polygamma"] = _polygamma_method


def _mvlgamma(fname):
    def run(i, b):
        x, p = b["input"], b["p"]
        if p < 1:
            raise runtime("p has to be greater than or equal to 1")
        if x.data.dtype.kind in "biu":
            raise runtime("mvlgamma is not implemented for integral types")  # (rare: untested)
        return apply(OPS["mvlgamma"], (x,), {"p": p})
    return run


_surface("mvlgamma", OPS["mvlgamma"].signature, _mvlgamma("mvlgamma"))


# ---------------------------------------------------------------- xlogy, xlog1py, copysign
def _three(name):
    return Signature(name, f"(Tensor input, Tensor other, {_OUT})",
                     f"(Number self, Tensor other, {_OUT})", f"(Tensor input, Number other, {_OUT})")


def _log_run(row):
    def run(i, b):
        if i == 0:
            return apply(OPS[row], (b["input"], b["other"]))
        if i == 1:
            return apply(OPS[row + "_scalar_self"], (b["other"], b["self"]))
        return apply(OPS[row + "_scalar_other"], (b["input"], b["other"]))
    return run


_surface("xlogy", _three("xlogy"), _log_run("xlogy"))
_COPYSIGN = Signature("copysign", f"(Tensor input, Tensor other, {_OUT})",
                      f"(Tensor input, Number other, {_OUT})")
_surface("copysign", _COPYSIGN, lambda i, b: apply(
    OPS["copysign" if i == 0 else "copysign_scalar"], (b["input"], b["other"])))


# ---------------------------------------------------------------- lerp, addcmul, addcdiv, dist
_LERP = Signature("lerp", f"(Tensor input, Tensor end, Tensor weight, {_OUT})",
                  f"(Tensor input, Tensor end, Number weight, {_OUT})")


def _c_name(dt) -> str:
    """c10's lower-case type names (float, double, long), as lerp's message prints them."""
    return {"Long": "long int", "Short": "short int"}.get(_scalar_type(dt),
                                                        _scalar_type(dt).lower())


def _lerp(i, b):
    x, end, w = b["input"], b["end"], b["weight"]
    dt = x.data.dtype
    if end.data.dtype != dt:
        raise runtime(f"expected dtype {_c_name(dt)} for `end` but got dtype "
                      f"{_c_name(end.data.dtype)}")
    if i == 0 and w.data.dtype != dt:
        raise runtime(f"expected dtype {_c_name(dt)} for `weight` but got "
                      f"dtype {_c_name(w.data.dtype)}")
    shape = broadcast_shape(x.data.shape, end.data.shape)  # PyTorch's message for shapes
    if i == 0:
        broadcast_shape(shape, w.data.shape)
        _floats_only("lerp_kernel_tensor", x)
        return apply(OPS["lerp_tensor"], (x, end, w))
    _floats_only("lerp_kernel_scalar", x)
    return apply(OPS["lerp"], (x, end), {"weight": w})


_surface("lerp", _LERP, _lerp)


def _addc(name):
    def run(i, b):
        x, t1, t2, value = b["input"], b["tensor1"], b["tensor2"], b["value"]
        shape = broadcast_shape(broadcast_shape(x.data.shape, t1.data.shape), t2.data.shape)
        del shape  # (PyTorch's message for shapes that do not broadcast)
        if name == "addcdiv" and t1.data.dtype.kind in "biu" and t2.data.dtype.kind in "biu":
            raise runtime("Integer division with addcdiv is no longer supported, and in a "
                          "future  release addcdiv will perform a true division of tensor1 and "
                          "tensor2. The historic addcdiv behavior can be implemented as (input "
                          "+ value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                          "integer inputs and as (input + value * tensor1 / tensor2) for float "
                          "inputs. The future addcdiv behavior is just the latter "
                          "implementation: (input + value * tensor1 / tensor2), for all dtypes.")
        return apply(OPS[name], (x, t1, t2), {"value": value})
    return run


for _n in ("addcmul", "addcdiv"):
    _surface(_n, Signature(_n, "(Tensor input, Tensor tensor1, Tensor tensor2, *, Scalar value "
                               "= 1, Tensor out = None)"), _addc(_n))


def _dist(i, b):
    x, y, p = b["input"], b["other"], float(b["p"])
    broadcast_shape(x.data.shape, y.data.shape)
    if x.data.dtype.kind != "f" and y.data.dtype.kind != "f":
        raise runtime(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                      f"input. Got {_scalar_type(x.data.dtype)}")
    if p < 0 or p == math.inf:
        if x.data.size == 0 or y.data.size == 0:
            raise runtime(f"linalg.vector_norm cannot compute the {p:g} norm on an empty tensor "
                          f"because the operation does not have an identity")
    return apply(OPS["dist"], (x, y), {"p": p})


_surface("dist", Signature("dist", "(Tensor input, Tensor other, Scalar p = 2)"), _dist)


# ---------------------------------------------------------------- float_power
_FLOAT_POWER = Signature("float_power", f"(Tensor input, Tensor exponent, {_OUT})",
                         f"(Number self, Tensor exponent, {_OUT})",
                         f"(Tensor input, Number exponent, {_OUT})")


def _double(t):
    """PyTorch's float_power casts to float64 first (ToCopyBackward0 when it differs)."""
    return t if t.data.dtype == dtypes.FLOAT64 else METHODS["to"](t, dtypes.TORCH_DTYPES["float64"])


def _float_power(i, b):
    if i == 0:
        return FUNCTIONS["pow"](_double(b["input"]), _double(b["exponent"]))
    if i == 1:
        return FUNCTIONS["pow"](float(b["self"]), _double(b["exponent"]))
    return FUNCTIONS["pow"](_double(b["input"]), float(b["exponent"]))


_surface("float_power", _FLOAT_POWER, _float_power)


# ---------------------------------------------------------------- torch.special
def _special(name, texts, run):
    sig = Signature(f"special_{name}", *texts)

    def fn(*args, **kwargs):
        i, b = sig.bind(args, kwargs)
        _no_out(sig.name, b)
        return run(i, b)
    fn.__name__ = name
    SPECIAL_FUNCTIONS[name] = fn


def _unary_alias(name, target):
    _special(name, [f"(Tensor input, {_OUT})"], lambda i, b: target(b["input"]))


def _row(row):
    return lambda x: apply(OPS[row], (x,))


for _name, _target in (("expit", "sigmoid"), ("erf", "erf"), ("erfc", "erfc"),
                       ("erfcx", "special_erfcx"), ("erfinv", "erfinv"), ("digamma", "digamma"),
                       ("psi", "digamma"), ("gammaln", "lgamma"), ("i0", "i0"),
                       ("i1", "special_i1"), ("sinc", "sinc"), ("entr", "special_entr"),
                       ("log1p", "log1p"), ("expm1", "expm1"), ("exp2", "exp2"),
                       ("log_ndtr", "special_log_ndtr")):
    _unary_alias(_name, _row(_target))


def _ndtr(x):
    """PyTorch's special_ndtr: (1 + erf(x * M_SQRT1_2)) * 0.5."""
    if x.data.dtype.kind in "biu":  # integers compute in the default float
        x = METHODS["to"](x, dtypes.dtype_object(dtypes.default_float()))
    scaled = apply(OPS["mul_scalar"], (x, math.sqrt(0.5)))  # C++ Scalar products: Backward1
    return apply(OPS["mul_scalar"], (apply(OPS["add_scalar"], (FUNCTIONS["erf"](scaled),),
                                           {"other": 1.0}), 0.5))


_unary_alias("ndtr", _ndtr)
_special("logit", [f"(Tensor input, float? eps = None, {_OUT})"],
         lambda i, b: FUNCTIONS["logit"](b["input"], b["eps"]))
_special("xlogy", _three("special_xlogy").texts(), _log_run("xlogy"))
_special("xlog1py", _three("special_xlog1py").texts(), _log_run("special_xlog1py"))
_special("polygamma", [f"(int n, Tensor input, {_OUT})"], _polygamma)
_special("multigammaln", [f"(Tensor input, int p, {_OUT})"], _mvlgamma("special_multigammaln"))
_special("round", ["(Tensor input, *, int decimals = 0, Tensor out = None)"],
         lambda i, b: FUNCTIONS["round"](b["input"], decimals=b["decimals"]))
_special("softmax", ["(Tensor input, int dim, torch.dtype? dtype = None)"],
         lambda i, b: FUNCTIONS["softmax"](b["input"], b["dim"], dtype=b["dtype"]))
_special("log_softmax", ["(Tensor input, int dim, *, torch.dtype? dtype = None)"],
         lambda i, b: FUNCTIONS["log_softmax"](b["input"], b["dim"], dtype=b["dtype"]))
