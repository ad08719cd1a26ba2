"""The defaults of a practitioner's training run: one definition for ``Model.fit`` and ``neuralab train``.

Early stopping is on by default: ``VALIDATION_SPLIT`` of the rows is held out when no
validation rows are given (stratified by class for classification), training stops after
``DEFAULT_PATIENCE`` epochs without a validation loss lower by more than
``MIN_IMPROVEMENT``, and the best epoch's weights are restored; ``EPOCH_CAP`` is then only a
generous cap. Switched off (``early_stopping=None`` / ``False``, ``--no-early-stopping``),
training runs ``EPOCHS_WITHOUT_STOPPING`` epochs unless told otherwise.

The scikit-learn estimators keep scikit-learn's own defaults instead (``early_stopping=False``,
``validation_fraction=0.1``), so that they behave as ``MLPClassifier`` does in a pipeline.

Examples
--------
>>> from neuralab.fit_defaults import DEFAULT_PATIENCE, default_epochs, patience_of
>>> patience_of(DEFAULT_PATIENCE), patience_of(None), patience_of(False), default_epochs(stopping=False)
(10, None, None, 100)
"""

from __future__ import annotations

import numpy as np

from .data import DataError, Table, split_indices
from .errors import ValidationError

__all__ = [
    "DEFAULT_PATIENCE",
    "EPOCHS_WITHOUT_STOPPING",
    "EPOCH_CAP",
    "MIN_IMPROVEMENT",
    "VALIDATION_SPLIT",
    "default_epochs",
    "hold_out",
    "patience_of",
]

VALIDATION_SPLIT = 0.2
"""The share of the rows held out for validation (and so for early stopping) unless told otherwise."""

DEFAULT_PATIENCE = 10
"""Early stopping's patience: epochs without a better validation loss before training stops."""

MIN_IMPROVEMENT = 1e-4
"""Early stopping counts an epoch as better only when the validation loss drops by more than this
(a separable set's loss creeps down by 1e-9 an epoch for ever)."""

EPOCH_CAP = 1000
"""The default number of epochs with early stopping: a generous cap; training stops long before."""

EPOCHS_WITHOUT_STOPPING = 100
"""The default number of epochs without early stopping (or without validation rows)."""


def default_epochs(*, stopping: bool) -> int:
    """``EPOCH_CAP`` with early stopping, ``EPOCHS_WITHOUT_STOPPING`` without."""
    return EPOCH_CAP if stopping else EPOCHS_WITHOUT_STOPPING


def patience_of(early_stopping: int | bool | None) -> int | None:
    """The patience ``early_stopping`` asks for: an integer >= 1, or None (off) for None or False."""
    if early_stopping is None or early_stopping is False:
        return None
    if (
        isinstance(early_stopping, bool)
        or not isinstance(early_stopping, (int, np.integer))
        or early_stopping < 1
    ):
        raise ValidationError(
            f"`early_stopping` is the patience in epochs and must be an integer >= 1 "
            f"(None or False turns early stopping off). Got {early_stopping!r}."
        )
    return int(early_stopping)


def hold_out(
    table: Table, target: str, *, classification: bool, validation_split: float, seed: int | None
) -> tuple[Table, Table]:
    """(training rows, validation rows) of ``table``: ``validation_split`` of them held out.

    Shuffled with ``seed``; for classification each class is split in the same proportions
    (``data.split_indices``). The validation table is empty when the table is too small to
    hold out a row.
    """
    stratify = table.column(target).astype(str) if classification else None
    try:
        train_rows, val_rows, _ = split_indices(
            table.n_rows, validation=validation_split, seed=seed, stratify=stratify
        )
    except DataError:  # too few rows (per class) to hold one out
        return table, table.take(np.arange(0))
    return table.take(train_rows), table.take(val_rows)
