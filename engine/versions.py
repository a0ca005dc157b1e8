"""PyTorch's version counters: an in-place op bumps its tensor's counter; a node records
the versions of the tensors it saved, and backward refuses a saved tensor whose version
moved on (PyTorch's "modified by an inplace operation" error). A node recorded before an
in-place op keeps the tensor's earlier history: the in-place op leaves a snapshot
(`_prev`) that such nodes resolve to, as PyTorch's edges point at the old grad_fn."""

import dis
import re

from .errors import runtime
from .tensor import VERSIONED, Tensor

HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its "
        "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")

_TYPES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
          "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def version(t: Tensor) -> int:
    v = t._version
    return 0 if v is None else v[0]


def counter(t: Tensor) -> list:
    """t's counter, made shareable on first use."""
    if t._version is None:
        t._version = [0]
    return t._version


def bump(t: Tensor) -> None:
    """An in-place op changed t (and every tensor sharing its counter)."""
    counter(t)[0] += 1
    VERSIONED[0] = True


def at_version(t: Tensor, v: int) -> Tensor:
    """The tensor whose history a node recorded at version v: t itself, or the snapshot
    an in-place op left when it gave t a new grad_fn."""
    cand, p = t, t._prev
    while p is not None and p[0] >= v:
        cand = p[1]
        p = cand._prev
    return cand


def graph_inputs(fn) -> tuple:
    """fn's inputs as the graph recorded them (snapshots of tensors changed in place)."""
    vs, ins = fn.versions, fn.inputs
    out = None
    for k, t in enumerate(ins):
        if t._prev is None:
            continue
        want = 0 if vs is None else vs[k]
        if want is None or want == version(t):
            continue
        if out is None:
            out = list(ins)
        out[k] = at_version(t, want)
    return ins if out is None else tuple(out)


_USES: dict = {}


def _loaded(rule) -> frozenset:
    """The positions of the rule's parameters (g, out, *inputs) its code reads: which saved
    values the backward really uses (mul's grad for self reads only other)."""
    got = _USES.get(rule)
    if got is None:
        code = getattr(rule, "__code__", None)
        if code is None:  # not a Python function: assume it reads everything
            return frozenset(range(64))
        names = code.co_varnames[:code.co_argcount]
        read = {i.argval for i in dis.get_instructions(rule) if i.opname.startswith("LOAD_")}
        got = _USES[rule] = frozenset(k for k, n in enumerate(names) if n in read)
    return got


def _short(name: str) -> str:
    """PyTorch's message names the node without "Backward" and a 0 after it
    (ExpBackward0 -> Exp, but ClampBackward1 -> Clamp1)."""
    return re.sub(r"Backward(\d*)$", lambda m: "" if m.group(1) == "0" else m.group(1), name)


def describe(t: Tensor) -> str:
    shape = ", ".join(str(s) for s in t.data.shape)
    return f"[torch.{_TYPES.get(t.data.dtype.name, t.data.dtype.name)}Tensor [{shape}]]"


def check_saved(t: Tensor, fn, requiring) -> None:
    """Raise PyTorch's error when a value fn's backward reads (its result t, or an input)
    was changed in place since fn was recorded. `requiring`: the inputs' indices whose
    rules will run."""
    op = fn.op
    if not op.saves:
        return
    vs = fn.versions
    used = set()
    for i in requiring:
        rule = op.vjps[0] if op.variadic else op.vjps[i]
        if rule is not None:
            used |= _loaded(rule)
    n = len(fn.inputs)
    if 1 in used:  # the result
        want = 0 if vs is None or len(vs) <= n else vs[n]
        if want is not None and version(t) != want:
            _raise(t, version(t), want, f", which is output 0 of {_short(fn.name())},")
    for k, inp in enumerate(fn.inputs):
        if k + 2 not in used:
            continue
        want = 0 if vs is None else vs[k]
        if want is not None and version(inp) != want:
            # torch names the tensor's current grad_fn (a saved result: the node itself)
            which = "" if inp.grad_fn is None else f", which is output 0 of {_short(inp.grad_fn.name())},"
            _raise(inp, version(inp), want, which)


def _raise(t, now, want, which):
    sep = which if which else ""
    raise runtime(f"one of the variables needed for gradient computation has been modified by "
                  f"an inplace operation: {describe(t)}{sep} is at version {now}; expected "
                  f"version {want} instead. {HINT}")

