import torch
import torch.nn.functional as F
t1 = torch.tensor([[0.0, 1.9, 1.0]], dtype=torch.float64, requires_grad=True)
t2 = torch.tensor([0.4, -0.21, 1.0], dtype=torch.float64, requires_grad=True)
t3 = t2.neg()
t4 = F.softplus(t3)
t3.clamp_(min=0)
t5 = t3
t6 = t1.data
t7 = t1.expm1()
t8 = F.mish(t1)
print(t8)
t9 = torch.sigmoid(t5)
t4.sum().backward()
t4.sum().backward()
print(t1.grad)
print(t2.grad)
