"""The argument checks every loss method shares: numbers only, and one shape for both.

``output`` and ``target`` are compared element by element, so they must have one shape
``(n_samples, n_outputs)``; NumPy would broadcast an (n, 1) output against an (n,) target
into an (n, n) matrix and give a wrong number without a word.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ShapeError, ValidationError

if TYPE_CHECKING:
    from .base import Loss


def as_numeric(name: str, value: object) -> np.ndarray:
    """``value`` as an array of its own shape, refused (ValidationError) unless it holds
    numbers: booleans, integers or floats. ``name`` is what the message calls it."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise ValidationError(
            f"`{name}` must hold numbers. Got dtype {array.dtype}; encode labels as integers first."
        )
    return array


def as_arrays(loss: Loss, output: object, target: object) -> tuple[np.ndarray, np.ndarray]:
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
        array = as_numeric(name, array)
        arrays.append(array if array.dtype.kind == "f" else array.astype(np.float64))
    return arrays[0], arrays[1]


def shape_mismatch(loss: Loss, output: np.ndarray, target: np.ndarray) -> ShapeError:
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


def same_shape(method):
    """Decorator of a loss method ``(self, output, target)``: the two must have one shape.

    NumPy would broadcast an (n, 1) output against an (n,) target into an (n, n) matrix and
    return a wrong number; a mismatch is a ShapeError instead (``shape_mismatch``). The fast
    path is one tuple comparison; non-arrays (lists) are converted first (``as_arrays``).
    """

    @functools.wraps(method)
    def checked(self, output, target):
        try:
            same = output.shape == target.shape
        except AttributeError:
            output, target = as_arrays(self, output, target)
            same = output.shape == target.shape
        if not same:
            raise shape_mismatch(self, output, target)
        return method(self, output, target)

    return checked
