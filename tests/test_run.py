"""`gradcli run` through the installed command: what the subset refuses (and how), the step
budget, standard input, output kept before an error, exit codes, and Python's own print and
f-string semantics (checked against the running CPython, which needs no torch).

PyTorch's printing and autograd are checked against recorded PyTorch output in
tests/test_conformance.py and against live PyTorch in tests/test_run_torch.py."""

import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import GRADCLI, no_traceback, run_gradcli

PRELUDE = "import torch\nx = torch.ones(2, requires_grad=True)\nprint('before')\n"
PRELUDE_LINES = PRELUDE.count("\n")


def run(text, *options, timeout=120):
    proc = run_gradcli("run", *options, "-", input=text, timeout=timeout)
    no_traceback(proc)
    return proc


def error_line(proc) -> str:
    """The one line a failed program writes to stderr (warnings excluded)."""
    lines = [line for line in proc.stderr.splitlines() if "Warning" not in line]
    assert len(lines) == 1, proc.stderr
    return lines[0]


# (statement placed after PRELUDE, words its error must contain). Refused by the policy
# when the program is compiled: nothing runs, not even PRELUDE.
POLICY_TIME = [
    ("__import__('os')", ["UnsupportedError", "__import__"]),
    ("x.__class__", ["UnsupportedError", "__class__"]),
    ("().__class__.__bases__", ["UnsupportedError", "__bases__"]),
    ("print.__self__", ["UnsupportedError", "__self__"]),
    ("torch.__dict__", ["UnsupportedError", "__dict__"]),
    ("exec('1')", ["UnsupportedError", "Exec"]),
    ("eval('1')", ["UnsupportedError", "Eval"]),
    ("_getattr_ = getattr", ["UnsupportedError", "_getattr_"]),
    ("_print = None", ["UnsupportedError", "_print"]),
    ("x.__init__ = None", ["UnsupportedError", "__init__"]),
    ("print.__self__._x = 1\n", ["UnsupportedError", "__self__"]),
    ("class A(metaclass=type):\n    pass", ["UnsupportedError", "metaclass"]),
]

# Refused when reached: what came before has run (Python would have run it too).
RUN_TIME = [
    ("import os", ["ImportError", "gradcli runs without module 'os'"]),
    ("import subprocess as sp", ["ImportError", "'subprocess'"]),
    ("from os import path", ["ImportError", "'os'"]),
    ("import numpy.ctypeslib", ["ImportError", "'numpy.ctypeslib'"]),
    ("from torch import load", ["ImportError", "cannot import name 'load'"]),
    ("'{0.__class__}'.format(x)", ["UnsupportedError", "'__class__'"]),
    ("str.format('{0.__class__}', x)", ["UnsupportedError", "'__class__'"]),
    ("'{x.__class__}'.format_map({'x': x})", ["UnsupportedError", "'__class__'"]),
    ("open('f')", ["NameError", "'open'"]),
    ("compile('1', 'f', 'exec')", ["NameError", "'compile'"]),
    ("globals()", ["NameError", "'globals'"]),
    ("vars()", ["NameError", "'vars'"]),
    ("dir()", ["NameError", "'dir'"]),
    ("getattr(x, '__class__')", ["UnsupportedError", "'__class__'"]),
    ("setattr(x, '__class__', 1)", ["UnsupportedError", "'__class__'"]),
    ("type('A', (), {})", ["UnsupportedError", "type()"]),
    ("torch.save(x, 'f')", ["UnsupportedError", "'save'"]),
    ("x.foo = 1", ["AttributeError", "'foo'"]),
    ("x.grad_fn = None", ["AttributeError", "'grad_fn'"]),
    ("x.is_leaf = False", ["AttributeError", "'is_leaf'"]),
    ("torch.ones = 1", ["UnsupportedError", "module"]),
    ("x._cdata", ["UnsupportedError", "'_cdata'"]),
    ("torch.ones(2)._x = 1", ["UnsupportedError", "their own classes"]),
    ("print('x', file=None, flush=True)\nprint('y', file=1)", ["UnsupportedError", "file"]),
]


@pytest.mark.parametrize("stmt,words", POLICY_TIME,
                         ids=[s.split("\n")[0] for s, _ in POLICY_TIME])
def test_the_policy_refuses_before_running(stmt, words):
    proc = run(PRELUDE + stmt + "\nprint('after')\n")
    assert proc.returncode == 1
    assert proc.stdout == ""  # not even the lines before it ran
    line = error_line(proc)
    assert line.startswith(f"gradcli: line {PRELUDE_LINES + 1}: "), proc.stderr
    for word in words:
        assert word in line, (word, line)


@pytest.mark.parametrize("stmt,words", RUN_TIME, ids=[s.split("\n")[-1] for s, _ in RUN_TIME])
def test_constructs_outside_the_policy_are_refused_when_reached(stmt, words):
    proc = run(PRELUDE + stmt + "\nprint('after')\n")
    assert proc.returncode == 1, proc.stderr
    expected_out = "before\n" + ("x\n" if "file=None" in stmt else "")
    assert proc.stdout == expected_out
    line = error_line(proc)
    assert line.startswith(f"gradcli: line {PRELUDE_LINES + stmt.count(chr(10)) + 1}: "), line
    for word in words:
        assert word in line, (word, line)


# Python itself, formerly refused: each runs as CPython runs it (stdout, and the error line
# `Type: message` when it fails), checked against the running CPython.
PYTHON_CONSTRUCTS = [
    "def f(a, b=2, *args, **kw):\n    return a * b + len(args) + len(kw)\n"
    "print(f(3), f(1, 2, 3, z=1))\n",
    "def outer():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n"
    "        return n\n    return inc\nc = outer()\nc()\nprint(c())\n",
    "def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)\nprint(fact(20))\n",
    "class A:\n    '''doc'''\n    k = 3\n    def __init__(self, v):\n        self.v = v\n"
    "    def __call__(self, z):\n        return self.v + z\n    def __repr__(self):\n"
    "        return f'A({self.v})'\n    def __len__(self):\n        return self.v\n"
    "    def __getitem__(self, i):\n        return i * 2\n"
    "class B(A):\n    def __init__(self):\n        super(B, self).__init__(5)\n"
    "        self.n = 0\n    @staticmethod\n    def s():\n        return 's'\n"
    "    @classmethod\n    def c(cls):\n        return cls.__name__\n    @property\n"
    "    def p(self):\n        return self.v * 10\n"
    "b = B()\nb.n += 1\nprint(b(1), b, b.n, len(b), b[4], B.s(), B.c(), b.p, A.__doc__, "
    "isinstance(b, A), type(b).__name__)\n",
    "f = lambda v, w=1: v + w\nprint(f(2), sorted([3, 1, 2], key=lambda q: -q))\n",
    "i = 0\nwhile True:\n    i += 1\n    if i > 5:\n        break\nelse:\n    i = -1\n"
    "print(i)\n",
    "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print('caught', e)\nelse:\n"
    "    print('no')\nfinally:\n    print('finally')\n",
    "try:\n    raise ValueError('bad value')\nexcept (TypeError, ValueError) as e:\n"
    "    print(type(e).__name__, e.args)\n",
    "raise ValueError('no')\n",
    "assert 1 + 1 == 3, 'arithmetic'\n",
    "x = [1, 2]\ndel x[0]\nprint(x)\ndel x\nprint(x)\n",
    "g = 1\ndef h():\n    global g\n    g = 2\nh()\nprint(g)\n",
    "d = {'a': 1, **{'b': 2}}\ns = {1, 2, 2}\nprint(d, s, {k: v for k, v in d.items()}, "
    "{v for v in 'aab'} == {'a', 'b'}, list(x * 2 for x in range(3)))\nprint(d['z'])\n",
    "import math, itertools, functools, collections\nfrom dataclasses import dataclass\n"
    "@dataclass\nclass P:\n    x: int\n    y: float = 0.5\n"
    "print(P(1), math.sqrt(2), list(itertools.product([1, 2], 'ab')), "
    "functools.reduce(lambda a, b: a * b, [1, 2, 3, 4]), collections.Counter('abca'))\n",
    "def deco(fn):\n    def wrapped(*a):\n        return fn(*a) + 1\n    return wrapped\n"
    "@deco\ndef one():\n    return 1\nprint(one())\n",
    "print(undefined_name)\n",
    "print(1 + 'a')\n",
    "def f():\n    return f()\nf()\n",
    "x = [1]\nx[5]\n",
    "a, b = [1, 2, 3]\n",
    "if __name__ == '__main__':\n    print('main')\n",
    "def _helper(_v):\n    return _v * 2\nfor _step in range(2):\n    print(_helper(_step))\n",
    "class Acc:\n    def __init__(self):\n        self._total = 0\n    def add(self, v):\n"
    "        self._total += v\n        return self\nclass Sub(Acc):\n    pass\n"
    "print(Sub().add(2).add(3)._total)\n",
    "s = '''multi\nline'''\nprint(s, 'x'.join(['a', 'b']), '%d items' % 3, f'{3!r:>4}')\n",
    "def gen(n):\n    for i in range(n):\n        yield i * i\nprint(list(gen(4)), "
    "next(iter([7])))\n",
]


def _cpython(program):
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    last = proc.stderr.strip().splitlines()[-1] if proc.returncode else None
    return proc.stdout, last


@pytest.mark.parametrize("program", PYTHON_CONSTRUCTS,
                         ids=[p.split("\n")[0][:30] for p in PYTHON_CONSTRUCTS])
def test_python_constructs_run_as_cpython_runs_them(program):
    expected_out, expected_error = _cpython(program)
    proc = run(program)
    assert proc.stdout == expected_out, proc.stderr
    if expected_error is None:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode == 1
        message = error_line(proc).split(": ", 2)[2]
        assert message == expected_error, (message, expected_error)


def test_errors_name_the_line_inside_a_function():
    proc = run("import torch\ndef f(t):\n    return t.view(5)\nx = torch.ones(2, 3)\nf(x)\n")
    assert error_line(proc) == ("gradcli: line 3: RuntimeError: shape '[5]' is invalid for "
                                "input of size 6")


@pytest.mark.parametrize("attack", [
    "__import__('os').system('touch {canary}')",
    "open('{canary}', 'w')",
    "exec(\"open('{canary}', 'w')\")",
    "eval(\"open('{canary}', 'w')\")",
    "import os\nos.system('touch {canary}')",
    "from os import system\nsystem('touch {canary}')",
    "(lambda: open('{canary}', 'w'))()",
    "def f():\n    open('{canary}', 'w')\nf()",
    "class A:\n    open('{canary}', 'w')",
    "[open('{canary}', 'w') for i in range(1)]",
    "print(f\"{{open('{canary}', 'w')}}\")",
    "print('{{0.__class__.__init__.__globals__}}'.format(x))",
    "().__class__.__base__.__subclasses__()",
    "import numpy as np\nnp.zeros(2).tofile('{canary}')",
    "import numpy as np\nnp.save('{canary}', np.zeros(2))",
    "try:\n    open('{canary}', 'w')\nexcept NameError as e:\n    raise e",
])
def test_refused_code_never_runs(tmp_path, attack):
    canary = tmp_path / "canary"
    proc = run(PRELUDE + attack.format(canary=canary) + "\n")
    assert proc.returncode == 1, proc.stdout
    assert proc.stderr.startswith("gradcli: line "), proc.stderr
    assert not canary.exists()


def test_attribute_writes_that_pytorch_programs_use_are_accepted():
    proc = run("import torch\nx = torch.ones(2, requires_grad=True)\n(x * 3).sum().backward()\n"
               "print(x.grad)\nx.grad = None\nprint(x.grad)\nx.requires_grad = False\n"
               "print(x.requires_grad, (x * 2).grad_fn)\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "tensor([3., 3.])\nNone\nFalse None\n"


def test_syntax_error_runs_nothing_and_points_at_the_column():
    proc = run("print('a')\nx = (1,\nprint('b')\n")
    assert proc.returncode == 1
    assert proc.stdout == ""
    first, *rest = proc.stderr.splitlines()
    assert re.match(r"gradcli: line \d: SyntaxError: ", first), first
    assert rest and rest[-1].strip() == "^"  # the source line, then a caret under the column


# ---------------------------------------------------------------- step budget
def test_step_budget_stops_an_endless_loop_quickly():
    proc = run("import torch\nfor i in range(10**12):\n    pass\n", "--max-steps", "1000",
               timeout=60)
    assert proc.returncode == 1
    line = error_line(proc)
    assert "LimitError" in line and "1,000 steps" in line and "--max-steps" in line, line


def test_step_budget_error_names_the_loop_line():
    proc = run("import torch\nfor i in range(10**12):\n    pass\n", "--max-steps", "1000")
    assert error_line(proc).startswith("gradcli: line 2: LimitError"), proc.stderr


@pytest.mark.parametrize("expr", ["max(range(10**12))", "sum(range(10**12))",
                                  "min(zip(range(10**12), range(10**12)))",
                                  "list(enumerate(range(10**7)))"])
def test_builtins_consuming_huge_iterables_stop_on_the_budget(expr):
    proc = run(f"print(1)\ny = {expr}\n", "--max-steps", "100000", timeout=60)
    assert proc.returncode == 1 and proc.stdout == "1\n"
    assert error_line(proc).startswith("gradcli: line 2: LimitError"), proc.stderr


def test_step_budget_counts_statements_inside_comprehensions():
    proc = run("print(1)\ny = [i for i in range(10**12)]\n", "--max-steps", "1000")
    assert proc.returncode == 1
    assert proc.stdout == "1\n"
    assert "--max-steps" in error_line(proc)


SGD_10K = """import torch

x = torch.tensor([[1.0, 2.0], [2.0, 1.0], [3.0, 0.5]])
t = torch.tensor([5.0, 4.0, 4.0])
w = torch.zeros(2, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for step in range(10000):
    loss = ((x @ w + b - t) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.01 * w.grad
        b -= 0.01 * b.grad
    w.grad.zero_()
    b.grad.zero_()
print(loss.item())
print(w.tolist(), b.item())
"""


def test_default_budget_allows_a_10000_iteration_training_loop():
    proc = run(SGD_10K, timeout=300)
    assert proc.returncode == 0, proc.stderr
    loss_line, params_line = proc.stdout.splitlines()
    # the same gradient descent in float64 numpy: float32 may drift only slightly from it
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 0.5]])
    t = np.array([5.0, 4.0, 4.0])
    w, b = np.zeros(2), 0.0
    for _ in range(10000):
        r = x @ w + b - t
        loss = float(np.mean(r ** 2))
        w, b = w - 0.01 * (2 / 3) * (x.T @ r), b - 0.01 * (2 / 3) * r.sum()
    found = [float(v) for v in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", params_line)]
    assert np.allclose(found, [*w, b], atol=1e-3), (found, w, b)
    assert abs(float(loss_line) - loss) < 1e-4


def test_the_same_loop_fails_on_a_smaller_budget():
    proc = run(SGD_10K, "--max-steps", "5000", timeout=300)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "LimitError" in error_line(proc)


def test_max_elements_is_enforced_before_allocating():
    proc = run("import torch\nprint(1)\nx = torch.ones(100, 100)\n", "--max-elements", "1000")
    assert proc.returncode == 1
    assert proc.stdout == "1\n"
    line = error_line(proc)
    assert line.startswith("gradcli: line 3: LimitError") and "--max-elements" in line


# ---------------------------------------------------------------- input, output, exit codes
def test_reads_the_program_from_stdin_and_from_a_file(tmp_path):
    program = "import torch\nprint(torch.ones(2) * 2)\n"
    assert run(program).stdout == "tensor([2., 2.])\n"
    path = tmp_path / "p.py"
    path.write_text(program)
    proc = run_gradcli("run", path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "tensor([2., 2.])\n", "")


def test_output_before_an_error_is_kept_and_the_error_goes_to_stderr():
    proc = run("import torch\nx = torch.ones(2, 3)\nprint('one')\nprint(x.shape)\n"
               "for i in range(3):\n    print(i)\n    y = x.view(i + 5)\nprint('never')\n")
    assert proc.returncode == 1
    assert proc.stdout == "one\ntorch.Size([2, 3])\n0\n"
    assert error_line(proc) == ("gradcli: line 7: RuntimeError: shape '[5]' is invalid for "
                                "input of size 6")


def test_missing_file_and_bad_usage_exit_2(tmp_path):
    proc = run_gradcli("run", tmp_path / "missing.py")
    no_traceback(proc)
    assert proc.returncode == 2 and "missing.py" in proc.stderr and proc.stdout == ""
    proc = run_gradcli("run", tmp_path)
    assert proc.returncode == 2 and "directory" in proc.stderr
    assert run_gradcli("run").returncode == 2
    assert run_gradcli("run", "--no-such-option", "-", input="print(1)\n").returncode == 2


def test_warning_on_non_leaf_grad_goes_to_stderr_and_the_program_goes_on():
    proc = run("import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\n"
               "print(y.grad)\nprint('done')\n")
    assert proc.returncode == 0
    assert proc.stdout == "None\ndone\n"
    assert proc.stderr.startswith("gradcli: line 4: UserWarning: The .grad attribute of a "
                                  "Tensor that is not a leaf Tensor is being accessed.")


# ---------------------------------------------------------------- Python's own semantics
PURE_PYTHON = [
    "print('a', 'b', 3, sep='-', end='!\\n')\nprint('x', end='')\nprint('y', sep='')\n"
    "print()\nprint(1, 2, sep='')\nprint(*[1, 2, 3], sep=', ')\nprint('a', None, sep=None,"
    " end=None)\n",
    "v = 3.14159\nn = 42\ns = 'ab'\nprint(f'{v:.2f}|{v:10.3f}|{v:<8.1f}|{v:+.3e}|{v:g}|{v:.0%}')\n"
    "print(f'{n:05d}|{n:x}|{n:#b}|{n:>6}|{n:<6}|{n:^6}|{n:,}|{1234567.891:,.2f}')\n"
    "print(f'{s!r}|{s:*^8}|{s!s:>4}|{n=}|{v = :.1f}|{{literal}}')\n"
    "w = 9\np = 2\nprint(f'{v:{w}.{p}f}|{\"q\"}|{n * 2 + 1}|{[n, s]}|{(n, 1.5)}')\n",
    "print('{} and {:.2f} and {name:>5}'.format(1, 2.345, name='n'))\n"
    "print('%s=%.3f' % ('x', 2 / 3), 7 // 2, -7 // 2, 7 % -3, 2 ** -1, 10 / 4, 1e16, 1e-5)\n"
    "print(round(2.675, 2), round(0.5), round(1.5), int(-3.9), float('1e3'), abs(-0.0))\n"
    "print(0.1 + 0.2, 1 / 3, 2.0, -0.0, 100000000000000000.0, True + True, [1, (2,), 'c'])\n",
    "total = 0\nfor i in range(10):\n    if i % 2 == 0:\n        continue\n"
    "    elif i > 7:\n        break\n    total += i\nprint(total)\n"
    "xs = [i * i for i in range(5)]\na, (b, c) = 1, (2, 3)\nprint(xs, a, b, c, len(xs), "
    "sum(xs), min(xs), max(xs), sorted([3, 1, 2]), list(reversed(xs)))\n"
    "for i, (p, q) in enumerate(zip('ab', [1, 2])):\n    print(i, p, q)\n",
]


@pytest.mark.parametrize("program", PURE_PYTHON, ids=["print", "fstring", "format", "flow"])
def test_python_values_print_as_cpython_prints_them(program):
    cpython = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert cpython.returncode == 0, cpython.stderr
    proc = run(program)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == cpython.stdout


def test_tensor_format_specs_in_fstrings():
    proc = run("import torch\nx = torch.tensor([1.25, -3.5], requires_grad=True)\n"
               "y = (x ** 2).sum()\nprint(f'{y:.3f}|{y.item():8.2f}|{x[0]:+.1e}|{x.shape}|"
               "{x.dtype}|{y.grad_fn}')\nprint(f'{x:.2f}')\n")
    assert proc.stdout == "13.812|   13.81|+1.2e+00|torch.Size([2])|torch.float32|" \
                          "<SumBackward0>\n"
    assert proc.returncode == 1
    # torch: a multi-element tensor has no format spec support
    assert "unsupported format string passed to Tensor.__format__" in error_line(proc)


def test_inconsistent_dedent_is_pythons_indentation_error():
    proc = run("import torch\nfor i in range(2):\n    a = 1\n\n   # c\n\n  b = 2\nprint(a)\n")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines()[0] == ("gradcli: line 7: IndentationError: unindent does "
                                           "not match any outer indentation level")


def test_ctrl_c_ends_quietly_with_130(tmp_path):
    import signal
    import time

    path = tmp_path / "spin.py"
    path.write_text("i = 0\nwhile True:\n    i += 1\n")
    proc = subprocess.Popen([*GRADCLI, "run", str(path), "--max-steps", str(10**12)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err and out == ""


def test_budget_errors_cannot_be_swallowed_by_a_handler():
    proc = run("while True:\n    try:\n        pass\n    except:\n        pass\n", "--max-steps",
               "1000", timeout=60)
    assert proc.returncode == 1 and "LimitError" in error_line(proc)


def test_set_printoptions_ends_with_the_program():
    proc = run("import torch\ntorch.set_printoptions(precision=1)\nprint(torch.tensor([1.25]))\n")
    assert proc.stdout == "tensor([1.2])\n"
