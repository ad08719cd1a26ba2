"""Constants in an array's own float dtype, for the training hot path.

NumPy 2 treats the Python float in ``1.0 - a`` as a "weak" scalar that takes the array's
dtype; working that out costs about 0.25 us per operation, a tenth of a small network's
whole training step once it happens a dozen times. A 0-d array of the array's own dtype
gives the same dtype and the same values in about half the time:

    ONE.get(a.dtype, 1.0) - a      # == 1.0 - a, bit for bit

A table maps float32 and float64 to read-only 0-d arrays; ``.get(dtype, value)`` falls back
to the Python number for any other dtype, so that NumPy's own promotion rules apply there.
"""

from __future__ import annotations

import functools

import numpy as np

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _frozen(value: float, dtype: np.dtype) -> np.ndarray:
    constant = np.array(value, dtype=dtype)
    constant.flags.writeable = False
    return constant


def table(value: float) -> dict[np.dtype, np.ndarray]:
    """``value`` as a read-only 0-d array of float32 and of float64, keyed by dtype."""
    return {dtype: _frozen(value, dtype) for dtype in FLOATS}


ZERO = table(0.0)
ONE = table(1.0)
MINUS_100 = table(-100.0)  # PyTorch's clamp of log terms in binary cross-entropy
TINY = {dtype: _frozen(float(np.finfo(dtype).tiny), dtype) for dtype in FLOATS}  # smallest normal number


@functools.lru_cache(maxsize=64)
def reciprocal(n: int, dtype: np.dtype) -> np.ndarray | float:
    """1/n as a read-only 0-d array of ``dtype`` (float32/float64), else the Python float:
    ``x * reciprocal(n, x.dtype)`` is ``x * (1.0 / n)`` bit for bit, without the weak
    scalar's cost (a fused gradient scales by it every step, n the batch size)."""
    return _frozen(1.0 / n, dtype) if dtype in FLOATS else 1.0 / n
