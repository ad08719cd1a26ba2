"""One epoch cut into batches: (X, y, sample weights) rows in order, or shuffled into reused
buffers. Shapes: ``X`` (n_samples, n_features), ``y`` (n_samples, n_outputs), weights (n_samples,).
"""

from __future__ import annotations

import numpy as np


def fit_seed_sequences(
    seed: int | None,
) -> tuple[np.random.SeedSequence, np.random.SeedSequence, np.random.SeedSequence]:
    """One fit's three independent seed streams, spawned from its ``seed``: (the initial
    weights, the shuffling of the training rows, the dropout masks)."""
    init_seed, shuffle_seed, dropout_seed = np.random.SeedSequence(seed).spawn(3)
    return init_seed, shuffle_seed, dropout_seed


def first_epoch_order(seed: int | None, n: int) -> np.ndarray:
    """The order, a permutation of 0..n-1, in which a shuffling fit seeded with ``seed``
    visits its n training rows in its first epoch (epoch e takes the e-th ``permutation`` of
    the shuffle stream's generator)."""
    return np.random.default_rng(fit_seed_sequences(seed)[1]).permutation(n)


class Batches:
    """Cuts one epoch into batches: slices in order, or gathered rows of a permutation.

    Shuffled rows are copied with ``np.take`` into buffers reused batch after batch: the
    batch is hot in cache for the first matrix product, and no epoch-sized copy of ``X``
    is ever made (measured on 60,000 x 784 float32: about 0.03 s per epoch over slicing,
    against about 0.4 s for ``X[order]`` once per epoch, most of it page faults).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, size: int) -> None:
        self.X, self.y, self.weights, self.size = X, y, sample_weight, size
        self.X_buffer = np.empty((size, X.shape[1]), dtype=X.dtype)
        self.y_buffer = np.empty((size, y.shape[1]), dtype=y.dtype)
        self.w_buffer = None if sample_weight is None else np.empty(size, dtype=sample_weight.dtype)

    def get(self, order: np.ndarray | None, start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Rows ``start:start + size`` of the epoch: (xb, yb, wb or None)."""
        stop = start + self.size
        weights = self.weights
        if order is None:
            return self.X[start:stop], self.y[start:stop], None if weights is None else weights[start:stop]
        rows = order[start:stop]
        count = rows.shape[0]
        full = count == self.size
        # ndarray.take, the method: numpy's function wrapper costs as much as the copy here.
        xb = self.X.take(rows, axis=0, out=self.X_buffer if full else self.X_buffer[:count])
        yb = self.y.take(rows, axis=0, out=self.y_buffer if full else self.y_buffer[:count])
        w_buffer = self.w_buffer  # None exactly when there are no weights
        if weights is None or w_buffer is None:
            return xb, yb, None
        return xb, yb, weights.take(rows, out=w_buffer if full else w_buffer[:count])
