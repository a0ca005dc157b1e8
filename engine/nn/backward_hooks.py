"""nn.Module full backward hooks as PyTorch runs them: torch/nn/modules/_functions.py's
BackwardHookFunction (a custom autograd.Function whose backward is the identity) and
torch/utils/hooks.py's BackwardHook.

When a module has full backward (pre-)hooks, its tensor inputs and its outputs pass
through BackwardHookFunction.apply, so they carry `BackwardHookFunctionBackward` grad_fns
(what `print(y)` and `y.grad_fn.next_functions` show in PyTorch). The module's hooks are
post-hooks on those two nodes (PyTorch's Node.register_hook): the output node's fires
with grad_output before the module's own backward (the pre-hooks run there and may
replace grad_output); the input node's fires once every input gradient is computed (the
full hooks run there with grad_input and grad_output and may replace grad_input).

The nodes are engine/custom_function.py's BackwardNode with post-hooks added: a node's
`_grads` (one call per backward pass, all outputs' gradients packed) runs the identity
backward, then the hooks, with PyTorch's checks of what a hook returns."""

import itertools
import warnings

import numpy as np

from .. import func_transforms as FT
from .. import grad_mode
from .. import versions as V
from ..custom_function import _BACKWARD_CLASSES, BackwardNode, Function, GradPack, OutputNode
from ..errors import runtime
from ..hooks import RemovableHandle
from ..tensor import Tensor

_ids = itertools.count()


class BackwardHookFunction(Function):
    """torch.nn.modules._functions.BackwardHookFunction."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[arg for arg in args if not arg.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *args):
        return args


class BackwardHookFunctionBackward(BackwardNode):
    """The node of one BackwardHookFunction application, with PyTorch's node post-hooks:
    hook(grad_inputs, grad_outputs) after the node's backward; a returned tuple replaces
    grad_inputs (what flows on to the node's inputs)."""

    def register_hook(self, fn):
        hooks = self.__dict__.setdefault("_post_hooks", {})
        hid = next(_ids)
        hooks[hid] = fn
        return RemovableHandle(hooks, hid)

    def _grads(self, g) -> tuple:
        cache = self.__dict__.get("_hooked")
        if cache is not None and cache[0] is g:
            return cache[1]
        grads = BackwardNode._grads(self, g)
        hooks = self.__dict__.get("_post_hooks")
        if hooks:
            slots = g.slots if isinstance(g, GradPack) else [g]
            grads = _run_post_hooks(list(hooks.values()), grads, slots)
        self.__dict__["_hooked"] = (g, grads)
        return grads


# apply_function makes BackwardHookFunction's nodes of this class (PyTorch's FunctionMeta
# names it the same way: <Function name>Backward)
_BACKWARD_CLASSES[BackwardHookFunction] = BackwardHookFunctionBackward


def _as_tensor(v):
    return v if v is None or isinstance(v, Tensor) else Tensor(np.asarray(v))


def _type_name(t: Tensor) -> str:
    name = t.data.dtype.name
    return f"torch.{V._TYPES.get(name, name)}Tensor"


def _hook_name(fn) -> str:
    return getattr(fn, "__name__", "<unknown>")


def _check_result(prev: tuple, result, fn) -> None:
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


def _run_post_hooks(hooks: list, grads: tuple, slots: list) -> tuple:
    create = grad_mode.is_enabled()  # the engine runs rules with grad mode = create_graph
    outputs = tuple(_as_tensor(r) for r in grads)
    inputs = tuple(_as_tensor(s) for s in slots)
    for fn in hooks:
        result = fn(outputs, inputs)
        if result is None:
            continue
        _check_result(outputs, result, fn)
        outputs = result
    return tuple(r if r is None or create else r.data for r in outputs)


def _node_of(t: Tensor):
    fn = t.grad_fn
    return fn.node if type(fn) is OutputNode else fn


class BackwardHook:
    """torch.utils.hooks.BackwardHook: wraps one call of a module with hooks."""

    def __init__(self, module, user_hooks, user_pre_hooks) -> None:
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.module = module
        self.grad_outputs = None
        self.n_outputs = -1
        self.output_tensors_index = None
        self.n_inputs = -1
        self.input_tensors_index = None

    @staticmethod
    def _pack_with_none(indices, values, size):
        res = [None] * size
        for idx, val in zip(indices, values, strict=True):
            res[idx] = val
        return tuple(res)

    @staticmethod
    def _unpack_none(indices, values):
        return tuple(values[idx] for idx in indices)

    def _set_user_hook(self, grad_fn) -> None:
        def hook(grad_input, _):
            if self.grad_outputs is None:
                # the gradient reached the module's inputs without passing through its
                # outputs (e.g. double backward)
                return None
            res = self._pack_with_none(self.input_tensors_index, grad_input, self.n_inputs)
            for user_hook in self.user_hooks:
                out = user_hook(self.module, res, self.grad_outputs)
                if out is None:
                    continue
                if len(out) != len(res):
                    raise runtime("Backward hook returned an invalid number of grad_input, "
                                  f"got {len(out)}, but expected {len(res)}")
                res = out
            self.grad_outputs = None
            return self._unpack_none(self.input_tensors_index, res)

        grad_fn.register_hook(hook)

    def _apply_on_tensors(self, fn, args):
        tensors_idx = []
        tensors = []
        requires_grad = False
        for i, arg in enumerate(args):
            if isinstance(arg, Tensor):
                tensors_idx.append(i)
                tensors.append(arg)
                requires_grad |= arg.requires_grad
        # inside torch.func.vmap a batched tensor does not require grad: nothing is wrapped
        if not (requires_grad and grad_mode.is_enabled()) or FT._VMAP[0]:
            return args, None
        new_tensors = BackwardHookFunction.apply(*tensors)
        if len(new_tensors) == 0:
            raise runtime("Cannot set Module backward hook for a Module with no input Tensors.")
        grad_fns = [_node_of(t) for t in new_tensors if t.grad_fn is not None
                    and _node_of(t).name() == "BackwardHookFunctionBackward"]
        if len(grad_fns) == 0:
            raise runtime("Error while setting up backward hooks. Please open an issue with a "
                          "code sample to reproduce this.")
        fn(grad_fns[0])
        arg_list = list(args)
        for idx, val in zip(tensors_idx, new_tensors, strict=True):
            arg_list[idx] = val
        out = tuple(arg_list) if type(args) is tuple else type(args)(*arg_list)
        return out, tensors_idx

    def setup_input_hook(self, args):
        res, input_idx = self._apply_on_tensors(self._set_user_hook, args)
        self.n_inputs = len(args)
        self.input_tensors_index = input_idx
        return res

    def setup_output_hook(self, args):
        def fn(grad_fn) -> None:
            def hook(_, grad_output):
                self.grad_outputs = self._pack_with_none(self.output_tensors_index,
                                                         grad_output, self.n_outputs)
                if self.user_pre_hooks:
                    expected_len = len(self.grad_outputs)
                    for user_pre_hook in self.user_pre_hooks:
                        hook_grad_outputs = user_pre_hook(self.module, self.grad_outputs)
                        if hook_grad_outputs is None:
                            continue
                        actual_len = len(hook_grad_outputs)
                        if actual_len != expected_len:
                            raise runtime("Backward pre hook returned an invalid number of "
                                          f"grad_output, got {actual_len}, but expected "
                                          f"{expected_len}")
                        self.grad_outputs = hook_grad_outputs
                local_grad_outputs = self.grad_outputs
                # no input requires grad: the full hooks fire here, with None grad_inputs
                if self.input_tensors_index is None:
                    warnings.warn(
                        "Full backward hook is firing when gradients are computed with "
                        "respect to module outputs since no inputs require gradients. See "
                        "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                        "#torch.nn.Module.register_full_backward_hook for more details.",
                        stacklevel=5)
                    grad_inputs = self._pack_with_none([], [], self.n_inputs)
                    for user_hook in self.user_hooks:
                        res = user_hook(self.module, grad_inputs, self.grad_outputs)
                        if res is not None and not (isinstance(res, tuple)
                                                    and all(el is None for el in res)):
                            raise runtime("Backward hook for Modules where no input requires "
                                          "gradient should always return None or None for "
                                          "all gradients.")
                    self.grad_outputs = None
                if local_grad_outputs is not None:
                    return tuple(local_grad_outputs[i] for i in self.output_tensors_index)
                return None

            grad_fn.register_hook(hook)

        is_tuple = True
        if not isinstance(args, tuple):
            args = (args,)
            is_tuple = False
        res, output_idx = self._apply_on_tensors(fn, args)
        self.n_outputs = len(args)
        self.output_tensors_index = output_idx
        if not is_tuple:
            res = res[0]
        return res
