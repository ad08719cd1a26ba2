"""When training stops on its own: a diverging loss (and what is put back), or Ctrl-C.

- ``DivergenceRule``: a batch loss that is NaN/inf or explodes counts as diverged.
- ``Rollback``: the weights and the optimizer's state at the start of this epoch and of the
  one before, put back when a step diverges, and the DivergenceError that says what to change.
- ``InterruptFlag``: the first Ctrl-C becomes a flag the loop checks between batches.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
from dataclasses import dataclass
from types import FrameType
from typing import Any, Literal

import numpy as np

from .._validation import check_positive_number
from ..errors import DivergenceError, ValidationError
from ..optimizers import Optimizer

_LARGEST = sys.float_info.max


@dataclass(frozen=True)
class DivergenceRule:
    """When training counts as diverged.

    A batch loss that is NaN or infinite, or that exceeds
    ``factor * max(best batch loss so far, floor)``, stops the fit with DivergenceError.
    The floor keeps a run whose loss starts near zero from a false alarm.

    Examples
    --------
    A loss more than ``factor`` times the best so far counts as diverged:
    >>> import neuralab as nl
    >>> rule = nl.DivergenceRule(factor=100)
    >>> rule.diverged(50.0, best=1.0), rule.diverged(150.0, best=1.0), rule.diverged(float("nan"), best=1.0)
    (False, True, True)
    """

    factor: float = 1e4
    floor: float = 1.0

    def __post_init__(self) -> None:
        # factor = inf is allowed: only NaN/inf losses stop the fit (what divergence=None means).
        if self.factor != math.inf:
            check_positive_number("factor", self.factor)
            if self.factor < 1:
                raise ValidationError(
                    f"DivergenceRule `factor` must be >= 1: a loss above factor x the best loss so far "
                    f"counts as diverged, so a factor of {self.factor:g} would stop a loss that is "
                    "still falling. Use e.g. 10 (strict) or 1e4 (the default)."
                )
        check_positive_number("floor", self.floor)

    def diverged(self, loss: float, best: float) -> bool:
        return not math.isfinite(loss) or loss > self.factor * max(best, self.floor)

    def limit(self, best: float) -> float:
        """The largest loss that is not divergence once the best is ``best`` (finite, so that
        ``not loss <= limit`` is one comparison that also catches NaN and inf)."""
        return min(self.factor * max(best, self.floor), _LARGEST)


class Rollback:
    """The weights and optimizer state at the start of this epoch and of the one before.

    A bad loss seen in batch b > 0 came from a step of this epoch, one seen in batch 0 from
    the last step before it: ``fail`` puts back the matching snapshot (the optimizer's
    momentum and moments too, or the next step would be pushed by the bad one's gradients),
    then raises DivergenceError in words that say what to change.
    """

    def __init__(self, parameters: list[np.ndarray], optimizer: Optimizer, *, penalised: bool) -> None:
        self.parameters = parameters
        self.optimizer = optimizer
        self.penalised = penalised  # an l1/l2 penalty is part of the loss
        self.first_epoch = 1  # the first epoch of this fit (initial_epoch + 1)
        self.snapshots = [[p.copy() for p in parameters] for _ in range(2)]
        self.optimizer_snapshots: list[dict[str, np.ndarray] | None] = [None, None]

    def epoch_started(self) -> None:
        """Save the weights and the optimizer state at the start of an epoch."""
        self.snapshots.reverse()
        for saved, live in zip(self.snapshots[0], self.parameters, strict=True):
            np.copyto(saved, live)
        self.optimizer_snapshots = [self.optimizer.get_state(), self.optimizer_snapshots[0]]

    def fail(self, value: float, epoch: int, batch: int) -> None:
        """Put back the weights from before the bad step and raise DivergenceError."""
        learning_rate = self.optimizer.learning_rate
        kind = "is not finite" if not math.isfinite(value) else "exploded"
        first_step = epoch == self.first_epoch and batch == 0
        if not first_step:
            restore = self.snapshots[0] if batch > 0 else self.snapshots[1]
            for live, saved in zip(self.parameters, restore, strict=True):
                np.copyto(live, saved)
            state = self.optimizer_snapshots[0] if batch > 0 else self.optimizer_snapshots[1]
            if state is not None:
                self.optimizer.set_state(state)
        if first_step:
            penalty = " and the l1/l2 penalty (it is part of the loss)" if self.penalised else ""
            message = (
                f"The loss {kind} ({value:.4g}) before any training step, in epoch {epoch}. "
                f"Check the inputs for huge values (standardise the features), the initial weights{penalty}."
            )
        else:
            message = (
                f"Training diverged in epoch {epoch}: the loss {kind} ({value:.4g}) with learning rate "
                f"{learning_rate:g}. Try a smaller learning rate, e.g. {learning_rate / 10:g}. "
                "The weights from before the bad step were kept."
            )
        raise DivergenceError(message, epoch=epoch, learning_rate=learning_rate, loss=value)


class InterruptFlag:
    """Turns the first Ctrl-C into a flag checked between batches (main thread only)."""

    def __init__(self) -> None:
        self.raised = False
        self._previous: Any = None

    def __enter__(self) -> InterruptFlag:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.raised:  # a second Ctrl-C: stop at once
            raise KeyboardInterrupt
        self.raised = True

    def __exit__(self, *exc: object) -> Literal[False]:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False
