"""The data sets scikit-learn ships, usable by name (no download)."""

from __future__ import annotations

import numpy as np

from .table import DataError, Table

BUNDLED = ("digits", "iris", "breast_cancer", "wine", "diabetes")
"""Data sets shipped with scikit-learn, usable by name.

Examples
--------
>>> from neuralab.data import BUNDLED
>>> BUNDLED
('digits', 'iris', 'breast_cancer', 'wine', 'diabetes')
"""


# -- bundled data sets ---------------------------------------------------------------------
def load_bundled(name: str) -> tuple[Table, str]:
    """Return (table, target column) for a data set scikit-learn ships (no download).

    digits (8x8 images, 10 classes), iris (3 species), breast_cancer (malignant/benign),
    wine (3 cultivars), diabetes (regression: disease progression after one year).

    Examples
    --------
    >>> from neuralab.data import load_bundled
    >>> table, target = load_bundled("breast_cancer")
    >>> table.n_rows, len(table.columns) - 1, target
    (569, 30, 'target')
    """
    from sklearn import datasets

    loaders = {
        "digits": datasets.load_digits,
        "iris": datasets.load_iris,
        "breast_cancer": datasets.load_breast_cancer,
        "wine": datasets.load_wine,
        "diabetes": datasets.load_diabetes,
    }
    if name not in loaders:
        raise DataError(f"Unknown bundled data set {name!r}. Choose one of: {', '.join(BUNDLED)}.")
    bunch = loaders[name]()
    names = [str(n) for n in bunch.feature_names]
    target = bunch.target
    if name in ("iris", "breast_cancer", "wine"):
        target = np.asarray(bunch.target_names)[bunch.target]
    table = Table.from_arrays(bunch.data, target, feature_names=names, target_name="target", source=name)
    return table, "target"
