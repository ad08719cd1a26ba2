"""The separator and the decimal mark of a CSV text: sniffed from its first lines, or checked when given.

Separators: ``,`` ``;`` tab ``|``; decimal marks: ``.`` or ``,`` (see ``sniff``).
"""

from __future__ import annotations

import csv
import re

from ..errors import ValidationError
from .table import SEPARATORS

__all__ = ["SAMPLE_CHARS", "check_decimal", "check_sep", "sniff", "sniff_decimal"]

SAMPLE_CHARS = 65_536
"""How much of a file is read to sniff its separator and decimal mark (64 KiB)."""
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_DECIMAL_POINT = re.compile(r"[+-]?[0-9]*\.[0-9]+")


# -- separator and decimal mark -------------------------------------------------------------
def sniff(sample: str) -> tuple[str, str]:
    """(separator, decimal mark) of a CSV text from its first lines.

    The separator is the one of ``,`` ``;`` tab ``|`` that splits the header into more than
    one name and the most rows into as many fields (ties go to the earlier one); "," when
    none does. The decimal mark is "," when the separator is not "," and some cells read as
    ``1,5`` while none reads as ``1.5``; else ".".

    Examples
    --------
    A semicolon-separated file with decimal commas:
    >>> from neuralab.data import sniff
    >>> sniff(chr(10).join(["a;b", "1,5;2", "3,25;4"]))      # lines joined by newlines
    (';', ',')
    """
    lines = sample.splitlines()[:50]
    if len(sample) >= SAMPLE_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    best, best_score = ",", (-1.0, 0)
    for mark in SEPARATORS:
        rows = [row for row in csv.reader(lines, delimiter=mark) if row]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(len(row) == width for row in rows) / len(rows), width)
        if score[0] > best_score[0]:
            best, best_score = mark, score
    return best, sniff_decimal(lines, best)


def sniff_decimal(lines: list[str], sep: str) -> str:
    """ "," when ``sep`` is not "," and data cells read as ``1,5`` but none as ``1.5``; else "."."""
    if sep == ",":
        return "."
    cells = [cell.strip() for row in csv.reader(lines[1:], delimiter=sep) for cell in row]
    comma = any(_DECIMAL_COMMA.fullmatch(c) for c in cells)
    return "," if comma and not any(_DECIMAL_POINT.fullmatch(c) for c in cells) else "."


def check_sep(sep: str | None) -> str | None:
    if sep is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    sep = named.get(sep.strip().lower(), sep) if sep.strip() else sep
    if len(sep) != 1 or sep in '"\r\n' or sep.isalnum():
        raise ValidationError(
            f"The separator (--sep, sep=) must be one character such as , ; | or the word tab. Got {sep!r}."
        )
    return sep


def check_decimal(decimal: str | None) -> str | None:
    if decimal is not None and decimal not in (".", ","):
        raise ValidationError(f"The decimal mark (--decimal, decimal=) must be '.' or ','. Got {decimal!r}.")
    return decimal
