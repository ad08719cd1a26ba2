"""Gradient-flow diagnostics: per-layer gradient norms, saturated units, dead ReLUs, and a
plain-words diagnosis of vanishing or exploding gradients.

Backpropagation multiplies, layer after layer, the activation's derivative and the next
layer's weights. With sigmoid, sigma'(z) = sigma(z)(1 - sigma(z)) <= 1/4, so over n sigmoid
layers the product of the sigma' factors is at most 4^-n, and with small weights the gradient
shrinks roughly like (|w|/4)^n: the first layers of a deep sigmoid network get gradients orders
of magnitude smaller than the last ones (the vanishing-gradient problem).

- ``GradientMonitor(X, y)`` is an opt-in callback: at chosen epochs (default: before
  training and after every epoch) it runs one full-batch forward/backward pass and records,
  per layer, the weight-gradient norm ||dE/dW||, the fraction of saturated sigmoid/tanh
  units and the fraction of dead ReLUs.
- ``diagnose(source)`` reads a monitor or a History and says whether gradients vanish or
  explode, at which layer and by what ratio, and what to change.
- ``fit(verbose=1)`` adds ``GradientWarning``, which warns once per fit in those words.

Examples
--------
>>> import numpy as np
>>> import neuralab as nl
>>> from neuralab.diagnostics import diagnose_norms
>>> diagnose_norms(np.array([1e-7, 1e-5, 1e-3, 1.0])).status
'vanishing'
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Sequence
from types import FrameType

import numpy as np

from .callbacks import Callback
from .diagnosis import EXPLODING_RATIO, VANISHING_RATIO, Diagnosis, advice, learning_rate_advice
from .errors import ValidationError
from .gradient_statistics import (
    SATURATION_THRESHOLD,
    GradientMonitor,
    LayerStatistics,
    layer_statistics,
)
from .history import History

LOSS_JUMP_FACTOR = 1.2
"""A training loss above this multiple of its best so far (or not finite) is a loss jump: a step
overshot. A jump before vanishing or absent gradients makes the learning rate their cause."""
WEIGHT_CHANGE_LIMIT = 1.0
"""A weight matrix that moved by more than this multiple of its own norm in one epoch,
||W_after - W_before|| / ||W_before||, took a too-large step."""
TOO_LARGE_LEARNING_RATE = "too_large_learning_rate"
"""``diagnose``'s status when a loss jump or a too-large step preceded dead, saturated or
gradient-less units."""


def _ratio(numerator: float, denominator: float) -> float:
    if denominator == 0:
        return math.inf if numerator > 0 else 1.0
    return numerator / denominator


def loss_jump(
    losses: Sequence[float | None], factor: float = LOSS_JUMP_FACTOR
) -> tuple[int, float, float] | None:
    """The first epoch whose training loss jumped: ``(position, best before, loss)``, or None.

    ``losses`` are training losses in epoch order (position 0: before training; None or a
    non-finite value counts as a jump). A jump is ``losses[t] > factor * min(losses[:t])``:
    gradient descent with a sound step lowers the loss on average, an overshooting step raises it.

    >>> loss_jump([0.68, 0.91, 0.70])
    (1, 0.68, 0.91)
    >>> loss_jump([0.69, 0.60, 0.62]) is None
    True
    """
    best = math.inf
    for position, value in enumerate(losses):
        if value is None or not math.isfinite(value) or (position > 0 and value > factor * best):
            return position, best, math.inf if value is None else float(value)
        best = min(best, float(value))
    return None


def diagnose_norms(
    gradient_norms: Sequence[float],
    activations: Sequence[str] | None = None,
    *,
    saturated: Sequence[float | None] = (),
    dead: Sequence[float | None] = (),
    epoch: int = 0,
    vanishing_ratio: float = VANISHING_RATIO,
    exploding_ratio: float = EXPLODING_RATIO,
    learning_rate: float | None = None,
    losses: Sequence[float | None] | None = None,
    weight_change: float | None = None,
) -> Diagnosis:
    """Diagnose one row of per-layer weight-gradient norms (input layer first).

    The order of causes: the learning rate first. When the gradients vanish or are 0 and
    either ``losses`` (the training loss per epoch up to this one, first value before
    training, since the learning rate was last set) show a jump (``loss_jump``) or
    ``weight_change`` (the largest ||W_after - W_before|| / ||W_before|| of one epoch in that
    time) is above ``WEIGHT_CHANGE_LIMIT``, the status is "too_large_learning_rate": the
    overshooting steps killed or saturated the units, and vanishing/dead-unit advice would send
    the learner to the wrong fix. Otherwise the gradients' own status stands.
    """
    diagnosis = _diagnose_norms(
        gradient_norms,
        activations,
        saturated=saturated,
        dead=dead,
        epoch=epoch,
        vanishing_ratio=vanishing_ratio,
        exploding_ratio=exploding_ratio,
        learning_rate=learning_rate,
    )
    jump = None if losses is None else loss_jump(losses)
    too_large_step = weight_change is not None and weight_change > WEIGHT_CHANGE_LIMIT
    if (jump is None and not too_large_step) or diagnosis.status not in ("vanishing", "no_gradient"):
        return diagnosis
    diagnosis.symptom = diagnosis.status
    diagnosis.status = TOO_LARGE_LEARNING_RATE
    diagnosis.advice = learning_rate_advice(
        diagnosis, jump, weight_change if too_large_step else None, list(activations or []), learning_rate
    )
    return diagnosis


def _diagnose_norms(
    gradient_norms: Sequence[float],
    activations: Sequence[str] | None,
    *,
    saturated: Sequence[float | None],
    dead: Sequence[float | None],
    epoch: int,
    vanishing_ratio: float,
    exploding_ratio: float,
    learning_rate: float | None,
) -> Diagnosis:
    norms = [float(n) for n in gradient_norms]
    if len(norms) < 2:
        return Diagnosis(
            "healthy",
            None,
            1.0,
            1.0,
            epoch,
            norms,
            list(saturated),
            list(dead),
            "A single layer: there is no depth for gradients to vanish through.",
        )
    last = norms[-1]
    if last == 0 and all(math.isfinite(n) for n in norms):
        # 0 / 0 would read as a ratio of 1, "healthy": say that nothing flows back instead.
        everywhere = all(n == 0 for n in norms)
        diagnosis = Diagnosis(
            "no_gradient",
            len(norms),
            0.0,
            0.0 if everywhere else math.inf,
            epoch,
            norms,
            list(saturated),
            list(dead),
        )
        diagnosis.advice = (
            "No gradient flows: the output layer's weight gradient is exactly 0"
            + (", and so is every other layer's" if everywhere else "")
            + ", so no step changes the weights. Dead units (a ReLU that outputs 0 for every sample "
            "passes nothing back) or a fully saturated output cause this: re-initialise, use a smaller "
            "learning rate, or use leaky_relu."
        )
        return diagnosis
    ratios = [_ratio(n, last) for n in norms[:-1]]
    low = int(np.argmin(ratios))
    high = int(np.argmax(ratios))
    not_finite = not all(math.isfinite(n) for n in norms)
    if not_finite or ratios[high] > exploding_ratio:
        status, position = "exploding", high
    elif ratios[low] < vanishing_ratio:
        status, position = "vanishing", low
    else:
        status, position = "healthy", None
    ratio = ratios[position] if position is not None else min(ratios)
    diagnosis = Diagnosis(
        status,
        None if position is None else position + 1,
        ratio,
        _ratio(norms[0], last),
        epoch,
        norms,
        list(saturated),
        list(dead),
    )
    diagnosis.advice = advice(diagnosis, list(activations or []), learning_rate)
    return diagnosis


def diagnose(
    source: GradientMonitor | History | LayerStatistics,
    *,
    epoch: int | None = None,
    activations: Sequence[str] | None = None,
    vanishing_ratio: float = VANISHING_RATIO,
    exploding_ratio: float = EXPLODING_RATIO,
    losses: Sequence[float | None] | None = None,
    weight_change: float | None = None,
    learning_rate: float | None = None,
) -> Diagnosis:
    """Say whether the gradients recorded in ``source`` vanish or explode, and why.

    ``source`` is a GradientMonitor (full-batch norms, saturation and dead units), a History
    (last-batch norms per epoch) or one LayerStatistics. ``epoch`` picks the record (default:
    the first one, i.e. the start of training for a monitor). ``activations`` (layer names)
    makes the advice specific; a monitor knows them. ``losses`` (training loss per epoch up to
    the diagnosed one, first value before training; a monitor's own records by default),
    ``weight_change`` and ``learning_rate`` let a loss jump or a too-large step name the
    learning rate as the cause (``diagnose_norms``).

    Examples
    --------
    Eight sigmoid layers: the first layers' gradients vanish:
    >>> import numpy as np
    >>> import neuralab as nl
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(200, 8)), rng.integers(0, 3, size=200)
    >>> net = nl.Sequential([nl.Dense(16, "sigmoid") for _ in range(8)] + [nl.Dense(3, "softmax")])
    >>> monitor = nl.GradientMonitor(X, y)
    >>> _ = net.fit(X, y, loss="cross_entropy", optimizer=nl.SGD(0.1), epochs=2, seed=0, callbacks=[monitor])
    >>> nl.diagnose(monitor).status
    'vanishing'
    """
    if isinstance(source, GradientMonitor):
        if not source.records:
            raise ValidationError("The GradientMonitor has no records yet: pass it to fit(callbacks=[...]).")
        record = source.records[0] if epoch is None else _pick(source.records, epoch)
        activations = activations or source.activations
        if losses is None:
            losses = [r.loss for r in source.records if r.epoch <= record.epoch]
        source = record  # a monitor is diagnosed through its chosen record
    if isinstance(source, LayerStatistics):
        return diagnose_norms(
            source.gradient_norms,
            activations,
            saturated=source.saturated,
            dead=source.dead,
            epoch=source.epoch,
            vanishing_ratio=vanishing_ratio,
            exploding_ratio=exploding_ratio,
            losses=losses,
            weight_change=weight_change,
            learning_rate=learning_rate,
        )
    if isinstance(source, History):
        if not source.gradient_norms:
            raise ValidationError("The History has no gradient norms: it is from a fit that ran no epoch.")
        position = 0 if epoch is None else source.epoch.index(epoch) if epoch in source.epoch else None
        if position is None:
            raise ValidationError(f"Epoch {epoch} is not in the History (epochs 1..{source.epochs_run}).")
        return diagnose_norms(
            source.gradient_norms[position],
            activations,
            epoch=source.epoch[position],
            vanishing_ratio=vanishing_ratio,
            exploding_ratio=exploding_ratio,
            losses=losses,
            weight_change=weight_change,
            learning_rate=learning_rate,
        )
    raise ValidationError(
        f"diagnose() needs a GradientMonitor, a History or LayerStatistics. Got {type(source).__name__}."
    )


def _pick(records: list[LayerStatistics], epoch: int) -> LayerStatistics:
    for record in records:
        if record.epoch == epoch:
            return record
    recorded = ", ".join(str(r.epoch) for r in records)
    raise ValidationError(f"Epoch {epoch} was not recorded by the monitor (recorded: {recorded}).")


class GradientFlowWarning(UserWarning):
    """Gradients vanish or explode during a fit (issued once per fit by ``fit(verbose=1)``)."""


class GradientWarning(Callback):
    """Checks the last-batch gradient norms the fit loop already records, after each epoch,
    and warns once (GradientFlowWarning) when they vanish or explode. Added by ``fit(verbose=1)``."""

    def __init__(self):
        self.warned = False

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.warned or not self.context.history.gradient_norms:
            return
        network = self.context.network
        diagnosis = diagnose_norms(
            self.context.history.gradient_norms[-1],
            [layer.activation.name for layer in network.weighted_layers],
            epoch=epoch,
            learning_rate=self.context.optimizer.learning_rate,
        )
        if not diagnosis.ok:
            self.warned = True
            warnings.warn(
                f"epoch {epoch}: {diagnosis.advice}",
                GradientFlowWarning,
                stacklevel=_stacklevel_outside_neuralab(),
            )


def _stacklevel_outside_neuralab() -> int:
    """The ``stacklevel`` that makes a warning point at the user's line (e.g. their ``fit``)."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package + os.sep):
        frame, level = frame.f_back, level + 1
    return level


__all__ = [
    "SATURATION_THRESHOLD",
    "Diagnosis",
    "GradientFlowWarning",
    "GradientMonitor",
    "GradientWarning",
    "LayerStatistics",
    "diagnose",
    "diagnose_norms",
    "layer_statistics",
    "loss_jump",
]
