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

The nodes are engine/custom_function.py's custom Function nodes, whose post-hooks
(engine/hooks.py's node hooks) run once per backward pass with all gradients at hand,
with PyTorch's checks of what a hook returns."""

import warnings

from .. import func_transforms as FT
from .. import grad_mode
from ..custom_function import Function, OutputNode
from ..errors import runtime
from ..tensor import Tensor


class BackwardHookFunction(Function):
    """torch.nn.modules._functions.BackwardHookFunction."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[arg for arg in args if not arg.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *args):
        return args


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
