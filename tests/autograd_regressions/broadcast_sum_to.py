import torch
a = torch.tensor([0.5, 1.5, -2.0], requires_grad=True)
b = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
c = torch.tensor([[2.0], [3.0]], requires_grad=True)
ga, gb, gc = torch.autograd.grad((a * b * c).pow(2).sum(), (a, b, c), create_graph=True)
print(ga, gb, gc, sep="\n")
print(ga.grad_fn.next_functions[0][0].name(), gc.grad_fn.name())
