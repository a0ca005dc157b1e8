"""torch.mode / Tensor.mode: the most frequent value of each slice along dim (the smallest
among equally frequent ones) and an index of it, through the mode_values row
(ModeBackward0).

PyTorch's CPU kernel (TensorCompareKernel.cpp, mode_kernel_impl) std::sorts (value, index)
pairs and takes the index of the last pair of the winning run. libstdc++'s std::sort is an
insertion sort for at most 16 elements, so there the order among equal values is the
original one and the index is the value's last occurrence; for longer slices the order
among equal values is introsort's, which gradcli does not reproduce: such calls are
refused when the mode occurs more than once (as topk/kthvalue refuse ties). NaN (whose
order under `<` is std::sort's) is refused too."""

import numpy as np

from ..errors import UnsupportedError
from .args import _dim, _tensor
from .reductions_select import _check_nonempty, _result
from .registry import FUNCTIONS, METHODS

_INSERTION_SORT_MAX = 16  # libstdc++'s _S_threshold


def _mode_index(x, d):
    """The index (kept-dim shape) PyTorch's kernel returns for each slice along d."""
    moved = np.moveaxis(x, d, -1)
    n = moved.shape[-1]
    flat = moved.reshape(-1, n)
    idx = np.empty(flat.shape[0], dtype=np.int64)
    for r, row in enumerate(flat):  # one slice at a time: the run counting is per slice
        if row.dtype.kind == "f" and np.isnan(row).any():
            raise UnsupportedError("mode(): NaN values (their order in PyTorch's sort is not "
                                   "reproduced by gradcli)")
        order = np.argsort(row, kind="stable")
        values, starts, counts = np.unique(row[order], return_index=True, return_counts=True)
        best = int(np.argmax(counts))  # the first (smallest) value of the highest count
        if counts[best] > 1 and n > _INSERTION_SORT_MAX:
            raise UnsupportedError("mode(): the mode occurs more than once in a slice of more "
                                   "than 16 elements; PyTorch's choice of index among them "
                                   "(its introsort's order) is not reproduced by gradcli")
        idx[r] = order[starts[best] + counts[best] - 1]
    return np.moveaxis(idx.reshape(moved.shape[:-1] + (1,)), -1, d)


def mode(input, dim=-1, keepdim=False):
    t = _tensor(input, "mode")
    x = t.data
    d = _dim(dim, x.ndim)
    _check_nonempty("mode", x, d, dim)
    if x.ndim == 0:
        return _result("mode", "mode_values", t, None, 0)
    return _result("mode", "mode_values", t, _mode_index(x, d), d, keepdim)


FUNCTIONS["mode"] = METHODS["mode"] = mode
