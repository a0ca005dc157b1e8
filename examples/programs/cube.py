# A custom autograd.Function: `gradcli graph --program examples/programs/cube.py`
import torch


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * grad


x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor(0.5, requires_grad=True)
y = Cube.apply(x * w)
loss = y.sum()
print(loss)
