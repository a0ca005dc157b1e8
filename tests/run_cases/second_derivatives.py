import torch

x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
y = (x ** 4).sum()
g, = torch.autograd.grad(y, x, create_graph=True)
print(g)
h, = torch.autograd.grad(g.sum(), x, create_graph=True)
print(h)
t, = torch.autograd.grad(h.sum(), x)
print(t)
s = torch.tensor(1.5, requires_grad=True)
f = torch.sin(s) * s ** 2
d1, = torch.autograd.grad(f, s, create_graph=True)
d2, = torch.autograd.grad(d1, s, create_graph=True)
d3, = torch.autograd.grad(d2, s)
print(d1, d2, d3)
z = torch.tensor(2.0, requires_grad=True)
q = z.exp() * z
q.backward(create_graph=True)
print(z.grad)
gz = z.grad
z.grad = None
gz.backward()
print(z.grad)
a = torch.tensor([1., 2.], requires_grad=True)
b = torch.tensor([3., 4.], requires_grad=True)
o = (a * b * b).sum()
ga, gb = torch.autograd.grad(o, (a, b), create_graph=True)
print(ga, gb)
mixed = torch.autograd.grad(ga.sum(), b, retain_graph=True)
print(mixed)
print(torch.autograd.grad(gb.sum(), [a, b]))
w = torch.tensor([0.3, -0.7], requires_grad=True)
out = torch.tanh(w).sum()
g1 = torch.autograd.grad(out, w, create_graph=True)[0]
print(g1.detach(), g1.requires_grad, g1.grad_fn is not None, g1.is_leaf)
print(torch.autograd.grad(g1, w, grad_outputs=torch.ones(2))[0])
