"""Data, initial weights and batch order shared by every implementation.

All arrays are float32 and C-contiguous; labels are int64 class indices (0/1 for the
binary cases).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .cases import Case


class UnknownDatasetError(ValueError):
    """A case names a data set the benchmark cannot build."""


@dataclass(frozen=True)
class Dataset:
    """Training and test arrays.

    X_train : (n_train, n_features) float32, y_train : (n_train,) int64; same for test.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    def head(self, n: int) -> Dataset:
        """The first ``n`` training rows (for warm-up runs); the test set unchanged."""
        return Dataset(self.X_train[:n], self.y_train[:n], self.X_test, self.y_test)


def _synthetic_mnist(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """MNIST-shaped data: pixels in [0, 1), labels = argmax of a fixed random projection."""
    X = rng.random((n, 784), dtype=np.float32)
    projection = rng.standard_normal((784, 10)).astype(np.float32)
    logits = X @ projection - 0.5 * projection.sum(axis=0)  # (X - 0.5) P without an (n, 784) temporary
    return X, np.argmax(logits, axis=1).astype(np.int64)


def _two_moons(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles with Gaussian noise (sd 0.1), labels 0/1."""
    y = rng.integers(0, 2, size=n)
    angle = rng.random(n) * math.pi
    x1 = np.where(y == 0, np.cos(angle), 1.0 - np.cos(angle))
    x2 = np.where(y == 0, np.sin(angle), 0.5 - np.sin(angle))
    X = np.stack([x1, x2], axis=1) + rng.normal(0.0, 0.1, size=(n, 2))
    return X.astype(np.float32), y.astype(np.int64)


def make_dataset(case: Case) -> Dataset:
    """Build the case's data deterministically from ``case.seed``.

    Generated data sets get ``n_samples`` training rows and a test set of a fifth as many;
    digits is split 75/25, stratified, and scaled to [0, 1].
    """
    rng = np.random.default_rng(case.seed)
    if case.dataset == "digits":
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        X, y = load_digits(return_X_y=True)
        X_train, X_test, y_train, y_test = train_test_split(
            (X / 16.0).astype(np.float32),
            y.astype(np.int64),
            test_size=0.25,
            stratify=y,
            random_state=case.seed,
        )
        return Dataset(np.ascontiguousarray(X_train), y_train, np.ascontiguousarray(X_test), y_test)
    makers = {"synthetic_mnist": _synthetic_mnist, "two_moons": _two_moons}
    if case.dataset not in makers:
        raise UnknownDatasetError(
            f"Unknown dataset {case.dataset!r}. Choose from {sorted(makers)} or 'digits'."
        )
    n_test = max(case.n_samples // 5, 1)
    X, y = makers[case.dataset](case.n_samples + n_test, rng)
    return Dataset(X[: case.n_samples], y[: case.n_samples], X[case.n_samples :], y[case.n_samples :])


def initial_weights(case: Case) -> list[tuple[np.ndarray, np.ndarray]]:
    """Glorot-uniform weights (inputs, units) and zero biases (units,), float32, per layer.

    W ~ U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)), from ``case.seed + 1``.
    """
    rng = np.random.default_rng(case.seed + 1)
    layers = []
    for fan_in, fan_out in zip(case.layer_sizes[:-1], case.layer_sizes[1:], strict=True):
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        weights = rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)
        layers.append((weights, np.zeros(fan_out, dtype=np.float32)))
    return layers


def shuffle_generator(seed: int) -> np.random.Generator:
    """The generator whose ``permutation(n)`` gives neuralab's batch order, epoch by epoch.

    It mirrors ``neuralab.fit(seed=seed)``: SeedSequence(seed).spawn(2)[1] drives the
    shuffle. The smoke test checks this by training neuralab and PyTorch side by side.
    """
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])
