import torch


class ShapeError(ValueError):
    pass


def check(t):
    if t.dim() != 2:
        raise ShapeError(f"expected a matrix, got {t.dim()} dims")
    return t


print(check(torch.ones(1, 2)))
check(torch.ones(2))
