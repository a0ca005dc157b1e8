import torch

x = torch.tensor([1., -2., 3.], requires_grad=True)
h = x * 2
h.retain_grad()
r = torch.relu(h)
r.retain_grad()
loss = (r ** 2).sum()
loss.retain_grad()
print(h.retains_grad, x.retains_grad, r.retains_grad)
loss.backward()
print(loss.grad, r.grad, h.grad, x.grad)
print(h.is_leaf, h.grad_fn, r.grad_fn)
x.retain_grad()
print(x.retains_grad)
y = x.sum() * 3
y.backward()
print(x.grad, h.grad)
u = x.detach().requires_grad_()
v = u * u
v.retain_grad()
v.sum().backward()
print(v.grad, u.grad)
