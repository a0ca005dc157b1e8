"""torch.nn's activation modules over the F functions (so their grad_fn names are the
ops'); constructors and extra_repr as torch/nn/modules/activation.py."""

from ..torch_api.nn_functional import FUNCTIONAL as F
from ..torch_api.registry import METHODS
from . import surface as api
from .module import Module


def _inplace(inplace, lead=""):
    return f"{lead}inplace=True" if inplace else ""


class ReLU(Module):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        if self.inplace:  # torch's F.relu(input, inplace=True): relu_ on the input itself
            return METHODS["relu_"](input)
        return F["relu"](input)

    def extra_repr(self):
        return _inplace(self.inplace)


class LeakyReLU(Module):
    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F["leaky_relu"](input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + _inplace(self.inplace, ", ")


class ELU(Module):
    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F["elu"](input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}" + _inplace(self.inplace, ", ")


class SELU(Module):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F["selu"](input)

    def extra_repr(self):
        return _inplace(self.inplace)


class GELU(Module):
    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F["gelu"](input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F["silu"](input)

    def extra_repr(self):
        return _inplace(self.inplace)


class Sigmoid(Module):
    def forward(self, input):
        return api.FUNCTIONS["sigmoid"](input)


class Tanh(Module):
    def forward(self, input):
        return api.FUNCTIONS["tanh"](input)


class LogSigmoid(Module):
    def forward(self, input):
        return F["logsigmoid"](input)


class Softplus(Module):
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F["softplus"](input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    _fn = "softmax"

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F[self._fn](input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    _fn = "log_softmax"


class Hardtanh(Module):
    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if max_val <= min_val:
            raise ValueError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input):
        return F["hardtanh"](input, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}" + _inplace(self.inplace, ", ")


class ReLU6(Hardtanh):
    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return _inplace(self.inplace)
