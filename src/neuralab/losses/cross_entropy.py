"""The cross-entropy losses, each tied to its output activation (softmax, sigmoid).

Both also give the fused gradient with respect to the pre-activation z, which is exact and
stable: dE/dz = (a - y) / n for softmax + cross-entropy, (p - y) / N for sigmoid + binary
cross-entropy (n samples, N = n_samples * n_outputs elements).
"""

from __future__ import annotations

import numpy as np

from .._scalars import MINUS_100, ONE, TINY, reciprocal
from .._validation import check_finite
from ..errors import ValidationError
from .base import Loss
from .checks import as_numeric, same_shape

# PyTorch's EPSILON in binary_cross_entropy_backward is the float32 1e-12, in every dtype.
_BCE_EPSILON = {
    dtype: np.array(np.float32(1e-12), dtype=dtype) for dtype in (np.dtype(np.float32), np.dtype(np.float64))
}


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
        y = as_numeric(name, target)
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

    @same_shape
    def value(self, output, target):
        tiny = TINY.get(output.dtype)
        if tiny is None:
            tiny = np.finfo(output.dtype).tiny
        return -float(np.vdot(target, np.log(np.maximum(output, tiny)))) / output.shape[0]

    @same_shape
    def gradient(self, output, target):
        tiny = np.finfo(output.dtype).tiny
        return -target / (np.maximum(output, tiny) * output.shape[0])

    @same_shape
    def preactivation_gradient(self, output, target):
        difference = output - target
        return difference * reciprocal(output.shape[0], difference.dtype)  # == * (1.0 / n), see _scalars

    @same_shape
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

    @same_shape
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

    @same_shape
    def gradient(self, output, target):
        # PyTorch's binary_cross_entropy_backward: dE/dp = (p - y) / max(p (1 - p), 1e-12) / N, with
        # its epsilon a float32 1e-12 in every dtype. At saturated outputs (p = y = 0 or 1) that is
        # 0, and at p = 0, y = 1 it is -1e12 / N: finite, without clipping p itself.
        floor = _BCE_EPSILON.get(output.dtype, _BCE_EPSILON[np.dtype(np.float64)])
        spread = np.maximum((ONE.get(output.dtype, 1.0) - output) * output, floor)
        return (output - target) / spread / output.size

    @same_shape
    def preactivation_gradient(self, output, target):
        difference = output - target
        return difference * reciprocal(output.size, difference.dtype)  # == * (1.0 / n), see _scalars

    @same_shape
    def sample_terms(self, output, target):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(output), -100.0)
            log_not_p = np.maximum(np.log1p(-output), -100.0)
        return -(target * log_p + (1.0 - target) * log_not_p).sum(axis=1) / output.size
