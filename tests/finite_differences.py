"""Central finite differences for the tests: the independent side of every gradient check.

Deliberately not ``neuralab.gradient_check``: a test must not check the engine with the engine.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numeric_gradient(array: np.ndarray, energy: Callable[[], float], step: float = 1e-6) -> np.ndarray:
    """dE/d(array) by central differences, perturbing ``array`` in place (restored after).

    (E(a + h) - E(a - h)) / 2h: truncation error ~ h^2 E'''/6, round-off ~ eps |E| / h.
    """
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + step
        plus = energy()
        array[index] = original - step
        minus = energy()
        array[index] = original
        grad[index] = (plus - minus) / (2 * step)
    return grad
