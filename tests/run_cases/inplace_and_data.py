import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
g = torch.tensor([0.5, 0.5])
with torch.no_grad():
    w.sub_(0.1 * g)
    w.mul_(2)
    w.add_(1)
    w.div_(2)
    w += 1
    w *= 0.5
print(w)
x = torch.tensor([1., 2., 3.])
x.fill_(4.)
x[0] = 7.
y = x.clone()
x.zero_()
print(x, y)
z = torch.ones(2, 2)
z.copy_(torch.tensor([[1., 2.], [3., 4.]]))
print(z, z.data, z.detach())
v = torch.tensor([3.0], requires_grad=True)
v.data.mul_(2)
print(v, v.requires_grad)
h = w * 2
h.retain_grad()
h.sum().backward()
print(h.grad, w.grad)
w.grad = None
print(w.grad)
q = torch.tensor([1., 2.]).requires_grad_()
print(q.requires_grad, q.detach().requires_grad)
k = q * 1
k += 1
print(k)
k.sum().backward()
print(q.grad)
with torch.enable_grad():
    print(torch.is_grad_enabled())
with torch.no_grad():
    print(torch.is_grad_enabled())
