"""Optimizer, the base class of every update rule: the learning rate, the step count,
``step(parameters, gradients)`` over two lists of arrays of matching shapes, and the
per-parameter state (momentum buffers, moment estimates) kept in named slots, saved and
restored by position (``get_state``) or by parameter name (``get_named_state``).

The rules themselves (w <- w - learning_rate * dE/dw and its momentum/Adam/RMSprop
variants) live in ``optimizers``, which re-exports this class.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping

import numpy as np

from ._validation import check_positive_number
from .errors import ShapeError, ValidationError


class Optimizer:
    """Base class: holds ``learning_rate``, per-parameter state and the step count.

    Examples
    --------
    An optimizer updates a list of arrays in place from their gradients:
    >>> import numpy as np
    >>> import neuralab as nl
    >>> w, g = np.array([1.0, -1.0]), np.array([0.5, 0.5])
    >>> optimizer = nl.get_optimizer("gd", learning_rate=0.1)
    >>> isinstance(optimizer, nl.Optimizer)
    True
    >>> optimizer.step([w], [g])
    >>> w
    array([ 0.95, -1.05])
    """

    name: str = ""
    slot_names: tuple[str, ...] = ()  # the per-parameter state arrays a subclass keeps

    def __init__(self, learning_rate: float):
        self.learning_rate = learning_rate
        self.base_learning_rate: float | None = None  # a schedule's starting rate (callbacks.py)
        self._network: weakref.ref[object] | None = None  # the network it trains (see ``claim``)
        self.iterations = 0
        self.state: dict[int, dict[str, np.ndarray]] = {}
        self._scratch: dict[tuple[int, int], np.ndarray] = {}  # work arrays, not state: never saved

    @property
    def learning_rate(self) -> float:
        """Step size alpha of the update rule (a finite number > 0)."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._learning_rate = check_positive_number("learning_rate", value)
        self._rates: dict[np.dtype, np.ndarray] = {}  # learning_rate in each parameter dtype

    def step(self, parameters: list[np.ndarray], gradients: list[np.ndarray]) -> None:
        """Apply one update to every parameter array, in place."""
        if len(parameters) != len(gradients):
            raise ShapeError(
                f"Got {len(parameters)} parameter arrays but {len(gradients)} gradient arrays; "
                "they must pair up one to one."
            )
        self.iterations += 1
        update_step = self.update_step
        for index in range(len(parameters)):  # the lengths match (checked above)
            update_step(index, parameters[index], gradients[index])

    def update_step(self, index: int, parameter: np.ndarray, gradient: np.ndarray) -> None:
        """Update one ``parameter`` array in place from its ``gradient``."""
        raise NotImplementedError

    def _work(self, index: int, parameter: np.ndarray, slot: int = 0) -> np.ndarray:
        """Work array number ``slot`` for parameter ``index``: its shape and dtype, reused
        from step to step (no allocation per step), never saved."""
        key = (index, slot)
        scratch = self._scratch.get(key)
        if scratch is None or scratch.shape != parameter.shape or scratch.dtype != parameter.dtype:
            scratch = self._scratch[key] = np.empty_like(parameter)
        return scratch

    def _descend(self, index: int, parameter: np.ndarray, direction: np.ndarray) -> None:
        """parameter -= learning_rate * direction, in place, through a reused work array."""
        # Every step of every fit comes through here: the work array's lookup is inlined
        # (``_work`` on a miss), and np.subtract(p, s, p) is p -= s without the operator's
        # dispatch (0.25 against 0.4 us on a small network).
        scratch = self._scratch.get((index, 0))
        if scratch is None or scratch.shape != parameter.shape or scratch.dtype != parameter.dtype:
            scratch = self._work(index, parameter)
        rate = self._rates.get(parameter.dtype)
        if rate is None:  # the learning rate as a 0-d array of the parameter's dtype (_scalars)
            rate = self._rates[parameter.dtype] = np.array(self.learning_rate, dtype=parameter.dtype)
        np.multiply(direction, rate, scratch)
        np.subtract(parameter, scratch, parameter)

    def _existing_slot(self, index: int, name: str, like: np.ndarray) -> np.ndarray | None:
        """The state array ``name`` of parameter ``index``, or None before the first step.

        State made for other parameters (another network, or per-array lists after a fit,
        which trains through one flat array) is an error, not a silent broadcast.
        """
        array = self.state.get(index, {}).get(name)
        if array is not None and array.shape != like.shape:
            raise ShapeError(
                f"This {type(self).__name__} holds state for a parameter of shape {array.shape} at "
                f"position {index}, but is given one of shape {like.shape}. Use a new optimizer "
                "for other parameters, or call optimizer.reset()."
            )
        return array

    def _slot(self, index: int, name: str, like: np.ndarray) -> np.ndarray:
        """The state array ``name`` of parameter ``index``, zeros on the first step."""
        array = self._existing_slot(index, name, like)
        if array is None:
            array = self.state.setdefault(index, {})[name] = np.zeros_like(like)
        return array

    def claim(self, network: object) -> None:
        """Tie this optimizer to ``network`` (``fit`` does, before training it).

        An optimizer with state (moments, momentum, a step count) trains one network only:
        carrying Adam's moments or a momentum buffer over to another network of the same size
        would be silently wrong; a fresh (or reset) optimizer may train any network.
        """
        owner = self._network() if self._network is not None else None
        if owner is not None and owner is not network and (self.iterations or self.state):
            raise ValidationError(
                f"This {type(self).__name__} holds state from training another network (step "
                f"{self.iterations}). Use a new optimizer for this network, or call optimizer.reset()."
            )
        self._network = weakref.ref(network)

    def get_config(self) -> dict:
        """The name and hyperparameters that rebuild this optimizer."""
        return {"name": self.name, "learning_rate": self.learning_rate}

    def reset(self) -> None:
        """Forget all state (momentum buffers, moment estimates, step count, schedule start);
        the optimizer may then train any network."""
        self.iterations = 0
        self.base_learning_rate = None
        self._network = None
        self.state.clear()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_network"] = None  # a copy (or a pickle) is not tied to the original's network
        return state

    def get_state(self) -> dict[str, np.ndarray]:
        """The state as plain arrays, keyed "iterations" and "<index>.<slot>" (e.g. "0.m").

        Together with ``get_config`` this resumes training exactly (``set_state``).
        """
        arrays = {"iterations": np.array(self.iterations, dtype=np.int64)}
        if self.base_learning_rate is not None:
            arrays["base_learning_rate"] = np.array(self.base_learning_rate, dtype=np.float64)
        for index, slots in self.state.items():
            for name, array in slots.items():
                arrays[f"{index}.{name}"] = array.copy()
        return arrays

    def set_state(self, arrays: dict[str, np.ndarray]) -> None:
        """Restore what ``get_state`` returned (copies; the step count included)."""
        if "iterations" not in arrays:
            raise ValidationError(
                "The optimizer state has no 'iterations' (the step count); give what get_state() returned."
            )
        state: dict[int, dict[str, np.ndarray]] = {}
        iterations, base = 0, None
        for key, array in arrays.items():
            if key == "iterations":
                iterations = int(np.asarray(array))
                continue
            if key == "base_learning_rate":
                base = float(np.asarray(array))
                continue
            index, _, name = key.partition(".")
            if not index.isdigit() or not name:
                raise ValidationError(
                    f"Optimizer state key {key!r} is not of the form '<index>.<slot>' or 'iterations'."
                )
            if name not in self.slot_names:
                kept = ", ".join(self.slot_names) or "no per-parameter state"
                raise ValidationError(
                    f"Optimizer state key {key!r} holds a {name!r} array, but {type(self).__name__} "
                    f"keeps {kept}: this state comes from another optimizer."
                )
            state.setdefault(int(index), {})[name] = np.array(array)
        self.iterations, self.state, self.base_learning_rate = iterations, state, base

    def get_named_state(self, parameters: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The state keyed by parameter name: "iterations", and "<name>.<slot>" arrays of each
        parameter's shape (e.g. "layer1.weights.m"), for ``parameters`` such as
        ``network.parameters_by_name()`` (name -> array, in the order the optimizer steps them).

        Works for both layouts this optimizer may hold: one flat array for all parameters (what
        ``fit`` trains through) or one array per parameter. ``set_named_state`` is the inverse.
        """
        arrays = {key: value for key, value in self.get_state().items() if "." not in key}
        names = list(parameters)
        shapes = [np.shape(parameters[name]) for name in names]
        sizes = [int(np.prod(shape)) for shape in shapes]
        if not self.state:
            return arrays
        flat_shape = (sum(sizes),)
        flat = set(self.state) == {0} and all(a.shape == flat_shape for a in self.state[0].values())
        per_array = all(
            0 <= index < len(names) and all(a.shape == shapes[index] for a in slots.values())
            for index, slots in self.state.items()
        )
        if per_array:
            for index, slots in sorted(self.state.items()):
                for slot, array in slots.items():
                    arrays[f"{names[index]}.{slot}"] = array.copy()
        elif flat:
            offsets = np.cumsum([0, *sizes])
            for slot, array in self.state[0].items():
                for name, shape, start, stop in zip(names, shapes, offsets[:-1], offsets[1:], strict=True):
                    arrays[f"{name}.{slot}"] = array[start:stop].reshape(shape).copy()
        else:
            raise ShapeError(
                f"This {type(self).__name__} holds state that matches neither these {len(names)} "
                f"parameters ({', '.join(names)}) nor one flat array of all of them: it comes from "
                "other parameters. Use a new optimizer, or call optimizer.reset()."
            )
        return arrays

    def set_named_state(self, arrays: Mapping[str, np.ndarray], parameters: Mapping[str, np.ndarray]) -> None:
        """Restore what ``get_named_state`` returned, in the layout ``fit`` trains through (one flat
        array in the order of ``parameters``; the step count included)."""
        names = list(parameters)
        flat_state: dict[str, np.ndarray] = {
            key: np.asarray(value) for key, value in arrays.items() if "." not in key
        }
        slots: dict[str, dict[str, np.ndarray]] = {}
        for key, value in arrays.items():
            if "." not in key:
                continue
            name, _, slot = key.rpartition(".")
            if name not in parameters:
                raise ValidationError(
                    f"Optimizer state key {key!r} names a parameter {name!r} that this network does not "
                    f"have (it has {', '.join(names)}): the state comes from another network."
                )
            array = np.asarray(value)
            if array.shape != np.shape(parameters[name]):
                raise ShapeError(
                    f"Optimizer state {key!r} has shape {array.shape}; the parameter has "
                    f"shape {np.shape(parameters[name])}."
                )
            slots.setdefault(slot, {})[name] = array
        for slot, by_name in slots.items():
            missing = [name for name in names if name not in by_name]
            if missing:
                raise ValidationError(
                    f"Optimizer state {slot!r} is missing for {', '.join(missing)}: give "
                    "what get_named_state() returned, whole."
                )
            flat_state[f"0.{slot}"] = np.concatenate([by_name[name].ravel() for name in names])
        self.set_state(flat_state)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


__all__ = ["Optimizer"]
