"""torch.einsum as PyTorch computes it (aten/src/ATen/native/Linear.cpp, einsum and
sumproduct_pair, without opt_einsum): repeated labels become diagonals, every operand is
unsqueezed and permuted to one label order, operands are contracted left to right by
mul or by permute / reshape / bmm / view, and contraction dims are summed or viewed
away. Built from the op table's rows, so the grad_fn names are PyTorch's
(PermuteBackward0, SumBackward1, MulBackward0, ViewBackward0, ...) and so are the grads."""

import string

from ..apply import apply
from ..errors import UnsupportedError, runtime, type_error
from ..ops import OPS
from ..tensor import Tensor
from .registry import torch_fn

_LABELS = string.ascii_uppercase + string.ascii_lowercase  # PyTorch's subscript order
_ELLIPSIS = "..."


def _permute(t, dims):
    return apply(OPS["permute"], (t,), {"dims": tuple(dims)})


def _view(t, shape):
    return apply(OPS["reshape"], (t,), {"shape": tuple(shape)})


def _sum(t, dims, keepdim):
    return apply(OPS["sum_dim"], (t,), {"dims": tuple(sorted(dims)), "keepdim": keepdim})


def _parse_operands(lhs, n):
    """Each operand's labels (letters, or _ELLIPSIS), with PyTorch's errors."""
    labels, cur, seen_ell, i = [[] for _ in range(n)], 0, False, 0
    while i < len(lhs):
        c = lhs[i]
        if c == " ":
            pass
        elif c == ".":
            if seen_ell:
                raise runtime(f"einsum(): found '.' for operand {cur} for which an ellipsis was "
                              f"already found")
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise runtime(f"einsum(): found '.' for operand {cur} that is not part of any "
                              f"ellipsis")
            i += 2
            labels[cur].append(_ELLIPSIS)
            seen_ell = True
        elif c == ",":
            cur += 1
            if cur >= n:
                raise runtime("einsum(): fewer operands were provided than specified in the "
                              "equation")
            seen_ell = False
        else:
            if not (c.isascii() and c.isalpha()):
                raise runtime(f"einsum(): invalid subscript given at index {i} in the equation "
                              f"string, subscripts must be in [a-zA-Z]")
            labels[cur].append(c)
        i += 1
    if cur != n - 1:
        raise runtime("einsum(): more operands were provided than specified in the equation")
    return labels


def _sumproduct_pair(left, right, sum_dims):
    """(left * right).sum(sum_dims, keepdim=True) by permute, reshape, bmm, view, permute."""
    if not sum_dims:
        return apply(OPS["mul"], (left, right))
    ls, rs = left.data.shape, right.data.shape
    lro, lo, ro = [], [], []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(len(ls)):
        sl, sr = ls[i] != 1, rs[i] != 1
        if i in sum_dims:
            if sl and sr:
                if ls[i] != rs[i]:
                    raise runtime("non-broadcast dimensions must match")
                sum_size *= ls[i]
            elif sl:
                left = _sum(left, (i,), True)
            elif sr:
                right = _sum(right, (i,), True)
        elif sl and sr:
            if ls[i] != rs[i]:
                raise runtime("non-broadcast dimensions must match")
            lro.append(i)
            lro_size *= ls[i]
        elif sl:
            lo.append(i)
            lo_size *= ls[i]
        else:
            ro.append(i)
            ro_size *= rs[i]
    if lo and ro and ro[-1] < lo[0]:  # bmm then writes the output in order
        left, right, lo, ro, lo_size, ro_size = right, left, ro, lo, ro_size, lo_size
    ls, rs = left.data.shape, right.data.shape
    out_size = [ls[d] for d in lro] + [ls[d] for d in lo] + [1] * len(sum_dims) + \
        [rs[d] for d in ro]
    lperm = lro + lo + list(sum_dims) + ro
    rperm = lro + list(sum_dims) + ro + lo
    operm = [0] * len(out_size)
    for k, d in enumerate(lro + lo + list(sum_dims) + ro):
        operm[d] = k
    a = _view(_permute(left, lperm), (lro_size, lo_size, sum_size))
    b = _view(_permute(right, rperm), (lro_size, sum_size, ro_size))
    result = apply(OPS["bmm"], (a, b))
    return _permute(_view(result, out_size), operm)


@torch_fn("einsum")
def einsum(*args, **kwargs):
    if kwargs:
        raise type_error(f"einsum() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if not args:
        raise type_error("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    equation, operands = args[0], list(args[1:])
    if not isinstance(equation, str):
        raise UnsupportedError("einsum(): the sublist format is not supported by gradcli")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])
    for k, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise type_error(f"einsum(): argument 'operands' (position 2) must be tuple of "
                             f"Tensors, but found element of type {type(t).__name__} at pos {k}")
    if not operands:
        raise runtime("einsum(): must provide at least one operand")
    n = len(operands)
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    op_labels = _parse_operands(lhs, n)
    count = dict.fromkeys(_LABELS, 0)
    ell_num_dim = 0
    for i, (t, labels) in enumerate(zip(operands, op_labels, strict=True)):
        ndims = t.data.ndim
        nlabels = sum(1 for s in labels if s != _ELLIPSIS)
        has_ell = _ELLIPSIS in labels
        if has_ell:
            ell_num_dim = max(ell_num_dim, ndims - nlabels)
        for s in labels:
            if s != _ELLIPSIS:
                count[s] += 1
        if (nlabels > ndims) if has_ell else (nlabels != ndims):
            raise runtime(
                f"einsum(): the number of subscripts in the equation ({nlabels}) "
                + ("is more than the number of dimensions (" if has_ell
                   else "does not match the number of dimensions (")
                + f"{ndims}) for operand {i}" + ("" if has_ell else " and no ellipsis was given"))
    perm_index_of: dict = {}
    perm_index, ell_index, ell_in_output = 0, 0, False
    if arrow < 0:  # implicit output: the ellipsis, then the labels seen once, sorted
        perm_index, ell_in_output = ell_num_dim, True
        for s in _LABELS:
            if count[s] == 1:
                perm_index_of[s] = perm_index
                perm_index += 1
    else:
        rhs = equation[arrow + 2:]
        i = 0
        while i < len(rhs):
            c = rhs[i]
            if c == " ":
                pass
            elif c == ".":
                if ell_in_output:
                    raise runtime("einsum(): found '.' for output but an ellipsis (...) was "
                                  "already found")
                if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                    raise runtime("einsum(): found '.' for output that is not part of any "
                                  "ellipsis (...)")
                i += 2
                ell_index, ell_in_output = perm_index, True
                perm_index += ell_num_dim
            else:
                if not (c.isascii() and c.isalpha()):
                    raise runtime(f"einsum(): invalid subscript given at index {len(lhs) + 2 + i}"
                                  f" in the equation string, subscripts must be in [a-zA-Z]")
                if count[c] == 0 or c in perm_index_of:
                    why = (" appears more than once in the output" if c in perm_index_of
                           else " does not appear in the equation for any input operand")
                    raise runtime(f"einsum(): output subscript {c}{why}")
                perm_index_of[c] = perm_index
                perm_index += 1
            i += 1
    out_num_dim = perm_index
    if not ell_in_output:
        ell_index = perm_index
        perm_index += ell_num_dim
    for s in _LABELS:
        if count[s] > 0 and s not in perm_index_of:
            perm_index_of[s] = perm_index
            perm_index += 1
    label_size = dict.fromkeys(_LABELS, 1)
    ell_sizes = [1] * ell_num_dim
    dim_counts = [0] * perm_index
    ops = []
    for i, t in enumerate(operands):
        op = t
        permutation = [-1] * perm_index
        dim = 0
        labels = op_labels[i]
        for s in labels:
            if s == _ELLIPSIS:
                ndim = t.data.ndim - (len(labels) - 1)
                for j in range(ell_num_dim - ndim, ell_num_dim):
                    size = op.data.shape[dim]
                    if size != 1:
                        if ell_sizes[j] not in (1, size):
                            raise runtime(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {i}"
                                f"has size {size} which does not broadcast with previously seen "
                                f"ellipsis with size {ell_sizes[j]} for the respective dimension")
                        ell_sizes[j] = size
                        dim_counts[ell_index + j] += 1
                    permutation[ell_index + j] = dim
                    dim += 1
            elif permutation[perm_index_of[s]] == -1:
                size = op.data.shape[dim]
                if size != 1:
                    if label_size[s] not in (1, size):
                        raise runtime(
                            f"einsum(): subscript {s} has size {size} for operand {i} which "
                            f"does not broadcast with previously seen size {label_size[s]}")
                    label_size[s] = size
                    dim_counts[perm_index_of[s]] += 1
                permutation[perm_index_of[s]] = dim
                dim += 1
            else:  # a repeated label: its diagonal, moved to the first occurrence
                prev = permutation[perm_index_of[s]]
                a, b = op.data.shape[dim], op.data.shape[prev]
                if a != b:
                    raise runtime(f"einsum(): subscript {s} is repeated for operand {i} but the "
                                  f"sizes don't match, {a} != {b}")
                op = apply(OPS["diagonal"], (op,), {"offset": 0, "dim1": prev, "dim2": dim})
                nd = op.data.ndim
                order = list(range(nd - 1))
                order.insert(prev, nd - 1)  # movedim(-1, prev)
                op = _permute(op, order)
        for k, val in enumerate(permutation):
            if val == -1:
                op = apply(OPS["unsqueeze"], (op,), {"dim": dim})
                permutation[k] = dim
                dim += 1
        ops.append(_permute(op, permutation))
    while len(ops) > 1:
        a, b = ops.pop(0), ops.pop(0)
        sum_dims, a_sum, b_sum = [], [], []
        for d in range(out_num_dim, perm_index):
            sa, sb = a.data.shape[d] != 1, b.data.shape[d] != 1
            if sa and sb:
                if a.data.shape[d] != b.data.shape[d]:
                    raise runtime("non-broadcast dimensions must match")
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    sum_dims.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1:
                if sa:
                    a_sum.append(d)
                    dim_counts[d] = 0
                elif sb:
                    b_sum.append(d)
                    dim_counts[d] = 0
        if a_sum:
            a = _sum(a, a_sum, True)
        if b_sum:
            b = _sum(b, b_sum, True)
        ops.insert(0, _sumproduct_pair(a, b, sum_dims))
    if perm_index - out_num_dim > 0:
        if n > 1:
            return _view(ops[0], ops[0].data.shape[:out_num_dim])
        return _sum(ops[0], range(out_num_dim, perm_index), False)
    return ops[0]
