"""Views, in-place updates and version counters (issue 17) against live PyTorch: small
programs run by torch in this process (the oracle) and by `gradcli run -`; stdout must
match and, when torch raises, gradcli must fail with torch's error line."""

import contextlib
import io
import re

import pytest
from conftest import no_traceback, run_gradcli

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

ADDRESS = re.compile(r" object at 0x[0-9a-fA-F]+>")
HEAD = "import torch\n"
PROGRAMS = {
    # a saved result changed in place (exp, tanh, sigmoid save their result)
    "saved_result": "x = torch.ones(3, requires_grad=True)\ny = x.tanh()\ny.add_(1)\n"
                    "y.sum().backward()\n",
    # a saved input changed in place (mul saves both inputs)
    "saved_input": "x = torch.ones(3, requires_grad=True)\ny = x * 2\nz = y * y\ny.add_(1)\n"
                   "z.sum().backward()\n",
    "saved_leaf": "x = torch.ones(2, 3, requires_grad=True, dtype=torch.float64)\n"
                  "w = torch.ones(2, 3, requires_grad=True, dtype=torch.float64)\nz = x * w\n"
                  "with torch.no_grad():\n    x.mul_(2)\nz.sum().backward()\n",
    "twice": "x = torch.ones(3, requires_grad=True)\ny = x.exp()\ny.mul_(2)\ny.add_(1)\n"
             "y.sum().backward()\n",
    # a node that saves nothing keeps the history from before the in-place op
    "history": "x = torch.tensor([1., 2.], requires_grad=True)\ny = x * 3\nL = y.sum()\n"
               "y.mul_(0.5)\nM = y.sum()\ny.add_(2)\n(L + M + y.sum()).backward()\n"
               "print(x.grad)\n",
    "inplace_chain_grad": "x = torch.tensor([1., 2., 3.], requires_grad=True)\ny = x * 1\n"
                          "y.mul_(x)\ny.add_(1)\ny.sum().backward()\nprint(y, x.grad)\n",
    "unused_after_change": "x = torch.tensor([1., 2.], requires_grad=True)\ny = x.exp()\n"
                           "z = y.sum()\ny.mul_(2)\nz.backward()\nprint(x.grad)\n",
    # views share memory and the version counter
    "view_sees_base": "x = torch.tensor([1., 2., 3.], requires_grad=True)\ny = x * x\n"
                      "v = y[1:]\nw = y[0]\ny.mul_(2)\nprint(v, w)\n(v * 2).sum().backward()\n"
                      "print(x.grad)\n",
    "view_of_leaf": "x = torch.ones(2, 2, requires_grad=True)\nv = x[:, 0]\nv.mul_(2)\n",
    "view_no_grad": "x = torch.ones(2, 3, requires_grad=True)\nwith torch.no_grad():\n"
                    "    v = x.t()\n    r = x[1:]\nprint(v.requires_grad, v.is_leaf, r.grad_fn)\n",
    "detach_fresh": "x = torch.ones(3, requires_grad=True)\ny = x.exp()\nd = y.detach()\n"
                    "d.mul_(2)\nprint(y)\n",
    "grad_prunes": "x = torch.tensor(1., requires_grad=True)\ny = torch.tensor(2., "
                   "requires_grad=True)\nz = x.exp() * y + y\nz.backward()\n"
                   "print(torch.autograd.grad(z, [y]))\n",
    "add_alpha": "x = torch.ones(2, requires_grad=True)\ny = torch.sub(x, x * 3, alpha=0.5)\n"
                 "print(y, y.grad_fn)\ny.sum().backward()\nprint(x.grad)\n",
}


def _torch_run(text: str):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(text, "<program>", "exec"), {"__name__": "__main__"})
    except Exception as e:  # noqa: BLE001  (torch's error is the expected answer)
        return ADDRESS.sub(">", out.getvalue()), f"{type(e).__name__}: {e}"
    return ADDRESS.sub(">", out.getvalue()), None


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_agrees_with_torch(name):
    text = HEAD + PROGRAMS[name]
    want_out, want_err = _torch_run(text)
    proc = run_gradcli("run", "-", input=text)
    no_traceback(proc)
    assert proc.stdout == want_out
    if want_err is None:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode == 1 and want_err in proc.stderr, (want_err, proc.stderr)
