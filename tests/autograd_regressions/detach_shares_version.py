import torch
t1 = torch.tensor([[-1.0, 1.0, 0.0]], requires_grad=True)
t2 = t1.reciprocal()
t4 = t2.detach()
t4.masked_fill_(t4 > 0, 0.)
t2.sum().backward(retain_graph=True)
print(t1.grad)
