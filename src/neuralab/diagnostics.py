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
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from types import FrameType

import numpy as np

from . import backprop
from .callbacks import Callback, TrainingContext
from .errors import ValidationError
from .history import History
from .losses import Loss
from .network import Sequential

VANISHING_RATIO = 1e-3
"""A layer whose gradient norm is below this fraction of the output layer's counts as vanishing."""
EXPLODING_RATIO = 1e3
"""A layer whose gradient norm is above this multiple of the output layer's counts as exploding."""
SATURATION_THRESHOLD = 0.1
"""A sigmoid/tanh unit is saturated when f'(z) is below this fraction of f''s maximum."""
LOSS_JUMP_FACTOR = 1.2
"""A training loss above this multiple of its best so far (or not finite) is a loss jump: a step
overshot. A jump before vanishing or absent gradients makes the learning rate their cause."""
WEIGHT_CHANGE_LIMIT = 1.0
"""A weight matrix that moved by more than this multiple of its own norm in one epoch,
||W_after - W_before|| / ||W_before||, took a too-large step."""
TOO_LARGE_LEARNING_RATE = "too_large_learning_rate"
"""``diagnose``'s status when a loss jump or a too-large step preceded dead, saturated or
gradient-less units."""

_SATURATING_MAXIMUM = {"sigmoid": 0.25, "tanh": 1.0}


@dataclass
class LayerStatistics:
    """Full-batch statistics of every layer at one moment, input layer first.

    ``gradient_norms`` are the Frobenius norms ||dE/dW||; ``saturated`` the fraction of
    (sample, unit) values of a sigmoid/tanh layer with f'(z) < 0.1 * max f' (None for other
    activations); ``dead`` the fraction of a ReLU layer's units that output 0 for every
    sample (None for other activations).
    """

    epoch: int
    loss: float
    gradient_norms: list[float]
    saturated: list[float | None]
    dead: list[float | None]


def layer_statistics(
    network: Sequential, X: np.ndarray, y: np.ndarray, loss: Loss, epoch: int = 0
) -> LayerStatistics:
    """One full-batch forward/backward pass of ``network`` (prepared ``X``, ``y``) and its statistics.

    ``X`` is (n_samples, n_features) and ``y`` (n_samples, n_outputs), as ``prepare_data`` returns
    them. Overwrites the layers' caches and gradient arrays (as any training step does).
    """
    result = backprop.run(network, loss, X, y, training=False)
    norms: list[float] = []
    saturated: list[float | None] = []
    dead: list[float | None] = []
    for record in result.layers:
        norms.append(float(np.linalg.norm(record.gradients["weights"])))
        name = record.layer.activation.name
        if name in _SATURATING_MAXIMUM:
            slope = record.layer.activation.derivative(record.preactivation)
            saturated.append(float(np.mean(slope < SATURATION_THRESHOLD * _SATURATING_MAXIMUM[name])))
        else:
            saturated.append(None)
        dead.append(float(np.mean(np.all(record.output <= 0, axis=0))) if name == "relu" else None)
    return LayerStatistics(epoch, result.loss, norms, saturated, dead)


class GradientMonitor(Callback):
    """Records full-batch gradient statistics per layer during a fit (opt-in, costs one extra
    forward/backward pass on ``X`` per recorded epoch).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        The data the statistics are measured on (e.g. the training set or a sample of it).
    y : array
        Targets for ``X``, as for ``fit``.
    epochs : iterable of int, optional
        The epochs to record; 0 means before training. Default: 0 and every epoch.

    Attributes
    ----------
    records : list of LayerStatistics
        One entry per recorded epoch.
    activations : list of str
        The layers' activation names, input layer first.

    Examples
    --------
    One record before training and one after each epoch, one weight-gradient norm per layer:
    >>> import numpy as np
    >>> import neuralab as nl
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(100, 4)), rng.integers(0, 2, size=100)
    >>> net = nl.Sequential([nl.Dense(8, "relu"), nl.Dense(8, "relu"), nl.Dense(2, "softmax")])
    >>> monitor = nl.GradientMonitor(X, y)
    >>> _ = net.fit(X, y, loss="cross_entropy", optimizer=nl.SGD(0.1), epochs=3, callbacks=[monitor], seed=0)
    >>> norms = monitor.gradient_norm_array()
    >>> norms.shape
    (4, 3)
    """

    def __init__(self, X: object, y: object, epochs: Iterable[int] | None = None):
        self._X_raw, self._y_raw = X, y
        self.epochs = None if epochs is None else {int(e) for e in epochs}
        if self.epochs is not None and any(e < 0 for e in self.epochs):
            raise ValidationError(
                f"`epochs` to record must be >= 0 (0 = before training). Got {sorted(self.epochs)}."
            )
        self.records: list[LayerStatistics] = []
        self.activations: list[str] = []
        self._X: np.ndarray | None = None
        self._y: np.ndarray | None = None

    def _wanted(self, epoch: int) -> bool:
        return self.epochs is None or epoch in self.epochs

    def on_train_begin(self, context: TrainingContext) -> None:
        super().on_train_begin(context)
        network = context.network
        self.activations = [layer.activation.name for layer in network.weighted_layers]
        self._X, self._y = network.prepare_data(self._X_raw, self._y_raw, context.loss)
        if self._wanted(0):
            self._record(0)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self._wanted(epoch):
            self._record(epoch)

    def _record(self, epoch: int) -> None:
        if self._X is None or self._y is None:
            raise ValidationError(
                "The GradientMonitor records inside a fit: pass it to fit(callbacks=[...])."
            )
        with np.errstate(over="ignore", under="ignore"):
            self.records.append(
                layer_statistics(self.context.network, self._X, self._y, self.context.loss, epoch)
            )

    def gradient_norm_array(self) -> np.ndarray:
        """Gradient norms as an array of shape (recorded epochs, n_layers)."""
        return np.array([r.gradient_norms for r in self.records], dtype=float)

    def to_dict(self) -> dict:
        return {"activations": list(self.activations), "records": [asdict(r) for r in self.records]}


@dataclass
class Diagnosis:
    """What the gradient norms of one moment say.

    ``status`` is "vanishing", "exploding", "healthy", "no_gradient" (the output layer's
    weight gradient is exactly 0: nothing flows back) or "too_large_learning_rate" (the
    training loss jumped before the gradients vanished or stopped: the step size is the cause,
    and ``symptom`` says which of the two it caused); ``layer`` the 1-based layer with the most
    extreme norm relative to the output layer, ``ratio`` that norm divided by the output
    layer's; ``first_to_last`` the first layer's norm over the last's; ``advice`` plain words,
    the cause first.
    """

    status: str
    layer: int | None
    ratio: float
    first_to_last: float
    epoch: int
    gradient_norms: list[float]
    saturated: list[float | None] = field(default_factory=list)
    dead: list[float | None] = field(default_factory=list)
    advice: str = ""
    symptom: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "healthy"

    def to_dict(self) -> dict:
        return asdict(self)


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
    diagnosis.advice = _learning_rate_advice(
        diagnosis, jump, weight_change if too_large_step else None, list(activations or []), learning_rate
    )
    return diagnosis


def _learning_rate_advice(
    d: Diagnosis,
    jump: tuple[int, float, float] | None,
    weight_change: float | None,
    activations: list[str],
    learning_rate: float | None,
) -> str:
    rate = f" ({learning_rate:g})" if learning_rate is not None else ""
    smaller = f", e.g. {learning_rate / 10:g}" if learning_rate is not None else ""
    evidence = []
    if jump is not None:
        position, best, value = jump
        jumped = "became not finite" if not math.isfinite(value) else f"jumped to {value:.4g}"
        evidence.append(f"in epoch {position} the training loss {jumped} (its best before was {best:.4g})")
    if weight_change is not None:
        evidence.append(f"in one epoch the weights moved by {weight_change:.3g} times their own size")
    words = [f"The learning rate{rate} is too large: {' and '.join(evidence)}, so the steps overshoot."]
    dead_share = max((x for x in d.dead if x is not None), default=None)
    saturated_share = max((x for x in d.saturated if x is not None), default=None)
    if d.symptom == "no_gradient":
        dead_words = (
            ""
            if dead_share is None
            else f"; up to {dead_share:.0%} of the ReLU units output 0 for every sample"
        )
        words.append(
            f"The overshooting steps left no gradient flowing back (dE/dW is exactly 0 at the "
            f"output{dead_words})."
        )
    else:
        details = ""
        if saturated_share is not None and saturated_share > 0.5:
            details += f"; up to {saturated_share:.0%} of the sigmoid/tanh units are saturated"
        if dead_share is not None and dead_share > 0.5:
            details += f"; up to {dead_share:.0%} of the ReLU units are dead"
        words.append(
            f"After it the gradients vanish: at layer {d.layer} the weight-gradient norm is "
            f"{d.ratio:.2g} times the output layer's{details}."
        )
    words.append(
        f"Re-initialise the weights and use a smaller learning rate{smaller}; the activations "
        f"({', '.join(sorted(set(activations[:-1]))) or 'as they are'}) are not the cause."
    )
    return " ".join(words)


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
    diagnosis.advice = _advice(diagnosis, list(activations or []), learning_rate)
    return diagnosis


def _advice(d: Diagnosis, activations: list[str], learning_rate: float | None) -> str:
    depth = len(d.gradient_norms)
    if d.status == "healthy":
        return (
            f"Gradients reach every layer: the smallest layer norm is {d.ratio:.2g} times the output layer's."
        )
    where = f"layer {d.layer} of {depth}"
    if d.status == "vanishing":
        hidden = set(activations[:-1])
        words = [
            f"Gradients vanish: at {where} the weight-gradient norm is {d.ratio:.2g} times the "
            "output layer's, so the first layers barely learn."
        ]
        if hidden & {"sigmoid", "tanh"}:
            kind = "/".join(sorted(hidden & {"sigmoid", "tanh"}))
            n_sigmoid = sum(name == "sigmoid" for name in activations[:-1])
            if n_sigmoid:
                layers = "layer's f' factor is" if n_sigmoid == 1 else "layers' f' factors multiply to"
                why = (
                    f"sigmoid' <= 1/4, so the {n_sigmoid} sigmoid {layers} at most 4^-{n_sigmoid} = "
                    f"{4.0**-n_sigmoid:.2g}; with small weights the gradient shrinks roughly like "
                    "(|w|/4)^n"
                )
            else:
                why = "tanh' <= 1, and far below 1 for saturated units"
            words.append(
                f"The hidden layers use {kind}: on its way back the gradient is multiplied, "
                f"layer by layer, by w f'(z) ({why}). Use relu or leaky_relu in the hidden "
                "layers."
            )
        saturated = [s for s in d.saturated if s is not None]
        if saturated and max(saturated) > 0.5:
            words.append(
                f"Up to {max(saturated):.0%} of the sigmoid/tanh units are saturated: "
                "standardise the inputs and use Glorot initialisation."
            )
        dead = [x for x in d.dead if x is not None]
        if dead and max(dead) > 0.5:
            words.append(
                f"Up to {max(dead):.0%} of the ReLU units are dead (always 0): use He "
                "initialisation, a smaller learning rate or leaky_relu."
            )
        if depth > 4:
            words.append(f"The network is {depth} layers deep; fewer layers also help.")
        return " ".join(words)
    rate = f" (now {learning_rate:g})" if learning_rate is not None else ""
    return (
        f"Gradients explode: at {where} the weight-gradient norm is {d.ratio:.2g} times the output "
        f"layer's. Lower the learning rate{rate}, use smaller initial weights (Glorot or He "
        "initialisation) and standardise the inputs."
    )


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
        return diagnose_norms(
            record.gradient_norms,
            activations,
            saturated=record.saturated,
            dead=record.dead,
            epoch=record.epoch,
            vanishing_ratio=vanishing_ratio,
            exploding_ratio=exploding_ratio,
            losses=losses,
            weight_change=weight_change,
            learning_rate=learning_rate,
        )
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
