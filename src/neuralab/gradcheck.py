r"""The public gradient check: backpropagation against central finite differences.

For every parameter element \(\theta_i\) the numerical gradient is

$$
\frac{\partial E}{\partial \theta_i} \approx
\frac{E(\theta_i + \epsilon) - E(\theta_i - \epsilon)}{2 \epsilon}
$$

(error O(epsilon^2)), computed in float64 on a copy of the network. The analytic gradient
comes from the layers' own ``backward``. Each parameter's agreement is the relative error

$$
r = \frac{\lVert g_{analytic} - g_{numeric} \rVert_2}
{\max(\lVert g_{analytic} \rVert_2 + \lVert g_{numeric} \rVert_2, 10^{-12})}
$$

which is ~1e-9 for a correct layer and of order 0.1-1 for a wrong one (at most 1; a gradient
off by a factor of two gives 1/3). A kink hit exactly (a ReLU
pre-activation of exactly 0, e.g. a unit whose inputs are all zero and whose bias is 0)
gives a one-sided difference there and a large error that is not a bug: nudge the data or
the biases. The analytic side is the pass every training step takes
(``backprop.run``: the fused dE/dz for cross-entropy + softmax and BCE + sigmoid). Any
layer class that follows the ``Layer`` interface works: ``forward(x, *, training)``,
``backward(grad_output, *, from_preactivation, input_gradient)`` (which fills the
gradient arrays and returns dE/dx), ``parameters()``, ``gradients()`` and ``set_dtype``
(or parameters that are float64 already); ``parameter_names()`` is used when present.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from . import backprop
from ._validation import as_float_matrix, check_positive_number, check_same_length
from .backprop import forward
from .errors import ValidationError
from .losses import Loss, get_loss

_FLOAT64 = np.dtype(np.float64)


@dataclass(frozen=True)
class ParameterCheck:
    """The comparison for one parameter array, e.g. "layer1.weights"."""

    name: str
    relative_error: float
    max_abs_error: float
    analytic: np.ndarray
    numeric: np.ndarray


@dataclass(frozen=True)
class GradientCheckResult:
    """What ``gradient_check`` found.

    Attributes
    ----------
    parameters : dict of name -> ParameterCheck
        One entry per parameter array, in the network's order ("layer1.weights", ...).
    tolerance : float
        The relative error above which a parameter fails.

    Examples
    --------
    >>> import neuralab as nl
    >>> W1, W2 = [[0.1, -0.2, 0.4], [0.3, 0.5, -0.1]], [[0.7], [-0.3], [0.2]]
    >>> layers = [nl.Dense(3, "tanh", weights=W1), nl.Dense(1, "sigmoid", weights=W2)]
    >>> net = nl.Sequential(layers, dtype="float64")
    >>> check = nl.gradient_check(net, [[0.5, -1.0], [1.0, 2.0]], [[1.0], [0.0]], "half_squared_error")
    >>> check.passed, max(check.relative_errors.values()) < 1e-7
    (True, True)
    """

    parameters: dict[str, ParameterCheck]
    tolerance: float

    @property
    def relative_errors(self) -> dict[str, float]:
        """Relative error per parameter name."""
        return {name: check.relative_error for name, check in self.parameters.items()}

    @property
    def per_layer(self) -> dict[str, float]:
        """The worst relative error of each layer ("layer1", "layer2", ...)."""
        worst: dict[str, float] = {}
        for name, check in self.parameters.items():
            layer = name.split(".", 1)[0]
            worst[layer] = max(worst.get(layer, 0.0), check.relative_error)
        return worst

    @property
    def worst(self) -> tuple[str, float]:
        """(name, relative error) of the worst parameter."""
        name = max(self.parameters, key=lambda key: self.parameters[key].relative_error)
        return name, self.parameters[name].relative_error

    @property
    def passed(self) -> bool:
        """True when every parameter's relative error is <= tolerance."""
        return all(check.relative_error <= self.tolerance for check in self.parameters.values())

    def __str__(self) -> str:
        width = max(len(name) for name in self.parameters)
        lines = [f"{'parameter'.ljust(width)}  relative error  max abs error"]
        for name, check in self.parameters.items():
            flag = "" if check.relative_error <= self.tolerance else "  <-- FAILED"
            errors = f"{check.relative_error:14.3e}  {check.max_abs_error:13.3e}"
            lines.append(f"{name.ljust(width)}  {errors}{flag}")
        verdict = "passed" if self.passed else "FAILED"
        lines.append(f"{verdict} at tolerance {self.tolerance:g}")
        return "\n".join(lines)


def _float64_copy(network):
    clone = copy.deepcopy(network)
    if hasattr(clone, "dtype"):
        clone.dtype = _FLOAT64
    for position, layer in enumerate(clone.layers):
        if hasattr(layer, "set_dtype"):
            layer.set_dtype(_FLOAT64)
        if any(np.asarray(p).dtype != _FLOAT64 for p in layer.parameters()):
            raise ValidationError(
                f"Layer {position} ({type(layer).__name__}) still has non-float64 parameters after "
                "set_dtype(float64). Give the layer a set_dtype(dtype) method that casts its "
                "parameters and gradients, as Dense does."
            )
    return clone


def gradient_check(
    network: object, X: object, y: object, loss: str | Loss, *, epsilon: float = 1e-6, tolerance: float = 1e-6
) -> GradientCheckResult:
    """Compare every parameter's backpropagated gradient with central finite differences.

    Parameters
    ----------
    network : Sequential (or any object with ``layers``)
        Must be built (its weights exist). It is not changed: the check runs on a float64 copy.
    X : array of shape (n_samples, n_features)
    y : targets in the form ``loss`` accepts (e.g. class indices for cross_entropy).
    loss : name or Loss
        The data loss E (no regularisation).
    epsilon : float
        The finite-difference step.
    tolerance : float
        Largest relative error that passes.

    Returns
    -------
    GradientCheckResult, with ``passed``, ``per_layer``, ``relative_errors`` and ``worst``.

    Examples
    --------
    >>> import numpy as np, neuralab as nl
    >>> net = nl.Sequential([nl.Dense(3, "tanh", input_dim=2, seed=0), nl.Dense(1, seed=1)])
    >>> X = np.random.default_rng(0).normal(size=(5, 2))
    >>> nl.gradient_check(net, X, X.sum(axis=1), "mse").passed
    True
    """
    epsilon = check_positive_number("epsilon", epsilon)
    tolerance = check_positive_number("tolerance", tolerance)
    layers = getattr(network, "layers", None)
    if not layers:
        raise ValidationError(
            "gradient_check needs a network with `layers` (a neuralab.Sequential). "
            f"Got {type(network).__name__}."
        )
    if hasattr(network, "built") and not network.built:
        raise ValidationError(
            "The network has no weights yet: give the first layer `input_dim` or run it once."
        )
    resolved = get_loss(loss)
    net = _float64_copy(network)
    layers = net.layers
    if hasattr(net, "check_loss"):
        net.check_loss(resolved)
    inputs: np.ndarray
    if hasattr(net, "prepare_data"):
        # The engine's own checks (width of X, length and shape of y), as fit does them, in float64.
        inputs, target = net.prepare_data(X, y, resolved)
    else:
        inputs = as_float_matrix("X", X, _FLOAT64)
        targets = np.asarray(y)
        check_same_length(inputs, targets)
        target = resolved.prepare_target(targets, forward(layers, inputs, training=False).shape[1], _FLOAT64)

    # Analytic: one forward/backward pass, the same one every training step takes.
    analytic_by_name = backprop.run(net, resolved, inputs, target, training=False).gradients
    names = list(analytic_by_name)
    analytic = [np.array(g, dtype=np.float64) for g in analytic_by_name.values()]

    # Numeric: nudge one element at a time, both ways, and restore it.
    params = [p for layer in layers for p in layer.parameters()]
    checks = {}
    for name, param, exact in zip(names, params, analytic, strict=True):
        numeric = np.zeros_like(exact)
        flat = param.reshape(-1)
        if not np.shares_memory(flat, param):
            raise ValidationError(f"Parameter {name} is not a contiguous array; make it C-contiguous.")
        for index in range(flat.size):
            saved = flat[index]
            flat[index] = saved + epsilon
            plus = resolved.value(forward(layers, inputs, training=False), target)
            flat[index] = saved - epsilon
            minus = resolved.value(forward(layers, inputs, training=False), target)
            flat[index] = saved
            numeric.reshape(-1)[index] = (plus - minus) / (2.0 * epsilon)
        difference = exact - numeric
        scale = max(float(np.linalg.norm(exact) + np.linalg.norm(numeric)), 1e-12)
        checks[name] = ParameterCheck(
            name,
            float(np.linalg.norm(difference)) / scale,
            float(np.abs(difference).max(initial=0.0)),
            exact,
            numeric,
        )
    return GradientCheckResult(checks, tolerance)
