import torch
t1 = torch.tensor([[1.601, -1.0, 0.5], [-2.0, 1.0, -0.2]], requires_grad=True)
t2 = t1.sign()
t3 = t2.neg()
t5 = t3[:, 1]
t2[0].clamp_(min=0)
print(t2)
t5.sum().backward()
print(t1.grad)
