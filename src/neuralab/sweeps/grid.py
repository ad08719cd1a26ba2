"""The grid of a sweep: learning rates x activations x depths x widths x seeds.

Every point of the grid is one ``RunSpec``: one network (``depth`` hidden layers of
``width`` units with ``activation``, then the output layer the task needs) trained with
one ``learning_rate`` from one ``seed``. Its ``run_id`` is a hash of those values, so the
same run has the same id in every sweep (which is how a sweep resumes).

Examples
--------
>>> grid = SweepGrid(learning_rates=(0.01, 0.1), activations=("tanh", "relu"), depths=(2,), seeds=2)
>>> len(grid.runs())
8
>>> grid.runs()[0].run_id == RunSpec(0.01, "tanh", 2, 32, 0, 30, 32, "sgd", "float32").run_id
True
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from numbers import Real
from typing import cast

from .._validation import check_dtype
from ..activations import get_activation
from ..errors import NeuralabError, UnknownNameError, ValidationError
from ..optimizers import get_optimizer

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
"""Activations a hidden layer of a sweep may use (softmax belongs to the output layer, and
binary_step has no gradient to train with).

Examples
--------
>>> from neuralab.sweeps import HIDDEN_ACTIVATIONS
>>> "softmax" in HIDDEN_ACTIVATIONS, "relu" in HIDDEN_ACTIVATIONS
(False, True)
"""

OPTIMIZERS = ("gd", "sgd", "momentum", "nesterov", "adam", "rmsprop")


class SweepError(NeuralabError):
    """A sweep cannot start as configured (the message names the setting and the fix).

    Examples
    --------
    >>> from neuralab.sweeps import SweepError, SweepGrid
    >>> try:
    ...     SweepGrid(activations=("softmax",))
    ... except SweepError as error:
    ...     print(type(error).__name__)
    SweepError
    """


@dataclass(frozen=True)
class RunSpec:
    """One training run of a sweep: every hyperparameter and the seed.

    Examples
    --------
    >>> from neuralab.sweeps import SweepGrid
    >>> spec = SweepGrid(learning_rates=(0.1,), activations=("tanh",), depths=(3,), seeds=1).runs()[0]
    >>> spec.learning_rate, spec.activation, spec.depth, spec.width, spec.seed
    (0.1, 'tanh', 3, 32, 0)
    >>> len(spec.run_id) > 0
    True
    """

    learning_rate: float
    activation: str
    depth: int
    width: int
    seed: int
    epochs: int
    batch_size: int | None
    optimizer: str
    dtype: str

    @property
    def run_id(self) -> str:
        """A stable id: the first 12 hex digits of the SHA-256 of the hyperparameters as JSON.

        Floats are written with ``repr`` (shortest round-trip), so 0.1 always gives the same id.
        """
        values = {
            name: repr(value) if isinstance(value, float) else value
            for name, value in sorted(asdict(self).items())
        }
        digest = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()
        return digest[:12]

    @property
    def config_key(self) -> tuple:
        """Everything but the seed: runs with the same key differ only in their seed."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "seed")

    def to_dict(self) -> dict:
        return {"run_id": self.run_id, **asdict(self)}


def _as_tuple(name: str, value: object) -> tuple:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return (value,)
    return tuple(value)


def _check_learning_rate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
        raise SweepError(
            f"Every learning rate must be a finite number > 0. Got {value!r}; "
            "use values such as 0.001,0.01,0.1."
        )
    return float(value)


def _check_size(name: str, value: object) -> int:
    """``name`` is how the message names the value: "Every depth", "epochs"."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SweepError(f"{name[:1].upper()}{name[1:]} must be a positive integer. Got {value!r}.")
    return value


def _check_activation(value: object) -> str:
    try:
        name = get_activation(value).name if isinstance(value, str) else None
    except UnknownNameError:
        name = None
    if name not in HIDDEN_ACTIVATIONS:
        known = name is not None
        problem = (
            f"The activation {value!r} cannot be swept as a hidden layer: "
            + (
                "binary_step has a zero derivative everywhere, so gradient descent cannot train it"
                if name == "binary_step"
                else "it belongs in the output layer"
            )
            if known
            else f"Unknown hidden-layer activation {value!r}"
        )
        raise SweepError(f"{problem}. Choose from: {', '.join(HIDDEN_ACTIVATIONS)}.")
    return name


@dataclass(frozen=True)
class SweepGrid:
    """The hyperparameters to sweep (each a list of values) and the fixed training settings.

    ``seeds`` is a count n (seeds 0..n-1) or a list of seeds. ``depth`` is the number of
    hidden layers, each ``width`` units wide. Invalid values raise SweepError at once.

    Examples
    --------
    2 learning rates x 2 activations x 2 depths x 3 seeds = 24 runs:
    >>> from neuralab.sweeps import SweepGrid
    >>> grid = SweepGrid(learning_rates=(0.01, 0.1), activations=("sigmoid", "relu"), depths=(2, 6),
    ...                  seeds=3)
    >>> len(grid.runs())
    24
    """

    learning_rates: Sequence[float] = (0.01, 0.1)
    activations: Sequence[str] = ("relu",)
    depths: Sequence[int] = (2,)
    widths: Sequence[int] = (32,)
    seeds: int | Sequence[int] = 3
    epochs: int = 30
    batch_size: int | None = 32
    optimizer: str = "sgd"
    dtype: str = "float32"
    validation_split: float = 0.2

    def __post_init__(self):
        set_ = object.__setattr__
        set_(
            self,
            "learning_rates",
            tuple(_check_learning_rate(v) for v in _as_tuple("learning_rates", self.learning_rates)),
        )
        set_(
            self,
            "activations",
            tuple(_check_activation(v) for v in _as_tuple("activations", self.activations)),
        )
        set_(self, "depths", tuple(_check_size("every depth", v) for v in _as_tuple("depths", self.depths)))
        set_(self, "widths", tuple(_check_size("every width", v) for v in _as_tuple("widths", self.widths)))
        seeds = self.seeds
        if isinstance(seeds, int) and not isinstance(seeds, bool):
            if seeds < 1:
                raise SweepError(f"`seeds` must be a count >= 1 or a list of seeds. Got {seeds!r}.")
            seeds = tuple(range(seeds))
        else:
            seeds = _as_tuple("seeds", seeds)
            for seed in seeds:
                if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
                    raise SweepError(f"Every seed must be an integer >= 0. Got {seed!r}.")
        set_(self, "seeds", tuple(seeds))
        for name in ("learning_rates", "activations", "depths", "widths", "seeds"):
            values = getattr(self, name)
            if not values:
                raise SweepError(f"The grid is empty: `{name}` has no values. Give at least one.")
            if len(set(values)) != len(values):
                raise SweepError(f"`{name}` lists a value twice: {list(values)}. Give each value once.")
        set_(self, "epochs", _check_size("epochs", self.epochs))
        if self.batch_size is not None:
            _check_size("batch_size", self.batch_size)
        if not isinstance(self.optimizer, str) or self.optimizer.strip().lower() not in OPTIMIZERS:
            raise SweepError(f"Unknown optimizer {self.optimizer!r}. Choose one of: {', '.join(OPTIMIZERS)}.")
        set_(self, "optimizer", self.optimizer.strip().lower())
        get_optimizer(self.optimizer, 0.1)  # a registry check, cheap
        try:
            set_(self, "dtype", check_dtype(self.dtype).name)
        except ValidationError as exc:
            raise SweepError(str(exc)) from None
        split = self.validation_split
        if isinstance(split, bool) or not isinstance(split, Real) or not 0 <= split < 1:
            raise SweepError(f"`validation_split` must be a number in [0, 1). Got {split!r}.")

    def _seed_list(self) -> Sequence[int]:
        # __post_init__ has turned a count into the tuple of its seeds.
        return cast(Sequence[int], self.seeds)

    def runs(self) -> list[RunSpec]:
        """Every combination once, in grid order (learning rate outermost, seed innermost)."""
        return [
            RunSpec(lr, act, depth, width, seed, self.epochs, self.batch_size, self.optimizer, self.dtype)
            for lr, act, depth, width, seed in itertools.product(
                self.learning_rates, self.activations, self.depths, self.widths, self._seed_list()
            )
        ]

    def to_dict(self) -> dict:
        return {
            "learning_rates": list(self.learning_rates),
            "activations": list(self.activations),
            "depths": list(self.depths),
            "widths": list(self.widths),
            "seeds": list(self._seed_list()),
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "optimizer": self.optimizer,
            "dtype": self.dtype,
            "validation_split": self.validation_split,
        }


# -- parsing --------------------------------------------------------------------------------
def parse_list(name: str, text: str, kind: type) -> tuple:
    """``"0.01,0.1"`` -> (0.01, 0.1) for a CLI option; a bad item is a SweepError naming it."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise SweepError(
            f"--{name} is empty. Give comma-separated values, e.g. --{name} "
            f"{'0.01,0.1' if kind is float else 'relu,tanh' if kind is str else '2,4'}."
        )
    values = []
    for item in items:
        if kind is str:
            values.append(item)
            continue
        try:
            values.append(kind(item))
        except ValueError:
            raise SweepError(
                f"--{name}: {item!r} is not a{'n integer' if kind is int else ' number'}."
            ) from None
    return tuple(values)


CONFIG_KEYS = {
    "data": str,
    "target": str,
    "learning_rate": "floats",
    "learning_rates": "floats",
    "activation": "strs",
    "activations": "strs",
    "depth": "ints",
    "depths": "ints",
    "width": "ints",
    "widths": "ints",
    "seeds": "seeds",
    "epochs": int,
    "batch_size": int,
    "optimizer": str,
    "dtype": str,
    "validation_split": float,
    "workers": int,
    "scheduler": str,
    "out": str,
    "max_runs": int,
}
"""Keys a sweep config file may hold (singular and plural spellings of the grid lists)."""

_PLURAL = {
    "learning_rate": "learning_rates",
    "activation": "activations",
    "depth": "depths",
    "width": "widths",
}


def load_config(path: str | os.PathLike) -> dict:
    """Read a sweep config (TOML; YAML when PyYAML is installed) into keyword arguments.

    A config may hold the grid and the settings at the top level or under a ``[sweep]``
    table, e.g.::

        data = "diabetes"
        learning_rate = [0.001, 0.01, 0.1]
        activation = ["sigmoid", "tanh", "relu"]
        depth = [2, 6]
        seeds = 3

    Unknown keys are an error (a typo must not silently drop a setting).

    Examples
    --------
    >>> import os, tempfile
    >>> from neuralab.sweeps import load_config
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "sweep.toml")
    ...     with open(path, "w") as handle:
    ...         for line in ('data = "iris"', "learning_rate = [0.01, 0.1]", "seeds = 2"):
    ...             print(line, file=handle)
    ...     config = load_config(path)
    >>> sorted(config.items())
    [('data', 'iris'), ('learning_rates', [0.01, 0.1]), ('seeds', 2)]
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise SweepError(f"Config file not found: {path}. Check the path given to --config.")
    suffix = os.path.splitext(path)[1].lower()
    if suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise SweepError(
                f"{path} is YAML, which needs PyYAML (pip install pyyaml); or write the config as TOML."
            ) from None
        with open(path, encoding="utf-8") as handle:
            try:
                raw = yaml.safe_load(handle) or {}
            except yaml.YAMLError as exc:
                raise SweepError(f"{path} is not valid YAML: {exc}".replace("\n", " ")) from None
    else:
        with open(path, "rb") as handle:
            try:
                raw = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise SweepError(f"{path} is not valid TOML: {exc}.") from None
    if not isinstance(raw, dict):
        raise SweepError(f"{path} must hold a table of settings (key = value).")
    if "sweep" in raw and isinstance(raw["sweep"], dict):
        raw = {**{k: v for k, v in raw.items() if k != "sweep"}, **raw["sweep"]}
    unknown = sorted(set(raw) - set(CONFIG_KEYS))
    if unknown:
        raise SweepError(
            f"{path}: unknown setting(s) {', '.join(unknown)}. "
            f"Valid settings: {', '.join(sorted(CONFIG_KEYS))}."
        )
    settings = {}
    for key, value in raw.items():
        kind = CONFIG_KEYS[key]
        if kind in (str, int, float) and (
            isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else kind)
        ):
            raise SweepError(f"{path}: `{key}` must be a {kind.__name__}. Got {value!r}.")
        settings[_PLURAL.get(key, key)] = value
    return settings


__all__ = ["HIDDEN_ACTIVATIONS", "RunSpec", "SweepError", "SweepGrid", "load_config", "parse_list"]
