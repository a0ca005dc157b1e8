import torch

x = torch.tensor([[-2.0, -0.5, 0.0], [0.5, 1.0, 3.0]], requires_grad=True)
y = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
outs = [x.clamp(-1, 1), torch.clamp(x, max=0.5), x.clamp(min=0.0), torch.clip(x, -0.5, 0.5),
        torch.where(x > 0, x, y), torch.where(x < 0, 0.0, x), torch.cat([x, y]), torch.cat((x, y), dim=1),
        torch.cat([x, y], -1), torch.stack([x, y], dim=1), torch.stack((x[0], y[1])), x[:, [0, 2]],
        x[[1, 1, 0]], x[x > 0], x[1:, ::2], x[-1, -1], x[..., None].squeeze(-1), torch.maximum(x, y - 3)]
for k, o in enumerate(outs):
    o.sum().backward()
    print(k, o.shape, o.grad_fn.name())
    print(x.grad, y.grad)
    x.grad = None
    y.grad = None
print(torch.clamp(x, -1, 1))
print(torch.where(x > 0, x, y))
print(torch.cat([x, y], dim=0))
print(torch.stack([x, y]))
