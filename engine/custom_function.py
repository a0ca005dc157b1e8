"""torch.autograd.Function: user-defined ops with their own forward and backward.

PyTorch's design, kept here: the grad_fn of a custom Function's outputs IS its ctx (one
object, `<NameBackward>`), so attributes a forward sets on ctx are readable on
`y.grad_fn`. The node is a duck-typed graph node for engine/autograd.py: `op` is a private
row (not in the op table) whose VJP rules call the user's backward once and hand each
tensor input its gradient.

One output: the output's grad_fn is the node itself. A tuple of outputs: the engine walks
tensors, one gradient each, but the user's backward wants all of them in one call; so
the node sits on a hidden zero-size tensor (`core`) and each output's grad_fn is an
`OutputNode` (same name) that sends its gradient to `core` packed in a `GradPack`; packs
add slot by slot, and the node's rules unpack them."""

import inspect

import numpy as np

from . import forward_ad, grad_mode
from . import func_transforms as FT
from . import hooks as H
from . import versions as V
from .errors import runtime
from .ops.table import Op
from .tensor import VERSIONED, AccumulateGrad, Node, Tensor
from .torch_api import autograd_api  # noqa: F401  (its grad_fn reader, wrapped below)
from .torch_api.autograd_api import NODE_METHODS
from .torch_api.registry import ATTRIBUTES

FREED = ("Trying to backward through the graph a second time (or directly access saved "
         "tensors after they have already been freed). Saved intermediate values of the graph "
         "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
         "you need to backward through the graph a second time or if you need to access saved "
         "tensors after calling backward.")
NO_BACKWARD = ("You must implement either the backward or vjp method for your custom "
               "autograd.Function to use it with backward mode AD.")
NO_FORWARD = "You must implement the forward function for custom autograd.Function."
NO_JVP = ("You must implement the jvp function for custom autograd.Function to use it with "
          "forward mode AD.")
NO_VMAP = ("You tried to vmap over {}, but it does not have vmap support. Please override and "
           "implement the vmap staticmethod or set generate_vmap_rule=True. For more details, "
           "please see https://pytorch.org/docs/main/notes/extending.func.html")
NO_SETUP = ("In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, "
            "jacrev, ...), it must override the setup_context staticmethod. For more details, "
            "please see https://pytorch.org/docs/main/notes/extending.func.html")


def _edge(t: Tensor):
    fn = t.grad_fn
    if fn is not None:
        # output k of a several-output custom Function: PyTorch's edge is its one node
        return fn.node if type(fn).__name__ == "OutputNode" else fn
    return AccumulateGrad(t) if t.requires_grad else None


class GradPack(Tensor):
    """The gradients of a tuple-output Function's outputs, on their way to `core`: a
    Tensor (so the engine's shape/dtype fitting leaves it alone) holding one slot each."""

    __slots__ = ("slots",)

    def __init__(self, like: np.ndarray, slots: list):
        super().__init__(like)
        self.slots = slots

    def __add__(self, other):
        merged = []
        for a, b in zip(self.slots, other.slots, strict=True):
            merged.append(a if b is None else b if a is None else a + b)
        return GradPack(self.data, merged)

    __radd__ = __add__


class BackwardNode:
    """ctx and grad_fn of one application of a custom Function (PyTorch's
    BackwardCFunction): save_for_backward, saved_tensors, needs_input_grad, mark_dirty,
    mark_non_differentiable, set_materialize_grads, and any attribute a program sets."""

    def __init__(self, cls):
        d = self.__dict__
        d["_cls"] = cls
        d["_name"] = cls.__name__ + "Backward"
        d["_to_save"] = ()
        d["_saved"] = None
        d["_dirty"] = ()
        d["_non_diff"] = ()
        d["_materialize"] = True
        d["needs_input_grad"] = ()
        # graph node fields, as engine/tensor.py's Node has them
        d["op"] = None
        d["inputs"] = ()
        d["params"] = {}
        d["released"] = False
        d["versions"] = None
        d["_outputs"] = ()  # tensor outputs (materialized zero grads take their shapes)

    # ------------------------------------------------------------------ ctx
    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument "
                                f"{tensors.index(t)} is of type {type(t).__name__}")
        self.__dict__["_to_save"] = tensors

    def mark_dirty(self, *tensors):
        self.__dict__["_dirty"] = tensors

    def mark_non_differentiable(self, *tensors):
        self.__dict__["_non_diff"] = tensors

    def set_materialize_grads(self, value):
        self.__dict__["_materialize"] = bool(value)

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is None:  # read inside forward: what was saved so far
            return tuple(self._to_save)
        if self.released:
            raise runtime(FREED)
        for t, want in saved:
            if t is not None and V.version(t) != want:
                which = ("" if t.grad_fn is None
                         else f", which is output 0 of {V._short(t.grad_fn.name())},")
                V._raise(t, V.version(t), want, which)
        return tuple(t for t, _ in saved)

    saved_variables = saved_tensors

    # ------------------------------------------------------------------ grad_fn
    def name(self) -> str:
        return self._name

    @property
    def next_functions(self) -> tuple:
        return tuple((_edge(t), 0) for t in self.inputs)

    def graph_inputs(self) -> list:
        return list(enumerate(self.inputs))

    def register_hook(self, fn):
        """Node post-hook: fn(grad_inputs, grad_outputs) after backward."""
        return H.register_node_hook(self.__dict__.setdefault("_post_hooks", {}), fn)

    def register_prehook(self, fn):
        """Node pre-hook: fn(grad_outputs) before backward."""
        return H.register_node_hook(self.__dict__.setdefault("_pre_hooks", {}), fn)

    def __repr__(self) -> str:
        return f"<torch.autograd.function.{self._name}>"

    def __setattr__(self, name, value):
        if name in ("saved_tensors", "needs_input_grad", "next_functions"):
            raise AttributeError(f"attribute '{name}' of 'torch._C._FunctionBase' objects "
                                 f"is not writable")
        self.__dict__[name] = value

    def inplace_view_error(self, t: Tensor) -> None:
        """An in-place op (with grad mode on) on a view this Function returned (an input
        returned as-is, or a view made in forward): PyTorch forbids it, as the view's
        rebase would replace the Function's backward. (OutputNode reaches it too.)"""
        k = next((i for i, o in enumerate(self._outputs) if o is t), 0)
        if sum(1 for o in self._outputs if o is not None and o.requires_grad) > 1:
            raise runtime(f"Output {k} of {self._cls.__name__} is a view and is being "
                          "modified inplace. This view is the output of a function that "
                          "returns multiple views. Such functions do not allow the output "
                          "views to be modified inplace. You should replace the inplace "
                          "operation by an out-of-place one.")
        raise runtime(f"Output {k} of {self._cls.__name__} is a view and is being modified "
                      "inplace. This view was created inside a custom Function (or because "
                      "an input was returned as-is) and the autograd logic to handle "
                      "view+inplace would override the custom backward associated with the "
                      "custom Function, leading to incorrect gradients. This behavior is "
                      "forbidden. You can fix this by cloning the output of the custom "
                      "Function.")

    # ------------------------------------------------------------------ backward
    def _grads(self, g) -> tuple:
        """The user's gradients for every forward argument, computed once per backward
        pass (each tensor input's rule asks for its own) and checked as PyTorch does."""
        cache = self.__dict__.get("_cache")
        if cache is not None and cache[0] is g:
            return cache[1]
        create = grad_mode.is_enabled()  # the engine runs rules with grad mode = create_graph
        slots = g.slots if isinstance(g, GradPack) else [g]
        pre_hooks = self.__dict__.get("_pre_hooks")
        if pre_hooks:
            slots = H.run_node_hooks(pre_hooks.values(), slots)
        args = []
        for out, s in zip(self._outputs, slots, strict=True):
            if s is None:
                if out is None or not self._materialize:
                    args.append(None)
                    continue
                s = np.zeros(out.data.shape, dtype=out.data.dtype)
            args.append(s if isinstance(s, Tensor) else Tensor(np.asarray(s)))
        cls = self._cls
        fn = cls.backward if cls.vjp is Function.vjp else cls.vjp
        if fn is Function.backward:
            raise NotImplementedError(NO_BACKWARD)
        result = fn(self, *args)
        result = result if isinstance(result, tuple) else (result,)
        expected = len(self._is_tensor)
        if len(result) > expected and all(r is None for r in result[expected:]):
            result = result[:expected]
        if len(result) != expected:
            raise runtime(f"function {self._name} returned an incorrect number of gradients "
                          f"(expected {expected}, got {len(result)})")
        grads = []
        for pos, (r, is_t) in enumerate(zip(result, self._is_tensor, strict=True)):
            if r is not None and not isinstance(r, Tensor):
                raise runtime(f"expected Variable or None (got {type(r).__name__})")
            if not is_t:
                if r is not None:
                    raise runtime(f"function {self._name} returned a gradient different than "
                                  f"None at position {pos + 1}, but the corresponding forward "
                                  f"input was not a Variable")
                continue
            grads.append(r)
        for i, (r, inp) in enumerate(zip(grads, self.inputs, strict=True)):
            if r is not None and not _reducible(r.data.shape, inp.data.shape):
                got = ", ".join(map(str, r.data.shape))
                want = ", ".join(map(str, inp.data.shape))
                raise runtime(f"Function {self._name} returned an invalid gradient at index "
                              f"{i} - got [{got}] but expected shape compatible with [{want}]")
        post_hooks = self.__dict__.get("_post_hooks")
        if post_hooks:
            grads = H.run_node_hooks(post_hooks.values(), grads, slots)
        grads = tuple(r if r is None or create else r.data for r in grads)
        self.__dict__["_cache"] = (g, grads)
        return grads


def _reducible(grad_shape: tuple, shape: tuple) -> bool:
    """PyTorch's is_expandable_to: the input's shape broadcasts to the gradient's."""
    if len(shape) > len(grad_shape):
        return False
    for s, gs in zip(reversed(shape), reversed(grad_shape), strict=False):
        if s != gs and s != 1:
            return False
    return True


class OutputNode:
    """grad_fn of output k of a tuple-output Function: shows as the Function's node (its
    name, next_functions, ctx attributes) and sends its gradient to the hidden core."""

    __slots__ = ("node", "op", "inputs", "params", "released", "versions")

    def __init__(self, node: BackwardNode, core: Tensor, k: int, n: int):
        self.node = node
        like = core.data

        def send(g, out, c):
            slots = [None] * n
            slots[k] = g
            return GradPack(like, slots)
        self.op = Op(name="custom_output", grad_fn=node._name, forward=None, vjps=(send,),
                     saves=False)
        self.inputs = (core,)
        self.params = {}
        self.released = False
        self.versions = None

    def name(self) -> str:
        return self.node._name

    @property
    def next_functions(self) -> tuple:
        return self.node.next_functions

    def graph_inputs(self) -> list:
        return [(0, self.inputs[0])]

    def __getattr__(self, name):
        return getattr(self.node, name)

    def __repr__(self) -> str:
        return repr(self.node)


def _make_op(node: BackwardNode, n_inputs: int) -> Op:
    def make(i):
        def rule(g, out, *ins):
            grads = node._grads(g)
            return grads[i]
        return rule
    return Op(name="custom_function", grad_fn=node._name, forward=None,
              vjps=tuple(make(i) for i in range(n_inputs)), saves=False)


class Function:
    """Base class of a program's custom autograd Functions (static forward/backward)."""

    generate_vmap_rule = False

    def __init__(self, *args, **kwargs):
        # PyTorch warns and then refuses legacy (non-static forward) Functions on apply
        pass

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError(NO_FORWARD)

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(NO_BACKWARD)

    @staticmethod
    def vjp(ctx, *grad_outputs):
        raise NotImplementedError(NO_BACKWARD)

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError(NO_JVP)

    @staticmethod
    def vmap(info, in_dims, *args):
        raise NotImplementedError("To use autograd.Function with vmap, you must either "
                                  "override the vmap staticmethod or set "
                                  "generate_vmap_rule=True.")

    @classmethod
    def apply(cls, *args, **kwargs):
        return apply_function(cls, args, kwargs)


_BACKWARD_CLASSES: dict = {}


def _backward_class(cls):
    """PyTorch's FunctionMeta: a node class named `<Name>Backward` per Function class."""
    made = _BACKWARD_CLASSES.get(cls)
    if made is None:
        made = _BACKWARD_CLASSES[cls] = type(cls.__name__ + "Backward", (BackwardNode,), {})
    return made


def _read_grad_fn(reader):
    # every output of one application shows the same grad_fn object, as in PyTorch
    def read(t):
        fn = reader(t)
        return fn.node if type(fn) is OutputNode else fn
    return read


ATTRIBUTES["grad_fn"] = _read_grad_fn(ATTRIBUTES["grad_fn"])


def _refuse_node_hook(kind):
    # a built-in op's node has no place for hooks in the engine's per-input rule calls
    def refuse(node, fn):
        raise NotImplementedError(f"gradcli: grad_fn.{kind} on {node.name()} (a built-in "
                                  f"op's node) is not supported; Tensor.register_hook and "
                                  f"the nodes of custom autograd Functions take hooks")
    return refuse


for _kind in ("register_hook", "register_prehook"):
    NODE_METHODS.setdefault(_kind, _refuse_node_hook(_kind))


def _has_setup_context(cls) -> bool:
    return cls.setup_context is not Function.setup_context


def apply_function(cls, args: tuple, kwargs: dict):
    if cls.backward is not Function.backward and cls.vjp is not Function.vjp:
        raise runtime("Implementing both 'backward' and 'vjp' for a custom Function is not "
                      "allowed. You should only implement one of them.")
    setup = _has_setup_context(cls)
    _check_transforms(cls, setup, args + tuple(kwargs.values()))
    if setup:
        bound = inspect.signature(cls.forward).bind(*args, **kwargs)
        bound.apply_defaults()
        args, kwargs = bound.args, bound.kwargs
    node = _backward_class(cls)(cls)
    all_args = args + tuple(kwargs.values())
    grad_on = grad_mode.is_enabled()
    is_tensor = tuple(isinstance(a, Tensor) for a in all_args)
    node.__dict__["needs_input_grad"] = tuple(
        isinstance(a, Tensor) and a.requires_grad for a in all_args)
    node.__dict__["_is_tensor"] = is_tensor
    with grad_mode.set_grad_enabled(False):
        if setup:
            output = cls.forward(*args, **kwargs)
            cls.setup_context(node, args, output)
        else:
            output = cls.forward(node, *args, **kwargs)
    inputs = tuple(a for a in all_args if isinstance(a, Tensor))
    differentiable = grad_on and any(t.requires_grad for t in inputs)
    is_tuple = isinstance(output, tuple)
    outs = output if is_tuple else (output,)
    dirty = node._dirty
    non_diff = node._non_diff
    if not differentiable:
        _save(node)
        return output
    node.__dict__["inputs"] = inputs
    node.__dict__["versions"] = VERSIONED[0] and tuple(V.version(t) for t in inputs) or None
    new_outs = []
    diff_outs = []
    for o in outs:
        if not isinstance(o, Tensor):
            new_outs.append(o)
            continue
        given = o  # mark_non_differentiable names the tensor forward returned
        if any(o is d for d in dirty):
            o = _rebase_dirty(node, o)
        elif any(o is t for t in inputs):
            o = _alias(o)
        if any(given is d for d in non_diff) or o.data.dtype.kind not in "fc":
            new_outs.append(o)
            continue
        new_outs.append(o)
        diff_outs.append(o)
    node.__dict__["_outputs"] = tuple(o if isinstance(o, Tensor) else None for o in new_outs)
    node.__dict__["op"] = _make_op(node, len(inputs))
    if not is_tuple:
        for o in diff_outs:
            o.grad_fn, o.requires_grad = node, True
        _save(node)
        return new_outs[0]
    core = Tensor(np.zeros(0, dtype=np.float32), requires_grad=True, grad_fn=node)
    n = len(new_outs)
    for k, o in enumerate(new_outs):
        if any(o is d for d in diff_outs):
            o.grad_fn, o.requires_grad = OutputNode(node, core, k, n), True
    _save(node)
    return tuple(new_outs)


def _check_transforms(cls, setup: bool, args: tuple) -> None:
    """torch.func transforms and forward AD reach a custom Function only through its
    setup_context / vmap / jvp staticmethods, with PyTorch's errors when they are missing."""
    if FT._LEVEL[0]:
        if not setup:
            raise runtime(NO_SETUP)
        if FT._VMAP[0]:
            if cls.vmap is not Function.vmap:
                raise NotImplementedError("gradcli: a custom Function's vmap staticmethod is "
                                          "not supported (generate_vmap_rule=True is)")
            if not cls.generate_vmap_rule:
                raise runtime(NO_VMAP.format(cls.__name__))
    if forward_ad._LEVEL[0] is not None and any(
            isinstance(a, Tensor) and forward_ad.tangent_of(a) is not None for a in args):
        if cls.jvp is Function.jvp:
            raise NotImplementedError(NO_JVP)
        raise NotImplementedError("gradcli: a custom Function's jvp staticmethod (forward AD) "
                                  "is not supported")


def _save(node: BackwardNode) -> None:
    """Saved tensors are taken when forward (and setup_context) returned, with their
    versions then: backward refuses one modified in place since."""
    node.__dict__["_saved"] = tuple((t, V.version(t) if t is not None else 0)
                                    for t in node._to_save)


def _alias(t: Tensor) -> Tensor:
    """An input returned as it is (not marked dirty): PyTorch returns a view of it."""
    out = Tensor(t.data)
    base = t._base if t._base is not None else t
    out._base = base
    out._version = V.counter(base)
    out._view_version = out._version[0]
    return out


def _rebase_dirty(node: BackwardNode, t: Tensor) -> Tensor:
    """An input the forward modified in place (mark_dirty): the same tensor comes back
    with the Function as its grad_fn; nodes recorded before see its earlier history."""
    if t.requires_grad and t.grad_fn is None:
        raise runtime("a leaf Variable that requires grad has been used in an in-place "
                      "operation.")
    if t.requires_grad:
        old = Tensor(t.data.copy(), t.requires_grad, t.grad_fn)
        old._version, old._prev = V.counter(t), t._prev
        node.__dict__["inputs"] = tuple(old if x is t else x for x in node.inputs)
        t._prev = (V.version(t), old)
    V.bump(t)
    return t


def once_differentiable(fn):
    """torch.autograd.function.once_differentiable: the backward runs without recording a
    graph; under create_graph its results get PyTorch's DelayedError node, which raises
    only if something differentiates through it."""
    def wrapper(ctx, *args):
        with grad_mode.set_grad_enabled(False):
            outputs = fn(ctx, *args)
        if not grad_mode.is_enabled() or not any(isinstance(a, Tensor) and a.requires_grad
                                                 for a in args):
            return outputs
        outs = outputs if isinstance(outputs, tuple) else (outputs,)
        delayed = tuple(_delayed_error(o) if isinstance(o, Tensor) else o for o in outs)
        return delayed if isinstance(outputs, tuple) else delayed[0]
    wrapper.__name__ = getattr(fn, "__name__", "backward")
    return wrapper


def _raise_twice(g, out, var):
    raise runtime("trying to differentiate twice a function that was marked with "
                  "@once_differentiable")


_DELAYED = Op(name="delayed_error", grad_fn="DelayedError", forward=None, vjps=(_raise_twice,),
              saves=False)


def _delayed_error(t: Tensor) -> Tensor:
    var = Tensor(t.data, requires_grad=True)  # PyTorch's fake_requires_grad(detach())
    return Tensor(t.data, requires_grad=True, grad_fn=Node(_DELAYED, (var,), {}))
