"""Callbacks: code that runs at fixed points of the fit loop, and may ask it to stop.

A callback overrides any of ``on_train_begin``, ``on_epoch_begin``, ``on_batch_end``,
``on_epoch_end`` and ``on_train_end``. ``on_train_begin`` receives the TrainingContext
(network, optimizer, loss, history); setting ``context.stop_training = True`` ends the fit
after the current epoch.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from ._validation import check_fraction, check_positive_int, check_positive_number
from .errors import ValidationError

if TYPE_CHECKING:
    import numpy as np

    from .history import History
    from .losses import Loss
    from .network import Sequential
    from .optimizers import Optimizer


@dataclass
class TrainingContext:
    """What a callback can see and steer during one fit.

    Examples
    --------
    >>> import neuralab as nl
    >>> class Report(nl.Callback):
    ...     def on_train_begin(self, context):
    ...         super().on_train_begin(context)
    ...         print(context.epochs, context.batches_per_epoch, context.loss.name)
    >>> net = nl.Sequential([nl.Dense(1, input_dim=1)])
    >>> _ = net.fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0], loss="mean_squared_error", optimizer="sgd",
    ...             epochs=2, batch_size=2, callbacks=[Report()])
    2 2 mse
    """

    network: Sequential
    optimizer: Optimizer
    loss: Loss
    history: History
    epochs: int
    batches_per_epoch: int
    stop_training: bool = False


class Callback:
    """Base class: every hook does nothing.

    Examples
    --------
    A callback that stops training once the loss is small enough:
    >>> import neuralab as nl
    >>> class StopBelow(nl.Callback):
    ...     def on_epoch_end(self, epoch, logs):
    ...         if logs["loss"] < 0.01:
    ...             self.context.stop_training = True
    >>> net = nl.Sequential([nl.Dense(1, input_dim=1)])
    >>> history = net.fit([[0.0], [1.0]], [0.0, 2.0], loss="mean_squared_error",
    ...                   optimizer=nl.GradientDescent(0.5), epochs=100, callbacks=[StopBelow()], seed=0)
    >>> history.epochs_run < 100, history.loss[-1] < 0.01
    (True, True)
    """

    _context: TrainingContext | None = None

    @property
    def context(self) -> TrainingContext:
        """The fit this callback is part of (set by ``on_train_begin``)."""
        if self._context is None:
            raise ValidationError(
                f"{type(self).__name__} has no training context: it is set when a fit starts "
                "(on_train_begin). Pass the callback to fit(callbacks=[...])."
            )
        return self._context

    @context.setter
    def context(self, context: TrainingContext) -> None:
        self._context = context

    def on_train_begin(self, context: TrainingContext) -> None:
        self.context = context

    def on_epoch_begin(self, epoch: int) -> None:
        """``epoch`` is 1-based."""

    def on_batch_end(self, batch: int, loss: float) -> None:
        """``batch`` is the 0-based index within the epoch; ``loss`` the batch's loss."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        """``logs`` holds "loss" and, with validation data, "val_loss"."""

    def on_train_end(self, history: History) -> None:
        """Called once at the end, also after an interruption or divergence."""


_live_display: Callable[[], Callback] | None = None


def register_live_display(factory: Callable[[], Callback]) -> None:
    """Name the callback that ``fit(live=True)`` adds: ``neuralab.notebook`` registers its
    ``LiveTraining`` when the package is imported (it sits above the fit loop, which therefore
    cannot import it; ``network.register_fit_loop`` is the same arrangement)."""
    global _live_display
    _live_display = factory


def live_display() -> Callback:
    """A new live-display callback for one fit (see ``register_live_display``)."""
    if _live_display is None:  # only if neuralab.training was loaded without the package
        raise RuntimeError("No live display is registered: import neuralab (or neuralab.notebook) first.")
    return _live_display()


class PrintProgress(Callback):
    """Prints one line per epoch (``fit(verbose=1)``): epoch, loss and validation loss."""

    def __init__(self, stream: TextIO | None = None, every: int = 1):
        self.stream = stream
        self.every = every

    def on_epoch_end(self, epoch, logs):
        if epoch % self.every and epoch != self.context.epochs:
            return
        parts = [f"epoch {epoch}/{self.context.epochs}"]
        parts += [f"{key} {value:.6g}" for key, value in logs.items()]
        print(" - ".join(parts), file=self.stream or sys.stdout)


class EarlyStopping(Callback):
    """Stop when the validation loss stops improving (Keras semantics).

    An epoch improves when ``val_loss < best - min_delta``. After ``patience`` epochs in a
    row without improvement the fit stops (``context.stop_training``; the history's
    ``stop_reason`` is then "early stopping"). With
    ``restore_best_weights`` the weights of the best epoch are put back when training ends
    (also when the epochs run out first).

    Attributes
    ----------
    best : float
        The lowest validation loss seen.
    best_epoch : int
        Its (1-based) epoch; 0 before the first epoch.
    stopped_epoch : int
        The epoch after which training was stopped (0 if it was not).

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 3))
    >>> y = X @ [1.0, -2.0, 0.5] + rng.normal(scale=0.5, size=60)
    >>> net = nl.Sequential([nl.Dense(16, "relu"), nl.Dense(1)])
    >>> stop = nl.EarlyStopping(patience=3)
    >>> history = net.fit(X[:40], y[:40], validation_data=(X[40:], y[40:]), loss="mean_squared_error",
    ...                   optimizer=nl.Adam(0.05), epochs=200, callbacks=[stop], seed=0)
    >>> history.stop_reason, history.epochs_run < 200
    ('early stopping', True)
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, restore_best_weights: bool = True):
        self.patience = check_positive_int("patience", patience)
        self.min_delta = check_positive_number("min_delta", min_delta, allow_zero=True)
        self.restore_best_weights = bool(restore_best_weights)
        self.best = float("inf")
        self.best_epoch = 0
        self.stopped_epoch = 0
        self.best_weights: list[np.ndarray] | None = None
        self.wait = 0

    def on_train_begin(self, context):
        super().on_train_begin(context)
        self.best, self.best_epoch, self.stopped_epoch = float("inf"), 0, 0
        self.best_weights, self.wait = None, 0

    def on_epoch_end(self, epoch, logs):
        if "val_loss" not in logs:
            raise ValidationError(
                "EarlyStopping watches the validation loss, but this fit has no validation data. "
                "Pass `validation_split` or `validation_data` to fit."
            )
        current = logs["val_loss"]
        self.wait += 1
        if current < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.context.network.get_weights()
            return
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.context.stop_training = True

    def on_train_end(self, history):
        if self.restore_best_weights and self.best_weights is not None:
            self.context.network.set_weights(self.best_weights)
        history.extra.setdefault("best_epoch", []).append(float(self.best_epoch))
        if self.stopped_epoch and history.stop_reason == "callback":
            history.stop_reason = "early stopping"  # the fit loop only knows "a callback stopped it"


class LearningRateSchedule(Callback):
    """Base class: sets ``optimizer.learning_rate = schedule(epoch, initial)`` at each epoch's start.

    ``initial`` is the optimizer's rate when a schedule first drove it, kept on the optimizer
    (``base_learning_rate``, saved with its state, as torch keeps ``initial_lr``). So a fit that
    resumes with ``initial_epoch`` continues the schedule instead of decaying the already
    decayed rate again. ``optimizer.reset()`` forgets it.
    """

    def on_train_begin(self, context):
        super().on_train_begin(context)
        optimizer = context.optimizer
        if optimizer.base_learning_rate is None:
            optimizer.base_learning_rate = optimizer.learning_rate
        self.initial_learning_rate = optimizer.base_learning_rate

    def on_epoch_begin(self, epoch):
        self.context.optimizer.learning_rate = self.schedule(epoch, self.initial_learning_rate)

    def schedule(self, epoch: int, initial: float) -> float:
        raise NotImplementedError


class StepDecay(LearningRateSchedule):
    r"""Multiply the learning rate by ``drop`` every ``every`` epochs.

    $$
    \alpha_{epoch} = \alpha_0 \cdot drop^{\lfloor (epoch - 1) / every \rfloor}
    $$

    Examples
    --------
    >>> from neuralab import StepDecay
    >>> [StepDecay(drop=0.5, every=10).schedule(epoch, 0.1) for epoch in (1, 10, 11, 21)]
    [0.1, 0.1, 0.05, 0.025]
    """

    def __init__(self, drop: float = 0.5, every: int = 10):
        self.drop = check_fraction("drop", drop, low=0.0, high=1.0)
        if self.drop == 0:
            raise ValidationError("`drop` must be in (0, 1): 0 would stop learning. Got 0.")
        self.every = check_positive_int("every", every)

    def schedule(self, epoch, initial):
        return initial * self.drop ** ((epoch - 1) // self.every)


class ExponentialDecay(LearningRateSchedule):
    r"""Decay the learning rate smoothly by ``rate`` per ``decay_epochs`` epochs.

    $$
    \alpha_{epoch} = \alpha_0 \cdot rate^{(epoch - 1) / decay\_epochs}
    $$

    Examples
    --------
    >>> from neuralab import ExponentialDecay
    >>> [ExponentialDecay(rate=0.5, decay_epochs=2).schedule(epoch, 1.0) for epoch in (1, 3, 5)]
    [1.0, 0.5, 0.25]
    """

    def __init__(self, rate: float = 0.96, decay_epochs: float = 1.0):
        self.rate = check_fraction("rate", rate, low=0.0, high=1.0)
        if self.rate == 0:
            raise ValidationError("`rate` must be in (0, 1): 0 would stop learning. Got 0.")
        self.decay_epochs = check_positive_number("decay_epochs", decay_epochs)

    def schedule(self, epoch, initial):
        return initial * self.rate ** ((epoch - 1) / self.decay_epochs)
