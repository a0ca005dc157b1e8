"""torch.nn as gradcli code: Module, Parameter, layers, activations, losses, init.
`namespace.py` lists what the program runner exposes as torch.nn and friends."""

from .activation import (ELU, GELU, SELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU,
                         ReLU6, Sigmoid, SiLU, Softmax, Softplus, Tanh)
from .containers import ModuleDict, ModuleList, Sequential
from .layers import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, BatchNorm1d,
                     BatchNorm2d, Bilinear, Conv1d, Conv2d, Dropout, Embedding, Flatten,
                     Identity, LayerNorm, Linear, MaxPool1d, MaxPool2d, Unflatten)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
                   MSELoss, NLLLoss, SmoothL1Loss)
from .module import Module
from .parameter import Buffer, Parameter

__all__ = [n for n in dir() if n[:1].isupper()]
