"""Reading CSV files with a header row into tables, whole or streamed in chunks."""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterator, Sequence

import numpy as np

from ..errors import ValidationError
from .bundled import BUNDLED
from .table import DataError, Table, delimiter_hint, name_list

MISSING_MARKERS = frozenset({"", "nan", "na", "n/a", "null"})
"""Cell texts (after strip, lower-cased) that count as a missing value."""


# -- reading CSV ---------------------------------------------------------------------------
def _is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING_MARKERS


def _to_float(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


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
    """An open CSV file: the checked header, then (line, cells) pairs."""

    def __init__(self, path: str | os.PathLike):
        self.path = _check_path(path)
        self.handle = open(self.path, newline="", encoding="utf-8-sig")
        try:
            self.reader = csv.reader(self.handle)
            self.header = self._read_header()
        except BaseException:
            self.handle.close()
            raise

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
        if all(_to_float(cell) is not None for cell in header):
            raise DataError(
                f"{self.path} has no header row: its first line holds only numbers "
                f"({','.join(first[1][:4])}{',...' if len(header) > 4 else ''}). "
                "Add a first line with the column names."
            )
        blank = [i + 1 for i, name in enumerate(header) if not name]
        if blank:
            raise DataError(f"{self.path}: header column {blank[0]} has no name. Name every column.")
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
                    f"{self.path} line {line} has {len(cells)} fields but the header has {width}. "
                    "Every row needs one value per column."
                )
            lines.append(line)
            rows.append(cells)
            if chunk_rows is not None and len(rows) >= chunk_rows:
                yield offset, np.array(lines), rows
                offset += len(rows)
                lines, rows = [], []
        if rows:
            yield offset, np.array(lines), rows

    def close(self) -> None:
        self.handle.close()


def _parse_column(name: str, cells: Sequence[str], kind: str | None, lines: np.ndarray,
                  source: str, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return (values, missing mask). ``kind`` None: numeric when most filled cells are numbers."""
    missing = np.fromiter((_is_missing(c) for c in cells), dtype=bool, count=len(cells))
    if kind == "categorical":
        return np.array([c.strip() for c in cells], dtype=object), missing
    values = np.full(len(cells), np.nan)
    bad: list[int] = []
    for i, cell in enumerate(cells):
        if not missing[i]:
            number = _to_float(cell)
            if number is None:
                bad.append(i)
            else:
                values[i] = number
    filled = int((~missing).sum())
    if kind is None and filled and len(bad) * 2 >= filled:
        return np.array([c.strip() for c in cells], dtype=object), missing
    if bad:
        first = bad[0]
        where = f"row {first + 1 + offset} (line {int(lines[first])})"
        raise DataError(
            f"{source}: column {name!r} is numeric but {where} holds "
            f"{cells[first].strip()!r}, which is not a number ({len(bad)} such cell"
            f"{'s' if len(bad) != 1 else ''}). Fix or remove those rows."
        )
    return values, missing


def _build_table(source: str, header: list[str], lines: np.ndarray, rows: list[list[str]],
                 kinds: dict[str, str] | None, drop_missing: bool, offset: int = 0) -> Table:
    wanted = header if kinds is None else [name for name in header if name in kinds]
    positions = {name: i for i, name in enumerate(header)}
    data, missing = {}, np.zeros((len(rows), len(wanted)), dtype=bool)
    for j, name in enumerate(wanted):
        cells = [row[positions[name]] for row in rows]
        kind = None if kinds is None else kinds[name]
        data[name], missing[:, j] = _parse_column(name, cells, kind, lines, source, offset)
    table = Table(wanted, data, source, lines, row_offset=offset)
    if missing.any():
        bad_rows = missing.any(axis=1)
        if not drop_missing:
            row, col = (int(i) for i in np.argwhere(missing)[0])
            where = f"row {row + 1 + offset} (line {int(lines[row])})"
            count = int(missing.sum())
            raise DataError(
                f"{source} has {count} missing cell{'s' if count != 1 else ''} (empty or NaN) in "
                f"{int(bad_rows.sum())} row(s); the first is {where}, "
                f"column {wanted[col]!r}. Fill them in, or drop those rows with --drop-missing "
                "(drop_missing=True)."
            )
        table = table.take(~bad_rows)
        table.notes.append(f"dropped {int(bad_rows.sum())} row(s) with missing cells")
    return table


def read_csv(path: str | os.PathLike, *, drop_missing: bool = False,
             kinds: dict[str, str] | None = None) -> Table:
    """Read a CSV file with a header row into a Table.

    Parameters
    ----------
    path : path of the file
    drop_missing : bool
        Drop rows with a missing cell (empty, "NaN", "NA", "null") instead of refusing them.
    kinds : dict of column -> "numeric" | "categorical", optional
        Known column kinds (a saved model's); only these columns are read, and each must be
        in the header. Without it every column is read and its kind inferred: numeric when
        most of its filled cells are numbers (the others are then an error naming the row).

    Raises
    ------
    DataError
        Missing or empty file, no header, ragged rows, no data rows, missing cells,
        non-numbers in a numeric column, required columns absent.
    """
    reader = _CsvRows(path)
    try:
        _check_required(reader, kinds)
        parts = list(reader.chunks(None))
    finally:
        reader.close()
    if not parts:
        raise DataError(f"{reader.path} has a header but no data rows.")
    _, lines, rows = parts[0]
    table = _build_table(reader.path, reader.header, lines, rows, kinds, drop_missing)
    if table.n_rows == 0:
        raise DataError(f"{reader.path}: every row has a missing cell, so none is left after dropping them.")
    return table


def read_csv_chunks(path: str | os.PathLike, kinds: dict[str, str], *,
                    chunk_rows: int = 10_000) -> Iterator[Table]:
    """Stream a CSV file in tables of at most ``chunk_rows`` rows (constant memory).

    ``kinds`` (column -> "numeric" | "categorical") fixes the columns to read, as in
    ``read_csv``; missing cells are an error (rows are never dropped, so outputs stay
    aligned with the file's rows). The header is checked before the first table is yielded.
    """
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ValidationError(f"`chunk_rows` must be a positive integer. Got {chunk_rows!r}.")
    reader = _CsvRows(path)
    try:
        _check_required(reader, kinds)
    except BaseException:
        reader.close()
        raise
    return _stream(reader, kinds, chunk_rows)


def _stream(reader: _CsvRows, kinds: dict[str, str], chunk_rows: int) -> Iterator[Table]:
    try:
        any_rows = False
        for offset, lines, rows in reader.chunks(chunk_rows):
            any_rows = True
            yield _build_table(reader.path, reader.header, lines, rows, kinds, drop_missing=False,
                               offset=offset)
        if not any_rows:
            raise DataError(f"{reader.path} has a header but no data rows.")
    finally:
        reader.close()



def _check_required(reader: _CsvRows, kinds: dict[str, str] | None) -> None:
    if kinds is None:
        return
    absent = [name for name in kinds if name not in reader.header]
    if absent:
        raise DataError(
            f"{reader.path} lacks the column(s) the model needs: {name_list(absent)}. "
            f"Its columns are: {', '.join(reader.header)}.{delimiter_hint(reader.header)}"
        )
