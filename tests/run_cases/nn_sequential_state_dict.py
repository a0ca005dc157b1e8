import torch
from torch import nn

torch.manual_seed(1)
model = nn.Sequential(
    nn.Linear(4, 3),
    nn.ReLU(),
    nn.Dropout(0.25),
    nn.Linear(3, 2),
    nn.LogSoftmax(dim=1),
)
print(model)
print(model[0])
print(len(model))
sd = model.state_dict()
for k, v in sd.items():
    print(k, v.shape)
print(sd["3.bias"])
print(model[3].weight)
model.eval()
x = torch.randn(2, 4)
print(model(x))
print(model.training, model[2].training)
nn.init.zeros_(model[3].bias)
nn.init.xavier_uniform_(model[3].weight)
print(model[3].weight, model[3].bias)
model2 = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Dropout(0.25), nn.Linear(3, 2),
                       nn.LogSoftmax(dim=1))
model2.load_state_dict(model.state_dict())
print(torch.equal(model2[3].weight, model[3].weight))
p = nn.Parameter(torch.ones(2))
print(p)
