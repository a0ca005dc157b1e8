"""The legacy `size_average` / `reduce` arguments of the loss functions, mapped to a
reduction as torch.nn._reduction.legacy_get_string maps them (dropping them would give a
mean where PyTorch gives a sum or the unreduced losses)."""


def legacy_reduction(size_average, reduce, reduction):
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"
