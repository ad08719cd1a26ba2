"""Optimizers: update rules that change lists of parameter arrays in place.

An optimizer knows nothing about layers: ``step(parameters, gradients)`` walks two lists of
arrays of matching shapes. Each rule writes one ``update_step``; formulas and defaults are
torch.optim's, so a run can be checked against PyTorch step for step.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._registry import resolve
from ._validation import check_fraction, check_positive_number
from .errors import ValidationError
from .optimizer_base import Optimizer


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


__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "GradientDescent",
    "Optimizer",
    "RMSprop",
    "get_optimizer",
    "optimizer_from_config",
]
