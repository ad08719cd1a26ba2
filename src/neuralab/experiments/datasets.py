"""The bundled data sets the experiments train on, and the accuracy they report.

``load_dataset`` loads one of scikit-learn's bundled sets (digits, breast_cancer), shuffles
and splits it, standardises the features with the training rows' mean and standard
deviation, x' = (x - mean) / std, and clips them to [-CLIP, CLIP]: a few digit pixels are
almost always blank, and a rare stroke there would otherwise be a value of 30-90 standard
deviations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ValidationError
from ..network import Sequential

__all__ = ["CLIP", "DATASETS", "Dataset", "accuracy", "load_dataset"]

DATASETS = ("digits", "breast_cancer")
CLIP = 5.0
"""Standardised features are clipped to [-CLIP, CLIP]."""


@dataclass
class Dataset:
    """A standardised, split data set: ``X_train`` (n_train, n_features), ``y_train`` (n_train,).

    Examples
    --------
    >>> from neuralab import experiments
    >>> data = experiments.load_dataset("breast_cancer")
    >>> data.X_train.shape, data.X_test.shape, data.n_classes
    ((427, 30), (142, 30), 2)
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int


def load_dataset(name: str = "digits", *, test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """Load one of scikit-learn's bundled data sets, shuffle and split it, standardise the features
    with the training rows' mean and standard deviation (constant features are left centred)
    and clip them to [-CLIP, CLIP].

    Examples
    --------
    >>> from neuralab import experiments
    >>> data = experiments.load_dataset("digits", test_fraction=0.25, seed=0)
    >>> data.X_train.shape, data.n_classes
    ((1348, 64), 10)
    """
    if name not in DATASETS:
        raise ValidationError(f"Unknown data set {name!r}. Valid names: {', '.join(DATASETS)}.")
    from sklearn import datasets  # imported here: only the experiments need it

    bunch = datasets.load_digits() if name == "digits" else datasets.load_breast_cancer()
    X, y = bunch.data.astype(np.float64), bunch.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = round(len(y) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    mean = X[train].mean(axis=0)
    std = X[train].std(axis=0)
    std[std == 0] = 1.0
    X = np.clip((X - mean) / std, -CLIP, CLIP)
    return Dataset(name, X[train], y[train], X[test], y[test], int(y.max()) + 1)


def accuracy(network: Sequential, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows whose most probable class is the label."""
    return float(np.mean(np.argmax(network.predict(X), axis=1) == y))
