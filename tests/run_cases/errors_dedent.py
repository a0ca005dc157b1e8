import torch

x = torch.ones(2, requires_grad=True)
for i in range(2):
    y = (x * i).sum()
  y.backward()
print(x.grad)
