"""torch.nn.functional activations PyTorch itself composes from other ops (so their graphs
are those ops' nodes): softsign, tanhshrink, softmin."""

from ..ops.signature import Signature
from .registry import FUNCTIONS, METHODS, NN_FUNCTIONS

_SOFTSIGN = Signature("softsign", "(Tensor input)", style="python")
_TANHSHRINK = Signature("tanhshrink", "(Tensor input)", style="python")
_SOFTMIN = Signature("softmin", "(Tensor input, int? dim = None, int _stacklevel = 3, "
                     "torch.dtype? dtype = None)", style="python")


def softsign(*args, **kwargs):
    x = _SOFTSIGN.bind(args, kwargs)[1]["input"]
    return x / (FUNCTIONS["abs"](x) + 1)


def tanhshrink(*args, **kwargs):
    x = _TANHSHRINK.bind(args, kwargs)[1]["input"]
    return x - FUNCTIONS["tanh"](x)


def softmin(*args, **kwargs):
    b = _SOFTMIN.bind(args, kwargs)[1]
    x = -b["input"]
    if b["dtype"] is not None:  # torch casts first: SoftmaxBackward0 <- ToCopyBackward0
        x = METHODS["to"](x, b["dtype"])
    dim = b["dim"]
    if dim is None:  # torch's _get_softmax_dim (it warns)
        dim = 0 if x.data.ndim in (0, 1, 3) else 1
    return FUNCTIONS["softmax"](x, dim)


NN_FUNCTIONS.update(softsign=softsign, tanhshrink=tanhshrink, softmin=softmin)
