"""The Tensor node and its grad_fn (autograd graph node).

A Tensor wraps a numpy array. A non-leaf tensor (one made by a recorded op) has a
`grad_fn` Node holding the op, its input tensors and the op's parameters; leaves have
grad_fn None. Its Python operators (`+`, `*`, `@`, `<`, `[]`, ...) are torch's functions,
attached by engine/torch_api/operators.py (which needs the whole PyTorch surface)."""

import functools

import numpy as np

from . import dtypes


class Tensor:
    # _version: PyTorch's version counter (bumped by in-place ops, checked by saved
    # tensors); _prev: the snapshot of this tensor before its last in-place op that was
    # recorded in the graph (nodes made before it still point at that history); _base: the
    # tensor a view was taken of (None: not a view)
    # _view_version (set only on views): the counter's value when the view's grad_fn was
    # made; once the base moved on, the view's grad_fn is PyTorch's AsStridedBackward0
    # _mark: the token of the last topological_order (engine/autograd.py) that reached
    # this tensor: its "seen" set without hashing ids (issue 23)
    __slots__ = ("data", "requires_grad", "grad_fn", "grad", "retains_grad", "_version",
                 "_prev", "_base", "_view_version", "_mark", "__weakref__")
    # numpy must defer to our reflected operators (ndarray * Tensor -> Tensor.__rmul__)
    __array_ufunc__ = None
    __hash__ = object.__hash__  # == is elementwise, identity is the hash

    def __init__(self, data: np.ndarray, requires_grad: bool = False, grad_fn=None):
        self.data = data
        self.requires_grad = requires_grad
        self.grad_fn = grad_fn
        self.grad = None
        self.retains_grad = False
        self._version = None  # None: version 0, counter not shared yet; else a shared [n]
        self._prev = None
        self._base = None
        self._mark = None

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    def numel(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __repr__(self) -> str:
        from .torch_repr import tensor_repr

        if self._base is not None and VIEW_REFRESH[0] is not None:
            VIEW_REFRESH[0](self)  # engine/views.py: AsStridedBackward0 after a base changed
        return tensor_repr(self.data, requires_grad=self.requires_grad,
                           grad_fn=self.grad_fn.name() if self.grad_fn is not None else None,
                           tangent=TANGENT[0](self) if TANGENT[0] is not None else None)

    def __getattr__(self, name):
        """PyTorch's tensor methods and attributes from api's tables (`x.sum`, `x.T`), for
        code that reads them as Python attributes. Only reached when normal lookup fails,
        so the engine's own slot reads never come here."""
        from .torch_api.registry import ATTRIBUTES, METHODS  # the tables only: no cycle

        if name in ATTRIBUTES:
            return ATTRIBUTES[name](self)
        method = METHODS.get(name)
        if method is None:
            raise AttributeError(f"'Tensor' object has no attribute '{name}'")
        return functools.partial(method, self)

    def __bool__(self) -> bool:
        from .errors import runtime

        if self.data.size != 1:
            raise runtime("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.data.reshape(()))


# True once some tensor was updated in place: from then on nodes record their inputs'
# version counters (before, every counter is 0 and recording them would only cost time)
VERSIONED = [False]
# engine/views.py's refresh_view, installed when it is imported (it sits above apply)
VIEW_REFRESH = [None]
# engine/forward_ad.py's tangent lookup (a dual tensor prints its tangent), while in use
TANGENT = [None]


class Node:
    """A grad_fn: one recorded op application. `inputs` are the op's tensor inputs
    (constants wrapped as tensors that do not require grad), `params` the op's
    non-tensor arguments. The node does not point back at its result (no reference
    cycle): backward walks tensors, and each tensor knows its node."""

    # versions: the inputs' version counters when recorded (None: all 0, the case until
    # a program first updates a tensor in place — see VERSIONED)
    __slots__ = ("op", "inputs", "params", "released", "versions")

    def __init__(self, op, inputs: tuple, params: dict):
        self.op = op
        self.inputs = inputs
        self.params = params
        self.released = False
        if not VERSIONED[0]:
            self.versions = None
        elif len(inputs) == 2:  # (a binary op, the commonest node: no generator)
            a, b = inputs
            a, b = a._version, b._version
            self.versions = (0 if a is None else a[0], 0 if b is None else b[0])
        else:
            self.versions = tuple(0 if t._version is None else t._version[0]
                                  for t in inputs) or None

    def name(self) -> str:
        return self.op.grad_fn

    def graph_inputs(self) -> list:
        """(index, tensor) for the inputs PyTorch lists in next_functions: not a Scalar
        argument, nor an input the op is never differentiable in (where's condition,
        nll_loss's target) — those are arguments, not graph edges."""
        op = self.op
        if op.variadic:
            return list(enumerate(self.inputs))
        n = len(op.vjps)
        return [(i, t) for i, t in enumerate(self.inputs)
                if i < n and not (op.vjps[i] is None and op.scalar_overload)]

    @property
    def next_functions(self) -> tuple:
        return tuple((_edge(t), 0) for _, t in self.graph_inputs())

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class AccumulateGrad:
    """The node PyTorch shows in next_functions for a leaf that requires grad."""

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor):
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    next_functions = ()

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


def _edge(t: Tensor):
    fn = t.grad_fn
    if fn is not None:
        # output k of a several-output custom Function: PyTorch's edge is its one node
        return fn.node if type(fn).__name__ == "OutputNode" else fn
    return AccumulateGrad(t) if t.requires_grad else None


def as_array(value, dtype=None) -> np.ndarray:
    """A numpy array for a Python scalar/list (dtype as torch.tensor infers it)."""
    if dtype is None:
        dtype = dtypes.scalar_dtype(value) if not isinstance(value, (list, tuple)) else None
    return np.asarray(value, dtype=dtype)
