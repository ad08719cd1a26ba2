"""The Loss interface: a value and its gradient with respect to the network output.

Shapes: ``output`` is ``(n_samples, n_outputs)``; ``target`` is prepared once per fit by
``Loss.prepare_target`` to the same shape (class indices become one-hot rows). A 1-D target
is accepted only for a single output unit, or as class indices for ``cross_entropy``.
"""

from __future__ import annotations

import inspect

import numpy as np

from .._validation import check_finite
from ..errors import IncompatibleLossError, ShapeError
from .checks import as_numeric


class Loss:
    """Base class. ``reduction`` is "sum" or "mean": how batch values add up to an epoch's.

    ``output_activation`` names the activation the output layer must have, or is None.

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> loss = nl.get_loss("mean_squared_error")
    >>> isinstance(loss, nl.Loss), loss.reduction
    (True, 'mean')
    >>> output, target = np.array([[0.5], [1.0]]), np.array([[0.0], [1.0]])
    >>> loss.value(output, target), loss.gradient(output, target).ravel()
    (0.125, array([0.5, 0. ]))
    """

    name: str = ""
    formula: str = ""
    reduction: str = "mean"
    output_activation: str | None = None

    def __call__(self, output: np.ndarray, target: np.ndarray) -> float:
        return self.value(output, target)

    def value(self, output: np.ndarray, target: np.ndarray) -> float:
        """Return the loss E(output, target) as a Python float."""
        raise NotImplementedError

    def gradient(self, output: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Return dE/d(output), shape ``(n_samples, n_outputs)``."""
        raise NotImplementedError

    def value_in_training(self, output: np.ndarray, target: np.ndarray) -> float:
        """``value`` for the fit loop, which already ignores floating-point warnings and has
        checked the shapes; a loss may skip that work here (the default is ``value``)."""
        return self.value(output, target)

    def sample_terms(self, output: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Each sample's share of ``value``, shape ``(n_samples,)``: they add up to the value."""
        raise NotImplementedError

    def weighted_value(self, output: np.ndarray, target: np.ndarray, sample_weight: np.ndarray) -> float:
        """E_w = sum_s w_s E_s over the samples' shares E_s (all w_s = 1 gives ``value``).

        ``sample_weight`` has shape ``(n_samples,)``; the gradient is the unweighted one with
        row s scaled by w_s.
        """
        return float(np.dot(sample_weight, self.sample_terms(output, target)))

    def preactivation_gradient(self, output: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Return dE/dz through the required output activation (fused, exact)."""
        raise NotImplementedError(f"{self.name} has no fused gradient")

    def check_output_activation(self, activation_name: str) -> None:
        """Raise IncompatibleLossError if the output activation does not suit this loss."""
        needed = self.output_activation
        if needed is not None and activation_name != needed:
            raise IncompatibleLossError(
                f"The {self.name} loss requires a {needed} output layer, but the last layer's "
                f"activation is {activation_name}. Use Dense(units, '{needed}') as the output "
                f"layer, or choose a loss that fits a {activation_name} output (e.g. 'mse')."
            )

    def prepare_target(
        self, target: object, n_outputs: int, dtype: np.dtype, *, name: str = "y"
    ) -> np.ndarray:
        """Validate ``target`` against the output width and return it as ``(n, n_outputs)``.

        ``name`` is what error messages call the target (the caller's parameter name).
        """
        y = as_numeric(name, target)
        if y.ndim == 1:
            if n_outputs != 1:
                raise ShapeError(
                    f"`{name}` is 1-D (shape {y.shape}) but the network has {n_outputs} outputs. "
                    f"Give `{name}` the shape (n_samples, {n_outputs})"
                    + (", or use the cross_entropy loss with class indices." if n_outputs > 1 else ".")
                )
            y = y.reshape(-1, 1)
        elif y.ndim != 2 or y.shape[1] != n_outputs:
            hint = (
                f" If these are class indices, give them as a 1-D array: {name}.ravel()."
                if y.ndim == 2 and y.shape[1] == 1 and self.name == "cross_entropy"
                else ""
            )
            raise ShapeError(
                f"`{name}` must have shape (n_samples, {n_outputs}) to match the network's "
                f"{n_outputs} outputs. Got shape {y.shape}.{hint}"
            )
        y = y.astype(dtype, copy=False)
        check_finite(name, y)
        return y

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def prepare_target_as(loss: Loss, target: object, n_outputs: int, dtype: np.dtype, name: str) -> np.ndarray:
    """``loss.prepare_target`` with messages that call the target ``name`` (the caller's
    parameter name, e.g. "validation_data[1]"). A custom Loss whose ``prepare_target`` has no
    ``name`` parameter is called without it (its messages say what it says)."""
    if name != "y" and "name" in inspect.signature(loss.prepare_target).parameters:
        return loss.prepare_target(target, n_outputs, dtype, name=name)
    return loss.prepare_target(target, n_outputs, dtype)
