r"""Backpropagation through a stack of layers: the one path every training step takes.

One pass, for layers l = 1..L with a_0 = X:

$$
z_l = a_{l-1} W_l + b_l, \quad a_l = f_l(z_l) \qquad \text{(forward, each layer's own)}
$$

$$
E = \text{loss}(a_L, y) \qquad \text{(error)}
$$

$$
\delta_L = \frac{\partial E}{\partial z_L} = f_L'(z_L) \odot \frac{\partial E}{\partial a_L},
\text{ or } \frac{a_L - y}{n} \text{ for a loss fused with the output activation}
$$

$$
\frac{\partial E}{\partial W_l} = a_{l-1}^T \delta_l, \quad
\frac{\partial E}{\partial b_l} = 1^T \delta_l, \quad
\frac{\partial E}{\partial a_{l-1}} = \delta_l W_l^T \qquad \text{(backward, l = L..1)}
$$

``loss_and_gradients`` checks the data and runs the whole pass, returning the loss, the
gradients by parameter name and what each layer kept (x, z, a, dE/dz). Its three parts,
``forward``, ``output_gradient`` and ``backward``, are the only walks over the layers in
neuralab: ``Sequential.forward``/``backward``, the fit loop (which checks for divergence
between the loss and the backward pass), ``diagnostics``, ``trace`` and ``gradient_check``
all go through them.

Examples
--------
>>> import numpy as np, neuralab as nl
>>> net = nl.Sequential([nl.Dense(1, "linear", weights=[[2.0]], biases=[0.5])], dtype="float64")
>>> result = loss_and_gradients(net, "mse", [[1.0], [3.0]], [3.0, 6.0])
>>> result.loss                       # ((2.5 - 3)^2 + (6.5 - 6)^2) / 2
0.25
>>> result.gradients["layer1.weights"].tolist()    # 2/n X^T (a - y) = (1*-0.5 + 3*0.5)
[[1.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ._validation import check_sample_weight
from .layers import Dense, Layer
from .losses import Loss

if TYPE_CHECKING:
    from .network import Sequential


class HasLayers(Protocol):
    """Anything with a list of layers (a Sequential, or a user's own stack for gradient_check)."""

    @property
    def layers(self) -> Sequence[Layer]: ...


@dataclass(frozen=True)
class LayerRecord:
    """What one Dense layer saw and computed in the pass (the layer's own arrays, read-only;
    the next pass replaces them: copy what you keep).

    ``name`` is e.g. "layer2" (1-based position in ``network.layers``); ``inputs`` is x
    (n_samples, inputs); ``preactivation`` z, ``output`` a = f(z) and ``delta`` dE/dz are
    (n_samples, units); ``output_gradient`` is dE/da (None when the pass started from dE/dz);
    ``gradients`` maps "weights"/"biases" to dE/dW (inputs, units) and dE/db (units,).
    """

    name: str
    layer: Dense
    inputs: np.ndarray
    preactivation: np.ndarray
    output: np.ndarray
    delta: np.ndarray
    output_gradient: np.ndarray | None
    gradients: dict[str, np.ndarray]


@dataclass(frozen=True)
class Backprop:
    """One forward/backward pass: ``loss`` E, ``output`` (n_samples, n_outputs), ``gradients``
    by parameter name ("layer1.weights" -> dE/dW, in the order of ``network.parameters()``) and
    ``layers``, one LayerRecord per Dense layer, input side first.

    The gradient arrays are the layers' own (the next pass overwrites them): copy what you keep.
    """

    loss: float
    output: np.ndarray
    gradients: dict[str, np.ndarray]
    layers: list[LayerRecord]


# -- the three parts of a pass ---------------------------------------------------------------
def forward(layers: Sequence[Layer], x: np.ndarray, *, training: bool) -> np.ndarray:
    """Forward propagation: feed ``x`` (n_samples, n_features) through every layer; return the
    output (n_samples, n_outputs). ``training=True`` switches Dropout on."""
    for layer in layers:
        x = layer.forward(x, training=training)
    return x


def output_gradient(
    loss: Loss, output: np.ndarray, target: np.ndarray, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, bool]:
    """Where the backward pass starts, for ``output`` and ``target`` of shape (n_samples,
    n_outputs): ``(dE/dz, True)`` when ``loss`` is fused with the output activation (the exact
    and stable (a - y)/n), else ``(dE/da, False)``; the flag is ``backward``'s
    ``from_preactivation``. A sample's weight (``sample_weight``, (n_samples,)) scales its row.

    The one place that decides between the fused and the plain gradient.
    """
    fused = loss.output_activation is not None
    grad = loss.preactivation_gradient(output, target) if fused else loss.gradient(output, target)
    if sample_weight is not None:
        grad = grad * sample_weight.astype(grad.dtype)[:, None]
    return grad, fused


def backward(
    layers: Sequence[Layer], grad: np.ndarray, *, from_preactivation: bool, input_gradient: bool
) -> np.ndarray | None:
    """Backpropagation: walk the layers in reverse, each applying the chain rule to ``grad``
    (dE/d(output), or dE/dz of the output layer when ``from_preactivation``); every layer fills
    its gradient arrays. Returns dE/dX (n_samples, n_features), or None when
    ``input_gradient`` is False (the first layer then skips that product)."""
    last = len(layers) - 1  # by position: no list copies on the hot path
    # Every layer but the first is asked for dE/dx, so only the last call may return None.
    grad_below: Any = layers[last].backward(
        grad, from_preactivation=from_preactivation, input_gradient=input_gradient or last > 0
    )
    if last > 0:
        for position in range(last - 1, 0, -1):
            grad_below = layers[position].backward(grad_below)
        grad_below = layers[0].backward(grad_below, input_gradient=input_gradient)
    return grad_below


# -- the whole pass ----------------------------------------------------------------------------
def loss_and_gradients(
    network: Sequential,
    loss: str | Loss,
    X: object,
    y: object,
    *,
    training: bool = True,
    sample_weight: object = None,
) -> Backprop:
    """Run one forward/backward pass of ``network`` on ``X`` against ``y``.

    Parameters
    ----------
    network : Sequential
        Built on the first call if its input size was unknown.
    loss : name or Loss
        Must suit the output layer (checked, as ``fit`` does).
    X : array of shape (n_samples, n_features)
    y : targets in the form ``loss`` accepts (e.g. class indices for cross_entropy)
    training : bool
        True (the default, as a training step): Dropout drops units.
    sample_weight : array of shape (n_samples,), optional
        Per-sample weights of the loss: E = sum_s w_s E_s.

    Returns
    -------
    Backprop: the loss, the gradients by name, the output and each Dense layer's record.

    Examples
    --------
    The notes' two sigmoid neurons (x = 0.1, T = 0.25, E = 1/2 (T - a2)^2):
    >>> import neuralab as nl
    >>> net = nl.Sequential([nl.Dense(1, "sigmoid", weights=[[0.15]], biases=[0.4]),
    ...                      nl.Dense(1, "sigmoid", weights=[[0.45]], biases=[0.65])], dtype="float64")
    >>> step = nl.loss_and_gradients(net, "half_squared_error", [[0.1]], [[0.25]])
    >>> round(step.loss, 4), round(step.gradients["layer2.weights"].item(), 5)
    (0.1082, 0.05707)
    >>> hidden, output = step.layers
    >>> round(output.delta.item(), 4)                  # dE/dz2 = -(T - a2) a2 (1 - a2)
    0.0948
    """
    resolved = network.check_loss(loss)
    X, target = network.prepare_data(X, y, resolved)
    weights = check_sample_weight(sample_weight, X.shape[0])
    if not network.built:
        network.build(X.shape[1])
    return run(
        network,
        resolved,
        X,
        target,
        training=training,
        sample_weight=None if weights is None else weights.astype(X.dtype),
    )


def run(
    network: HasLayers,
    loss: Loss,
    X: np.ndarray,
    target: np.ndarray,
    *,
    training: bool,
    sample_weight: np.ndarray | None = None,
) -> Backprop:
    """``loss_and_gradients`` on data already prepared: ``X`` (n_samples, n_features) and
    ``target`` (n_samples, n_outputs) of the network's dtype (``Sequential.prepare_data``)."""
    layers = network.layers
    output = forward(layers, X, training=training)
    if sample_weight is None:
        value = loss.value(output, target)
    else:
        value = loss.weighted_value(output, target, sample_weight)
    grad, fused = output_gradient(loss, output, target, sample_weight)
    backward(layers, grad, from_preactivation=fused, input_gradient=False)
    return Backprop(value, output, named_gradients(layers), layer_records(layers))


def parameter_names(layers: Sequence[Layer]) -> list[str]:
    """ "layer<position>.<name>" for every parameter, in the order of ``parameters()``: e.g.
    ["layer1.weights", "layer1.biases", "layer3.weights", ...] (positions are 1-based and count
    every layer). A layer without ``parameter_names`` gets "param0", "param1", ..."""
    names = []
    for position, layer in enumerate(layers, start=1):
        count = len(layer.parameters())
        labels = layer.parameter_names() if hasattr(layer, "parameter_names") else []
        if len(labels) != count:
            labels = [f"param{index}" for index in range(count)]
        names += [f"layer{position}.{label}" for label in labels]
    return names


def named_gradients(layers: Sequence[Layer]) -> dict[str, np.ndarray]:
    """The layers' live gradient arrays by parameter name (see ``parameter_names``)."""
    gradients = [g for layer in layers for g in layer.gradients()]
    return dict(zip(parameter_names(layers), gradients, strict=True))


def layer_records(layers: Sequence[Layer]) -> list[LayerRecord]:
    """What each Dense layer kept from the last forward and backward pass."""
    records = []
    for position, layer in enumerate(layers, start=1):
        if not isinstance(layer, Dense):
            continue
        inputs, z, a, delta = layer.inputs, layer.preactivation, layer.output, layer.delta
        if inputs is None or z is None or a is None or delta is None:
            continue  # a layer this pass did not reach (cannot happen after ``run``)
        records.append(
            LayerRecord(
                f"layer{position}",
                layer,
                inputs,
                z,
                a,
                delta,
                layer.output_gradient,
                dict(zip(layer.parameter_names(), layer.gradients(), strict=True)),
            )
        )
    return records


__all__ = [
    "Backprop",
    "LayerRecord",
    "backward",
    "forward",
    "layer_records",
    "loss_and_gradients",
    "named_gradients",
    "output_gradient",
    "parameter_names",
    "run",
]
