import torch
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
y = x * 2
v = y[0]
w = y[:, 1]
v.mul_(3)
print(v, y, w, sep="\n")
y.sum().backward(retain_graph=True)
print(x.grad)
x.grad = None
w.sum().backward()
print(x.grad)
