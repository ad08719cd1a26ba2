"""The network ``Model.for_data`` shapes for a fitted ``Preprocessor``.

Inputs: one per encoded input (``Preprocessor.input_names``). Hidden layers: Dense of the
given sizes (He-uniform initial weights for relu / leaky_relu, Glorot-uniform otherwise), a
Dropout after each when ``dropout`` > 0. Output and loss by task:

- classification: softmax units (one per class) + cross_entropy; one sigmoid unit +
  binary_cross_entropy when ``output_activation="sigmoid"`` and there are two classes;
- regression: one linear unit + mse.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .data import Preprocessor
from .dropout import Dropout
from .errors import ValidationError
from .layers import Dense
from .network import Sequential

__all__ = ["build_network"]


def build_network(
    pre: Preprocessor,
    *,
    hidden: Sequence[int],
    activation: str,
    output_activation: str | None,
    dtype: str,
    dropout: float,
) -> tuple[Sequential, str]:
    """(the untrained network, the name of the loss that suits its output) for ``pre``'s task."""
    if pre.task == "classification":
        output_activation = output_activation or "softmax"
        if output_activation == "sigmoid":
            if len(pre.classes) != 2:
                raise ValidationError(
                    f"A sigmoid output suits two classes; the target has {len(pre.classes)}. "
                    "Use the softmax output."
                )
            units, default_loss = 1, "binary_cross_entropy"
        else:
            units = len(pre.classes)
            default_loss = "cross_entropy" if output_activation == "softmax" else "mse"
    else:
        output_activation = output_activation or "linear"
        units, default_loss = 1, "mse"
    for size in hidden:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValidationError(f"Hidden layer sizes must be positive integers. Got {list(hidden)}.")
    n_inputs = len(pre.input_names)
    layers: list[Dense | Dropout] = []
    width = n_inputs
    for size in hidden:
        layers.append(
            Dense(
                int(size),
                activation,
                input_dim=width,
                initializer="he_uniform" if activation in ("relu", "leaky_relu") else "glorot_uniform",
            )
        )
        width = int(size)
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(Dense(units, output_activation, input_dim=width))
    network = Sequential(layers, dtype=dtype)
    return network, default_loss
