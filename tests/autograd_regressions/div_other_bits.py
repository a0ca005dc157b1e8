import torch
torch.manual_seed(0)
a = torch.randn(64, requires_grad=True)
b = torch.randn(64, requires_grad=True)
(a / b).backward(torch.randn(64))
print(b.grad.tolist())
