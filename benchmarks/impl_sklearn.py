"""scikit-learn: MLPClassifier with solver="sgd", constant learning rate, no momentum,
no L2 penalty (alpha=0), no early stopping.

scikit-learn draws its own initial weights and batch order (``random_state``): the shapes,
data, loss and hyperparameters are the same as the others', the starting point is not.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from .cases import Case
from .data import Dataset


def prepare(case: Case, data: Dataset, weights: list[tuple[np.ndarray, np.ndarray]]) -> MLPClassifier:
    """An unfitted MLPClassifier for the case (``weights`` cannot be given to it)."""
    return MLPClassifier(
        hidden_layer_sizes=case.layer_sizes[1:-1],
        activation=case.hidden_activation,
        solver="sgd",
        alpha=0.0,
        batch_size=case.batch_size,
        learning_rate="constant",
        learning_rate_init=case.learning_rate,
        max_iter=case.epochs,
        shuffle=True,
        random_state=case.seed,
        tol=0.0,
        momentum=0.0,
        nesterovs_momentum=False,
        early_stopping=False,
        n_iter_no_change=case.epochs + 1,
    )


def train(model: MLPClassifier, case: Case, data: Dataset) -> None:
    """The timed part: ``fit`` (max_iter epochs; sklearn warns that it did not converge)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(data.X_train, data.y_train)


def predict_proba(model: MLPClassifier, X: np.ndarray) -> np.ndarray:
    """Output probabilities, (n, n_outputs): class 1's column for a binary case."""
    probabilities = model.predict_proba(X)
    return probabilities[:, 1:] if probabilities.shape[1] == 2 else probabilities


def parameters(model: MLPClassifier) -> list[np.ndarray]:
    """[W1 (in, out), b1, ...]."""
    return [array for pair in zip(model.coefs_, model.intercepts_, strict=True) for array in pair]
