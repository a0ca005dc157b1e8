import torch

x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x * 2
print(y)
y.backward(torch.tensor([0.1, 1.0, 0.0001]))
print(x.grad, x.is_leaf, y.is_leaf, y.grad_fn)
