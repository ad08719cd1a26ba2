"""``Preprocessor``: a table -> the network's inputs and targets, and predictions back.

missing cell -> fill value       median (numeric, date) or most frequent value
                                 (categorical) of the training rows
x' = (x - mean) / scale          per feature, mean and scale from the training rows
categorical column -> one-hot    one 0/1 column per category seen; an unseen one is all 0
date column -> 3 inputs          days since 1970-01-01 UTC, year, day of year (1-366)
regression target:  y' = (y - mean_y) / scale_y, undone on predict
classification target: class index -> one-hot row (or 0/1 for a sigmoid output)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ValidationError
from .cells import date_parts
from .fitting import LEAVE_OUT, fit_feature, mean_std, plain_labels
from .table import DataError, Table
from .tasks import infer_task
from .transform_report import TransformReport, counted

# TransformReport (transform_report) is importable from here as before.
__all__ = ["Preprocessor", "TransformReport"]


_DATE_PARTS = ("days since 1970-01-01", "year", "day of year")


@dataclass
class Preprocessor:
    """Everything between a user's table and the network: columns, gaps, scaling, task, labels.

    Attributes
    ----------
    target : str
        The target column.
    task : "classification" or "regression"
    features : list of dict
        Per input column: {"name", "kind": "numeric"|"categorical"|"date", "categories": [...],
        "fill": the value a missing cell gets (median, or most frequent category, of the
        training rows), "indicator": whether a 0/1 "was missing" input follows}. Files
        written before imputation existed have neither "fill" nor "indicator".
    mean, scale : ndarray of shape (n_inputs,)
        Standardisation of the encoded inputs, fitted on the training rows.
    classes : list
        Class labels in output order (classification), else empty.
    target_mean, target_scale : float
        Standardisation of a regression target (0 and 1 for classification); the target
        mean is also the regression baseline.
    task_rule : str
        How the task was decided.
    class_counts : list of int
        Training rows per class (classification): the majority class is the baseline.

    Examples
    --------
    Inputs standardised with the training rows' mean and standard deviation, labels kept:
    >>> import numpy as np
    >>> from neuralab.data import Preprocessor, Table
    >>> X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    >>> table = Table.from_arrays(X, np.array(["no", "no", "yes", "yes"]), target_name="label")
    >>> prep = Preprocessor.fit(table, "label")
    >>> prep.task, prep.classes
    ('classification', ['no', 'yes'])
    >>> prep.transform(table).round(3)
    array([[-1.342, -1.342],
           [-0.447, -0.447],
           [ 0.447,  0.447],
           [ 1.342,  1.342]])
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
    class_counts: list[int] = field(default_factory=list)

    @classmethod
    def fit(
        cls,
        table: Table,
        target: str,
        *,
        task: str | None = None,
        train_rows: np.ndarray | None = None,
        max_categories: int = 20,
        ignore: Sequence[str] = (),
        missing: str = "impute",
        missing_indicator: bool = False,
    ) -> Preprocessor:
        """Decide task, labels and encodings on ``table``; fit fills and scaling on ``train_rows`` only.

        ``missing``: "impute" fills a missing input cell with the training rows' median
        (numeric, date) or most frequent value (categorical); "error" refuses gaps.
        ``missing_indicator`` adds a 0/1 input after each column that has gaps in the
        training rows. A missing target is always an error (drop those rows first:
        ``table.drop_missing([target])``).
        """
        if missing not in ("impute", "error"):
            raise ValidationError(
                f"`missing` must be 'impute' or 'error' here; drop rows with gaps before fitting "
                f"(table.drop_missing(), --missing drop). Got {missing!r}."
            )
        y = table.column(target)
        for name in ignore:
            table.column(name)
        if target in ignore:
            raise DataError(
                f"The target column {target!r} cannot be ignored: --ignore (ignore=) leaves out input "
                f"columns, and {target!r} is the column to predict. Remove it from --ignore."
            )
        gaps = int(table.missing(target).sum())
        if gaps:
            raise DataError(
                f"The target column {target!r} has {gaps} missing cell{'s' if gaps != 1 else ''}; a row "
                f"without its target cannot be learned from. Drop those rows first "
                f"(table.drop_missing([{target!r}]); the train command does it for you)."
            )
        if target in table.dates:
            raise DataError(
                f"The target column {target!r} holds dates; neuralab predicts numbers or "
                "classes. Choose another --target."
            )
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
            classes = plain_labels(np.unique(y))
            if len(classes) < 2:
                raise DataError(
                    f"The target column {target!r} holds one class only ({classes[0]!r}); a classifier "
                    "needs at least two. Check the column, or use a regression task."
                )
        elif y.dtype.kind != "f":
            raise DataError(
                f"Regression needs a numeric target, but column {target!r} holds text. "
                "Use --task classification."
            )
        rows = np.arange(table.n_rows) if train_rows is None else train_rows
        train = table.take(rows)
        features = []
        for name in table.columns:
            if name == target or name in ignore:
                continue
            features.append(
                fit_feature(table, train, name, max_categories, missing, missing_indicator, notes)
            )
        if not features:
            raise DataError(f"{table.source} has no feature columns besides the target {target!r}.")
        pre = cls(target, task, features, np.zeros(0), np.ones(0), classes, task_rule=rule, notes=notes)
        filled = table.missing_counts([f["name"] for f in features])
        if filled:
            total = sum(filled.values())
            notes.append(
                f"filled {total} missing cell{'s' if total != 1 else ''} with the training rows' "
                f"median / most frequent value: {counted(filled)}"
                + (
                    "; a 0/1 'missing' input follows each"
                    if missing_indicator
                    else " (--missing-indicator adds a 0/1 input that says which were missing)"
                )
            )
        if task == "classification":
            codes = pre.class_index(train.column(target))
            pre.class_counts = np.bincount(codes, minlength=len(classes)).tolist()
        pre._fit_scaling(train)
        if task == "regression":
            values = train.column(target)
            target_mean, target_std = mean_std(values)
            pre.target_mean = float(target_mean)
            spread = float(target_std)
            with np.errstate(over="ignore", invalid="ignore"):
                standardised = (values - pre.target_mean) / (spread or 1.0)
            if not np.isfinite(standardised).all():
                raise DataError(
                    f"The target column {target!r} spans values too large to standardise "
                    f"(up to {np.abs(values).max():g}). Rescale it, e.g. divide it by a power of ten."
                )
            if spread == 0:
                raise DataError(
                    f"The target column {target!r} is constant ({values[0]:g}); there is nothing to learn."
                )
            pre.target_scale = spread
        return pre

    @classmethod
    def for_inputs(
        cls,
        table: Table,
        *,
        max_categories: int = 20,
        missing: str = "impute",
        leave_out: str = LEAVE_OUT,
    ) -> Preprocessor:
        """Every column of ``table`` an input, no target: fills, encodings and scaling fitted on all rows.

        For the scikit-learn estimators, whose y is their own (``target`` is "" and ``task``
        "inputs"); ``transform`` then works as for a ``fit`` one. ``missing`` and
        ``max_categories`` as in ``fit``; ``leave_out`` is how a message says to leave a
        column out ("{name}" is the column, see ``fitting.LEAVE_OUT``).

        Examples
        --------
        >>> import numpy as np
        >>> from neuralab.data import Preprocessor, Table
        >>> table = Table.from_arrays(np.array([[1.0], [np.nan], [3.0]]), feature_names=["x"])
        >>> Preprocessor.for_inputs(table).transform(table).ravel().tolist()  # the gap gets 2.0
        [-1.224744871391589, 0.0, 1.224744871391589]
        """
        if missing not in ("impute", "error"):
            raise ValidationError(f"`missing` must be 'impute' or 'error' here. Got {missing!r}.")
        notes: list[str] = []
        features = [
            fit_feature(table, table, name, max_categories, missing, False, notes, leave_out)
            for name in table.columns
        ]
        if not features:
            raise DataError(f"{table.source} has no columns.")
        pre = cls("", "inputs", features, np.zeros(0), np.ones(0), notes=notes)
        pre._fit_scaling(table)
        return pre

    def _fit_scaling(self, train: Table) -> None:
        """``mean`` and ``scale`` of the encoded inputs of the training rows (scale 1 where constant)."""
        encoded = self._encode(train)
        self.mean, std = mean_std(encoded)
        self.scale = np.where(std > 0, std, 1.0)
        self._standardise(encoded, train)  # refuses a column whose scaled values would not be finite

    # -- inputs ------------------------------------------------------------------------
    @property
    def kinds(self) -> dict[str, str]:
        """Input column -> "numeric" | "categorical" | "date" (what ``read_csv(kinds=...)`` needs)."""
        return {f["name"]: f["kind"] for f in self.features}

    @property
    def input_names(self) -> list[str]:
        """Names of the encoded inputs: a categorical column gives one "name=value" per
        category, a date three ("name (days since 1970-01-01)", "(year)", "(day of year)"), an
        indicator "name (missing)"."""
        names = []
        for f in self.features:
            if f["kind"] == "numeric":
                names.append(f["name"])
            elif f["kind"] == "date":
                names += [f"{f['name']} ({part})" for part in _DATE_PARTS]
            else:
                names += [f"{f['name']}={c}" for c in f["categories"]]
            if f.get("indicator"):
                names.append(f"{f['name']} (missing)")
        return names

    def _encode(
        self,
        table: Table,
        missing: str = "impute",
        strict: bool = False,
        report: TransformReport | None = None,
    ) -> np.ndarray:
        blocks = []
        for f in self.features:
            name = f["name"]
            column = table.column(name)
            gaps = table.missing(name)
            if gaps.any():
                column = self._fill(table, f, column, gaps, missing)
                if report is not None:
                    report.filled[name] = report.filled.get(name, 0) + int(gaps.sum())
            if f["kind"] in ("numeric", "date"):
                if column.dtype.kind != "f":
                    said = "a date" if f["kind"] == "date" else "numeric"
                    raise DataError(f"Column {name!r} must be {said}, as it was in training.")
                if f["kind"] == "date":
                    year, day = date_parts(column)
                    blocks.append(np.column_stack([column, year, day]))
                else:
                    blocks.append(column.reshape(-1, 1))
            else:
                blocks.append(self._one_hot(table, f, column, strict, report))
            if f.get("indicator"):
                blocks.append(gaps.astype(np.float64).reshape(-1, 1))
        return np.hstack(blocks) if blocks else np.zeros((table.n_rows, 0))

    @staticmethod
    def _fill(table: Table, f: dict, column: np.ndarray, gaps: np.ndarray, missing: str) -> np.ndarray:
        name = f["name"]
        row = int(np.argmax(gaps))
        if missing != "impute":
            raise DataError(
                f"Column {name!r} has {int(gaps.sum())} missing cell(s); the first is in "
                f"{table.line_of(row)}. Fill them in, impute them with --missing impute (missing='impute'), "
                "or drop those rows with --missing drop (missing='drop')."
            )
        if f.get("fill") is None:
            raise DataError(
                f"Column {name!r} has {int(gaps.sum())} missing cell(s) (the first in "
                f"{table.line_of(row)}), and this model was saved before neuralab imputed missing cells, "
                "so it has no fill value. Drop those rows with --missing drop (missing='drop'), or retrain "
                "the model."
            )
        filled = column.copy()
        filled[gaps] = f["fill"]
        return filled

    @staticmethod
    def _one_hot(
        table: Table, f: dict, column: np.ndarray, strict: bool, report: TransformReport | None
    ) -> np.ndarray:
        index = {c: i for i, c in enumerate(f["categories"])}
        text = np.array(plain_labels(column), dtype=object) if column.dtype.kind == "f" else column
        codes = np.array([index.get(str(v), -1) for v in text.tolist()], dtype=np.int64)
        unknown = codes < 0
        if unknown.any():
            row = int(np.argmax(unknown))
            if strict or report is None:
                raise DataError(
                    f"Column {f['name']!r} holds {str(text[row])!r} in {table.line_of(row)}, a value not "
                    f"seen in training (known: {', '.join(map(str, f['categories'][:10]))}). Fix the value"
                    + (", or leave out --strict to encode unseen values as all-zero." if strict else ".")
                )
            values, counts = np.unique(text[unknown].astype(str), return_counts=True)
            for value, count in zip(values.tolist(), counts.tolist(), strict=True):
                key = (f["name"], value)
                report.unseen[key] = report.unseen.get(key, 0) + count
        one_hot = np.zeros((len(codes), len(f["categories"])))
        known = np.flatnonzero(~unknown)
        one_hot[known, codes[known]] = 1.0
        return one_hot

    def transform(
        self,
        table: Table,
        *,
        missing: str = "impute",
        strict: bool = False,
        report: TransformReport | None = None,
    ) -> np.ndarray:
        """Standardised network inputs, shape (n_rows, n_inputs), float64.

        Missing cells get the training rows' fill value (``missing="impute"``) or are an
        error (``"error"``). A category not seen in training is encoded all-zero and counted
        in ``report``; with ``strict=True`` (or no ``report``) it is an error naming the row.
        A value so far from the training rows that ``(x - mean) / scale`` overflows is an
        error naming the column and the row (never a silent infinity).
        """
        return self._standardise(self._encode(table, missing, strict, report), table)

    def _standardise(self, encoded: np.ndarray, table: Table) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = (encoded - self.mean) / self.scale
        if not np.isfinite(scaled).all():
            row, position = (int(i) for i in np.argwhere(~np.isfinite(scaled))[0])
            name = self.input_names[position]
            raise DataError(
                f"Column {name!r} holds {encoded[row, position]:g} in {table.line_of(row)}, too large to "
                f"scale (training mean {self.mean[position]:g}, scale {self.scale[position]:g}): "
                f"(x - mean) / scale overflows. Rescale the column, e.g. divide it by a power of ten "
                "or take its logarithm."
            )
        return scaled

    # -- targets -----------------------------------------------------------------------
    def class_index(self, values: np.ndarray, *, column: str | None = None) -> np.ndarray:
        """Class labels -> indices into ``classes``; an unknown label is an error.

        ``column`` is the name the values were read from, for the message (default: the
        model's target).
        """
        column = self.target if column is None else column
        trained = "" if column == self.target else f" (the model was trained to predict {self.target!r})"
        labels = plain_labels(values) if values.dtype.kind == "f" else [str(v) for v in values]
        index = {c: i for i, c in enumerate(self.classes)}
        codes = np.array([index.get(v, -1) for v in labels], dtype=np.int64)
        if (codes < 0).any():
            row = int(np.argmax(codes < 0))
            raise DataError(
                f"The target {column!r}{trained} holds the label {labels[row]!r} at row {row + 1}, which "
                f"the model does not know (its classes: {', '.join(map(str, self.classes))})."
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
            "target": self.target,
            "task": self.task,
            "task_rule": self.task_rule,
            "features": self.features,
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "classes": list(self.classes),
            "target_mean": self.target_mean,
            "target_scale": self.target_scale,
            "notes": self.notes,
            "class_counts": [int(c) for c in self.class_counts],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Preprocessor:
        return cls(
            data["target"],
            data["task"],
            data["features"],
            np.array(data["mean"], dtype=np.float64),
            np.array(data["scale"], dtype=np.float64),
            list(data["classes"]),
            float(data["target_mean"]),
            float(data["target_scale"]),
            data.get("task_rule", ""),
            list(data.get("notes", [])),
            [int(c) for c in data.get("class_counts", [])],
        )
