import torch
from torch.utils.data import Dataset, DataLoader
from torch import nn, optim
class Squares(Dataset):
    def __init__(self, n):
        self.x = torch.linspace(0, 1, n).unsqueeze(1)
    def __len__(self):
        return len(self.x)
    def __getitem__(self, i):
        return self.x[i], self.x[i] ** 2
torch.manual_seed(3)
m = nn.Sequential(nn.Linear(1, 4), nn.Tanh(), nn.Linear(4, 1))
nn.init.kaiming_normal_(m[0].weight)
o = optim.Adam(m.parameters(), lr=0.01)
s = optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5)
for ep in range(3):
    for xb, yb in DataLoader(Squares(6), batch_size=4, shuffle=True):
        o.zero_grad(); l = nn.functional.mse_loss(m(xb), yb); l.backward(); o.step()
    s.step()
    print(ep, s.get_last_lr(), l)
print(m.state_dict()['0.weight'])
