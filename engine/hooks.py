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


# ---------------------------------------------------------------- grad_fn (node) hooks
# PyTorch's Node.register_prehook (fn(grad_outputs) before the node's backward) and
# Node.register_hook (fn(grad_inputs, grad_outputs) after it); a returned tuple replaces
# the first argument. Served for the nodes of custom Functions (engine/custom_function.py),
# whose backward runs once per pass with all output gradients at hand.
def register_node_hook(table: dict, fn) -> RemovableHandle:
    hid = next(_ids)
    table[hid] = fn
    return RemovableHandle(table, hid)


def _as_tensor(v):
    return v if v is None or isinstance(v, Tensor) else Tensor(np.asarray(v))


def _type_name(t: Tensor) -> str:
    from .versions import _TYPES

    name = t.data.dtype.name
    return f"torch.{_TYPES.get(name, name)}Tensor"


def _hook_name(fn) -> str:
    return getattr(fn, "__name__", "<unknown>")


def check_node_result(prev: tuple, result, fn) -> None:
    """torch/csrc/autograd/python_hook.cpp's check_result / check_single_result."""
    if not isinstance(result, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(result).__name__}'")
    if len(prev) != len(result):
        raise runtime(f"hook '{_hook_name(fn)}' has returned an incorrect number of values "
                      f"(got {len(result)}, but expected {len(prev)})")
    for original, value in zip(prev, result, strict=True):
        if value is None:
            continue
        if original is None:
            raise runtime("can't replace a None gradient with a non-None value")
        if not isinstance(value, Tensor):
            raise TypeError(f"expected Variable, but hook returned '{type(value).__name__}'")
        if original.data.dtype != value.data.dtype:
            raise runtime(f"hook '{_hook_name(fn)}' has changed the type of value (was "
                          f"{_type_name(original)} got {_type_name(value)})")
        if original.data.shape != value.data.shape:
            raise runtime(f"hook '{_hook_name(fn)}' has changed the size of value")


def run_node_hooks(hooks, first: list, *rest) -> list:
    """Call node hooks in registration order, each on the previous one's result: `first`
    (grad_outputs for pre-hooks, grad_inputs for post-hooks) as a tuple of Tensors/None,
    then `rest`. Returns the final values as given (Tensors), Nones kept."""
    values = tuple(_as_tensor(v) for v in first)
    others = tuple(tuple(_as_tensor(v) for v in r) for r in rest)
    for fn in list(hooks):
        result = fn(values, *others)
        if result is None:
            continue
        check_node_result(values, result, fn)
        values = result
    return list(values)
