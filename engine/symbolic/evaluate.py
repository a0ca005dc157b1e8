"""Numeric value of a symbolic expression: every node is computed with the forward of its
op in the op table (sums, products and powers with add, mul and pow), children first,
from an explicit stack. Used to check a derivative against reverse mode at a point."""

import numpy as np

from ..ops import OPS
from .expr import Expr, postorder, thaw
from .notation import NOTATION


def _f64(x) -> np.ndarray:
    a = np.asarray(x)
    return a.astype(np.float64) if a.dtype.kind in "bf" and a.dtype != np.float64 else a


def evaluate_all(root: Expr, env: dict) -> dict:
    """The value of every node under `root`; `env` maps symbol names to arrays."""
    add, mul, power = OPS["add"].forward, OPS["mul"].forward, OPS["pow"].forward
    vals: dict = {}
    with np.errstate(all="ignore"):
        for e in postorder(root):
            k = e.kind
            if k == "const":
                v = np.float64(float(e.value))
            elif k == "sym":
                v = _f64(env[e.op])
            elif k == "array":
                v = e.value.array
            elif k == "add":
                v = np.float64(float(e.value))
                for a in e.args:
                    v = add(v, vals[a])
            elif k == "mul":
                v = np.float64(float(e.value))
                for a in e.args:
                    v = mul(v, vals[a])
            elif k == "pow":
                base, exp = (vals[a] for a in e.args)
                v = power(_float(base), _float(exp))
            else:
                params = {n: thaw(p, vals.__getitem__) for n, p in e.params}
                # the notation functions (outer, diag, ...) are not ops of the table
                forward = NOTATION.get(e.op) or OPS[e.op].forward
                v = forward(*(vals[a] for a in e.args), **params)
            vals[e] = np.asarray(v)
    return vals


def _float(a):
    a = np.asarray(a)
    return a.astype(np.float64) if a.dtype.kind in "biu" else a


def evaluate(root: Expr, env: dict) -> np.ndarray:
    v = evaluate_all(root, env)[root]
    return v.astype(np.float64) if v.dtype.kind in "biu" else v
