"""A trained Model's metrics on a labelled table, each beside its baseline (``Model.evaluate``).

Regression: mse, mae, r2 in the target's units, beside predicting the training rows' mean.
Classification: accuracy, per-class precision and recall, the confusion matrix (rows true,
columns predicted), beside predicting the training rows' majority class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import metrics
from .data import DataError, Table, is_frame, table_from_frame
from .data.transform_report import TransformReport

if TYPE_CHECKING:
    from .model import Model

__all__ = ["evaluate_model"]


def evaluate_model(
    model: Model,
    data: Table | Any,
    *,
    target: str | None,
    missing: str,
    strict: bool,
    report: TransformReport | None,
) -> dict:
    """The metrics of ``Model.evaluate`` (see there) of a fitted ``model`` on ``data``."""
    column = model.target if target is None else target
    if is_frame(data):
        kinds = model.column_kinds(with_target=True)
        if column != model.target:
            kinds.setdefault(column, kinds.pop(model.target))
        data = table_from_frame(data, kinds=kinds)
    truth = data.column(column)
    gaps = int(data.missing(column).sum())
    if gaps:
        raise DataError(
            f"The target {column!r} has {gaps} missing cell(s); drop those rows "
            f"(table.drop_missing([{column!r}]), or --missing drop)."
        )
    if model.task == "regression":
        if truth.dtype.kind != "f":
            raise DataError(
                f"The target {column!r} must be numeric for this regression model"
                f"{_trained_on(model, column)}."
            )
        result = metrics.regression_metrics(
            truth, model.predict(data, missing=missing, strict=strict, report=report)
        )
        result["baseline"] = metrics.baseline_metrics(truth, mean=model.preprocessor.target_mean)
        return result
    true_codes = model.preprocessor.class_index(truth, column=column)
    probabilities = model.predict_proba(data, missing=missing, strict=strict, report=report)
    pred_codes = np.argmax(probabilities, axis=1)
    labels = list(range(len(model.classes)))
    result = metrics.classification_metrics(true_codes, pred_codes, labels)
    result["labels"] = model.classes
    counts = model.preprocessor.class_counts
    majority = int(np.argmax(counts)) if counts else None
    result["baseline"] = metrics.baseline_metrics(
        true_codes, labels=labels, majority=majority, names=model.classes
    )
    return result


def _trained_on(model: Model, column: str) -> str:
    return "" if column == model.target else f" (which was trained to predict {model.target!r})"
