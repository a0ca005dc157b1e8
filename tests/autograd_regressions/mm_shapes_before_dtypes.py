import torch
import torch.nn.functional as F
t1 = torch.tensor([[-0.5], [1.0]], dtype=torch.float64, requires_grad=True)
t2 = torch.tensor([[0.01, -0.83, 0.5]], requires_grad=False)
t3 = torch.tensor([[-1.8], [0.0]], requires_grad=True)
t2.masked_fill_(t2 > 0, 0.)
t4 = t2
t5 = t4 @ t1.t()
t6 = t4.var(0)
t4.sum().backward(retain_graph=True)
t4.sum().backward()
print(t1.grad)
print(t3.grad)
