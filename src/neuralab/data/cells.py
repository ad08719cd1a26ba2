"""What the text of one cell means: missing, a number, an ISO date, or a category.

Only plain ASCII decimal notation counts as a number: an optional sign, digits with at
most one decimal mark, an optional exponent (``-1.5``, ``.5``, ``3e2``, ``1,5`` with
``decimal=","``). ``1_000``, ``0x10``, Arabic-Indic or mathematical digits (``٣``, ``𝟙``)
are text, although Python's ``float`` accepts them. ``inf``, ``infinity`` and numbers
beyond float64 (``1e999``) look numeric but are no usable value: a column of numbers that
holds one is an error naming the cell, never a column of categories.

ISO 8601 dates and date-times (``2024-03-01``, ``2024-03-01T12:30``, ``2024-03-01 12:30:00Z``,
``2024-03-01T12:30+02:00``) are dates; a time zone is converted to UTC, a date-time without
one is read as UTC.

>>> parse_number("3e2"), parse_number("1,5", decimal=","), parse_number("1_000")
(300.0, 1.5, None)
>>> parse_number("1e999")
inf
>>> parse_date("1970-01-02T12:00")
1.5
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, datetime

import numpy as np

MISSING_MARKERS = frozenset({"", "nan", "na", "n/a", "null"})
"""Cell texts (after strip, lower-cased) that count as a missing value.

Examples
--------
>>> from neuralab.data import MISSING_MARKERS
>>> sorted(MISSING_MARKERS)
['', 'n/a', 'na', 'nan', 'null']
"""

INFINITY_WORDS = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})
"""Cell texts (after strip, lower-cased) that look numeric but are no finite value."""

_NUMBER = {
    ".": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"),
    ",": re.compile(r"[+-]?(?:[0-9]+(?:,[0-9]*)?|,[0-9]+)(?:[eE][+-]?[0-9]+)?"),
}
_DATE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECONDS_PER_DAY = 86_400.0


def is_missing(cell: str) -> bool:
    """Whether ``cell`` is empty or a missing marker (NaN, NA, N/A, null; any case)."""
    return cell.strip().lower() in MISSING_MARKERS


def parse_number(cell: str, decimal: str = ".") -> float | None:
    """The value of a plain ASCII decimal number (``inf`` for one beyond float64), else None.

    ``decimal`` is the decimal mark, "." or ",". The infinity words give ``inf`` too, so
    that a caller can tell "numeric but unusable" from "not a number".
    """
    text = cell.strip()
    if text.lower() in INFINITY_WORDS:
        return math.inf
    if not _NUMBER[decimal].fullmatch(text):
        return None
    return float(text.replace(",", ".") if decimal == "," else text)


def parse_date(cell: str) -> float | None:
    """Days since 1970-01-01 00:00 UTC of an ISO 8601 date or date-time, else None.

    ``days = (t - 1970-01-01T00:00Z) / 86400 s``: a date is midnight (a whole number), a
    time adds the fraction of the day.
    """
    text = cell.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:  # e.g. 2024-02-30
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH).total_seconds() / SECONDS_PER_DAY


def control_character(name: str) -> str | None:
    """The first control or format character of ``name`` (NUL, tab, newline, ...), else None."""
    for char in name:
        if unicodedata.category(char) in ("Cc", "Cf"):
            return char
    return None


def date_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(year, day of year) of times given in days since 1970-01-01 UTC, shape (n,) each.

    The day of year counts from 1 (1 January) to 365 or 366. NaN stays NaN.

    >>> date_parts(np.array([0.0, 59.5, np.nan]))
    (array([1970., 1970.,   nan]), array([ 1., 60., nan]))
    """
    days = np.asarray(days, dtype=np.float64)
    known = np.isfinite(days)
    whole = np.floor(np.where(known, days, 0.0)).astype(np.int64).astype("datetime64[D]")
    years = whole.astype("datetime64[Y]")
    year = years.astype(np.int64) + 1970.0
    day_of_year = (whole - years.astype("datetime64[D]")).astype(np.int64) + 1.0
    return np.where(known, year, np.nan), np.where(known, day_of_year, np.nan)
