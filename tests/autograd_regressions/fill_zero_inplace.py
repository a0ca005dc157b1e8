import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.fill_(0.5)
print(y)
z = x * 3
z.zero_()
print(z)
w = x * 4
w[1:].fill_(2.0)
print(w)
(y.sum() + z.sum() + w.sum()).backward()
print(x.grad)
a = x * 1
a.clamp_(min=0)
print(a.grad_fn.name())
