import torch
import torch.nn as nn

torch.manual_seed(0)
layer = nn.Linear(2, 1)
sched = torch.optim.lr_scheduler.StepLR(torch.optim.SGD(layer.parameters(), lr=0.1), step_size=1)
print(sched.get_last_lr())
print(layer(torch.ones(4, 2)))
layer(torch.ones(4, 3))
