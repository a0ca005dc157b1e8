"""`gradcli run`'s fast paths (issue 23) give what the general paths give: the lean
`loss.backward()` walk (engine/autograd.py's plain walk, with its scalar lanes) what
engine/autograd.run_backward's general loop gives, the guards' cached attribute readers and name verdicts and their tuple unpacking
(parser/program/guards.py) what the uncached checks give, and the direct in-place writes
(`w -= lr * w.grad`, `w.grad.zero_()`, engine/torch_api/indexing.py) what the out-of-place
op plus inplace() gives. Every recorded program of tests/run_cases and tests/conformance,
and programs aimed at each path's edges, run in process with the fast paths on and off:
output, warnings and error must be the same, byte for byte."""

import gc

import pytest
from conftest import TESTS
from gradcli.engine import autograd, hooks
from gradcli.engine.errors import GradcliError
from gradcli.engine.rng import generator
from gradcli.engine.torch_api import indexing
from gradcli.parser.program import guards
from gradcli.parser.program.runner import run_program

SWITCHES = (autograd.PLAIN_LOOP, indexing.FAST_INPLACE, guards.FAST)


def run(text: str, fast: bool, max_steps: int = 1_000_000):
    for s in SWITCHES:
        s[0] = fast
    # an earlier program's hooks (whose functions keep that program's tensors alive) go:
    # each program starts as a fresh process would, so the plain walk is possible again
    for table in (getattr(hooks, "_PRE", {}), getattr(hooks, "_POST", {})):
        table.clear()
    hooks.ACTIVE[0] = False
    gc.collect()
    generator.manual_seed(0)  # programs that draw without seeding draw the same
    out, warned = [], []
    error = None
    try:
        run_program(text, out.append, lambda line, t: warned.append((line, t)),
                    max_steps=max_steps)
    except GradcliError as e:
        error = (e.type_name, e.message, e.line)
    finally:
        for s in SWITCHES:
            s[0] = True
    return "".join(out), warned, error


def assert_same(text: str, **kw):
    fast, general = run(text, True, **kw), run(text, False, **kw)
    assert fast == general
    return fast


RECORDED = sorted((TESTS / "run_cases").glob("*.py")) + sorted(
    (TESTS / "conformance").glob("*/*.py"))


@pytest.mark.parametrize("case", RECORDED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_recorded_programs_print_the_same_on_both_paths(case):
    assert_same(case.read_text())


LOOP = """import torch
xs = [1.0, 2.0, 3.0, 4.0]
ys = [3.0, 5.0, 7.0, 9.0]
w = torch.tensor(0.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
lr = 0.01
for i in range(40):
    x, y = xs[i % 4], ys[i % 4]
    loss = (w * x + b - y) ** 2
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
print(w, b, loss)
print(w.item(), b.item(), loss.item(), w._version, w.grad._version)
"""

EDGES = {
    "training loop": LOOP,
    # a tensor used three times: the contributions are summed in the general order
    "shared subexpression": "import torch\nx = torch.tensor([0.3, -1.7, 2.2], requires_grad=True)\n"
        "y = x * 1.1\nz = (y * y + y.exp() - y / 3).sum()\nz.backward()\nprint(x.grad)\n"
        "w = torch.tensor(0.7, requires_grad=True)\nh = w * 3\n"
        "loss = h * h + h.sin() * h + h.tanh() - h ** 3\nloss.backward()\nprint(w.grad)\n",
    "broadcast and dtypes": "import torch\na = torch.ones(2, 3, requires_grad=True)\n"
        "b = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"
        "c = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)\n"
        "((a * b + c) ** 2).mean().backward()\nprint(a.grad, b.grad, c.grad)\n",
    "second backward freed": "import torch\nx = torch.tensor(1.5, requires_grad=True)\n"
        "y = x.exp() * x\ny.backward()\nprint(x.grad)\ny.backward()\n",
    "retain_graph": "import torch\nx = torch.tensor(1.5, requires_grad=True)\n"
        "y = x.exp() * x\ny.backward(retain_graph=True)\ny.backward()\nprint(x.grad)\n"
        "y.backward()\n",
    "retain_grad and non-leaf grad warning": "import torch\nx = torch.tensor(2.0, requires_grad=True)\n"
        "h = x * x\nh.retain_grad()\ng = h * 3\n(g + h).backward()\nprint(h.grad, x.grad, g.grad)\n",
    "saved tensor changed in place": "import torch\nx = torch.tensor(2.0, requires_grad=True)\n"
        "h = x * 1\ny = h * h\nwith torch.no_grad():\n    h += 1\ny.backward()\n",
    "in-place op in the graph": "import torch\nx = torch.tensor(2.0, requires_grad=True)\n"
        "h = x * 1\nh.mul_(3)\nh.add_(x)\n(h * x).backward()\nprint(x.grad, h._version)\n",
    "leaf changed in place after use": "import torch\nw = torch.tensor(2.0, requires_grad=True)\n"
        "y = w * w\nwith torch.no_grad():\n    w -= 1\ny.backward()\n",
    "hook": "import torch\nx = torch.tensor(2.0, requires_grad=True)\ny = x * x\n"
        "y.register_hook(lambda g: g * 10)\ny.backward()\nprint(x.grad)\n",
    "custom Function": "import torch\nclass Sq(torch.autograd.Function):\n"
        "    @staticmethod\n    def forward(ctx, x):\n        ctx.save_for_backward(x)\n"
        "        return x * x\n    @staticmethod\n    def backward(ctx, g):\n"
        "        (x,) = ctx.saved_tensors\n        return 2 * x * g\n"
        "x = torch.tensor(3.0, requires_grad=True)\n(Sq.apply(x) * 2).backward()\nprint(x.grad)\n",
    "non-scalar and no grad": "import torch\nx = torch.ones(3, requires_grad=True)\n"
        "try:\n    (x * 2).backward()\nexcept RuntimeError as e:\n    print(e)\n"
        "torch.tensor(1.0).backward()\n",
    "leaf root": "import torch\nw = torch.tensor([3.0], requires_grad=True)\nw.backward()\n"
        "w.backward()\nprint(w.grad)\n",
    "in-place updates": "import torch\nw = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "v = torch.tensor([0.5, 0.25])\nwith torch.no_grad():\n    w += v\n    w *= 2\n"
        "    w /= 3\n    w -= 1\n    w.add_(v)\n    w.sub_(1)\n    w.mul_(2.0)\n    w.div_(7)\n"
        "    w += torch.tensor(1.0, dtype=torch.float64)\n    w -= torch.tensor(2)\n"
        "    w += torch.ones(2, 2)[0]\nprint(w, w._version)\ni = torch.tensor([1, 2])\n"
        "i += 1\ni *= 3\ntry:\n    i /= 2\nexcept RuntimeError as e:\n    print(e)\n"
        "h = torch.tensor([1.0, 2.0], dtype=torch.float16)\nh += 0.1\nh -= 1e-3\nprint(h)\n"
        "try:\n    w -= 1\nexcept RuntimeError as e:\n    print(e)\n"
        "try:\n    w.sub_(None)\nexcept TypeError as e:\n    print(e)\n"
        "z = torch.zeros(2)\ntry:\n    z += torch.ones(3)\nexcept RuntimeError as e:\n"
        "    print(e)\nq = torch.zeros(3)\nq[0:2] += torch.tensor([1.0, 2.0])\nprint(q)\n",
    "zero_": "import torch\nw = torch.tensor([1.0, -2.0], requires_grad=True)\n"
        "(w * w).sum().backward()\ng = w.grad\nview = g[0:1]\nw.grad.zero_()\n"
        "print(g, view, g._version, view._version)\nb = torch.tensor([True, False])\n"
        "print(b.zero_())\ntry:\n    w.zero_()\nexcept RuntimeError as e:\n    print(e)\n"
        "with torch.no_grad():\n    print(w.zero_(), w._version)\n"
        "h = w * 2\nh.zero_()\nprint(h.grad_fn)\n",
    "attribute reads": "import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\n"
        "print(y.grad)\nprint(y.grad)\nprint(x.shape, x.dtype, x.device, x.T.shape, x.is_leaf)\n"
        "print(y._version, y._base, y._is_view())\nprint(getattr(x, 'grad', 5), hasattr(x, 'nope'))\n"
        "print(getattr(x, 'nope', 7))\np = torch.nn.Parameter(torch.ones(2))\n"
        "print(p.grad, p.sum(), p.requires_grad)\n"
        "class T:\n    def __init__(self):\n        self._x = 1\nt = T()\nprint(t._x)\n"
        "try:\n    getattr(x, 3)\nexcept TypeError as e:\n    print(e)\n"
        "try:\n    getattr(x, [])\nexcept TypeError as e:\n    print(e)\n"
        "try:\n    x.nope\nexcept AttributeError as e:\n    print(e)\nx.__class__\n",
    "refused after cached reads": "import torch\nx = torch.ones(2)\nprint(x.sum())\n"
        "print(torch.nn.Linear)\ntorch.__builtins__\n",
    "private tensor attribute": "import torch\nx = torch.ones(2)\nx.sum()\nx._cdata\n",
    "unpacking": "pairs = [(1, (2, 3)), (4, (5, 6))]\nfor a, (b, c) in pairs:\n"
        "    print(a, b, c)\nx, *y = [1, 2, 3]\nprint(x, y)\np, q = 'ab'\nprint(p, q)\n"
        "for k, v in {'a': 1}.items():\n    print(k, v)\nm, n = range(2)\nprint(m, n)\n"
        "try:\n    u, v = (1, 2, 3)\nexcept ValueError as e:\n    print(e)\n"
        "try:\n    u, v = [1]\nexcept ValueError as e:\n    print(e)\n",
}


@pytest.mark.parametrize("name", list(EDGES))
def test_fast_paths_match_the_general_paths_at_their_edges(name):
    assert_same(EDGES[name])


def test_the_training_loop_takes_the_plain_walk_and_its_lanes():
    """The loop's backward is served by the plain walk's scalar chain (not by run_backward's
    general loop, nor by the walk's rules), and its updates by the direct writes: the fast
    paths measured are the ones tested above."""
    calls = {"plain": 0, "general": 0, "chain": 0, "lanes": 0, "rules": 0}
    saved = {name: getattr(autograd, name) for name in
             ("plain_backward", "run_backward", "_chain", "_lanes", "_rules")}

    def counting(name, key, count=lambda r: 1):
        def f(*a, **k):
            r = saved[name](*a, **k)
            calls[key] += count(r)
            return r
        return f

    from gradcli.engine.torch_api import autograd_api

    autograd_api.plain_backward = counting("plain_backward", "plain", bool)
    autograd.run_backward = counting("run_backward", "general")
    autograd._chain = counting("_chain", "chain", bool)
    autograd._lanes = counting("_lanes", "lanes", bool)
    autograd._rules = counting("_rules", "rules")
    try:
        out, _, error = run(LOOP, True)
    finally:
        autograd_api.plain_backward = saved["plain_backward"]
        for name, f in saved.items():
            setattr(autograd, name, f)
    assert error is None and calls == {"plain": 40, "general": 0, "chain": 40, "lanes": 0,
                                       "rules": 0}, \
        (calls, error)


@pytest.mark.parametrize("steps", range(40, 52))
def test_unpacking_counts_the_same_steps(steps):
    """--max-steps ends the program at the same point whether items are counted at once
    or one generator step each."""
    text = "t = (1, 2, 3)\nfor i in range(5):\n    a, b, c = t\n    x, (y, z) = 1, [2, 3]\n" \
           "    print(i)\nfor p, q in [(1, 2), (3, 4)]:\n    print(p, q)\n"
    assert_same(text, max_steps=steps)


def test_the_benchmarked_loop_prints_what_torch_prints():
    """bench/run.py's RUN_AUTOGRAD_LOOP (issue 23's 300,000-iteration loop) for a small n:
    `gradcli run` prints what python + torch prints, byte for byte."""
    import importlib.util
    import subprocess
    import sys

    pytest.importorskip("torch")
    from conftest import run_gradcli

    spec = importlib.util.spec_from_file_location("bench_run", TESTS.parent / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    text = bench.RUN_AUTOGRAD_LOOP.format(n=203)
    torch_out = subprocess.run([sys.executable, "-c", text], capture_output=True, text=True,
                               check=True).stdout
    proc = run_gradcli("run", "-", input=text)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == torch_out
    assert "grad_fn=<PowBackward0>" in torch_out


def test_sub_and_pow_fast_paths_match_their_general_branches():
    """`x - y` and `x ** p` go straight to apply for plain operands: the same op, result,
    dtype and grad_fn as the general branch (bool checks, operand checks, _binary)."""
    import numpy as np
    from gradcli.engine.apply import apply
    from gradcli.engine.ops import OPS
    from gradcli.engine.tensor import Tensor
    from gradcli.engine.torch_api import arithmetic as A

    def general_sub(a, b):
        A._no_bool_sub(a, b)
        return A._binary("sub", a, A._operand(b, "-"))

    def general_pow(a, p):
        return apply(OPS["pow_scalar"], (a, A._operand(p, "**")))

    def outcome(f, *args):
        try:
            r = f(*args)
        except GradcliError as e:
            return ("error", e.type_name, e.message)
        return (r.data.tobytes(), r.data.dtype, r.data.shape, r.requires_grad,
                None if r.grad_fn is None else r.grad_fn.name())

    tensors = [Tensor(np.array(v, dtype=dt), requires_grad=rg)
               for v in (1.5, [0.25, -3.0]) for dt in (np.float32, np.float64)
               for rg in (False, True)]
    tensors += [Tensor(np.array([1, 2], dtype=np.int64)), Tensor(np.array(True)),
                Tensor(np.array([2, 3], dtype=np.int32))]
    numbers = [2, 2.0, -0.5, 3, True, 0]
    for a in tensors:
        for b in tensors + numbers:
            assert outcome(A.sub, a, b) == outcome(general_sub, a, b), (a, b)
        for p in numbers + [-2]:
            assert outcome(A.pow, a, p) == outcome(general_pow, a, p), (a, p)
