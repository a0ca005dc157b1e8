"""Sample inputs for engine/ops_nn.py's ops, merged into tests/test_ops_vjp.py's SAMPLES
(every op's VJP against finite differences)."""

import numpy as np

rng = np.random.default_rng(4321)


def normal(*shape):
    return rng.standard_normal(shape)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


def distinct(*shape):
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.37 + 0.1).reshape(shape)


_CONV2 = {"stride": (2, 1), "padding": ((1, 0), (1, 1)), "dilation": (1, 2), "groups": 2,
          "has_bias": True}
_CONV1 = {"stride": (1, 2), "padding": ((0, 0), (1, 1)), "dilation": (1, 1), "groups": 1,
          "has_bias": True}
_PADS = {1: ((0, 0), (0, 0), (2, 1)), 2: ((0, 0), (0, 0), (1, 2), (2, 1)),
         3: ((0, 0), (0, 0), (1, 1), (1, 2), (2, 1))}
_PAD_SHAPES = {1: (2, 3, 5), 2: (1, 2, 4, 5), 3: (1, 1, 3, 4, 4)}

NN_SAMPLES = {
    "addmm": [((normal(3), normal(2, 4), normal(4, 3)), {}),
              ((normal(2, 3), normal(2, 4), normal(4, 3)), {})],
    "squeeze_dims": [((normal(1, 3),), {"dims": (0,)})],
    "convolution": [((normal(2, 4, 5, 5), normal(6, 2, 3, 2), normal(6)), _CONV2),
                    ((normal(2, 2, 7), normal(3, 2, 3), normal(3)), _CONV1)],
    "max_pool2d": [((distinct(2, 2, 5, 6),), {"kernel": (2, 3), "stride": (2, 2),
                                              "padding": (1, 1), "dilation": (1, 1),
                                              "out_hw": (3, 3)}),
                   ((distinct(2, 3, 7),), {"kernel": (1, 3), "stride": (1, 1),
                                           "padding": (0, 1), "dilation": (1, 2),
                                           "out_hw": (1, 5)})],
    "avg_pool2d": [((normal(2, 2, 5, 6),), {"kernel": (3, 2), "stride": (2, 2),
                                            "padding": (1, 0), "out_hw": (3, 3),
                                            "count_include_pad": False}),
                   ((normal(1, 2, 5, 5),), {"kernel": (2, 2), "stride": (2, 2),
                                            "padding": (1, 1), "out_hw": (3, 3)})],
    "adaptive_avg_pool2d": [((normal(2, 2, 7, 5),), {"out_hw": (3, 2)}),
                            ((normal(1, 2, 4, 6),), {"out_hw": (2, 3)})],
    "batch_norm": [((normal(4, 3, 2), positive(3), normal(3)), {"training": True, "eps": 1e-5}),
                   ((normal(4, 3), positive(3), normal(3)),
                    {"training": False, "mean": normal(3), "invstd": positive(3)})],
    "layer_norm": [((normal(2, 3, 4), normal(3, 4), normal(3, 4)), {"k": 2, "eps": 1e-5})],
    "embedding": [((normal(5, 3),), {"indices": np.array([[0, 2], [2, 4]]),
                                     "padding_idx": None})],
    "constant_pad": [((normal(2, 3, 4),), {"pads": ((0, 0), (1, 2), (-1, 1)), "value": 0.5})],
    **{f"{kind}_pad{d}d": [((normal(*_PAD_SHAPES[d]),), {"pads": _PADS[d]})]
       for kind in ("reflection", "replication") for d in (1, 2, 3)},
    "elu": [((rng.choice([-1.0, 1.0], (2, 3)) * rng.uniform(0.3, 2.0, (2, 3)),),
             {"alpha": 0.7})],
    "silu": [((normal(2, 3),), {})],
    "logsigmoid": [((normal(2, 3),), {})],
    "hardtanh": [((distinct(2, 3) - 1.0,), {"min_val": -0.55, "max_val": 0.6})],
    "bce_with_logits": [((normal(2, 3), rng.uniform(0, 1, (2, 3))),
                         {"weight": positive(3), "pos_weight": positive(3),
                          "reduction": "mean"}),
                        ((normal(4), rng.uniform(0, 1, 4)), {"reduction": "none"})],
    "smooth_l1_loss": [((normal(2, 3), normal(2, 3)), {"reduction": "mean", "beta": 0.5})],
    "nll_loss_weighted": [((normal(3, 4),), {"target": np.array([0, 3, 1]), "weight": positive(4),
                                             "reduction": "mean", "ignore_index": -100}),
                          ((normal(3, 4),), {"target": np.array([2, -100, 1]),
                                             "weight": positive(4), "reduction": "none",
                                             "ignore_index": -100})],
    "div_scalar": [((normal(2, 3), 2.5), {})],
    "mul_scalar": [((normal(2, 3), 2.5), {})],
    "trilinear": [((normal(3, 2), normal(4, 2, 3), normal(3, 3)), {})],
    "gelu_tanh": [((normal(2, 3),), {})],
    "transpose_inplace": [((normal(2, 3, 4),), {"dim0": 0, "dim1": 1})],
    "lstm_layer_stack": [((normal(2, 3), normal(2, 3)), {"dim": 0})],
    "huber_loss": [((normal(2, 3), normal(2, 3)), {"reduction": "sum", "delta": 0.8})],
}

# ops whose VJP rules compute on arrays (im2col, window scans, normalisation statistics):
# derive reports "cannot derive symbolically through <op>" for them
NN_NOT_SYMBOLIC = {"adaptive_avg_pool2d", "avg_pool2d", "max_pool2d", "convolution",
                   "batch_norm", "layer_norm", "bce_with_logits", "constant_pad", "embedding",
                   "huber_loss", "smooth_l1_loss", "nll_loss_weighted", "trilinear",
                   *(f"{k}_pad{d}d" for k in ("reflection", "replication") for d in (1, 2, 3))}
