"""Tables: named columns of equal length, and the error for data that cannot be used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ValidationError


class DataError(ValidationError):
    """A data file or table cannot be used as it is (the message says where and how to fix it)."""


# -- tables ---------------------------------------------------------------------------------
@dataclass
class Table:
    """Named columns of equal length.

    Attributes
    ----------
    columns : list of str
        Column names in file order.
    data : dict of str -> ndarray of shape (n_rows,)
        float64 for numeric columns, dtype object (str) for categorical ones.
    source : str
        Where the table came from (used in messages).
    lines : ndarray of shape (n_rows,), optional
        The file line of each row, for messages.
    """

    columns: list[str]
    data: dict[str, np.ndarray]
    source: str = "data"
    lines: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    row_offset: int = 0  # data rows of the file before this table's first row (streamed chunks)

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.data.values()))) if self.data else 0

    def column(self, name: str) -> np.ndarray:
        """The column ``name``; an unknown name is an error listing the columns."""
        if name not in self.data:
            raise DataError(
                f"{self.source} has no column {name!r}. Its columns are: {', '.join(self.columns)}."
                f"{delimiter_hint(self.columns)}"
            )
        return self.data[name]

    def is_numeric(self, name: str) -> bool:
        return self.column(name).dtype.kind == "f"

    def take(self, rows: np.ndarray) -> Table:
        """A table of the given rows (indices or boolean mask), in that order."""
        lines = None if self.lines is None else self.lines[rows]
        return Table(list(self.columns), {k: v[rows] for k, v in self.data.items()}, self.source, lines,
                     list(self.notes))

    def line_of(self, row: int) -> str:
        """``'row R (line L)'`` for messages."""
        if self.lines is None:
            return f"row {row + 1 + self.row_offset}"
        return f"row {row + 1 + self.row_offset} (line {int(self.lines[row])})"

    @classmethod
    def from_arrays(cls, X: object, y: object = None, *, feature_names: Sequence[str] | None = None,
                    target_name: str = "target", source: str = "arrays") -> Table:
        """A table from a numeric matrix ``X`` (n_samples, n_features) and an optional target ``y``."""
        X = np.asarray(X)
        if X.ndim != 2 or X.dtype.kind not in "biuf":
            raise DataError(f"`X` must be a 2-D numeric array. Got shape {X.shape}, dtype {X.dtype}.")
        names = list(feature_names) if feature_names is not None else [f"x{i}" for i in range(X.shape[1])]
        if len(names) != X.shape[1]:
            raise DataError(f"{len(names)} feature names for {X.shape[1]} columns of `X`.")
        data = {name: X[:, i].astype(np.float64) for i, name in enumerate(names)}
        if y is not None:
            y = np.asarray(y)
            if y.shape != (X.shape[0],):
                raise DataError(f"`y` must have shape ({X.shape[0]},). Got {y.shape}.")
            numeric = y.dtype.kind in "biuf"
            data[target_name] = y.astype(np.float64) if numeric else y.astype(str).astype(object)
            names = [*names, target_name]
        return cls(names, data, source)


def name_list(names: Sequence[str], limit: int = 10) -> str:
    """``"a, b, c"``, cut after ``limit`` names with how many more there are."""
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def delimiter_hint(header: Sequence[str]) -> str:
    """A hint for a header read as one column although it holds ';' or tabs (else "").

    neuralab reads comma-separated files only: a ';'- or tab-separated file's header is
    then a single column named, say, ``a;b;y``.
    """
    if len(header) != 1:
        return ""
    for mark, said in ((";", "';'"), ("\t", "a tab")):
        if mark in header[0]:
            return (f" The file seems to use {said} between values; neuralab reads comma-separated files: "
                    f"convert it to commas (e.g. save it as CSV with ',' as the separator).")
    return ""
