"""Sequential: a feedforward network, a stack of layers run one after the other.

Forward propagation feeds each layer's output to the next; backpropagation walks the
layers in reverse, each one applying the chain rule to pass dE/d(input) down (see
``layers.Dense``). ``fit`` delegates to ``training.fit``.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np

from ._validation import as_float_matrix, check_dtype, check_positive_int
from .activations import activation_from_config
from .dropout import Dropout
from .errors import IncompatibleLossError, NotBuiltError, NotTrainableError, ShapeError, ValidationError
from .layers import Dense, Layer
from .losses import Loss, get_loss, prepare_target_as


class Sequential:
    """A feedforward network.

    Parameters
    ----------
    layers : sequence of Dense (and Dropout)
        The layers, input side first; the output layer is a Dense layer.
    dtype : "float32" (default) or "float64"
        Precision of weights, inputs and every intermediate array.

    Examples
    --------
    >>> import numpy as np, neuralab as nl
    >>> net = nl.Sequential([nl.Dense(4, "tanh", input_dim=2, seed=0), nl.Dense(1, "sigmoid", seed=1)])
    >>> net.predict(np.zeros((3, 2))).shape
    (3, 1)
    """

    def __init__(self, layers: Sequence[Layer], *, dtype: str = "float32"):
        if isinstance(layers, Layer):
            raise ValidationError("`layers` must be a list of layers. Wrap the layer: Sequential([layer]).")
        layers = list(layers)
        if not layers:
            raise ValidationError("`layers` is empty. Give at least one layer, e.g. [Dense(1)].")
        for position, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise ValidationError(
                    f"Layer {position} is a {type(layer).__name__}, not a layer. "
                    "Use neuralab.Dense(units, activation) or neuralab.Dropout(rate)."
                )
        if not isinstance(layers[-1], Dense):
            raise ValidationError(
                f"The output layer is a {type(layers[-1]).__name__}; it must be a Dense layer "
                "(its activation and units define the network's outputs)."
            )
        if len({id(layer) for layer in layers}) != len(layers):
            raise ValidationError("The same layer object appears twice; create a new Dense for each.")
        for position, layer in enumerate(layers, start=1):
            owner = layer._owner() if layer._owner is not None else None
            if owner is not None:
                raise ValidationError(
                    f"Layer {position} ({layer!r}) already belongs to another network. A layer holds "
                    "one network's weights and dtype, so sharing it would change both networks. Create "
                    "a new layer, or copy.deepcopy(network) for an independent copy."
                )
        self.dtype = check_dtype(dtype)
        self.layers: list[Layer] = layers
        self.history = None
        self._flat: tuple[np.ndarray, np.ndarray] | None = None
        for layer in self.layers:
            layer.set_dtype(self.dtype)
        self._check_chain()
        if self.input_dim is not None:
            self.build(self.input_dim)
        self._claim_layers()

    def _claim_layers(self) -> None:
        for layer in self.layers:
            layer._owner = weakref.ref(self)

    def __setstate__(self, state: dict) -> None:
        """After copy.deepcopy or unpickling: the copied layers belong to the copy."""
        self.__dict__.update(state)
        self._claim_layers()

    # -- structure --------------------------------------------------------------------
    def _check_chain(self) -> None:
        width = self.layers[0].input_dim
        for layer in self.layers:
            if layer.input_dim is not None and width is not None and layer.input_dim != width:
                raise ShapeError(
                    f"A layer with {layer.input_dim} inputs follows a layer with {width} "
                    f"units. Each layer's inputs must equal the units of the layer before it."
                )
            if layer.has_weights:
                width = layer.units
            elif layer.input_dim is not None:
                width = layer.input_dim

    @property
    def weighted_layers(self) -> list[Dense]:
        """The layers with weights (Dense), input side first: what regularisation penalises,
        what History's gradient norms and the diagnostics cover."""
        return [layer for layer in self.layers if layer.has_weights]

    @property
    def input_dim(self) -> int | None:
        """Number of input features (None until known): the first layer's, or that of the first
        Dense after leading layers that keep their width (Dropout)."""
        for layer in self.layers:
            if layer.input_dim is not None or layer.has_weights:
                return layer.input_dim
        return None

    @property
    def output_dim(self) -> int:
        """Number of outputs (units of the last layer)."""
        return self.layers[-1].units

    @property
    def built(self) -> bool:
        """True once every layer has weights."""
        return all(layer.built for layer in self.layers)

    def build(self, input_dim: int, seed: int | np.random.SeedSequence | None = None, *,
              reseed: bool = False) -> None:
        """Create the weights of every layer for ``input_dim`` input features.

        ``seed`` drives the layers that have no seed of their own; each layer draws from its
        own child stream, so one layer's size never shifts another's weights. With
        ``reseed=True`` (what ``fit(seed=...)`` does) layers built earlier from fresh entropy
        and never trained are redrawn from ``seed``.
        """
        if seed is None:  # fresh entropy; such weights are redrawn by a later fit(seed=...)
            rngs = [None] * len(self.layers)
        else:
            sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
            rngs = [np.random.default_rng(child) for child in sequence.spawn(len(self.layers))]
        size = input_dim
        for layer, rng in zip(self.layers, rngs, strict=True):
            layer.build(size, rng, reseed=reseed)
            size = layer.units

    def _require_built(self) -> None:
        if not self.built:
            raise NotBuiltError(
                "The network has no weights yet: its input size is unknown. Give the first "
                "layer `input_dim`, or call forward/fit on data first."
            )

    def check_trainable(self) -> None:
        """Raise NotTrainableError if a layer's activation has no usable gradient."""
        for position, layer in enumerate(self.layers, start=1):
            if layer.has_weights and not layer.activation.trainable:
                raise NotTrainableError(
                    f"Layer {position} uses {layer.activation.name}, whose derivative is zero "
                    "everywhere (and undefined at 0): no gradient flows back through it, so "
                    "gradient descent cannot train this network. Use sigmoid (its smooth "
                    "version) or relu; forward and predict still work with given weights."
                )

    def check_loss(self, loss: str | Loss) -> Loss:
        """Resolve ``loss`` and check that it suits the output layer's activation."""
        resolved = get_loss(loss)
        output = self.layers[-1]
        resolved.check_output_activation(output.activation.name)
        if output.activation.name == "softmax" and output.units == 1:
            raise IncompatibleLossError(
                "A softmax over one output unit is always 1, so the loss is always 0 and nothing "
                "is learned. For two classes use Dense(1, 'sigmoid') with binary_cross_entropy, or "
                "Dense(2, 'softmax') with cross_entropy."
            )
        return resolved

    # -- data -------------------------------------------------------------------------
    def _prepare_inputs(self, X: object, name: str = "X") -> np.ndarray:
        array = as_float_matrix(name, X, self.dtype)
        expected = self.input_dim
        if expected is not None and array.shape[1] != expected:
            raise ShapeError(
                f"`{name}` has {array.shape[1]} feature(s) per sample, but the first layer expects "
                f"{expected}. Give {name} shape (n_samples, {expected})."
            )
        return array

    def prepare_data(self, X: object, y: object, loss: Loss, *,
                     names: tuple[str, str] = ("X", "y")) -> tuple[np.ndarray, np.ndarray]:
        """Check and convert ``X`` and ``y`` for ``loss``: 2-D, finite, equal length, dtype.

        ``names`` are what messages call the two arrays (e.g. the parts of validation_data).
        """
        x_name, y_name = names
        X = self._prepare_inputs(X, x_name)
        y_array = np.asarray(y)
        if y_array.ndim == 0 or len(y_array) != X.shape[0]:
            got = "a scalar" if y_array.ndim == 0 else f"{len(y_array)} rows"
            raise ShapeError(
                f"`{x_name}` has {X.shape[0]} samples but `{y_name}` has {got}. They must have the "
                "same length."
            )
        return X, prepare_target_as(loss, y_array, self.output_dim, self.dtype, y_name)

    # -- passes -----------------------------------------------------------------------
    def forward(self, X: object, *, training: bool = False) -> np.ndarray:
        """Run forward propagation; return the output ``(n_samples, output_dim)``.

        Each layer caches what backward needs. ``training=True`` switches Dropout on, as
        ``fit`` does; otherwise it is the identity.
        """
        a = self._prepare_inputs(X)
        if not self.built:
            self.build(a.shape[1])
        return self._forward_prepared(a, training)

    def _forward_prepared(self, a: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            a = layer.forward(a, training=training)
        return a

    def backward(self, grad: np.ndarray, *, from_preactivation: bool = False,
                 input_gradient: bool = True) -> np.ndarray | None:
        """Backpropagate dE/d(output) through every layer; return dE/dX.

        ``grad`` has the output's shape. With ``from_preactivation=True`` it is dE/dz of the
        output layer (a loss fused with the output activation). Fills each layer's
        ``weight_gradient`` and ``bias_gradient``.
        """
        return self._backward_prepared(np.asarray(grad, dtype=self.dtype), from_preactivation,
                                       input_gradient)

    def _backward_prepared(self, grad: np.ndarray, from_preactivation: bool = False,
                           input_gradient: bool = True) -> np.ndarray | None:
        """``backward`` for a ``grad`` already of the network's dtype (the training hot path)."""
        *below, output_layer = self.layers
        grad = output_layer.backward(grad, from_preactivation=from_preactivation,
                                     input_gradient=input_gradient or bool(below))
        if below:
            for layer in below[:0:-1]:
                grad = layer.backward(grad)
            grad = below[0].backward(grad, input_gradient=input_gradient)
        return grad

    def predict(self, X: object, *, batch_size: int | None = None) -> np.ndarray:
        """Return the network's outputs for ``X`` (probabilities for a softmax/sigmoid output).

        ``X`` has shape ``(n_samples, n_features)``; the result ``(n_samples, output_dim)``.
        ``batch_size`` bounds memory on large inputs.
        """
        batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
        X = self._prepare_inputs(X)
        self._require_built()
        return self._predict_prepared(X, batch_size)

    def _predict_prepared(self, X: np.ndarray, batch_size: int | None) -> np.ndarray:
        if batch_size is None or batch_size >= X.shape[0]:
            return self._forward_prepared(X).copy()
        parts = [self._forward_prepared(X[start:start + batch_size]).copy()
                 for start in range(0, X.shape[0], batch_size)]
        return np.concatenate(parts)

    def evaluate(self, X: object, y: object, loss: str | Loss = "mse", *,
                 batch_size: int | None = None) -> float:
        """Return the loss of the network's outputs for ``X`` against targets ``y``.

        ``batch_size`` bounds memory on large inputs, as in ``predict``; the loss is the same.
        """
        batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
        self._require_built()
        resolved = self.check_loss(loss)
        X, target = self.prepare_data(X, y, resolved)
        return resolved.value(self._predict_prepared(X, batch_size), target)

    def fit(self, X: object, y: object, **options):
        """Train by gradient descent with backpropagation; see ``neuralab.training.fit``.

        Returns the History (also kept as ``self.history``).
        """
        from .training import fit

        return fit(self, X, y, **options)

    # -- parameters -------------------------------------------------------------------
    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays, layer by layer: [W1, b1, W2, b2, ...].

        Live until the next ``fit``: training moves every parameter into one flat buffer, so
        arrays taken before it no longer follow the network; ask again after ``fit``.
        """
        self._require_built()
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self) -> list[np.ndarray]:
        """The live gradient arrays, in the order of ``parameters()``."""
        self._require_built()
        return [g for layer in self.layers for g in layer.gradients()]

    def named_parameters(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(name, parameter, gradient) triples such as ("layer1.weights", W, dE/dW)."""
        self._require_built()
        return [
            (f"layer{position + 1}.{name}", p, g)
            for position, layer in enumerate(self.layers)
            for name, p, g in zip(layer.parameter_names(), layer.parameters(), layer.gradients(),
                                  strict=True)
        ]

    def flat_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        """All parameters and all gradients as two flat 1-D arrays, shape (n_parameters,).

        The layers' ``weights``, ``biases`` and gradients become views into them (in the
        order of ``parameters()``), so an optimizer can update the whole network in one
        vectorised step; ``fit`` trains through them. Built once and reused while every
        layer still points into the same buffers.
        """
        self._require_built()
        parameters = self.parameters()
        if self._flat is not None:
            flat_parameters, flat_gradients = self._flat
            if all(p.base is flat_parameters for p in parameters) and \
                    all(g.base is flat_gradients for g in self.gradients()):
                return self._flat
        total = sum(p.size for p in parameters)
        flat_parameters = np.empty(total, dtype=self.dtype)
        flat_gradients = np.empty(total, dtype=self.dtype)
        offset = 0
        for layer in self.layers:
            offset = layer.adopt_buffers(flat_parameters, flat_gradients, offset)
        self._flat = (flat_parameters, flat_gradients)
        return self._flat

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the parameters, in the order of ``parameters()``."""
        return [p.copy() for p in self.parameters()]

    def set_weights(self, weights: Sequence[object]) -> None:
        """Set every parameter from a list like ``get_weights()`` returns (cast to dtype).

        Nothing changes if any array has the wrong shape.
        """
        self._require_built()
        current = self.parameters()
        weights = list(weights)
        if len(weights) != len(current):
            raise ShapeError(f"`set_weights` needs {len(current)} arrays. Got {len(weights)}.")
        arrays = []
        for position, (given, have) in enumerate(zip(weights, current, strict=True)):
            try:
                array = np.asarray(given, dtype=np.float64)
            except (ValueError, TypeError) as exc:  # ragged nested lists, strings
                raise ValidationError(
                    f"Array {position} for `set_weights` is not a rectangular array of numbers ({exc}). "
                    "Give arrays like get_weights() returns."
                ) from None
            if array.shape != have.shape:
                raise ShapeError(
                    f"Array {position} for `set_weights` must have shape {have.shape}. Got {array.shape}."
                )
            if array.dtype.kind not in "biuf" or not np.isfinite(array).all():
                raise ValidationError(f"Array {position} for `set_weights` must be finite numbers.")
            arrays.append(array)
        index = 0
        for layer in self.weighted_layers:
            count = len(layer.parameters())
            layer.set_parameters(*arrays[index:index + count])
            index += count

    def count_parameters(self) -> int:
        """Total number of trainable numbers."""
        return sum(layer.count_parameters() for layer in self.layers)

    def summary(self) -> str:
        """A table of layer, activation, output shape and parameter count."""
        rows = [("Layer", "Activation", "Output shape", "Parameters")]
        for position, layer in enumerate(self.layers):
            activation = layer.activation.name if layer.has_weights else f"rate {layer.rate:g}"
            rows.append((f"{position + 1}: {type(layer).__name__}", activation,
                         f"(None, {layer.units if layer.units is not None else '?'})",
                         str(layer.count_parameters()) if layer.built else "?"))
        widths = [max(len(row[col]) for row in rows) for col in range(4)]
        rule = "  ".join("-" * w for w in widths)
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
                 for row in rows]
        total = self.count_parameters() if self.built else "? (not built)"
        return "\n".join([lines[0], rule, *lines[1:], rule,
                          f"Total parameters: {total}   dtype: {self.dtype.name}"])

    def get_config(self) -> dict:
        """Architecture as plain JSON-ready values."""
        return {"dtype": self.dtype.name, "layers": [layer.get_config() for layer in self.layers]}

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential([{inner}], dtype={self.dtype.name!r})"


def layer_from_config(config: dict) -> Layer:
    """Rebuild a layer (without weights) from its ``get_config()``."""
    kind = config.get("type", "Dense")
    if kind == "Dropout":
        return Dropout(config["rate"])
    if kind == "Dense":
        return Dense(config["units"], activation_from_config(config["activation"]),
                     input_dim=config["input_dim"], use_bias=config["use_bias"])
    raise ValidationError(f"Unknown layer type {kind!r} in a saved architecture; expected Dense or Dropout.")
