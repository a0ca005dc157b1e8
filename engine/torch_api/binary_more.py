"""torch.X / Tensor.X of the two-tensor rows of engine/ops/binary_more.py: both arguments
bound by the row's signature (PyTorch's TypeErrors), `out=` refused."""

from ..apply import apply
from ..errors import UnsupportedError
from ..ops import OPS
from .registry import FUNCTIONS, METHODS

_NAMES = ("atan2", "arctan2", "hypot", "fmax", "fmin", "logaddexp", "logaddexp2")


def _wrappers(op):
    sig, msig = op.signature, op.signature.method()

    def run(bound):
        if bound.get("out") is not None:
            raise UnsupportedError(f"{op.name}(): the out= argument is not supported by gradcli")
        return apply(op, (bound["input"], bound["other"]))

    def fn(*args, **kwargs):
        return run(sig.bind(args, kwargs)[1])

    def method(self, *args, **kwargs):
        return run({"input": self, **msig.bind(args, kwargs)[1]})
    fn.__name__ = method.__name__ = op.name
    return fn, method


for _n in _NAMES:
    FUNCTIONS[_n], METHODS[_n] = _wrappers(OPS[_n])
