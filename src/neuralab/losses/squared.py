"""The squared-error losses of the notes: summed (J and E) and averaged (MSE).

Each is a value, its gradient dE/da and each sample's share; no output activation is
required, so there is no fused gradient.
"""

from __future__ import annotations

import numpy as np

from .base import Loss
from .checks import same_shape


class SumSquaredError(Loss):
    r"""The notes' cost of the first section, summed and without the 1/2.

    $$
    J = \sum_i (y_i - a_i)^2, \qquad \frac{\partial J}{\partial a_i} = -2 (y_i - a_i)
    $$

    Examples
    --------
    The notes' z = 2x with w = 0.2 on x = -0.5, -0.25, 0, 0.25, 0.5: J = 3.24 * 0.625 = 2.025.

    >>> import numpy as np, neuralab as nl
    >>> x = np.array([[-0.5], [-0.25], [0.0], [0.25], [0.5]])
    >>> round(nl.SumSquaredError().value(0.2 * x, 2 * x), 6)
    2.025
    """

    name = "sum_squared_error"
    formula = "J = sum (y - a)^2"
    reduction = "sum"

    @same_shape
    def value(self, output, target):
        diff = output - target
        return float(np.vdot(diff, diff))

    @same_shape
    def gradient(self, output, target):
        return 2.0 * (output - target)

    @same_shape
    def sample_terms(self, output, target):
        diff = output - target
        return (diff * diff).sum(axis=1)


class HalfSquaredError(Loss):
    r"""The notes' error of the backpropagation section, summed (not averaged).

    $$
    E = \frac{1}{2} \sum_i (T_i - a_i)^2, \qquad \frac{\partial E}{\partial a_i} = -(T_i - a_i)
    $$

    Examples
    --------
    The two-neuron example's output a2 = 0.715252 against T = 0.25:

    >>> import numpy as np, neuralab as nl
    >>> loss = nl.HalfSquaredError()
    >>> round(loss.value(np.array([[0.715252]]), np.array([[0.25]])), 5)
    0.10823
    >>> loss.gradient(np.array([[0.715252]]), np.array([[0.25]])).round(6)
    array([[0.465252]])
    """

    name = "half_squared_error"
    formula = "E = 1/2 * sum (T - a)^2"
    reduction = "sum"

    @same_shape
    def value(self, output, target):
        diff = output - target
        return 0.5 * float(np.vdot(diff, diff))

    @same_shape
    def gradient(self, output, target):
        return output - target

    @same_shape
    def sample_terms(self, output, target):
        diff = output - target
        return 0.5 * (diff * diff).sum(axis=1)


class MeanSquaredError(Loss):
    r"""Mean squared error over all elements (PyTorch's ``MSELoss``).

    $$
    \mathrm{MSE} = \frac{1}{N} \sum_i (y_i - a_i)^2, \qquad
    \frac{\partial}{\partial a_i} = \frac{2 (a_i - y_i)}{N}
    $$

    where N = n_samples * n_outputs.

    Examples
    --------
    (0.5² + 0²) / 2 = 0.125; the gradient is 2 (a - y) / N:
    >>> import numpy as np
    >>> from neuralab import MeanSquaredError
    >>> output, target = np.array([[0.5], [1.0]]), np.array([[0.0], [1.0]])
    >>> MeanSquaredError().value(output, target)
    0.125
    >>> MeanSquaredError().gradient(output, target).ravel()
    array([0.5, 0. ])
    """

    name = "mse"
    formula = "MSE = 1/N * sum (y - a)^2"

    @same_shape
    def value(self, output, target):
        diff = output - target
        return float(np.vdot(diff, diff)) / diff.size

    @same_shape
    def gradient(self, output, target):
        return (output - target) * (2.0 / output.size)

    @same_shape
    def sample_terms(self, output, target):
        diff = output - target
        return (diff * diff).sum(axis=1) / diff.size
