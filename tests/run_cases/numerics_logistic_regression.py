import torch

x = torch.linspace(-4, 4, 200)
t = (x > 0).float()
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for step in range(20):
    p = torch.sigmoid(w * x + b)
    loss = -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
        b -= 0.5 * b.grad
        w.grad.zero_()
        b.grad.zero_()
    if step % 5 == 4:
        print(step, loss)
print(w, b)
print(p[:5], p.sum())
