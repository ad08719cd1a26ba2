"""Callbacks: code that runs at fixed points of the fit loop, and may ask it to stop.

A callback overrides any of ``on_train_begin``, ``on_epoch_begin``, ``on_batch_end``,
``on_epoch_end`` and ``on_train_end``. ``on_train_begin`` receives the TrainingContext
(network, optimizer, loss, history); setting ``context.stop_training = True`` ends the fit
after the current epoch.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .history import History
    from .losses import Loss
    from .network import Sequential
    from .optimizers import Optimizer


@dataclass
class TrainingContext:
    """What a callback can see and steer during one fit."""

    network: Sequential
    optimizer: Optimizer
    loss: Loss
    history: History
    epochs: int
    batches_per_epoch: int
    stop_training: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class Callback:
    """Base class: every hook does nothing."""

    context: TrainingContext | None = None

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
