"""The seven activation functions of the course, each with its derivative.

An activation is a small object: ``forward(z)`` gives a = f(z); ``backward(grad, z, a)``
gives dE/dz from dE/da (a vector-Jacobian product), using what the forward pass cached
rather than recomputing it. Elementwise activations also offer ``derivative(z)`` = f'(z).

Shapes: ``z`` and ``a`` are ``(n_samples, units)``; every function keeps the dtype.
"""

from __future__ import annotations

import numpy as np

from ._registry import resolve
from ._scalars import ONE, ZERO
from ._validation import check_positive_number


class Activation:
    """Base class: an activation function paired with its derivative.

    Subclasses set ``name``, ``formula``, ``derivative_formula`` and ``output_range``
    (plain-text strings used by the gallery and the summary table), and implement
    ``forward`` and ``derivative``. ``elementwise`` is False only for softmax.

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> relu = nl.get_activation("relu")
    >>> isinstance(relu, nl.Activation), relu.elementwise
    (True, True)
    >>> relu.forward(np.array([[-1.0, 2.0]])), relu.derivative(np.array([[-1.0, 2.0]]))
    (array([[0., 2.]]), array([[0., 1.]]))
    """

    name: str = ""
    formula: str = ""
    derivative_formula: str = ""
    output_range: str = ""
    elementwise: bool = True
    trainable: bool = True

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.forward(z)

    def forward(self, z: np.ndarray) -> np.ndarray:
        """Return a = f(z), same shape and dtype as ``z``."""
        raise NotImplementedError

    def derivative(self, z: np.ndarray) -> np.ndarray:
        """Return f'(z) elementwise, same shape and dtype as ``z``."""
        raise NotImplementedError

    def backward(self, grad: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Return dE/dz = dE/da * f'(z) given ``grad`` = dE/da and the cached ``z``, ``a``."""
        return grad * self.derivative(z)

    def get_config(self) -> dict:
        """The name and arguments that rebuild this activation with ``get_activation``."""
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Activation) and self.get_config() == other.get_config()

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.get_config().items())))


class Sigmoid(Activation):
    r"""Logistic sigmoid.

    $$
    \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad \sigma'(z) = \sigma(z)\,(1 - \sigma(z))
    $$

    Range (0, 1). sigma'(z) <= 1/4, the root of the vanishing-gradient problem: the product
    of n such factors is at most 4^-n. Computed in two branches so that exp never overflows.

    Examples
    --------
    The derivative is largest at z = 0, where it is 1/4:
    >>> import numpy as np
    >>> from neuralab import Sigmoid
    >>> z = np.array([[-2.0, 0.0, 2.0]])
    >>> Sigmoid().forward(z).round(4)
    array([[0.1192, 0.5   , 0.8808]])
    >>> Sigmoid().derivative(z).round(4)
    array([[0.105, 0.25 , 0.105]])
    """

    name = "sigmoid"
    formula = "sigma(z) = 1 / (1 + exp(-z))"
    derivative_formula = "sigma'(z) = sigma(z) * (1 - sigma(z))"
    output_range = "(0, 1)"

    def forward(self, z: np.ndarray) -> np.ndarray:
        # e = exp(-|z|) is in (0, 1], so nothing overflows: for z >= 0, 1/(1+e^-z);
        # for z < 0, e^z/(1+e^z). One shared denominator. The numerator, 1 where z >= 0
        # and e elsewhere, is max(e, sign(z)) since e <= 1 (z = 0: e = 1; NaN stays NaN):
        # bit for bit max(e, [z >= 0]), without mixing a bool array into a float ufunc
        # (about 0.6 us a call on a small batch), and twice as fast as np.where.
        e = np.exp(-np.abs(z))
        return np.maximum(e, np.sign(z)) / (ONE.get(e.dtype, 1.0) + e)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        a = self.forward(z)
        return a * (1.0 - a)

    def backward(self, grad: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return grad * a * (ONE.get(a.dtype, 1.0) - a)


class Tanh(Activation):
    r"""Hyperbolic tangent.

    $$
    \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}, \qquad \tanh'(z) = 1 - \tanh^2(z)
    $$

    Range (-1, 1), symmetric around the origin; tanh'(z) <= 1, still vanishing for large |z|.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab import Tanh
    >>> z = np.array([[-2.0, 0.0, 2.0]])
    >>> Tanh().forward(z).round(4)
    array([[-0.964,  0.   ,  0.964]])
    >>> Tanh().derivative(z).round(4)
    array([[0.0707, 1.    , 0.0707]])
    """

    name = "tanh"
    formula = "tanh(z) = (exp(z) - exp(-z)) / (exp(z) + exp(-z))"
    derivative_formula = "tanh'(z) = 1 - tanh(z)^2"
    output_range = "(-1, 1)"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        a = np.tanh(z)
        return 1.0 - a * a

    def backward(self, grad: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return grad * (ONE.get(a.dtype, 1.0) - a * a)


class ReLU(Activation):
    r"""Rectified linear unit.

    $$
    \mathrm{ReLU}(z) = \max(0, z), \qquad \mathrm{ReLU}'(z) = 1 \text{ if } z > 0 \text{ else } 0
    $$

    Range [0, inf). The derivative at the kink z = 0 is taken as 0, as PyTorch does.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab import ReLU
    >>> z = np.array([[-2.0, 0.0, 2.0]])
    >>> ReLU().forward(z)
    array([[0., 0., 2.]])
    >>> ReLU().derivative(z)
    array([[0., 0., 1.]])
    """

    name = "relu"
    formula = "relu(z) = max(0, z)"
    derivative_formula = "relu'(z) = 1 if z > 0 else 0"
    output_range = "[0, inf)"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.maximum(z, ZERO.get(z.dtype, 0))  # a 0-d zero of z's dtype: see _scalars

    def derivative(self, z: np.ndarray) -> np.ndarray:
        # relu'(0) = 0 (PyTorch's choice): the subgradient at the kink that keeps dead units dead.
        return (z > 0).astype(z.dtype)

    def backward(self, grad: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        # a > 0 exactly where z > 0, so the cached output gives the mask.
        return grad * (a > ZERO.get(a.dtype, 0))


class LeakyReLU(Activation):
    r"""Leaky ReLU with slope ``alpha`` for negative inputs.

    $$
    f(z) = z \text{ if } z > 0 \text{ else } \alpha z, \qquad
    f'(z) = 1 \text{ if } z > 0 \text{ else } \alpha
    $$

    Range (-inf, inf). The derivative at z = 0 is alpha, as PyTorch does.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab import LeakyReLU
    >>> z = np.array([[-2.0, 0.0, 2.0]])
    >>> LeakyReLU(alpha=0.1).forward(z)
    array([[-0.2,  0. ,  2. ]])
    >>> LeakyReLU(alpha=0.1).derivative(z)
    array([[0.1, 0.1, 1. ]])
    """

    name = "leaky_relu"
    formula = "leaky_relu(z) = z if z > 0 else alpha * z"
    derivative_formula = "leaky_relu'(z) = 1 if z > 0 else alpha"
    output_range = "(-inf, inf)"

    def __init__(self, alpha: float = 0.01):
        self.alpha = check_positive_number("alpha", alpha, allow_zero=True)

    def forward(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z, z * self.alpha)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        # leaky_relu'(0) = alpha (PyTorch's choice): the kink belongs to the negative side.
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)

    def backward(self, grad: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return np.where(z > 0, grad, grad * self.alpha)

    def get_config(self) -> dict:
        return {"name": self.name, "alpha": self.alpha}

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class Linear(Activation):
    r"""Identity (linear) activation.

    $$
    f(z) = z, \qquad f'(z) = 1
    $$

    Range (-inf, inf). Used on regression outputs.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab import Linear
    >>> z = np.array([[-2.0, 0.0, 2.0]])
    >>> Linear().forward(z), Linear().derivative(z)
    (array([[-2.,  0.,  2.]]), array([[1., 1., 1.]]))
    """

    name = "linear"
    formula = "linear(z) = z"
    derivative_formula = "linear'(z) = 1"
    output_range = "(-inf, inf)"

    def forward(self, z: np.ndarray) -> np.ndarray:
        return z

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.ones_like(z)

    def backward(self, grad: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return grad


class BinaryStep(Activation):
    r"""Binary (Heaviside) step.

    $$
    f(z) = 1 \text{ if } z \ge 0 \text{ else } 0, \qquad f'(z) = 0
    $$

    Range {0, 1}. Its derivative is zero everywhere (undefined at 0, taken as 0), so no
    gradient flows through it: gradient descent cannot train a network that uses it.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab import BinaryStep
    >>> z = np.array([[-2.0, 0.0, 2.0]])
    >>> BinaryStep().forward(z), BinaryStep().derivative(z)
    (array([[0., 1., 1.]]), array([[0., 0., 0.]]))
    """

    name = "binary_step"
    formula = "step(z) = 1 if z >= 0 else 0"
    derivative_formula = "step'(z) = 0 (undefined at z = 0)"
    output_range = "{0, 1}"
    trainable = False

    def forward(self, z: np.ndarray) -> np.ndarray:
        return (z >= 0).astype(z.dtype)

    def derivative(self, z: np.ndarray) -> np.ndarray:
        return np.zeros_like(z)


@np.errstate(over="ignore")
def _minus_row_max(z: np.ndarray) -> np.ndarray:
    """z - max_j z_j for each row, the shift that keeps softmax's exp from overflowing.

    The subtraction itself overflows to -inf where a row spans more than the dtype's range
    (1e308 and -1e308); exp(-inf) = 0 is then the exact answer, so that warning only is
    silenced. The decorator form of errstate costs about half the ``with`` form per call, and
    ``np.maximum.reduce`` is ``ndarray.max`` (the same ufunc reduction) without its wrapper.
    """
    return z - np.maximum.reduce(z, axis=-1, keepdims=True)


class Softmax(Activation):
    r"""Softmax over the units of each sample (row).

    $$
    \mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}, \qquad
    \frac{\partial a_i}{\partial z_j} = a_i(\delta_{ij} - a_j)
    $$

    Range (0, 1), each row sums to 1. Not elementwise: ``backward`` is the vector-Jacobian
    product dE/dz = a * (g - sum_j g_j a_j); ``derivative(z)`` returns the full Jacobian of
    shape (n_samples, units, units). The row maximum is subtracted before exp, so it never
    overflows.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab import Softmax
    >>> p = Softmax().forward(np.array([[1.0, 2.0, 3.0]]))
    >>> p.round(4), round(float(p.sum()), 12)
    (array([[0.09  , 0.2447, 0.6652]]), 1.0)
    """

    name = "softmax"
    formula = "softmax(z)_i = exp(z_i) / sum_j exp(z_j)"
    derivative_formula = "d softmax_i / d z_j = a_i * (delta_ij - a_j)"
    output_range = "(0, 1), rows sum to 1"
    elementwise = False

    def forward(self, z: np.ndarray) -> np.ndarray:
        e = _minus_row_max(z)
        np.exp(e, out=e)  # in place: e is a fresh array (saves the allocation the shift's errstate costs)
        e /= e.sum(axis=-1, keepdims=True)
        return e

    def derivative(self, z: np.ndarray) -> np.ndarray:
        a = self.forward(z)
        return a[..., :, None] * (np.eye(a.shape[-1], dtype=a.dtype) - a[..., None, :])

    def backward(self, grad: np.ndarray, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return a * (grad - (grad * a).sum(axis=-1, keepdims=True))


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Sigmoid, Tanh, ReLU, Softmax, BinaryStep, Linear, LeakyReLU)
}
"""The seven activations of the course, by name, in the notes' order.

Examples
--------
>>> import neuralab as nl
>>> list(nl.ACTIVATIONS)
['sigmoid', 'tanh', 'relu', 'softmax', 'binary_step', 'linear', 'leaky_relu']
"""


def get_activation(activation: str | Activation | None) -> Activation:
    """Return an Activation for a name ("relu", "leaky_relu", ...) or an Activation object.

    ``None`` means "linear". An unknown name raises UnknownNameError listing the valid ones.

    Examples
    --------
    >>> get_activation("sigmoid").output_range
    '(0, 1)'
    """
    if activation is None:
        return Linear()
    return resolve("activation", activation, Activation, dict(ACTIVATIONS))


def activation_from_config(config: dict) -> Activation:
    """Rebuild an activation from ``Activation.get_config()``."""
    options = {k: v for k, v in config.items() if k != "name"}
    return ACTIVATIONS[get_activation(config["name"]).name](**options)
