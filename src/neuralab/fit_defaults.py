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

import warnings

import numpy as np

from .data import DataError, DataWarning, Table, split_indices
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
    "plan_validation",
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


def plan_validation(
    train: Table,
    validation: Table | None,
    target: str,
    *,
    classification: bool,
    early_stopping: int | bool | None,
    validation_split: float,
    seed: int | None,
) -> tuple[Table, Table | None, int | None]:
    """(training rows, validation rows or None, patience or None) of ``Model.fit``.

    With early stopping on and no ``validation`` rows given, ``validation_split`` of
    ``train`` is held out (``hold_out``); a table too small to hold out a row trains without
    early stopping, with a DataWarning. Early stopping without any validation row (a
    ``validation_split`` of 0, an empty ``validation``) is a ValidationError.
    """
    patience = patience_of(early_stopping)
    if patience is not None and validation is None and validation_split:
        train, validation = hold_out(
            train, target, classification=classification, validation_split=validation_split, seed=seed
        )
        if validation.n_rows == 0:
            warnings.warn(
                f"{train.n_rows} rows are too few to hold out validation rows (validation_split="
                f"{validation_split:g}): trained without early stopping. Give validation= rows, or "
                "early_stopping=None to say so.",
                DataWarning,
                stacklevel=3,
            )
            return train, validation, None
    if patience is not None and (validation is None or validation.n_rows == 0):
        raise ValidationError(
            "Early stopping needs validation rows: give validation= rows or a validation_split > 0, "
            "or pass early_stopping=None to train for all epochs."
        )
    return train, validation, patience
