"""The notes' worked example of backpropagation: one input, two sigmoid neurons.

    x -> z1 = w1 x + b1, a1 = sigma(z1) -> z2 = w2 a1 + b2, a2 = sigma(z2),  E = 1/2 (T - a2)^2

    dE/dw2 = -(T - a2) * a2 (1 - a2) * a1
    dE/db2 = -(T - a2) * a2 (1 - a2)
    dE/dw1 = -(T - a2) * a2 (1 - a2) * w2 * a1 (1 - a1) * x
    dE/db1 = -(T - a2) * a2 (1 - a2) * w2 * a1 (1 - a1)
    w_new = w_old - learning_rate * dE/dw

With x = 0.1, w1 = 0.15, b1 = 0.4, w2 = 0.45, b2 = 0.65, T = 0.25 and learning rate 0.4
(the lecture's values). Every number comes from ``neuralab.trace`` on a float64
``Sequential`` of two ``Dense(1, "sigmoid")`` layers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .._validation import check_positive_int, check_positive_number
from ..errors import ValidationError
from ..layers import Dense
from ..network import Sequential
from ..trace import Trace, trace
from ._result import Result

LECTURE_VALUES = {"x": 0.1, "w1": 0.15, "b1": 0.4, "w2": 0.45, "b2": 0.65, "target": 0.25}
"""The worked example's input, initial weights and biases, and ground truth T.

Examples
--------
>>> from neuralab import experiments
>>> experiments.LECTURE_VALUES["target"], experiments.LECTURE_VALUES["w2"]
(0.25, 0.45)
"""


@dataclass
class BackpropResult(Result):
    """The worked example: the first step's full trace, and the error over ``steps`` steps.

    ``forward`` holds z1, a1, z2, a2 and E of the first pass; ``partials`` maps each
    parameter to its chain-rule equation, factors and value; ``updated`` holds the
    parameters after the first step; ``errors[k]`` is E before step k + 1 (and the last
    entry E after the final step); ``parameters_after`` the parameters after all steps.

    Examples
    --------
    >>> from neuralab import experiments
    >>> result = experiments.backprop(steps=10)
    >>> round(result.forward["E"], 6), round(result.errors[-1], 6)
    (0.10823, 0.062493)
    >>> sorted(p["parameter"] for p in result.partials)
    ['b1', 'b2', 'w1', 'w2']
    """

    x: float
    target: float
    learning_rate: float
    steps: int
    initial: dict[str, float]
    forward: dict[str, float]
    partials: list[dict]
    updated: dict[str, float]
    errors: list[float] = field(default_factory=list)
    parameters_after: dict[str, float] = field(default_factory=dict)
    trace: dict = field(default_factory=dict)


def _check_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError(f"`{name}` must be a finite number. Got {value!r}.")
    return float(value)


def _parameters(network: Sequential) -> dict[str, float]:
    w1, b1, w2, b2 = (float(p.ravel()[0]) for p in network.parameters())
    return {"w1": w1, "b1": b1, "w2": w2, "b2": b2}


def build_network(w1: float, b1: float, w2: float, b2: float) -> Sequential:
    """The two-neuron chain x -> sigmoid -> sigmoid with the given weights, in float64."""
    return Sequential(
        [Dense(1, "sigmoid", weights=[[w1]], biases=[b1]), Dense(1, "sigmoid", weights=[[w2]], biases=[b2])],
        dtype="float64",
    )


def backprop(
    *,
    x: float = 0.1,
    w1: float = 0.15,
    b1: float = 0.4,
    w2: float = 0.45,
    b2: float = 0.65,
    target: float = 0.25,
    learning_rate: float = 0.4,
    steps: int = 1,
) -> BackpropResult:
    """Trace the worked example for ``steps`` gradient-descent steps.

    Examples
    --------
    >>> r = backprop()
    >>> round(r.forward["a2"], 4), round(r.updated["w2"], 5)
    (0.7153, 0.42717)
    """
    values = {
        name: _check_number(name, value)
        for name, value in {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "target": target}.items()
    }
    learning_rate = check_positive_number("learning_rate", learning_rate)
    steps = check_positive_int("steps", steps)
    network = build_network(values["w1"], values["b1"], values["w2"], values["b2"])
    initial = _parameters(network)
    first: Trace | None = None
    errors = []
    for _ in range(steps):
        step = trace(
            network,
            [[values["x"]]],
            [[values["target"]]],
            loss="half_squared_error",
            learning_rate=learning_rate,
            update=True,
        )
        first = first or step
        errors.append(step.loss)
    errors.append(network.evaluate([[values["x"]]], [[values["target"]]], "half_squared_error"))
    assert first is not None  # steps >= 1, so the loop traced at least one step
    hidden, output = first.layers
    forward = {
        "z1": hidden.z[0][0],
        "a1": hidden.a[0][0],
        "z2": output.z[0][0],
        "a2": output.a[0][0],
        "E": first.loss,
    }
    partials = [
        {
            "parameter": p.parameter,
            "equation": p.equation(),
            "value": p.value,
            "engine_value": p.engine_value,
            "factors": [{"name": f.name, "symbol": f.symbol, "value": f.value} for f in p.factors],
        }
        for p in first.partials()
    ]
    assert hidden.new_biases is not None and output.new_biases is not None  # both layers have biases
    updated = {
        "w1": hidden.new_weights[0][0],
        "b1": hidden.new_biases[0],
        "w2": output.new_weights[0][0],
        "b2": output.new_biases[0],
    }
    return BackpropResult(
        x=values["x"],
        target=values["target"],
        learning_rate=learning_rate,
        steps=steps,
        initial=initial,
        forward=forward,
        partials=partials,
        updated=updated,
        errors=errors,
        parameters_after=_parameters(network),
        trace=first.to_dict(),
    )
