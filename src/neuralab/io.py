"""Model files (``.nlab``): arrays plus JSON metadata in one zip (NumPy's ``.npz``).

Files are data, never code:

- ``save`` writes a temporary file in the target's folder and renames it over the target
  (``os.replace``), so an existing model is never left half-written;
- ``load`` reads with ``np.load(allow_pickle=False)``: nothing is unpickled;
- the metadata carries ``format_version``; a file from a newer version is refused.

Layout: ``layer<i>.weights`` / ``layer<i>.biases`` arrays, ``optimizer.<key>`` arrays
(``Optimizer.get_state``), and ``metadata``, the UTF-8 bytes of a JSON object with the
architecture, dtype, preprocessing (scaling, columns, class labels), loss, optimizer config,
neuralab version and training summary.
"""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np

from ._files import atomic_write
from ._version import __version__
from .data import Preprocessor
from .errors import NeuralabError, ValidationError
from .model import Model
from .network import Sequential, layer_from_config
from .optimizers import optimizer_from_config

FORMAT = "neuralab-model"
FORMAT_VERSION = 1
"""The newest model-file layout this neuralab reads and the one it writes."""


class ModelFileError(NeuralabError):
    """A model file is missing, truncated, not a neuralab model, or from a newer version."""


def save(model: Model, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    if not isinstance(model, Model):
        raise ValidationError(_not_a_model(model))
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ModelFileError(f"Cannot write {path}: the folder {folder} does not exist.")
    arrays: dict[str, np.ndarray] = {}
    for position, layer in enumerate(model.network.layers):
        if not layer.has_weights:
            continue
        arrays[f"layer{position}.weights"] = layer.weights
        if layer.use_bias:
            arrays[f"layer{position}.biases"] = layer.biases
    optimizer = None
    if model.optimizer is not None:
        optimizer = model.optimizer.get_config()
        for key, value in model.optimizer.get_state().items():
            arrays[f"optimizer.{key}"] = np.asarray(value)
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
        np.savez(handle, **arrays)


def _not_a_model(value: object) -> str:
    """Why ``save`` refuses ``value`` and what to do instead."""
    why = ("A .nlab file stores a Model: the network together with its preprocessing (input "
           "columns, their scaling, the class labels), so that `load` gives back something that "
           "predicts on raw data.")
    as_model = ("To get a file that `load` can use, train through a Model, which builds its network "
                "(choose it with hidden=(...)) and its preprocessing from the data: "
                "table = neuralab.data.Table.from_arrays(X, y); "
                "model = nl.Model.for_data(table, 'target'); model.fit(table); nl.save(model, path).")
    if isinstance(value, Sequential):
        return (f"`save` needs a neuralab Model. Got a Sequential, which has no preprocessing. {why} "
                f"{as_model} Or keep just the weights of this network: "
                "np.savez(path, *net.get_weights()), and later, in a Sequential with the same layers, "
                "net.set_weights(list(np.load(path).values())).")
    return f"`save` needs a neuralab Model. Got {type(value).__name__}. {why} {as_model}"


def load(path: str | os.PathLike) -> Model:
    """Read a model written by ``save``; refuse anything else with a clear ModelFileError."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ModelFileError(f"Model file not found: {path}.")
    if os.path.isdir(path):
        raise ModelFileError(f"{path} is a folder, not a model file.")
    with open(path, "rb") as handle:
        starts_like_zip = handle.read(4) == b"PK\x03\x04"
    if not starts_like_zip:
        raise ModelFileError(f"{path} is not a neuralab model file (not a .nlab/.npz archive).")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if "metadata" not in archive.files:
                raise ModelFileError(f"{path} is a NumPy archive but not a neuralab model (no metadata).")
            arrays = {name: archive[name] for name in archive.files}
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise ModelFileError(
            f"{path} is truncated or damaged and cannot be read ({type(exc).__name__}: {exc}). "
            "Save the model again."
        ) from exc
    try:
        metadata = json.loads(arrays.pop("metadata").tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path} has unreadable metadata; it is not a neuralab model.") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a neuralab model file (wrong format tag).")
    version = metadata.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError(f"{path} has no valid format version; it is not a neuralab model.")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} was written by a newer neuralab (model format version {version}, written by "
            f"neuralab {metadata.get('neuralab_version', '?')}); this neuralab {__version__} reads up to "
            f"version {FORMAT_VERSION}. Upgrade neuralab to load it."
        )
    try:
        return _rebuild(metadata, arrays)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ModelFileError(f"{path} is inconsistent and cannot be loaded ({type(exc).__name__}: {exc}).") \
            from exc


def _rebuild(metadata: dict, arrays: dict[str, np.ndarray]) -> Model:
    architecture = metadata["architecture"]
    layers = [layer_from_config(config) for config in architecture["layers"]]
    network = Sequential(layers, dtype=architecture["dtype"])
    weights = []
    for position, layer in enumerate(layers):
        if not layer.has_weights:
            continue
        weights.append(arrays[f"layer{position}.weights"])
        if layer.use_bias:
            weights.append(arrays[f"layer{position}.biases"])
    network.set_weights(weights)
    optimizer = None
    if metadata.get("optimizer"):
        optimizer = optimizer_from_config(metadata["optimizer"])
        prefix = "optimizer."
        optimizer.set_state({k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)})
    return Model(network, Preprocessor.from_dict(metadata["preprocessing"]), loss=metadata["loss"],
                 optimizer=optimizer, training=metadata.get("training"))
