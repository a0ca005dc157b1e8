"""Sample inputs of the rows of nn_layers_more.py, drawn from the Sampler the numerical
VJP checks pass (tests/test_ops_vjp.py)."""

import numpy as np

_CT2 = {"stride": (2, 1), "padding": ((1, 1), (0, 0)), "dilation": (1, 2), "groups": 2,
        "has_bias": True, "out_hw": (5, 5)}
_CT1 = {"stride": (1, 2), "padding": ((0, 0), (1, 1)), "dilation": (1, 1), "groups": 1,
        "has_bias": True, "out_hw": (1, 8)}


def _all(s):
    return {
        "glu": [((s.normal(2, 4, 3),), {"dim": 1}), ((s.normal(3, 6),), {"dim": -1})],
        "prelu_kernel": [((s.away_from_zero(2, 3, 4), s.positive(1, 3, 1)), {}),
                         ((s.away_from_zero(5), s.positive(1)), {})],
        "rrelu_with_noise": [((s.away_from_zero(2, 3),), {"lower": 0.1, "upper": 0.3})],
        "rrelu_with_noise_train": [((s.away_from_zero(2, 3),), {
            "noise": np.array([[1.0, 0.2, 0.3], [0.15, 1.0, 0.25]]), "lower": 0.1, "upper": 0.3})],
        "group_norm": [((s.normal(2, 4, 3), s.normal(4), s.normal(4)), {"groups": 2, "eps": 1e-5}),
                       ((s.normal(3, 6, 2, 2), s.normal(6), s.normal(6)), {"groups": 3})],
        "convolution_transpose": [
            ((s.normal(2, 4, 3, 3), s.normal(4, 3, 2, 2), s.normal(6)), _CT2),
            ((s.normal(2, 2, 4), s.normal(2, 3, 3), s.normal(3)), _CT1)],
        "adaptive_max_pool2d": [((s.distinct(2, 2, 7, 5),), {"out_hw": (3, 2)}),
                                ((s.distinct(2, 4, 6),), {"out_hw": (2, 3)})],
        "upsample_nearest1d": [((s.normal(2, 3, 4),), {"mode": "nearest", "out_size": (7,)}),
                               ((s.normal(1, 2, 3),), {"mode": "nearest", "out_size": (7,),
                                                       "scales": (2.5,)})],
        "upsample_nearest2d": [((s.normal(1, 2, 3, 4),), {"mode": "nearest",
                                                          "out_size": (6, 5)})],
        "upsample_linear1d": [((s.normal(2, 3, 4),), {"mode": "linear", "out_size": (7,),
                                                      "align_corners": False}),
                              ((s.normal(2, 1, 5),), {"mode": "linear", "out_size": (3,),
                                                      "align_corners": True})],
        "upsample_bilinear2d": [((s.normal(1, 2, 3, 4),), {"mode": "bilinear",
                                                           "out_size": (5, 9),
                                                           "align_corners": False,
                                                           "scales": (1.7, 2.3)}),
                                ((s.normal(1, 1, 4, 3),), {"mode": "bilinear",
                                                           "out_size": (7, 2),
                                                           "align_corners": True})],
        "pdist": [((s.normal(4, 3),), {"p": 2.0}), ((s.normal(3, 5),), {"p": 3.0}),
                  ((s.normal(4, 2),), {"p": 1.0}), ((np.sqrt(s.distinct(3, 4) + 1.0),), {"p": np.inf})],  # (sqrt: no tied |differences|)
        "im2col": [((s.normal(2, 3, 5, 4),), {"kernel": (2, 3), "dilation": (1, 1),
                                              "padding": (1, 0), "stride": (2, 1),
                                              "out_hw": (3, 2)}),
                   ((s.normal(2, 5, 5),), {"kernel": (2, 2), "dilation": (2, 1),
                                           "padding": (0, 1), "stride": (1, 2),
                                           "out_hw": (3, 3)})],
        "pixel_shuffle": [((s.normal(2, 8, 2, 3),), {"r": 2}), ((s.normal(9, 1, 2),), {"r": 3})],
        "pixel_unshuffle": [((s.normal(2, 2, 4, 6),), {"r": 2})],
    }


def sampled(name):
    """The row's `samples`: its entry of the table above, drawn from `s`."""
    return lambda s: _all(s)[name]
