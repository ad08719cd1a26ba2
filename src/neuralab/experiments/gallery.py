"""The seven activation functions of the course: formula, range, derivative, where used,
and their values and derivatives on one grid (computed by the engine's activations).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..activations import ACTIVATIONS, get_activation
from ._result import Result

USES = {
    "sigmoid": "Outputs in (0, 1), not symmetric around 0; its gradient is tiny for large |z| "
    "(the vanishing-gradient problem). Once popular, now avoided in deep networks' hidden "
    "layers; still the output of binary classifiers.",
    "tanh": "Like sigmoid but symmetric around the origin, in (-1, 1); still vanishing gradients "
    "in very deep networks. Used in some applications and in recurrent cells.",
    "relu": "Only positive inputs activate the neuron, giving sparse activations; the gradient is 1 "
    "for positive inputs, which overcomes vanishing gradients. The default for hidden layers "
    "of deep networks: start with ReLU.",
    "softmax": "Turns raw output scores into class probabilities that sum to 1: the output layer "
    "of multi-class classifiers.",
    "binary_step": "Fires 1 when z >= 0, else 0. Its derivative is 0, so gradient descent cannot "
    "train through it: not popular (the historical perceptron).",
    "linear": "The identity: no non-linearity, so stacked linear layers stay linear. Not popular in "
    "hidden layers; the output of regression networks.",
    "leaky_relu": "ReLU with a small slope alpha for negative inputs, so no unit dies (its gradient is "
    "never exactly 0). Not popular in the notes' list, but a common fix for dead ReLUs.",
}
"""Where each activation is used, after the course notes' characteristics.

Examples
--------
>>> from neuralab import experiments
>>> sorted(experiments.USES) == sorted(["sigmoid", "tanh", "relu", "softmax", "binary_step", "linear",
...                                     "leaky_relu"])
True
"""


@dataclass
class ActivationInfo(Result):
    """One activation: its formula, range, derivative, use, and samples on ``z``.

    For softmax (not elementwise) the curve is the first component of softmax([z, 0]) and
    its diagonal derivative d a_1 / d z_1 = a_1 (1 - a_1).

    Examples
    --------
    >>> from neuralab import experiments
    >>> info = experiments.activation_info("sigmoid")
    >>> info.output_range, round(info.max_derivative, 4)
    ('(0, 1)', 0.25)
    """

    name: str
    formula: str
    output_range: str
    derivative_formula: str
    used: str
    z: list[float] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    derivative: list[float] = field(default_factory=list)
    max_derivative: float = 0.0


@dataclass
class GalleryResult(Result):
    """The seven activations, in the notes' order.

    Examples
    --------
    >>> from neuralab import experiments
    >>> [a.name for a in experiments.activation_gallery().activations]
    ['sigmoid', 'tanh', 'relu', 'softmax', 'binary_step', 'linear', 'leaky_relu']
    """

    activations: list[ActivationInfo]


def activation_info(
    name: str, *, z_min: float = -5.0, z_max: float = 5.0, points: int = 201
) -> ActivationInfo:
    """Describe one activation and sample it (and its derivative) on [z_min, z_max].

    Examples
    --------
    >>> info = activation_info("sigmoid")
    >>> info.output_range, round(info.max_derivative, 4)
    ('(0, 1)', 0.25)
    """
    activation = get_activation(name)
    z = np.linspace(z_min, z_max, points)
    if activation.elementwise:
        column = z.reshape(-1, 1)
        value = activation.forward(column).ravel()
        derivative = activation.derivative(column).ravel()
    else:
        pairs = np.column_stack([z, np.zeros_like(z)])
        value = activation.forward(pairs)[:, 0]
        derivative = activation.derivative(pairs)[:, 0, 0]
    # Parameters such as leaky_relu's alpha are stated with the formulas ("... (alpha = 0.01)").
    parameters = {key: value for key, value in activation.get_config().items() if key != "name"}
    settings = ", ".join(f"{key} = {value:g}" for key, value in parameters.items())
    settings = f" ({settings})" if settings else ""
    return ActivationInfo(
        name=activation.name,
        formula=activation.formula + settings,
        output_range=activation.output_range,
        derivative_formula=activation.derivative_formula + settings,
        used=USES[activation.name],
        z=z.tolist(),
        value=value.tolist(),
        derivative=derivative.tolist(),
        max_derivative=float(derivative.max()),
    )


def activation_gallery(*, points: int = 201) -> GalleryResult:
    """All seven activations of the course, in the notes' order.

    Examples
    --------
    The largest derivative of each activation on z in [-5, 5] (five points):
    >>> from neuralab import experiments
    >>> gallery = experiments.activation_gallery(points=5)
    >>> {a.name: round(a.max_derivative, 2) for a in gallery.activations if a.name != "binary_step"}
    {'sigmoid': 0.25, 'tanh': 1.0, 'relu': 1.0, 'softmax': 0.25, 'linear': 1.0, 'leaky_relu': 1.0}
    """
    return GalleryResult(activations=[activation_info(name, points=points) for name in ACTIVATIONS])
