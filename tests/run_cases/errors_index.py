import torch

x = torch.ones(2, 3)
print(x[1].shape)
print(x[5])
