import torch
import torch.nn.functional as F
from torch import autograd

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, repr(device), torch.device("cpu") == device)
x = torch.tensor([1.0, 2.0], requires_grad=True).to(device)
print(x.device, x.cpu(), x.to(torch.float64), x.to(device, torch.float64).dtype)
with torch.no_grad():
    print((x * 2).requires_grad)
with torch.inference_mode():
    print((x * 2).requires_grad)
with torch.set_grad_enabled(False):
    print((x * 2).requires_grad, torch.is_grad_enabled())
print(torch.is_grad_enabled())


@torch.no_grad()
def double(t):
    return t * 2


print(double(x).requires_grad, (x * 2).requires_grad)
y = (x ** 3).sum()
g, = autograd.grad(y, x, only_inputs=True, create_graph=True)
print(g)
print(torch.equal(x, x.clone()), x.equal(x + 1), torch.round(torch.tensor([0.5, 1.5, 2.567])))
print(torch.tensor([2.567, -1.234]).round(decimals=1))
print(isinstance(x, torch.Tensor), F.relu(torch.tensor([-1.0, 2.0])))
