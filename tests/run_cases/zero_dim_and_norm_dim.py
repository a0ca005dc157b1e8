import torch
import torch.nn.functional as F

# a 0-d tensor reduces along dim 0 (or -1) to itself, with each op's own grad_fn
a = torch.tensor(2.0, requires_grad=True)
r = a.max(dim=0)
print(r, r.indices)
print(a.min(dim=-1, keepdim=True))
print(a.argmax(dim=0), a.argmin(dim=0, keepdim=True), a.sum(dim=0), a.mean(dim=0, keepdim=True))
print(a.softmax(dim=0), F.log_softmax(a, dim=0), a.logsumexp(dim=0), a.cumsum(dim=0))
print(a.squeeze(0), a.transpose(0, -1), a.norm(dim=0), a.std(dim=0), a.var(dim=0))
total = a.max(dim=0)[0] * 3 + a.logsumexp(dim=0) + a.cumsum(0) * 2 + a.softmax(dim=0) + a.transpose(0, 0)
total.backward()
print(a.grad)
s = a.std(dim=0)
s.backward()
print(a.grad)
# norm over dims: rows of norm 0 get grad 0
x = torch.tensor([[3., 4.], [0., 0.], [1., -1.]], requires_grad=True)
n = x.norm(dim=1)
print(n, x.norm(dim=0, keepdim=True), torch.norm(x, dim=(0, 1)), x.norm(2, 1), x.norm(p='fro', dim=-1))
(n * torch.tensor([1., 2., 3.])).sum().backward()
print(x.grad)
