"""Losses: each returns its value and its gradient with respect to the network output.

Shapes: ``output`` is ``(n_samples, n_outputs)``; ``target`` is prepared once per fit by
``prepare_target`` to the same shape (class indices become one-hot rows). A 1-D target
is accepted only for a single output unit, or as class indices for ``cross_entropy``.

Losses that require an output activation (``cross_entropy`` -> softmax,
``binary_cross_entropy`` -> sigmoid) also give the fused gradient with respect to the
pre-activation z, which is exact and stable: dE/dz = (a - y) / n.

One job per module: ``base`` (the Loss interface), ``checks`` (the argument checks every
method shares), ``squared`` (SSE, 1/2 SSE, MSE), ``cross_entropy`` (cross-entropy with
softmax, binary cross-entropy with sigmoid) and ``registry`` (``get_loss``, ``LOSSES``).
"""

from .base import Loss, prepare_target_as
from .cross_entropy import BinaryCrossEntropy, CrossEntropy
from .registry import LOSSES, get_loss
from .squared import HalfSquaredError, MeanSquaredError, SumSquaredError

__all__ = [
    "LOSSES",
    "BinaryCrossEntropy",
    "CrossEntropy",
    "HalfSquaredError",
    "Loss",
    "MeanSquaredError",
    "SumSquaredError",
    "get_loss",
    "prepare_target_as",
]
