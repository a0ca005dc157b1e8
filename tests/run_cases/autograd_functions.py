import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([0.5, -1.0], requires_grad=True)
y = (x * w).sum() ** 2
gx, gw = torch.autograd.grad(y, [x, w], create_graph=True)
print(gx, gw)
hxx = torch.autograd.grad(gx.sum(), x, retain_graph=True)
print(hxx)
gg = torch.autograd.grad(gw.sum(), [x, w])
print(gg)
z = (x ** 3).sum()
z.backward(retain_graph=True)
z.backward()
print(x.grad)
x.grad.zero_()
out = x * w
out.backward(torch.tensor([1.0, 0.5]))
print(x.grad, w.grad)
torch.autograd.backward([x.sum(), (w * 2).sum()], [torch.tensor(1.), torch.tensor(3.)])
print(x.grad, w.grad)
r = torch.autograd.grad(outputs=[x * 2], inputs=[x], grad_outputs=[torch.ones(2)])
print(r)
