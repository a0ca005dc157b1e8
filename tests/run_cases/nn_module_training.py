import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self, n_in, n_hidden):
        super(Net, self).__init__()
        self.hidden = nn.Linear(n_in, n_hidden)
        self.out = nn.Linear(n_hidden, 1)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))


net = Net(3, 4)
print(net)
x = torch.randn(8, 3)
y = x.sum(dim=1, keepdim=True) ** 2
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
print(opt)
for step in range(30):
    opt.zero_grad()
    loss = F.mse_loss(net(x), y)
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(step, f"{loss.item():.4f}", loss)  # full digits: float32 sum order (issue 19)
print(net.out.weight)
print(net.hidden.bias.grad)
adam = torch.optim.Adam(net.parameters(), lr=0.01)
for step in range(20):
    adam.zero_grad()
    loss = nn.MSELoss()(net(x), y)
    loss.backward()
    adam.step()
print(loss)
print([n for n, p in net.named_parameters()])
print(sum(p.numel() for p in net.parameters()))
