import torch
import torch.nn as nn


class Split(nn.Module):
    def forward(self, x):
        return x * 2, x.sum(), "tag", x[0]


s = Split()


def pre(m, grad_output):
    print("pre", grad_output)


def full(m, grad_input, grad_output):
    print("full", grad_input, grad_output)


s.register_full_backward_pre_hook(pre)
s.register_full_backward_hook(full)
x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
p, q, t, r = s(x)
print(p)
print(q)
print(t)
print(r)
print(p.grad_fn is q.grad_fn, r._is_view())
p.sum().backward(retain_graph=True)
print(x.grad)
(p.sum() + q * 3 + r).backward()
print(x.grad)
try:
    p.add_(1)
except RuntimeError as e:
    print(e)
x2 = torch.tensor([1.0, 2.0])
p2, q2, t2, r2 = s(x2)
print(p2.grad_fn)
