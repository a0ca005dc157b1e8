"""Hand-written wrappers under PyTorch's own argument parsing: `surface` registers a
wrapper under its torch.X / Tensor.X names behind a Signature (engine/ops/signature.py),
so a wrong type, a missing or unknown argument gets PyTorch's TypeError word for word, and
`out=` is refused instead of ignored. The wrapper itself stays a plain function (other
wrappers call it directly)."""

from ..errors import UnsupportedError
from ..ops.signature import Signature
from .registry import FUNCTIONS, METHODS


def _call(fn, name, bound):
    if bound.pop("out", None) is not None:
        raise UnsupportedError(f"{name}(): the out= argument is not supported by gradcli")
    return fn(**bound)


def surface(name, *overloads, torch=(), methods=(), pack=False):
    """Register the decorated function under `torch` and `methods` names, parsed by the
    overloads (as torch prints them). pack=True: the method also takes its tuple of ints
    as separate arguments (x.repeat(2, 3), x.flip(0, 1))."""
    sig = Signature(name, *overloads)
    msig = sig.method()

    def deco(fn):
        def function(*args, **kwargs):
            return _call(fn, name, sig.bind(args, kwargs)[1])

        def method(self, *args, **kwargs):
            if pack and len(args) > 1 and not kwargs:
                args = (args,)
            return _call(fn, name, {"input": self, **msig.bind(args, kwargs)[1]})

        function.__name__ = method.__name__ = name
        for n in torch:
            FUNCTIONS[n] = function
        for n in methods:
            METHODS[n] = method
        return fn
    return deco
