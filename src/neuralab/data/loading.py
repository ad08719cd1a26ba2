"""``load_data``: one entry point for a CSV path or a bundled set's name."""

from __future__ import annotations

import os

from .bundled import BUNDLED, load_bundled
from .csv_reader import read_csv
from .table import Table


def load_data(
    source: str | os.PathLike,
    *,
    missing: str = "keep",
    sep: str | None = None,
    decimal: str | None = None,
    drop_missing: bool = False,
) -> tuple[Table, str | None]:
    """A CSV path or a bundled set's name -> (table, known target column or None).

    ``missing``, ``sep`` and ``decimal`` are those of ``read_csv`` (bundled sets have no
    missing cells); ``drop_missing=True`` is ``missing="drop"``.

    Examples
    --------
    >>> from neuralab.data import load_data
    >>> table, target = load_data("iris")
    >>> table.n_rows, target
    (150, 'target')
    """
    text = os.fspath(source)
    if text in BUNDLED and not os.path.exists(text):
        return load_bundled(text)
    return read_csv(text, missing="drop" if drop_missing else missing, sep=sep, decimal=decimal), None
