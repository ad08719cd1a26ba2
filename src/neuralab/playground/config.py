"""A playground configuration, checked: every parameter a page sends, with its bounds.

``parse_config`` turns a page's JSON object into a ``Config`` (unknown keys refused, values
outside ``LIMITS`` refused with the bound in the message); ``parse_learning_rate`` checks the
one setting that changes mid-run. Needs nothing but the standard library and the activations'
names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypedDict, overload

from ..activations import ACTIVATIONS
from .datasets import INPUT_FEATURES, TOY_DATASETS
from .errors import PlaygroundInputError

OPTIMIZER_NAMES = ("sgd", "gd", "momentum", "nesterov", "adam", "rmsprop")


class _Limits(TypedDict):
    max_hidden_layers: int
    max_units: int
    min_samples: int
    max_samples: int
    max_noise: float
    min_test_fraction: float
    max_test_fraction: float
    max_learning_rate: float
    max_regularization: float
    max_seed: int
    max_epochs_per_request: int
    max_epochs_per_stream: int
    max_epochs_per_frame: int


LIMITS: _Limits = {
    "max_hidden_layers": 6,
    "max_units": 16,
    "min_samples": 20,
    "max_samples": 2000,
    "max_noise": 0.5,
    "min_test_fraction": 0.1,
    "max_test_fraction": 0.9,
    "max_learning_rate": 1000.0,
    "max_regularization": 1.0,
    "max_seed": 2**31 - 1,
    "max_epochs_per_request": 1000,
    "max_epochs_per_stream": 100_000,
    "max_epochs_per_frame": 50,
}
"""Bounds on what a page may ask for (the server refuses anything outside them)."""

_CONFIG_KEYS = (
    "dataset",
    "n_samples",
    "noise",
    "test_fraction",
    "seed",
    "hidden",
    "learning_rate",
    "batch_size",
    "optimizer",
    "l2",
    "l1",
    "upload_id",
    "target",
    "x_feature",
    "y_feature",
    "inputs",
)


@dataclass
class Config:
    """A checked playground configuration (see ``LIMITS`` for the bounds)."""

    dataset: str = "circles"
    n_samples: int = 500
    noise: float = 0.1
    test_fraction: float = 0.3
    seed: int = 0
    hidden: list[tuple[int, str]] = field(default_factory=lambda: [(8, "relu"), (8, "relu")])
    learning_rate: float = 0.1
    batch_size: int | None = 10
    optimizer: str = "sgd"
    l2: float = 0.0
    l1: float = 0.0
    upload_id: str | None = None
    target: str | None = None
    x_feature: str | None = None
    y_feature: str | None = None
    inputs: tuple[str, ...] = ("x1", "x2")


def _number(
    payload: dict, name: str, default: float, low: float, high: float, *, low_open: bool = False
) -> float:
    value = payload.get(name, default)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e300:
        value = math.inf  # math.isfinite cannot take a 400-digit integer; it is out of range anyway
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        shown = value if not isinstance(value, float) or math.isnan(value) else "an infinite or huge number"
        raise PlaygroundInputError(f"`{name}` must be a finite number. Got {shown!r}.")
    if value < low or value > high or (low_open and value == low):
        side = ">" if low_open else ">="
        raise PlaygroundInputError(f"`{name}` must be {side} {low:g} and <= {high:g}. Got {value!r}.")
    return float(value)


def _integer(payload: dict, name: str, default: int | None, low: int, high: int) -> int:
    value = payload.get(name, default)
    if value is None:
        raise PlaygroundInputError(f"`{name}` is required: a whole number between {low} and {high}.")
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlaygroundInputError(f"`{name}` must be a whole number. Got {value!r}.")
    if not low <= value <= high:
        raise PlaygroundInputError(f"`{name}` must be between {low} and {high}. Got {value}.")
    return value


@overload
def _text(payload: dict, name: str, default: str, choices: tuple[str, ...]) -> str: ...
@overload
def _text(
    payload: dict, name: str, default: str | None, choices: tuple[str, ...] | None = None
) -> str | None: ...
def _text(
    payload: dict, name: str, default: str | None, choices: tuple[str, ...] | None = None
) -> str | None:
    # With a default and choices the answer is text: absent gives the default, null is refused.
    value = payload.get(name, default)
    if value is None and name in payload and choices is not None:  # an explicit null is no choice
        raise PlaygroundInputError(f"`{name}` must be one of: {', '.join(choices)}. Got null.")
    if value is None:
        return None
    if not isinstance(value, str):
        raise PlaygroundInputError(f"`{name}` must be text. Got {value!r}.")
    if choices is not None and value not in choices:
        raise PlaygroundInputError(f"Unknown {name} {value!r}. Choose one of: {', '.join(choices)}.")
    return value


def _inputs(payload: dict, dataset: str | None) -> tuple[str, ...]:
    """The toy set's input features: a non-empty list of distinct names from INPUT_FEATURES."""
    if "inputs" not in payload:
        return ("x1", "x2")
    value = payload["inputs"]
    choices = ", ".join(INPUT_FEATURES)
    if dataset == "upload":
        raise PlaygroundInputError(
            "`inputs` only apply to a toy data set; an uploaded CSV gives its own columns as inputs."
        )
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise PlaygroundInputError(
            f"`inputs` must be a non-empty list of input features from: {choices}. Got {value!r}."
        )
    unknown = [v for v in value if v not in INPUT_FEATURES]
    if unknown:
        raise PlaygroundInputError(
            f"Unknown input feature(s) {', '.join(map(repr, unknown))}. Choose from: {choices}."
        )
    if len(set(value)) != len(value):
        raise PlaygroundInputError(f"`inputs` names a feature twice: {value!r}.")
    return tuple(value)


def parse_learning_rate(payload: object) -> float:
    """Check a ``{"learning_rate": x}`` body (the one setting that changes mid-run)."""
    if not isinstance(payload, dict) or set(payload) != {"learning_rate"}:
        raise PlaygroundInputError('The body must be {"learning_rate": x}.')
    return _number(payload, "learning_rate", 0.0, 0.0, LIMITS["max_learning_rate"], low_open=True)


def parse_config(payload: object) -> Config:
    """Check a page's configuration (a dict from JSON) and return a Config.

    Missing keys take the defaults of ``Config``; unknown keys and values out of ``LIMITS``
    raise PlaygroundInputError with the bound in the message.

    >>> parse_config({"hidden": [{"units": 4, "activation": "tanh"}], "learning_rate": 0.3}).hidden
    [(4, 'tanh')]
    """
    if not isinstance(payload, dict):
        raise PlaygroundInputError(
            "The configuration must be a JSON object such as "
            '{"dataset": "circles", "hidden": [{"units": 8, "activation": "relu"}]}.'
        )
    unknown = sorted(set(payload) - set(_CONFIG_KEYS))
    if unknown:
        raise PlaygroundInputError(
            f"Unknown setting(s): {', '.join(unknown)}. Valid settings: {', '.join(_CONFIG_KEYS)}."
        )
    defaults = Config()
    dataset = _text(payload, "dataset", defaults.dataset, (*TOY_DATASETS, "upload"))
    n_samples = _integer(
        payload, "n_samples", defaults.n_samples, LIMITS["min_samples"], LIMITS["max_samples"]
    )
    hidden_raw = payload.get("hidden", [{"units": u, "activation": a} for u, a in defaults.hidden])
    if not isinstance(hidden_raw, list):
        raise PlaygroundInputError(
            '`hidden` must be a list of layers like [{"units": 8, "activation": "relu"}].'
        )
    if len(hidden_raw) > LIMITS["max_hidden_layers"]:
        raise PlaygroundInputError(
            f"At most {LIMITS['max_hidden_layers']} hidden layers. Got {len(hidden_raw)}."
        )
    hidden = []
    for position, layer in enumerate(hidden_raw, start=1):
        if not isinstance(layer, dict) or set(layer) - {"units", "activation"}:
            raise PlaygroundInputError(
                f'Hidden layer {position} must look like {{"units": 8, "activation": "relu"}}. Got {layer!r}.'
            )
        units = _integer(layer, "units", None, 1, LIMITS["max_units"])
        activation = _text(layer, "activation", "relu", tuple(ACTIVATIONS))
        hidden.append((units, activation))
    batch_size = payload.get("batch_size", defaults.batch_size)
    if batch_size is not None:
        batch_size = _integer(payload, "batch_size", defaults.batch_size, 1, LIMITS["max_samples"])
    config = Config(
        dataset=dataset,
        n_samples=n_samples,
        noise=_number(payload, "noise", defaults.noise, 0.0, LIMITS["max_noise"]),
        test_fraction=_number(
            payload,
            "test_fraction",
            defaults.test_fraction,
            LIMITS["min_test_fraction"],
            LIMITS["max_test_fraction"],
        ),
        seed=_integer(payload, "seed", defaults.seed, 0, LIMITS["max_seed"]),
        hidden=hidden,
        learning_rate=_number(
            payload, "learning_rate", defaults.learning_rate, 0.0, LIMITS["max_learning_rate"], low_open=True
        ),
        batch_size=batch_size,
        optimizer=_text(payload, "optimizer", defaults.optimizer, OPTIMIZER_NAMES),
        l2=_number(payload, "l2", 0.0, 0.0, LIMITS["max_regularization"]),
        l1=_number(payload, "l1", 0.0, 0.0, LIMITS["max_regularization"]),
        upload_id=_text(payload, "upload_id", None),
        target=_text(payload, "target", None),
        x_feature=_text(payload, "x_feature", None),
        y_feature=_text(payload, "y_feature", None),
    )
    config.inputs = _inputs(payload, dataset)
    if dataset == "upload" and None in (config.upload_id, config.target, config.x_feature, config.y_feature):
        raise PlaygroundInputError(
            "An uploaded data set needs `upload_id`, `target`, `x_feature` and "
            "`y_feature`: upload a CSV file first, then pick the columns."
        )
    upload_only = [
        key
        for key in ("upload_id", "target", "x_feature", "y_feature")
        if dataset != "upload" and payload.get(key) is not None
    ]
    if upload_only:
        raise PlaygroundInputError(
            f"{', '.join(f'`{key}`' for key in upload_only)} only apply to an "
            f'uploaded data set ("dataset": "upload"); {dataset} has its own columns.'
        )
    return config


__all__ = ["LIMITS", "OPTIMIZER_NAMES", "Config", "parse_config", "parse_learning_rate"]
