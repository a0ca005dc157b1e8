# The seed "PyTorch Gradients" logistic regression (200 samples, up to 100 SGD steps), its
# matplotlib calls left out so both sides do the same work.
import torch
import torch.nn as nn
import numpy as np
torch.manual_seed(10)
sample_nums = 100
mean_value = 1.7
bias = 5
n_data = torch.ones(sample_nums, 2)

x0 = torch.normal(mean_value * n_data, 1) + bias
y0 = torch.zeros(sample_nums)
x1 = torch.normal(-mean_value * n_data, 1) + bias
y1 = torch.ones(sample_nums)
train_x = torch.cat((x0, x1), 0)
train_y = torch.cat((y0, y1), 0)
class LR(nn.Module):
    def __init__(self):
        super(LR, self).__init__()
        self.features = nn.Linear(2, 1)
        self.sigmoid = nn.Sigmoid()
    def forward(self, x):
        x = self.features(x)
        x = self.sigmoid(x)
        return x
lr_net = LR()
loss_fn = nn.BCELoss()
lr = 0.01
optimizer = torch.optim.SGD(lr_net.parameters(), lr=lr, momentum=0.9)
print(lr_net.features.bias)
for iteration in range(100):
    lr_net.train()
    y_pred = lr_net(train_x)

    loss = loss_fn(y_pred.squeeze(), train_y)

    loss.backward()

    optimizer.step()

    optimizer.zero_grad()

    if iteration % 20 == 0:
        mask = y_pred.ge(0.5).float().squeeze()
        correct = (mask == train_y).sum()
        acc = correct.item() / train_y.size(0)
        w0, w1 = lr_net.features.weight[0]
        w0, w1 = float(w0.item()), float(w1.item())

        if acc > 0.99:
            break
print(lr_net)
print(list(lr_net.parameters()))
