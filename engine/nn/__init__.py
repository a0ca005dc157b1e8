"""torch.nn as gradcli code: Module, Parameter, layers, activations, losses, init.
`namespace.py` lists what the program runner exposes as torch.nn and friends."""

from .activation import (
                         ELU,
                         GELU,
                         SELU,
                         Hardtanh,
                         LeakyReLU,
                         LogSigmoid,
                         LogSoftmax,
                         ReLU,
                         ReLU6,
                         Sigmoid,
                         SiLU,
                         Softmax,
                         Softplus,
                         Tanh,
)
from .containers import ModuleDict, ModuleList, Sequential
from .layers import (
                         AdaptiveAvgPool1d,
                         AdaptiveAvgPool2d,
                         AvgPool1d,
                         AvgPool2d,
                         BatchNorm1d,
                         BatchNorm2d,
                         Bilinear,
                         Conv1d,
                         Conv2d,
                         Dropout,
                         Embedding,
                         Flatten,
                         Identity,
                         LayerNorm,
                         Linear,
                         MaxPool1d,
                         MaxPool2d,
                         Unflatten,
)
from .loss import (
                         BCELoss,
                         BCEWithLogitsLoss,
                         CrossEntropyLoss,
                         HuberLoss,
                         KLDivLoss,
                         L1Loss,
                         MSELoss,
                         NLLLoss,
                         SmoothL1Loss,
)
from .module import Module
from .parameter import Buffer, Parameter
from .rnn import GRU, LSTM, RNN

__all__ = [
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AvgPool1d",
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Bilinear",
    "Buffer",
    "Conv1d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "ELU",
    "Embedding",
    "Flatten",
    "GELU",
    "GRU",
    "Hardtanh",
    "HuberLoss",
    "Identity",
    "KLDivLoss",
    "L1Loss",
    "LSTM",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSigmoid",
    "LogSoftmax",
    "MSELoss",
    "MaxPool1d",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "RNN",
    "ReLU",
    "ReLU6",
    "SELU",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Softplus",
    "Tanh",
    "Unflatten",
]

# issue 18's modules over the new F layers (GLU, PReLU, GroupNorm, ConvTranspose2d, ...)
from . import layers_more as _layers_more  # noqa: E402

globals().update({_n: getattr(_layers_more, _n) for _n in _layers_more.MODULES})
__all__ += list(_layers_more.MODULES)
