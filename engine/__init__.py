"""The reverse-mode engine: tensors, the op table, backward.

Importing the package loads `api`, which gives Tensor its Python operators."""

from . import api  # noqa: F401
from .torch_api import nn_functional, nn_losses, nn_losses_more  # noqa: F401,E402  (torch.nn.functional's layers and losses, after api)

_F_LAYERS_OF_ISSUE_18 = "nn_functional_more"  # glu ... pixel_shuffle, after nn_functional
from .torch_api import nn_functional_more  # noqa: F401,E402
