# autograd.grad(is_grads_batched=True) and materialize_grads=True, as PyTorch computes them
import torch
torch.manual_seed(0)
x = torch.randn(2, 3, requires_grad=True)
w = torch.randn(3, requires_grad=True)
y = x * w
g = torch.autograd.grad(y, (x, w), torch.ones(4, 2, 3), is_grads_batched=True)
print(g[0].shape, g[1].shape, g[1])
u = torch.randn(3, requires_grad=True)
print(torch.autograd.grad((x * 2).sum(), (x, u), materialize_grads=True))
try:
    torch.autograd.grad((x * 2).sum(), (x, u), materialize_grads=True, allow_unused=False)
except Exception as e:
    print(type(e).__name__, e)
