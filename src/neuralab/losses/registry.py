"""The losses by name: ``LOSSES`` (one entry per loss, under its ``name``), a few aliases,
and ``get_loss`` (a name or a Loss object in, a Loss out)."""

from __future__ import annotations

from .._registry import resolve
from .base import Loss
from .cross_entropy import BinaryCrossEntropy, CrossEntropy
from .squared import HalfSquaredError, MeanSquaredError, SumSquaredError

LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (SumSquaredError, HalfSquaredError, MeanSquaredError, CrossEntropy, BinaryCrossEntropy)
}
_ALIASES = {
    "mean_squared_error": MeanSquaredError,
    "categorical_cross_entropy": CrossEntropy,
    "bce": BinaryCrossEntropy,
    "sse": SumSquaredError,
}


def get_loss(loss: str | Loss) -> Loss:
    """Return a Loss for a name ("mse", "cross_entropy", ...) or a Loss object.

    Examples
    --------
    >>> get_loss("half_squared_error").formula
    'E = 1/2 * sum (T - a)^2'
    """
    return resolve("loss", loss, Loss, {**LOSSES, **_ALIASES})
