import torch


def forward(x, w):
    """The error is raised on the line inside the function."""
    h = x @ w
    return h.sum()


x = torch.ones(2, 3)
print(forward(x, torch.ones(3, 2)))
print(forward(x, torch.ones(2, 2)))
print("never")
