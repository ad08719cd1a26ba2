"""Metrics: how good predictions are, in the user's units.

Classification: accuracy, per-class precision and recall, the confusion matrix.
Regression: mean squared error, mean absolute error, R^2.
Baselines: the same metrics for a constant prediction (the majority class, or the mean),
the score a model has to beat to have learned anything.

Shapes: ``y_true`` and ``y_pred`` are 1-D arrays of the same length ``n_samples``
(labels of any kind for classification, numbers for regression).

Examples
--------
>>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
0.75
>>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
1.0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import ShapeError, ValidationError


def _pair(y_true: object, y_pred: object) -> tuple[np.ndarray, np.ndarray]:
    true, pred = np.asarray(y_true), np.asarray(y_pred)
    if true.ndim != 1 or pred.ndim != 1:
        raise ShapeError(
            f"`y_true` and `y_pred` must be 1-D. Got shapes {true.shape} and {pred.shape}; "
            "flatten a single output column with `.ravel()`."
        )
    if true.shape != pred.shape:
        raise ShapeError(f"`y_true` has {true.shape[0]} values but `y_pred` has {pred.shape[0]}.")
    if true.shape[0] == 0:
        raise ShapeError("Metrics need at least one sample. Got empty arrays.")
    return true, pred


def _numeric_pair(y_true: object, y_pred: object) -> tuple[np.ndarray, np.ndarray]:
    true, pred = _pair(y_true, y_pred)
    if true.dtype.kind not in "biuf" or pred.dtype.kind not in "biuf":
        raise ValidationError("Regression metrics need numbers in `y_true` and `y_pred`.")
    return true.astype(np.float64), pred.astype(np.float64)


def accuracy(y_true: object, y_pred: object) -> float:
    """Fraction of samples whose predicted label equals the true one: (1/n) sum [y = y_hat]."""
    true, pred = _pair(y_true, y_pred)
    return float(np.mean(true == pred))


def confusion_matrix(y_true: object, y_pred: object, labels: Sequence | None = None) -> np.ndarray:
    """Counts C of shape (n_labels, n_labels): C[i, j] = samples of true label i predicted as j.

    ``labels`` fixes the order (default: the sorted union of both arrays). A label outside
    ``labels`` is an error.
    """
    true, pred = _pair(y_true, y_pred)
    order = np.unique(np.concatenate([true, pred])) if labels is None else np.asarray(labels)
    index = {label: position for position, label in enumerate(order.tolist())}
    matrix = np.zeros((len(order), len(order)), dtype=np.int64)
    for name, values in (("y_true", true), ("y_pred", pred)):
        unknown = [v for v in np.unique(values).tolist() if v not in index]
        if unknown:
            raise ValidationError(f"`{name}` holds label(s) {unknown[:5]} not in `labels` {order.tolist()}.")
    rows = np.array([index[v] for v in true.tolist()], dtype=np.int64)
    cols = np.array([index[v] for v in pred.tolist()], dtype=np.int64)
    np.add.at(matrix, (rows, cols), 1)
    return matrix


def precision_recall(
    y_true: object, y_pred: object, labels: Sequence | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per-class precision TP / (TP + FP) and recall TP / (TP + FN), in the order of ``labels``.

    A class never predicted has precision 0; a class never present has recall 0
    (scikit-learn's ``zero_division=0``).
    """
    matrix = confusion_matrix(y_true, y_pred, labels).astype(np.float64)
    tp = np.diag(matrix)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    return precision, recall


def mean_squared_error(y_true: object, y_pred: object) -> float:
    """MSE = (1/n) sum (y - y_hat)^2."""
    true, pred = _numeric_pair(y_true, y_pred)
    return float(np.mean((true - pred) ** 2))


def mean_absolute_error(y_true: object, y_pred: object) -> float:
    """MAE = (1/n) sum |y - y_hat|."""
    true, pred = _numeric_pair(y_true, y_pred)
    return float(np.mean(np.abs(true - pred)))


def r2_score(y_true: object, y_pred: object) -> float:
    """R^2 = 1 - sum (y - y_hat)^2 / sum (y - mean y)^2 (1 is perfect, 0 is predicting the mean).

    With a constant ``y_true`` the ratio is undefined: the result is 1.0 for a perfect
    prediction and 0.0 otherwise (scikit-learn's convention).
    """
    true, pred = _numeric_pair(y_true, y_pred)
    residual = float(np.sum((true - pred) ** 2))
    total = float(np.sum((true - true.mean()) ** 2))
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


def classification_metrics(y_true: object, y_pred: object, labels: Sequence) -> dict:
    """Accuracy, per-class precision/recall and the confusion matrix as JSON-ready values."""
    precision, recall = precision_recall(y_true, y_pred, labels)
    return {
        "accuracy": accuracy(y_true, y_pred),
        "labels": [_plain(label) for label in labels],
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels).tolist(),
    }


def regression_metrics(y_true: object, y_pred: object) -> dict:
    """MSE, MAE and R^2 as JSON-ready values."""
    return {
        "mse": mean_squared_error(y_true, y_pred),
        "mae": mean_absolute_error(y_true, y_pred),
        "r2": r2_score(y_true, y_pred),
    }


def baseline_metrics(
    y_true: object,
    *,
    mean: float | None = None,
    labels: Sequence | None = None,
    majority: object = None,
    names: Sequence | None = None,
) -> dict:
    """Metrics of a constant prediction, with the rule in words under ``"rule"``.

    Regression (``labels`` None): predict ``mean`` (the training rows' mean; default the
    mean of ``y_true``) for every row: mse, mae, r2 (r2 is 0 when ``mean`` is the mean of
    ``y_true``). Classification: predict ``majority`` (the training rows' most frequent
    label; default the most frequent in ``y_true``) for every row: accuracy (the share of
    that class), per-class precision and recall. ``names`` spell the labels in the rule.

    >>> baseline_metrics([1.0, 2.0, 3.0], mean=2.0)["r2"]
    0.0
    >>> baseline_metrics([0, 1, 1], labels=[0, 1])["accuracy"]
    0.6666666666666666
    """
    if labels is None:
        true, _ = _numeric_pair(y_true, y_true)
        origin = "the training rows" if mean is not None else "these rows"
        value = float(true.mean() if mean is None else mean)
        result = regression_metrics(true, np.full(true.shape, value))
        return {"rule": f"predict the mean of {origin}, {value:.6g}", **result}
    true, _ = _pair(y_true, y_true)
    origin = "the training rows" if majority is not None else "these rows"
    if majority is None:
        values, counts = np.unique(true, return_counts=True)
        majority = values[int(np.argmax(counts))]
    majority = _plain(majority)
    spelled = names[list(labels).index(majority)] if names is not None else majority
    predicted = np.full(true.shape, majority, dtype=true.dtype)
    precision, recall = precision_recall(true, predicted, labels)
    return {
        "rule": f"predict the most frequent class of {origin}, {spelled!r}",
        "accuracy": accuracy(true, predicted),
        "precision": precision.tolist(),
        "recall": recall.tolist(),
    }


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value
