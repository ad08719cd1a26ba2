"""Model files (``.nlab``): arrays plus JSON metadata in one zip (NumPy's ``.npz``).

Files are data, never code, and a file is checked completely before anything in it is used:

- ``save`` writes a temporary file in the target's folder and renames it over the target
  (``os.replace``), so an existing model is never left half-written;
- ``load`` reads no member it has not accounted for, parses no ``.npy`` header with ``eval``
  and unpickles nothing; sizes come from the zip directory and the array headers and are
  checked against what the metadata declares before anything is allocated; the metadata is
  held to a schema (``_metadata``): types, allowed values, lengths, finiteness and the
  agreements between preprocessing, architecture and loss. Anything else is a
  ``ModelFileError`` that names the member or the field.

Layout (format version 2): ``layer<i>.weights`` / ``layer<i>.biases`` arrays (``i`` the layer's
position, dropout layers counted); the optimizer's state under the names of the parameters it
belongs to, ``optimizer.layer<i>.weights.<slot>`` (e.g. ``optimizer.layer0.weights.m``), with
``optimizer.iterations`` (the step count) and ``optimizer.base_learning_rate`` (a schedule's
start, if any); and ``metadata``, the UTF-8 bytes of a JSON object with the format tag and
version, the architecture, dtype, preprocessing (scaling, columns, class labels), loss,
optimizer config, neuralab version and training summary. Version 1 files (optimizer state by
buffer index, ``optimizer.0.m``) still load; a file from a newer version is refused.
"""

from __future__ import annotations

import json
import os

import numpy as np

from .._files import atomic_write
from .._version import __version__
from ..data import Preprocessor
from ..errors import ModelFileError, NeuralabError, ValidationError
from ..model import Model
from ..network import Sequential, layer_from_config
from ..optimizers import OPTIMIZERS, Optimizer, optimizer_from_config
from ._archive import Archive
from ._metadata import FORMAT, FORMAT_VERSION, MAX_METADATA_BYTES, check, parse

_SCALARS = {"iterations": ("int64",), "base_learning_rate": ("float64",)}
_NON_NEGATIVE_SLOTS = ("v", "square_avg")  # running averages of squared gradients


def save(model: Model, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` atomically (temporary file in the same folder, then rename).

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> from neuralab.data import Table
    >>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
    >>> table = Table.from_arrays(X, np.where(X[:, 0] > 0, "up", "down"), target_name="side")
    >>> import os, tempfile
    >>> model = nl.Model.for_data(table, "side", hidden=(4,))
    >>> _ = model.fit(table, epochs=5, seed=0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "side.nlab")
    ...     nl.save(model, path)
    ...     again = nl.load(path)
    ...     print((again.predict(table) == model.predict(table)).all())
    True
    """
    if not isinstance(model, Model):
        raise ValidationError(_not_a_model(model))
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ModelFileError(f"Cannot write {path}: the folder {folder} does not exist.")
    parameters = _named_parameters(model.network)
    arrays: dict[str, np.ndarray] = dict(parameters)
    optimizer = None
    if model.optimizer is not None:
        optimizer = model.optimizer.get_config()
        state = model.optimizer.get_named_state(dict(parameters))  # e.g. "layer0.weights.m"
        arrays.update({f"optimizer.{key}": np.asarray(value) for key, value in state.items()})
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "neuralab_version": __version__,
        "architecture": model.network.get_config(),
        "loss": model.loss,
        "preprocessing": model.preprocessor.to_dict(),
        "optimizer": optimizer,
        "training": model.training,
    }
    arrays["metadata"] = np.frombuffer(json.dumps(metadata).encode("utf-8"), dtype=np.uint8)
    with atomic_write(path) as handle:
        np.savez(handle, **arrays)  # type: ignore[arg-type]  # numpy's stubs fear a key "allow_pickle"


def _named_parameters(network: Sequential) -> list[tuple[str, np.ndarray]]:
    """("layer<i>.weights", W), ("layer<i>.biases", b), ... in the order of ``parameters()``."""
    return [
        (f"layer{position}.{name}", parameter)
        for position, layer in enumerate(network.layers)  # a Dropout layer has none, keeps its number
        for name, parameter in zip(layer.parameter_names(), layer.parameters(), strict=True)
    ]


def _not_a_model(value: object) -> str:
    """Why ``save`` refuses ``value`` and what to do instead."""
    why = (
        "A .nlab file stores a Model: the network together with its preprocessing (input "
        "columns, their scaling, the class labels), so that `load` gives back something that "
        "predicts on raw data."
    )
    as_model = (
        "To get a file that `load` can use, train through a Model, which builds its network "
        "(choose it with hidden=(...)) and its preprocessing from the data: "
        "table = neuralab.data.Table.from_arrays(X, y); "
        "model = nl.Model.for_data(table, 'target'); model.fit(table); nl.save(model, path)."
    )
    if isinstance(value, Sequential):
        return (
            f"`save` needs a neuralab Model. Got a Sequential, which has no preprocessing. {why} "
            f"{as_model} Or keep just the weights of this network: "
            "np.savez(path, *net.get_weights()), and later, in a Sequential with the same layers, "
            "net.set_weights(list(np.load(path).values()))."
        )
    return f"`save` needs a neuralab Model. Got {type(value).__name__}. {why} {as_model}"


def load(path: str | os.PathLike) -> Model:
    """Read a model written by ``save`` (any format version up to ``FORMAT_VERSION``).

    Every part of the file is checked before it is used; a missing, damaged, edited,
    inconsistent or foreign file is refused with a ModelFileError naming the member or the
    metadata field at fault.

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> from neuralab.data import Table
    >>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
    >>> table = Table.from_arrays(X, np.where(X[:, 0] > 0, "up", "down"), target_name="side")
    >>> import os, tempfile
    >>> model = nl.Model.for_data(table, "side", hidden=(4,))
    >>> _ = model.fit(table, epochs=5, seed=0)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     nl.save(model, os.path.join(folder, "side.nlab"))
    ...     print(nl.load(os.path.join(folder, "side.nlab")).classes)
    ['down', 'up']
    """
    path = os.fspath(path)
    with Archive(path) as archive:
        if "metadata" not in archive.names():
            raise ModelFileError(f"{path} is a NumPy archive but not a neuralab model (no metadata).")
        raw = archive.read("metadata", dtypes=("uint8",), max_bytes=MAX_METADATA_BYTES)
        if raw.ndim != 1:
            raise ModelFileError(
                f"{path}: the member metadata.npy is not a byte string; it is not a neuralab model."
            )
        metadata = parse(raw.tobytes(), path)
        version = check(metadata, path)
        plan = _plan(metadata, version, archive.names(), path)
        archive.refuse_unexpected({"metadata", *plan})
        arrays = {name: archive.read(name, **spec) for name, spec in plan.items()}
    return _rebuild(metadata, version, arrays, path)


def _plan(metadata: dict, version: int, present: set[str], path: str) -> dict[str, dict]:
    """The members the metadata accounts for: name -> what ``Archive.read`` accepts."""
    dtype = metadata["architecture"]["dtype"]
    shapes = _parameter_shapes(metadata["architecture"])
    plan = {name: {"dtypes": (dtype,), "shape": shape} for name, shape in shapes}
    config = metadata["optimizer"]
    if config is None:
        return plan
    for key, dtypes in _SCALARS.items():
        if f"optimizer.{key}" in present:
            plan[f"optimizer.{key}"] = {"dtypes": dtypes, "shape": ()}
    if "optimizer.iterations" not in plan:
        raise ModelFileError(
            f"{path} lacks the archive member optimizer.iterations.npy (the optimizer's "
            "step count); it is damaged. Save the model again."
        )
    slots = OPTIMIZERS[config["name"]].slot_names
    if version >= 2:
        for slot in slots:
            names = [f"optimizer.{name}.{slot}" for name, _ in shapes]
            found = [name for name in names if name in present]
            if found and len(found) != len(names):
                missing = next(name for name in names if name not in present)
                raise ModelFileError(
                    f"{path} lacks the archive member {missing}.npy (optimizer state for "
                    "every parameter or none); it is damaged. Save the model again."
                )
            for name, (_, shape) in zip(found, shapes if found else [], strict=False):
                plan[name] = {"dtypes": (dtype,), "shape": shape}
        return plan
    total = sum(int(np.prod(shape)) for _, shape in shapes)
    itemsize = np.dtype(dtype).itemsize
    for name in present:  # version 1: "optimizer.<index>.<slot>", layout checked after reading
        index, _, slot = name.removeprefix("optimizer.").partition(".")
        if name.startswith("optimizer.") and index.isdigit() and len(index) < 6 and slot in slots:
            plan[name] = {"dtypes": (dtype,), "max_bytes": total * itemsize}
    return plan


def _parameter_shapes(architecture: dict) -> list[tuple[str, tuple[int, ...]]]:
    shapes: list[tuple[str, tuple[int, ...]]] = []
    for position, layer in enumerate(architecture["layers"]):
        if layer["type"] != "Dense":
            continue
        shapes.append((f"layer{position}.weights", (layer["input_dim"], layer["units"])))
        if layer["use_bias"]:
            shapes.append((f"layer{position}.biases", (layer["units"],)))
    return shapes


def _check_values(arrays: dict[str, np.ndarray], path: str) -> None:
    for name, array in arrays.items():
        if not np.isfinite(array).all():
            raise ModelFileError(
                f"{path}: the array {name} holds NaN or infinite values; a trained model's "
                "never does. The file was edited or damaged; save the model again."
            )
        if name.rsplit(".", 1)[-1] in _NON_NEGATIVE_SLOTS and name.count(".") >= 2 and (array < 0).any():
            raise ModelFileError(
                f"{path}: the array {name} (a running average of squared gradients) holds "
                "negative values. The file was edited or damaged; save the model again."
            )
    iterations = arrays.get("optimizer.iterations")
    if iterations is not None and not 0 <= int(iterations) <= 2**53:
        raise ModelFileError(f"{path}: optimizer.iterations is {int(iterations)}, not a step count.")
    base = arrays.get("optimizer.base_learning_rate")
    if base is not None and not float(base) > 0:
        raise ModelFileError(f"{path}: optimizer.base_learning_rate is {float(base)}; it must be > 0.")


def _restore_optimizer(
    optimizer: Optimizer,
    network: Sequential,
    arrays: dict[str, np.ndarray],
    version: int,
    shapes: list[tuple[str, tuple[int, ...]]],
    path: str,
) -> None:
    """Give ``optimizer`` the file's state, in the layout ``fit`` trains with (one flat array per
    slot): by parameter name from version 2 on, by buffer index (as it was saved) before."""
    state = {
        name.removeprefix("optimizer."): array
        for name, array in arrays.items()
        if name.startswith("optimizer.")
    }
    if version >= 2:
        optimizer.set_named_state(state, dict(_named_parameters(network)))
    else:
        optimizer.set_state(_indexed_state(arrays, shapes, path))


def _indexed_state(arrays: dict[str, np.ndarray], shapes: list, path: str) -> dict[str, np.ndarray]:
    """Version 1's state ("<index>.<slot>"), its layout checked: one flat array, or one per parameter."""
    state = {key: arrays[f"optimizer.{key}"] for key in _SCALARS if f"optimizer.{key}" in arrays}
    total = sum(int(np.prod(shape)) for _, shape in shapes)
    found = {
        name: array
        for name, array in arrays.items()
        if name.startswith("optimizer.") and name.removeprefix("optimizer.") not in _SCALARS
    }
    indices = {int(name.split(".")[1]) for name in found}
    for name, array in found.items():
        index = int(name.split(".")[1])
        flat = indices == {0} and array.shape == (total,)
        per_array = indices == set(range(len(shapes))) and array.shape == shapes[index][1]
        if not (flat or per_array):
            raise ModelFileError(
                f"{path}: the array {name} has shape {array.shape}, which fits neither the "
                f"network's {total} parameters nor its parameter {index}. The file is damaged."
            )
        state[name.removeprefix("optimizer.")] = array
    return state


def _rebuild(metadata: dict, version: int, arrays: dict[str, np.ndarray], path: str) -> Model:
    _check_values(arrays, path)
    architecture = metadata["architecture"]
    shapes = _parameter_shapes(architecture)
    try:
        layers = [layer_from_config(config) for config in architecture["layers"]]
        network = Sequential(layers, dtype=architecture["dtype"])
        network.set_weights([arrays[name] for name, _ in shapes])
        optimizer = None
        if metadata["optimizer"] is not None:
            optimizer = optimizer_from_config(metadata["optimizer"])
            _restore_optimizer(optimizer, network, arrays, version, shapes, path)
        return Model(
            network,
            Preprocessor.from_dict(metadata["preprocessing"]),
            loss=metadata["loss"],
            optimizer=optimizer,
            training=metadata["training"],
        )
    except ModelFileError:
        raise
    except NeuralabError as exc:
        raise ModelFileError(f"{path} is inconsistent and cannot be loaded ({exc}).") from exc


__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileError", "load", "save"]
