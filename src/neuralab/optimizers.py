"""Optimizers: update rules that change lists of parameter arrays in place.

An optimizer knows nothing about layers: ``step(parameters, gradients)`` walks two lists of
arrays of matching shapes. Each rule writes one ``update_step``; formulas and defaults are
torch.optim's, so a run can be checked against PyTorch step for step.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Mapping

import numpy as np

from ._registry import resolve
from ._validation import check_fraction, check_positive_number
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
        for index, (parameter, gradient) in enumerate(zip(parameters, gradients, strict=True)):
            self.update_step(index, parameter, gradient)

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
        scratch = self._work(index, parameter)
        rate = self._rates.get(parameter.dtype)
        if rate is None:  # the learning rate as a 0-d array of the parameter's dtype (_scalars)
            rate = self._rates[parameter.dtype] = np.array(self.learning_rate, dtype=parameter.dtype)
        np.multiply(direction, rate, scratch)
        parameter -= scratch

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


class GradientDescent(Optimizer):
    r"""The notes' rule for every weight and bias.

    $$
    w_{new} = w_{old} - \text{learning\_rate} \times \frac{\partial E}{\partial w}
    $$

    Examples
    --------
    One step of tutorial 1, w = 0.2 with dJ/dw = -2.25 and α = 0.4:
    >>> import numpy as np
    >>> from neuralab import GradientDescent
    >>> w, g = np.array([0.2]), np.array([-2.25])       # tutorial 1: J'(0.2) = -2.25
    >>> GradientDescent(0.4).step([w], [g])
    >>> w
    array([1.1])
    """

    name = "gd"

    def __init__(self, learning_rate: float = 0.01):
        super().__init__(learning_rate)

    def update_step(self, index, parameter, gradient):
        self._descend(index, parameter, gradient)


class SGD(Optimizer):
    r"""Stochastic gradient descent with optional (Nesterov) momentum, as ``torch.optim.SGD``.

    $$
    b_t = \mu b_{t-1} + g_t \;(b_1 = g_1), \qquad
    d_t = g_t + \mu b_t \text{ if nesterov else } b_t, \qquad
    w_t = w_{t-1} - \alpha d_t
    $$

    With ``momentum=0`` this is GradientDescent.

    Examples
    --------
    With momentum a constant gradient builds speed: steps 0.1, 0.19, 0.271:
    >>> import numpy as np
    >>> from neuralab import SGD
    >>> w, g = np.array([1.0]), np.array([1.0])
    >>> optimizer = SGD(0.1, momentum=0.9)
    >>> for _ in range(3):
    ...     optimizer.step([w], [g])
    >>> w.round(4)
    array([0.439])
    """

    name = "sgd"
    slot_names = ("momentum_buffer",)

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = check_fraction("momentum", momentum)
        if nesterov and self.momentum == 0:
            raise ValidationError("Nesterov momentum needs `momentum` > 0. Got momentum=0.")
        self.nesterov = bool(nesterov)

    def update_step(self, index, parameter, gradient):
        if self.momentum == 0:
            self._descend(index, parameter, gradient)
            return
        buffer = self._existing_slot(index, "momentum_buffer", parameter)
        if buffer is None:
            buffer = self.state.setdefault(index, {})["momentum_buffer"] = gradient.copy()
        else:
            buffer *= self.momentum
            buffer += gradient
        if self.nesterov:  # direction = gradient + momentum * buffer, in a reused work array
            direction = np.multiply(buffer, self.momentum, self._work(index, parameter, 1))
            direction += gradient
        else:
            direction = buffer
        self._descend(index, parameter, direction)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    r"""Adam, as ``torch.optim.Adam`` (no weight decay, no amsgrad).

    $$
    m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t, \quad
    v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2, \\
    w_t = w_{t-1} - \frac{\alpha}{1 - \beta_1^t} \cdot
    \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}
    $$

    Examples
    --------
    The first step moves every weight by about the learning rate, whatever its gradient's
    size:
    >>> import numpy as np
    >>> from neuralab import Adam
    >>> w, g = np.array([1.0, 1.0]), np.array([100.0, 0.001])
    >>> Adam(0.1).step([w], [g])
    >>> w.round(4)
    array([0.9, 0.9])
    """

    name = "adam"
    slot_names = ("m", "v")

    def __init__(
        self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8
    ):
        super().__init__(learning_rate)
        self.beta1 = check_fraction("beta1", beta1)
        self.beta2 = check_fraction("beta2", beta2)
        self.epsilon = check_positive_number("epsilon", epsilon)

    def update_step(self, index, parameter, gradient):
        m = self._slot(index, "m", parameter)
        v = self._slot(index, "v", parameter)
        t = self.iterations
        # In place through one work array: the same operations, in the same order, as
        # torch.optim.Adam, and no allocation per step.
        work = self._work(index, parameter)
        m *= self.beta1
        m += np.multiply(gradient, 1.0 - self.beta1, work)
        v *= self.beta2
        np.multiply(gradient, gradient, work)
        work *= 1.0 - self.beta2
        v += work
        bias_correction1 = 1.0 - self.beta1**t
        bias_correction2_sqrt = math.sqrt(1.0 - self.beta2**t)
        denominator = np.sqrt(v, work)
        denominator /= bias_correction2_sqrt
        denominator += self.epsilon
        step = np.divide(m, denominator, work)
        step *= self.learning_rate / bias_correction1
        parameter -= step

    def get_config(self):
        return {**super().get_config(), "beta1": self.beta1, "beta2": self.beta2, "epsilon": self.epsilon}


class RMSprop(Optimizer):
    r"""RMSprop, as ``torch.optim.RMSprop`` (no momentum, not centered, no weight decay).

    $$
    v_t = \alpha v_{t-1} + (1 - \alpha) g_t^2, \qquad
    w_t = w_{t-1} - \text{learning\_rate} \cdot \frac{g_t}{\sqrt{v_t} + \epsilon}
    $$

    Defaults are PyTorch's: learning_rate 0.01, alpha 0.99, epsilon 1e-8.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab import RMSprop
    >>> w, g = np.array([1.0]), np.array([0.5])
    >>> RMSprop(0.01).step([w], [g])
    >>> w.round(4)
    array([0.9])
    """

    name = "rmsprop"
    slot_names = ("square_avg",)

    def __init__(self, learning_rate: float = 0.01, alpha: float = 0.99, epsilon: float = 1e-8):
        super().__init__(learning_rate)
        self.alpha = check_fraction("alpha", alpha)
        self.epsilon = check_positive_number("epsilon", epsilon)

    def update_step(self, index, parameter, gradient):
        v = self._slot(index, "square_avg", parameter)
        work = self._work(index, parameter)  # in place, in torch.optim.RMSprop's order
        v *= self.alpha
        np.multiply(gradient, gradient, work)
        work *= 1.0 - self.alpha
        v += work
        denominator = np.sqrt(v, work)
        denominator += self.epsilon
        step = np.divide(gradient, denominator, work)
        step *= self.learning_rate
        parameter -= step

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "epsilon": self.epsilon}


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (GradientDescent, SGD, Adam, RMSprop)}
_ALIASES = {"gradient_descent": GradientDescent}
# Named presets: SGD with heavy-ball or Nesterov momentum 0.9.
_PRESETS = {
    "momentum": lambda learning_rate=0.01: SGD(learning_rate, momentum=0.9),
    "nesterov": lambda learning_rate=0.01: SGD(learning_rate, momentum=0.9, nesterov=True),
}


def optimizer_from_config(config: dict) -> Optimizer:
    """Rebuild an optimizer from ``Optimizer.get_config()``."""
    options = {k: v for k, v in config.items() if k != "name"}
    name = config.get("name")
    if name not in OPTIMIZERS:
        valid = ", ".join(OPTIMIZERS)
        raise ValidationError(f"Unknown optimizer {name!r} in a config. Valid names: {valid}.")
    return OPTIMIZERS[name](**options)


def get_optimizer(optimizer: str | Optimizer, learning_rate: float | None = None) -> Optimizer:
    """Return an Optimizer for a name ("gd", "sgd", "momentum", "nesterov", "adam", "rmsprop")
    or an Optimizer object. "momentum" and "nesterov" are SGD with momentum 0.9.

    ``learning_rate`` overrides the default of a named optimizer.

    Examples
    --------
    >>> get_optimizer("sgd", learning_rate=0.1)
    SGD(learning_rate=0.1, momentum=0.0, nesterov=False)
    """
    if (
        isinstance(optimizer, Optimizer)
        and learning_rate is not None
        and learning_rate != optimizer.learning_rate
    ):
        raise ValidationError(
            f"Got an optimizer object with learning rate {optimizer.learning_rate:g} and also "
            f"learning_rate={learning_rate:g}. Give the rate once: {type(optimizer).__name__}"
            f"({learning_rate:g}), or a name such as 'sgd' with learning_rate."
        )
    factories: dict[str, Callable[..., Optimizer]] = {**OPTIMIZERS, **_ALIASES, **_PRESETS}
    if learning_rate is not None:
        factories = {name: (lambda cls=cls: cls(learning_rate)) for name, cls in factories.items()}
    return resolve("optimizer", optimizer, Optimizer, factories)
