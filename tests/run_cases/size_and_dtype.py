import torch

x = torch.ones(2, 3, 4)
s = x.shape
print(s, isinstance(s, torch.Size), s[0], s[-1], s[1:], len(s), list(s), tuple(s))
print(s == (2, 3, 4), s == torch.Size([2, 3, 4]), s.numel(), torch.Size([]), torch.Size([5]))
print(x.size(), x.size(1), x.size(-1), x.sum(0).shape, x[0, 0].shape, torch.tensor(1.).shape)
print(f"{s}", str(s), str(s.numel()), [d for d in s], s + (5,), s * 2)
a, b, c = x.shape
print(a * b * c, x.numel(), x.dim(), x.ndim, len(x))
print(torch.float32, torch.float64, torch.int64, torch.bool, torch.float, torch.double, torch.long)
print(x.dtype == torch.float32, x.double().dtype, torch.tensor([1, 2]).dtype, torch.tensor(True).dtype)
print(str(torch.float32), str(torch.int64), f"{x.dtype}", [torch.float32, torch.bool])
print(torch.tensor([1, 2], dtype=torch.float32), torch.ones(2, dtype=torch.float64) + torch.ones(2))
print((torch.ones(2, dtype=torch.float64) + torch.ones(2)).dtype, (torch.ones(2) + 1).dtype)
print(torch.tensor(2, dtype=torch.float64) * torch.ones(2), torch.tensor([1, 2]) + torch.tensor(1.5))
print(x.is_floating_point(), torch.tensor([1]).is_floating_point(), x.float().dtype)
print(x.to(torch.float64).dtype, x.to(torch.int64), x.type(torch.int64).dtype)
