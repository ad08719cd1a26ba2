"""The playground's data: seven seeded 2-D toy sets and uploaded CSV tables, split into train/test.

Toy sets (``X`` of shape (n_samples, 2), roughly in [-1, 1]^2, ``noise`` the standard
deviation of Gaussian noise added to the points, or to the target of ``plane``):

- ``circles``: a disc (class 1) inside a ring (class 0);
- ``xor``: class 1 where x1 * x2 > 0 (the four quadrants);
- ``spirals``: two interleaved spirals, one per class;
- ``blobs``: two Gaussian clusters;
- ``three_blobs``: three Gaussian clusters, one per class (three classes, softmax);
- ``spirals3``: three interleaved spiral arms, one per class;
- ``plane``: regression, target = 0.6 x1 - 0.4 x2.

An uploaded CSV gives every numeric column except the target as a feature, standardised
with the training rows' mean and standard deviation; two of them are drawn on the plane
and the others are held at their training mean (0 after standardisation) in the drawings.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, field

import numpy as np

from ..data import DataError, Table, infer_task, read_csv, split_indices
from .errors import PlaygroundInputError

TOY_DATASETS = ("circles", "xor", "spirals", "blobs", "three_blobs", "spirals3", "plane")
"""The built-in toy sets, in the order the page lists them."""

INPUT_FEATURES = {
    "x1": lambda p: p[:, 0],
    "x2": lambda p: p[:, 1],
    "x1^2": lambda p: p[:, 0] ** 2,
    "x2^2": lambda p: p[:, 1] ** 2,
    "x1*x2": lambda p: p[:, 0] * p[:, 1],
    "sin(pi*x1)": lambda p: np.sin(math.pi * p[:, 0]),
    "sin(pi*x2)": lambda p: np.sin(math.pi * p[:, 1]),
}
"""The inputs a toy set's network may get, each computed from the point (x1, x2) on the plane
(the toy sets lie in about [-1.2, 1.2]^2, so sin takes pi * x to bend within it)."""


def input_features(points: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The chosen input features of plane points: (n, 2) -> (n, len(names)), in ``names``' order.

    >>> input_features(np.array([[0.5, -2.0]]), ("x1", "x1*x2", "x2^2")).tolist()
    [[0.5, -1.0, 4.0]]
    """
    return np.column_stack([INPUT_FEATURES[name](points) for name in names]).astype(np.float64)


@dataclass
class Dataset:
    """Training and test data plus what the page needs to draw them.

    ``X_train`` (n_train, n_features), ``y_train`` (n_train,) with class indices (float for
    ``task == "regression"``); the same for the test rows. ``plane`` holds the indices of the
    two drawn features, ``extent`` (x_min, x_max, y_min, y_max) the drawn window, ``classes``
    the class labels (empty for regression).
    """

    name: str
    task: str  # "binary", "multiclass" or "regression"
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]
    plane: tuple[int, int] = (0, 1)
    extent: tuple[float, float, float, float] = (-1.2, 1.2, -1.2, 1.2)
    classes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    inputs: tuple[str, ...] | None = None  # toy sets: the input features computed from the plane point
    drawn_train: np.ndarray | None = None  # toy sets: the (n, 2) plane points of the rows
    drawn_test: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    def grid(self, size: int) -> np.ndarray:
        """Inputs for a ``size`` x ``size`` grid over ``extent``, shape (size * size, n_features).

        Row-major with the first row at the top (largest y); features off the plane are 0,
        the training mean after standardisation (toy sets have exactly two features).
        """
        x_min, x_max, y_min, y_max = self.extent
        xs = np.linspace(x_min, x_max, size)
        ys = np.linspace(y_max, y_min, size)
        gx, gy = np.meshgrid(xs, ys)
        if self.inputs is not None:  # a toy set: its features are functions of the point
            return input_features(np.column_stack([gx.ravel(), gy.ravel()]), self.inputs)
        inputs = np.zeros((size * size, self.n_features))
        inputs[:, self.plane[0]] = gx.ravel()
        inputs[:, self.plane[1]] = gy.ravel()
        return inputs

    def points(self, part: str) -> list[list[float]]:
        """[[x, y, target], ...] of the training or test rows (``part``) on the plane, rounded."""
        X, y, drawn = (
            (self.X_train, self.y_train, self.drawn_train)
            if part == "train"
            else (self.X_test, self.y_test, self.drawn_test)
        )
        if drawn is None:
            drawn = X[:, list(self.plane)]
        return np.round(np.column_stack([drawn, y]), 4).tolist()


def _circles(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    inner = n // 2
    radius = np.concatenate([rng.uniform(0.0, 0.5, inner), rng.uniform(0.7, 1.0, n - inner)])
    angle = rng.uniform(0.0, 2 * math.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    y = np.concatenate([np.ones(inner), np.zeros(n - inner)])
    return X, y


def _xor(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.0, 1.0, (n, 2))
    X += np.sign(X) * 0.05  # a small margin around the axes
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.float64)


def _spirals(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    y = np.concatenate([np.zeros(half), np.ones(n - half)])
    t = np.concatenate([rng.uniform(0.05, 1.0, half), rng.uniform(0.05, 1.0, n - half)])
    angle = 1.75 * 2 * math.pi * t + math.pi * y
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    return X, y


def _blobs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    half = n // 2
    y = np.concatenate([np.zeros(half), np.ones(n - half)])
    centres = np.where(y[:, None] == 1, 0.5, -0.5)
    return centres + rng.normal(0.0, 0.2, (n, 2)), y


def _three_blobs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = np.sort(np.arange(n) % 3).astype(np.float64)
    centres = np.array([[-0.5, -0.4], [0.5, -0.4], [0.0, 0.5]])
    return centres[y.astype(int)] + rng.normal(0.0, 0.2, (n, 2)), y


def _spirals3(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = np.sort(np.arange(n) % 3).astype(np.float64)
    t = rng.uniform(0.05, 1.0, n)
    angle = 1.5 * 2 * math.pi * t + 2 * math.pi * y / 3
    return np.column_stack([t * np.cos(angle), t * np.sin(angle)]), y


def _plane(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1.0, 1.0, (n, 2))
    return X, 0.6 * X[:, 0] - 0.4 * X[:, 1]


_GENERATORS = {
    "circles": _circles,
    "xor": _xor,
    "spirals": _spirals,
    "blobs": _blobs,
    "three_blobs": _three_blobs,
    "spirals3": _spirals3,
    "plane": _plane,
}
_THREE_CLASSES = ("three_blobs", "spirals3")


def toy_dataset(
    name: str,
    *,
    n_samples: int = 500,
    noise: float = 0.0,
    test_fraction: float = 0.3,
    seed: int = 0,
    inputs: tuple[str, ...] = ("x1", "x2"),
) -> Dataset:
    """Generate the toy set ``name`` (one of ``TOY_DATASETS``), seeded, and split it; the
    network's inputs are the features ``inputs`` (keys of ``INPUT_FEATURES``) of each point.

    >>> data = toy_dataset("xor", n_samples=100, noise=0.1, test_fraction=0.2, seed=1)
    >>> data.X_train.shape, data.X_test.shape, data.task
    ((80, 2), (20, 2), 'binary')
    """
    if name not in _GENERATORS:
        raise PlaygroundInputError(f"Unknown data set {name!r}. Choose one of: {', '.join(TOY_DATASETS)}.")
    rng = np.random.default_rng(seed)
    X, y = _GENERATORS[name](n_samples, rng)
    if name == "plane":
        y = y + rng.normal(0.0, noise, n_samples) if noise else y
    elif noise:
        X = X + rng.normal(0.0, noise, X.shape)
    train, _, test = split_indices(n_samples, test=test_fraction, seed=seed + 1)
    task = "regression" if name == "plane" else "multiclass" if name in _THREE_CLASSES else "binary"
    classes = {"regression": [], "binary": ["0", "1"], "multiclass": ["0", "1", "2"]}[task]
    limit = max(1.2, float(np.ceil(np.abs(X).max() * 10) / 10) + 0.1)
    features = input_features(X, inputs)
    return Dataset(
        name,
        task,
        features[train],
        y[train],
        features[test],
        y[test],
        list(inputs),
        extent=(-limit, limit, -limit, limit),
        classes=classes,
        inputs=tuple(inputs),
        drawn_train=X[train],
        drawn_test=X[test],
    )


# -- uploaded CSV files -------------------------------------------------------------------------
MAX_UPLOAD_BYTES = 1_000_000
"""The largest CSV upload accepted (bytes)."""
MAX_UPLOAD_ROWS = 5_000
"""The most data rows an uploaded CSV may have (the training runs once per frame)."""


def parse_upload(filename: str, content: bytes) -> Table:
    """Read an uploaded CSV (``content`` bytes) with neuralab's own CSV reader.

    Raises PlaygroundInputError (or its subclasses with a 413/415 status) for a file that is
    too large, not a CSV, not UTF-8 text, or has fewer than 2 numeric columns besides one
    possible target or too few/many rows.
    """
    from .errors import UnsupportedUpload, UploadTooLarge

    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge(
            f"The file is {len(content):,} bytes; the playground accepts CSV files up to "
            f"{MAX_UPLOAD_BYTES:,} bytes. Upload a sample of the rows."
        )
    if not filename.lower().endswith(".csv"):
        raise UnsupportedUpload(f"{filename!r} is not a .csv file. Save the table as CSV (comma-separated).")
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsupportedUpload(
            f"{filename!r} is not UTF-8 text (byte {exc.start} cannot be read). Save it as UTF-8 CSV."
        ) from exc
    handle, path = tempfile.mkstemp(suffix=".csv", prefix="neuralab-upload-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        table = read_csv(path, drop_missing=True)
    except DataError as exc:
        message = str(exc).replace(path, filename)
        raise PlaygroundInputError(message) from exc
    finally:
        os.unlink(path)
    table.source = filename
    numeric = [name for name in table.columns if table.is_numeric(name)]
    if len(numeric) < 2:
        raise PlaygroundInputError(
            f"{filename} has {len(numeric)} numeric column(s); the playground needs at least 2 numeric "
            "features (plus a target column) to draw a plane."
        )
    if not 10 <= table.n_rows <= MAX_UPLOAD_ROWS:
        raise PlaygroundInputError(
            f"{filename} has {table.n_rows} data rows; the playground needs between 10 and "
            f"{MAX_UPLOAD_ROWS:,}."
        )
    return table


def table_dataset(
    table: Table, *, target: str, x_feature: str, y_feature: str, test_fraction: float = 0.3, seed: int = 0
) -> Dataset:
    """A Dataset from an uploaded table: ``target`` is predicted from every other numeric column.

    ``x_feature`` and ``y_feature`` are the two features drawn on the plane.
    """
    if target not in table.columns:
        raise PlaygroundInputError(
            f"{table.source} has no column {target!r}. Its columns are: {', '.join(table.columns)}."
        )
    features = [name for name in table.columns if name != target and table.is_numeric(name)]
    if len(features) < 2:
        raise PlaygroundInputError(
            f"With {target!r} as the target, {table.source} has {len(features)} numeric feature(s); "
            "at least 2 are needed."
        )
    for label, name in (("x_feature", x_feature), ("y_feature", y_feature)):
        if name not in features:
            raise PlaygroundInputError(
                f"`{label}` must be one of the numeric features: {', '.join(features)}. Got {name!r}."
            )
    if x_feature == y_feature:
        raise PlaygroundInputError("`x_feature` and `y_feature` must be two different columns.")
    values = table.column(target)
    task, _ = infer_task(values, target)
    if task == "classification":
        labels, y = np.unique(values.astype(str), return_inverse=True)
        if labels.size < 2:
            raise PlaygroundInputError(f"The target {target!r} has a single class; it needs at least two.")
        classes = [str(label) for label in labels]
        task = "binary" if labels.size == 2 else "multiclass"
        y = y.astype(np.float64)
    else:
        classes, y = [], values.astype(np.float64)
    X = np.column_stack([table.column(name) for name in features])
    train, _, test = split_indices(table.n_rows, test=test_fraction, seed=seed)
    if test.size == 0:
        raise PlaygroundInputError(f"A test fraction of {test_fraction} leaves no test rows; raise it.")
    mean = X[train].mean(axis=0)
    scale = X[train].std(axis=0)
    scale[scale == 0] = 1.0  # a constant column stays 0 after centring
    X = (X - mean) / scale
    notes = list(table.notes)
    if len(features) > 2:
        held = [name for name in features if name not in (x_feature, y_feature)]
        notes.append(f"Drawn with {', '.join(held)} held at their training means.")
    plane = (features.index(x_feature), features.index(y_feature))
    drawn = X[:, list(plane)]
    low, high = drawn.min(axis=0) - 0.3, drawn.max(axis=0) + 0.3
    return Dataset(
        "upload",
        task,
        X[train],
        y[train],
        X[test],
        y[test],
        features,
        plane,
        (float(low[0]), float(high[0]), float(low[1]), float(high[1])),
        classes,
        notes,
    )


__all__ = [
    "INPUT_FEATURES",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_ROWS",
    "TOY_DATASETS",
    "Dataset",
    "input_features",
    "parse_upload",
    "table_dataset",
    "toy_dataset",
]
