"""What a gradcheck comparison measured, element by element (issue 21.6).

gradcheck passes an element when |analytic - numeric| <= atol + rtol * |numeric|. Two
figures alone mislead: the largest absolute error may sit where |numeric| is large (rtol
allows a lot there), the largest relative error where |numeric| is tiny (atol allows a
lot there). So the report names, besides those maxima and the elements they come from,
the DECIDING element: the one whose error uses the largest share of its own allowance
(error / (atol + rtol * |numeric|); above 1 it fails), and which of the two terms of the
allowance is the larger there (the bound that decides: atol or rtol)."""

from dataclasses import dataclass

import numpy as np


@dataclass
class Measure:
    max_abs_at: tuple | None     # (output element, input element) of the max abs error
    max_rel_at: tuple | None     # ... of the max relative error
    worst: tuple | None          # the deciding element (largest share of its allowance)
    worst_error: float           # |analytic - numeric| there
    worst_allowed: float         # atol + rtol * |numeric| there
    used: float                  # worst_error / worst_allowed (pass <= 1)
    bound: str | None            # "atol" or "rtol": the larger term of the allowance there
    atol: float = 0.0
    rtol: float = 0.0


def measure(analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float) -> Measure:
    """The figures above for two Jacobians of one shape (the errors computed as
    gradcheck.compare computes them: a NaN on one side only is an infinite error)."""
    if analytic.size == 0:
        return Measure(None, None, None, 0.0, atol, 0.0, None, atol, rtol)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = np.abs(analytic - numeric)
        diff = np.where(np.isnan(diff) & ~(np.isnan(analytic) & np.isnan(numeric)), np.inf,
                        np.nan_to_num(diff, nan=0.0))
        size = np.abs(np.nan_to_num(numeric))
        rel = diff / np.maximum(size, atol)
        allowed = atol + rtol * size
        share = np.where(allowed > 0, diff / allowed, np.where(diff > 0, np.inf, 0.0))

    def at(a):
        k, j = np.unravel_index(int(np.argmax(a)), a.shape)
        return int(k), int(j)

    worst = at(share)
    k, j = worst
    return Measure(max_abs_at=at(diff), max_rel_at=at(rel), worst=worst,
                   worst_error=float(diff[k, j]), worst_allowed=float(allowed[k, j]),
                   used=float(share[k, j]),
                   bound="atol" if atol >= rtol * size[k, j] else "rtol", atol=atol, rtol=rtol)
