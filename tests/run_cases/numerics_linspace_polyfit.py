import torch

x = torch.linspace(-3.141592653589793, 3.141592653589793, 2000)
y = torch.sin(x)
a = torch.randn((), requires_grad=True)
b = torch.zeros((), requires_grad=True)
c = torch.zeros((), requires_grad=True)
d = torch.zeros((), requires_grad=True)
with torch.no_grad():
    a.fill_(0.1)
print(x[1000], x[999], x[0], x[1999])
print(x.sum(), x.mean())
learning_rate = 1e-6
for t in range(30):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 10 == 9:
        print(t, loss)
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(a, b, c, d)
