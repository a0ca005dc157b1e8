"""Known ways out of a Python sandbox, each tried through `gradcli run`: every one must end
in exactly one `gradcli: line N: ...` error line, exit 1, no traceback, and reach nothing
(each attempt that got through would create the canary file or print its marker)."""

import pytest
from conftest import no_traceback, run_gradcli

ATTEMPTS = {
    "__import__": "__import__('os').system('touch {c}')",
    "subclasses walk": "().__class__.__bases__[0].__subclasses__()",
    "open": "open('{c}', 'w')",
    "exec": "exec(\"open('{c}', 'w')\")",
    "eval": "eval(\"open('{c}', 'w')\")",
    "compile": "compile(\"open('{c}', 'w')\", 'f', 'exec')",
    "import os": "import os\nos.system('touch {c}')",
    "import subprocess": "import subprocess\nsubprocess.run(['touch', '{c}'])",
    "import sys": "import sys\nsys.modules['os'].system('touch {c}')",
    "from os import": "from os import system\nsystem('touch {c}')",
    "import builtins": "import builtins\nbuiltins.open('{c}', 'w')",
    "import importlib": "import importlib\nimportlib.import_module('os')",
    "import pathlib": "import pathlib\npathlib.Path('{c}').touch()",
    "getattr dunder": "getattr(x, '__class__').mro()",
    "getattr globals": "def f():\n    pass\ngetattr(f, '__globals__')['__builtins__']",
    "format field walk": "'{{0.__class__.__init__.__globals__}}'.format(x)",
    "str.format unbound": "str.format('{{0.__class__}}', x)",
    "format_map walk": "'{{a.__class__}}'.format_map({{'a': x}})",
    "f-string dunder": "print(f'{{x.__class__}}')",
    "gi_frame": "def g():\n    yield 1\ngen = g()\ngen.gi_frame.f_globals",
    "getattr gi_frame": "def g():\n    yield 1\ngetattr(g(), 'gi_frame')",
    "tb_frame": "try:\n    1 / 0\nexcept Exception as e:\n    t = getattr(e, '__traceback__')",
    "tb_frame attribute": "try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__.tb_frame",
    "f_globals by getattr": "def g():\n    yield 1\nfr = getattr(g(), 'gi_frame')\nfr.f_globals",
    "__code__": "f = lambda: 0\nf.__code__",
    "numpy ctypes": "import numpy as np\nnp.zeros(2).ctypes",
    "numpy ctypes getattr": "import numpy as np\ngetattr(np.zeros(2), 'ctypes')",
    "numpy tofile": "import numpy as np\nnp.zeros(2).tofile('{c}')",
    "numpy unbound tofile": "import numpy as np\nnp.ndarray.tofile(np.zeros(2), '{c}')",
    "numpy save": "import numpy as np\nnp.save('{c}', np.zeros(2))",
    "numpy load": "import numpy as np\nnp.load('{c}')",
    "numpy memmap": "import numpy as np\nnp.memmap('{c}', mode='w+', shape=(2,))",
    "numpy lib": "import numpy as np\nnp.lib.format.open_memmap('{c}', mode='w+', shape=(2,))",
    "numpy rng ctypes": "import numpy as np\nnp.random.default_rng().bit_generator.ctypes",
    "numpy ctypeslib": "import numpy.ctypeslib",
    "type.__subclasses__": "type.__subclasses__(object)",
    "object.__subclasses__": "object.__subclasses__()",
    "mro walk": "int.mro()[-1]",
    "decorator reaching globals": "def peek(fn):\n    return getattr(fn, '__globals__')\n"
                                  "@peek\ndef f():\n    pass",
    "metaclass": "class M(type):\n    pass\nclass A(metaclass=M):\n    pass",
    "three-argument type": "A = type('A', (), {{'run': lambda self: 0}})",
    "vars": "vars(x)",
    "globals": "globals()['__builtins__']",
    "locals": "locals()",
    "dir walking": "dir(x)",
    "__builtins__ name": "__builtins__['open']('{c}', 'w')",
    "hidden module attribute": "import torch\ntorch.nn.functional.__builtins__",
    "grad_fn class": "y = x * 2\ny.grad_fn.__class__",
    "private import": "from torch import _C",
    "typing string evaluation": "import typing\ntyping.get_type_hints",
    "functools getattr": "import functools\nfunctools.partial(getattr, x)('__class__')",
    "print to file": "print('x', file=open('{c}', 'w'))",
    "setattr dunder": "class A:\n    pass\nsetattr(A, '__getattr__', None)",
    "breakpoint": "breakpoint()",
    "private attribute of a library object": "import numpy as np\nnp._core",
    "private attribute of a tensor": "x._cdata",
    "private write on a library object": "import torch\ntorch.ones(2)._data = 1",
    "input": "input()",
}


@pytest.mark.parametrize("name", list(ATTEMPTS))
def test_escape_attempt_is_refused_with_one_line(tmp_path, name):
    canary = tmp_path / "canary"
    program = ("import torch\nx = torch.ones(2, requires_grad=True)\n"
               + ATTEMPTS[name].format(c=canary) + "\nprint('ESCAPED')\n")
    proc = run_gradcli("run", "-", input=program)
    no_traceback(proc)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradcli: line "), proc.stderr
    assert "internal error" not in proc.stderr
    assert "ESCAPED" not in proc.stdout
    assert not canary.exists()


def test_there_are_at_least_thirty_attempts():
    assert len(ATTEMPTS) >= 30


def test_pyplot_records_and_writes_nothing(tmp_path):
    canary = tmp_path / "plot.png"
    program = (f"import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])\n"
               f"plt.savefig('{canary}')\nplt.show()\nprint('ok')\n")
    proc = run_gradcli("run", "-", input=program)
    assert (proc.returncode, proc.stdout) == (0, "ok\n"), proc.stderr
    assert not canary.exists()
