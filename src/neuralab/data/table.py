"""Tables: named columns of equal length, and the error for data that cannot be used."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ValidationError


class DataError(ValidationError):
    """A data file or table cannot be used as it is (the message says where and how to fix it).

    Examples
    --------
    >>> from neuralab.data import DataError, load_data
    >>> try:
    ...     load_data("no-such-file.csv")
    ... except DataError as error:
    ...     print(type(error).__name__)
    DataError
    """


class DataWarning(UserWarning):
    """Data that can be used but deserves a look (e.g. a category not seen in training).

    Examples
    --------
    >>> from neuralab.data import DataWarning
    >>> issubclass(DataWarning, UserWarning)
    True
    """


# -- tables ---------------------------------------------------------------------------------
@dataclass
class Table:
    """Named columns of equal length.

    Attributes
    ----------
    columns : list of str
        Column names in file order.
    data : dict of str -> ndarray of shape (n_rows,)
        float64 for numeric and date columns (NaN for a missing cell), dtype object (str,
        None for a missing cell) for categorical ones.
    source : str
        Where the table came from (used in messages).
    lines : ndarray of shape (n_rows,), optional
        The file line of each row, for messages.
    dates : set of str
        The float64 columns that hold dates, as days since 1970-01-01 UTC.
    raw : dict of str -> ndarray of shape (n_rows,)
        Cell texts (dtype object) of columns to copy unchanged to an output (``predict --keep``).

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab.data import Table
    >>> X, y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array(["a", "b"])
    >>> table = Table.from_arrays(X, y, target_name="label")
    >>> table.columns, table.n_rows, table.column("label").tolist()
    (['x0', 'x1', 'label'], 2, ['a', 'b'])
    """

    columns: list[str]
    data: dict[str, np.ndarray]
    source: str = "data"
    lines: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    row_offset: int = 0  # data rows of the file before this table's first row (streamed chunks)
    dates: set[str] = field(default_factory=set)
    raw: dict[str, np.ndarray] = field(default_factory=dict)  # cell texts of columns kept for output

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
        return self.column(name).dtype.kind == "f" and name not in self.dates

    def kind(self, name: str) -> str:
        """ "numeric", "date" or "categorical"."""
        if name in self.dates:
            return "date"
        return "numeric" if self.column(name).dtype.kind == "f" else "categorical"

    def missing(self, name: str) -> np.ndarray:
        """Boolean mask (n_rows,) of the missing cells of column ``name`` (NaN or None)."""
        column = self.column(name)
        if column.dtype.kind == "f":
            return np.isnan(column)
        return np.fromiter((value is None for value in column.tolist()), dtype=bool, count=len(column))

    def missing_counts(self, names: Sequence[str] | None = None) -> dict[str, int]:
        """Column -> number of missing cells, for the columns (default: all) that have any."""
        counts = {name: int(self.missing(name).sum()) for name in (names or self.columns)}
        return {name: count for name, count in counts.items() if count}

    def take(self, rows: np.ndarray) -> Table:
        """A table of the given rows (indices or boolean mask), in that order."""
        lines = None if self.lines is None else self.lines[rows]
        return Table(
            list(self.columns),
            {k: v[rows] for k, v in self.data.items()},
            self.source,
            lines,
            list(self.notes),
            dates=set(self.dates),
            raw={k: v[rows] for k, v in self.raw.items()},
        )

    def drop_missing(self, names: Sequence[str] | None = None, *, what: str = "a missing cell") -> Table:
        """This table without the rows that have a missing cell in ``names`` (default: any column).

        A note says how many rows were dropped.
        """
        names = list(names or self.columns)
        bad = np.zeros(self.n_rows, dtype=bool)
        for name in names:
            bad |= self.missing(name)
        if not bad.any():
            return self
        kept = self.take(~bad)
        kept.notes.append(f"dropped {int(bad.sum())} row(s) with {what}")
        return kept

    def line_of(self, row: int) -> str:
        """``'row R (line L)'`` for messages."""
        if self.lines is None:
            return f"row {row + 1 + self.row_offset}"
        return f"row {row + 1 + self.row_offset} (line {int(self.lines[row])})"

    @classmethod
    def from_arrays(
        cls,
        X: object,
        y: object = None,
        *,
        feature_names: Sequence[str] | None = None,
        target_name: str = "target",
        source: str = "arrays",
    ) -> Table:
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
    """``"a, b, c"``, cut after ``limit`` names with how many more there are.

    Examples
    --------
    >>> from neuralab.data import name_list
    >>> name_list(["x1", "x2", "x3"]), name_list([f"x{i}" for i in range(12)], limit=3)
    ('x1, x2, x3', 'x0, x1, x2 and 9 more')
    """
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def delimiter_hint(header: Sequence[str]) -> str:
    """A hint for a header read as one column although it holds another separator (else "").

    When the separator was given (or sniffed) wrongly, a ';'-separated file's header is a
    single column named, say, ``a;b;y``: the hint names the separator and the option.
    """
    if len(header) != 1:
        return ""
    for mark in SEPARATORS:
        if mark in header[0]:
            return (
                f" The header seems to use {separator_name(mark)} between names: pass --sep "
                f"{separator_option(mark)} (sep={mark!r})."
            )
    return ""


SEPARATORS = (",", ";", "\t", "|")
"""Separators sniffed, in order of preference."""


def separator_name(mark: str) -> str:
    """``'a tab'`` or ``"';'"`` for messages."""
    return "a tab" if mark == "\t" else repr(mark)


def separator_option(mark: str) -> str:
    """How to spell ``mark`` after ``--sep`` in a shell: ``tab``, ``';'``, ``'|'``, ``,``."""
    return {"\t": "tab", ",": ",", ";": "';'", "|": "'|'"}.get(mark, repr(mark))
