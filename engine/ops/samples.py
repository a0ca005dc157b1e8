"""Sample inputs for the rows' `samples`: kinds of values away from each op's kinks and
singularities, drawn from one seeded generator (tests/test_ops_vjp.py checks every row's
VJP at them against finite differences)."""

import numpy as np


class Sampler:
    def __init__(self, seed: int = 1234):
        self.rng = np.random.default_rng(seed)

    def normal(self, *shape):
        return self.rng.standard_normal(shape)

    def positive(self, *shape):
        return self.rng.uniform(0.5, 2.0, shape)

    def unit(self, *shape):
        return self.rng.uniform(-0.8, 0.8, shape)

    def away_from_zero(self, *shape):
        return self.rng.choice([-1.0, 1.0], shape) * self.rng.uniform(0.3, 2.0, shape)

    def distinct(self, *shape):
        """Values with no ties and no kinks near each other (max/min/sort-like ops)."""
        n = int(np.prod(shape)) if shape else 1
        return (self.rng.permutation(n) * 0.37 + 0.1).reshape(shape)
