"""Tensor hooks: Tensor.register_hook (called with the gradient computed for the tensor,
before it reaches the tensor's grad_fn or its .grad; a returned tensor replaces it) and
Tensor.register_post_accumulate_grad_hook (leaves: called with the tensor once its .grad
was accumulated), each returning a handle whose remove() unregisters it.

Hooks live here, keyed by the tensor's id and dropped with the tensor, so a Tensor carries
no hook slot and backward pays one flag test until a program registers a hook."""

import itertools
import weakref

import numpy as np

from .errors import runtime
from .tensor import Tensor

ACTIVE = [False]  # some hook was ever registered: backward consults the tables
_PRE: dict = {}   # id(tensor) -> {handle id: fn}
_POST: dict = {}
_ids = itertools.count()


class RemovableHandle:
    """torch.utils.hooks.RemovableHandle: remove() unregisters the hook (again: no-op)."""

    __slots__ = ("_table", "id")
    __module__ = "torch.utils.hooks"  # type(handle) prints as PyTorch's class

    def __init__(self, table: dict, hid: int):
        self._table = table
        self.id = hid

    def remove(self) -> None:
        self._table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

    def __repr__(self) -> str:
        return "<torch.utils.hooks.RemovableHandle object>"


def _register(tables: dict, t: Tensor, fn) -> RemovableHandle:
    key = id(t)
    table = tables.get(key)
    if table is None:
        table = tables[key] = {}
        weakref.finalize(t, tables.pop, key, None)
    hid = next(_ids)
    table[hid] = fn
    ACTIVE[0] = True
    return RemovableHandle(table, hid)


def register_hook(t: Tensor, fn) -> RemovableHandle:
    if not t.requires_grad:
        raise runtime("cannot register a hook on a tensor that doesn't require gradient")
    return _register(_PRE, t, fn)


def register_post_accumulate_grad_hook(t: Tensor, fn) -> RemovableHandle:
    if not t.requires_grad:
        raise runtime("cannot register a hook on a tensor that doesn't require gradient")
    if t.grad_fn is not None:
        raise runtime("post accumulate grad hooks cannot be registered on non-leaf tensors")
    return _register(_POST, t, fn)


def run_pre(t: Tensor, g, create_graph: bool):
    """g after t's hooks, in registration order (each sees the previous one's result)."""
    table = _PRE.get(id(t))
    if not table:
        return g
    for fn in list(table.values()):
        arg = g if isinstance(g, Tensor) else Tensor(np.asarray(g))
        new = fn(arg)
        if new is None:
            continue
        if not isinstance(new, Tensor):
            raise runtime(f"hook '{getattr(fn, '__name__', 'hook')}' returned a "
                          f"{type(new).__name__}, expected a Tensor or None")
        if new.data.shape != arg.data.shape:
            raise runtime(f"hook '{getattr(fn, '__name__', 'hook')}' has changed the size of "
                          f"value")
        g = new if create_graph else new.data
    return g


def run_post(t: Tensor) -> None:
    table = _POST.get(id(t))
    if table:
        for fn in list(table.values()):
            fn(t)
