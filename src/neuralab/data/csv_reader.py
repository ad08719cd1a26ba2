"""Reading CSV files with a header row into tables, whole or streamed in chunks.

The separator (``,`` ``;`` tab ``|``) and the decimal mark (``.`` or ``,``) are sniffed
from the first 64 KiB unless given. Each column is numeric, a date or categorical (see
``cells`` for what counts as a number and a date). Missing cells (empty, NaN, NA, N/A,
null) are kept as NaN / None (``missing="keep"``, for the preprocessor to impute), their
rows dropped (``"drop"``), or refused (``"error"``).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Sequence

import numpy as np

from ..errors import ValidationError
from .bundled import BUNDLED
from .cells import MISSING_MARKERS, control_character, parse_number
from .column_parsing import parse_column
from .sniffing import SAMPLE_CHARS, check_decimal, check_sep, sniff, sniff_decimal
from .table import SEPARATORS, DataError, Table, delimiter_hint, name_list, separator_name, separator_option

# parse_column (column_parsing) and sniff (sniffing) are importable from here as before.
__all__ = ["MISSING_MARKERS", "MISSING_OPTIONS", "parse_column", "read_csv", "read_csv_chunks", "sniff"]

MISSING_OPTIONS = ("impute", "drop", "error")
"""What a user may ask for missing cells (``--missing``, ``missing=``): fill them with the
training rows' values, leave their rows out, or refuse them."""
MISSING_CHOICES = ("keep", *MISSING_OPTIONS)
"""What ``read_csv`` does with missing cells ("impute" keeps them for the preprocessor)."""


def _check_missing(missing: str) -> str:
    if missing not in MISSING_CHOICES:
        raise ValidationError(
            f"`missing` (--missing) must be one of {', '.join(MISSING_OPTIONS)}. Got {missing!r}."
        )
    return missing


# -- reading CSV ---------------------------------------------------------------------------
def _check_path(path: str | os.PathLike) -> str:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise DataError(
            f"File not found: {path}. Check the path (or use a bundled set: {', '.join(BUNDLED)})."
        )
    if os.path.isdir(path):
        raise DataError(f"{path} is a folder, not a CSV file.")
    return path


class _CsvRows:
    """An open CSV file: its separator and decimal mark, the checked header, then (line, cells)."""

    def __init__(self, path: str | os.PathLike, sep: str | None = None, decimal: str | None = None):
        self.path = _check_path(path)
        sep, decimal = check_sep(sep), check_decimal(decimal)
        self.handle = open(self.path, newline="", encoding="utf-8-sig")
        try:
            if sep is None or decimal is None:
                sample = self._sample()
                sep = sep or sniff(sample)[0]
                decimal = decimal or sniff_decimal(sample.splitlines()[:50], sep)
            self.sep, self.decimal = sep, decimal
            if self.sep == self.decimal:
                raise ValidationError(
                    f"The separator and the decimal mark are both {self.sep!r}. Pass --decimal . "
                    "(decimal='.') or another --sep."
                )
            self.reader = csv.reader(self.handle, delimiter=self.sep)
            self.header = self._read_header()
        except BaseException:
            self.handle.close()
            raise

    def _sample(self) -> str:
        try:
            sample = self.handle.read(SAMPLE_CHARS)
        except UnicodeDecodeError as exc:
            raise DataError(f"{self.path} is not a UTF-8 text CSV file ({exc.reason}).") from exc
        self.handle.seek(0)
        return sample

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in self.reader:
                if not cells or all(not c.strip() for c in cells):
                    continue
                yield self.reader.line_num, cells
        except UnicodeDecodeError as exc:
            raise DataError(f"{self.path} is not a UTF-8 text CSV file ({exc.reason}).") from exc
        except csv.Error as exc:
            raise DataError(f"{self.path} is not valid CSV near line {self.reader.line_num}: {exc}.") from exc

    def _read_header(self) -> list[str]:
        self.rows = self._rows()
        first = next(self.rows, None)
        if first is None:
            raise DataError(f"{self.path} is empty: it needs a header row of column names and data rows.")
        header = [cell.strip() for cell in first[1]]
        if all(parse_number(cell, self.decimal) is not None for cell in header):
            raise DataError(
                f"{self.path} has no header row: its first line holds only numbers "
                f"({self.sep.join(first[1][:4])}{',...' if len(header) > 4 else ''}). "
                "Add a first line with the column names."
            )
        for position, name in enumerate(header, start=1):
            if not name:
                raise DataError(f"{self.path}: header column {position} has no name. Name every column.")
            char = control_character(name)
            if char is not None:
                raise DataError(
                    f"{self.path}: header column {position} ({name!r}) holds the control character "
                    f"U+{ord(char):04X}. Column names must be printable text: rename the column."
                    f"{delimiter_hint(header)}"
                )
        seen = set()
        for name in header:
            if name in seen:
                raise DataError(f"{self.path}: the column name {name!r} appears twice in the header.")
            seen.add(name)
        return header

    def chunks(self, chunk_rows: int | None) -> Iterator[tuple[int, np.ndarray, list[list[str]]]]:
        """(rows before it, line numbers, rows of cells), at most ``chunk_rows`` rows at a time."""
        width = len(self.header)
        offset = 0
        lines: list[int] = []
        rows: list[list[str]] = []
        for line, cells in self.rows:
            if len(cells) != width:
                raise DataError(
                    f"{self.path} line {line} has {len(cells)} fields but the header has {width} "
                    f"(separator {separator_name(self.sep)}). Every row needs one value per column."
                    f"{self._ragged_hint(cells)}"
                )
            lines.append(line)
            rows.append(cells)
            if chunk_rows is not None and len(rows) >= chunk_rows:
                yield offset, np.array(lines), rows
                offset += len(rows)
                lines, rows = [], []
        if rows:
            yield offset, np.array(lines), rows

    def _ragged_hint(self, cells: list[str]) -> str:
        """Name the separator that would split the header like this row (if one would)."""
        text = self.sep.join(self.header)
        for mark in SEPARATORS:
            if mark == self.sep:
                continue
            names = next(csv.reader([text], delimiter=mark))
            if len(names) > 1 and len(names) == len(next(csv.reader([self.sep.join(cells)], delimiter=mark))):
                return (
                    f" The file seems to use {separator_name(mark)}: pass --sep "
                    f"{separator_option(mark)} (sep={mark!r})."
                )
        if len(self.header) == 1 and len(cells) > 1:
            return (
                f" The header is one name, {self.header[0]!r}: if values hold {separator_name(self.sep)} "
                "as a decimal mark, quote them or pass the real separator with --sep."
            )
        return ""

    def close(self) -> None:
        self.handle.close()


def _build_table(
    source: str,
    header: list[str],
    lines: np.ndarray,
    rows: list[list[str]],
    kinds: dict[str, str] | None,
    missing: str,
    offset: int = 0,
    decimal: str = ".",
    keep: Sequence[str] = (),
) -> Table:
    wanted = header if kinds is None else [name for name in header if name in kinds]
    positions = {name: i for i, name in enumerate(header)}
    data, dates = {}, set()
    for name in wanted:
        cells = [row[positions[name]] for row in rows]
        values, kind = parse_column(
            name, cells, None if kinds is None else kinds[name], lines, source, offset, decimal
        )
        data[name] = values
        if kind == "date":
            dates.add(name)
    raw = {name: np.array([row[positions[name]] for row in rows], dtype=object) for name in keep}
    table = Table(wanted, data, source, lines, row_offset=offset, dates=dates, raw=raw)
    if missing in ("keep", "impute"):
        return table
    if missing == "drop":
        return table.drop_missing(what="missing cells")
    counts = table.missing_counts()
    if counts:
        first = min((int(np.argmax(table.missing(name))), wanted.index(name)) for name in counts)
        total = sum(counts.values())
        raise DataError(
            f"{source} has {total} missing cell{'s' if total != 1 else ''} (empty or NaN); the first is "
            f"{table.line_of(first[0])}, column {wanted[first[1]]!r}. Fill them in, impute them with "
            "--missing impute (missing='impute': median or most frequent value of the training rows), "
            "or drop those rows with --missing drop (missing='drop')."
        )
    return table


def read_csv(
    path: str | os.PathLike,
    *,
    missing: str = "keep",
    kinds: dict[str, str] | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    drop_missing: bool = False,
) -> Table:
    """Read a CSV file with a header row into a Table.

    Parameters
    ----------
    path : path of the file
    missing : "keep" (or "impute"), "drop" or "error"
        Missing cells (empty, "NaN", "NA", "N/A", "null") are kept as NaN / None for the
        preprocessor to impute, their rows dropped (with a note), or refused.
    kinds : dict of column -> "numeric" | "categorical" | "date", optional
        Known column kinds (a saved model's); only these columns are read, and each must be
        in the header. Without it every column is read and its kind inferred (see
        ``parse_column``).
    sep, decimal : str, optional
        The separator and the decimal mark; sniffed when not given (see ``sniff``).
    drop_missing : bool
        Same as ``missing="drop"`` (kept for older callers).

    Raises
    ------
    DataError
        Missing or empty file, no header, control characters in names, ragged rows, no data
        rows, missing cells with ``missing="error"``, non-numbers or infinite values in a
        numeric column, required columns absent.

    Examples
    --------
    >>> import os, tempfile
    >>> from neuralab.data import read_csv
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "pets.csv")
    >>> with open(path, "w") as handle:
    ...     for line in ("kind,weight,age", "cat,4.1,3", "dog,12.5,", "cat,3.8,7"):
    ...         print(line, file=handle)
    >>> table = read_csv(path)
    >>> table.columns, table.n_rows, table.kind("kind"), table.kind("weight")
    (['kind', 'weight', 'age'], 3, 'categorical', 'numeric')
    >>> folder.cleanup()
    """
    missing = "drop" if drop_missing else _check_missing(missing)
    reader = _CsvRows(path, sep, decimal)
    try:
        _check_required(reader, kinds)
        parts = list(reader.chunks(None))
    finally:
        reader.close()
    if not parts:
        raise DataError(f"{reader.path} has a header but no data rows.")
    _, lines, rows = parts[0]
    table = _build_table(reader.path, reader.header, lines, rows, kinds, missing, decimal=reader.decimal)
    if table.n_rows == 0:
        raise DataError(f"{reader.path}: every row has a missing cell, so none is left after dropping them.")
    _note_format(table, reader)
    return table


def _note_format(table: Table, reader: _CsvRows) -> None:
    if reader.sep != "," or reader.decimal != ".":
        table.notes.insert(
            0, f"read with separator {separator_name(reader.sep)} and decimal mark {reader.decimal!r}"
        )


def read_csv_chunks(
    path: str | os.PathLike,
    kinds: dict[str, str],
    *,
    chunk_rows: int = 10_000,
    missing: str = "keep",
    sep: str | None = None,
    decimal: str | None = None,
    keep: Sequence[str] = (),
) -> Iterator[Table]:
    """Stream a CSV file in tables of at most ``chunk_rows`` rows (constant memory).

    ``kinds`` (column -> "numeric" | "categorical" | "date") fixes the columns to read, as
    in ``read_csv``, and so do ``missing``, ``sep`` and ``decimal``. The raw cell texts of
    the columns ``keep`` are in each table's ``raw`` (ids to copy to an output). The header
    is checked before the first table is yielded.

    Examples
    --------
    >>> import os, tempfile
    >>> from neuralab.data import read_csv
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "pets.csv")
    >>> with open(path, "w") as handle:
    ...     for line in ("kind,weight,age", "cat,4.1,3", "dog,12.5,", "cat,3.8,7"):
    ...         print(line, file=handle)
    >>> from neuralab.data import read_csv_chunks
    >>> kinds = {"kind": "categorical", "weight": "numeric"}
    >>> [chunk.n_rows for chunk in read_csv_chunks(path, kinds, chunk_rows=2)]
    [2, 1]
    >>> folder.cleanup()
    """
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ValidationError(f"`chunk_rows` must be a positive integer. Got {chunk_rows!r}.")
    missing = _check_missing(missing)
    reader = _CsvRows(path, sep, decimal)
    try:
        _check_required(reader, kinds)
        _check_required(reader, dict.fromkeys(keep, "text"), why="to keep (--keep)")
    except BaseException:
        reader.close()
        raise
    return _stream(reader, kinds, chunk_rows, missing, list(keep))


def _stream(
    reader: _CsvRows, kinds: dict[str, str], chunk_rows: int, missing: str, keep: list[str]
) -> Iterator[Table]:
    try:
        any_rows = False
        for offset, lines, rows in reader.chunks(chunk_rows):
            any_rows = True
            yield _build_table(
                reader.path,
                reader.header,
                lines,
                rows,
                kinds,
                missing,
                offset=offset,
                decimal=reader.decimal,
                keep=keep,
            )
        if not any_rows:
            raise DataError(f"{reader.path} has a header but no data rows.")
    finally:
        reader.close()


def _check_required(reader: _CsvRows, kinds: dict[str, str] | None, why: str = "the model needs") -> None:
    if kinds is None:
        return
    absent = [name for name in kinds if name not in reader.header]
    if absent:
        raise DataError(
            f"{reader.path} lacks the column(s) {why}: {name_list(absent)}. "
            f"Its columns are: {', '.join(reader.header)}.{delimiter_hint(reader.header)}"
        )
