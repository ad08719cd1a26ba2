"""Weight initializers: ``initializer(shape, rng, dtype)`` returns a new array.

``shape`` is ``(fan_in, fan_out)`` for a Dense layer's weights. Biases start at zero.
"""

from __future__ import annotations

import math

import numpy as np

from ._registry import resolve
from ._validation import check_positive_number


class Initializer:
    """Base class. ``name`` and ``formula`` describe the rule.

    Examples
    --------
    He initialisation draws weights with standard deviation sqrt(2 / fan_in):
    >>> import numpy as np
    >>> import neuralab as nl
    >>> he = nl.get_initializer("he_normal")
    >>> isinstance(he, nl.Initializer), he.formula
    (True, 'N(0, 2/fan_in)')
    >>> W = he((256, 128), np.random.default_rng(0), np.float64)
    >>> W.shape, round(float(W.std()), 3), round((2 / 256) ** 0.5, 3)
    ((256, 128), 0.088, 0.088)
    """

    name: str = ""
    formula: str = ""

    def __call__(self, shape: tuple[int, int], rng: np.random.Generator, dtype: np.dtype) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class GlorotUniform(Initializer):
    """Glorot (Xavier) uniform: W ~ U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out))."""

    name = "glorot_uniform"
    formula = "U(-sqrt(6/(fan_in+fan_out)), +sqrt(6/(fan_in+fan_out)))"

    def __call__(self, shape, rng, dtype):
        limit = math.sqrt(6.0 / (shape[0] + shape[1]))
        return rng.uniform(-limit, limit, size=shape).astype(dtype)


class GlorotNormal(Initializer):
    """Glorot (Xavier) normal: W ~ N(0, std^2), std = sqrt(2 / (fan_in + fan_out))."""

    name = "glorot_normal"
    formula = "N(0, 2/(fan_in+fan_out))"

    def __call__(self, shape, rng, dtype):
        std = math.sqrt(2.0 / (shape[0] + shape[1]))
        return rng.normal(0.0, std, size=shape).astype(dtype)


class HeUniform(Initializer):
    """He (Kaiming) uniform, for ReLU layers: W ~ U(-limit, limit), limit = sqrt(6 / fan_in)."""

    name = "he_uniform"
    formula = "U(-sqrt(6/fan_in), +sqrt(6/fan_in))"

    def __call__(self, shape, rng, dtype):
        limit = math.sqrt(6.0 / shape[0])
        return rng.uniform(-limit, limit, size=shape).astype(dtype)


class HeNormal(Initializer):
    """He (Kaiming) normal, for ReLU layers: W ~ N(0, std^2), std = sqrt(2 / fan_in)."""

    name = "he_normal"
    formula = "N(0, 2/fan_in)"

    def __call__(self, shape, rng, dtype):
        return rng.normal(0.0, math.sqrt(2.0 / shape[0]), size=shape).astype(dtype)


class Normal(Initializer):
    """Plain normal: W ~ N(0, stddev^2), stddev = 0.05 by default."""

    name = "normal"
    formula = "N(0, stddev^2)"

    def __init__(self, stddev: float = 0.05):
        self.stddev = check_positive_number("stddev", stddev)

    def __call__(self, shape, rng, dtype):
        return rng.normal(0.0, self.stddev, size=shape).astype(dtype)


class Zeros(Initializer):
    """All zeros (every unit then learns the same thing: a lesson, not a choice)."""

    name = "zeros"
    formula = "0"

    def __call__(self, shape, rng, dtype):
        return np.zeros(shape, dtype=dtype)


INITIALIZERS: dict[str, type[Initializer]] = {
    cls.name: cls for cls in (GlorotUniform, GlorotNormal, HeUniform, HeNormal, Normal, Zeros)
}


def get_initializer(initializer: str | Initializer) -> Initializer:
    """Return an Initializer for a name ("he_normal", ...) or an Initializer object.

    Examples
    --------
    >>> from neuralab import get_initializer
    >>> get_initializer("glorot_uniform")
    GlorotUniform()
    """
    return resolve("initializer", initializer, Initializer, dict(INITIALIZERS))
