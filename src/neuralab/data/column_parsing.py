"""One column's cell texts -> values and kind (numeric, date or categorical), with errors naming the cell.

Shared by the CSV reader and the DataFrame reader (``frames``), so a column behaves the
same whichever way it came in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .cells import is_missing, parse_date, parse_number
from .table import DataError

__all__ = ["parse_column", "where"]


def where(rows: Sequence[int], lines: np.ndarray | None, offset: int) -> str:
    first = rows[0]
    if lines is None:
        return f"row {first + 1 + offset}"
    return f"row {first + 1 + offset} (line {int(lines[first])})"


def parse_column(
    name: str,
    cells: Sequence[str],
    kind: str | None,
    lines: np.ndarray | None,
    source: str,
    offset: int = 0,
    decimal: str = ".",
) -> tuple[np.ndarray, str]:
    """Return (values, kind) of one column's cell texts.

    ``kind`` None infers it: "date" when every filled cell is an ISO date; "numeric" when at
    least half of the filled cells are numbers (a cell beyond float64 or ``inf`` is then an
    error naming it, and so is any other text); "categorical" otherwise. Missing cells become
    NaN (numeric, date) or None (categorical).
    """
    missing = [is_missing(c) for c in cells]
    filled = len(cells) - sum(missing)
    if kind is None and filled:
        not_dates = sum(not m and parse_date(c) is None for c, m in zip(cells, missing, strict=True))
        if not_dates * 2 < filled:  # all or mostly dates: the others are mistakes, not categories
            kind = "date"
    if kind == "categorical":
        return np.array(
            [None if m else c.strip() for c, m in zip(cells, missing, strict=True)], dtype=object
        ), kind
    values = np.full(len(cells), np.nan)
    bad: list[int] = []
    infinite: list[int] = []
    parse = parse_date if kind == "date" else (lambda c: parse_number(c, decimal))
    for i, cell in enumerate(cells):
        if missing[i]:
            continue
        number = parse(cell)
        if number is None:
            bad.append(i)
        elif not math.isfinite(number):
            infinite.append(i)
        else:
            values[i] = number
    if kind is None and filled and len(bad) * 2 >= filled:
        return np.array(
            [None if m else c.strip() for c, m in zip(cells, missing, strict=True)], dtype=object
        ), "categorical"
    kind = kind or "numeric"
    if infinite:
        raise DataError(
            f"{source}: column {name!r} is numeric but {where(infinite, lines, offset)} holds "
            f"{cells[infinite[0]].strip()!r}, which is infinite or beyond the float64 range (about 1.8e308) "
            f"({len(infinite)} such cell{'s' if len(infinite) != 1 else ''}). Fix those cells, or leave them "
            "empty to treat them as missing."
        )
    if bad:
        what = (
            "an ISO date (YYYY-MM-DD, optionally with a time)"
            if kind == "date"
            else f"a plain decimal number (decimal mark {decimal!r})"
        )
        raise DataError(
            f"{source}: column {name!r} is {'a date column' if kind == 'date' else 'numeric'} but "
            f"{where(bad, lines, offset)} holds {cells[bad[0]].strip()!r}, which is not {what} "
            f"({len(bad)} such cell{'s' if len(bad) != 1 else ''}). Fix those cells (or empty them: missing "
            "cells are imputed), or remove those rows."
        )
    return values, kind
