"""The table a saved model reads for ``evaluate`` and ``predict``: its columns and kinds, from a
CSV file or a bundled set."""

from __future__ import annotations

import os

from ..data import (
    BUNDLED,
    DataError,
    Table,
    load_bundled,
    name_list,
    read_csv,
)
from ..model import Model


def reader_missing(missing: str) -> str:
    """What the CSV reader does for a --missing choice (impute: keep the gaps for the model)."""
    return "keep" if missing == "impute" else missing


def table_for(
    model: Model,
    data: str,
    target: str | None,
    *,
    with_target: bool,
    missing: str = "impute",
    sep: str | None = None,
    decimal: str | None = None,
) -> Table:
    kinds = model.column_kinds(with_target=with_target)
    if data in BUNDLED and not os.path.exists(data):
        table, _ = load_bundled(data)
        absent = [name for name in kinds if name not in table.data]
        if absent:
            raise DataError(
                f"{data} lacks the column(s) the model needs: {name_list(absent)}. "
                f"Its columns are: {name_list(table.columns)}."
            )
        return table
    if with_target and target and target != model.target:
        kinds.setdefault(target, kinds.pop(model.target))  # a feature column keeps its own kind
    return read_csv(data, kinds=kinds, missing=reader_missing(missing), sep=sep, decimal=decimal)
