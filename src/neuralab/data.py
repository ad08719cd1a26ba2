"""Real data: CSV files and bundled data sets, splits, task inference and preprocessing.

A ``Table`` is a list of named columns, each a 1-D array: float64 for a numeric column,
strings (dtype object) for a categorical one. ``read_csv`` reads a file with a header row
(and refuses, with the row and column named, whatever it cannot use); ``read_csv_chunks``
streams a large file in tables of at most ``chunk_rows`` rows; ``load_bundled`` gives the
data sets that scikit-learn ships.

``Preprocessor`` turns a table into the network's inputs and targets:

    x' = (x - mean) / scale          per feature, mean and scale from the training rows
    categorical column -> one-hot    one 0/1 column per category seen
    regression target:  y' = (y - mean_y) / scale_y, undone on predict
    classification target: class index -> one-hot row (or 0/1 for a sigmoid output)
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import ValidationError

MISSING_MARKERS = frozenset({"", "nan", "na", "n/a", "null"})
"""Cell texts (after strip, lower-cased) that count as a missing value."""

BUNDLED = ("digits", "iris", "breast_cancer", "wine", "diabetes")
"""Data sets shipped with scikit-learn, usable by name."""

MAX_CLASS_INTEGERS = 20
"""An integer target with at most this many distinct values is read as class labels."""


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


def name_list(names: Sequence[str], limit: int = 10) -> str:
    """``"a, b, c"``, cut after ``limit`` names with how many more there are."""
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def _check_required(reader: _CsvRows, kinds: dict[str, str] | None) -> None:
    if kinds is None:
        return
    absent = [name for name in kinds if name not in reader.header]
    if absent:
        raise DataError(
            f"{reader.path} lacks the column(s) the model needs: {name_list(absent)}. "
            f"Its columns are: {', '.join(reader.header)}."
        )


# -- bundled data sets ---------------------------------------------------------------------
def load_bundled(name: str) -> tuple[Table, str]:
    """Return (table, target column) for a data set scikit-learn ships (no download).

    digits (8x8 images, 10 classes), iris (3 species), breast_cancer (malignant/benign),
    wine (3 cultivars), diabetes (regression: disease progression after one year).
    """
    from sklearn import datasets

    loaders = {"digits": datasets.load_digits, "iris": datasets.load_iris,
               "breast_cancer": datasets.load_breast_cancer, "wine": datasets.load_wine,
               "diabetes": datasets.load_diabetes}
    if name not in loaders:
        raise DataError(f"Unknown bundled data set {name!r}. Choose one of: {', '.join(BUNDLED)}.")
    bunch = loaders[name]()
    names = [str(n) for n in bunch.feature_names]
    target = bunch.target
    if name in ("iris", "breast_cancer", "wine"):
        target = np.asarray(bunch.target_names)[bunch.target]
    table = Table.from_arrays(bunch.data, target, feature_names=names, target_name="target", source=name)
    return table, "target"


def load_data(source: str | os.PathLike, *, drop_missing: bool = False) -> tuple[Table, str | None]:
    """A CSV path or a bundled set's name -> (table, known target column or None)."""
    text = os.fspath(source)
    if text in BUNDLED and not os.path.exists(text):
        return load_bundled(text)
    return read_csv(text, drop_missing=drop_missing), None


# -- tasks and splits ----------------------------------------------------------------------
def infer_task(values: np.ndarray, name: str = "target") -> tuple[str, str]:
    """Return (task, the rule that decided it) for a target column.

    Classification for a non-numeric (or boolean) target, or for whole numbers with at most
    20 distinct values; regression otherwise.
    """
    if values.dtype.kind not in "iuf":
        return "classification", f"classification: target {name!r} is not numeric"
    distinct = np.unique(values)
    integral = bool(np.all(distinct == np.round(distinct)))
    if integral and distinct.size <= MAX_CLASS_INTEGERS:
        return "classification", (
            f"classification: target {name!r} holds {distinct.size} distinct whole numbers "
            f"(<= {MAX_CLASS_INTEGERS})"
        )
    reason = ("non-integer values" if not integral
              else f"{distinct.size} distinct values (> {MAX_CLASS_INTEGERS})")
    return "regression", f"regression: target {name!r} is numeric with {reason}"


def split_indices(n: int, *, validation: float = 0.0, test: float = 0.0, seed: int | None = None,
                  stratify: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle ``range(n)`` with ``seed`` into (train, validation, test) index arrays.

    With ``stratify`` (a label per row), each class is split in the same proportions
    (rounded, keeping at least one training row per class).
    """
    for label, value in (("validation", validation), ("test", test)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
            raise ValidationError(f"The {label} fraction must be in [0, 1). Got {value!r}.")
    if validation + test >= 1:
        raise ValidationError(f"validation + test fractions must be < 1. Got {validation} + {test}.")
    rng = np.random.default_rng(seed)
    groups = [np.arange(n)] if stratify is None else [np.flatnonzero(stratify == c)
                                                      for c in np.unique(stratify)]
    parts: tuple[list, list, list] = ([], [], [])
    for group in groups:
        group = rng.permutation(group)
        n_test = round(len(group) * test)
        n_val = round(len(group) * validation)
        while n_test + n_val >= len(group) and (n_test or n_val):  # keep one training row
            if n_val >= n_test:
                n_val -= 1
            else:
                n_test -= 1
        parts[2].append(group[:n_test])
        parts[1].append(group[n_test:n_test + n_val])
        parts[0].append(group[n_test + n_val:])
    train, val, test_rows = (rng.permutation(np.concatenate(p)) for p in parts)
    if n and (validation and val.size == 0):
        raise DataError(f"validation fraction {validation} of {n} rows leaves no validation rows.")
    return train, val, test_rows


# -- preprocessing -------------------------------------------------------------------------
def _plain_labels(values: np.ndarray) -> list:
    if values.dtype.kind == "f":
        return [int(v) if v == round(v) else float(v) for v in values]
    return [str(v) for v in values]


@dataclass
class Preprocessor:
    """Everything between a user's table and the network: columns, scaling, task, labels.

    Attributes
    ----------
    target : str
        The target column.
    task : "classification" or "regression"
    features : list of dict
        Per input column: {"name", "kind": "numeric"|"categorical", "categories": [...]}.
    mean, scale : ndarray of shape (n_inputs,)
        Standardisation of the encoded inputs, fitted on the training rows.
    classes : list
        Class labels in output order (classification), else empty.
    target_mean, target_scale : float
        Standardisation of a regression target (0 and 1 for classification).
    task_rule : str
        How the task was decided.
    """

    target: str
    task: str
    features: list[dict]
    mean: np.ndarray
    scale: np.ndarray
    classes: list = field(default_factory=list)
    target_mean: float = 0.0
    target_scale: float = 1.0
    task_rule: str = ""
    notes: list[str] = field(default_factory=list)

    @classmethod
    def fit(cls, table: Table, target: str, *, task: str | None = None, train_rows: np.ndarray | None = None,
            max_categories: int = 20, ignore: Sequence[str] = ()) -> Preprocessor:
        """Decide task, labels and encodings on ``table``; fit the scaling on ``train_rows`` only."""
        y = table.column(target)
        for name in ignore:
            table.column(name)
        rule_task, rule = infer_task(y, target)
        if task is None:
            task = rule_task
        elif task not in ("classification", "regression"):
            raise ValidationError(f"`task` must be 'classification' or 'regression'. Got {task!r}.")
        else:
            rule = f"{task}: given"
        notes: list[str] = []
        classes: list = []
        if task == "classification":
            classes = _plain_labels(np.unique(y))
            if len(classes) < 2:
                raise DataError(
                    f"The target column {target!r} holds one class only ({classes[0]!r}); a classifier "
                    "needs at least two. Check the column, or use a regression task."
                )
        elif y.dtype.kind != "f":
            raise DataError(f"Regression needs a numeric target, but column {target!r} holds text. "
                            "Use --task classification.")
        features = []
        for name in table.columns:
            if name == target or name in ignore:
                continue
            column = table.data[name]
            if column.dtype.kind == "f":
                features.append({"name": name, "kind": "numeric", "categories": []})
                continue
            categories = sorted(set(column.tolist()))
            if len(categories) > max_categories:
                raise DataError(
                    f"Column {name!r} is not numeric and has {len(categories)} distinct values (more "
                    f"than {max_categories}), too many to one-hot encode. Leave it out with --ignore "
                    f"{name} (an id or free text?), or encode it as numbers."
                )
            features.append({"name": name, "kind": "categorical", "categories": categories})
            notes.append(f"column {name!r} is not numeric: one-hot encoded into {len(categories)} columns")
        if not features:
            raise DataError(f"{table.source} has no feature columns besides the target {target!r}.")
        pre = cls(target, task, features, np.zeros(0), np.ones(0), classes, task_rule=rule, notes=notes)
        rows = np.arange(table.n_rows) if train_rows is None else train_rows
        train = table.take(rows)
        encoded = pre._encode(train)
        pre.mean = encoded.mean(axis=0)
        std = encoded.std(axis=0)
        pre.scale = np.where(std > 0, std, 1.0)
        if task == "regression":
            values = train.column(target)
            pre.target_mean = float(values.mean())
            spread = float(values.std())
            if spread == 0:
                raise DataError(f"The target column {target!r} is constant ({values[0]:g}); "
                                "there is nothing to learn.")
            pre.target_scale = spread
        return pre

    # -- inputs ------------------------------------------------------------------------
    @property
    def kinds(self) -> dict[str, str]:
        """Input column -> "numeric" | "categorical" (what ``read_csv(kinds=...)`` needs)."""
        return {f["name"]: f["kind"] for f in self.features}

    @property
    def input_names(self) -> list[str]:
        """Names of the encoded inputs (a categorical column gives one "name=value" per category)."""
        names = []
        for f in self.features:
            if f["kind"] == "numeric":
                names.append(f["name"])
            else:
                names += [f"{f['name']}={c}" for c in f["categories"]]
        return names

    def _encode(self, table: Table) -> np.ndarray:
        blocks = []
        for f in self.features:
            column = table.column(f["name"])
            if f["kind"] == "numeric":
                if column.dtype.kind != "f":
                    raise DataError(f"Column {f['name']!r} must be numeric, as it was in training.")
                blocks.append(column.reshape(-1, 1))
                continue
            index = {c: i for i, c in enumerate(f["categories"])}
            text = column.astype(str) if column.dtype.kind == "f" else column
            codes = np.array([index.get(v, -1) for v in text.tolist()], dtype=np.int64)
            if (codes < 0).any():
                row = int(np.argmax(codes < 0))
                raise DataError(
                    f"Column {f['name']!r} holds {text[row]!r} in {table.line_of(row)}, a value not seen "
                    f"in training (known: {', '.join(map(str, f['categories'][:10]))})."
                )
            one_hot = np.zeros((len(codes), len(f["categories"])))
            one_hot[np.arange(len(codes)), codes] = 1.0
            blocks.append(one_hot)
        return np.hstack(blocks) if blocks else np.zeros((table.n_rows, 0))

    def transform(self, table: Table) -> np.ndarray:
        """Standardised network inputs, shape (n_rows, n_inputs), float64."""
        return (self._encode(table) - self.mean) / self.scale

    # -- targets -----------------------------------------------------------------------
    def class_index(self, values: np.ndarray) -> np.ndarray:
        """Class labels -> indices into ``classes``; an unknown label is an error."""
        labels = _plain_labels(values) if values.dtype.kind == "f" else [str(v) for v in values]
        index = {c: i for i, c in enumerate(self.classes)}
        codes = np.array([index.get(v, -1) for v in labels], dtype=np.int64)
        if (codes < 0).any():
            row = int(np.argmax(codes < 0))
            raise DataError(
                f"The target {self.target!r} holds the label {labels[row]!r} at row {row + 1}, which the "
                f"model does not know (its classes: {', '.join(map(str, self.classes))})."
            )
        return codes

    def encode_target(self, table: Table, n_outputs: int) -> np.ndarray:
        """Network targets: one-hot rows (n, n_classes), 0/1 (n, 1) for one sigmoid unit, or
        standardised values (n, 1) for regression."""
        values = table.column(self.target)
        if self.task == "regression":
            if values.dtype.kind != "f":
                raise DataError(f"The target {self.target!r} must be numeric for this regression model.")
            return ((values - self.target_mean) / self.target_scale).reshape(-1, 1)
        codes = self.class_index(values)
        if n_outputs == 1:
            return codes.reshape(-1, 1).astype(np.float64)
        return np.eye(len(self.classes))[codes]

    def decode_values(self, outputs: np.ndarray) -> np.ndarray:
        """Regression outputs (n, 1) back to the user's units: y = y' * scale + mean."""
        return outputs[:, 0].astype(np.float64) * self.target_scale + self.target_mean

    # -- metadata ----------------------------------------------------------------------
    def to_dict(self) -> dict:
        """JSON-ready description (floats keep their exact value through JSON)."""
        return {
            "target": self.target, "task": self.task, "task_rule": self.task_rule,
            "features": self.features, "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale], "classes": list(self.classes),
            "target_mean": self.target_mean, "target_scale": self.target_scale, "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Preprocessor:
        return cls(data["target"], data["task"], data["features"], np.array(data["mean"], dtype=np.float64),
                   np.array(data["scale"], dtype=np.float64), list(data["classes"]),
                   float(data["target_mean"]), float(data["target_scale"]), data.get("task_rule", ""),
                   list(data.get("notes", [])))
