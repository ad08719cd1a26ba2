"""A numeric trace of one real forward/backward pass of a small Sequential network.

``trace(network, x, target, loss=..., learning_rate=...)`` runs the network's own forward
pass, the loss's own gradient and each layer's own ``backward`` (the chain rule of
``layers.Dense``), and records for every layer, from the values the layers cached:

    z = x W + b,  a = f(z),  f'(z),  dE/da,  dE/dz = dE/da * f'(z),
    dE/dW = x^T dE/dz,  dE/db = sum_samples dE/dz,
    W_new = W - learning_rate * dE/dW,  b_new = b - learning_rate * dE/db

The update is one ``GradientDescent`` step, applied to copies unless ``update=True``.

For a chain of single neurons (every layer one unit, one sample) ``Trace.partials()``
writes each partial derivative as the chain-rule product of named factors, e.g. with the
course's E = 1/2 (T - a2)^2 and sigmoid neurons:

    dE/dw2 = -(T - a2) * a2 (1 - a2) * a1

Examples
--------
>>> import neuralab as nl
>>> net = nl.Sequential([nl.Dense(1, "sigmoid", weights=[[0.15]], biases=[0.4]),
...                      nl.Dense(1, "sigmoid", weights=[[0.45]], biases=[0.65])], dtype="float64")
>>> t = trace(net, [[0.1]], [[0.25]], loss="half_squared_error", learning_rate=0.4)
>>> round(t.layers[1].a[0][0], 4)
0.7153
>>> print(t.partials()[2].equation(4))
dE/dw2 = -(T - a2) * a2 (1 - a2) * a1 = 0.4653 x 0.2037 x 0.6023 = 0.05707
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from . import backprop, trace_display
from ._validation import check_positive_number
from .errors import ValidationError
from .losses import Loss
from .network import Sequential
from .optimizers import GradientDescent

# How the course writes da/dz for each activation, in terms of the layer's own a and z.
_DERIVATIVE_SYMBOLS = {
    "sigmoid": "{a} (1 - {a})",
    "tanh": "(1 - {a}^2)",
    "relu": "1[{z} > 0]",
    "leaky_relu": "(1 if {z} > 0 else alpha)",
    "linear": "1",
}
# How dE/da of the output reads for the losses of the notes (T is the target).
_LOSS_SYMBOLS = {
    "half_squared_error": "-(T - {a})",
    "sum_squared_error": "-2 (T - {a})",
}


def _rows(array: np.ndarray | None) -> Any:
    return None if array is None else np.asarray(array, dtype=float).tolist()


@dataclass
class LayerTrace:
    """What one layer saw and computed in the traced pass (lists of floats, JSON-ready).

    ``inputs`` is x (n_samples, inputs); ``weights`` W (inputs, units); ``biases`` b (units,)
    or None; ``z``, ``a``, ``grad_a`` (dE/da), ``grad_z`` (dE/dz) are (n_samples, units);
    ``derivative`` is f'(z) (None for softmax, whose derivative is a Jacobian);
    ``grad_weights`` dE/dW and ``grad_biases`` dE/db have the parameters' shapes;
    ``new_weights``/``new_biases`` are the parameters after one gradient-descent step.
    """

    index: int
    activation: str
    inputs: list
    weights: list
    biases: list | None
    z: list
    a: list
    derivative: list | None
    grad_a: list
    grad_z: list
    grad_weights: list
    grad_biases: list | None
    new_weights: list
    new_biases: list | None


@dataclass
class Factor:
    """One factor of a chain-rule product: its meaning, its symbol in the notes, its value."""

    name: str
    symbol: str
    value: float


@dataclass
class ChainProduct:
    """dE/d(parameter) = product of ``factors``; ``value`` is that product and
    ``engine_value`` the gradient the layer's own ``backward`` wrote (they agree)."""

    parameter: str
    factors: list[Factor]
    value: float
    engine_value: float

    def equation(self, digits: int = 4) -> str:
        """E.g. "dE/dw2 = -(T - a2) * a2 (1 - a2) * a1 = 0.4653 x 0.2037 x 0.6023 = 0.05707"."""
        symbols = " * ".join(f.symbol for f in self.factors)
        values = " x ".join(f"{f.value:.{digits}g}" for f in self.factors)
        return f"dE/d{self.parameter} = {symbols} = {values} = {self.value:.{digits}g}"


@dataclass
class Trace:
    """One forward/backward pass and one gradient-descent step, layer by layer.

    ``inputs`` (n_samples, n_features), ``target`` and ``output`` (n_samples, n_outputs),
    ``loss`` the error E before the step, ``layers`` input side first.
    """

    inputs: list
    target: list
    output: list
    loss_name: str
    loss_formula: str
    loss: float
    learning_rate: float
    layers: list[LayerTrace] = field(default_factory=list)

    @property
    def is_neuron_chain(self) -> bool:
        """True for one sample through layers of one unit each with a single input."""
        return (
            len(self.inputs) == 1
            and len(self.inputs[0]) == 1
            and all(len(layer.z[0]) == 1 for layer in self.layers)
        )

    def partials(self) -> list[ChainProduct]:
        """Each dE/dw_l and dE/db_l of a chain of single neurons as a chain-rule product.

        dE/dw_l = dE/da_L * prod_{k=l+1..L} [f_k'(z_k) * w_k] * f_l'(z_l) * a_{l-1}, with
        a_0 = x; for b_l the last factor dz_l/db_l = 1 is left out. Order: w1, b1, w2, b2, ...
        """
        if not self.is_neuron_chain:
            raise ValidationError(
                "Chain-rule products are written for a chain of single neurons: one sample, one "
                "input and one unit per layer. Use the per-layer arrays of the trace otherwise."
            )
        last = len(self.layers)
        for layer in self.layers:
            if layer.derivative is None:
                raise ValidationError(
                    f"Layer {layer.index} uses {layer.activation}, which has no "
                    "scalar derivative; use sigmoid, tanh, relu, leaky_relu or linear."
                )
        out = self.layers[-1]
        loss_symbol = _LOSS_SYMBOLS.get(self.loss_name, f"dE/da{last}").format(a=f"a{last}")
        head = Factor(f"dE/da{last}", loss_symbol, out.grad_a[0][0])
        products = []
        for layer in self.layers:
            factors = [head]
            for above in reversed(self.layers[layer.index :]):  # layers l+1..L, output first
                k = above.index
                factors.append(self._derivative_factor(above))
                factors.append(Factor(f"dz{k}/da{k - 1}", f"w{k}", above.weights[0][0]))
            factors.append(self._derivative_factor(layer))
            l_ = layer.index
            previous = "x" if l_ == 1 else f"a{l_ - 1}"
            weight_factors = [*factors, Factor(f"dz{l_}/dw{l_}", previous, layer.inputs[0][0])]
            products.append(
                ChainProduct(f"w{l_}", weight_factors, _product(weight_factors), layer.grad_weights[0][0])
            )
            if layer.grad_biases is not None:
                products.append(ChainProduct(f"b{l_}", factors, _product(factors), layer.grad_biases[0]))
        return products

    @staticmethod
    def _derivative_factor(layer: LayerTrace) -> Factor:
        k = layer.index
        if layer.derivative is None:
            raise ValidationError(f"Layer {k} uses {layer.activation}, which has no scalar derivative.")
        symbol = _DERIVATIVE_SYMBOLS.get(layer.activation, f"f'(z{k})").format(a=f"a{k}", z=f"z{k}")
        return Factor(f"da{k}/dz{k}", symbol, layer.derivative[0][0])

    def _repr_html_(self) -> str:
        """IPython's rich display: the chain-rule table of every weight and bias
        (``trace_display.trace_html``)."""
        return trace_display.trace_html(self)

    def _repr_latex_(self) -> str:
        """The chain-rule products as LaTeX (``trace_display.trace_latex``)."""
        return trace_display.trace_latex(self)

    def to_dict(self) -> dict:
        """Plain JSON-ready values (with the chain-rule products when they apply)."""
        data = asdict(self)
        if self.is_neuron_chain and all(layer.derivative is not None for layer in self.layers):
            data["partials"] = [{**asdict(p), "equation": p.equation()} for p in self.partials()]
        return data


def _product(factors: list[Factor]) -> float:
    value = 1.0
    for factor in factors:
        value *= factor.value
    return value


def trace(
    network: Sequential,
    x: object,
    target: object,
    *,
    loss: str | Loss = "half_squared_error",
    learning_rate: float = 0.4,
    update: bool = False,
) -> Trace:
    """Run and record one forward/backward pass of ``network`` on ``x`` against ``target``.

    Parameters
    ----------
    network : Sequential
        A built network (give the first layer ``input_dim`` or ``weights``).
    x : array of shape (n_samples, n_features)
    target : array of shape (n_samples, n_outputs) (or class indices for cross_entropy)
    loss : name or Loss
        The error E; the notes' ``half_squared_error`` by default.
    learning_rate : float
        Step size of the gradient-descent update that the trace reports.
    update : bool
        Apply that update to the network's parameters (False: the network is left unchanged,
        apart from the layers' caches and gradient arrays, which any pass overwrites).
    """
    resolved = network.check_loss(loss)
    network.check_trainable()
    if len(network.weighted_layers) != len(network.layers):
        raise ValidationError(
            "trace records networks of Dense layers only. Remove the Dropout layers: outside "
            "training they are the identity, so the traced numbers would not change."
        )
    learning_rate = check_positive_number("learning_rate", learning_rate)
    # The engine's own checks, under this function's parameter names (x, target) rather than
    # the X, y of fit.
    X, T = network.prepare_data(
        x, target, resolved, names=("x", "target"), length_fix="Give one target row per sample of `x`."
    )
    network.require_built()
    result = backprop.run(network, resolved, X, T, training=False)

    new_parameters = [p.copy() for p in network.parameters()]
    GradientDescent(learning_rate).step(new_parameters, network.gradients())
    new_by_name = dict(zip(backprop.parameter_names(network.layers), new_parameters, strict=True))
    layers = []
    for position, record in enumerate(result.layers, start=1):
        layer = record.layer
        # dE/da of the output layer: the loss's own gradient, also when the backward pass started
        # from the fused dE/dz (shown for the chain-rule products).
        grad_a = (
            record.output_gradient
            if record.output_gradient is not None
            else resolved.gradient(result.output, T)
        )
        activation = layer.activation
        derivative = activation.derivative(record.preactivation) if activation.elementwise else None
        layers.append(
            LayerTrace(
                index=position,
                activation=layer.activation.name,
                inputs=_rows(record.inputs),
                weights=_rows(layer.weights),
                biases=_rows(layer.biases),
                z=_rows(record.preactivation),
                a=_rows(record.output),
                derivative=_rows(derivative),
                grad_a=_rows(grad_a),
                grad_z=_rows(record.delta),
                grad_weights=_rows(record.gradients["weights"]),
                grad_biases=_rows(record.gradients.get("biases")),
                new_weights=_rows(new_by_name[f"{record.name}.weights"]),
                new_biases=_rows(new_by_name.get(f"{record.name}.biases")),
            )
        )
    if update:
        for live, new in zip(network.parameters(), new_parameters, strict=True):
            np.copyto(live, new)
    return Trace(
        inputs=_rows(X),
        target=_rows(T),
        output=_rows(result.output),
        loss_name=resolved.name,
        loss_formula=resolved.formula,
        loss=result.loss,
        learning_rate=learning_rate,
        layers=layers,
    )


__all__ = ["ChainProduct", "Factor", "LayerTrace", "Trace", "trace"]
