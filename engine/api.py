"""PyTorch's Python surface over the engine: torch.X and F.X functions, tensor methods
and attributes, indexing, in-place updates, with PyTorch's argument names, defaults,
dispatch (which op, hence which grad_fn) and error messages.

The wrappers live in engine/torch_api/ (one file per kind: factories, arithmetic,
reductions, shapes, indexing, autograd_api, operators); the op table's rows with a
signature get generated wrappers (engine/ops/surface.py). `FUNCTIONS`, `METHODS`,
`ATTRIBUTES`, `SETTERS` and `NN_FUNCTIONS` are the whitelists that the case evaluator and
the program interpreter look names up in; nothing else is reachable. Other code registers
functions with `torch_fn` / `tensor_method` / `attribute`."""

# torch's random functions and methods, PyTorch's generator bit for bit: engine/rng/
from .rng import torch_functions as _rng_functions  # noqa: E402,F401
from .torch_api import activations as _activations  # noqa: F401  (F.softsign, ...)
from .torch_api import binary_more as _binary_more  # noqa: F401  (torch.atan2, ...)
from .torch_api import einsum as _einsum  # noqa: F401
from .torch_api import (  # noqa: F401,E402  (issue 18 shape/index ops)
    gather_scatter,
    operators,  # noqa: F401  (attaches Tensor's operators)
    shape_index,
)
from .torch_api import linalg as _linalg  # noqa: F401  (torch.bmm, torch.inner, torch.linalg, ...)
from .torch_api import linalg_addmm as _linalg_addmm  # noqa: F401  (replaces nn_functional's addmm)
from .torch_api import linalg_decomp as _linalg_decomp  # noqa: F401  (linalg.svd, eigh, torch.svd)
from .torch_api import linalg_more as _linalg_more  # noqa: F401
from .torch_api import linalg_norms as _linalg_norms  # noqa: F401  (linalg norms, torch.norm)
from .torch_api import linalg_solvers as _linalg_solvers  # noqa: F401
from .torch_api import logical as _logical  # noqa: F401  (torch.any/all, logical_*, &, |, ^, ~)
from .torch_api import mode as _mode  # noqa: F401  (torch.mode)
from .torch_api import shapes_more as _shapes_more  # noqa: F401  (ravel, tensor_split, H, ...)
from .torch_api import special as _special  # noqa: F401  (torch.xlogy, torch.special, ...)
from .torch_api import tensor_flags as _tensor_flags  # noqa: F401  (x.is_cuda, ...)
from .torch_api import unique as _unique  # noqa: F401  (torch.unique)
from .torch_api.args import ReturnTypes, Size  # noqa: F401
from .torch_api.arithmetic import add, mul  # noqa: F401
from .torch_api.autograd_api import NODE_ATTRIBUTES, NODE_METHODS, NODE_TYPES  # noqa: F401
from .torch_api.factories import data_to_array  # noqa: F401
from .torch_api.indexing import getitem, setitem  # noqa: F401
from .torch_api.registry import (  # noqa: F401
    ATTRIBUTES,
    FUNCTIONS,
    LINALG_FUNCTIONS,
    METHODS,
    NN_FUNCTIONS,
    NOT_IN_TORCH,
    SETTERS,
    SPECIAL_FUNCTIONS,
    attribute,
    tensor_method,
    torch_fn,
)
from .torch_api.shapes import unbind  # noqa: F401
