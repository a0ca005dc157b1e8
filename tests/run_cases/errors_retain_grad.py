import torch

x = torch.ones(2)
x.retain_grad()
