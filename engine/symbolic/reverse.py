"""Reverse mode over symbols: the backward loop of engine/autograd.py, run with the op
table's VJP rules on `Sym` values instead of arrays (create_graph style), so each
gradient comes out as an expression.

Two graphs are walked the same way: the case's autograd graph (first derivatives: the
grad_fn nodes with their op, inputs and params, the leaves mapped to symbols) and a
derivative's own expression DAG (higher orders: sums, products and powers use the add,
mul and pow/pow_scalar/rpow rules, every other node its op's rule). Both walks are
iterative, in reverse topological order, and sum the contributions per input once.

A rule that cannot run on symbols (NotSymbolic, or anything else it raises) poisons the
gradient of that input: every derivative reached through it becomes "cannot derive
symbolically through <op>", while the other inputs still get theirs."""

import numpy as np

from .. import dual as D
from ..autograd import topological_order
from ..ops import OPS
from .build import build
from .evaluate import _f64, evaluate_all
from .expr import MAX_SIZE, Expr, TooLarge, const, freeze, postorder, symbol, thaw
from .simplify import add, expand, mul
from .sym import NotSymbolic, Sym, to_expr


class Poison:
    """The gradient of an input that a rule could not derive symbolically."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


def _poison(op_name: str, err: Exception) -> Poison:
    detail = str(err) if isinstance(err, NotSymbolic) else f"{type(err).__name__}: {err}"
    return Poison(f"cannot derive symbolically through {op_name} (its derivative rule "
                  f"{detail})" if isinstance(err, NotSymbolic) else
                  f"cannot derive symbolically through {op_name} ({detail})")


def seed(shape) -> Sym:
    shape = tuple(shape)
    return Sym(expand(const(1), shape), np.ones(shape))


def _fit(c, shape) -> Sym:
    """A rule's result brought to the input's shape, as the engine's _fit does."""
    if not isinstance(c, Sym):
        c = Sym(to_expr(c), np.asarray(c))
    shape = tuple(shape)
    if c.shape == shape:
        return c
    if np.broadcast_shapes(c.shape, shape) == shape:
        return D.expand(c, shape=shape)
    return D.sum_to(c, shape=shape)


def _pend(pending: dict, key, c) -> None:
    """Queue a contribution; a sum of contributions too large to print is refused before
    it is built (products of thousands of factors would otherwise grind for minutes)."""
    entry = pending.get(key)
    if entry is None:
        pending[key] = [c]
        return
    entry.append(c)
    if len(entry) % 64 == 0:
        total = sum(x.expr.size for x in entry if isinstance(x, Sym))
        if total > MAX_SIZE:
            raise TooLarge(f"a sum of more than {MAX_SIZE:,} nodes")


def _total(contribs):
    for c in contribs:
        if isinstance(c, Poison):
            return c
    if len(contribs) == 1:
        return contribs[0]
    value = contribs[0].value
    for c in contribs[1:]:
        value = value + c.value
    return Sym(add([c.expr for c in contribs]), np.asarray(value))


def _run_rule(op_name, rule, args, kwargs, shape):
    try:
        return _fit(rule(*args, **kwargs), shape)
    except TooLarge:
        raise
    except Exception as e:  # noqa: BLE001 - a rule that cannot run on symbols: say so
        return _poison(op_name, e)


# ---------------------------------------------------------------- the autograd graph
class ForwardMap:
    """Each tensor of the autograd graph as a Sym: named tensors (leaves, --const) are
    symbols, unnamed constants their values, op results the expression of their op.
    Expressions are built on first use, iteratively over the graph."""

    def __init__(self, names: dict):
        self.names = names          # id(tensor) -> name
        self.exprs: dict = {}
        self.syms: dict = {}

    def sym(self, t) -> Sym:
        s = self.syms.get(id(t))
        if s is None:
            s = Sym(lambda: self.expr(t), lambda: _f64(t.data), t.requires_grad)
            self.syms[id(t)] = s
        return s

    def _leaf(self, t) -> Expr:
        name = self.names.get(id(t))
        return symbol(name, t.data.shape) if name is not None else to_expr(t.data)

    def expr(self, root) -> Expr:
        if id(root) in self.exprs:
            return self.exprs[id(root)]
        stack = [root]
        while stack:
            t = stack[-1]
            if id(t) in self.exprs:
                stack.pop()
                continue
            fn = t.grad_fn
            if fn is None or id(t) in self.names:
                self.exprs[id(t)] = self._leaf(t)
                stack.pop()
                continue
            todo = [i for i in fn.inputs if id(i) not in self.exprs]
            if todo:
                stack.extend(todo)
                continue
            params = tuple(sorted((k, freeze(v)) for k, v in fn.params.items()))
            self.exprs[id(t)] = build(fn.op.name, [self.exprs[id(i)] for i in fn.inputs],
                                      params, t.data.shape)
            stack.pop()
        return self.exprs[id(root)]


def _graph_problem(fn):
    """Ops whose graph node holds what the rule needs as a value computed at this point,
    so the rule would give that point's branch, not an expression."""
    if fn.op.name == "where":
        return ("cannot derive symbolically through where (its condition is a value at "
                "this point, not an expression: write the branches as separate cases)")
    return None


def graph_grads(out, targets, fwd: ForwardMap) -> list:
    """d(out)/d(target) for each target tensor (seed: ones of out's shape) as a Sym, a
    Poison, or None when the target is not reached."""
    order = topological_order([out])
    pending = {id(out): [seed(out.data.shape)]}
    wanted = {id(t) for t in targets}
    found: dict = {}
    for t in reversed(order):
        contribs = pending.pop(id(t), None)
        if contribs is None:
            continue
        g = _total(contribs)
        if id(t) in wanted:
            found[id(t)] = g
        fn = t.grad_fn
        if fn is None:
            continue
        op = fn.op
        problem = _graph_problem(fn)
        out_sym = fwd.sym(t)
        ins = [fwd.sym(i) for i in fn.inputs]
        for i, inp in enumerate(fn.inputs):
            if not inp.requires_grad:
                continue
            if isinstance(g, Poison) or problem:
                c = g if isinstance(g, Poison) else Poison(problem)
            elif op.variadic:
                c = _run_rule(op.name, op.vjps[0], (g, out_sym, *ins),
                              dict(fn.params, index=i), inp.data.shape)
            else:
                rule = op.vjps[i] if i < len(op.vjps) else None
                if rule is None:
                    continue
                c = _run_rule(op.name, rule, (g, out_sym, *ins), fn.params, inp.data.shape)
            _pend(pending, id(inp), c)
    return [found.get(id(t)) for t in targets]


# ---------------------------------------------------------------- an expression DAG
def _lazy_rest(make_expr, make_value) -> Sym:
    return Sym(make_expr, make_value, None)


def _node_vjps(e: Expr, g: Sym, sym, wanted_syms):
    """(child, contribution) for every child of `e` that depends on a wanted symbol."""
    out = sym(e)
    live = [i for i, c in enumerate(e.args) if c.syms & wanted_syms]
    k = e.kind
    if k == "add":
        rule = OPS["add"].vjps[0]
        for i in live:
            t = e.args[i]
            rest = _lazy_rest(lambda t=t: add([x for x in e.args if x is not t] + [const(e.value)]),
                              lambda t=t: out.value - sym(t).value)
            yield t, _run_rule("add", rule, (g, out, sym(t), rest), {}, t.shape)
    elif k == "mul":
        rule = OPS["mul"].vjps[0]
        for i in live:
            f = e.args[i]
            others = e.args[:i] + e.args[i + 1:]

            def value(others=others):
                v = np.float64(float(e.value))
                for x in others:
                    v = v * sym(x).value
                return np.asarray(v)

            rest = _lazy_rest(lambda others=others: mul([const(e.value), *others]), value)
            yield f, _run_rule("mul", rule, (g, out, sym(f), rest), {}, f.shape)
    elif k == "pow":
        b, x = e.args
        if x.kind == "const":
            yield b, _run_rule("pow", OPS["pow_scalar"].vjps[0],
                               (g, out, sym(b), float(x.value)), {}, b.shape)
        elif b.kind == "const":
            yield x, _run_rule("pow", OPS["rpow"].vjps[0],
                               (g, out, sym(x), float(b.value)), {}, x.shape)
        else:
            for i in live:
                yield e.args[i], _run_rule("pow", OPS["pow"].vjps[i], (g, out, sym(b), sym(x)),
                                           {}, e.args[i].shape)
    elif k == "fn":
        op = OPS[e.op]
        if not op.differentiable:
            return
        params = {n: thaw(p, lambda x: sym(x)) for n, p in e.params}
        args = [sym(a) for a in e.args]
        for i in live:
            if op.variadic:
                yield e.args[i], _run_rule(e.op, op.vjps[0], (g, out, *args),
                                           dict(params, index=i), e.args[i].shape)
            elif i < len(op.vjps) and op.vjps[i] is not None:
                yield e.args[i], _run_rule(e.op, op.vjps[i], (g, out, *args), params,
                                           e.args[i].shape)


def expr_grads(root: Expr, targets: list, env: dict) -> list:
    """d(root)/d(symbol) for each target symbol Expr (seed: ones of root's shape), by
    reverse mode over root's DAG with every node's value at the point `env`."""
    names = frozenset(t.op for t in targets)
    try:
        values = evaluate_all(root, env)
    except TooLarge:
        raise
    except Exception as e:  # noqa: BLE001 - an op whose forward fails here: say so
        return [Poison(f"cannot evaluate the derivative at this point ({e})")] * len(targets)
    syms: dict = {}

    def sym(x: Expr) -> Sym:
        s = syms.get(x)
        if s is None:
            s = syms[x] = Sym(x, values[x])
        return s

    order = postorder(root, lambda e: tuple(c for c in e.args if c.syms & names))
    pending = {root: [seed(root.shape)]}
    wanted = set(targets)
    found: dict = {}
    for e in reversed(order):
        contribs = pending.pop(e, None)
        if contribs is None:
            continue
        g = _total(contribs)
        if e in wanted:
            found[e] = g
        if isinstance(g, Poison):
            for c in e.args:
                if c.syms & names:
                    _pend(pending, c, g)
            continue
        for child, c in _node_vjps(e, g, sym, names):
            _pend(pending, child, c)
    return [found.get(t) for t in targets]
