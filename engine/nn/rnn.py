"""nn.RNN, nn.GRU, nn.LSTM (multi-layer, batch_first, bidirectional, dropout between
layers) as PyTorch's CPU implementation in aten/src/ATen/native/RNN.cpp composes them:
the input projection of a whole layer at once (linear_ih on the sequence), then per time
step linear_hh(h) + that step's projection, the gates in PyTorch's order, stack, and for
batch_first an in-place transpose back. PyTorch runs an LSTM layer as one oneDNN kernel
(MkldnnRnnLayerBackward0): values agree to float32 rounding; the node keeps its name."""

import math

import numpy as np

from .. import dtypes
from ..apply import apply
from ..ops import OPS
from ..tensor import Tensor
from ..torch_api import nn_functional as api_nn
from . import init
from . import surface as api
from .layers import _empty
from .module import Module

F = api.FUNCTIONS


class RNNBase(Module):
    _gates = 1
    _mode = "RNN_TANH"

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None,
                 nonlinearity=None):
        super().__init__()
        if proj_size:
            raise NotImplementedError("gradcli: LSTM proj_size")
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be an integer greater than zero")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError("num_layers must be an integer greater than zero")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first = bias, batch_first
        self.dropout, self.bidirectional = float(dropout), bidirectional
        self.proj_size = proj_size
        if nonlinearity is not None:
            self.nonlinearity = nonlinearity
        dirs = 2 if bidirectional else 1
        gate = self._gates * hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for d in range(dirs):
                layer_in = input_size if layer == 0 else hidden_size * dirs
                sfx = "_reverse" if d == 1 else ""
                names = [f"weight_ih_l{layer}{sfx}", f"weight_hh_l{layer}{sfx}"]
                shapes = [(gate, layer_in), (gate, hidden_size)]
                if bias:
                    names += [f"bias_ih_l{layer}{sfx}", f"bias_hh_l{layer}{sfx}"]
                    shapes += [(gate,), (gate,)]
                for n, s in zip(names, shapes, strict=True):
                    setattr(self, n, _empty(*s, dtype=dtype))
                self._flat_weights_names.extend(names)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for w in self.parameters():
            init.uniform_(w, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------ forward
    def _weights(self, layer, d):
        sfx = "_reverse" if d == 1 else ""
        w = [getattr(self, f"weight_ih_l{layer}{sfx}"), getattr(self, f"weight_hh_l{layer}{sfx}")]
        if self.bias:
            w += [getattr(self, f"bias_ih_l{layer}{sfx}"), getattr(self, f"bias_hh_l{layer}{sfx}")]
        else:
            w += [None, None]
        return w

    def _check(self, input, hx):
        if input.data.ndim not in (2, 3):
            raise ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got "
                             f"{input.data.ndim}D tensor instead")
        if input.data.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.data.shape[-1]}")

    def forward(self, input, hx=None):
        self._check(input, hx)
        unbatched = input.data.ndim == 2
        dirs = 2 if self.bidirectional else 1
        if unbatched:
            input = api.unsqueeze(input, 0 if self.batch_first else 1)
        if self.batch_first:
            input = api.transpose(input, 0, 1)
        batch = input.data.shape[1]
        state_shape = (self.num_layers * dirs, batch, self.hidden_size)
        hx = self._initial_state(hx, state_shape, input.data.dtype, unbatched)
        layer_input, finals = input, []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                idx = layer * dirs + d
                h0 = self._state_at(hx, idx)
                out, hn = self._run_layer(layer_input, h0, self._weights(layer, d), d == 1)
                outs.append(out)
                finals.append(hn)
            layer_input = outs[0] if dirs == 1 else F["cat"](outs, outs[0].data.ndim - 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = api_nn.dropout(layer_input, self.dropout, True)
        output = layer_input
        if self.batch_first:
            output = self._batch_first_out(output)
        hidden = self._final_state(finals)
        if unbatched:
            output = api.squeeze(output, 0 if self.batch_first else 1)
            hidden = self._squeeze_state(hidden)
        return output, hidden

    def _initial_state(self, hx, shape, dt, unbatched):
        if hx is None:
            return Tensor(np.zeros(shape, dtype=dt))
        if unbatched:
            hx = api.unsqueeze(hx, 1)
        if tuple(hx.data.shape) != shape:
            raise RuntimeError(f"Expected hidden size {tuple(shape)}, got "
                               f"{list(hx.data.shape)}")
        return hx

    def _state_at(self, hx, idx):
        return api.getitem(hx, idx)

    def _final_state(self, finals):
        return F["stack"](finals, 0)

    def _squeeze_state(self, hidden):
        return api.squeeze(hidden, 1)

    def _batch_first_out(self, output):
        return apply(OPS["transpose_inplace"], (output,), {"dim0": 0, "dim1": 1})

    def _run_layer(self, x, h, weights, reverse):
        w_ih, w_hh, b_ih, b_hh = weights
        steps = list(api.unbind(api_nn.linear(x, w_ih, b_ih), 0))
        if reverse:
            steps.reverse()
        outputs = []
        for step in steps:
            h = self._cell(step, h, w_hh, b_hh)
            outputs.append(h if not isinstance(h, tuple) else h[0])
        if reverse:
            outputs.reverse()
        return self._stack_outputs(outputs), h

    def _stack_outputs(self, outputs):
        return F["stack"](outputs, 0)


class RNN(RNNBase):
    def __init__(self, *args, nonlinearity="tanh", **kwargs):
        if len(args) > 3:  # RNN(input_size, hidden_size, num_layers, nonlinearity, ...)
            nonlinearity, args = args[3], args[:3] + args[4:]
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             f"'relu'.")
        super().__init__(*args, nonlinearity=nonlinearity, **kwargs)

    def extra_repr(self):
        s = super().extra_repr()
        return s + (f", nonlinearity={self.nonlinearity}" if self.nonlinearity != "tanh" else "")

    def _cell(self, x_proj, h, w_hh, b_hh):
        pre = F["add"](api_nn.linear(h, w_hh, b_hh), x_proj)
        return F["tanh"](pre) if self.nonlinearity == "tanh" else F["relu"](pre)


def _chunks(t, n):
    size = t.data.shape[1] // n
    return [api.getitem(t, (slice(None), slice(i * size, (i + 1) * size))) for i in range(n)]


class GRU(RNNBase):
    _gates = 3

    def _cell(self, x_proj, h, w_hh, b_hh):
        ig = _chunks(x_proj, 3)
        hg = _chunks(api_nn.linear(h, w_hh, b_hh), 3)
        reset = F["sigmoid"](F["add"](hg[0], ig[0]))
        update = F["sigmoid"](F["add"](hg[1], ig[1]))
        new = F["tanh"](F["add"](ig[2], F["mul"](hg[2], reset)))
        return F["add"](F["mul"](F["sub"](h, new), update), new)


class LSTM(RNNBase):
    _gates = 4

    def _initial_state(self, hx, shape, dt, unbatched):
        if hx is None:
            z = np.zeros(shape, dtype=dt)
            return Tensor(z), Tensor(z.copy())
        h, c = hx
        if unbatched:
            h, c = api.unsqueeze(h, 1), api.unsqueeze(c, 1)
        for t in (h, c):
            if tuple(t.data.shape) != shape:
                raise RuntimeError(f"Expected hidden size {tuple(shape)}, got "
                                   f"{list(t.data.shape)}")
        return h, c

    def _state_at(self, hx, idx):
        return api.getitem(hx[0], idx), api.getitem(hx[1], idx)

    def _final_state(self, finals):
        return (F["stack"]([f[0] for f in finals], 0), F["stack"]([f[1] for f in finals], 0))

    def _squeeze_state(self, hidden):
        return api.squeeze(hidden[0], 1), api.squeeze(hidden[1], 1)

    def _batch_first_out(self, output):
        return api.transpose(output, 0, 1)

    def _stack_outputs(self, outputs):
        return apply(OPS["lstm_layer_stack"], outputs, {"dim": 0})

    def _cell(self, x_proj, state, w_hh, b_hh):
        h, c = state
        gates = _chunks(F["add"](api_nn.linear(h, w_hh, b_hh), x_proj), 4)
        ingate, forget = F["sigmoid"](gates[0]), F["sigmoid"](gates[1])
        cell, outgate = F["tanh"](gates[2]), F["sigmoid"](gates[3])
        cy = F["add"](F["mul"](forget, c), F["mul"](ingate, cell))
        return F["mul"](outgate, F["tanh"](cy)), cy


del dtypes
