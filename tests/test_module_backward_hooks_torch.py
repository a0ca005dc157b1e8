"""nn.Module full backward hooks (and the hooked call path) against PyTorch: one program
per (module, hook setup), run in-process by real torch and by gradcli's program runner;
the printed output must be the same: hook call order, grad_input / grad_output (None
where PyTorch gives None, shapes and values), replaced gradients, the resulting .grad of
inputs and parameters, grad_fn names and next_functions through the hook nodes."""

import contextlib
import io
import warnings

import pytest

torch = pytest.importorskip("torch")

from gradcli.parser.program import run_program  # noqa: E402

pytestmark = pytest.mark.torch

LOGGERS = '''
import torch
import torch.nn as nn

def names(fn):
    return [None if f[0] is None else f[0].name() for f in fn.next_functions]

def show(tag, grads):
    print(tag, len(grads))
    for g in grads:
        print("  ", None if g is None else (tuple(g.shape), g))

def log_pre(tag):
    def hook(mod, grad_output):
        show("pre " + tag, grad_output)
    return hook

def log_full(tag):
    def hook(mod, grad_input, grad_output):
        show("full in " + tag, grad_input)
        show("full out " + tag, grad_output)
    return hook
'''

# module setups: build `m`, the call `out = ...`, and `leaves` to print the .grad of
MODULES = {
    "linear": '''
torch.manual_seed(0)
m = nn.Linear(3, 2)
x = torch.randn(4, 3, requires_grad=True)
out = m(x)
leaves = [x, m.weight, m.bias]
''',
    "linear_input_no_grad": '''
torch.manual_seed(3)
m = nn.Linear(3, 2)
x = torch.randn(2, 3)
out = m(x)
leaves = [m.weight, m.bias]
''',
    "sequential": '''
torch.manual_seed(4)
m = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
x = torch.randn(5, 3, requires_grad=True)
out = m(x)
leaves = [x, m[0].weight, m[2].bias]
''',
    "two_inputs": '''
class Mix(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([0.5, -1.0, 2.0]))
    def forward(self, a, b, k):
        return torch.tanh(a * self.w) * b + k
m = Mix()
a = torch.tensor([0.25, -0.5, 1.5], requires_grad=True)
b = torch.tensor([2.0, 3.0, -1.0])
out = m(a, b, 0.5)
leaves = [a, m.w]
''',
    "tuple_output": '''
class Split(nn.Module):
    def forward(self, x, y):
        return x * y, "label", (x - y).sum(), y.exp()
m = Split()
x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
y = torch.tensor([0.5, 0.25, -1.0], requires_grad=True)
out = m(x, y)
leaves = [x, y]
''',
}

# hook setups, registered before the call (the placeholder line is replaced)
HOOKS = {
    "pre": "m.register_full_backward_pre_hook(log_pre('m'))",
    "full": "m.register_full_backward_hook(log_full('m'))",
    "both_prepended": '''
m.register_full_backward_hook(log_full('second'))
m.register_full_backward_hook(log_full('first'), prepend=True)
m.register_full_backward_pre_hook(log_pre('pre second'))
m.register_full_backward_pre_hook(log_pre('pre first'), prepend=True)
''',
    "replace_grad_output": '''
def double(mod, grad_output):
    show("pre seen", grad_output)
    return tuple(None if g is None else g * 2 for g in grad_output)
m.register_full_backward_pre_hook(double)
m.register_full_backward_hook(log_full('after'))
''',
    "replace_grad_input": '''
def scale(mod, grad_input, grad_output):
    show("full seen", grad_input)
    return tuple(None if g is None else g * -3 for g in grad_input)
m.register_full_backward_hook(scale)
m.register_full_backward_hook(log_full('next'))
''',
    "removed": '''
h1 = m.register_full_backward_hook(log_full('gone'))
h2 = m.register_full_backward_pre_hook(log_pre('gone'))
h3 = m.register_full_backward_hook(log_full('kept'))
h1.remove()
h2.remove()
h1.remove()
''',
    "submodules": '''
for name, sub in m.named_modules():
    sub.register_full_backward_pre_hook(log_pre(name or 'top'))
    sub.register_full_backward_hook(log_full(name or 'top'))
''',
}

BODY = '''
outs = out if isinstance(out, tuple) else (out,)
tensors = [o for o in outs if isinstance(o, torch.Tensor)]
for o in tensors:
    print(o)
    print(o.grad_fn.name(), names(o.grad_fn))
    print("inner", names(o.grad_fn.next_functions[0][0]))
loss = tensors[0].pow(2).sum()
for o in tensors[1:]:
    loss = loss + o.sum() * 0.5
loss.backward()
for t in leaves:
    print(t.grad)
'''


def program(module: str, hooks: str) -> str:
    setup = MODULES[module]
    before, _, after = setup.partition("out = ")
    return LOGGERS + before + HOOKS[hooks] + "\nout = " + after + BODY


def torch_output(text: str) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(text, "<program>", "exec"), {"__name__": "__main__"})
    return buf.getvalue()


def gradcli_output(text: str) -> str:
    parts = []
    run_program(text, parts.append, lambda line, msg: None)
    return "".join(parts)


CASES = [(m, h) for m in MODULES for h in HOOKS]


@pytest.mark.parametrize("module,hooks", CASES, ids=[f"{m}-{h}" for m, h in CASES])
def test_hooks_run_as_in_torch(module, hooks):
    text = program(module, hooks)
    expected = torch_output(text)
    assert "full" in expected or "pre" in expected or hooks == "removed"
    assert gradcli_output(text) == expected


def test_hook_free_call_is_the_hooked_call():
    """Module.__call__'s fast path (no hook anywhere) against the hooked path: the same
    values, gradients and forward result, with hooks that change nothing."""
    text = LOGGERS + MODULES["sequential"] + BODY
    plain = gradcli_output(text)
    hooked = gradcli_output(text.replace(
        "out = m(x)", "m.register_forward_hook(lambda mod, i, o: None)\n"
                      "m.register_forward_pre_hook(lambda mod, i: None)\nout = m(x)"))
    assert plain == hooked == torch_output(text)


def test_global_hooks_end_with_the_run():
    text = LOGGERS + '''
from torch.nn.modules.module import register_module_full_backward_hook
register_module_full_backward_hook(log_full('global'))
''' + MODULES["linear"] + BODY
    first = gradcli_output(text)
    assert "full in global" in first and first == torch_output(text + '''
import torch.nn.modules.module as mm
mm._global_backward_hooks.clear()
mm._global_is_full_backward_hook = None
''')
    # a later run in the same process no longer has the first run's global hook
    assert "global" not in gradcli_output(LOGGERS + MODULES["linear"] + BODY)


def test_deprecated_backward_hook_is_refused_by_name():
    text = LOGGERS + "m = nn.Linear(2, 2)\nm.register_backward_hook(log_full('old'))\n"
    with pytest.raises(Exception, match="register_backward_hook"):
        gradcli_output(text)


# ---------------------------------------------------------------- random programs
LAYERS = ["nn.Linear({i}, {o})", "nn.Tanh()", "nn.ReLU()", "nn.Sigmoid()", "nn.Identity()"]
HOOK_BODIES = {
    "pre": "lambda m, go, k={k}: print('pre', k, [None if g is None else g.shape for g in go])",
    "pre_scale": "lambda m, go, k={k}: tuple(None if g is None else g * {s} for g in go)",
    "full": "lambda m, gi, go, k={k}: print('full', k, gi[0] is None, go[0].sum())",
    "full_scale": "lambda m, gi, go, k={k}: tuple(None if g is None else g * {s} for g in gi)",
}


def random_program(seed: int) -> str:
    """A Sequential of Linear and activation layers with random full backward hooks and
    pre-hooks (printing or scaling, prepended or not, some removed) on random submodules,
    an input that does or does not require grad, then backward or autograd.grad."""
    import random

    rng = random.Random(seed)
    width = rng.choice([2, 3])
    layers, size = [], width
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(LAYERS)
        out = rng.choice([1, 2, 3]) if "Linear" in kind else size
        layers.append(kind.format(i=size, o=out))
        size = out
    lines = [f"torch.manual_seed({seed})", f"net = nn.Sequential({', '.join(layers)})",
             "mods = [net] + list(net)", "handles = []"]
    for k in range(rng.randint(1, 5)):
        kind = rng.choice(list(HOOK_BODIES))
        where = rng.randrange(len(layers) + 1)
        body = HOOK_BODIES[kind].format(k=k, s=rng.choice(["2.0", "-0.5", "0.25"]))
        register = "register_full_backward_pre_hook" if kind.startswith("pre") \
            else "register_full_backward_hook"
        prepend = ", prepend=True" if rng.random() < 0.3 else ""
        lines.append(f"handles.append(mods[{where}].{register}({body}{prepend}))")
    if rng.random() < 0.3:
        lines.append(f"handles[{rng.randrange(len(lines) - 4)}].remove()")
    grad = rng.random() < 0.7
    lines.append(f"x = torch.randn(2, {width}, requires_grad={grad})")
    lines.append("y = net(x)")
    lines.append("print(y, y.grad_fn.name() if y.grad_fn else None)")
    if grad and rng.random() < 0.4:
        lines.append("print(torch.autograd.grad(y.pow(2).sum(), x))")
    else:
        lines.append("y.pow(2).sum().backward()")
        lines.append("print(x.grad, [p.grad for p in net.parameters()])")
    return LOGGERS + "\n".join(lines) + "\n"


def _outcome(side: str, text: str) -> str:
    """What a program printed, then its error's message (PyTorch's wording) if it failed."""
    printed = io.StringIO()
    try:
        if side == "gradcli":
            run_program(text, printed.write, lambda line, msg: None)
        else:
            with contextlib.redirect_stdout(printed), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(text, "<program>", "exec"), {"__name__": "__main__"})
    except Exception as e:  # gradcli's errors read "Type: message", as Python shows them
        printed.write(str(e) if side == "gradcli" else f"{type(e).__name__}: {e}")
    return printed.getvalue()


@pytest.mark.parametrize("seed", range(150))
def test_random_hook_programs_print_what_torch_prints(seed):
    text = random_program(seed)
    assert _outcome("gradcli", text) == _outcome("torch", text), text
