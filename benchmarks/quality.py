"""Loss and accuracy computed the same way for every implementation's probabilities.

``probabilities`` is (n, n_classes) for softmax outputs, (n, 1) for one sigmoid unit;
``labels`` is (n,) int.
"""

from __future__ import annotations

import numpy as np


def mean_loss(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """Cross-entropy, -1/n sum log p[label] (binary: of p or 1 - p), logs clipped at 1e-12."""
    p = np.asarray(probabilities, dtype=np.float64)
    if p.shape[1] == 1:
        p = np.concatenate([1.0 - p, p], axis=1)
    picked = p[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(np.maximum(picked, 1e-12))))


def accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """Share of samples whose most probable class (binary: p >= 0.5) is the label."""
    if probabilities.shape[1] == 1:
        predicted = (probabilities[:, 0] >= 0.5).astype(labels.dtype)
    else:
        predicted = np.argmax(probabilities, axis=1)
    return float(np.mean(predicted == labels))
