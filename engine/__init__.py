"""The reverse-mode engine: tensors, the op table, backward.

Importing the package loads `api`, which gives Tensor its Python operators."""

from . import api  # noqa: F401
from . import api_nn  # noqa: F401,I001  (torch.nn.functional's layer ops; imports api)
