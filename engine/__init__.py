"""The reverse-mode engine: tensors, the op table, backward.

Importing the package loads `api`, which gives Tensor its Python operators."""

from . import api, api_nn  # noqa: F401  (api_nn: torch.nn.functional's layer ops, after api)
