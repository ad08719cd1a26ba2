"""The metadata of a model file: parsed with bounded cost, then checked field by field.

``parse`` turns the metadata bytes into a dict without unbounded work: the text is UTF-8,
nested at most ``MAX_DEPTH`` levels (checked before ``json`` recurses), every number literal
at most ``MAX_NUMBER_CHARS`` characters (no 4,300-digit integers), no key twice in an object.

``check`` then holds every field to the schema of format versions 1 and 2: types, allowed
values, lengths and finiteness, and the agreements between fields (the scaling has one value
per network input, the first layer reads that many inputs, each layer reads the width of
the one before, the output has one unit per class, or one for a regression or a two-class
sigmoid). A field that breaks a rule is a ModelFileError naming it, e.g.
``preprocessing.scale``. Nothing from the file reaches the network before it passed.

The schema is closed: a field it does not know is refused. A new field written by
``Preprocessor.to_dict``, a layer's or an optimizer's ``get_config`` or ``Model.training`` needs
its rule here (and a case in tests/test_model_file_checks.py); a change in meaning needs a new
``FORMAT_VERSION``.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np

from ..activations import ACTIVATIONS, activation_from_config
from ..errors import ModelFileError, ValidationError
from ..losses import get_loss
from ..optimizers import OPTIMIZERS, optimizer_from_config

FORMAT = "neuralab-model"
FORMAT_VERSION = 2
"""The newest model-file layout this neuralab reads, and the one it writes.

1: optimizer state stored by buffer index (``optimizer.0.m``); 2: by parameter name
(``optimizer.layer0.weights.m``). Both are read.
"""
MAX_METADATA_BYTES = 32 * 1024**2
MAX_DEPTH = 32
MAX_NUMBER_CHARS = 40
MAX_LAYERS = 1000
MAX_UNITS = 1_000_000
MAX_PARAMETERS = 250_000_000
"""At most this many weights and biases in all (1 GB in float32)."""
MAX_TEXT = 10_000
MAX_ITEMS = 1_000_000

_TASKS = ("classification", "regression")
_KINDS = ("numeric", "categorical", "date")
_DATE_INPUTS = 3
"""A date column is three network inputs: days since 1970-01-01, year, day of year."""
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')


class _Refused(Exception):
    """A problem found inside ``json.loads`` hooks (re-raised as ModelFileError)."""


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"an integer of {len(text)} digits (at most {MAX_NUMBER_CHARS})")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number written with {len(text)} characters (at most {MAX_NUMBER_CHARS})")
    return float(text)


def _no_duplicates(pairs: list) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"the key {key!r} twice in one object")
            seen.add(key)
    return result


def parse(raw: bytes, path: str) -> dict:
    """The metadata bytes as a dict, with bounded depth and number sizes."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ModelFileError(
            f"{path} has unreadable metadata (not UTF-8 text); it is not a neuralab model."
        ) from None
    outside_strings = _STRING.sub("", text).encode("utf-8", errors="replace")
    codes = np.frombuffer(outside_strings, dtype=np.uint8)
    steps = np.isin(codes, (ord("["), ord("{"))).astype(np.int64) - np.isin(
        codes, (ord("]"), ord("}"))
    ).astype(np.int64)
    if steps.size and int(np.cumsum(steps).max()) > MAX_DEPTH:
        raise ModelFileError(
            f"{path} has metadata nested more than {MAX_DEPTH} levels deep; a neuralab "
            "model's metadata never is. The file was edited or is not a neuralab model."
        )
    try:
        metadata = json.loads(text, parse_int=_int, parse_float=_float, object_pairs_hook=_no_duplicates)
    except _Refused as exc:
        raise ModelFileError(
            f"{path} has metadata with {exc}; it was edited or is not a neuralab model."
        ) from None
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise ModelFileError(
            f"{path} has unreadable metadata ({type(exc).__name__}); it is not a neuralab model."
        ) from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a neuralab model file (wrong format tag).")
    return metadata


# -- field checks -----------------------------------------------------------------------------
class _Fields:
    """Checks that raise a ModelFileError naming the field, e.g. 'preprocessing.scale'."""

    def __init__(self, path: str):
        self.path = path

    def error(self, field: str, problem: str) -> ModelFileError:
        return ModelFileError(
            f"{self.path} has an invalid model file field {field!r}: {problem}. The "
            "file was edited or damaged; save the model again with neuralab."
        )

    def object(self, value, field: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
        if not isinstance(value, dict):
            raise self.error(field, f"expected an object, got {_kind(value)}")
        for key in required:
            if key not in value:
                raise self.error(f"{field}.{key}" if field else key, "missing")
        for key in value:
            if key not in required and key not in optional:
                raise self.error(
                    f"{field}.{key}" if field else str(key),
                    f"not a field of a neuralab model file (expected: {', '.join((*required, *optional))})",
                )
        return value

    def integer(self, value, field: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(field, f"expected an integer, got {_kind(value)}")
        if not low <= value <= high:
            raise self.error(field, f"{value} is outside {low}..{high}")
        return value

    def number(self, value, field: str, *, positive: bool = False, finite: bool = True) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(field, f"expected a number, got {_kind(value)}")
        value = float(value)
        if finite and not math.isfinite(value):
            raise self.error(field, f"{value} is not finite")
        if positive and not value > 0:
            raise self.error(field, f"{value} must be > 0")
        return value

    def text(self, value, field: str, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(value, str):
            raise self.error(field, f"expected text, got {_kind(value)}")
        if len(value) > MAX_TEXT:
            raise self.error(field, f"text of {len(value)} characters (at most {MAX_TEXT})")
        if choices is not None and value not in choices:
            raise self.error(field, f"{value!r} is not one of {', '.join(map(repr, choices))}")
        return value

    def boolean(self, value, field: str) -> bool:
        if not isinstance(value, bool):
            raise self.error(field, f"expected true or false, got {_kind(value)}")
        return value

    def array(self, value, field: str, max_items: int = MAX_ITEMS) -> list:
        if not isinstance(value, list):
            raise self.error(field, f"expected a list, got {_kind(value)}")
        if len(value) > max_items:
            raise self.error(field, f"{len(value)} items (at most {max_items})")
        return value


def _kind(value) -> str:
    if isinstance(value, float):
        return f"the number {value!r}"
    names = {
        bool: "true/false",
        int: "an integer",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


# -- the schema -------------------------------------------------------------------------------
def check(metadata: dict, path: str) -> int:
    """Hold ``metadata`` to the schema (see the module docstring); return its format version."""
    fields = _Fields(path)
    version = metadata.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{path} has no valid format version; it is not a neuralab model.")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} was written by a newer neuralab (model format version {version}, written by "
            f"neuralab {str(metadata.get('neuralab_version', '?'))[:40]}); this neuralab reads up to "
            f"version {FORMAT_VERSION}. Upgrade neuralab to load it."
        )
    fields.object(
        metadata,
        "",
        (
            "format",
            "format_version",
            "neuralab_version",
            "architecture",
            "loss",
            "preprocessing",
            "optimizer",
            "training",
        ),
    )
    fields.text(metadata["neuralab_version"], "neuralab_version")
    widths = _check_preprocessing(fields, metadata["preprocessing"])
    layers = _check_architecture(fields, metadata["architecture"], widths)
    _check_loss(fields, metadata["loss"], layers[-1])
    counts, classes = metadata["preprocessing"].get("class_counts", []), metadata["preprocessing"]["classes"]
    if counts and len(counts) != len(classes):  # checked after the output layer, which names the classes
        raise fields.error("preprocessing.class_counts", f"{len(counts)} counts for {len(classes)} classes")
    if metadata["optimizer"] is not None:
        _check_optimizer(fields, metadata["optimizer"])
    _check_training(fields, metadata["training"])
    return version


def _check_preprocessing(fields: _Fields, pre) -> tuple[int, int]:
    """Check the preprocessing; return (number of network inputs, number of classes)."""
    fields.object(
        pre,
        "preprocessing",
        ("target", "task", "features", "mean", "scale", "classes", "target_mean", "target_scale"),
        ("task_rule", "notes", "class_counts"),
    )
    fields.text(pre["target"], "preprocessing.target")
    task = fields.text(pre["task"], "preprocessing.task", _TASKS)
    if "task_rule" in pre:
        fields.text(pre["task_rule"], "preprocessing.task_rule")
    for index, note in enumerate(fields.array(pre.get("notes", []), "preprocessing.notes", 10_000)):
        fields.text(note, f"preprocessing.notes[{index}]")
    features = fields.array(pre["features"], "preprocessing.features", 100_000)
    if not features:
        raise fields.error("preprocessing.features", "empty: a model reads at least one column")
    inputs, names = 0, set()
    for index, feature in enumerate(features):
        where = f"preprocessing.features[{index}]"
        fields.object(feature, where, ("name", "kind", "categories"), ("fill", "indicator"))
        name = fields.text(feature["name"], f"{where}.name")
        if name in names or name == pre["target"]:
            raise fields.error(f"{where}.name", f"the column {name!r} appears twice")
        names.add(name)
        kind = fields.text(feature["kind"], f"{where}.kind", _KINDS)
        categories = fields.array(feature["categories"], f"{where}.categories", 100_000)
        for number, category in enumerate(categories):
            fields.text(category, f"{where}.categories[{number}]")
        if kind != "categorical" and categories:
            raise fields.error(f"{where}.categories", f"a {kind} column has no categories")
        if kind == "categorical" and (not categories or len(set(categories)) != len(categories)):
            raise fields.error(f"{where}.categories", "a categorical column needs distinct categories")
        _check_fill(fields, feature, kind, where)
        indicator = fields.boolean(feature.get("indicator", False), f"{where}.indicator")
        inputs += {"numeric": 1, "date": _DATE_INPUTS}.get(kind, len(categories)) + int(indicator)
    for key in ("mean", "scale"):
        values = fields.array(pre[key], f"preprocessing.{key}")
        if len(values) != inputs:
            raise fields.error(
                f"preprocessing.{key}", f"{len(values)} values, but the features make {inputs} network inputs"
            )
        for index, value in enumerate(values):
            fields.number(value, f"preprocessing.{key}[{index}]", positive=key == "scale")
    classes = fields.array(pre["classes"], "preprocessing.classes", 100_000)
    for index, label in enumerate(classes):
        if isinstance(label, bool) or not isinstance(label, (str, int, float)):
            raise fields.error(f"preprocessing.classes[{index}]", f"expected a label, got {_kind(label)}")
        if isinstance(label, str):
            fields.text(label, f"preprocessing.classes[{index}]")
        else:
            fields.number(label, f"preprocessing.classes[{index}]")
    if task == "classification" and (len(classes) < 2 or len(set(classes)) != len(classes)):
        raise fields.error("preprocessing.classes", "a classifier needs at least two distinct classes")
    if task == "regression" and classes:
        raise fields.error("preprocessing.classes", "a regression model has no classes")
    counts = fields.array(pre.get("class_counts", []), "preprocessing.class_counts", 100_000)
    for index, count in enumerate(counts):
        fields.integer(count, f"preprocessing.class_counts[{index}]", 0, 2**62)
    fields.number(pre["target_mean"], "preprocessing.target_mean")
    fields.number(pre["target_scale"], "preprocessing.target_scale", positive=True)
    return inputs, len(classes)


def _check_fill(fields: _Fields, feature: dict, kind: str, where: str) -> None:
    """A feature's ``fill`` (what a missing cell gets): a finite number, or a known category."""
    fill = feature.get("fill")
    if fill is None:  # files written before imputation: gaps are refused
        return
    if kind == "categorical":
        if fields.text(fill, f"{where}.fill") not in feature["categories"]:
            raise fields.error(f"{where}.fill", f"{fill!r} is not one of the column's categories")
    else:
        fields.number(fill, f"{where}.fill")


def _check_architecture(fields: _Fields, architecture, widths: tuple[int, int]) -> list[dict]:
    inputs, n_classes = widths
    fields.object(architecture, "architecture", ("dtype", "layers"))
    fields.text(architecture["dtype"], "architecture.dtype", ("float32", "float64"))
    layers = fields.array(architecture["layers"], "architecture.layers", MAX_LAYERS)
    if not layers:
        raise fields.error("architecture.layers", "empty")
    width, total = inputs, 0
    for position, layer in enumerate(layers):
        where = f"architecture.layers[{position}]"
        if not isinstance(layer, dict):
            raise fields.error(where, f"expected an object, got {_kind(layer)}")
        kind = fields.text(layer.get("type"), f"{where}.type", ("Dense", "Dropout"))
        if kind == "Dropout":
            fields.object(layer, where, ("type", "rate", "units"))
            rate = fields.number(layer["rate"], f"{where}.rate")
            if not 0 <= rate < 1:
                raise fields.error(f"{where}.rate", f"{rate} is outside [0, 1)")
            if (
                layer["units"] is not None
                and fields.integer(layer["units"], f"{where}.units", 1, MAX_UNITS) != width
            ):
                raise fields.error(f"{where}.units", f"{layer['units']}, but the layer before gives {width}")
            if position == len(layers) - 1:
                raise fields.error(where, "the output layer must be a Dense layer")
            continue
        fields.object(layer, where, ("type", "units", "activation", "input_dim", "use_bias"))
        units = fields.integer(layer["units"], f"{where}.units", 1, MAX_UNITS)
        given = fields.integer(layer["input_dim"], f"{where}.input_dim", 1, MAX_UNITS)
        if given != width:
            raise fields.error(
                f"{where}.input_dim",
                f"{given}, but "
                + (
                    f"the preprocessing makes {width} network inputs"
                    if position == 0
                    else f"the layer before gives {width}"
                ),
            )
        fields.boolean(layer["use_bias"], f"{where}.use_bias")
        _check_activation(fields, layer["activation"], f"{where}.activation")
        total += units * width + units
        if total > MAX_PARAMETERS:
            raise fields.error("architecture.layers", f"more than {MAX_PARAMETERS} parameters")
        width = units
    output = layers[-1]
    if n_classes:  # classification: one unit per class, or one sigmoid unit for two classes
        allowed = (n_classes, 1) if n_classes == 2 else (n_classes,)
        if width not in allowed:
            raise fields.error(
                f"architecture.layers[{len(layers) - 1}].units",
                f"{width} output units for {n_classes} classes (expected {' or '.join(map(str, allowed))})",
            )
        if width == 1 and output["activation"].get("name") != "sigmoid":
            raise fields.error(
                f"architecture.layers[{len(layers) - 1}].activation",
                "one output unit for two classes must be a sigmoid",
            )
    elif width != 1:
        raise fields.error(
            f"architecture.layers[{len(layers) - 1}].units",
            f"{width} output units; a regression model has one",
        )
    return layers


def _check_activation(fields: _Fields, config, where: str) -> None:
    if not isinstance(config, dict):
        raise fields.error(where, f"expected an object, got {_kind(config)}")
    name = fields.text(config.get("name"), f"{where}.name", tuple(ACTIVATIONS))
    expected = tuple(ACTIVATIONS[name]().get_config())
    fields.object(config, where, expected)
    for key in expected[1:]:
        fields.number(config[key], f"{where}.{key}")
    try:
        activation_from_config(config)
    except (ValidationError, TypeError) as exc:
        raise fields.error(where, str(exc)) from None


def _check_loss(fields: _Fields, loss, output: dict) -> None:
    name = fields.text(loss, "loss")
    try:
        get_loss(name).check_output_activation(output["activation"]["name"])
    except ValidationError as exc:
        raise fields.error("loss", str(exc)) from None


def _check_optimizer(fields: _Fields, config) -> None:
    if not isinstance(config, dict):
        raise fields.error("optimizer", f"expected an object or null, got {_kind(config)}")
    name = fields.text(config.get("name"), "optimizer.name", tuple(OPTIMIZERS))
    expected = tuple(OPTIMIZERS[name](learning_rate=0.01).get_config())
    fields.object(config, "optimizer", expected)
    for key in expected[1:]:
        if isinstance(OPTIMIZERS[name](learning_rate=0.01).get_config()[key], bool):
            fields.boolean(config[key], f"optimizer.{key}")
        else:
            fields.number(config[key], f"optimizer.{key}")
    try:
        optimizer_from_config(config)
    except (ValidationError, TypeError) as exc:
        raise fields.error("optimizer", str(exc)) from None


_SESSION_NUMBERS = ("final_loss", "final_val_loss", "best_val_loss")


def _check_training(fields: _Fields, training) -> None:
    """The training record: counts checked, the history only for plain JSON types (it is
    shown, never computed with)."""
    fields.object(training, "training", ("epochs", "sessions", "interrupted"), ("history",))
    fields.integer(training["epochs"], "training.epochs", 0, 10**12)
    fields.boolean(training["interrupted"], "training.interrupted")
    for index, session in enumerate(fields.array(training["sessions"], "training.sessions", 100_000)):
        where = f"training.sessions[{index}]"
        fields.object(session, where, ("epochs", "stop_reason"), (*_SESSION_NUMBERS, "best_epoch"))
        fields.integer(session["epochs"], f"{where}.epochs", 0, 10**12)
        if session["stop_reason"] is not None:
            fields.text(session["stop_reason"], f"{where}.stop_reason")
        if "best_epoch" in session:
            fields.integer(session["best_epoch"], f"{where}.best_epoch", 0, 10**12)
        for key in _SESSION_NUMBERS:
            if session.get(key) is not None:
                fields.number(session[key], f"{where}.{key}", finite=False)
    if "history" in training and not isinstance(training["history"], dict):
        raise fields.error("training.history", f"expected an object, got {_kind(training['history'])}")


__all__ = ["FORMAT", "FORMAT_VERSION", "MAX_METADATA_BYTES", "check", "parse"]
