import torch

x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
n = 0
while n < 3:
    n += 1
else:
    print("while done", n)

try:
    x.view(2)
except RuntimeError as e:
    print("RuntimeError:", e)

try:
    torch.ones(2)[3]
except IndexError as e:
    print(type(e).__name__, e)
finally:
    print("finally")

try:
    y = x * 2
    y.backward()
except Exception as e:
    print("caught", type(e).__name__)

try:
    assert x.sum().item() > 10, "sum too small"
except AssertionError as e:
    print("assert:", e)

squares = {i: i * i for i in range(4)}
evens = {i for i in range(10) if i % 2 == 0}
pairs = [(i, j) for i in range(3) for j in range(i)]
gen = sum(v * v for v in [1, 2, 3])
print(squares, sorted(evens), pairs, gen)

total = 0


def add(v):
    global total
    total += v


for v in x.tolist():
    add(v)
print(total)

text = """a multi-line
string"""
print(text)
data = {"w": torch.tensor(1.5), "b": torch.tensor(-0.5)}
for k, v in data.items():
    print(k, v)
a, *rest = [1, 2, 3]
print(a, rest)
if __name__ == "__main__":
    print("main")
