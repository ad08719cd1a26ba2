"""What ``Preprocessor.fit`` learns from the training rows, one input column at a time.

- a column's kind, its categories (at most ``max_categories`` for one-hot), the value a
  missing cell gets (median of a numeric or date column, most frequent category) and
  whether a 0/1 "was missing" input follows it (``fit_feature``);
- means and standard deviations that never overflow (``mean_std``);
- class labels as the user wrote them (``plain_labels``: 1.0 -> 1).
"""

from __future__ import annotations

import numpy as np

from .table import DataError, Table

__all__ = ["LEAVE_OUT", "fit_feature", "mean_std", "plain_labels"]

LEAVE_OUT = "--ignore {name} (ignore=[{name!r}])"
"""How the messages say to leave a column out (``{name}``: the column); the scikit-learn
estimators say it their own way (``X.drop(columns=[...])``)."""


def plain_labels(values: np.ndarray) -> list:
    if values.dtype.kind == "f":
        return [int(v) if v == round(v) else float(v) for v in values]
    return [str(v) for v in values]


# Beyond these magnitudes x**2 overflows (or underflows) in float64: such a column is
# divided by its largest |x| before its mean and standard deviation are taken.
_SAFE_LARGEST, _SAFE_SMALLEST = 1e100, 1e-100


def mean_std(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and (population) standard deviations of ``values`` (n, k) or (n,), without overflow.

    A column whose largest magnitude ``m = max |x|`` lies outside [1e-100, 1e100] is
    rescaled first: ``mean = m * mean(x / m)``, ``std = m * std(x / m)`` (both <= m, so
    finite). Other columns are computed directly, bit for bit as ``values.mean(axis=0)``.
    """
    peak = np.abs(values).max(axis=0, initial=0.0)
    extreme = (peak > _SAFE_LARGEST) | ((peak > 0) & (peak < _SAFE_SMALLEST))
    factor = np.where(extreme, peak, 1.0)
    unit = values / factor
    return unit.mean(axis=0) * factor, unit.std(axis=0) * factor


def fit_feature(
    table: Table,
    train: Table,
    name: str,
    max_categories: int,
    missing: str,
    indicator: bool,
    notes: list[str],
    leave_out: str = LEAVE_OUT,
) -> dict:
    """The feature dict of column ``name``: kind, categories, fill value, indicator.

    ``leave_out`` is how a message tells to leave the column out (see ``LEAVE_OUT``).
    """
    leave = leave_out.format(name=name)
    kind = table.kind(name)
    gaps = table.missing(name)
    if gaps.any() and missing == "error":
        row = int(np.argmax(gaps))
        raise DataError(
            f"Column {name!r} has {int(gaps.sum())} missing cell(s); the first is in "
            f"{table.line_of(row)}. Fill them in, impute them with --missing impute (missing='impute'), or "
            "drop those rows with --missing drop (missing='drop')."
        )
    train_gaps = train.missing(name)
    known = train.column(name)[~train_gaps]
    if known.size == 0:
        raise DataError(
            f"Column {name!r} has no value in the training rows, so there is nothing to learn from it or to "
            f"fill its gaps with. Leave it out with {leave}."
        )
    feature: dict = {"name": name, "kind": kind, "categories": []}
    if kind == "categorical":
        categories = sorted(set(table.column(name)[~gaps].tolist()))
        if len(categories) > max_categories:
            raise DataError(
                f"Column {name!r} is not numeric and has {len(categories)} distinct values (more "
                f"than {max_categories}), too many to one-hot encode. Leave it out with {leave} "
                "(an id or free text?), or encode it as numbers."
            )
        feature["categories"] = categories
        values, counts = np.unique(known.astype(str), return_counts=True)
        feature["fill"] = str(values[int(np.argmax(counts))])
        notes.append(f"column {name!r} is not numeric: one-hot encoded into {len(categories)} columns")
    else:
        feature["fill"] = float(np.median(known))
        if kind == "date":
            notes.append(
                f"column {name!r} holds ISO dates: 3 inputs, days since 1970-01-01, year and day of year"
            )
        elif known.size >= 20 and np.unique(known).size == known.size and np.all(known == np.round(known)):
            notes.append(
                f"column {name!r} holds a different whole number in every row: if it is an id, "
                f"leave it out with {leave}"
            )
    feature["indicator"] = bool(indicator and train_gaps.any())
    return feature
