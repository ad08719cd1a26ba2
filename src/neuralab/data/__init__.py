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

One module per job:

- ``table``: ``Table`` (named columns) and ``DataError``
- ``csv_reader``: ``read_csv``, ``read_csv_chunks`` (header, kinds, missing cells)
- ``bundled``: ``load_bundled`` and the names in ``BUNDLED``; ``loading``: ``load_data``
- ``tasks``: ``infer_task`` and ``split_indices``
- ``preprocessing``: ``Preprocessor``
"""

from __future__ import annotations

from .bundled import BUNDLED, load_bundled
from .csv_reader import MISSING_MARKERS, read_csv, read_csv_chunks
from .loading import load_data
from .preprocessing import Preprocessor
from .table import DataError, Table, name_list
from .tasks import MAX_CLASS_INTEGERS, infer_task, split_indices

# In reading order, not sorted: the API page (docs/reference/data.md) lists the names in this order.
__all__ = [  # noqa: RUF022
    "MISSING_MARKERS",
    "BUNDLED",
    "MAX_CLASS_INTEGERS",
    "DataError",
    "Table",
    "read_csv",
    "read_csv_chunks",
    "name_list",
    "load_bundled",
    "load_data",
    "infer_task",
    "split_indices",
    "Preprocessor",
]
