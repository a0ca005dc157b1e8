import torch
import torch.nn.functional as F
x = torch.tensor([[0.5, -1.25, 2.0], [-0.3, 0.8, -2.2]], requires_grad=True)
t = torch.tensor([[0.1, 0.2, 0.3], [0.9, 0.5, 0.4]])
for f in [torch.tanh, torch.sigmoid, torch.relu, torch.abs,
          F.gelu, F.elu, F.selu, F.silu, F.softplus,
          F.leaky_relu, F.hardtanh, F.relu6, lambda v: F.mse_loss(v, t),
          lambda v: F.binary_cross_entropy(torch.sigmoid(v), t), lambda v: F.l1_loss(v, t)]:
    g, = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    print(g)
    if g.requires_grad:
        g2, = torch.autograd.grad(g.sum(), x, create_graph=True)
        print(g2)
        if g2.requires_grad:
            g3, = torch.autograd.grad(g2.sum(), x)
            print(g3)
h = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
g, = torch.autograd.grad(F.hardsigmoid(h).sum(), h, create_graph=True)
print(g)
g.sum().backward()
