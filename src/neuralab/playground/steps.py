"""A training step explained and taken: the mini-batch that holds a chosen training sample.

Training visits the training rows of epoch e in ``epoch_order`` (the order ``fit`` shuffles
them in from the epoch's seed; file order for one batch of all samples) and takes one
optimizer step per batch of ``batch_size`` consecutive rows of it. ``explain_step`` explains
the step of the batch that holds sample i in the NEXT epoch's order, from the weights on
screen:

    dE/dW = (1/B) sum_k dE_k/dW        (the batch mean the optimizer is given)
    dE_k/dw = dE_k/da * f'(z) * x      (sample i's own term of it, the chain rule with numbers)

(plus ``l2 * w`` and ``l1 * sign(w)`` when a penalty is set). ``apply_step`` takes exactly the
engine's step for that batch: one ``Sequential.fit`` epoch over its B rows as one batch, with
the session's optimizer (its momentum or moments move on as in training).
"""

from __future__ import annotations

import numpy as np

from ..network import Sequential
from ..trace import Trace, trace
from ..training.batches import first_epoch_order
from .config import Config
from .datasets import Dataset
from .errors import PlaygroundInputError
from .pictures import finite, json_matrix, json_values


def epoch_order(n: int, config: Config, epoch: int) -> np.ndarray:
    """The training rows (0..n-1) in the order epoch ``epoch`` visits them: file order for one
    batch of all samples, else the first-epoch order of the one-epoch ``fit`` the session runs
    with the epoch's seed (``training.batches.first_epoch_order``; tests/test_playground_steps.py
    checks the weights of a trained epoch against this order)."""
    if config.batch_size is None or config.batch_size >= n:
        return np.arange(n)
    return first_epoch_order(fit_seed(config, epoch), n)


def fit_seed(config: Config, epoch: int) -> int:
    """The seed of epoch ``epoch``'s order and of its ``fit`` call."""
    return (config.seed * 100_003 + epoch) % 2**32


def batch_of(order: np.ndarray, size: int | None, sample: int) -> tuple[int, np.ndarray]:
    """(the batch's number in the epoch, its rows) for the batch of ``order`` holding ``sample``."""
    size = order.shape[0] if size is None else min(size, order.shape[0])
    index = int(np.flatnonzero(order == sample)[0]) // size
    return index, order[index * size : (index + 1) * size]


def check_sample(sample: object, n_train: int) -> int:
    if isinstance(sample, bool) or not isinstance(sample, int) or not 0 <= sample < n_train:
        raise PlaygroundInputError(
            f"`sample` must be a training-sample index from 0 to {n_train - 1} "
            f"(the training set has {n_train} samples). Got {sample!r}."
        )
    return sample


def _layer(own, batch) -> dict:
    """One layer of the step: sample i's forward values and own chain-rule factors (``own``, a
    trace of that sample alone) beside the batch's mean gradient (``batch``)."""
    grad_w = np.asarray(batch.grad_weights)
    step = np.asarray(batch.new_weights) - np.asarray(batch.weights)
    return {
        "index": own.index,
        "activation": own.activation,
        "z": json_values(own.z[0]),
        "a": json_values(own.a[0]),
        "derivative": None if own.derivative is None else json_values(own.derivative[0], None),
        # Full precision: rounding to decimals would show a vanishing 6e-5 as 0.
        "grad_a": json_values(own.grad_a[0], None),
        "grad_z": json_values(own.grad_z[0], None),
        "x": json_values(np.asarray(own.inputs)[0], None),
        "grad_weights": json_matrix(own.grad_weights),  # sample i's own dE_i/dW
        "batch_grad_weights": json_matrix(grad_w),  # the batch mean dE/dW
        "grad_weights_norm": finite(float(np.linalg.norm(grad_w))),
        "step_norm": finite(float(np.linalg.norm(step))),
        "shape": list(grad_w.shape),
    }


def explain_step(
    network: Sequential, dataset: Dataset, config: Config, *, loss: str, epoch: int, sample: int
) -> tuple[dict, np.ndarray]:
    """The step of the batch holding ``sample`` in epoch ``epoch + 1``'s order, from the
    network's weights now. Returns the step (JSON) and the batch's rows.

    The step carries sample i's inputs, target, output and own loss E_i, and per layer its x,
    z, a = f(z), f'(z), dE_i/da, dE_i/dz and dE_i/dW beside the batch's mean dE/dW, with
    ||dE/dW|| and the size of the plain step lr * ||dE/dW||.
    """
    X, y = dataset.X_train, dataset.y_train
    sample = check_sample(sample, X.shape[0])
    order = epoch_order(X.shape[0], config, epoch + 1)
    index, rows = batch_of(order, config.batch_size, sample)
    rate = config.learning_rate
    with np.errstate(all="ignore"):
        own: Trace = trace(
            network, X[sample : sample + 1], y[sample : sample + 1], loss=loss, learning_rate=rate
        )
        batch: Trace = trace(network, X[rows], y[rows], loss=loss, learning_rate=rate)
    step = {
        "sample": sample,
        "inputs": json_values(own.inputs[0]),
        "target": json_values(own.target[0]),
        "output": json_values(own.output[0]),
        "loss": finite(own.loss),
        "loss_name": own.loss_name,
        "loss_formula": own.loss_formula,
        "learning_rate": own.learning_rate,
        "optimizer": config.optimizer,
        "penalty": {"l1": config.l1, "l2": config.l2},
        "batch": {
            "epoch": epoch + 1,
            "index": index,
            "count": -(-X.shape[0] // (config.batch_size or X.shape[0])),
            "size": int(rows.shape[0]),
            "samples": rows.tolist(),
            "loss": finite(batch.loss),
        },
        "layers": [_layer(mine, theirs) for mine, theirs in zip(own.layers, batch.layers, strict=True)],
        "features": dataset.feature_names,
    }
    return step, rows


def apply_step(
    network: Sequential,
    dataset: Dataset,
    config: Config,
    optimizer,
    *,
    loss: str,
    epoch: int,
    rows: np.ndarray,
) -> None:
    """Take the engine's step for the batch ``rows``: one ``fit`` epoch over them as one batch,
    with ``optimizer`` (its state moves on) and the session's penalties."""
    network.fit(
        dataset.X_train[rows],
        dataset.y_train[rows],
        loss=loss,
        optimizer=optimizer,
        epochs=epoch + 1,
        initial_epoch=epoch,
        batch_size=None,
        shuffle=False,
        l2=config.l2,
        l1=config.l1,
        seed=fit_seed(config, epoch + 1),
    )


__all__ = ["apply_step", "batch_of", "check_sample", "epoch_order", "explain_step", "fit_seed"]
