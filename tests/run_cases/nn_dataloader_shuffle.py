import torch
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)
X = torch.arange(10, dtype=torch.float32).reshape(5, 2)
Y = torch.tensor([0, 1, 0, 1, 1])
ds = TensorDataset(X, Y)
print(len(ds), ds[1])
loader = DataLoader(ds, batch_size=2, shuffle=True)
for epoch in range(2):
    for xb, yb in loader:
        print(epoch, xb, yb)
for xb, yb in DataLoader(ds, batch_size=2, drop_last=True):
    print(xb.shape, yb)
model = torch.nn.Linear(2, 2)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
lossf = torch.nn.CrossEntropyLoss()
for xb, yb in loader:
    opt.zero_grad()
    loss = lossf(model(xb), yb)
    loss.backward()
    opt.step()
    print(loss)
