import torch

x = torch.arange(12.).reshape(3, 4).requires_grad_()
parts = [x[0], x[-1], x[:, 0], x[1:, 2:], x[..., 1], x[None, 0], x[:, None, 1], x[0, ::2], x[[0, 2]], x[x > 5]]
total = sum(p.sum() for p in parts)
total.backward()
print(x.grad)
print(x.view(2, 6).shape, x.reshape(-1).shape, x.t().shape, x.T.shape, x.permute(1, 0).shape, x.unsqueeze(1).shape)
print(x.transpose(0, 1).flatten()[:5], x.expand(2, 3, 4).shape, torch.cat([x, x], dim=1).shape, torch.stack([x, x], dim=2).shape)
print(torch.squeeze(torch.ones(1, 2, 1)).shape, torch.ones(1, 2, 1).squeeze(2).shape, torch.unsqueeze(torch.ones(2), 0))
a, b, c = x
print(a, c)
print(x[1][2], x[1, 2].item(), x.size(), x.size(-1))
