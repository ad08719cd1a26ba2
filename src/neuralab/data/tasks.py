"""Task inference (classification or regression) and train/validation/test splits."""

from __future__ import annotations

import numpy as np

from .._validation import check_seed
from ..errors import ValidationError
from .table import DataError

MAX_CLASS_INTEGERS = 20
"""An integer target with at most this many distinct values is read as class labels.

Examples
--------
>>> import numpy as np
>>> from neuralab.data import MAX_CLASS_INTEGERS, infer_task
>>> MAX_CLASS_INTEGERS, infer_task(np.arange(20.0))[0], infer_task(np.arange(21.0))[0]
(20, 'classification', 'regression')
"""


# -- tasks and splits ----------------------------------------------------------------------
def infer_task(values: np.ndarray, name: str = "target") -> tuple[str, str]:
    """Return (task, the rule that decided it) for a target column.

    Classification for a non-numeric (or boolean) target, or for whole numbers with at most
    20 distinct values; regression otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab.data import infer_task
    >>> infer_task(np.array(["cat", "dog", "cat"]))[0], infer_task(np.array([0.5, 1.7, 2.2]))[0]
    ('classification', 'regression')
    """
    if values.dtype.kind not in "iuf":
        return "classification", f"classification: target {name!r} is not numeric"
    distinct = np.unique(values)
    integral = bool(np.all(distinct == np.round(distinct)))
    if integral and distinct.size <= MAX_CLASS_INTEGERS:
        return "classification", (
            f"classification: target {name!r} holds {distinct.size} distinct whole numbers "
            f"(<= {MAX_CLASS_INTEGERS})"
        )
    reason = (
        "non-integer values" if not integral else f"{distinct.size} distinct values (> {MAX_CLASS_INTEGERS})"
    )
    return "regression", f"regression: target {name!r} is numeric with {reason}"


def split_indices(
    n: int,
    *,
    validation: float = 0.0,
    test: float = 0.0,
    seed: int | None = None,
    stratify: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle ``range(n)`` with ``seed`` into (train, validation, test) index arrays.

    With ``stratify`` (a label per row), each class is split in the same proportions
    (rounded, keeping at least one training row per class).

    Examples
    --------
    >>> from neuralab.data import split_indices
    >>> train, validation, test = split_indices(100, validation=0.2, test=0.2, seed=0)
    >>> len(train), len(validation), len(test), len(set(train) | set(validation) | set(test))
    (60, 20, 20, 100)
    """
    for label, value in (("validation", validation), ("test", test)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise ValidationError(f"The {label} fraction must be in [0, 1). Got {value!r}.")
    if validation + test >= 1:
        raise ValidationError(f"validation + test fractions must be < 1. Got {validation} + {test}.")
    rng = np.random.default_rng(check_seed(seed))
    groups = (
        [np.arange(n)] if stratify is None else [np.flatnonzero(stratify == c) for c in np.unique(stratify)]
    )
    parts: tuple[list, list, list] = ([], [], [])
    for group in groups:
        group = rng.permutation(group)
        n_test = round(len(group) * test)
        n_val = round(len(group) * validation)
        while n_test + n_val >= len(group) and (n_test or n_val):  # keep one training row
            if n_val >= n_test:
                n_val -= 1
            else:
                n_test -= 1
        parts[2].append(group[:n_test])
        parts[1].append(group[n_test : n_test + n_val])
        parts[0].append(group[n_test + n_val :])
    train, val, test_rows = (rng.permutation(np.concatenate(p)) for p in parts)
    if n and (validation and val.size == 0):
        raise DataError(_no_validation_rows(n, validation, groups, stratify))
    return train, val, test_rows


def _no_validation_rows(
    n: int, validation: float, groups: list[np.ndarray], stratify: np.ndarray | None
) -> str:
    """Why a validation fraction gave no rows, and the fix."""
    start = f"A validation fraction of {validation} of {n} rows leaves no validation rows"
    off = "train on every row with --validation-split 0 (validation=0)"
    if stratify is None or len(groups) == 1:
        return f"{start}: {n} rows are too few to hold any out. Give more rows, or {off}."
    sizes = [len(group) for group in groups]
    singles = sum(size == 1 for size in sizes)
    reason = (
        f"{start}: the split is stratified (each class keeps its share of the rows), and no class of "
        f"the {len(groups)} has enough rows to give one to validation (the largest has {max(sizes)}"
    )
    reason += f"; {singles} have a single row, which cannot be split)." if singles else ")."
    if stratify.dtype.kind in "iuf" and len(groups) > MAX_CLASS_INTEGERS:
        return (
            f"{reason} {len(groups)} classes in {n} rows looks like a regression target: use "
            f"--task regression (task='regression'), or {off}."
        )
    return f"{reason} Give more rows per class, or {off}."
