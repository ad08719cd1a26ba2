"""neuralab: the network through the public API (Sequential, Dense, SGD, fit)."""

from __future__ import annotations

import numpy as np

import neuralab as nl

from .cases import Case
from .data import Dataset


def prepare(case: Case, data: Dataset, weights: list[tuple[np.ndarray, np.ndarray]]) -> nl.Sequential:
    """Build the case's network from the given initial ``weights`` (untimed)."""
    last = len(weights) - 1
    layers = [
        nl.Dense(
            W.shape[1],
            case.output_activation if position == last else case.hidden_activation,
            weights=W,
            biases=b,
        )
        for position, (W, b) in enumerate(weights)
    ]
    return nl.Sequential(layers, dtype="float32")


def train(model: nl.Sequential, case: Case, data: Dataset) -> None:
    """The timed part: ``fit`` for ``case.epochs`` epochs of shuffled mini-batches."""
    model.fit(
        data.X_train,
        data.y_train,
        loss=case.loss,
        optimizer=nl.SGD(case.learning_rate),
        epochs=case.epochs,
        batch_size=case.batch_size,
        seed=case.seed,
    )


def predict_proba(model: nl.Sequential, X: np.ndarray) -> np.ndarray:
    """Output probabilities, (n, n_outputs)."""
    return model.predict(X)


def parameters(model: nl.Sequential) -> list[np.ndarray]:
    """[W1 (in, out), b1, W2, b2, ...] as float32 copies."""
    return [np.array(p, dtype=np.float32) for p in model.parameters()]
