"""Per-sample and per-class weights of the training loss.

Each sample's loss term is multiplied by its weight: ``sample_weight`` (one number per row)
times its class's weight (``class_weight``: "balanced" gives class c the weight
``n / (n_classes * count_c)``, a dict maps class index -> weight).
"""

from __future__ import annotations

import numpy as np

from .._validation import check_positive_number
from ..errors import ValidationError


def class_indices(y: np.ndarray) -> np.ndarray:
    """Class index per row of a prepared target: argmax of one-hot rows, or 0/1 of one column."""
    if y.shape[1] == 1:
        return (y[:, 0] >= 0.5).astype(np.int64)
    return np.argmax(y, axis=1)


def combine_class_weight(
    class_weight: str | dict | None, y: np.ndarray, weights: np.ndarray | None, dtype: np.dtype
) -> np.ndarray | None:
    """Multiply per-sample ``weights`` (n_samples,) (or ones) by each sample's class weight.

    ``y`` is the prepared target (n_samples, n_outputs). Returns weights of ``dtype``, or None
    when there are none; refuses weights that are all zero.
    """
    if class_weight is None:
        return _nonzero(None if weights is None else weights.astype(dtype))
    n_classes = max(y.shape[1], 2)
    labels = class_indices(y)
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValidationError(f"`class_weight` must be 'balanced', a dict or None. Got {class_weight!r}.")
        counts = np.bincount(labels, minlength=n_classes).astype(np.float64)
        present = counts > 0
        table = np.zeros(n_classes)
        table[present] = labels.shape[0] / (np.count_nonzero(present) * counts[present])
    elif isinstance(class_weight, dict):
        table = np.ones(n_classes)
        for key, value in class_weight.items():
            if isinstance(key, bool) or not isinstance(key, (int, np.integer)) or not 0 <= key < n_classes:
                raise ValidationError(
                    f"`class_weight` keys must be class indices 0..{n_classes - 1}. Got {key!r}."
                )
            table[int(key)] = check_positive_number(f"class_weight[{key}]", value, allow_zero=True)
    else:
        raise ValidationError(f"`class_weight` must be 'balanced', a dict or None. Got {class_weight!r}.")
    per_sample = table[labels]
    if weights is not None:
        per_sample = per_sample * weights
    return _nonzero(per_sample.astype(dtype))


def _nonzero(weights: np.ndarray | None) -> np.ndarray | None:
    """Refuse weights that are all zero: the loss would be 0 and nothing would be learned."""
    if weights is not None and not weights.any():
        raise ValidationError(
            "Every training sample has weight 0 (sample_weight times class_weight), "
            "so the loss is 0 and nothing can be learned. Give some samples a weight > 0."
        )
    return weights
