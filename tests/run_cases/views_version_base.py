# Views share their base's version counter; _base, _version and _is_view() as PyTorch has them
import torch
x = torch.ones(3, 4, requires_grad=True)
y = x * 2
v = y[0]
w = v[1:]
print(v._base is y, w._base is y, y._base, x._version, y._version)
y.add_(1)
print(y._version, v._version, w._version)
print(v, w.grad_fn.name())
d = y.detach()
print(d._version, d._base)
print(y.view(12)._base is y, y.t()._base is y, y.clone()._base)
print(v._is_view(), y._is_view())
v.mul_(3)
print(y._version, y.grad_fn.name(), v.grad_fn.name())
y.sum().backward()
print(x.grad)
