import torch

x = torch.tensor([1., 2., 3.], requires_grad=True)
print(x * 2)
torch.stack([x, torch.ones(2)])
