"""Sample inputs of the torch.nn rows (nn_layers.py, nn_losses.py), drawn from the
Sampler the numerical VJP checks pass (tests/test_ops_vjp.py)."""

import numpy as np

_CONV2 = {"stride": (2, 1), "padding": ((1, 0), (1, 1)), "dilation": (1, 2), "groups": 2,
          "has_bias": True}
_CONV1 = {"stride": (1, 2), "padding": ((0, 0), (1, 1)), "dilation": (1, 1), "groups": 1,
          "has_bias": True}
_PADS = {1: ((0, 0), (0, 0), (2, 1)), 2: ((0, 0), (0, 0), (1, 2), (2, 1)),
         3: ((0, 0), (0, 0), (1, 1), (1, 2), (2, 1))}
_PAD_SHAPES = {1: (2, 3, 5), 2: (1, 2, 4, 5), 3: (1, 1, 3, 4, 4)}


def _all(s):
    return {
        "addmm": [((s.normal(3), s.normal(2, 4), s.normal(4, 3)), {}),
                  ((s.normal(2, 3), s.normal(2, 4), s.normal(4, 3)), {})],
        "squeeze_inplace_dims": [((s.normal(1, 3),), {"dims": (0,)})],
        "convolution": [((s.normal(2, 4, 5, 5), s.normal(6, 2, 3, 2), s.normal(6)), _CONV2),
                        ((s.normal(2, 2, 7), s.normal(3, 2, 3), s.normal(3)), _CONV1)],
        "max_pool2d": [((s.distinct(2, 2, 5, 6),), {"kernel": (2, 3), "stride": (2, 2),
                                                  "padding": (1, 1), "dilation": (1, 1),
                                                  "out_hw": (3, 3)}),
                       ((s.distinct(2, 3, 7),), {"kernel": (1, 3), "stride": (1, 1),
                                               "padding": (0, 1), "dilation": (1, 2),
                                               "out_hw": (1, 5)})],
        "avg_pool2d": [((s.normal(2, 2, 5, 6),), {"kernel": (3, 2), "stride": (2, 2),
                                                "padding": (1, 0), "out_hw": (3, 3),
                                                "count_include_pad": False}),
                       ((s.normal(1, 2, 5, 5),), {"kernel": (2, 2), "stride": (2, 2),
                                                "padding": (1, 1), "out_hw": (3, 3)})],
        "adaptive_avg_pool2d": [((s.normal(2, 2, 7, 5),), {"out_hw": (3, 2)}),
                                ((s.normal(1, 2, 4, 6),), {"out_hw": (2, 3)})],
        "batch_norm": [((s.normal(4, 3, 2), s.positive(3), s.normal(3)), {"training": True, "eps": 1e-5}),
                       ((s.normal(4, 3), s.positive(3), s.normal(3)),
                        {"training": False, "mean": s.normal(3), "invstd": s.positive(3)})],
        "layer_norm": [((s.normal(2, 3, 4), s.normal(3, 4), s.normal(3, 4)), {"k": 2, "eps": 1e-5})],
        "embedding": [((s.normal(5, 3),), {"indices": np.array([[0, 2], [2, 4]]),
                                         "padding_idx": None})],
        "constant_pad": [((s.normal(2, 3, 4),), {"pads": ((0, 0), (1, 2), (-1, 1)), "value": 0.5})],
        **{f"{kind}_pad{d}d": [((s.normal(*_PAD_SHAPES[d]),), {"pads": _PADS[d]})]
           for kind in ("reflection", "replication") for d in (1, 2, 3)},
        "elu": [((s.rng.choice([-1.0, 1.0], (2, 3)) * s.rng.uniform(0.3, 2.0, (2, 3)),),
                 {"alpha": 0.7})],
        "silu": [((s.normal(2, 3),), {})],
        "logsigmoid": [((s.normal(2, 3),), {})],
        "hardtanh": [((s.distinct(2, 3) - 1.0,), {"min_val": -0.55, "max_val": 0.6})],
        "bce_with_logits": [((s.normal(2, 3), s.rng.uniform(0, 1, (2, 3))),
                             {"weight": s.positive(3), "pos_weight": s.positive(3),
                              "reduction": "mean"}),
                            ((s.normal(4), s.rng.uniform(0, 1, 4)), {"reduction": "none"})],
        "smooth_l1_loss": [((s.normal(2, 3), s.normal(2, 3)), {"reduction": "mean", "beta": 0.5})],
        "nll_loss_weighted": [((s.normal(3, 4),), {"target": np.array([0, 3, 1]), "weight": s.positive(4),
                                                 "reduction": "mean", "ignore_index": -100}),
                              ((s.normal(3, 4),), {"target": np.array([2, -100, 1]),
                                                 "weight": s.positive(4), "reduction": "none",
                                                 "ignore_index": -100})],
        "div_scalar": [((s.normal(2, 3), 2.5), {})],
        "trilinear": [((s.normal(3, 2), s.normal(4, 2, 3), s.normal(3, 3)), {})],
        "gelu_tanh": [((s.normal(2, 3),), {})],
        "transpose_inplace": [((s.normal(2, 3, 4),), {"dim0": 0, "dim1": 1})],
        "lstm_layer_stack": [((s.normal(2, 3), s.normal(2, 3)), {"dim": 0})],
        "huber_loss": [((s.normal(2, 3), s.normal(2, 3)), {"reduction": "sum", "delta": 0.8})],
    }


def sampled(name):
    """The row's `samples`: its entry of the table above, drawn from `s`."""
    return lambda s: _all(s)[name]
