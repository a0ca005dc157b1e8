"""Views whose base changed in place: PyTorch regenerates such a view's grad_fn as
AsStridedBackward0 on the base when it is read. Above the engine's core (it records a node
through apply), so Tensor's repr reaches it through tensor.VIEW_REFRESH, not an import."""

from . import tensor
from .apply import apply
from .grad_mode import set_grad_enabled
from .ops import OPS
from .tensor import Tensor
from .versions import version


def refresh_view(t: Tensor) -> None:
    """A view whose base was changed in place in the graph: its grad_fn becomes
    AsStridedBackward0 on the base (PyTorch regenerates it the same way on access)."""
    base = t._base
    if (base is None or t._view_version == version(t) or t.grad_fn is None
            or base.grad_fn is None or not base.data.flags.c_contiguous):
        return
    item = base.data.itemsize
    offset = (t.data.__array_interface__["data"][0]
              - base.data.__array_interface__["data"][0]) // item
    params = {"size": t.data.shape, "stride": tuple(s // item for s in t.data.strides),
              "offset": offset}
    with set_grad_enabled(True):
        fresh = apply(OPS["as_strided"], (base,), params)
    t.grad_fn = fresh.grad_fn
    t._view_version = version(t)


tensor.VIEW_REFRESH[0] = refresh_view
