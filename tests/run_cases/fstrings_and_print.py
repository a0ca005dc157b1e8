import torch

x = torch.tensor([1.25, -3.5], requires_grad=True)
y = (x ** 2).sum()
print(f"{y}")
print(f"{y.item():.2f} {y.item():10.4f}| {y.item():<10.1f}| {y.item():+.3e} {y.item():g}")
print(f"{y:.3f} {x[0]:.1f} {y.item():08.3f} {7:03d} {255:x} {255:#b} {1234567:,} {0.25:.0%}")
print(f"{x.shape} {x.dtype} {x.requires_grad} {y.grad_fn} {x}")
print(f"{'abc':>6}|{'abc':^7}|{'abc':*<5}|{3.14159!s}|{'q'!r}")
name = "loss"
width = 8
print(f"{name}={y.item():{width}.2f}", f"{name!r:>8}")
print(x, y, sep=" | ", end=" <end>\n")
print("a", "b", sep="")
print("no newline", end="")
print(" then", 1, 2.5, None, True, [1, (2, 3)], end="\n\n")
print()
print(*[1, 2, 3], sep=", ")
print("{:.3f}, {}".format(y.item(), x.shape))
print(str(x), str(y.item()), str(2.0), 1e-5, 1e16, 0.1 + 0.2, 10 / 4, 2 ** 0.5, -0.0)
print(round(2.675, 2), round(y.item()), int(3.9), float("1.5"), abs(-x[1].item()))
