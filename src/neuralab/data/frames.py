"""DataFrames (pandas, or polars where installed) as Tables, with the column handling of CSV.

Neither library is imported here: a frame is recognised by its module name, and read
through ``columns`` and one column's ``to_list()`` / ``tolist()``. A column becomes

- numeric when its dtype is numeric, or all its values are numbers (NaN/None missing;
  an infinite value is an error naming the cell, as in a CSV file);
- a date when all its values are dates or date-times (days since 1970-01-01 UTC);
- otherwise its values are read as CSV cell texts (``parse_column``): numbers written as
  text, ISO date strings, missing markers and categories behave exactly as in a file.
"""

from __future__ import annotations

import math
import numbers
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from .cells import SECONDS_PER_DAY, control_character
from .column_parsing import parse_column
from .table import DataError, Table

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def is_frame(data: object) -> bool:
    """Whether ``data`` is a pandas or polars DataFrame.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from neuralab.data import is_frame
    >>> is_frame(pd.DataFrame({"x": [1.0]})), is_frame(np.zeros((1, 1)))
    (True, False)
    """
    module = type(data).__module__.split(".")[0]
    return module in ("pandas", "polars") and hasattr(data, "columns") and not hasattr(data, "name")


def _values(frame: Any, name: object) -> list:
    column = frame[name]
    return column.to_list() if hasattr(column, "to_list") else column.tolist()


def _gap(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def _days(value: date) -> float:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return (moment - _EPOCH).total_seconds() / SECONDS_PER_DAY
    return float((value - date(1970, 1, 1)).days)


def _text(value: object) -> str:
    if _gap(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 3.0 -> "3", as the cell "3" of a CSV file
    return str(value)


def table_from_frame(frame: Any, *, source: str = "DataFrame", kinds: dict[str, str] | None = None) -> Table:
    """A Table of a pandas or polars DataFrame's columns (see the module's rules).

    ``kinds`` (column -> "numeric" | "categorical" | "date", a model's) fixes the kinds of
    those columns, e.g. categories given as numbers, and the other columns are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from neuralab.data import table_from_frame
    >>> frame = pd.DataFrame({"size": [1.0, 2.5], "colour": ["red", "blue"]})
    >>> table = table_from_frame(frame)
    >>> table.columns, table.kind("size"), table.kind("colour")
    (['size', 'colour'], 'numeric', 'categorical')
    """
    if not is_frame(frame):
        raise DataError(f"Expected a pandas or polars DataFrame. Got {type(frame).__name__}.")
    columns = list(frame.columns)
    names = [str(name) for name in columns]
    if len(set(names)) != len(names):
        raise DataError(f"The {source}'s column names are not unique: {names}.")
    data: dict[str, np.ndarray] = {}
    dates: set[str] = set()
    for key, name in zip(columns, names, strict=True):
        kind = None if kinds is None else kinds.get(name, "skip")
        if kind == "skip":
            continue
        char = control_character(name)
        if char is not None:
            raise DataError(
                f"The {source}'s column {name!r} holds the control character U+{ord(char):04X}. "
                "Column names must be printable text: rename the column."
            )
        values = _values(frame, key)
        filled = [v for v in values if not _gap(v)]
        if (
            kind in (None, "numeric")
            and filled
            and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in filled)
        ):
            column = np.array([math.nan if _gap(v) else float(v) for v in values], dtype=np.float64)
            infinite = np.flatnonzero(np.isinf(column))
            if infinite.size:
                raise DataError(
                    f"The {source}'s column {name!r} holds {column[infinite[0]]} in row {infinite[0] + 1}, "
                    f"which is infinite ({infinite.size} such cell{'s' if infinite.size != 1 else ''}). "
                    "Replace those values, or set them to NaN to treat them as missing."
                )
            data[name] = column
        elif kind in (None, "date") and filled and all(isinstance(v, date) for v in filled):
            data[name] = np.array([math.nan if _gap(v) else _days(v) for v in values], dtype=np.float64)
            dates.add(name)
        else:
            cells = [_text(v) for v in values]
            data[name], kind = parse_column(name, cells, kind, None, f"The {source}")
            if kind == "date":
                dates.add(name)
    if kinds is not None:
        absent = [name for name in kinds if name not in data]
        if absent:
            raise DataError(
                f"The {source} lacks the column(s) the model needs: {', '.join(absent)}. "
                f"Its columns are: {', '.join(names)}."
            )
    return Table(list(data), data, source, None, dates=dates)
