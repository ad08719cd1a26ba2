"""The fit loop: epochs of (shuffled) batches, each a forward pass, a loss, a backward pass
and an optimizer step — the notes' iterative training process:

    1. forward propagation   2. error calculation   3. backpropagation   4. update

Every front end (API, CLI, experiments) trains through ``fit``.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._validation import check_fraction, check_positive_int, check_positive_number
from .callbacks import Callback, PrintProgress, TrainingContext
from .errors import DivergenceError, ValidationError
from .history import History
from .losses import Loss
from .network import Sequential
from .optimizers import Optimizer, get_optimizer


@dataclass(frozen=True)
class DivergenceRule:
    """When training counts as diverged.

    A batch loss that is NaN or infinite, or that exceeds
    ``factor * max(best batch loss so far, floor)``, stops the fit with DivergenceError.
    The floor keeps a run whose loss starts near zero from a false alarm.
    """

    factor: float = 1e4
    floor: float = 1.0

    def __post_init__(self):
        check_positive_number("factor", self.factor)
        check_positive_number("floor", self.floor)

    def diverged(self, loss: float, best: float) -> bool:
        return not math.isfinite(loss) or loss > self.factor * max(best, self.floor)


class _InterruptFlag:
    """Turns the first Ctrl-C into a flag checked between batches (main thread only)."""

    def __init__(self):
        self.raised = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.raised:  # a second Ctrl-C: stop at once
            raise KeyboardInterrupt
        self.raised = True

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False


def _split_validation(X, y, validation_data, validation_split, network, loss):
    if validation_data is not None and validation_split:
        raise ValidationError("Give `validation_data` or `validation_split`, not both.")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValidationError("`validation_data` must be a pair (X_val, y_val).")
        X_val, y_val = network.prepare_data(validation_data[0], validation_data[1], loss)
        return X, y, X_val, y_val
    if validation_split:
        n_val = round(X.shape[0] * validation_split)
        if n_val < 1 or n_val >= X.shape[0]:
            raise ValidationError(
                f"`validation_split`={validation_split} leaves {n_val} of {X.shape[0]} samples for "
                "validation; it must leave at least one sample on each side."
            )
        # The last rows, before any shuffling (as Keras does): shuffle your data first if ordered.
        return X[:-n_val], y[:-n_val], X[-n_val:], y[-n_val:]
    return X, y, None, None


def fit(network: Sequential, X: object, y: object, *, loss: str | Loss, optimizer: str | Optimizer,
        epochs: int, batch_size: int | None = None, shuffle: bool = True,
        tolerance: float | None = None, validation_data: tuple | None = None,
        validation_split: float = 0.0, seed: int | None = None, verbose: int = 0,
        callbacks: Sequence[Callback] = (), divergence: DivergenceRule | None = DivergenceRule(),
        ) -> History:
    """Train ``network`` on ``X`` (n_samples, n_features) and ``y`` by gradient descent.

    Parameters
    ----------
    loss, optimizer : name or object
        E.g. ``"cross_entropy"`` and ``neuralab.SGD(0.1)``.
    epochs : int
        Maximum number of passes over the data.
    batch_size : int or None
        None: full-batch gradient descent (as in the notes); 1: stochastic; else mini-batch.
    shuffle : bool
        Reshuffle the samples each epoch (mini-batch only), from ``seed``.
    tolerance : float, optional
        Stop once an epoch's loss is <= tolerance.
    validation_data, validation_split
        A pair (X_val, y_val), or the fraction of the last rows held out.
    seed : int, optional
        Drives the initialisation of layers without a seed of their own and the shuffling:
        the same seed gives bit-identical weights.
    verbose : int
        1 prints one line per epoch.
    callbacks : list of Callback
    divergence : DivergenceRule or None
        The rule for NaN/exploding losses (None turns the explosion check off; NaN and
        infinity always stop the fit).

    Returns
    -------
    History, also stored as ``network.history``.

    Raises
    ------
    DivergenceError
        The loss became NaN/inf or exploded; the weights from before the bad step are kept.
    KeyboardInterrupt
        After Ctrl-C, once the current batch is finished; history is marked "interrupted".
    """
    resolved_loss = network.check_loss(loss)
    network.check_trainable()
    resolved_optimizer = get_optimizer(optimizer)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
    if tolerance is not None:
        tolerance = check_positive_number("tolerance", tolerance, allow_zero=True)
    validation_split = check_fraction("validation_split", validation_split)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise ValidationError(f"`seed` must be an integer or None. Got {seed!r}.")
    rule = divergence if divergence is not None else DivergenceRule(factor=math.inf)
    callbacks = list(callbacks)
    if verbose:
        callbacks.append(PrintProgress())

    X, y = network.prepare_data(X, y, resolved_loss)
    X, y, X_val, y_val = _split_validation(X, y, validation_data, validation_split, network,
                                           resolved_loss)

    init_seed, shuffle_seed = np.random.SeedSequence(seed).spawn(2)
    if not network.built:
        network.build(X.shape[1], init_seed)
    shuffle_rng = np.random.default_rng(shuffle_seed)

    trainer = _Trainer(network, resolved_loss, resolved_optimizer, rule, callbacks)
    return trainer.run(X, y, X_val, y_val, epochs=epochs, batch_size=batch_size, shuffle=shuffle,
                       tolerance=tolerance, rng=shuffle_rng)


class _Trainer:
    """One fit's state: the loop, the divergence snapshots and the callbacks."""

    def __init__(self, network, loss, optimizer, rule, callbacks):
        self.network = network
        self.loss = loss
        self.optimizer = optimizer
        self.rule = rule
        self.callbacks = callbacks
        self.fused = loss.output_activation is not None
        self.parameters = network.parameters()
        self.gradients = network.gradients()
        # Weights at the start of this epoch and of the one before: a bad loss seen in batch
        # b > 0 came from a step of this epoch, one seen in batch 0 from the last step before.
        self.snapshots = [[p.copy() for p in self.parameters] for _ in range(2)]

    def run(self, X, y, X_val, y_val, *, epochs, batch_size, shuffle, tolerance, rng):
        network, history = self.network, History()
        network.history = history
        n = X.shape[0]
        size = n if batch_size is None else min(batch_size, n)
        starts = range(0, n, size)
        context = TrainingContext(network, self.optimizer, self.loss, history, epochs, len(starts))
        for callback in self.callbacks:
            callback.on_train_begin(context)
        best = math.inf
        try:
            with _InterruptFlag() as interrupt, np.errstate(over="ignore", invalid="ignore",
                                                            divide="ignore", under="ignore"):
                for epoch in range(1, epochs + 1):
                    self.snapshots.reverse()
                    for saved, live in zip(self.snapshots[0], self.parameters, strict=True):
                        np.copyto(saved, live)
                    for callback in self.callbacks:
                        callback.on_epoch_begin(epoch)
                    if shuffle and size < n:
                        order = rng.permutation(n)
                        X_epoch, y_epoch = X[order], y[order]
                    else:
                        X_epoch, y_epoch = X, y
                    total = 0.0
                    for batch, start in enumerate(starts):
                        xb, yb = X_epoch[start:start + size], y_epoch[start:start + size]
                        value = self._step(xb, yb, epoch, batch, best)
                        best = min(best, value)
                        total += value if self.loss.reduction == "sum" else value * xb.shape[0]
                        for callback in self.callbacks:
                            callback.on_batch_end(batch, value)
                        if interrupt.raised:
                            history.stop_reason = "interrupted"
                            raise KeyboardInterrupt
                    epoch_loss = total if self.loss.reduction == "sum" else total / n
                    self._record(history, epoch, epoch_loss, X_val, y_val)
                    logs = {"loss": epoch_loss}
                    if X_val is not None:
                        logs["val_loss"] = history.val_loss[-1]
                    for callback in self.callbacks:
                        callback.on_epoch_end(epoch, logs)
                    if tolerance is not None and epoch_loss <= tolerance:
                        history.stop_reason = "tolerance"
                        break
                    if context.stop_training:
                        history.stop_reason = "callback"
                        break
                else:
                    history.stop_reason = "epochs"
        except KeyboardInterrupt:
            history.stop_reason = "interrupted"
            raise
        except DivergenceError:
            history.stop_reason = "divergence"
            raise
        finally:
            for callback in self.callbacks:
                callback.on_train_end(history)
        return history

    def _step(self, xb, yb, epoch, batch, best) -> float:
        network, loss = self.network, self.loss
        output = network._forward_prepared(xb)
        value = loss.value(output, yb)
        if self.rule.diverged(value, best):
            self._diverge(value, epoch, batch)
        if self.fused:
            network.backward(loss.preactivation_gradient(output, yb), from_preactivation=True,
                             input_gradient=False)
        else:
            network.backward(loss.gradient(output, yb), input_gradient=False)
        self.optimizer.step(self.parameters, self.gradients)
        return value

    def _diverge(self, value, epoch, batch):
        learning_rate = self.optimizer.learning_rate
        kind = "is not finite" if not math.isfinite(value) else "exploded"
        first_step = epoch == 1 and batch == 0
        if not first_step:
            restore = self.snapshots[0] if batch > 0 else self.snapshots[1]
            for live, saved in zip(self.parameters, restore, strict=True):
                np.copyto(live, saved)
        if first_step:
            message = (
                f"The loss {kind} ({value:.4g}) before any training step, in epoch {epoch}. "
                "Check the inputs for huge values (standardise the features) and the initial weights."
            )
        else:
            message = (
                f"Training diverged in epoch {epoch}: the loss {kind} ({value:.4g}) with learning rate "
                f"{learning_rate:g}. Try a smaller learning rate, e.g. {learning_rate / 10:g}. "
                "The weights from before the bad step were kept."
            )
        raise DivergenceError(message, epoch=epoch, learning_rate=learning_rate, loss=value)

    def _record(self, history, epoch, epoch_loss, X_val, y_val):
        history.epoch.append(epoch)
        history.loss.append(epoch_loss)
        history.learning_rate.append(self.optimizer.learning_rate)
        history.gradient_norms.append(
            [float(np.linalg.norm(layer.weight_gradient)) for layer in self.network.layers]
        )
        if X_val is not None:
            history.val_loss.append(self.loss.value(self.network._forward_prepared(X_val), y_val))
