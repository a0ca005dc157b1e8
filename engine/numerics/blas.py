"""Matrix products in the summation order of PyTorch's CPU BLAS (MKL), where it is known.

MKL's gemm runs a matrix-vector product as a sequence of axpy updates, `out += a[:, k] *
b[k]` for k = 0, 1, …, when one side of `a @ b` is a vector laid out that way: a single
row times a row-major matrix (M = 1, `b` row-contiguous) or a transposed (column-major)
matrix times a single column (N = 1, `a` column-contiguous, as `mat1.T @ grad` in the
backward of Linear with one output). Each output element is then a plain left-to-right
float sum of rounded products, which numpy's matmul (pairwise and blocked) does not give:
measured against torch 2.13 on random shapes, these layouts agree bit for bit in every
trial (tests/test_numerics_blas_torch.py). Everything else is numpy's matmul; its last-bit
differences are listed in README's numerics section."""

import numpy as np


def _axpy_order(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype != b.dtype or a.dtype.kind != "f" or a.shape[1] < 2:
        return False
    m, n = a.shape[0], b.shape[1]
    if m == 1 and n > 1:
        return b.strides[1] == b.itemsize
    if n == 1 and m > 1:
        return a.strides[0] == a.itemsize
    return False


def mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b for 2-D arrays (shapes already checked)."""
    m, k, n = a.shape[0], a.shape[1], b.shape[1]
    if k == 1 and m > 1 and n > 1:
        # an outer product: MKL writes the products themselves (their zeros keep their
        # signs), where numpy's matmul adds them to +0.
        return a * b
    if a.size > 4096 and 0 in a.strides:  # a broadcast grad (sum's backward): numpy would
        a = np.ascontiguousarray(a)          # copy it per call, more slowly than this
    if b.size > 4096 and 0 in b.strides:
        b = np.ascontiguousarray(b)
    if _axpy_order(a, b):
        # the running sum over k, left to right (numpy's accumulate is sequential)
        out = np.cumsum(a[:, :, None] * b[None, :, :], axis=1, dtype=a.dtype)[:, -1]
    else:
        out = a @ b
    if out.dtype.kind == "f":
        out += 0.0  # MKL's sums start from +0.: products that are all -0. sum to +0.
    return out
