"""float32 sum and mean in PyTorch's summation order (aten/src/ATen/native/cpu/SumKernel.cpp).

PyTorch's CPU sum is a cascade: the reduced elements are read as vectors of LANES float32
(the ATen build measured here uses 8 lanes), four vector accumulators side by side
("ILP"), and every accumulator adds its rows in blocks of 2**level_power, block sums in
groups of 2**level_power, and so on over four levels (multi_row_sum). The lanes are added
left to right at the end, after the elements that do not fill a vector. A full reduction
of at least GRAIN_SIZE elements is split over the threads and the per-thread results are
added (TensorIterator's two-pass reduction).

Everything here is vectorized numpy: each cascade level is one reduction over the rows of
an (R, accumulators) array (numpy adds such rows one after the other, as the C loop does;
FAST = False uses cumulative sums instead); Python loops run
over the four levels, never over elements."""

import numpy as np

from .ranges import GRAIN_SIZE, _chunks, _threads

LANES = 8  # float32 lanes of Vectorized<float> as this ATen build's sum kernel runs them
_F32 = np.float32
# False: every sequential sum as a cumulative sum (the reference the fast reduction is
# held to by tests/test_reduce_sum_fast.py)
FAST = True


def _seq(a, axis):
    """Sequential float32 sum along `axis` starting from 0 (a C `acc += x` loop)."""
    if a.shape[axis] == 0:
        return np.zeros(a.shape[:axis] + a.shape[axis + 1:] if axis >= 0 else
                        a.shape[:a.ndim + axis] + a.shape[a.ndim + axis + 1:], dtype=_F32)
    if FAST and a.ndim >= 2 and axis % a.ndim == a.ndim - 2:
        rows = _rows_first(a)
        if rows is not None:
            # numpy reduces the outer axis of a (R, N) array as R whole-row adds
            # (acc[j] += x[i, j], i in order): sequential per column, as the C loop. Only a
            # reduction whose inner loop runs along the reduced axis is pairwise, and
            # _rows_first rules that out. `0 +` turns an all -0.0 column into +0.0, as
            # C's `acc = 0` does.
            return (_F32(0) + np.add.reduce(rows, axis=0)).reshape(a.shape[:-2] + a.shape[-1:])
    return _F32(0) + np.cumsum(a, axis=axis, dtype=_F32).take(-1, axis=axis)


def _rows_first(a):
    """a (..., R, W) float32 as an (R, K*W) array whose rows are the reduced index and whose
    columns (contiguous, >= 2 of them) are the independent accumulators; None when that
    layout cannot be had. Long rows: numpy then runs R inner loops of K*W elements instead
    of K*R loops of W (the W = 8..32 lanes of a cascade level)."""
    r, w = a.shape[-2], a.shape[-1]
    k = a.size // (r * w) if r * w else 0
    if a.dtype != _F32 or k * w < 2:
        return None
    front = (a.ndim - 2,) + tuple(range(a.ndim - 2))  # the R axis first, then the rest
    if w == 1:
        rows = a[..., 0].transpose(front).reshape(r, k)
    elif a.strides[-1] == 4:
        # each row of W lanes as one 4*W-byte item: gathering rows to the front is then one
        # memcpy per row, not a strided float loop per lane
        items = a.view(np.dtype((np.void, 4 * w)))[..., 0]
        rows = np.ascontiguousarray(items.transpose(front).reshape(r, k)).view(_F32)
    else:
        rows = a.transpose(front + (a.ndim - 1,)).reshape(r, k * w)
    if rows.ndim != 2 or rows.shape[1] != k * w or rows.strides[1] != 4 or rows.strides[0] <= 4:
        return None
    return rows


def _ceil_log2(n: int) -> int:
    return max(1, (n - 1).bit_length()) if n > 1 else 0


def _groups(a, size):
    """(..., R, W) -> complete groups (..., R // size, size, W) and the rest (..., r, W)."""
    r = a.shape[-2]
    full = (r // size) * size
    head = a[..., :full, :].reshape(a.shape[:-2] + (r // size, size, a.shape[-1]))
    return head, a[..., full:, :]


def multi_row_sum(x):
    """multi_row_sum: x (..., R, W) -> (..., W), W independent accumulators over R rows."""
    rows = x.shape[-2]
    step = 1 << max(4, _ceil_log2(rows) // 4)
    blocks, rest0 = _groups(x, step)
    level1 = _seq(blocks, -2)  # (..., nb, W): every block's sum, acc[0] reset per block
    acc0 = _seq(rest0, -2)
    groups1, rest1 = _groups(level1, step)
    level2 = _seq(groups1, -2)
    acc1 = _seq(rest1, -2)
    groups2, rest2 = _groups(level2, step)
    acc2 = _seq(rest2, -2)
    acc3 = _seq(_seq(groups2, -2), -2)
    return ((acc0 + acc1) + acc2) + acc3


def row_sum(x, lanes: int):
    """row_sum: x (..., V, lanes) -> (..., lanes); four accumulators interleaved (ILP)."""
    v = x.shape[-2]
    ilp = v // 4
    main = x[..., :ilp * 4, :].reshape(x.shape[:-2] + (ilp, 4 * lanes))
    parts = multi_row_sum(main).reshape(x.shape[:-2] + (4, lanes))
    p0 = parts[..., 0, :]
    tail = x[..., ilp * 4:, :]
    if tail.shape[-2]:
        p0 = _seq(np.concatenate([p0[..., None, :], tail], axis=-2), -2)
    return ((p0 + parts[..., 1, :]) + parts[..., 2, :]) + parts[..., 3, :]


def inner_sum(a):
    """Sum of each row of a (..., N) float32 array over its contiguous last axis."""
    n = a.shape[-1]
    if n < LANES:  # scalar_inner_sum
        return row_sum(a[..., None], 1)[..., 0]
    v = n // LANES
    acc = row_sum(a[..., :v * LANES].reshape(a.shape[:-1] + (v, LANES)), LANES)
    # final_acc: 0, then the elements past the last vector, then the lanes in order
    return _seq(np.concatenate([a[..., v * LANES:], acc], axis=-1), -1)


def _outer_columns(a):
    """Column sums of a (R, C) float32 block (reduced axis 0, columns contiguous)."""
    r, c = a.shape
    out = np.empty(c, dtype=_F32)
    j = 0
    if c >= LANES:  # vectorized_outer_sum
        w = 4 * LANES
        full = (c // w) * w
        if full:
            blocks = a[:, :full].reshape(r, full // w, w).transpose(1, 0, 2)
            out[:full] = multi_row_sum(blocks).reshape(-1)
        j = full
        vec = ((c - j) // LANES) * LANES
        if vec:
            blocks = a[:, j:j + vec].reshape(r, vec // LANES, LANES).transpose(1, 0, 2)
            out[j:j + vec] = row_sum(blocks, LANES).reshape(-1)
        j += vec
    else:  # scalar_outer_sum: four columns at a time
        full = (c // 4) * 4
        if full:
            blocks = a[:, :full].reshape(r, full // 4, 4).transpose(1, 0, 2)
            out[:full] = multi_row_sum(blocks).reshape(-1)
        j = full
    if j < c:
        out[j:] = row_sum(a[:, j:].T[..., None], 1)[..., 0]
    return out


def outer_sum(a):
    """Column sums of (R, C), split over threads by column ranges rounded to 128 bytes
    (parallel_dim_reduction) when the input has at least GRAIN_SIZE elements."""
    r, c = a.shape
    if a.size < GRAIN_SIZE or _threads() == 1:
        return _outer_columns(a)
    out = np.empty(c, dtype=_F32)
    tasks = min(_threads(), c)
    size = -(-c // tasks)
    for b in range(0, c, size):
        e = min(c, b + size)
        b2 = b - b % 32
        e2 = e if e == c else e - e % 32
        if b2 < e2:
            out[b2:e2] = _outer_columns(a[:, b2:e2])
    return out


def sum_all(a, part=_F32) -> np.float32:
    """torch.sum of a float32 array, all elements, in memory order. `part`: the dtype each
    thread's partial sum is stored in (the two-pass reduction's buffer has the output's
    dtype: float16 for a Half sum)."""
    flat = np.ravel(a, order="K")
    n = flat.size
    if n < GRAIN_SIZE or _threads() == 1:
        return _F32(0) + inner_sum(flat)
    buf = np.zeros(_threads(), dtype=_F32)
    for t, (b, e) in enumerate(_chunks(n)):
        buf[t] = part(_F32(0) + inner_sum(flat[b:e]))
    return _F32(0) + inner_sum(buf)


def sum_dims(a, dims, keepdim=False, part=_F32):
    """torch.sum(a, dims) for float32: the reduced dims brought together, then PyTorch's
    inner (contiguous reduced axis) or outer (contiguous kept axis) cascade."""
    dims = tuple(sorted(d % a.ndim for d in dims)) if a.ndim else ()
    if not dims or a.size == 0:
        return np.sum(a, axis=dims or None, keepdims=keepdim, dtype=_F32)
    order = _memory_order(a)
    if order is not None:
        # TensorIterator orders the dims by the input's strides: a transposed tensor is
        # reduced in its memory order, then the result is laid out in the logical order
        pos = [order.index(d) for d in dims]
        res = sum_dims(a.transpose(order), pos, True, part).transpose(np.argsort(order))
        return res if keepdim else res.reshape(tuple(a.shape[d] for d in range(a.ndim)
                                                     if d not in dims))
    if 1 in a.shape and a.ndim > 1:
        # TensorIterator drops size-1 dims before it picks the loop: summing [20, 1] over
        # dim 0 is a contiguous 20-element reduction (the cascade), not an outer sum
        big = [d for d in range(a.ndim) if a.shape[d] != 1]
        bdims = tuple(i for i, d in enumerate(big) if d in dims)
        b = a.reshape(tuple(a.shape[d] for d in big))
        if not bdims:  # only size-1 dims reduced: each value is its own sum
            res = np.sum(a, axis=dims, keepdims=True, dtype=_F32)
        else:
            res = sum_dims(b, bdims, False, part) if len(bdims) < b.ndim else sum_all(b, part)
        shape = tuple(1 if d in dims else a.shape[d] for d in range(a.ndim))
        res = np.asarray(res, dtype=_F32).reshape(shape)
        return res if keepdim else res.reshape(tuple(a.shape[d] for d in range(a.ndim)
                                                     if d not in dims))
    kept = [d for d in range(a.ndim) if d not in dims]
    if len(kept) == 0:
        r = sum_all(a, part)
        return np.full((1,) * a.ndim, r, dtype=_F32) if keepdim else np.asarray(r)
    ac = np.ascontiguousarray(a)
    nred = int(np.prod([a.shape[d] for d in dims]))
    out_shape = tuple(a.shape[d] for d in kept)
    if dims == tuple(range(a.ndim - len(dims), a.ndim)):  # trailing: inner sums per row
        res = _inner_rows(ac.reshape(-1, nred))
    elif dims == tuple(range(len(dims))):  # leading: outer sums over columns
        res = outer_sum(ac.reshape(nred, -1))
    else:
        # a middle block: an outer sum for each leading index (TensorIterator's outer loop)
        lead = int(np.prod([a.shape[d] for d in kept if d < dims[0]]))
        moved = np.moveaxis(ac, dims, range(len(kept), a.ndim)) if not _block(dims) else None
        if moved is not None:  # scattered reduced dims: no PyTorch order claimed
            res = np.sum(moved.reshape(moved.shape[:len(kept)] + (-1,)), axis=-1, dtype=_F32)
        else:
            x = ac.reshape(lead, nred, -1)
            res = np.stack([_outer_columns(x[i]) for i in range(lead)]) if lead else x[:, 0]
    res = np.asarray(res, dtype=_F32).reshape(out_shape)
    if keepdim:
        res = res.reshape(tuple(1 if d in dims else a.shape[d] for d in range(a.ndim)))
    return res


def _memory_order(a):
    """The axis order that makes a permuted C-contiguous array C-contiguous again, or None
    (already contiguous, or any other layout: those keep the logical order)."""
    if a.flags.c_contiguous or a.ndim < 2 or min(a.strides) <= 0:
        return None
    big = [d for d in range(a.ndim) if a.shape[d] > 1]
    order = sorted(big, key=lambda d: -a.strides[d])
    # size-1 dims anywhere: put them back where they were relative to the order
    order = [d for d in range(a.ndim) if a.shape[d] == 1] + order
    order = tuple(order)
    if order == tuple(range(a.ndim)) or not a.transpose(order).flags.c_contiguous:
        return None
    return order


def _block(dims) -> bool:
    return dims == tuple(range(dims[0], dims[0] + len(dims)))


def _inner_rows(x):
    return _F32(0) + inner_sum(x)


def torch_sum(a, dims=None, keepdim=False):
    """The op table's sum: float32 in PyTorch's cascade order, other dtypes as numpy
    (integers and bools sum to int64, as in torch)."""
    if a.dtype == np.float16 and a.size:
        # Half sums in float32 (its opmath type) in the same cascade, rounded to Half at
        # the end; a thread's part of a full reduction is rounded to Half too
        h = a.astype(_F32)  # order "K": a transposed tensor keeps its memory order
        if dims is None:
            r = np.float16(sum_all(h, np.float16))
            return np.full((1,) * a.ndim, r) if keepdim else np.asarray(r)
        return np.asarray(sum_dims(h, dims, keepdim, np.float16)).astype(np.float16)
    if a.dtype != _F32 or a.size == 0:
        dtype = np.int64 if a.dtype.kind in "bi" else None
        return np.sum(a, axis=dims, keepdims=keepdim, dtype=dtype)
    if dims is None:
        r = sum_all(a)
        return np.full((1,) * a.ndim, r, dtype=_F32) if keepdim else np.asarray(r, dtype=_F32)
    return sum_dims(a, dims, keepdim)


def torch_mean(a, dims=None, keepdim=False):
    """The op table's mean: PyTorch's CPU mean is the sum divided by the count."""
    if a.dtype != _F32 or a.size == 0:
        return np.mean(a, axis=dims, keepdims=keepdim, dtype=a.dtype)
    n = a.size if dims is None else int(np.prod([a.shape[d] for d in dims]))
    return (torch_sum(a, dims, keepdim) / _F32(n)).astype(_F32)
