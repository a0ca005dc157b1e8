import torch

x = torch.tensor([[1., 7., 3.], [9., 2., 6.]], requires_grad=True)
r = torch.max(x, dim=1)
print(r)
print(r.values, r.indices, r[0], r[1])
v, i = x.min(dim=0)
print(v, i, i.dtype)
k = x.max(1, keepdim=True)
print(k)
print(k.values.shape, k[1].shape)
print(x.max(), x.min(), torch.max(x), x.argmax(dim=1), x.argmin(), x.argmax(dim=0, keepdim=True))
m = x.max(dim=0)
m.values.sum().backward()
print(x.grad)
x.grad = None
x.max().backward()
print(x.grad)
x.grad = None
x.min(dim=1, keepdim=True)[0].sum().backward()
print(x.grad)
print(torch.max(x, torch.ones(2, 3) * 4))
print(len(r), isinstance(r.values, torch.Tensor))
