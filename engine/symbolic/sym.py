"""Traced symbolic values: what the op table's VJP rules receive during `derive`.

A `Sym` pairs an expression with its numeric value at the point being derived (shapes,
dtypes and the constants a rule reads come from the value). `dual.f(sym)` calls
`sym.trace_op`, which builds the canonical expression of the op and computes its value
with the op's own forward, so the very rules of the op table (`engine/ops/`) produce symbolic
derivatives and there is no second table of derivative rules.

Rules also use numpy on `raw(x)` for masks. On a Sym these mean what they say where they
have a symbolic meaning: `x > 0` becomes the indicator expression, `np.sign(x)` the sign
op, `np.where(c, a, b)` the where op. An equality test of a varying expression against a
constant (`raw(b) != 0` in pow's rule) is decided as it holds almost everywhere, and the
assumption ("w != 0") is recorded. Anything else (taking the value as a number, argmax,
...) raises NotSymbolic: the derivative through that op cannot be written symbolically."""

import warnings
from contextlib import contextmanager

import numpy as np

from .. import dual as D
from ..dual import Traced
from ..ops import OPS
from .build import build
from .expr import Expr, array_node, const, freeze, is_number
from .simplify import expand


class NotSymbolic(Exception):
    """A rule did something with a symbolic value that has no symbolic meaning."""


class Context:
    """The variables being differentiated (everything else is a constant) and the
    almost-everywhere assumptions made so far."""

    def __init__(self, varying=frozenset()):
        self.varying = frozenset(varying)
        self.assumptions: dict = {}  # (expr, constant repr) -> (expr, constant)

    def assume_not_equal(self, expr: Expr, value) -> None:
        v = np.asarray(value)
        self.assumptions.setdefault((expr, v.tobytes(), v.shape), (expr, v))


_STACK = [Context()]


def context() -> Context:
    return _STACK[-1]


@contextmanager
def deriving(varying):
    ctx = Context(varying)
    _STACK.append(ctx)
    try:
        yield ctx
    finally:
        _STACK.pop()


class GenericNumber(float):
    """`float(raw(o))` of a varying value: the value at the point, usable only to test
    (in)equality with a constant (norm's rule: `if float(raw(o)) != 0`), decided as it
    holds almost everywhere. Any arithmetic with it raises NotSymbolic, and a rule that
    passes it on to an op is refused, so no point-specific number enters an expression."""

    def __new__(cls, value, expr):
        obj = float.__new__(cls, value)
        obj.expr = expr
        return obj

    def _test(self, other, result):
        if not is_number(other) or isinstance(other, GenericNumber):
            raise NotSymbolic("compares the value as a number")
        context().assume_not_equal(self.expr, other)
        return result

    def __eq__(self, other):
        return self._test(other, False)

    def __ne__(self, other):
        return self._test(other, True)

    __hash__ = float.__hash__

    def _refuse(self, *args):
        raise NotSymbolic("computes with the value as a number")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _refuse
    __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = __bool__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = __int__ = __round__ = __trunc__ = _refuse
    __floor__ = __ceil__ = __divmod__ = __rdivmod__ = _refuse


# float(sym) hands a rule a GenericNumber (a float subclass) on purpose; Python notes that
# a subclass is deprecated there, which is about this very case only
warnings.filterwarnings("ignore", message=r".*__float__ returned non-float \(type GenericNumber\)",
                        category=DeprecationWarning)


def to_expr(x) -> Expr:
    """A rule's argument as an expression: Syms, numbers and constant arrays."""
    if isinstance(x, Sym):
        return x.expr
    if isinstance(x, GenericNumber):
        raise NotSymbolic("uses the value as a number")
    if is_number(x):
        return const(x)
    a = np.asarray(x.data if hasattr(x, "grad_fn") else x)
    if a.ndim == 0:
        return const(a.item())
    if a.size and a.dtype.kind in "biuf" and np.all(a == a.flat[0]):
        return expand(const(a.flat[0].item()), a.shape)
    return array_node(a)


def value_of(x):
    if isinstance(x, GenericNumber):
        raise NotSymbolic("uses the value as a number")
    return x.value if isinstance(x, Sym) else x


def trace(op, args, params) -> "Sym":
    """Apply an op of the table to Syms (and constants): expression and value."""
    with np.errstate(all="ignore"):
        value = np.asarray(op.forward(*(value_of(a) for a in args),
                                      **{k: value_of(v) for k, v in params.items()}))
    frozen = tuple(sorted((k, v.expr if isinstance(v, Sym) else freeze(v))
                          for k, v in params.items()))
    return Sym(build(op.name, [to_expr(a) for a in args], frozen, value.shape), value)


def _op(name):
    return OPS[name]


_FLIP = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}


def _ufunc_ops() -> dict:
    table = {}
    for name, op in OPS.items():
        # a forward wrapping a ufunc for torch's edge values (sign(nan)) names it as `ufunc`
        fwd = getattr(op.forward, "ufunc", op.forward)
        if isinstance(fwd, np.ufunc):
            table.setdefault(fwd, name)
    return table


_UFUNCS: dict = {}


class Sym(Traced):
    """An expression with its value. Either may be given as a function computing it on
    first use (the forward graph's expressions are built only when a rule reads them)."""

    __slots__ = ("_expr", "_value", "_varies")

    def __init__(self, expr, value, varies=None):
        self._expr, self._value, self._varies = expr, value, varies

    @property
    def expr(self) -> Expr:
        if callable(self._expr):
            self._expr = self._expr()
        return self._expr

    @property
    def value(self) -> np.ndarray:
        if callable(self._value):
            self._value = self._value()
        return self._value

    @property
    def varies(self) -> bool:
        if self._varies is None:
            self._varies = bool(self.expr.syms & context().varying)
        return self._varies

    # -- what rules read of raw(x)
    shape = property(lambda self: self.value.shape)
    ndim = property(lambda self: self.value.ndim)
    size = property(lambda self: self.value.size)
    dtype = property(lambda self: self.value.dtype)

    def trace_op(self, op, args, params):
        return trace(op, args, params)

    def __repr__(self) -> str:
        return f"Sym({self.expr!r})"

    __hash__ = object.__hash__

    # -- arithmetic (rules write raw(a) * beta, raw(a) / raw(b), mask / mask.sum())
    def __add__(self, o):
        return D.add(self, o)

    def __radd__(self, o):
        return D.add(o, self)

    def __sub__(self, o):
        return D.sub(self, o)

    def __rsub__(self, o):
        return D.sub(o, self)

    def __mul__(self, o):
        return D.mul(self, o)

    def __rmul__(self, o):
        return D.mul(o, self)

    def __truediv__(self, o):
        return D.div(self, o)

    def __rtruediv__(self, o):
        return D.div(o, self)

    def __neg__(self):
        return D.neg(self)

    def __pow__(self, o):
        return D.pow(self, o) if isinstance(o, Sym) else D.pow_scalar(self, o)

    def __rpow__(self, o):
        return D.rpow(self, o)

    def sum(self, *a, **k):
        if a or k:
            raise NotSymbolic("calls .sum with arguments")
        return trace(_op("sum"), (self,), {})

    def astype(self, dtype, *a, **k):
        if not self.varies:
            return self.value.astype(dtype)
        return Sym(self.expr, self.value.astype(dtype), True)

    # -- comparisons and masks
    def _compare(self, name, other):
        o_sym = isinstance(other, Sym)
        if not self.varies:
            if not (o_sym and other.varies):
                return _op(name).forward(self.value, value_of(other))
            return other._compare(_FLIP[name], self)
        if name in ("eq", "ne"):
            if not (o_sym and other.varies):
                # a non-constant expression equals a constant only on a set of measure zero
                context().assume_not_equal(self.expr, value_of(other))
                return np.bool_(name == "ne")
            if self.expr is other.expr:
                return np.bool_(name == "eq")
        return trace(_op(name), (self, other), {})

    def __lt__(self, o):
        return self._compare("lt", o)

    def __le__(self, o):
        return self._compare("le", o)

    def __gt__(self, o):
        return self._compare("gt", o)

    def __ge__(self, o):
        return self._compare("ge", o)

    def __eq__(self, o):
        return self._compare("eq", o)

    def __ne__(self, o):
        return self._compare("ne", o)

    def __and__(self, o):
        o_sym = isinstance(o, Sym)
        if not self.varies:
            return o.__and__(self) if o_sym and o.varies else self.value & value_of(o)
        if o_sym and o.varies:
            return trace(_op("mul"), (self, o), {})  # and of two indicators
        c = np.asarray(value_of(o))
        if c.all():
            return self
        if not c.any():
            return np.zeros(np.broadcast_shapes(self.shape, c.shape), dtype=bool)
        return trace(_op("mul"), (self, c), {})

    __rand__ = __and__

    def __or__(self, o):
        if not self.varies and not (isinstance(o, Sym) and o.varies):
            return self.value | value_of(o)
        raise NotSymbolic("combines conditions with |")

    __ror__ = __or__

    def __invert__(self):
        if not self.varies:
            return ~self.value
        return trace(_op("logical_not"), (self,), {})

    # -- numpy on a Sym
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if not any(isinstance(x, Sym) and x.varies for x in inputs):
            return getattr(ufunc, method)(*(value_of(x) for x in inputs), **kwargs)
        if method != "__call__" or kwargs:
            raise NotSymbolic(f"uses numpy {ufunc.__name__}.{method}")
        if not _UFUNCS:
            _UFUNCS.update(_ufunc_ops())
        name = _UFUNCS.get(ufunc)
        if ufunc in (np.logical_and, np.bitwise_and):
            a, b = inputs
            return a.__and__(b) if isinstance(a, Sym) else b.__and__(a)
        if ufunc in (np.logical_not, np.invert):
            return inputs[0].__invert__()
        if name in _FLIP:
            a, b = inputs
            return a._compare(name, b) if isinstance(a, Sym) and a.varies else \
                b._compare(_FLIP[name], a)
        if ufunc is np.power:
            a, b = inputs
            if not isinstance(a, Sym):
                return D.rpow(b, a)
            return D.pow(a, b) if isinstance(b, Sym) else D.pow_scalar(a, b)
        if name is None:
            raise NotSymbolic(f"uses numpy {ufunc.__name__}")
        return trace(_op(name), inputs, {})

    def __array_function__(self, func, types, args, kwargs):
        if func is np.where and len(args) == 3 and not kwargs:
            cond, a, b = args
            cond = cond if isinstance(cond, Sym) and cond.varies else value_of(cond)
            return trace(_op("where"), (a, b), {"cond": cond})
        flat = list(args) + [x for a in args if isinstance(a, (list, tuple)) for x in a]
        if any(isinstance(x, Sym) and x.varies for x in flat):
            raise NotSymbolic(f"uses numpy {func.__name__}")

        def unwrap(x):
            if isinstance(x, (list, tuple)):
                return type(x)(unwrap(y) for y in x)
            return value_of(x)

        return func(*unwrap(list(args)), **{k: unwrap(v) for k, v in kwargs.items()})

    def __array__(self, dtype=None, copy=None):
        if self.varies:
            raise NotSymbolic("converts the value to an array")
        return np.asarray(self.value, dtype=dtype)

    def _number(self, kind):
        if self.varies:
            raise NotSymbolic(f"needs the value as a Python {kind.__name__}")
        return kind(self.value)

    def __float__(self):
        if self.varies and self.value.size == 1:
            return GenericNumber(float(self.value), self.expr)
        return self._number(float)

    def __int__(self):
        return self._number(int)

    def __index__(self):
        return self._number(int)

    def __bool__(self):
        return self._number(bool)

    def __len__(self):
        if self.varies:
            raise NotSymbolic("takes the length of a value")
        return len(self.value)

    def __getitem__(self, key):
        if self.varies:
            raise NotSymbolic("indexes the value with numpy")
        return self.value[key]

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise NotSymbolic(f"uses .{name} of the value")
