"""The flat parameter buffer: private to one fit, so the optimizer updates the whole network in
one vectorised step.

During the fit every layer's weights, biases and gradients are views into two flat 1-D arrays
(in the order of ``Sequential.parameters()``); when the fit ends, however it ends, the values
go back into the layers' own arrays and the layers point at them again. So
``network.parameters()`` stays the same arrays across any number of fits, and the optimizer's
state for the flat array (e.g. Adam's "0.m", shape (n_parameters,)) follows that same order.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..network import Sequential


class FlatParameters:
    """``with FlatParameters(network) as flat:`` trains through ``flat.parameters`` and
    ``flat.gradients``, both of shape (n_parameters,) and the network's dtype."""

    def __init__(self, network: Sequential) -> None:
        network.require_built()
        self.network = network
        # The layers' own arrays, to point them at again when the fit ends.
        self.own = [(layer, layer.parameters(), layer.gradients()) for layer in network.layers]
        total = sum(p.size for _, parameters, _ in self.own for p in parameters)
        self.parameters = np.empty(total, dtype=network.dtype)
        self.gradients = np.empty(total, dtype=network.dtype)

    def __enter__(self) -> FlatParameters:
        offset = 0
        for layer in self.network.layers:
            offset = layer.adopt_buffers(self.parameters, self.gradients, offset)
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        for layer, parameters, gradients in self.own:
            layer.restore_arrays(parameters, gradients)
        return False
