"""Classes print as PyTorch's (`print(type(x))` in tutorials; found by the differential
programs: `<class 'gradcli.engine.nn.layers.Linear'>` where torch prints
`<class 'torch.nn.modules.linear.Linear'>`): engine/nn/type_names.py's table against
torch's own classes, and a program's output against torch's."""

import pytest
from oracle_program import assert_agree

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch


def test_table_matches_torch_classes():
    import torch.optim.lr_scheduler
    import torch.utils.data
    from gradcli.engine.nn import namespace, type_names

    for cls, module in type_names.torch_modules(namespace.NN, namespace.OPTIM,
                                                  namespace.LR_SCHEDULER).items():
        name = cls.__qualname__
        ns = {"torch.nn.parameter": torch.nn, "torch": torch}.get(module)
        if ns is None:
            ns = (torch.nn if module.startswith("torch.nn.") else torch.utils.data
                  if module.startswith("torch.utils.data") else torch.optim.lr_scheduler
                  if module == "torch.optim.lr_scheduler" else torch.optim)
        theirs = getattr(ns, name)
        assert (cls.__module__, name) == (theirs.__module__, theirs.__qualname__)


SETUP = """
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)
    def forward(self, x):
        return self.fc(x)
n = Net()
p = nn.Parameter(torch.ones(1))
s = torch.zeros(2, 3).shape
"""

EXPRS = ["type(n)", "type(n.fc)", "type(p)", "type(nn.Sequential())", "type(nn.ReLU())",
         "type(torch.optim.SGD(n.parameters(), lr=0.1))", "type(torch.optim.Adam([p]))",
         "type(torch.float32)", "type(torch.device('cpu'))", "type(torch.zeros(1))",
         "type(s)", "isinstance(s, tuple)", "type(s + (4,))", "nn.Module", "nn.Linear",
         "torch.Size", "type(nn.CrossEntropyLoss())", "type(nn.BatchNorm2d(2))",
         "type(nn.Conv2d(1, 1, 1))", "type(torch.optim.lr_scheduler.StepLR("
         "torch.optim.SGD([p], lr=0.1), 1))", "s.dtype", "torch.float32.foo", "n.foo",
         "torch.zeros(2).foo", "torch.zeros(2, device=torch.float32)",
         "torch.zeros(1).to(torch.device('cpu'))"]


def test_type_reprs_agree_with_torch():
    assert_agree(SETUP, EXPRS)
