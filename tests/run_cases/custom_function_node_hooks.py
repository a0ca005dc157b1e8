import torch
class F(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, k):
        return a * b * k, a + 1
    @staticmethod
    def backward(ctx, g1, g2):
        print("backward got", g1, g2)
        return g1 * 2, g1 * 3, None
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0])
p, q = F.apply(a, b, 5)
p.grad_fn.register_prehook(lambda go: print("pre", go))
p.grad_fn.register_hook(lambda gi, go: print("post", gi, go))
p.sum().backward(retain_graph=True)
h = p.grad_fn.register_prehook(lambda go: (go[0] * 10, go[1]))
p.grad_fn.register_hook(lambda gi, go: (gi[0] + 100, gi[1]))
a.grad = None
p.sum().backward(retain_graph=True)
print(a.grad)
h.remove()
p.grad_fn.register_prehook(lambda go: (go[0], torch.ones(2)))
try:
    p.sum().backward()
except Exception as e:
    print(type(e).__name__, e)
s = a * 2
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = F.apply(x, x, 1.0)[0]
y.grad_fn.register_hook(lambda gi, go: (gi[0], None))
y.grad_fn.register_hook(lambda gi, go: print("after None", gi))
y.sum().backward()
print(x.grad)
y = F.apply(x, x, 1.0)[0]
y.grad_fn.register_hook(lambda gi, go: gi[0])
y.sum().backward()
