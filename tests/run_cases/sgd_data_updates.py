import torch

x = torch.tensor([[1.0, 2.0], [2.0, 1.0], [3.0, 0.5], [0.5, 3.0]])
t = torch.tensor([5.0, 4.0, 4.0, 6.5])
w = torch.tensor([0.1, -0.2], requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
lr = 0.05
for step in range(31):
    pred = x @ w + b
    loss = ((pred - t) ** 2).mean()
    loss.backward()
    w.data.sub_(lr * w.grad)
    b.data -= lr * b.grad.data
    if step % 10 == 0:
        print(f"step {step:2d} loss {loss.item():.6f} w {w.data} b {b.item():.4f}")
    w.grad.zero_()
    b.grad.zero_()
print(w, b)
print(w.grad, b.grad, w.is_leaf, w.requires_grad)
v = w.data
v[0] = 1.0
print(w)
