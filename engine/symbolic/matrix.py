"""Textbook matrix calculus: the gradient of a case's output as a textbook writes it.

The generic derivation (reverse.py) runs the op table's VJP rules on symbols, so its
results read as the engine's kernels do (unsqueeze, squeeze_dim, embed). Here reverse mode
runs over the output's own expression with the rules of matrix calculus for the ops
whose derivative has a textbook form: sums, products and powers, elementwise functions
(their derivative is still the op table's, through the generic derivation of f(u) on a
scalar u), matrix products (dy/dW = G x^T, dy/dx = W^T G), sum/mean, norm, softmax and
log_softmax (diag(s) - s s^T), cross_entropy (softmax(z) - one_hot(t), / N for mean),
mse_loss (2 (yhat - y) / n). Any other op makes `textbook_grads` return None and derive
prints the generic result. Whatever is printed is evaluated and compared with the
engine's reverse mode, so a wrong rule here shows as a mismatch, never as a silently
wrong answer."""

from fractions import Fraction

import numpy as np

from .expr import Expr, FrozenSlice, array_node, const, node, postorder, symbol
from .notation import diag, eye, is_fn, madd, mm, numel, one_hot, outer, transpose
from .simplify import COMPARISONS, add, bshape, elementwise, expand, fn, mul, neg, pow_


class Unsupported(Exception):
    """An op without a textbook rule here: the generic derivative is shown instead."""


# ---------------------------------------------------------------- rebuilding
def rebuild(root: Expr, mapping: dict) -> Expr:
    """root with the nodes of `mapping` replaced, rebuilt through the canonical
    constructors (so substituting a vector for a scalar recomputes every shape), matrix
    products and sums through notation's (so like products are collected)."""
    new: dict = {}
    for e in postorder(root):
        if e in mapping:
            new[e] = mapping[e]
            continue
        k = e.kind
        if k in ("const", "sym", "array"):
            new[e] = e
            continue
        args = [new[a] for a in e.args]
        if k == "add":
            new[e] = madd(args + [const(e.value)])
        elif k == "mul":
            new[e] = mul([const(e.value), *args])
        elif k == "pow":
            new[e] = pow_(*args)
        else:
            new[e] = _rebuild_fn(e, args, new)
    return new[root]


def _rebuild_fn(e, args, new):
    op = e.op
    if all(a is b for a, b in zip(args, e.args, strict=True)) and not any(
            isinstance(v, Expr) for _, v in e.params):
        if op in ("matmul", "mm", "mv", "dot", "vecmat"):
            return mm(*args)
        return e
    params = tuple((k, new.get(v, v) if isinstance(v, Expr) else v) for k, v in e.params)
    if op == "expand":
        return expand(args[0], bshape(args[0].shape, e.shape))
    if op in ("matmul", "mm", "mv", "dot", "vecmat"):
        return mm(*args)
    if op in ("t", "mT"):
        return transpose(args[0])
    if op == "outer":
        return outer(*args)
    if op == "diag":
        return diag(args[0])
    if op in ("sum", "mean"):
        return fn(op, args, params, ())
    if op in elementwise() or op in COMPARISONS or op in ("where", "logical_not"):
        return fn(op, args, params, bshape(*(a.shape for a in args)))
    if all(a.shape == b.shape for a, b in zip(args, e.args, strict=True)):
        return fn(op, args, params, e.shape)
    raise Unsupported(op)


def normalize(e: Expr) -> Expr:
    """Vector-on-the-left products turned around and like products collected."""
    return rebuild(e, {})


# ---------------------------------------------------------------- elementwise f'
_U = "__u"


def elementwise_derivative(op: str, params: tuple, arg: Expr) -> Expr:
    """f'(arg) for an elementwise op: the op table's rule run on a scalar symbol by the
    generic derivation, then the symbol replaced by `arg`."""
    from .reverse import Poison, expr_grads
    from .sym import Sym, deriving

    u = symbol(_U, ())
    with deriving({_U}):
        (g,) = expr_grads(fn(op, (u,), params, ()), [u], {_U: np.array(0.37)})
    if g is None:
        return const(0)
    if isinstance(g, Poison) or not isinstance(g, Sym):
        raise Unsupported(op)
    return rebuild(g.expr, {u: arg})


# ---------------------------------------------------------------- reverse mode
def _unbroadcast(c: Expr, shape) -> Expr:
    shape = tuple(shape)
    if c.shape == shape:
        return c
    if shape == ():
        return fn("sum", (c,), (), ())
    if is_fn(c, "expand") and c.args[0].shape == ():
        return mul([const(numel(c.shape) // max(numel(shape), 1)), expand(c.args[0], shape)])
    raise Unsupported("broadcast")


def _p(e: Expr) -> dict:
    return dict(e.params)


def _matmul_rule(e, G):
    a, b = e.args
    na, nb = len(a.shape), len(b.shape)
    if na == 2 and nb == 1:        # W @ x: dW = G x^T, dx = W^T G
        return [(a, outer(G, b)), (b, mm(transpose(a), G))]
    if na == 1 and nb == 2:        # x @ A = A^T x: dx = A G, dA = x G^T
        return [(a, mm(b, G)), (b, outer(a, G))]
    if na == 1 and nb == 1:        # x . w
        return [(a, mul([G, b])), (b, mul([G, a]))]
    if na == 2 and nb == 2:        # A @ B: dA = G B^T, dB = A^T G
        return [(a, mm(G, transpose(b))), (b, mm(transpose(a), G))]
    raise Unsupported("matmul")


def _softmax_input(e):
    """(z, dim) when e is log_softmax(z, dim), else None."""
    if is_fn(e, "log_softmax"):
        return e.args[0], _p(e)["dim"]
    return None


def _nll_rule(e, G):
    p = _p(e)
    (logp,) = e.args
    found = _softmax_input(logp)
    target = p.get("target")
    if found is None or p.get("ignore_index", -100) != -100 or target is None:
        raise Unsupported("nll_loss")
    z, dim = found
    if len(z.shape) not in (1, 2) or dim not in (len(z.shape) - 1, -1):
        raise Unsupported("nll_loss")
    # the target as the literal it is (tensor([0]), not zeros(1): one_hot takes integers)
    t = array_node(np.asarray(getattr(target, "array", target)))
    reduction = p.get("reduction", "mean")
    s = fn("softmax", (z,), (("dim", dim),), z.shape)
    delta = madd([s, neg(one_hot(t, z.shape[-1]))])
    if reduction == "mean":
        n = z.shape[0] if len(z.shape) == 2 else 1
        return [(z, mul([G, const(Fraction(1, n)), delta]))]
    if reduction == "sum":
        return [(z, mul([G, delta]))]
    raise Unsupported("nll_loss")


def _basis(k: int, n: int) -> Expr:
    """e_k, the k-th standard basis vector of length n: eye(n)[k] (a float vector, so it
    multiplies matrices in torch as it is printed)."""
    return node("fn", "select", (eye(n),), (("key", (k % n,)),), None, (n,))


def _is_basis(e: Expr) -> bool:
    return is_fn(e, "select") and is_fn(e.args[0], "eye")


def _select_rule(e, G):
    (a,) = e.args
    key = _p(e)["key"]
    key = key if isinstance(key, tuple) else (key,)
    whole = [isinstance(k, FrozenSlice) and (k.start, k.stop, k.step) == (None, None, None)
             for k in key]
    ints = [isinstance(k, int) and not isinstance(k, bool) for k in key]
    if len(a.shape) == 1 and key and ints == [True]:
        return [(a, mul([G, _basis(key[0], a.shape[0])]))]
    if len(a.shape) == 2 and ints == [True]:               # a row: e_k G^T
        return [(a, outer(_basis(key[0], a.shape[0]), G))]
    if len(a.shape) == 2 and len(key) == 2 and whole[0] and ints[1]:  # a column: G e_k^T
        return [(a, outer(G, _basis(key[1], a.shape[1])))]
    raise Unsupported("select")


def _reduce_dim_rule(e, G):
    (a,) = e.args
    p = _p(e)
    dims = tuple(d % len(a.shape) for d in p["dims"]) if a.shape else ()
    if p.get("keepdim") or len(a.shape) > 2:
        raise Unsupported(e.op)
    count = numel([a.shape[d] for d in dims])
    if e.op == "mean_dim":
        G = mul([G, const(Fraction(1, max(count, 1)))])
    if len(a.shape) == 1 or sorted(dims) == [0, 1]:
        return [(a, expand(G, a.shape))]
    if dims == (0,):                                        # column sums: 1 G^T
        return [(a, outer(expand(const(1), (a.shape[0],)), G))]
    return [(a, outer(G, expand(const(1), (a.shape[1],))))]  # row sums: G 1^T


def _rules(e: Expr, G: Expr):
    """(child, contribution) pairs: G is d(out)/d(e), of e's shape."""
    k = e.kind
    if k == "add":
        return [(t, _unbroadcast(G, t.shape)) for t in e.args]
    if k == "mul":
        out = []
        for i, f in enumerate(e.args):
            others = e.args[:i] + e.args[i + 1:]
            out.append((f, _unbroadcast(mul([const(e.value), G, *others]), f.shape)))
        return out
    if k == "pow":
        b, x = e.args
        out = []
        if b.syms:
            out.append((b, _unbroadcast(mul([G, x, pow_(b, add([x, const(-1)]))]), b.shape)))
        if x.syms:
            out.append((x, _unbroadcast(mul([G, e, fn("log", (b,), (), b.shape)]), x.shape)))
        return out
    if k != "fn":
        raise Unsupported(k)
    op, a = e.op, e.args
    if op == "expand":
        return [(a[0], _unbroadcast(G, a[0].shape))]
    if op in ("matmul", "mm", "mv", "dot", "vecmat"):
        return _matmul_rule(e, G)
    if op in ("t", "mT") and len(e.shape) == 2:
        return [(a[0], transpose(G))]
    if op == "sum":
        return [(a[0], expand(G, a[0].shape))]
    if op == "mean":
        return [(a[0], expand(mul([G, const(Fraction(1, max(numel(a[0].shape), 1)))]),
                               a[0].shape))]
    if op == "norm":
        return [(a[0], mul([G, a[0], pow_(e, const(-1))]))]
    if op == "select":
        return _select_rule(e, G)
    if op in ("sum_dim", "mean_dim"):
        return _reduce_dim_rule(e, G)
    if op == "softmax" and len(e.shape) == 1:
        return [(a[0], mm(madd([diag(e), neg(outer(e, e))]), G))]
    if op == "log_softmax" and len(e.shape) == 1:
        s = fn("softmax", (a[0],), e.params, e.shape)
        total = const(1) if _is_basis(G) else fn("sum", (G,), (), ())
        return [(a[0], madd([G, neg(mul([s, total]))]))]
    if op == "nll_loss":
        return _nll_rule(e, G)
    if op == "mse_loss":
        reduction = _p(e).get("reduction", "mean")
        if reduction not in ("mean", "sum"):
            raise Unsupported(op)
        n = numel(bshape(a[0].shape, a[1].shape)) if reduction == "mean" else 1
        diff = madd([a[0], neg(a[1])])
        c = mul([G, const(Fraction(2, max(n, 1))), diff])
        return [(a[0], _unbroadcast(c, a[0].shape)), (a[1], _unbroadcast(neg(c), a[1].shape))]
    if op in elementwise() and len(a) == 1:
        return [(a[0], mul([G, elementwise_derivative(op, e.params, a[0])]))]
    raise Unsupported(op)


def textbook_grads(root: Expr, names: list):
    """name -> d(root)/d(name) (seed: ones of root's shape) in textbook form, or None
    where an op on the way has no textbook rule here."""
    wanted = frozenset(names)
    order = postorder(root, lambda e: tuple(c for c in e.args if c.syms & wanted))
    pending = {root: [expand(const(1), root.shape)]}
    found: dict = {}
    try:
        for e in reversed(order):
            contribs = pending.pop(e, None)
            if contribs is None:
                continue
            G = madd(contribs) if len(contribs) > 1 else contribs[0]
            if e.kind == "sym":
                found[e.op] = G
                continue
            for child, c in _rules(e, G):
                if child.syms & wanted:
                    pending.setdefault(child, []).append(c)
        return {n: (normalize(found[n]) if n in found else None) for n in names}
    except Unsupported:
        return None
