"""Symbolic expressions for `gradcli derive`: immutable, hash-consed nodes.

Every node is interned, so building the same expression twice gives the same object:
equality is identity and shared subexpressions are stored once (a DAG). What the
simplifier and printers ask of a node (shape, symbols, size, a stable hash) is cached at
construction from its children, so nothing here walks an expression recursively: deep
expressions (a 5,000-term sum, sin(sin(...)) 5,000 deep) cost no Python stack.

Kinds: "const" (a number: an exact Fraction or a float), "sym" (a variable), "array" (a
constant tensor), "add" (value = constant term, args = other terms), "mul" (value =
coefficient, args = other factors), "pow" (args = base, exponent) and "fn" (any other op
of the op table: op = its name, params = its frozen keyword parameters)."""

import math
import zlib
from fractions import Fraction

import numpy as np

_CODES = {"const": 1, "sym": 2, "array": 3, "add": 4, "mul": 5, "pow": 6, "fn": 7}
SIZE_CAP = 10**12
# An expression whose tree (shared parts counted each time they print) is this big cannot
# be printed within any sensible limit: derive stops early rather than grind on.
MAX_SIZE = 400_000


class TooLarge(Exception):
    """An expression past the size limits (derive reports a LimitError)."""


class Expr:
    # Interning makes equal expressions one object, so identity (object's own __eq__ and
    # __hash__, fast and C-level) is structural equality. `stable` is a structural hash
    # that is the same in every run (a deterministic tie-break for ordering).
    __slots__ = ("kind", "op", "args", "params", "value", "shape", "stable", "syms",
                 "size", "__weakref__")

    @property
    def children(self) -> tuple:
        """Argument nodes and expression-valued parameters (where's condition)."""
        extra = tuple(v for _, v in self.params if isinstance(v, Expr))
        return self.args + extra if extra else self.args


class FrozenArray:
    """A numpy array as a hashable parameter value or constant (compared by content)."""

    __slots__ = ("array", "_hash")

    def __init__(self, array):
        self.array = np.array(array)  # a private copy: nobody else may change it
        self.array.setflags(write=False)
        self._hash = zlib.crc32(self.array.tobytes()) ^ hash((self.array.shape,
                                                             str(self.array.dtype)))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other) -> bool:
        return (isinstance(other, FrozenArray) and self.array.dtype == other.array.dtype
                and self.array.shape == other.array.shape
                and self.array.tobytes() == other.array.tobytes())

    def __repr__(self) -> str:
        return f"FrozenArray({self.array.tolist()!r})"


class FrozenSlice:
    __slots__ = ("start", "stop", "step")

    def __init__(self, s: slice):
        self.start, self.stop, self.step = s.start, s.stop, s.step

    def _key(self):
        return (self.start, self.stop, self.step)

    def __hash__(self) -> int:
        return hash(("slice",) + self._key())

    def __eq__(self, other) -> bool:
        return isinstance(other, FrozenSlice) and self._key() == other._key()

    def __repr__(self) -> str:
        return f"slice{self._key()!r}"


# ---------------------------------------------------------------- numbers
MAX_EXACT = 10**15
MAX_DENOMINATOR = 2**20


def number(v):
    """A Python number in canonical form: an exact Fraction where the value is a small
    dyadic or integer (so 0.5 prints 1/2 and 2.0 prints 2), otherwise a float."""
    if isinstance(v, Fraction):
        if abs(v.numerator) > MAX_EXACT * v.denominator or v.denominator > MAX_DENOMINATOR:
            try:
                return float(v)
            except OverflowError:
                return math.copysign(math.inf, v)
        return v
    if isinstance(v, (bool, np.bool_)):
        return Fraction(int(v))
    if isinstance(v, (int, np.integer)):
        v = int(v)
        return Fraction(v) if abs(v) <= MAX_EXACT else float(v)
    if isinstance(v, np.ndarray) and v.ndim == 0:
        return number(v.item())
    v = float(v)
    if math.isfinite(v) and abs(v) <= MAX_EXACT:
        f = Fraction(v)
        if f.denominator <= MAX_DENOMINATOR:
            return f
        # a few ulps from a simple fraction is that fraction after rounding (sqrt(1/2)**2
        # is 0.5000000000000001): snapping lets like terms meet
        f = f.limit_denominator(1000)
        if abs(float(f) - v) <= 8e-16 * abs(v):
            return f
    return v


def is_number(x) -> bool:
    return isinstance(x, (int, float, Fraction, np.integer, np.floating, np.bool_, bool))


def num_add(a, b):
    return number(a + b)


def num_mul(a, b):
    return number(a * b)


def num_pow(a, b):
    """a**b, or None where the result is not a finite real number worth folding."""
    try:
        if isinstance(a, Fraction) and isinstance(b, Fraction) and b.denominator == 1:
            if a == 0 and b < 0:
                return None
            if abs(b.numerator) <= 64:
                return number(a ** b.numerator)
        r = float(a) ** float(b)
    except (OverflowError, ZeroDivisionError):
        return None
    if isinstance(r, complex) or not math.isfinite(r):
        return None
    return number(r)


# ---------------------------------------------------------------- parameters
def freeze(v):
    """A parameter value made hashable (tuples, arrays, slices; expressions stay as they
    are). Syms (derive's traced values) are frozen by the caller into their Expr."""
    if isinstance(v, (list, tuple)):
        return tuple(freeze(x) for x in v)
    if isinstance(v, np.ndarray):
        return FrozenArray(v)
    if isinstance(v, slice):
        return FrozenSlice(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def thaw(v, resolve=None):
    """The inverse of freeze; `resolve` maps an Expr parameter to its value."""
    if isinstance(v, tuple):
        return tuple(thaw(x, resolve) for x in v)
    if isinstance(v, FrozenArray):
        return v.array
    if isinstance(v, FrozenSlice):
        return slice(v.start, v.stop, v.step)
    if isinstance(v, Expr):
        return resolve(v) if resolve is not None else v
    return v


def _param_stable(params) -> int:
    parts = []
    for k, v in params:
        parts.append(zlib.crc32(k.encode()))
        parts.append(v.stable if isinstance(v, Expr) else zlib.crc32(repr(v).encode()))
    return hash(tuple(parts))


# ---------------------------------------------------------------- interning
_TABLE: dict = {}


def reset() -> None:
    """Forget every interned node (each derive run starts afresh; nodes made before a
    reset must not be mixed with nodes made after it)."""
    _TABLE.clear()


def _intern(kind, op, args, params, value, shape) -> Expr:
    key = (kind, op, args, params, value, shape)
    found = _TABLE.get(key)
    if found is not None:
        return found
    e = Expr()
    e.kind, e.op, e.args, e.params, e.value, e.shape = kind, op, args, params, value, shape
    code = _CODES[kind]
    if kind == "const":
        e.stable = hash((code, value))
        e.syms = frozenset()
        e.size = 1
    elif kind == "sym":
        e.stable = hash((code, zlib.crc32(op.encode()), shape))
        e.syms = frozenset((op,))
        e.size = 1
    elif kind == "array":
        e.stable = hash((code, hash(value)))
        e.syms = frozenset()
        e.size = 1
    else:
        kids = e.children
        e.stable = hash((code, zlib.crc32((op or "").encode()), hash(value) if value is not None
                         else 0, _param_stable(params), shape) + tuple(c.stable for c in kids))
        syms = frozenset()
        for c in kids:
            if c.syms and not c.syms <= syms:
                syms = syms | c.syms
        e.syms = syms
        e.size = min(SIZE_CAP, 1 + sum(c.size for c in kids))
        if e.size > MAX_SIZE:
            raise TooLarge(f"an expression of more than {MAX_SIZE:,} nodes")
    _TABLE[key] = e
    return e


def const(v) -> Expr:
    return _intern("const", None, (), (), number(v), ())


def symbol(name: str, shape: tuple) -> Expr:
    return _intern("sym", name, (), (), None, tuple(shape))


def array_node(a: np.ndarray) -> Expr:
    """A constant tensor (callers turn 0-d and uniform arrays into constants first)."""
    fa = FrozenArray(a)
    return _intern("array", None, (), (), fa, tuple(a.shape))


def node(kind: str, op, args: tuple, params: tuple, value, shape: tuple) -> Expr:
    return _intern(kind, op, tuple(args), tuple(params), value, tuple(shape))


def is_const(e: Expr, v=None) -> bool:
    return e.kind == "const" and (v is None or e.value == v)


def postorder(root: Expr, children=None) -> list:
    """Every node under `root` once, children before parents (an explicit stack)."""
    children = children or (lambda e: e.children)
    out, seen = [], {root}
    stack = [(root, iter(children(root)))]
    while stack:
        e, it = stack[-1]
        for c in it:
            if c not in seen:
                seen.add(c)
                stack.append((c, iter(children(c))))
                break
        else:
            stack.pop()
            out.append(e)
    return out
