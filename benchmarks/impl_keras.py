"""Keras 3: ``model.fit`` on the backend named by ``KERAS_BACKEND`` ("jax" or "torch").

Keras reads ``KERAS_BACKEND`` once, at its first import: the benchmark's workers for
``keras-jax`` and ``keras-torch`` are started with it set (``benchmarks.implementations``).

The model is what a Keras user writes: ``keras.Sequential`` of ``Dense`` layers with a
linear output, the loss fused on the logits (``SparseCategoricalCrossentropy`` or
``BinaryCrossentropy`` with ``from_logits=True``), ``keras.optimizers.SGD`` (no momentum),
``compile`` with its defaults (``jit_compile="auto"``: an XLA-compiled train step on JAX,
eager on PyTorch), ``fit(..., verbose=0)``. The kernels are (in, out) as in neuralab, so the
initial weights go in with ``set_weights``.

The batches come from a ``keras.utils.PyDataset`` that hands ``fit`` neuralab's batch
order: one permutation per epoch from ``shuffle_generator(case.seed)``, each batch
gathered with ``X[index]``, the last one shorter. That is what Keras does itself for
arrays with ``shuffle=True`` (a permutation per epoch from NumPy's global generator, a
gather per batch), with a permutation the other implementations share; timed side by
side, the two ran equally fast on the JAX backend.

The compiled model is kept for the life of the process, one per network structure:
``prepare`` resets its weights, so that the timed runs reuse the train function compiled
during the warm-up (a new model would trace and compile it again).
"""

from __future__ import annotations

import math

import keras
import numpy as np

from .cases import Case
from .data import Dataset, shuffle_generator


class ShuffledBatches(keras.utils.PyDataset):
    """Batches of ``(X[index], y[index])`` in neuralab's order, a new permutation per epoch.

    X : (n, n_features) float32; y : (n,) int32 labels or (n, 1) float32 targets.
    ``new_epoch`` draws the next permutation; ``DrawEachEpoch`` calls it when an epoch of
    ``fit`` begins. (The dataset's own ``on_epoch_begin`` will not do: the first ``fit`` of a
    model also calls it for the one batch it reads to learn the data's structure.) ``fit``
    must get ``shuffle=False``, or it would shuffle the batches' order again.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> None:
        super().__init__()
        self.X, self.y = X, y
        self.size = min(batch_size, X.shape[0])
        self.rng = shuffle_generator(seed)
        self.order = np.arange(X.shape[0])  # until the first epoch begins

    def __len__(self) -> int:
        return math.ceil(self.X.shape[0] / self.size)

    def __getitem__(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        index = self.order[position * self.size : (position + 1) * self.size]
        return self.X[index], self.y[index]

    def new_epoch(self) -> None:
        n = self.X.shape[0]
        if self.size < n:
            self.order = self.rng.permutation(n)


class DrawEachEpoch(keras.callbacks.Callback):
    """Draws the batches' next permutation at the start of each epoch of ``fit``."""

    def __init__(self, batches: ShuffledBatches) -> None:
        super().__init__()
        self.batches = batches

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.batches.new_epoch()


_MODELS: dict[tuple, keras.Model] = {}


def _build(case: Case) -> keras.Model:
    layers: list = [keras.Input(shape=(case.layer_sizes[0],))]
    layers += [
        keras.layers.Dense(units, activation=case.hidden_activation) for units in case.layer_sizes[1:-1]
    ]
    layers.append(keras.layers.Dense(case.layer_sizes[-1]))  # logits: the loss applies softmax/sigmoid
    model = keras.Sequential(layers)
    if case.loss == "cross_entropy":
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    else:
        loss = keras.losses.BinaryCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=case.learning_rate), loss=loss)
    return model


def prepare(case: Case, data: Dataset, weights: list[tuple[np.ndarray, np.ndarray]]) -> keras.Model:
    """The structure's compiled model with ``weights`` set (built on first use, untimed)."""
    key = (case.layer_sizes, case.hidden_activation, case.loss, case.learning_rate)
    if key not in _MODELS:
        _MODELS[key] = _build(case)
    model = _MODELS[key]
    model.set_weights([array for layer in weights for array in layer])
    return model


def targets(case: Case, y: np.ndarray) -> np.ndarray:
    """Labels as the loss wants them: int32 (n,) classes, or float32 (n, 1) for one sigmoid unit."""
    if case.loss == "cross_entropy":
        return y.astype(np.int32)
    return y.astype(np.float32).reshape(-1, 1)


def train(model: keras.Model, case: Case, data: Dataset) -> None:
    """The timed part: ``model.fit`` for ``case.epochs`` epochs, no progress output."""
    batches = ShuffledBatches(data.X_train, targets(case, data.y_train), case.batch_size, case.seed)
    model.fit(batches, epochs=case.epochs, shuffle=False, verbose=0, callbacks=[DrawEachEpoch(batches)])


def predict_proba(model: keras.Model, X: np.ndarray) -> np.ndarray:
    """Output probabilities, (n, n_outputs)."""
    logits = np.asarray(model.predict(X, batch_size=4096, verbose=0), dtype=np.float64)
    if logits.shape[1] == 1:
        return 1.0 / (1.0 + np.exp(-logits))
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def parameters(model: keras.Model) -> list[np.ndarray]:
    """[W1 (in, out), b1, W2, b2, ...] as float32 NumPy arrays."""
    return [np.array(array, dtype=np.float32) for array in model.get_weights()]
