"""What the notebook playground accepts, turned into the web playground's own ``Session``.

``playground_session`` takes data as

- a toy set's name (``neuralab.playground.TOY_DATASETS``: "circles", "xor", ...), made by
  ``toy_dataset`` with ``n_samples``, ``noise`` and ``inputs``;
- a bundled set's name (``neuralab.data.BUNDLED``: "iris", "wine", ...);
- a NumPy array ``X`` (n_samples, n_features >= 2) with the targets ``y`` (n_samples,);
- a pandas or polars DataFrame with ``target=`` a column (or the targets in ``y``);

and a network as ``hidden`` layers (``[(8, "relu"), (8, "tanh")]``, or ``[8, 8]`` for relu)
or a ``Sequential`` of Dense layers (trained in place). A table's numeric columns other than
the target are the features, standardised with the training rows' mean and standard deviation
(``table_dataset``, as for a CSV uploaded to the page); ``x_feature`` and ``y_feature`` name
the two drawn on the plane (default: the first two). Every setting is checked by the page's
own ``parse_config``, so a bad value gets the same message as on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..data import BUNDLED, Table, is_frame, load_bundled, table_from_frame
from ..network import Sequential
from ..playground import TOY_DATASETS, Dataset, Session, parse_config
from ..playground.datasets import MAX_UPLOAD_ROWS
from ..playground.errors import PlaygroundInputError
from ..playground.store import check_batch_size, config_dataset

TOY_ONLY = ("n_samples", "noise", "inputs")
"""Settings that shape a generated toy set (refused with a table's data)."""


def _hidden(hidden: object) -> list[dict]:
    """``[(8, "relu"), 4, {"units": 2, "activation": "tanh"}]`` -> the page's layer dicts."""
    if not isinstance(hidden, (list, tuple)):
        raise PlaygroundInputError(
            f"`hidden` must be a list of layers such as [(8, 'relu'), (8, 'relu')]. Got {hidden!r}."
        )
    layers: list[dict] = []
    for layer in hidden:
        if isinstance(layer, int) and not isinstance(layer, bool):
            layers.append({"units": layer})
        elif isinstance(layer, tuple) and len(layer) == 2:
            layers.append({"units": layer[0], "activation": layer[1]})
        elif isinstance(layer, dict):
            layers.append(layer)
        else:
            raise PlaygroundInputError(
                f"Each hidden layer is (units, activation), units alone, or a dict; got {layer!r}. "
                "Example: hidden=[(8, 'relu'), (4, 'tanh')]."
            )
    return layers


def _network_layers(network: object) -> list[dict]:
    if not isinstance(network, Sequential):
        raise PlaygroundInputError(
            f"`network` must be a neuralab Sequential of Dense layers. Got {type(network).__name__}."
        )
    return [
        {"units": layer.units, "activation": getattr(layer.activation, "name", "linear")}
        for layer in network.layers[:-1]
    ]


def _table(data: object, y: object, target: str | None) -> tuple[Table, str]:
    """A table and its target column from a bundled name, a DataFrame, a Table or arrays."""
    if isinstance(data, str):
        if target is not None or y is not None:
            raise PlaygroundInputError(
                f"{data!r} is a bundled data set with its own target; drop `y`/`target`."
            )
        return load_bundled(data)
    if is_frame(data) or isinstance(data, Table):
        table = data if isinstance(data, Table) else table_from_frame(data)
        if y is not None:
            if target is not None:
                raise PlaygroundInputError(
                    "Give the targets either as `y` or as the column `target`, not both."
                )
            name = "target"
            if name in table.columns:
                raise PlaygroundInputError(
                    "The DataFrame already has a column 'target'; pass target='target' instead of `y`."
                )
            values = np.asarray(y)
            if values.shape != (table.n_rows,):
                raise PlaygroundInputError(f"`y` must have shape ({table.n_rows},). Got {values.shape}.")
            numeric = values.dtype.kind in "biuf"
            column = values.astype(np.float64) if numeric else values.astype(str).astype(object)
            table = Table([*table.columns, name], {**table.data, name: column}, table.source)
            return table, name
        if target is None:
            raise PlaygroundInputError(
                f"Name the target column: target= one of {', '.join(table.columns)} "
                "(or pass the targets as y)."
            )
        return table, target
    if y is None:
        raise PlaygroundInputError(
            "Arrays need their targets: Playground(X, y). Or pass a toy set's name such as 'circles'."
        )
    if target is not None:
        raise PlaygroundInputError("`target` names a DataFrame's column; with arrays pass the targets as y.")
    return Table.from_arrays(np.asarray(data), y), "target"


def _check_table(table: Table, target: str) -> None:
    """The rows the page accepts (10 to MAX_UPLOAD_ROWS) and no missing value in what is used."""
    if not 10 <= table.n_rows <= MAX_UPLOAD_ROWS:
        raise PlaygroundInputError(
            f"The data has {table.n_rows} rows; the playground needs between 10 and {MAX_UPLOAD_ROWS:,}. "
            "Pass a sample of the rows."
        )
    if target not in table.columns:
        raise PlaygroundInputError(
            f"The data has no column {target!r}. Its columns are: {', '.join(table.columns)}."
        )
    for name in table.columns:
        column = table.column(name)
        used = name == target or table.is_numeric(name)
        missing = int(np.isnan(column).sum()) if column.dtype.kind == "f" else sum(v is None for v in column)
        if used and missing:
            raise PlaygroundInputError(
                f"Column {name!r} has {missing} missing value(s) (NaN or empty); the playground trains on "
                "complete rows. Drop those rows or fill them (e.g. frame.dropna())."
            )


def playground_session(
    data: object = "circles",
    y: object = None,
    *,
    network: Sequential | None = None,
    hidden: Sequence[Any] | None = None,
    target: str | None = None,
    x_feature: str | None = None,
    y_feature: str | None = None,
    session_id: str = "notebook",
    **settings: Any,
) -> Session:
    """A playground ``Session`` for ``data`` and a network (see the module's description).

    ``settings``: the page's settings (``learning_rate``, ``batch_size`` (None: all samples),
    ``optimizer``, ``l2``, ``l1``, ``seed``, ``test_fraction``; for a toy set also
    ``n_samples``, ``noise``, ``inputs``), checked by ``parse_config``.

    >>> session = playground_session("xor", hidden=[(4, "tanh")], n_samples=100, seed=2)
    >>> session.dataset.X_train.shape, [layer.units for layer in session.network.layers]
    ((70, 2), [4, 1])
    """
    if network is not None and hidden is not None:
        raise PlaygroundInputError("Give either `network` or `hidden`, not both.")
    unknown = sorted(set(settings) - {"learning_rate", "batch_size", "optimizer", "l2", "l1", "seed",
                                      "test_fraction", *TOY_ONLY})  # fmt: skip
    if unknown:
        raise PlaygroundInputError(
            f"Unknown setting(s): {', '.join(unknown)}. Valid settings: learning_rate, batch_size, "
            "optimizer, l2, l1, seed, test_fraction, and for a toy set n_samples, noise, inputs."
        )
    payload: dict[str, Any] = dict(settings)
    if "inputs" in payload:
        payload["inputs"] = list(payload["inputs"])
    payload["hidden"] = _network_layers(network) if network is not None else _hidden(hidden or [8, 8])
    toy = isinstance(data, str) and data in TOY_DATASETS
    if isinstance(data, str) and not toy and data not in BUNDLED:
        raise PlaygroundInputError(
            f"Unknown data set {data!r}. Choose a toy set ({', '.join(TOY_DATASETS)}), a bundled set "
            f"({', '.join(BUNDLED)}), arrays X, y or a DataFrame."
        )
    dataset: Dataset
    if toy:
        for name, value in (("target", target), ("x_feature", x_feature), ("y_feature", y_feature), ("y", y)):
            if value is not None:
                raise PlaygroundInputError(
                    f"`{name}` applies to a table's data; the toy set {data!r} has its own."
                )
        config = parse_config({**payload, "dataset": data})
        dataset = config_dataset(config)
    else:
        given = [name for name in TOY_ONLY if name in payload]
        if given:
            raise PlaygroundInputError(
                f"{', '.join(given)}: only for a generated toy set; this data is a table. Drop them."
            )
        table, target_name = _table(data, y, target)
        _check_table(table, target_name)
        features = [name for name in table.columns if name != target_name and table.is_numeric(name)]
        if len(features) < 2:
            raise PlaygroundInputError(
                f"The data has {len(features)} numeric feature(s) besides the target {target_name!r}; the "
                "playground needs at least 2 to draw a plane."
            )
        x_name = x_feature if x_feature is not None else features[0]
        y_name = y_feature if y_feature is not None else next(f for f in features if f != x_name)
        config = parse_config(
            {**payload, "dataset": "upload", "upload_id": "notebook", "target": target_name,
             "x_feature": x_name, "y_feature": y_name}
        )  # fmt: skip
        dataset = config_dataset(config, table)
        dataset.name = data if isinstance(data, str) else table.source
    check_batch_size(config, dataset)
    return Session(session_id, config, dataset, network)


__all__ = ["TOY_ONLY", "playground_session"]
