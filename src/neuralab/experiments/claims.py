"""The lessons' claims, checked on a run's own numbers.

Each page of the course states a lesson ("sigmoid shrinks the gradient about 4 times per
layer", "the too-large rate diverges"). Here every such sentence is computed: a ``Claim``
holds or not on the run at hand, and its ``text`` is the claim with the run's numbers when
it holds, or what happened instead when it does not. Pages and the command line print
``text``; they never state a lesson the numbers contradict.

Thresholds (each a named constant, so a test can state them):

- sigmoid's first/last-layer gradient ratio is "near 4^-n" when within a factor
  ``NEAR_FACTOR`` (100) of it;
- a gradient "reaches the first layer" when the first layer's norm is at least
  ``REACHES`` (1/10) of the last layer's;
- a network "learned" at ``LEARNED`` (90 %) test accuracy; "near chance" is within
  ``CHANCE_MARGIN`` (5 points) of 1/n_classes;
- a "late loss spike" is an epoch in the second half of training whose loss is more than
  ``SPIKE_FACTOR`` (2) times the lowest earlier epoch loss and above it by more than
  ``SPIKE_MIN_RISE`` (0.1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ValidationError
from ._result import Result
from .descent import CompareResult, DescentResult
from .vanishing import ActivationRun, VanishingResult

NEAR_FACTOR = 100.0
REACHES = 0.1
LEARNED = 0.9
CHANCE_MARGIN = 0.05
SPIKE_FACTOR = 2.0
SPIKE_MIN_RISE = 0.1


@dataclass
class Claim(Result):
    """One lesson's sentence checked on a run.

    ``key`` names the claim, ``claim`` is what the lesson says, ``holds`` whether the run's
    numbers bear it out, and ``text`` the sentence to print: the claim with the numbers when
    it holds, what happened instead when it does not.

    Examples
    --------
    >>> from neuralab import experiments
    >>> good, large = experiments.descent_claims(experiments.compare_learning_rates())
    >>> good.key, good.holds, large.claim
    ('good_rate_converges', True, 'The too-large rate 1.8 diverges, since |1 - 2·lr·Σx²| > 1.')
    """

    key: str
    claim: str
    holds: bool
    text: str


@dataclass
class Spike(Result):
    """A late loss spike: in ``epoch`` (1-based) the loss rose to ``loss`` from ``lowest``."""

    epoch: int
    lowest: float
    loss: float


def late_spike(loss: Sequence[float]) -> Spike | None:
    """The first late loss spike of a per-epoch loss curve (see the module's thresholds), or None.

    Examples
    --------
    >>> late_spike([2.0, 1.0, 0.5, 0.2, 0.1, 0.05]) is None
    True
    >>> late_spike([2.0, 1.0, 0.5, 0.2, 0.9, 0.1])
    Spike(epoch=5, lowest=0.2, loss=0.9)
    """
    values = [float(v) for v in loss]
    for k in range(max(1, len(values) // 2), len(values)):
        lowest = min(values[:k])
        if not math.isfinite(values[k]) or (
            values[k] > SPIKE_FACTOR * lowest and values[k] - lowest > SPIKE_MIN_RISE
        ):
            return Spike(epoch=k + 1, lowest=lowest, loss=values[k])
    return None


OVERFIT_MARGIN = 0.05
"""Validation loss this fraction above its minimum (and rising since) counts as overfitting."""


def overfitting_since(val_loss: Sequence[float], loss: Sequence[float] | None = None) -> int | None:
    """The epoch (1-based) since which the validation loss has been rising while the training
    loss kept falling (overfitting), or None.

    The validation loss overfits when its last value is more than ``OVERFIT_MARGIN`` above its
    minimum, reached at epoch k before the last, and the training loss fell after epoch k.

    Examples
    --------
    >>> overfitting_since([1.0, 0.5, 0.4, 0.45, 0.5], [1.0, 0.6, 0.4, 0.3, 0.2])
    3
    >>> overfitting_since([1.0, 0.5, 0.4, 0.39, 0.4]) is None
    True
    """
    values = [float(v) for v in val_loss]
    if len(values) < 2:
        return None
    best = min(range(len(values)), key=values.__getitem__)
    if best == len(values) - 1 or values[-1] <= values[best] * (1 + OVERFIT_MARGIN):
        return None
    if loss is not None and len(loss) == len(values) and not loss[-1] < loss[best]:
        return None  # the training loss rose too: not overfitting but training going wrong
    return best + 1


# -- gradient descent on J(w) -----------------------------------------------------------------
def _by_label(result: CompareResult, label: str) -> DescentResult:
    for run in result.runs:
        if run.label == label:
            return run
    raise ValidationError(
        f"No run labelled {label!r}; the runs are: {', '.join(r.label for r in result.runs)}."
    )


def good_rate_converges(run: DescentResult) -> Claim:
    """The good rate converges: |1 - 2 lr sum x^2| < 1 and J reached the tolerance."""
    c = abs(run.contraction)
    claim = f"The good rate {run.learning_rate:g} converges."
    if run.steps_to_tolerance is not None and run.diverged_at_epoch is None:
        return Claim(
            "good_rate_converges",
            claim,
            True,
            f"The good rate {run.learning_rate:g} converges: |1 - 2·lr·Σx²| = {c:.3g} < 1, so each step "
            f"multiplies the distance to w = 2 by {c:.3g}, and J <= {run.tolerance:g} after "
            f"{run.steps_to_tolerance} steps.",
        )
    why = (
        f"|1 - 2·lr·Σx²| = {c:.3g} >= 1, so it cannot converge"
        if c >= 1
        else f"|1 - 2·lr·Σx²| = {c:.3g} < 1 but {run.steps} steps were too few"
    )
    return Claim(
        "good_rate_converges",
        claim,
        False,
        f"The rate {run.learning_rate:g} did not converge: {why} ({run.observed}).",
    )


def large_rate_diverges(run: DescentResult) -> Claim:
    """The too-large rate diverges: |1 - 2 lr sum x^2| > 1 and |w - 2| grew until the engine stopped it."""
    c = abs(run.contraction)
    claim = f"The too-large rate {run.learning_rate:g} diverges, since |1 - 2·lr·Σx²| > 1."
    grew = abs(run.w[-1] - 2.0) > abs(run.w[0] - 2.0) if math.isfinite(run.w[-1]) else True
    if c > 1 and (run.diverged_at_epoch is not None or grew):
        stopped = (
            f"; the engine stopped it in epoch {run.diverged_at_epoch}"
            if run.diverged_at_epoch is not None
            else ""
        )
        return Claim(
            "large_rate_diverges",
            claim,
            True,
            f"The too-large rate {run.learning_rate:g} diverges: |1 - 2·lr·Σx²| = {c:.3g} > 1, so every "
            f"step overshoots w = 2 and lands {c:.3g} times farther away on the other side "
            f"(the zig-zag){stopped}.",
        )
    if c <= 1:
        return Claim(
            "large_rate_diverges",
            claim,
            False,
            f"The rate {run.learning_rate:g} is not too large: |1 - 2·lr·Σx²| = {c:.3g} <= 1, "
            f"so it did not diverge ({run.observed}).",
        )
    return Claim(
        "large_rate_diverges",
        claim,
        False,
        f"The rate {run.learning_rate:g} has |1 - 2·lr·Σx²| = {c:.3g} > 1, yet in {run.steps} steps "
        f"|w - 2| did not grow ({run.observed}).",
    )


def descent_claims(result: CompareResult) -> list[Claim]:
    """The claims of the learning-rate comparison: the good rate converges, the too-large one diverges.

    Examples
    --------
    >>> from neuralab import experiments
    >>> [claim.holds for claim in experiments.descent_claims(experiments.compare_learning_rates())]
    [True, True]
    """
    return [
        good_rate_converges(_by_label(result, "good")),
        large_rate_diverges(_by_label(result, "too large")),
    ]


# -- the vanishing gradient -------------------------------------------------------------------
def _run(result: VanishingResult, activation: str) -> ActivationRun | None:
    return next((run for run in result.runs if run.activation == activation), None)


def sigmoid_ratio_near_bound(result: VanishingResult) -> Claim | None:
    """Sigmoid's first/last-layer gradient ratio is near 4^-n (within a factor NEAR_FACTOR)."""
    run = _run(result, "sigmoid")
    if run is None:
        return None
    n, ratio, bound = result.depth, run.first_to_last_at_start, result.bound_for_depth
    claim = f"Sigmoid's first-layer gradient is about 4^-{n} of the last layer's."
    if ratio > 0 and abs(math.log10(ratio / bound)) <= math.log10(NEAR_FACTOR):
        return Claim(
            "sigmoid_ratio",
            claim,
            True,
            f"Sigmoid: before training the first layer's gradient is {ratio:.2g} of the last layer's, "
            f"near 4^-{n} = {bound:.2g}: the gradient shrank by about 4 per layer on its way back.",
        )
    how = (
        "far below it: the weights (|w| < 1) and saturated units shrank it faster than 4 per layer"
        if ratio < bound
        else "far above it: the weights and unsaturated units kept the factors w·sigma'(z) closer to 1"
    )
    return Claim(
        "sigmoid_ratio",
        claim,
        False,
        f"Sigmoid: before training the first layer's gradient is {ratio:.3g} of the last layer's, "
        f"not near 4^-{n} = {bound:.2g} but {how}.",
    )


def relu_reaches_first_layer(result: VanishingResult, activation: str = "relu") -> Claim | None:
    """ReLU's gradient reaches the first layer: first/last-layer ratio >= REACHES."""
    run = _run(result, activation)
    if run is None:
        return None
    ratio = run.first_to_last_at_start
    claim = f"{activation}'s gradients reach the first layer."
    if ratio >= REACHES:
        return Claim(
            f"{activation}_reaches",
            claim,
            True,
            f"{activation}: the first layer's gradient is {ratio:.2g} of the last layer's: the "
            f"gradient reaches the first layer (relu'(z) = 1 for every active unit).",
        )
    return Claim(
        f"{activation}_reaches",
        claim,
        False,
        f"{activation}: the first layer's gradient is only {ratio:.2g} of the last layer's "
        f"({run.diagnosis}): here it did not reach the first layer undiminished.",
    )


def learns(result: VanishingResult, activation: str) -> Claim | None:
    """A ReLU-family network learns: test accuracy >= LEARNED, no late loss spike, not diverged."""
    run = _run(result, activation)
    if run is None:
        return None
    claim = f"The deep {activation} network learns (>= {LEARNED:.0%} test accuracy, no late loss spike)."
    spike = late_spike(run.loss)
    if run.diverged_at_epoch is not None:
        return Claim(
            f"{activation}_learns",
            claim,
            False,
            f"The deep {activation} network diverged in epoch {run.diverged_at_epoch} "
            f"(test accuracy {run.test_accuracy:.1%} with the weights kept from before the bad step).",
        )
    if spike is not None:
        return Claim(
            f"{activation}_learns",
            claim,
            False,
            f"The deep {activation} network's loss spiked in epoch {spike.epoch}, to {spike.loss:.3g} "
            f"from {spike.lowest:.3g}; it ended at {run.test_accuracy:.1%} test accuracy.",
        )
    if run.test_accuracy < LEARNED:
        return Claim(
            f"{activation}_learns",
            claim,
            False,
            f"The deep {activation} network reached only {run.test_accuracy:.1%} test accuracy "
            f"in {len(run.loss)} epochs.",
        )
    return Claim(
        f"{activation}_learns",
        claim,
        True,
        f"The deep {activation} network learned: {run.test_accuracy:.1%} test accuracy, its loss "
        f"falling to {run.loss[-1]:.3g} without a late spike.",
    )


def sigmoid_near_chance(result: VanishingResult) -> Claim | None:
    """The deep sigmoid network stays near chance: test accuracy within CHANCE_MARGIN of 1/n_classes."""
    run = _run(result, "sigmoid")
    if run is None:
        return None
    chance = 1.0 / result.n_classes
    claim = "The deep sigmoid network stays near chance."
    if run.test_accuracy <= chance + CHANCE_MARGIN:
        return Claim(
            "sigmoid_chance",
            claim,
            True,
            f"The deep sigmoid network stayed near chance: {run.test_accuracy:.1%} test accuracy, "
            f"where guessing gives {chance:.1%}; its first layers barely moved.",
        )
    return Claim(
        "sigmoid_chance",
        claim,
        False,
        f"The sigmoid network learned after all: {run.test_accuracy:.1%} test accuracy (guessing "
        f"gives {chance:.1%}); with {result.depth} layers the gradient still reached far enough.",
    )


def tanh_between(result: VanishingResult) -> Claim | None:
    """tanh passes the gradient back better than sigmoid: a larger first/last-layer ratio."""
    tanh, sigmoid = _run(result, "tanh"), _run(result, "sigmoid")
    if tanh is None or sigmoid is None:
        return None
    claim = "tanh passes the gradient back far better than sigmoid."
    if tanh.first_to_last_at_start > NEAR_FACTOR * sigmoid.first_to_last_at_start:
        return Claim(
            "tanh_better",
            claim,
            True,
            f"tanh: the first layer's gradient is {tanh.first_to_last_at_start:.2g} of the last "
            f"layer's (sigmoid: {sigmoid.first_to_last_at_start:.2g}). tanh is zero-centred and "
            f"tanh'(0) = 1, four times sigma'(0) = 1/4, so near z = 0 it passes the gradient on "
            f"almost undiminished; it reached {tanh.test_accuracy:.1%} test accuracy. Its derivative "
            "still falls towards 0 for large |z| (saturation), so it vanishes too once units saturate.",
        )
    return Claim(
        "tanh_better",
        claim,
        False,
        f"tanh: the first layer's gradient is {tanh.first_to_last_at_start:.2g} of the last layer's, "
        f"not far above sigmoid's {sigmoid.first_to_last_at_start:.2g}: its units saturated.",
    )


def vanishing_claims(result: VanishingResult) -> list[Claim]:
    """Every claim of the vanishing-gradient lesson that applies to the activations run.

    Examples
    --------
    >>> from neuralab import experiments
    >>> result = experiments.vanishing(activations=("sigmoid",), depth=10, width=16, epochs=1)
    >>> claim = experiments.vanishing_claims(result)[0]
    >>> claim.key, claim.holds
    ('sigmoid_ratio', True)
    """
    claims = [
        sigmoid_ratio_near_bound(result),
        sigmoid_near_chance(result),
        tanh_between(result),
        relu_reaches_first_layer(result, "relu"),
        relu_reaches_first_layer(result, "leaky_relu"),
        learns(result, "relu"),
        learns(result, "leaky_relu"),
    ]
    return [claim for claim in claims if claim is not None]


__all__ = [
    "CHANCE_MARGIN",
    "LEARNED",
    "NEAR_FACTOR",
    "OVERFIT_MARGIN",
    "REACHES",
    "SPIKE_FACTOR",
    "SPIKE_MIN_RISE",
    "Claim",
    "Spike",
    "descent_claims",
    "good_rate_converges",
    "large_rate_diverges",
    "late_spike",
    "learns",
    "overfitting_since",
    "relu_reaches_first_layer",
    "sigmoid_near_chance",
    "sigmoid_ratio_near_bound",
    "tanh_between",
    "vanishing_claims",
]
