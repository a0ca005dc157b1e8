"""The engine surface engine/nn, engine/optim and engine/data call (`api.X` in them):
the whitelists and the shape functions, gathered from engine/torch_api."""

from ..tensor import Tensor  # noqa: F401
from ..torch_api.args import _dim, _tensor  # noqa: F401
from ..torch_api.indexing import getitem  # noqa: F401
from ..torch_api.registry import FUNCTIONS, METHODS  # noqa: F401
from ..torch_api.shapes import (  # noqa: F401
    flatten,
    reshape,
    squeeze,
    stack,
    transpose,
    unbind,
    unsqueeze,
)
