"""A reduction's dims as PyTorch reads them (shared by the reduction wrappers and
squeeze's tuple form)."""

from ..errors import runtime
from .args import _dims


def _reduction_dims(dim, ndim: int):
    """A reduction's dims as PyTorch reads them: an empty list means every dim (sum(dim=[])
    reduces everything), a dim given twice is an error; None (every dim) for a 0-d tensor."""
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        return tuple(range(ndim)) if ndim else None
    dims = _dims(dim, ndim)
    if len(set(dims)) < len(dims):
        seen = sorted(d for d in set(dims) if dims.count(d) > 1)
        raise runtime(f"dim {seen[0]} appears multiple times in the list of dims")
    return dims if ndim else None
