import torch
torch.manual_seed(10)
lr = 0.05
x = torch.rand(20, 1) * 10
y = 2*x + (5 + torch.randn(20, 1))
w = torch.randn((1), requires_grad=True)
b = torch.zeros((1), requires_grad=True)
for iteration in range(100):
    wx = torch.mul(w, x)
    y_pred = torch.add(wx, b)
    loss = (0.5 * (y - y_pred) ** 2).mean()
    loss.backward()
    b.data.sub_(lr * b.grad)
    w.data.sub_(lr * w.grad)
    w.grad.zero_()
    b.grad.zero_()
    if loss.item() < 1:
        break
print(iteration, w, b, loss)
print(x[:3])
