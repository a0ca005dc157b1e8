import torch

x = torch.tensor([1., 2., 3.], requires_grad=True)
y = (x * x).sum()
print(y.item(), isinstance(y.item(), float), x.tolist(), [1, 2.5, "a", None, True], (1,), ())
print(f"loss={y.item():.3f} grad={x.sum():.2f} {x.shape} {3:>4d}|{'s':<3}|{2.5e-5:.2e} {x!r}")
print("a", "b", 3, sep="-", end="!\n")
print("{} and {:.2f} and {name}".format(1, 2.345, name="n"))
losses = []
for i in range(3):
    losses.append(round(i * 0.1, 2))
print(losses, len(losses), sum(losses), min(losses), max(losses))
a, b = 1, 2
a, b = b, a
print(a, b, [i * 2 for i in range(4)], list(range(3)), tuple([1, 2]))
for i, v in enumerate([10, 20]):
    print(i, v)
for p, q in zip([1, 2], ["x", "y"], strict=False):
    print(p, q)
if y.item() > 10 and not x.is_leaf:
    print("no")
elif y.item() > 10:
    print("yes")
else:
    print("else")
print(isinstance(x, torch.Tensor), isinstance(1.5, float), x.grad is None, 2 in [1, 2])
n = 0
while_less = [n + k for k in range(2)]
print(while_less, 7 // 2, 7 % 3, 2 ** 10, -3 / 2, abs(-2), float(x.sum()), int(x[1]))
