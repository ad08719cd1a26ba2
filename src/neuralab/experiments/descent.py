"""Gradient descent on the notes' first example: fit w in z = w x to data with z = 2x.

    J(w) = sum_i (z_i - w x_i)^2,   dJ/dw = -2 sum_i x_i (z_i - w x_i),
    w_{k+1} = w_k - learning_rate * dJ/dw(w_k)

It runs through the engine: a ``Dense(1, use_bias=False)`` network (its one weight is w),
the ``sum_squared_error`` loss (J) and the ``GradientDescent`` optimizer, full batch.

The data: x = -0.5, -0.25, 0, 0.25, 0.5 and z = 2x, so sum x^2 = 0.625. With z = 2x,
w_k - 2 = (w0 - 2) * (1 - 2 * learning_rate * sum x^2)^k: the run converges exactly when
|1 - 2 * learning_rate * sum x^2| < 1, i.e. learning_rate < 1 / sum x^2 = 1.6 here. With the
notes' w0 = 0.2 and learning rate 0.4, the distance to w = 2 halves at every step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from .._validation import check_positive_int, check_positive_number
from ..callbacks import Callback
from ..errors import DivergenceError, ValidationError
from ..layers import Dense
from ..network import Sequential
from ..optimizers import GradientDescent
from ._result import Result

DATA_X = (-0.5, -0.25, 0.0, 0.25, 0.5)
"""The inputs x of the demonstration (z = 2x).

Examples
--------
The sum of x squared sets the largest stable learning rate, 1 / 0.625 = 1.6:
>>> from neuralab import experiments
>>> sum(x * x for x in experiments.DATA_X)
0.625
"""
COMPARE_LEARNING_RATES = {"small": 0.1, "good": 0.4, "too large": 1.8}
"""The learning rates of ``compare_learning_rates``: slow, the notes' value, diverging.

Examples
--------
>>> from neuralab import experiments
>>> experiments.COMPARE_LEARNING_RATES
{'small': 0.1, 'good': 0.4, 'too large': 1.8}
"""


@dataclass
class DescentResult(Result):
    """One gradient-descent run on J(w) = sum (z - w x)^2.

    ``w[k]`` is the weight after k steps (``w[0]`` = w0) and ``loss[k]`` = J(w[k]);
    ``gradient[k]`` = dJ/dw at w[k] and ``step_size[k]`` = -learning_rate * gradient[k], for
    every step taken (one entry fewer than ``w``). ``contraction`` is
    1 - 2 * learning_rate * sum x^2, the factor that multiplies w - 2 at each step.

    When the engine stops a diverging run (``diverged_at_epoch``), the last ``w`` is the one
    whose J was too large (or not finite), its ``loss`` is that J as the engine computed it,
    and ``final_w`` is the weight the network kept: the one from before the bad step.

    Examples
    --------
    >>> from neuralab import experiments
    >>> result = experiments.descent(learning_rate=0.4, steps=3)
    >>> [round(w, 4) for w in result.w], [round(j, 4) for j in result.loss], result.contraction
    ([0.2, 1.1, 1.55, 1.775], [2.025, 0.5062, 0.1266, 0.0316], 0.5)
    """

    x: list[float]
    z: list[float]
    w0: float
    learning_rate: float
    tolerance: float
    max_steps: int
    sum_x2: float
    contraction: float
    predicted: str
    w: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    gradient: list[float] = field(default_factory=list)
    step_size: list[float] = field(default_factory=list)
    stop_reason: str = ""
    steps_to_tolerance: int | None = None
    diverged_at_epoch: int | None = None
    final_w: float | None = None
    observed: str = ""
    curve_w: list[float] = field(default_factory=list)
    curve_loss: list[float] = field(default_factory=list)
    label: str = ""

    @property
    def steps(self) -> int:
        """Number of steps taken."""
        return len(self.w) - 1

    @property
    def diverges(self) -> bool:
        return self.predicted == "diverges"


@dataclass
class CompareResult(Result):
    """Runs of the same problem with a small, a good and a too-large learning rate.

    Examples
    --------
    >>> from neuralab import experiments
    >>> compare = experiments.compare_learning_rates()
    >>> [(run.label, run.predicted) for run in compare.runs]
    [('small', 'converges'), ('good', 'converges'), ('too large', 'diverges')]
    """

    runs: list[DescentResult]


class _RecordSteps(Callback):
    """After each epoch (one full-batch step): the J and dJ/dw the step used, and the new w."""

    def __init__(self, result: DescentResult):
        self.result = result

    def on_epoch_end(self, epoch, logs):
        layer = cast(Dense, self.context.network.layers[0])  # descent()'s one-Dense network
        # After an epoch the layer is built and has taken a step: both arrays exist.
        assert layer.weight_gradient is not None and layer.weights is not None
        gradient = float(layer.weight_gradient[0, 0])
        self.result.gradient.append(gradient)
        self.result.step_size.append(-self.result.learning_rate * gradient + 0.0)  # + 0.0: no -0
        self.result.w.append(float(layer.weights[0, 0]))
        self.result.loss.append(float(logs["loss"]))  # J at the w before this step


def _predict(contraction: float) -> str:
    if abs(contraction) < 1:
        return "converges" + (" (oscillating)" if contraction < 0 else "")
    return "diverges" if abs(contraction) > 1 else "oscillates forever"


def descent(
    *,
    w0: float = 0.2,
    learning_rate: float = 0.4,
    steps: int = 100,
    tolerance: float = 1e-6,
    x: tuple[float, ...] = DATA_X,
    label: str = "",
) -> DescentResult:
    """Run gradient descent on J(w) = sum (z - w x)^2 with z = 2x through the engine.

    Stops after ``steps`` steps, once J <= ``tolerance``, or when the engine reports
    divergence (``DivergenceError``: the epoch is recorded in ``diverged_at_epoch``).

    Examples
    --------
    >>> r = descent()
    >>> [round(w, 4) for w in r.w[:4]]
    [0.2, 1.1, 1.55, 1.775]
    """
    if isinstance(w0, bool) or not isinstance(w0, (int, float)) or not math.isfinite(w0):
        raise ValidationError(f"`w0` must be a finite number. Got {w0!r}.")
    learning_rate = check_positive_number("learning_rate", learning_rate)
    steps = check_positive_int("steps", steps)
    tolerance = check_positive_number("tolerance", tolerance, allow_zero=True)
    X = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    Z = 2.0 * X
    sum_x2 = float(np.sum(X * X))
    contraction = 1.0 - 2.0 * learning_rate * sum_x2
    result = DescentResult(
        x=X.ravel().tolist(),
        z=Z.ravel().tolist(),
        w0=float(w0),
        learning_rate=learning_rate,
        tolerance=tolerance,
        max_steps=steps,
        sum_x2=sum_x2,
        contraction=contraction,
        predicted=_predict(contraction),
        w=[float(w0)],
        label=label,
    )
    network = Sequential([Dense(1, use_bias=False, weights=[[w0]])], dtype="float64")
    try:
        history = network.fit(
            X,
            Z,
            loss="sum_squared_error",
            optimizer=GradientDescent(learning_rate),
            epochs=steps,
            tolerance=tolerance,
            callbacks=[_RecordSteps(result)],
        )
        result.stop_reason = history.stop_reason
    except DivergenceError as error:
        result.stop_reason = "divergence"
        result.diverged_at_epoch = error.epoch
        # The engine computed J at the last w (too large or not finite) and stopped there,
        # restoring the weights from before the step that led to it.
        result.loss.append(float(error.loss))
    else:
        # J at the final w: the recorded losses are those of the w before each step.
        result.loss.append(network.evaluate(X, Z, "sum_squared_error"))
    weights = cast(Dense, network.layers[0]).weights
    assert weights is not None  # built with the explicit weights [[w0]]
    result.final_w = float(weights[0, 0])
    # The loss the fit compared with the tolerance is J(w[k-1]), so tolerance reached in epoch k
    # means w[k-1] was already that close; report the first w whose J is within tolerance.
    within = [k for k, value in enumerate(result.loss) if value <= tolerance]
    result.steps_to_tolerance = within[0] if within else None
    result.observed = _observed(result)
    result.curve_w, result.curve_loss = _parabola(network, X, Z, result.w)
    return result


def _observed(result: DescentResult) -> str:
    if result.diverged_at_epoch is not None:
        last = result.steps
        stopped = (
            f"diverged: J(w_{last}) = {result.loss[-1]:.4g}, so the engine stopped it in epoch "
            f"{result.diverged_at_epoch}"
        )
        if last == 0:
            return stopped + " before any step"
        return stopped + f" and kept the weight from before the bad step, w_{last - 1} = {result.final_w:.6g}"
    start, end = abs(result.w[0] - 2.0), abs(result.w[-1] - 2.0)
    if result.steps_to_tolerance is not None:
        return f"converged: J <= {result.tolerance:g} after {result.steps_to_tolerance} steps"
    if end > start:
        return f"diverging: |w - 2| grew from {start:.3g} to {end:.3g}"
    return f"not converged in {result.steps} steps (|w - 2| = {end:.3g})"


def _parabola(
    network: Sequential, X: np.ndarray, Z: np.ndarray, ws: list[float]
) -> tuple[list[float], list[float]]:
    """J(w) on a grid covering the visited w's, evaluated by the engine (for the figure)."""
    finite = [w for w in ws if math.isfinite(w)]
    low, high = min([*finite, 2.0]), max([*finite, 2.0])
    span = max(high - low, 1.0)
    grid = np.linspace(low - 0.1 * span, high + 0.1 * span, 81)
    saved = network.get_weights()
    values = []
    for w in grid:
        network.set_weights([np.array([[w]])])
        values.append(network.evaluate(X, Z, "sum_squared_error"))
    network.set_weights(saved)
    return grid.tolist(), values


def compare_learning_rates(
    *,
    w0: float = 0.2,
    steps: int = 100,
    tolerance: float = 1e-6,
    learning_rates: dict[str, float] | None = None,
) -> CompareResult:
    """Run ``descent`` with a small, a good and a too-large learning rate (``COMPARE_LEARNING_RATES``).

    Examples
    --------
    >>> from neuralab import experiments
    >>> compare = experiments.compare_learning_rates()
    >>> [run.observed.split(":")[0] for run in compare.runs]
    ['converged', 'converged', 'diverged']
    """
    rates = dict(COMPARE_LEARNING_RATES if learning_rates is None else learning_rates)
    runs = [
        descent(w0=w0, learning_rate=rate, steps=steps, tolerance=tolerance, label=name)
        for name, rate in rates.items()
    ]
    return CompareResult(runs=runs)
