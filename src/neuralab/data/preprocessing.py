"""``Preprocessor``: a table -> the network's inputs and targets, and predictions back.

    x' = (x - mean) / scale          per feature, mean and scale from the training rows
    categorical column -> one-hot    one 0/1 column per category seen
    regression target:  y' = (y - mean_y) / scale_y, undone on predict
    classification target: class index -> one-hot row (or 0/1 for a sigmoid output)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ValidationError
from .table import DataError, Table
from .tasks import infer_task


# -- preprocessing -------------------------------------------------------------------------
def _plain_labels(values: np.ndarray) -> list:
    if values.dtype.kind == "f":
        return [int(v) if v == round(v) else float(v) for v in values]
    return [str(v) for v in values]


# Beyond these magnitudes x**2 overflows (or underflows) in float64: such a column is
# divided by its largest |x| before its mean and standard deviation are taken.
_SAFE_LARGEST, _SAFE_SMALLEST = 1e100, 1e-100


def _mean_std(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and (population) standard deviations of ``values`` (n, k) or (n,), without overflow.

    A column whose largest magnitude ``m = max |x|`` lies outside [1e-100, 1e100] is
    rescaled first: ``mean = m * mean(x / m)``, ``std = m * std(x / m)`` (both <= m, so
    finite). Other columns are computed directly, bit for bit as ``values.mean(axis=0)``.
    """
    peak = np.abs(values).max(axis=0, initial=0.0)
    extreme = (peak > _SAFE_LARGEST) | ((peak > 0) & (peak < _SAFE_SMALLEST))
    factor = np.where(extreme, peak, 1.0)
    unit = values / factor
    return unit.mean(axis=0) * factor, unit.std(axis=0) * factor


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
        if target in ignore:
            raise DataError(
                f"The target column {target!r} cannot be ignored: --ignore (ignore=) leaves out input "
                f"columns, and {target!r} is the column to predict. Remove it from --ignore."
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
        pre.mean, std = _mean_std(encoded)
        pre.scale = np.where(std > 0, std, 1.0)
        pre._standardise(encoded, train)  # refuses a column whose scaled values would not be finite
        if task == "regression":
            values = train.column(target)
            target_mean, target_std = _mean_std(values)
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
        """Standardised network inputs, shape (n_rows, n_inputs), float64.

        A value so far from the training rows that ``(x - mean) / scale`` overflows is an
        error naming the column and the row (never a silent infinity).
        """
        return self._standardise(self._encode(table), table)

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
        labels = _plain_labels(values) if values.dtype.kind == "f" else [str(v) for v in values]
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
