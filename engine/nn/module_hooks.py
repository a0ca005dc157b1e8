"""Calling a module that has hooks, as torch/nn/modules/module.py's _call_impl does it:
global then per-module forward pre-hooks (with_kwargs), full backward hooks around the
forward (engine/nn/backward_hooks.py), forward hooks (with_kwargs, always_call: run even
when forward raised). Plus the module-global hooks of torch.nn.modules.module
(register_module_forward_pre_hook, ..._forward_hook, ..._full_backward_pre_hook,
..._full_backward_hook); Module.__call__ comes here only when some hook exists."""

import warnings
from collections import OrderedDict

from ..errors import runtime
from ..tensor import Tensor


class RemovableHandle:
    """torch.utils.hooks.RemovableHandle: remove() drops the hook from its table and from
    the tables of its flags (with_kwargs, always_call); ids are unique across tables."""

    _next_id = [0]
    __module__ = "torch.utils.hooks"  # type(handle) prints as PyTorch's class

    def __init__(self, hooks: dict, *, extra_dict=None):
        self.hooks = hooks
        self.id = RemovableHandle._next_id[0]
        RemovableHandle._next_id[0] += 1
        if extra_dict is None:
            extra_dict = ()
        elif isinstance(extra_dict, dict):
            extra_dict = (extra_dict,)
        self.extra_dicts = tuple(extra_dict)

    def remove(self):
        self.hooks.pop(self.id, None)
        for d in self.extra_dicts:
            d.pop(self.id, None)

    def __repr__(self) -> str:
        return "<torch.utils.hooks.RemovableHandle object>"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


_global_backward_pre_hooks: OrderedDict = OrderedDict()
_global_backward_hooks: OrderedDict = OrderedDict()
_global_is_full_backward_hook = [None]
_global_forward_pre_hooks: OrderedDict = OrderedDict()
_global_forward_hooks: OrderedDict = OrderedDict()
_global_forward_hooks_always_called: OrderedDict = OrderedDict()
_global_forward_hooks_with_kwargs: OrderedDict = OrderedDict()

DEPRECATED_BACKWARD_HOOK = (
    "gradcli: {} (PyTorch's deprecated non-full backward hook, a hook on the grad_fn of the "
    "module's output) is not supported; use register_full_backward_hook")


# a global hook was registered in this run: Module.__call__ then takes the hooked path
# (which finds the tables empty again after removals); one list read on the hook-free path
ANY_GLOBAL = [False]


def reset() -> None:
    """Forget every global hook (a program's run ends: the next one starts clean)."""
    for table in (_global_backward_pre_hooks, _global_backward_hooks,
                  _global_forward_pre_hooks, _global_forward_hooks,
                  _global_forward_hooks_always_called, _global_forward_hooks_with_kwargs):
        table.clear()
    _global_is_full_backward_hook[0] = None
    ANY_GLOBAL[0] = False


def _handle(table, extra=None):
    ANY_GLOBAL[0] = True
    return RemovableHandle(table, extra_dict=extra)


def register_module_forward_pre_hook(hook):
    handle = _handle(_global_forward_pre_hooks)
    _global_forward_pre_hooks[handle.id] = hook
    return handle


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    handle = _handle(_global_forward_hooks, _global_forward_hooks_always_called)
    _global_forward_hooks[handle.id] = hook
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    return handle


def register_module_backward_hook(hook):
    if _global_is_full_backward_hook[0] is True:
        raise runtime("Cannot use both regular backward hooks and full backward hooks as a "
                      "global Module hook. Please use only one of them.")
    raise NotImplementedError(DEPRECATED_BACKWARD_HOOK.format("register_module_backward_hook"))


def register_module_full_backward_pre_hook(hook):
    handle = _handle(_global_backward_pre_hooks)
    _global_backward_pre_hooks[handle.id] = hook
    return handle


def register_module_full_backward_hook(hook):
    if _global_is_full_backward_hook[0] is False:
        raise runtime("Cannot use both regular backward hooks and full backward hooks as a "
                      "global Module hook. Please use only one of them.")
    _global_is_full_backward_hook[0] = True
    handle = _handle(_global_backward_hooks)
    _global_backward_hooks[handle.id] = hook
    return handle


# torch.nn.modules.module's hook functions, as programs import them
GLOBAL_REGISTRATION = {f.__name__: f for f in (
    register_module_forward_pre_hook, register_module_forward_hook,
    register_module_backward_hook, register_module_full_backward_pre_hook,
    register_module_full_backward_hook)}


def _backward_hooks(module) -> list:
    hooks = []
    if _global_is_full_backward_hook[0] is True:
        hooks += _global_backward_hooks.values()
    if module._is_full_backward_hook is True:
        hooks += module._backward_hooks.values()
    return hooks


def call_impl(module, args: tuple, kwargs: dict):
    """Module._call_impl's hooked path."""
    state = {"result": None, "args": args, "kwargs": kwargs}
    called_always = set()
    try:
        return _inner(module, state, called_always)
    except Exception:
        # run the always_call forward hooks that did not run yet (their own errors are
        # silenced with a warning), then re-raise
        args, kwargs, result = state["args"], state["kwargs"], state["result"]
        for hook_id, hook in _global_forward_hooks.items():
            if hook_id in _global_forward_hooks_always_called and hook_id not in called_always:
                try:
                    hook_result = hook(module, args, result)
                    if hook_result is not None:
                        result = hook_result
                except Exception as e:
                    warnings.warn("global module forward hook with ``always_call=True`` raised "
                                  f"an exception that was silenced as another error was raised "
                                  f"in forward: {e}", stacklevel=2)
        for hook_id, hook in module._forward_hooks.items():
            if hook_id in module._forward_hooks_always_called and hook_id not in called_always:
                try:
                    if hook_id in module._forward_hooks_with_kwargs:
                        hook_result = hook(module, args, kwargs, result)
                    else:
                        hook_result = hook(module, args, result)
                    if hook_result is not None:
                        result = hook_result
                except Exception as e:
                    warnings.warn("module forward hook with ``always_call=True`` raised an "
                                  f"exception that was silenced as another error was raised in "
                                  f"forward: {e}", stacklevel=2)
        raise


def _inner(module, state: dict, called_always: set):
    args, kwargs = state["args"], state["kwargs"]
    full_backward_hooks = []
    backward_pre_hooks = []
    if module._backward_pre_hooks or _global_backward_pre_hooks:
        backward_pre_hooks = [*_global_backward_pre_hooks.values(),
                              *module._backward_pre_hooks.values()]
    if module._backward_hooks or _global_backward_hooks:
        full_backward_hooks = _backward_hooks(module)
    if _global_forward_pre_hooks or module._forward_pre_hooks:
        for hook_id, hook in (*_global_forward_pre_hooks.items(),
                              *module._forward_pre_hooks.items()):
            if hook_id in module._forward_pre_hooks_with_kwargs:
                args_kwargs_result = hook(module, args, kwargs)
                if args_kwargs_result is not None:
                    if isinstance(args_kwargs_result, tuple) and len(args_kwargs_result) == 2:
                        args, kwargs = args_kwargs_result
                    else:
                        raise runtime("forward pre-hook must return None or a tuple of "
                                      f"(new_args, new_kwargs), but got {args_kwargs_result}.")
            else:
                args_result = hook(module, args)
                if args_result is not None:
                    if not isinstance(args_result, tuple):
                        args_result = (args_result,)
                    args = args_result
            state["args"], state["kwargs"] = args, kwargs
    bw_hook = None
    if full_backward_hooks or backward_pre_hooks:
        from .backward_hooks import BackwardHook

        bw_hook = BackwardHook(module, full_backward_hooks, backward_pre_hooks)
        args = bw_hook.setup_input_hook(args)
        state["args"] = args
    result = module.forward(*args, **kwargs)
    state["result"] = result
    if _global_forward_hooks or module._forward_hooks:
        for hook_id, hook in (*_global_forward_hooks.items(), *module._forward_hooks.items()):
            if (hook_id in module._forward_hooks_always_called
                    or hook_id in _global_forward_hooks_always_called):
                called_always.add(hook_id)
            if (hook_id in module._forward_hooks_with_kwargs
                    or hook_id in _global_forward_hooks_with_kwargs):
                hook_result = hook(module, args, kwargs, result)
            else:
                hook_result = hook(module, args, result)
            if hook_result is not None:
                result = hook_result
                state["result"] = result
    if bw_hook:
        if not isinstance(result, (Tensor, tuple)):
            warnings.warn("For backward hooks to be called, module output should be a Tensor "
                          f"or a tuple of Tensors but received {type(result)}", stacklevel=2)
        result = bw_hook.setup_output_hook(result)
    return result
