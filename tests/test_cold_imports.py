"""A plain cold `gradcli eval ... --format json` loads only what it uses: not numpy.random
(the default generator is made on first draw), Rich, nor
the program runner's modules. Each one would cost the start-up that bench/run.py holds
to <= 2x `import numpy`."""

import subprocess
import sys

PROBE = """
import atexit, sys
sys.argv = ['gradcli', 'eval', 'y=(x+w)*(w+1)', '--at', 'x=2', '--at', 'w=1', '--format', 'json']
atexit.register(lambda: sys.stderr.write('LOADED ' + repr(sorted(sys.modules)) + '\\n'))
from gradcli.app import main
main()
"""


def _loaded():
    # twice: the first run may build lark's table cache
    for _ in range(2):
        p = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    line = next(x for x in p.stderr.splitlines() if x.startswith("LOADED "))
    return eval(line[len("LOADED "):])  # noqa: S307 - our own repr of a list of names


def test_cold_json_eval_skips_unused_modules():
    loaded = set(_loaded())
    for name in ("numpy.random", "secrets", "rich", "RestrictedPython", "matplotlib"):
        assert name not in loaded, name


def test_default_generator_made_on_first_use():
    p = subprocess.run([sys.executable, "-c",
                        "import sys\nfrom gradcli.engine import api\n"
                        "a = 'numpy.random' in sys.modules\n"
                        "from gradcli.engine.rng import generator as G\n"
                        "g = G.default_generator\n"
                        "print(a, g is G.default_generator is G.get(None), 'numpy.random' in sys.modules)"],
                       capture_output=True, text=True)
    assert p.stdout.split() == ["False", "True", "True"], p.stderr
