import torch

w = torch.ones(2, requires_grad=True)
with torch.no_grad():
    w.add_(1)
print(w)
w.data.mul_(3)
print(w)
w.mul_(2)
