"""Views whose base changed in place: PyTorch regenerates such a view's grad_fn as
AsStridedBackward0 on the base when it is read. Above the engine's core (it records a node
through apply), so Tensor's repr reaches it through tensor.VIEW_REFRESH, not an import."""

from . import tensor, versions
from .apply import apply
from .grad_mode import set_grad_enabled
from .ops import OPS
from .tensor import Tensor
from .versions import version


def _geometry(t: Tensor, base: Tensor) -> dict:
    """The view's elements in its (contiguous) base: size, stride and offset in elements."""
    item = base.data.itemsize
    offset = (t.data.__array_interface__["data"][0]
              - base.data.__array_interface__["data"][0]) // item
    return {"size": t.data.shape, "stride": tuple(s // item for s in t.data.strides),
            "offset": offset}


def before_inplace(t: Tensor):
    """Called before an in-place op with a graph writes into the view `t`: the base's
    version and a snapshot of its history, for copy_slices (None: t is no view of a
    contiguous base)."""
    base = t._base
    if base is None or not base.data.flags.c_contiguous:
        return None
    old = Tensor(base.data.copy(), base.requires_grad, base.grad_fn)
    old._version, old._prev = versions.counter(base), base._prev
    return version(base), old, _geometry(t, base)


def copy_slices(t: Tensor, pre, fn) -> None:
    """After an in-place op on the view `t` recorded node `fn`: PyTorch's rebase. The base's
    grad_fn becomes CopySlices (its old history outside the view, fn's inside); nodes
    recorded before resolve the base to its snapshot by version; `t` itself and the other
    views of the base get AsStridedBackward0 on the base when read (refresh_view)."""
    v0, old, geometry = pre
    base = t._base
    res = Tensor(t.data.copy(), True, fn)
    res._version = versions.counter(t)  # fn's saved result is the view's current version
    with set_grad_enabled(True):
        node = apply(OPS["copy_slices"], (old, res), geometry).grad_fn
    base._prev = (v0, old)
    base.grad_fn, base.requires_grad = node, True


def refresh_view(t: Tensor) -> None:
    """A view whose base was changed in place in the graph: its grad_fn becomes
    AsStridedBackward0 on the base (PyTorch regenerates it the same way on access)."""
    base = t._base
    if (base is None or t._view_version == version(t) or t.grad_fn is None
            or base.grad_fn is None or not base.data.flags.c_contiguous):
        return
    with set_grad_enabled(True):
        fresh = apply(OPS["as_strided"], (base,), _geometry(t, base))
    t.grad_fn = fresh.grad_fn
    t._view_version = version(t)


tensor.VIEW_REFRESH[0] = refresh_view
