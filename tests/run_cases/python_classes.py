import torch


class LinearRegression(object):
    """y = w * x + b, fitted by hand."""

    def __init__(self, lr=0.1):
        super(LinearRegression, self).__init__()
        self.w = torch.tensor(0.0, requires_grad=True)
        self.b = torch.tensor(0.0, requires_grad=True)
        self.lr = lr
        self.steps = 0

    def __call__(self, x):
        return self.w * x + self.b

    def __repr__(self):
        return f"LinearRegression(w={self.w.item():.4f}, b={self.b.item():.4f})"

    def step(self):
        with torch.no_grad():
            self.w -= self.lr * self.w.grad
            self.b -= self.lr * self.b.grad
        self.w.grad.zero_()
        self.b.grad.zero_()
        self.steps += 1

    @property
    def params(self):
        return [self.w, self.b]

    @staticmethod
    def mse(a, b):
        return ((a - b) ** 2).mean()

    @classmethod
    def named(cls):
        return cls.__name__


class Noisy(LinearRegression):
    def __init__(self):
        super().__init__(lr=0.05)


x = torch.tensor([1.0, 2.0, 3.0, 4.0])
t = 2 * x + 1
model = Noisy()
for epoch in range(200):
    loss = Noisy.mse(model(x), t)
    loss.backward()
    model.step()
    if epoch % 50 == 0:
        print(epoch, loss)
print(model, model.steps, Noisy.named(), len(model.params), isinstance(model, LinearRegression))


class Vec:
    def __init__(self, *items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def __add__(self, other):
        return Vec(*[a + b for a, b in zip(self.items, other.items)])

    def __eq__(self, other):
        return self.items == other.items

    def __str__(self):
        return "Vec(" + ", ".join(str(i) for i in self.items) + ")"


v = Vec(1, 2) + Vec(3, 4)
print(v, len(v), v[1], v == Vec(4, 6), [i for i in v])
