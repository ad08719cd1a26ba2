r"""The learning-rate range test: train briefly while raising the rate, watch the loss.

The notes warn that a learning rate too large overshoots the minimum and diverges, and one
too small crawls. The range test (L. Smith, "Cyclical Learning Rates", 2017) finds the
border empirically: it runs ``num_steps`` mini-batch steps of the ordinary fit loop,
multiplying the learning rate by a constant factor after every step, so that step ``i``
uses

$$
\alpha_i = \alpha_{start} \cdot (\alpha_{end} / \alpha_{start})^{i / (num\_steps - 1)},
$$

and records the batch loss of every step. While the rate is small the loss barely moves;
then it falls quickly; past the largest usable rate it shoots up. The test stops once the
smoothed loss exceeds ``explode_factor`` times its lowest value (or the loss is NaN or
infinite). The suggested rate is read off the smoothed curve by a rule (``suggest``), and
which rule works depends on the optimizer. ``benchmarks/lr_find_validation.py`` trained the
network of ``neuralab train`` at each rule's suggestion and at the optimizer's default rate
on seven tasks (four bundled data sets, three generated) and counted where the suggestion
was at least as good:

- plain SGD / gradient descent: "minimum/10" (the rate at the lowest smoothed loss, divided by
  10) on 6 of 7, "valley" on 0 (its rates were 10-100 times too small);
- Adam: "valley" (the middle of the longest stretch of falling loss) on 6 of 7, "minimum/10"
  on 3 (its rates, around 0.1, are far too large for Adam);
- "steepest" (the fastest fall per decade of rate) on 0 of 7 with either: the flat, noisy
  start of the curve fools it.

So ``rule="auto"`` (the default) uses "minimum/10" for gd and sgd and "valley" for the
adaptive optimizers (adam, rmsprop). When no rule applies (the loss was lowest in the very
first steps) there is no suggestion (NaN).

The steps are those of ``neuralab.training.fit`` (a callback raises the rate), run on a
copy of the network: the network passed in, its weights and the optimizer object are left
exactly as they were.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ._validation import check_positive_int, check_positive_number
from .callbacks import Callback
from .errors import DivergenceError, ValidationError
from .losses import Loss
from .network import Sequential
from .optimizers import Optimizer, get_optimizer, optimizer_from_config

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class LRFindResult:
    """What a learning-rate range test measured.

    Attributes
    ----------
    learning_rates : list of float
        The rate of each step, growing geometrically.
    losses : list of float
        The batch loss of each step (computed before that step's update).
    smoothed_losses : list of float
        Exponential moving average of ``losses`` with bias correction:
        ``m_i = beta m_{i-1} + (1 - beta) loss_i``, ``smoothed_i = m_i / (1 - beta^(i+1))``.
    stop_reason : str
        "exploded" (smoothed loss > explode_factor x its minimum), "diverged" (a NaN or
        infinite loss) or "end" (``num_steps`` steps, or ``end_learning_rate``, reached).
    suggestion : float
        The rate ``suggest(result, rule)`` reads off the curve; NaN when the rule finds none
        (the loss was lowest in the first steps: too few steps, or a start rate already too
        large). A suggestion always lies within the tested range.
    rule : str
        The rule of ``suggestion``: "minimum/10", "valley" or "steepest".

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(256, 4))
    >>> y = X @ [1.0, -1.0, 0.5, 2.0]
    >>> net = nl.Sequential([nl.Dense(16, "relu", input_dim=4), nl.Dense(1)])
    >>> result = nl.lr_find(net, X, y, loss="mean_squared_error", optimizer="sgd", num_steps=60, seed=0)
    >>> result.stop_reason, len(result.learning_rates) == len(result.losses)
    ('exploded', True)
    >>> bool(result.suggestion < result.learning_rates[-1])
    True
    """

    learning_rates: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    smoothed_losses: list[float] = field(default_factory=list)
    stop_reason: str = "end"
    suggestion: float = math.nan
    rule: str = "minimum/10"

    @property
    def best_learning_rate(self) -> float:
        """The learning rate at the lowest smoothed loss (the "minimum/10" rule suggests a tenth of it)."""
        finite = [
            (loss, rate)
            for loss, rate in zip(self.smoothed_losses, self.learning_rates, strict=True)
            if math.isfinite(loss)
        ]
        return min(finite)[1] if finite else math.nan

    def to_dict(self) -> dict:
        """Plain JSON-ready values (NaN and infinity become None)."""

        def plain(values):
            return [value if math.isfinite(value) else None for value in values]

        return {
            "learning_rates": list(self.learning_rates),
            "losses": plain(self.losses),
            "smoothed_losses": plain(self.smoothed_losses),
            "stop_reason": self.stop_reason,
            "suggestion": self.suggestion if math.isfinite(self.suggestion) else None,
            "rule": self.rule,
            "best_learning_rate": (
                self.best_learning_rate if math.isfinite(self.best_learning_rate) else None
            ),
        }


class _RangeTestDone(Exception):
    """Raised by the callback to end the fit mid-epoch; caught by ``lr_find`` only."""


class _RaiseLearningRate(Callback):
    """Records (rate, loss) after every batch, then multiplies the rate by ``factor``."""

    def __init__(
        self, result: LRFindResult, *, factor: float, num_steps: int, beta: float, explode_factor: float
    ):
        self.result, self.factor, self.num_steps = result, factor, num_steps
        self.beta, self.explode_factor = beta, explode_factor
        self.average = 0.0
        self.best = math.inf

    def on_batch_end(self, batch: int, loss: float) -> None:
        result, optimizer = self.result, self.context.optimizer
        step = len(result.losses)
        result.learning_rates.append(optimizer.learning_rate)
        result.losses.append(loss)
        self.average = self.beta * self.average + (1 - self.beta) * loss
        smoothed = self.average / (1 - self.beta ** (step + 1))
        result.smoothed_losses.append(smoothed)
        if not math.isfinite(loss):
            raise _RangeTestDone("diverged")
        self.best = min(self.best, smoothed)
        if smoothed > self.explode_factor * self.best:
            raise _RangeTestDone("exploded")
        if step + 1 >= self.num_steps:
            raise _RangeTestDone("end")
        optimizer.learning_rate = optimizer.learning_rate * self.factor


def lr_find(
    network: Sequential,
    X: object,
    y: object,
    *,
    loss: str | Loss,
    optimizer: str | Optimizer = "adam",
    start_learning_rate: float = 1e-6,
    end_learning_rate: float = 10.0,
    num_steps: int = 100,
    batch_size: int | None = 32,
    smoothing: float = 0.98,
    explode_factor: float = 4.0,
    seed: int | None = None,
    rule: str = "auto",
) -> LRFindResult:
    """Run a learning-rate range test on ``network`` with ``X`` (n_samples, n_features), ``y``.

    Parameters
    ----------
    network : Sequential
        Left untouched: the test trains a deep copy (built as ``fit(seed=seed)`` would).
    loss : name or Loss
        As for ``fit``; it must suit the output activation.
    optimizer : name or Optimizer
        The update rule to test (a fresh copy of it: an Optimizer object and its state
        are not changed). Only its learning rate is driven by the test.
    start_learning_rate, end_learning_rate : float
        The rate of the first and of the last step; ``0 < start < end``.
    num_steps : int
        Number of steps (>= 2), each one mini-batch; the data is cycled in epochs as needed.
    batch_size : int or None
        Mini-batch size (None: the whole data set each step).
    smoothing : float
        beta of the moving average of the loss, in [0, 1) (0: no smoothing).
    explode_factor : float
        Stop once the smoothed loss exceeds this multiple (> 1) of its minimum.
    seed : int, optional
        Initial weights (of layers not yet built or trained) and the shuffling.
    rule : str
        How the suggestion is read off the curve: "auto" (default: "minimum/10" for gd and sgd,
        "valley" for adam and rmsprop, as validated), or one of those, or "steepest" (see
        ``suggest``).

    Returns
    -------
    LRFindResult
        Rates, losses, smoothed losses, why the test stopped, and the suggested rate.

    Raises
    ------
    ValidationError
        A bad rate range, step count, smoothing or factor (and everything ``fit`` refuses).

    Examples
    --------
    >>> import numpy as np, neuralab as nl
    >>> X = np.linspace(-1, 1, 64).reshape(-1, 1); z = 2 * X
    >>> net = nl.Sequential([nl.Dense(1, "linear", input_dim=1, seed=0)])
    >>> result = nl.lr_find(net, X, z, loss="mse", optimizer="gd", num_steps=60, seed=0)
    >>> result.stop_reason, 0.01 < result.suggestion < 1.0
    ('exploded', True)
    """
    if not isinstance(network, Sequential):
        raise ValidationError(f"`network` must be a neuralab.Sequential. Got {type(network).__name__}.")
    start = check_positive_number("start_learning_rate", start_learning_rate)
    end = check_positive_number("end_learning_rate", end_learning_rate)
    if end <= start:
        raise ValidationError(
            f"`end_learning_rate` ({end:g}) must be larger than `start_learning_rate` ({start:g}): "
            "the test raises the rate from start to end."
        )
    num_steps = check_positive_int("num_steps", num_steps)
    if num_steps < 2:
        raise ValidationError(f"`num_steps` must be at least 2 to sweep a range. Got {num_steps}.")
    beta = check_positive_number("smoothing", smoothing, allow_zero=True)
    if beta >= 1:
        raise ValidationError(
            f"`smoothing` must be in [0, 1): 1 would never update the average. Got {beta:g}."
        )
    explode_factor = check_positive_number("explode_factor", explode_factor)
    if explode_factor <= 1:
        raise ValidationError(f"`explode_factor` must be > 1 (e.g. 4). Got {explode_factor:g}.")
    batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
    if rule != "auto" and rule not in SUGGESTION_RULES:
        raise ValidationError(
            f"Unknown suggestion rule {rule!r}. Choose auto or one of: {', '.join(SUGGESTION_RULES)}."
        )

    fresh = optimizer_from_config(get_optimizer(optimizer).get_config())
    if rule == "auto":
        rule = rule_for(fresh)
    fresh.learning_rate = start
    trial = copy.deepcopy(network)
    trial.history = None
    n_samples = len(X) if hasattr(X, "__len__") else 0
    per_epoch = 1 if batch_size is None or n_samples == 0 else math.ceil(n_samples / batch_size)
    result = LRFindResult(rule=rule)
    ramp = _RaiseLearningRate(
        result,
        factor=(end / start) ** (1 / (num_steps - 1)),
        num_steps=num_steps,
        beta=beta,
        explode_factor=explode_factor,
    )
    try:
        trial.fit(
            X,
            y,
            loss=loss,
            optimizer=fresh,
            epochs=math.ceil(num_steps / per_epoch),
            batch_size=batch_size,
            seed=seed,
            callbacks=[ramp],
            divergence=None,
        )
    except _RangeTestDone as done:
        result.stop_reason = str(done)
    except DivergenceError as exc:  # NaN/inf loss seen by fit before our callback: record it
        result.learning_rates.append(fresh.learning_rate)
        result.losses.append(exc.loss)
        result.smoothed_losses.append(math.inf)
        result.stop_reason = "diverged"
    result.suggestion = suggest(result, rule)
    return result


SUGGESTION_RULES = ("minimum/10", "steepest", "valley")
"""The ways to read a suggestion off the smoothed curve (see ``suggest``)."""
ADAPTIVE = ("adam", "rmsprop")
"""Optimizers that scale each step by a running size of the gradient: the valley rule suits them."""


def rule_for(optimizer: Optimizer) -> str:
    """The validated rule for ``optimizer``: "valley" for adam and rmsprop, "minimum/10" otherwise."""
    return "valley" if optimizer.name in ADAPTIVE else "minimum/10"


def _descending(result: LRFindResult) -> tuple[list[float], list[float]]:
    """The finite (rate, smoothed loss) points up to the lowest smoothed loss."""
    points = [
        (rate, loss)
        for rate, loss in zip(result.learning_rates, result.smoothed_losses, strict=True)
        if math.isfinite(loss)
    ]
    if not points:
        return [], []
    lowest = min(range(len(points)), key=lambda i: points[i][1])
    rates, losses = zip(*points[: lowest + 1], strict=True)
    return list(rates), list(losses)


def suggest(result: LRFindResult, rule: str = "minimum/10") -> float:
    r"""The learning rate a range test suggests under ``rule`` (NaN when it cannot tell).

    - ``"minimum/10"``: the rate at the lowest smoothed loss, divided by 10 (NaN when that
      lies below the first rate tested).
    - ``"steepest"``: the rate where the smoothed loss falls fastest per decade of rate,
      the most negative :math:`d\,\text{loss} / d \log \alpha` before the lowest loss.
    - ``"valley"``: the longest stretch of falling smoothed loss before the lowest loss (the
      longest subsequence of steps whose losses keep decreasing), and the rate halfway
      between its first and second third: well inside the fall, away from its noisy start
      and from the edge of the explosion.
    """
    if rule not in SUGGESTION_RULES:
        raise ValidationError(
            f"Unknown suggestion rule {rule!r}. Choose one of: {', '.join(SUGGESTION_RULES)}."
        )
    rates, losses = _descending(result)
    if rule == "minimum/10":
        first = result.learning_rates[0] if result.learning_rates else math.inf
        best = result.best_learning_rate
        if math.isfinite(best) and best / 10 >= first * (1 - 1e-9):  # rounding of the geometric steps
            return max(best / 10, first)
        return math.nan
    if len(losses) < 3:
        return math.nan
    if rule == "steepest":
        slopes = np.gradient(np.asarray(losses), np.log(np.asarray(rates)))
        return float(rates[int(np.argmin(slopes))])
    # valley: longest decreasing subsequence (O(n^2), n <= a few hundred steps)
    length = [1] * len(losses)
    start = list(range(len(losses)))
    for i in range(1, len(losses)):
        for j in range(i):
            if losses[j] > losses[i] and length[j] + 1 > length[i]:
                length[i], start[i] = length[j] + 1, start[j]
    end = max(range(len(losses)), key=lambda i: (length[i], -i))
    first, span = start[end], end - start[end]
    return float(rates[first + span // 3 + span // 6])


def plot_lr_find(result: LRFindResult) -> Figure:
    """Loss (and smoothed loss) against learning rate on a log x axis, the suggestion marked."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.0, 4.0), layout="constrained")
    axes = figure.add_subplot()
    finite = [
        (rate, loss)
        for rate, loss in zip(result.learning_rates, result.losses, strict=True)
        if math.isfinite(loss)
    ]
    smooth = [
        (rate, loss)
        for rate, loss in zip(result.learning_rates, result.smoothed_losses, strict=True)
        if math.isfinite(loss)
    ]
    if finite:
        axes.plot(*zip(*finite, strict=True), color="#bbbbbb", linewidth=1, label="batch loss")
    if smooth:
        axes.plot(*zip(*smooth, strict=True), color="#1f77b4", linewidth=2, label="smoothed loss")
    if math.isfinite(result.suggestion):
        axes.axvline(
            result.suggestion,
            color="#2ca02c",
            linestyle="--",
            label=f"suggested learning rate {result.suggestion:.3g}",
        )
    if smooth:  # the explosion dwarfs the interesting part: clip the y axis above the start
        low = min(loss for _, loss in finite + smooth)
        first = smooth[0][1]
        bottom = 0.0 if low >= 0 else low * 1.05
        axes.set_ylim(bottom=bottom, top=max(first, bottom) * 1.5 + 1e-12)
    axes.set_xscale("log")
    axes.set_xlabel("learning rate (log scale)")
    axes.set_ylabel("loss")
    axes.set_title(f"Learning-rate range test (stopped: {result.stop_reason})")
    axes.legend(loc="upper left")
    axes.grid(True, which="both", alpha=0.3)
    return figure


__all__ = ["ADAPTIVE", "SUGGESTION_RULES", "LRFindResult", "lr_find", "plot_lr_find", "rule_for", "suggest"]
