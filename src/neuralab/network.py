"""Sequential: a feedforward network, a stack of layers run one after the other.

Forward propagation feeds each layer's output to the next; backpropagation walks the
layers in reverse, each one applying the chain rule to pass dE/d(input) down (both walks
are ``neuralab.backprop``'s; the chain rule itself is ``layers.Dense``'s).

``fit`` delegates to ``neuralab.training.fit``, which sits above this module: the training
package hands its ``fit`` to ``register_fit_loop`` when it is imported (as ``import neuralab``
always does), so this module never imports the loop that imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _html, backprop
from ._sparse import as_float_csr, is_sparse
from ._validation import as_float_matrix, check_dtype, check_positive_int, check_same_length
from .activations import activation_from_config
from .dropout import Dropout
from .errors import IncompatibleLossError, NotBuiltError, NotTrainableError, ShapeError, ValidationError
from .layers import Dense, Layer
from .losses import Loss, get_loss, prepare_target_as

if TYPE_CHECKING:
    from .history import History

FitLoop = Callable[..., "History"]
_fit_loop: FitLoop | None = None


def register_fit_loop(loop: FitLoop) -> None:
    """Make ``Sequential.fit(X, y, **options)`` call ``loop(network, X, y, **options)``.

    ``neuralab.training`` registers its ``fit`` when it is imported; the loop depends on this
    module, never the other way round.
    """
    global _fit_loop
    _fit_loop = loop


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
            if layer.owner is not None:
                raise ValidationError(
                    f"Layer {position} ({layer!r}) already belongs to another network. A layer holds "
                    "one network's weights and dtype, so sharing it would change both networks. Create "
                    "a new layer, or copy.deepcopy(network) for an independent copy."
                )
        self.dtype = check_dtype(dtype)
        self.layers: list[Layer] = layers
        self.history: History | None = None
        for layer in self.layers:
            layer.set_dtype(self.dtype)
        self._check_chain()
        if self.input_dim is not None:
            self.build(self.input_dim)
        self._claim_layers()

    def _claim_layers(self) -> None:
        for layer in self.layers:
            layer.claim(self)

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
        return [layer for layer in self.layers if isinstance(layer, Dense)]

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
        units = self.layers[-1].units
        assert units is not None  # the output layer is a Dense layer (checked in __init__)
        return units

    @property
    def built(self) -> bool:
        """True once every layer has weights."""
        return all(layer.built for layer in self.layers)

    def build(
        self, input_dim: int, seed: int | np.random.SeedSequence | None = None, *, reseed: bool = False
    ) -> None:
        """Create the weights of every layer for ``input_dim`` input features.

        ``seed`` drives the layers that have no seed of their own; each layer draws from its
        own child stream, so one layer's size never shifts another's weights. With
        ``reseed=True`` (what ``fit(seed=...)`` does) layers built earlier from fresh entropy
        and never trained are redrawn from ``seed``.
        """
        rngs: list[np.random.Generator | None]
        if seed is None:  # fresh entropy; such weights are redrawn by a later fit(seed=...)
            rngs = [None] * len(self.layers)
        else:
            sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
            rngs = [np.random.default_rng(child) for child in sequence.spawn(len(self.layers))]
        size = input_dim
        for layer, rng in zip(self.layers, rngs, strict=True):
            layer.build(size, rng, reseed=reseed)
            size = layer.units if layer.units is not None else size

    def require_built(self) -> None:
        """Raise NotBuiltError (saying how to fix it) if a layer has no weights yet."""
        if not self.built:
            raise NotBuiltError(
                "The network has no weights yet: its input size is unknown. Give the first "
                "layer `input_dim`, or call forward/fit on data first."
            )

    def check_trainable(self) -> None:
        """Raise NotTrainableError if a layer's activation has no usable gradient."""
        for position, layer in enumerate(self.layers, start=1):
            if layer.activation is not None and not layer.activation.trainable:
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
        assert isinstance(output, Dense)  # checked in __init__
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
        if is_sparse(X):  # CSR, never densified: only a first layer that multiplies sparse rows takes it
            if not getattr(self.layers[0], "accepts_sparse", False):
                raise ValidationError(
                    f"`{name}` is a scipy.sparse matrix, but this network's first layer multiplies dense "
                    f"arrays only. Pass {name}.toarray() if it fits in memory, or use the estimators of "
                    "neuralab.sklearn, whose first layer takes sparse rows."
                )
            array = as_float_csr(name, X, self.dtype)
        else:
            array = as_float_matrix(name, X, self.dtype)
        expected = self.input_dim
        if expected is not None and array.shape[1] != expected:
            raise ShapeError(
                f"`{name}` has {array.shape[1]} feature(s) per sample, but the first layer expects "
                f"{expected}. Give {name} shape (n_samples, {expected})."
            )
        return array

    def prepare_data(
        self,
        X: object,
        y: object,
        loss: Loss,
        *,
        names: tuple[str, str] = ("X", "y"),
        length_fix: str = "They must have the same length.",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Check and convert ``X`` and ``y`` for ``loss``: 2-D, finite, equal length, dtype.

        Returns ``X`` (n_samples, n_features) and the target (n_samples, n_outputs), both of the
        network's dtype. ``names`` are what messages call the two arrays (e.g. the parts of
        validation_data); ``length_fix`` ends the message for arrays of different lengths.
        """
        x_name, y_name = names
        X = self._prepare_inputs(X, x_name)
        y_array = np.asarray(y)
        check_same_length(X, y_array, names, fix=length_fix)
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
        return backprop.forward(self.layers, a, training=training)

    def backward(
        self, grad: np.ndarray, *, from_preactivation: bool = False, input_gradient: bool = True
    ) -> np.ndarray | None:
        """Backpropagate dE/d(output) through every layer; return dE/dX.

        ``grad`` has the output's shape. With ``from_preactivation=True`` it is dE/dz of the
        output layer (a loss fused with the output activation). Fills each layer's
        ``weight_gradient`` and ``bias_gradient``.
        """
        return backprop.backward(
            self.layers,
            np.asarray(grad, dtype=self.dtype),
            from_preactivation=from_preactivation,
            input_gradient=input_gradient,
        )

    def predict(self, X: object, *, batch_size: int | None = None) -> np.ndarray:
        """Return the network's outputs for ``X`` (probabilities for a softmax/sigmoid output).

        ``X`` has shape ``(n_samples, n_features)``; the result ``(n_samples, output_dim)``.
        ``batch_size`` bounds memory on large inputs.
        """
        batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
        X = self._prepare_inputs(X)
        self.require_built()
        return self._predict_prepared(X, batch_size)

    def _predict_prepared(self, X: np.ndarray, batch_size: int | None) -> np.ndarray:
        if batch_size is None or batch_size >= X.shape[0]:
            return backprop.forward(self.layers, X, training=False).copy()
        parts = [
            backprop.forward(self.layers, X[start : start + batch_size], training=False).copy()
            for start in range(0, X.shape[0], batch_size)
        ]
        return np.concatenate(parts)

    def evaluate(
        self, X: object, y: object, loss: str | Loss = "mse", *, batch_size: int | None = None
    ) -> float:
        """Return the loss of the network's outputs for ``X`` against targets ``y``.

        ``batch_size`` bounds memory on large inputs, as in ``predict``; the loss is the same.
        """
        batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
        self.require_built()
        resolved = self.check_loss(loss)
        X, target = self.prepare_data(X, y, resolved)
        return resolved.value(self._predict_prepared(X, batch_size), target)

    def fit(self, X: object, y: object, **options: Any) -> History:
        """Train by gradient descent with backpropagation; see ``neuralab.training.fit``.

        Returns the History (also kept as ``self.history``).
        """
        if _fit_loop is None:  # only if neuralab.network was loaded without the package
            raise RuntimeError("No fit loop is registered: import neuralab (or neuralab.training) first.")
        return _fit_loop(self, X, y, **options)

    # -- parameters -------------------------------------------------------------------
    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays, layer by layer: [W1, b1, W2, b2, ...].

        They stay the network's parameters across any number of ``fit`` calls (a fit trains
        through a flat copy of them and writes the result back; see ``training.flat``).
        """
        self.require_built()
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self) -> list[np.ndarray]:
        """The live gradient arrays, in the order of ``parameters()``."""
        self.require_built()
        return [g for layer in self.layers for g in layer.gradients()]

    def named_parameters(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(name, parameter, gradient) triples such as ("layer1.weights", W, dE/dW)."""
        self.require_built()
        return list(
            zip(backprop.parameter_names(self.layers), self.parameters(), self.gradients(), strict=True)
        )

    def flat_parameters(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of all parameters and all gradients as two flat 1-D arrays, shape (n_parameters,).

        The layout of the flat array ``fit`` trains through (``training.flat``), in the order of
        ``parameters()``: an optimizer's state after a fit (e.g. Adam's "0.m") has this layout.
        """
        self.require_built()
        parameters, gradients = self.parameters(), self.gradients()
        if not parameters:
            return np.empty(0, dtype=self.dtype), np.empty(0, dtype=self.dtype)
        return (
            np.concatenate([p.ravel() for p in parameters]),
            np.concatenate([g.ravel() for g in gradients]),
        )

    def parameters_by_name(self) -> dict[str, np.ndarray]:
        """The live parameter arrays by name, in the order of ``parameters()``:
        {"layer1.weights": W1, "layer1.biases": b1, ...}."""
        return {name: parameter for name, parameter, _ in self.named_parameters()}

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the parameters, in the order of ``parameters()``."""
        return [p.copy() for p in self.parameters()]

    def set_weights(self, weights: Sequence[object]) -> None:
        """Set every parameter from a list like ``get_weights()`` returns (cast to dtype).

        Nothing changes if any array has the wrong shape.
        """
        self.require_built()
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
            layer.set_parameters(*arrays[index : index + count])
            index += count

    def count_parameters(self) -> int:
        """Total number of trainable numbers."""
        return sum(layer.count_parameters() for layer in self.layers)

    def summary_rows(self) -> list[tuple[str, int | str, str, str, int | str]]:
        """One row per layer, as ``summary`` and the notebook's table show it: the layer, its
        units, its activation, its output shape and its parameter count ("?" where unknown
        before the network is built)."""
        return [
            (
                f"{position + 1}: {type(layer).__name__}",
                "?" if layer.units is None else layer.units,
                layer.description,
                f"(None, {layer.units if layer.units is not None else '?'})",
                layer.count_parameters() if layer.built else "?",
            )
            for position, layer in enumerate(self.layers)
        ]

    def summary(self) -> str:
        """A table of layer, activation, output shape and parameter count."""
        rows = [("Layer", "Activation", "Output shape", "Parameters")]
        rows += [(layer, activation, shape, str(n)) for layer, _, activation, shape, n in self.summary_rows()]
        widths = [max(len(row[col]) for row in rows) for col in range(4)]
        rule = "  ".join("-" * w for w in widths)
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
        return "\n".join([lines[0], rule, *lines[1:], rule, self._totals()])

    def _totals(self) -> str:
        total = self.count_parameters() if self.built else "? (not built)"
        return f"Total parameters: {total}   dtype: {self.dtype.name}"

    def _repr_html_(self) -> str:
        """IPython's rich display: ``summary`` as an HTML table, with how it was trained last."""
        total = self.count_parameters() if self.built else "? (not built)"
        notes = [f"Total parameters: {total} · dtype: {self.dtype.name}"]
        if self.history is not None and self.history.epoch:
            notes.append(
                f"Last fit: {self.history.epochs_run} epochs, loss {_html.number(self.history.loss[-1])}"
                + (f", stopped by: {self.history.stop_reason}" if self.history.stop_reason else "")
            )
        table = _html.table(
            ["Layer", "Units", "Activation", "Output shape", "Parameters"], self.summary_rows()
        )
        return _html.block(table, *(_html.paragraph(note, note=True) for note in notes), title="Sequential")

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
        return Dense(
            config["units"],
            activation_from_config(config["activation"]),
            input_dim=config["input_dim"],
            use_bias=config["use_bias"],
        )
    raise ValidationError(f"Unknown layer type {kind!r} in a saved architecture; expected Dense or Dropout.")
