"""JAX (CPU): ``jax.jit`` of the whole training step, batches gathered on the host.

One step is one compiled XLA program::

    step(params, X_batch, y_batch, mask) -> params - learning_rate * grad loss(params)

with ``jax.grad`` for the gradient and the parameters donated (``donate_argnums=0``), so
that XLA may write the new parameters over the old buffers. The host gathers each batch,
``X[index]`` with NumPy, in neuralab's order (one permutation per epoch from
``shuffle_generator(case.seed)``, then consecutive slices).

One compiled shape: every batch has ``batch_size`` rows. When the batch size does not divide
the data, the last batch is padded with zero rows and a 0/1 ``mask`` (B,) takes the padding
out of the loss, which is the mean over the real rows only:

    loss = sum_i mask_i l_i / sum_i mask_i

so the last step computes exactly what neuralab's shorter last step computes (the padded
rows add zero to every gradient), at the cost of a full batch's arithmetic. Losses are on
the logits: log-sum-exp cross-entropy, and ``max(z, 0) - z y + log(1 + exp(-|z|))`` for
the binary case. ``train`` returns only when the last step's parameters are computed
(``jax.block_until_ready``): JAX dispatches asynchronously.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from .cases import Case
from .data import Dataset, shuffle_generator

_ACTIVATIONS = {"relu": jax.nn.relu, "tanh": jnp.tanh}


def _logits(params: list, X: jax.Array, hidden_activation: str) -> jax.Array:
    """The output layer's pre-activation, (B, n_outputs), for params [(W (in, out), b), ...]."""
    activation = _ACTIVATIONS[hidden_activation]
    a = X
    for W, b in params[:-1]:
        a = activation(a @ W + b)
    W, b = params[-1]
    return a @ W + b


def _per_sample_loss(loss: str, logits: jax.Array, y: jax.Array) -> jax.Array:
    """(B,) losses: cross-entropy on (B, C) logits and int labels, or binary on (B, 1) and 0/1."""
    if loss == "cross_entropy":
        picked = jnp.take_along_axis(logits, y[:, None], axis=1)[:, 0]
        return jax.nn.logsumexp(logits, axis=1) - picked
    z = logits[:, 0]
    return jnp.maximum(z, 0.0) - z * y + jnp.log1p(jnp.exp(-jnp.abs(z)))


@functools.cache
def compiled_step(
    layer_sizes: tuple[int, ...], hidden_activation: str, loss: str, learning_rate: float
) -> Callable:
    """The jitted SGD step for one structure (cached: a new function would compile again)."""

    def batch_loss(params, X, y, mask):
        per_sample = _per_sample_loss(loss, _logits(params, X, hidden_activation), y)
        return jnp.sum(per_sample * mask) / jnp.sum(mask)

    def step(params, X, y, mask):
        gradients = jax.grad(batch_loss)(params, X, y, mask)
        return jax.tree.map(lambda p, g: p - learning_rate * g, params, gradients)

    return jax.jit(step, donate_argnums=0)


@functools.cache
def _compiled_logits(hidden_activation: str) -> Callable:
    return jax.jit(functools.partial(_logits, hidden_activation=hidden_activation))


@dataclass
class JaxModel:
    """Parameters on the device, [(W (in, out), b (out,)), ...], and the hidden activation."""

    params: list
    hidden_activation: str


def prepare(case: Case, data: Dataset, weights: list[tuple[np.ndarray, np.ndarray]]) -> JaxModel:
    """Copy the initial ``weights`` to the device (untimed)."""
    params = [(jnp.array(W), jnp.array(b)) for W, b in weights]
    return JaxModel(jax.block_until_ready(params), case.hidden_activation)


def _labels(case: Case, y: np.ndarray) -> np.ndarray:
    return y.astype(np.int32) if case.loss == "cross_entropy" else y.astype(np.float32)


def train(model: JaxModel, case: Case, data: Dataset) -> None:
    """The timed part: ``case.epochs`` epochs of jitted steps, one per batch."""
    step = compiled_step(case.layer_sizes, case.hidden_activation, case.loss, case.learning_rate)
    X, y = data.X_train, _labels(case, data.y_train)
    n, size = X.shape[0], min(case.batch_size, X.shape[0])
    full_mask = np.ones(size, dtype=np.float32)
    rng = shuffle_generator(case.seed)
    params = model.params
    for _ in range(case.epochs):
        order = rng.permutation(n) if size < n else np.arange(n)
        for start in range(0, n, size):
            index = order[start : start + size]
            if len(index) == size:
                params = step(params, X[index], y[index], full_mask)
            else:  # the short last batch, padded to the one compiled shape
                pad = size - len(index)
                X_batch = np.concatenate([X[index], np.zeros((pad, X.shape[1]), X.dtype)])
                y_batch = np.concatenate([y[index], np.zeros(pad, y.dtype)])
                mask = np.concatenate([np.ones(len(index), np.float32), np.zeros(pad, np.float32)])
                params = step(params, X_batch, y_batch, mask)
    model.params = jax.block_until_ready(params)


def predict_proba(model: JaxModel, X: np.ndarray) -> np.ndarray:
    """Output probabilities, (n, n_outputs)."""
    logits = np.asarray(_compiled_logits(model.hidden_activation)(model.params, X), dtype=np.float64)
    if logits.shape[1] == 1:
        return 1.0 / (1.0 + np.exp(-logits))
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def parameters(model: JaxModel) -> list[np.ndarray]:
    """[W1 (in, out), b1, W2, b2, ...] as NumPy float32 copies."""
    return [np.array(array, dtype=np.float32) for layer in model.params for array in layer]
