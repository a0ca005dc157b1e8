"""A row's PyTorch surface as callables: torch.X, Tensor.X and torch.nn.functional.X
generated from the row's signature, for rows whose call is one op on its tensor inputs
(the unary functions and activations). Rows dispatching to several ops keep hand-written
wrappers in engine/torch_api/; either way the names are registered in api's dicts.

The fast path (one Tensor, no keywords) costs one type test before `apply`; the
generated parser runs only for any other call."""

from ..apply import apply
from ..errors import UnsupportedError
from ..tensor import Tensor
from .table import OPS


def _call(op, bound):
    """Apply `op` to the bound arguments: the first is the tensor, `op.params` the forward's
    parameters; an `out=` or `inplace=True` is refused, never ignored."""
    if bound.get("out") is not None:
        raise UnsupportedError(f"{op.name}(): the out= argument is not supported by gradcli")
    if bound.get("inplace"):
        raise UnsupportedError(f"{op.name}(): inplace=True is not supported by gradcli")
    first = next(iter(bound.values()))
    if not op.params:
        return apply(op, (first,))
    return apply(op, (first,), {p: bound[p] for p in op.params})


def function(op, sig):
    if op.params:  # every parameter recorded on the node, defaults too (explain shows them)
        def fn(*args, **kwargs):
            return _call(op, sig.bind(args, kwargs)[1])
        fn.__name__ = fn.__qualname__ = sig.name
        return fn

    def fn(*args, **kwargs):
        if not kwargs and len(args) == 1 and type(args[0]) is Tensor:
            return apply(op, args)
        return _call(op, sig.bind(args, kwargs)[1])
    fn.__name__ = fn.__qualname__ = sig.name
    return fn


def method(op, sig):
    msig = sig.method()

    def m(self, *args, **kwargs):
        if not args and not kwargs:
            return apply(op, (self,))
        bound = msig.bind(args, kwargs)[1]
        return _call(op, {"input": self, **bound})
    m.__name__ = m.__qualname__ = sig.name
    return m


def register(functions: dict, methods: dict, nn: dict) -> None:
    """Put every generated wrapper of the table under its names."""
    for op in OPS.values():
        if op.signature is None or not op.generated:
            continue
        fn = function(op, op.signature)
        for n in op.torch:
            functions[n] = fn
        m = method(op, op.signature)
        for n in op.methods:
            methods[n] = m
        if op.nn:
            f = function(op, op.nn_signature or op.signature)
            for n in op.nn:
                nn[n] = f


def nn_names() -> tuple:
    """torch.nn.functional's names declared by rows (generated or hand-written)."""
    return tuple(n for op in OPS.values() for n in op.nn)


def formula_functions() -> frozenset:
    """The function names that formulas may call (elementwise rows): explain substitutes
    numbers into a formula only when every other word is one of these."""
    return frozenset(op.name for op in OPS.values() if op.elementwise)


def latex_functions() -> dict:
    """op name -> LaTeX function name, for rows printed as `\\name\\left(x\\right)`."""
    return {op.name: op.latex for op in OPS.values() if op.latex}
