import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
print(torch.is_grad_enabled())
with torch.no_grad():
    a = w * 2
    print(torch.is_grad_enabled(), a.requires_grad, a.grad_fn)
    with torch.enable_grad():
        b = w * 3
        print(torch.is_grad_enabled(), b.requires_grad, b.grad_fn)
    c = b * 2
    print(c.requires_grad, c.grad_fn)
print(torch.is_grad_enabled())
with torch.set_grad_enabled(False):
    d = w + 1
print(d.requires_grad, torch.is_grad_enabled())
with torch.set_grad_enabled(True):
    e = w + 1
print(e.requires_grad, e.grad_fn)
for i in range(2):
    with torch.no_grad():
        if i == 1:
            break
        f = w * i
print(torch.is_grad_enabled(), f.requires_grad)
b.sum().backward()
print(w.grad)
with torch.no_grad():
    w.mul_(2)
    w[0] = 10.0
print(w, w.is_leaf, w.grad_fn)
g = w.detach()
g.add_(1)
print(w, g)
