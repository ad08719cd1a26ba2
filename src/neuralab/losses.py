"""Losses: each returns its value and its gradient with respect to the network output.

Shapes: ``output`` is ``(n_samples, n_outputs)``; ``target`` is prepared once per fit by
``prepare_target`` to the same shape (class indices become one-hot rows). A 1-D target
is accepted only for a single output unit, or as class indices for ``cross_entropy``.

Losses that require an output activation (``cross_entropy`` -> softmax,
``binary_cross_entropy`` -> sigmoid) also give the fused gradient with respect to the
pre-activation z, which is exact and stable: dE/dz = (a - y) / n.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from ._registry import resolve
from ._scalars import MINUS_100, ONE, TINY
from ._validation import check_finite
from .errors import IncompatibleLossError, ShapeError, ValidationError


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
        y = _as_numeric(name, target)
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


def _as_numeric(name: str, value: object) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise ValidationError(
            f"`{name}` must hold numbers. Got dtype {array.dtype}; encode labels as integers first."
        )
    return array


def _as_arrays(loss: Loss, output: object, target: object) -> tuple[np.ndarray, np.ndarray]:
    """The slow path of every loss method: ``output``/``target`` were not both arrays.

    Lists and other array-likes become float arrays (float64 unless already floating);
    anything that is not numbers is refused with a ValidationError.
    """
    arrays = []
    for name, value in (("output", output), ("target", target)):
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                f"The {loss.name} loss needs `{name}` as a NumPy array of numbers; it could not be "
                f"converted ({exc}). Give np.asarray({name}, dtype=float)."
            ) from exc
        array = _as_numeric(name, array)
        arrays.append(array if array.dtype.kind == "f" else array.astype(np.float64))
    return arrays[0], arrays[1]


def _shape_mismatch(loss: Loss, output: np.ndarray, target: np.ndarray) -> ShapeError:
    """The error for ``output.shape != target.shape`` (NumPy would broadcast them silently)."""
    out_shape, target_shape = tuple(output.shape), tuple(target.shape)
    message = (
        f"The {loss.name} loss compares `output` and `target` element by element, so they need "
        f"the same shape. Got output {out_shape} and target {target_shape}"
    )
    try:
        broadcast = np.broadcast_shapes(out_shape, target_shape)
    except ValueError:
        broadcast = None
    if broadcast is not None:
        message += f" (NumPy would silently broadcast them to {broadcast} and give a wrong loss)"
    if len(out_shape) == 2 and target.size == output.size:
        fix = f"reshape the target to {out_shape}: target.reshape{out_shape}"
    elif len(out_shape) == 2 and len(target_shape) == 1 and target_shape[0] == out_shape[0]:
        fix = (
            f"turn the target into rows of the output's width first: "
            f"loss.prepare_target(target, {out_shape[1]}, output.dtype)"
        )
    else:
        fix = "give one target row per output row, of the output's width (n_samples, n_outputs)"
    return ShapeError(f"{message}. Fix: {fix}.")


def _same_shape(method):
    """Decorator of a loss method ``(self, output, target)``: the two must have one shape.

    NumPy would broadcast an (n, 1) output against an (n,) target into an (n, n) matrix and
    return a wrong number; a mismatch is a ShapeError instead (``_shape_mismatch``). The fast
    path is one tuple comparison; non-arrays (lists) are converted first (``_as_arrays``).
    """

    @functools.wraps(method)
    def checked(self, output, target):
        try:
            same = output.shape == target.shape
        except AttributeError:
            output, target = _as_arrays(self, output, target)
            same = output.shape == target.shape
        if not same:
            raise _shape_mismatch(self, output, target)
        return method(self, output, target)

    return checked


# PyTorch's EPSILON in binary_cross_entropy_backward is the float32 1e-12, in every dtype.
_BCE_EPSILON = {
    dtype: np.array(np.float32(1e-12), dtype=dtype) for dtype in (np.dtype(np.float32), np.dtype(np.float64))
}


class SumSquaredError(Loss):
    r"""The notes' cost of the first section, summed and without the 1/2.

    $$
    J = \sum_i (y_i - a_i)^2, \qquad \frac{\partial J}{\partial a_i} = -2 (y_i - a_i)
    $$

    Examples
    --------
    The notes' z = 2x with w = 0.2 on x = -0.5, -0.25, 0, 0.25, 0.5: J = 3.24 * 0.625 = 2.025.

    >>> import numpy as np, neuralab as nl
    >>> x = np.array([[-0.5], [-0.25], [0.0], [0.25], [0.5]])
    >>> round(nl.SumSquaredError().value(0.2 * x, 2 * x), 6)
    2.025
    """

    name = "sum_squared_error"
    formula = "J = sum (y - a)^2"
    reduction = "sum"

    @_same_shape
    def value(self, output, target):
        diff = output - target
        return float(np.vdot(diff, diff))

    @_same_shape
    def gradient(self, output, target):
        return 2.0 * (output - target)

    @_same_shape
    def sample_terms(self, output, target):
        diff = output - target
        return (diff * diff).sum(axis=1)


class HalfSquaredError(Loss):
    r"""The notes' error of the backpropagation section, summed (not averaged).

    $$
    E = \frac{1}{2} \sum_i (T_i - a_i)^2, \qquad \frac{\partial E}{\partial a_i} = -(T_i - a_i)
    $$

    Examples
    --------
    The two-neuron example's output a2 = 0.715252 against T = 0.25:

    >>> import numpy as np, neuralab as nl
    >>> loss = nl.HalfSquaredError()
    >>> round(loss.value(np.array([[0.715252]]), np.array([[0.25]])), 5)
    0.10823
    >>> loss.gradient(np.array([[0.715252]]), np.array([[0.25]])).round(6)
    array([[0.465252]])
    """

    name = "half_squared_error"
    formula = "E = 1/2 * sum (T - a)^2"
    reduction = "sum"

    @_same_shape
    def value(self, output, target):
        diff = output - target
        return 0.5 * float(np.vdot(diff, diff))

    @_same_shape
    def gradient(self, output, target):
        return output - target

    @_same_shape
    def sample_terms(self, output, target):
        diff = output - target
        return 0.5 * (diff * diff).sum(axis=1)


class MeanSquaredError(Loss):
    r"""Mean squared error over all elements (PyTorch's ``MSELoss``).

    $$
    \mathrm{MSE} = \frac{1}{N} \sum_i (y_i - a_i)^2, \qquad
    \frac{\partial}{\partial a_i} = \frac{2 (a_i - y_i)}{N}
    $$

    where N = n_samples * n_outputs.

    Examples
    --------
    (0.5² + 0²) / 2 = 0.125; the gradient is 2 (a - y) / N:
    >>> import numpy as np
    >>> from neuralab import MeanSquaredError
    >>> output, target = np.array([[0.5], [1.0]]), np.array([[0.0], [1.0]])
    >>> MeanSquaredError().value(output, target)
    0.125
    >>> MeanSquaredError().gradient(output, target).ravel()
    array([0.5, 0. ])
    """

    name = "mse"
    formula = "MSE = 1/N * sum (y - a)^2"

    @_same_shape
    def value(self, output, target):
        diff = output - target
        return float(np.vdot(diff, diff)) / diff.size

    @_same_shape
    def gradient(self, output, target):
        return (output - target) * (2.0 / output.size)

    @_same_shape
    def sample_terms(self, output, target):
        diff = output - target
        return (diff * diff).sum(axis=1) / diff.size


class CrossEntropy(Loss):
    r"""Categorical cross-entropy, mean over samples; requires a softmax output.

    $$
    E = -\frac{1}{n} \sum_{s} \sum_k y_{sk} \log p_{sk}, \qquad
    \frac{\partial E}{\partial z_{sk}} = \frac{p_{sk} - y_{sk}}{n}
    $$

    Targets are class indices ``(n_samples,)`` in [0, n_classes) or one-hot rows
    ``(n_samples, n_classes)``. The log is clipped at the dtype's smallest normal number.

    Examples
    --------
    The mean of -log p of the true class over the samples:
    >>> import numpy as np
    >>> from neuralab import CrossEntropy
    >>> p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])   # softmax outputs, 2 samples
    >>> y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])      # one-hot: classes 0 and 1
    >>> round(CrossEntropy().value(p, y), 4)
    0.2899
    >>> round(float(-(np.log(0.7) + np.log(0.8)) / 2), 4)
    0.2899
    """

    name = "cross_entropy"
    formula = "E = -1/n * sum y * log(p)"
    output_activation = "softmax"

    def prepare_target(self, target, n_outputs, dtype, *, name="y"):
        y = _as_numeric(name, target)
        if y.ndim == 1:
            if y.dtype.kind == "f":
                check_finite(name, y)
                if not np.all(y == np.round(y)):
                    raise ValidationError(
                        f"Class indices in `{name}` must be whole numbers. Got fractional values; "
                        "give integer labels 0..n_classes-1 or one-hot rows."
                    )
            # Check the range before the cast: a huge float label would overflow int64.
            out_of_range = (y < 0) | (y >= n_outputs)
            if out_of_range.any():
                first = int(np.argmax(out_of_range))
                label = y[first].item()
                shown = int(label) if abs(label) < 2**53 else label
                raise ValidationError(
                    f"Class label {shown} at index {first} is out of range: the softmax "
                    f"output has {n_outputs} units, so labels must be in 0..{n_outputs - 1}. "
                    f"{int(out_of_range.sum())} label(s) are outside it; widen the output layer "
                    "or re-encode the labels."
                )
            labels = y.astype(np.int64)
            one_hot = np.zeros((labels.shape[0], n_outputs), dtype=dtype)
            one_hot[np.arange(labels.shape[0]), labels] = 1
            return one_hot
        y = super().prepare_target(y, n_outputs, dtype, name=name)
        if (y < 0).any() or (y > 1).any() or not np.allclose(y.sum(axis=1), 1.0, atol=1e-4):
            raise ValidationError(
                "2-D targets for cross_entropy must be one-hot (or probability) rows: values in "
                "[0, 1] that sum to 1 per row. Give class indices as a 1-D integer array instead."
            )
        return y

    @_same_shape
    def value(self, output, target):
        tiny = TINY.get(output.dtype)
        if tiny is None:
            tiny = np.finfo(output.dtype).tiny
        return -float(np.vdot(target, np.log(np.maximum(output, tiny)))) / output.shape[0]

    @_same_shape
    def gradient(self, output, target):
        tiny = np.finfo(output.dtype).tiny
        return -target / (np.maximum(output, tiny) * output.shape[0])

    @_same_shape
    def preactivation_gradient(self, output, target):
        return (output - target) * (1.0 / output.shape[0])

    @_same_shape
    def sample_terms(self, output, target):
        tiny = np.finfo(output.dtype).tiny
        return -(target * np.log(np.maximum(output, tiny))).sum(axis=1) / output.shape[0]


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy, mean over all elements; requires a sigmoid output.

    $$
    E = -\frac{1}{N} \sum_i \left[ y_i \log p_i + (1 - y_i) \log(1 - p_i) \right],
    \qquad \frac{\partial E}{\partial z_i} = \frac{p_i - y_i}{N}
    $$

    Targets are in [0, 1] with the output's shape (1-D for one output unit). Logs are
    clipped at -100, as PyTorch's ``BCELoss`` does. The unfused gradient is PyTorch's too:
    dE/dp_i = (p_i - y_i) / (N max(p_i (1 - p_i), 10^-12)), 0 where p_i = y_i in {0, 1}.

    Examples
    --------
    >>> import numpy as np
    >>> from neuralab import BinaryCrossEntropy
    >>> p = np.array([0.9, 0.2])          # sigmoid outputs
    >>> y = np.array([1.0, 0.0])
    >>> round(BinaryCrossEntropy().value(p, y), 4)
    0.1643
    >>> round(float(-(np.log(0.9) + np.log(0.8)) / 2), 4)
    0.1643
    """

    name = "binary_cross_entropy"
    formula = "E = -1/N * sum [y log p + (1 - y) log(1 - p)]"
    output_activation = "sigmoid"

    def prepare_target(self, target, n_outputs, dtype, *, name="y"):
        y = super().prepare_target(target, n_outputs, dtype, name=name)
        if (y < 0).any() or (y > 1).any():
            raise ValidationError(
                "Targets for binary_cross_entropy must be in [0, 1] (0/1 labels). "
                f"Got values from {y.min()} to {y.max()}."
            )
        return y

    @_same_shape
    def value(self, output, target):
        with np.errstate(divide="ignore"):  # log(0) = -inf, clamped to -100 as PyTorch does
            return self.value_in_training(output, target)

    def value_in_training(self, output, target):
        # No errstate of its own (0.75 us, an eighth of the loss on a tiny batch): fit's loop
        # already ignores the divide-by-zero of log(0).
        floor, one = MINUS_100.get(output.dtype, -100.0), ONE.get(target.dtype, 1.0)
        log_p = np.maximum(np.log(output), floor)
        log_not_p = np.maximum(np.log1p(-output), floor)
        return -float(np.vdot(target, log_p) + np.vdot(one - target, log_not_p)) / output.size

    @_same_shape
    def gradient(self, output, target):
        # PyTorch's binary_cross_entropy_backward: dE/dp = (p - y) / max(p (1 - p), 1e-12) / N, with
        # its epsilon a float32 1e-12 in every dtype. At saturated outputs (p = y = 0 or 1) that is
        # 0, and at p = 0, y = 1 it is -1e12 / N: finite, without clipping p itself.
        floor = _BCE_EPSILON.get(output.dtype, _BCE_EPSILON[np.dtype(np.float64)])
        spread = np.maximum((ONE.get(output.dtype, 1.0) - output) * output, floor)
        return (output - target) / spread / output.size

    @_same_shape
    def preactivation_gradient(self, output, target):
        return (output - target) * (1.0 / output.size)

    @_same_shape
    def sample_terms(self, output, target):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(output), -100.0)
            log_not_p = np.maximum(np.log1p(-output), -100.0)
        return -(target * log_p + (1.0 - target) * log_not_p).sum(axis=1) / output.size


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (SumSquaredError, HalfSquaredError, MeanSquaredError, CrossEntropy, BinaryCrossEntropy)
}
_ALIASES = {
    "mean_squared_error": MeanSquaredError,
    "categorical_cross_entropy": CrossEntropy,
    "bce": BinaryCrossEntropy,
    "sse": SumSquaredError,
}


def prepare_target_as(loss: Loss, target: object, n_outputs: int, dtype: np.dtype, name: str) -> np.ndarray:
    """``loss.prepare_target`` with messages that call the target ``name`` (the caller's
    parameter name, e.g. "validation_data[1]"). A custom Loss whose ``prepare_target`` has no
    ``name`` parameter is called without it (its messages say what it says)."""
    if name != "y" and "name" in inspect.signature(loss.prepare_target).parameters:
        return loss.prepare_target(target, n_outputs, dtype, name=name)
    return loss.prepare_target(target, n_outputs, dtype)


def get_loss(loss: str | Loss) -> Loss:
    """Return a Loss for a name ("mse", "cross_entropy", ...) or a Loss object.

    Examples
    --------
    >>> get_loss("half_squared_error").formula
    'E = 1/2 * sum (T - a)^2'
    """
    return resolve("loss", loss, Loss, {**LOSSES, **_ALIASES})
