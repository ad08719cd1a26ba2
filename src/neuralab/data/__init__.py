"""Real data: CSV files and bundled data sets, splits, task inference and preprocessing.

A ``Table`` is a list of named columns, each a 1-D array: float64 for a numeric or a date
column (days since 1970-01-01 UTC; NaN where a cell is missing), strings (dtype object;
None where a cell is missing) for a categorical one. ``read_csv`` reads a file with a header row
(and refuses, with the row and column named, whatever it cannot use); ``read_csv_chunks``
streams a large file in tables of at most ``chunk_rows`` rows; ``load_bundled`` gives the
data sets that scikit-learn ships.

``Preprocessor`` turns a table into the network's inputs and targets:

    missing cell -> fill value       median (numeric, date) or most frequent value (categorical)
                                     of the training rows; optional 0/1 "was missing" inputs
    x' = (x - mean) / scale          per feature, mean and scale from the training rows
    categorical column -> one-hot    one 0/1 column per category seen (an unseen one: all 0)
    date column -> 3 numbers         days since 1970-01-01, year, day of year
    regression target:  y' = (y - mean_y) / scale_y, undone on predict
    classification target: class index -> one-hot row (or 0/1 for a sigmoid output)

One module per job:

- ``table``: ``Table`` (named columns) and ``DataError``
- ``cells``: what a cell's text means (missing, a plain ASCII number, an ISO date)
- ``sniffing``: the separator and the decimal mark (``sniff``)
- ``column_parsing``: one column's cell texts -> values and kind (``parse_column``)
- ``csv_reader``: ``read_csv``, ``read_csv_chunks`` (header, rows, kinds, missing cells)
- ``frames``: ``table_from_frame`` (pandas or polars DataFrames, handled as CSV columns)
- ``bundled``: ``load_bundled`` and the names in ``BUNDLED``; ``loading``: ``load_data``
- ``tasks``: ``infer_task`` and ``split_indices``
- ``fitting``: what ``Preprocessor.fit`` learns per column (kind, categories, fill value)
- ``transform_report``: ``TransformReport`` (cells filled, unseen categories) in words
- ``preprocessing``: ``Preprocessor``
"""

from __future__ import annotations

from .bundled import BUNDLED, load_bundled
from .cells import MISSING_MARKERS
from .csv_reader import read_csv, read_csv_chunks, sniff
from .frames import is_frame, table_from_frame
from .loading import load_data
from .preprocessing import Preprocessor
from .table import DataError, DataWarning, Table, name_list
from .tasks import MAX_CLASS_INTEGERS, infer_task, split_indices
from .transform_report import TransformReport

# In reading order, not sorted: the API page (docs/reference/data.md) lists the names in this order.
__all__ = [  # noqa: RUF022
    "MISSING_MARKERS",
    "BUNDLED",
    "MAX_CLASS_INTEGERS",
    "DataError",
    "DataWarning",
    "Table",
    "read_csv",
    "read_csv_chunks",
    "sniff",
    "is_frame",
    "table_from_frame",
    "name_list",
    "load_bundled",
    "load_data",
    "infer_task",
    "split_indices",
    "Preprocessor",
    "TransformReport",
]
