"""DataFrame X with the column handling of a CSV file, for NeuralClassifier and NeuralRegressor.

A DataFrame (pandas, or polars where installed) whose columns are all numeric and complete
is used exactly as an array is (scikit-learn's checks, ``feature_names_in_`` included). Any
other DataFrame, one with a text, categorical, boolean or date column or a missing cell, is
read as ``neuralab.data.table_from_frame`` reads it and encoded by a ``Preprocessor``
fitted in ``fit`` on the rows given to ``fit`` (early stopping's held-out rows included, as
an imputer earlier in a Pipeline would be), kept as ``preprocessor_`` and applied by every
predict method:

    missing cell -> fill value       median (numeric, date) or most frequent value (categorical)
                                     of the fit rows (missing="impute", the default); "drop"
                                     leaves rows with a gap out of fit (predict refuses gaps);
                                     "error" refuses gaps
    categorical column -> one-hot    one 0/1 input per category seen in fit; an unseen one is
                                     all zero, with a DataWarning naming value, column and rows
    date column -> 3 numbers         days since 1970-01-01, year, day of year
    x' = (x - mean) / scale          every input, with the fit rows' mean and scale

``n_features_in_`` and ``feature_names_in_`` are then the DataFrame's columns (scikit-learn's
meaning), not the encoded inputs; the columns are read by name, so their order may change
between fit and predict, but none may be missing or new.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import numpy as np
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_array, check_X_y, validate_data

from ..data import DataError, DataWarning, Preprocessor, Table, TransformReport, is_frame, table_from_frame
from ..data.csv_reader import MISSING_OPTIONS
from ..errors import InvalidParameterError

MISSING_CHOICES = MISSING_OPTIONS
"""What the estimators' ``missing`` does with a DataFrame's missing cells."""

_LEAVE_OUT = "X.drop(columns=[{name!r}])"


def needs_column_handling(X: Any) -> bool:
    """Whether X is a DataFrame with a non-numeric column or a missing cell (else: used as an array)."""
    if not is_frame(X):
        return False
    for dtype in list(X.dtypes):
        is_numeric = getattr(dtype, "is_numeric", None)  # polars
        numeric = is_numeric() if callable(is_numeric) else getattr(dtype, "kind", "O") in "iuf"
        if not numeric:
            return True
    try:
        values = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):  # pandas' nullable integers with pd.NA
        return True
    return bool(np.isnan(values).any())


class FrameColumns:
    """The estimators' input checks: scikit-learn's own, after a DataFrame's columns are encoded.

    Mixed into ``_NeuralEstimator``; reads its ``missing`` and ``max_categories``.
    """

    missing: str
    max_categories: int
    preprocessor_: Preprocessor | None

    def _check_column_parameters(self) -> None:
        if self.missing not in MISSING_CHOICES:
            raise InvalidParameterError(
                f"`missing` must be one of {', '.join(map(repr, MISSING_CHOICES))} (what a DataFrame's "
                f"missing cells get). Got {self.missing!r}."
            )
        count = self.max_categories
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
            raise InvalidParameterError(
                f"`max_categories` must be an integer >= 1 (the most categories a column may have to be "
                f"one-hot encoded), e.g. 20. Got {count!r}."
            )

    def _validated(self, X, y, *, reset: bool, **options):
        """(X, y) as ``validate_data`` gives them; a DataFrame that needs it is encoded first.

        ``reset`` (a fresh fit) decides whether X needs column handling and fits it. Rows
        left out by ``missing="drop"`` are in ``_kept_rows`` (for the sample weights).
        """
        self._kept_rows: np.ndarray | None = None
        if reset:
            self._check_column_parameters()
            self.preprocessor_ = None
            if needs_column_handling(X):
                table = _read(X)
                if self.missing == "drop":
                    table, self._kept_rows = _drop_gaps(table)
                self.preprocessor_ = Preprocessor.for_inputs(
                    table,
                    max_categories=int(self.max_categories),
                    missing="error" if self.missing == "error" else "impute",
                    leave_out=_LEAVE_OUT,
                )
                names = list(table.columns)
                inputs = self._encoded(table)
                if self._kept_rows is not None:
                    y = _safe_indexing(y, self._kept_rows)
                X, y = check_X_y(inputs, y, **options)
                self.n_features_in_ = len(names)
                self.feature_names_in_ = np.asarray(names, dtype=object)
                return X, y
        if getattr(self, "preprocessor_", None) is None:
            return validate_data(self, X, y, reset=reset, **options)
        table = self._table(X)
        if self.missing == "drop":
            table, self._kept_rows = _drop_gaps(table)
            y = _safe_indexing(y, self._kept_rows)
        return check_X_y(self._encoded(table), y, **options)

    def _validated_X(self, X, **options) -> np.ndarray:
        """X for prediction: ``validate_data`` (reset=False), or this fit's column handling."""
        if getattr(self, "preprocessor_", None) is None:
            return validate_data(self, X, reset=False, **options)
        table = self._table(X)
        if self.missing == "drop":
            counts = table.missing_counts()
            if counts:
                name = next(iter(counts))
                raise DataError(
                    f"X has {sum(counts.values())} missing cell(s) (column {name!r}, first in "
                    f"{table.line_of(int(np.argmax(table.missing(name))))}); missing='drop' left such rows "
                    "out of fit, but predict answers every row. Fill those cells, or fit with "
                    "missing='impute' (the fit rows' median / most frequent value)."
                )
        return check_array(self._encoded(table), **options)

    def _table(self, X) -> Table:
        """X (a DataFrame with this fit's columns, or an array when they are all numeric) as a Table."""
        pre = self.preprocessor_
        assert pre is not None
        kinds = pre.kinds
        if is_frame(X):
            names = [str(name) for name in X.columns]
            new = [name for name in names if name not in kinds]
            if new:
                raise DataError(
                    f"X has column(s) {', '.join(map(repr, new))} that were not seen in fit (its columns "
                    f"were {', '.join(map(repr, kinds))}). Give X the columns of fit."
                )
            return table_from_frame(X, source="DataFrame X", kinds=kinds)
        if any(kind != "numeric" for kind in kinds.values()):
            raise DataError(
                f"This estimator was fitted on a DataFrame with non-numeric columns "
                f"({', '.join(f'{n!r}: {k}' for n, k in kinds.items() if k != 'numeric')}); give X as a "
                "DataFrame with those columns, not an array."
            )
        array = check_array(X, ensure_all_finite="allow-nan", dtype=np.float64)
        if array.shape[1] != len(kinds):
            raise DataError(
                f"X has {array.shape[1]} features, but this estimator was fitted on {len(kinds)} "
                f"({', '.join(kinds)})."
            )
        return Table.from_arrays(array, feature_names=list(kinds))

    def _encoded(self, table: Table) -> np.ndarray:
        """The network's inputs of ``table``, shape (n_rows, n_inputs): gaps filled, one-hot, scaled."""
        pre = self.preprocessor_
        assert pre is not None
        report = TransformReport()
        inputs = pre.transform(table, missing="error" if self.missing == "error" else "impute", report=report)
        for message in report.messages(refuse="")[1]:
            warnings.warn(message, DataWarning, stacklevel=_caller_level())
        return inputs


def _caller_level() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside neuralab."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith("neuralab."):
        frame, level = frame.f_back, level + 1
    return level


def _read(X) -> Table:
    return table_from_frame(X, source="DataFrame X")


def _drop_gaps(table: Table) -> tuple[Table, np.ndarray]:
    """``table`` without its rows that have a missing cell, and the indices of the rows kept."""
    gaps = np.zeros(table.n_rows, dtype=bool)
    for name in table.columns:
        gaps |= table.missing(name)
    kept = np.flatnonzero(~gaps)
    if kept.size == 0:
        raise DataError(
            "Every row of X has a missing cell, so missing='drop' leaves none to fit. Use "
            "missing='impute' (the default), or fill the gaps."
        )
    return table.take(kept), kept
