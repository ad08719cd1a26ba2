"""fit's arguments, checked once at the boundary: callbacks, the start epoch, the divergence
rule and the validation data (what is held out, and how it is named in messages)."""

from __future__ import annotations

import math

import numpy as np

from ..callbacks import Callback
from ..errors import ValidationError
from ..losses import Loss
from ..network import Sequential
from .divergence import DivergenceRule


def check_callbacks(callbacks: object) -> list[Callback]:
    """A list of Callback objects (a single callback or None is a mistake worth naming)."""
    if isinstance(callbacks, Callback) or callbacks is None or isinstance(callbacks, (str, bytes)):
        raise ValidationError(
            f"`callbacks` must be a list of callbacks, e.g. [EarlyStopping()]. Got {callbacks!r}."
        )
    try:
        checked = list(callbacks)  # type: ignore[call-overload]  # any iterable; TypeError below
    except TypeError:
        raise ValidationError(f"`callbacks` must be a list of callbacks. Got {callbacks!r}.") from None
    for position, callback in enumerate(checked):
        if not isinstance(callback, Callback):
            raise ValidationError(
                f"callbacks[{position}] is {callback!r}, not a Callback. Subclass neuralab.Callback "
                "(or use EarlyStopping, StepDecay, ExponentialDecay, GradientMonitor)."
            )
    return checked


def check_initial_epoch(initial_epoch: object, epochs: int) -> int:
    """``initial_epoch`` as an int in [0, epochs)."""
    if (
        isinstance(initial_epoch, bool)
        or not isinstance(initial_epoch, (int, np.integer))
        or not 0 <= initial_epoch < epochs
    ):
        raise ValidationError(
            f"`initial_epoch` must be an integer in [0, epochs) = [0, {epochs}): the epochs run are "
            f"initial_epoch+1 .. epochs. Got {initial_epoch!r}."
        )
    return int(initial_epoch)


def check_divergence(divergence: object) -> DivergenceRule:
    """The rule to apply: the given one, or (for None) one that stops on NaN/inf losses only."""
    if divergence is not None and not isinstance(divergence, DivergenceRule):
        raise ValidationError(
            f"`divergence` must be a DivergenceRule (e.g. DivergenceRule(factor=100)) or None to stop "
            f"only on NaN/inf losses. Got {divergence!r}."
        )
    return divergence if divergence is not None else DivergenceRule(factor=math.inf)


def split_validation(
    X: np.ndarray,
    y: np.ndarray,
    validation_data: object,
    validation_split: float,
    network: Sequential,
    loss: Loss,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(X_train, y_train, X_val, y_val): the given pair, prepared, or the last rows held out."""
    if validation_data is not None and validation_split:
        raise ValidationError("Give `validation_data` or `validation_split`, not both.")
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValidationError("`validation_data` must be a pair (X_val, y_val).")
        X_val, y_val = network.prepare_data(
            validation_data[0], validation_data[1], loss, names=("validation_data[0]", "validation_data[1]")
        )
        return X, y, X_val, y_val
    if validation_split:
        n_val = round(X.shape[0] * validation_split)
        if n_val < 1 or n_val >= X.shape[0]:
            raise ValidationError(
                f"`validation_split`={validation_split} leaves {n_val} of {X.shape[0]} samples for "
                "validation; it must leave at least one sample on each side."
            )
        # The last rows, before any shuffling (as Keras does): shuffle your data first if ordered.
        return X[:-n_val], y[:-n_val], X[-n_val:], y[-n_val:]
    return X, y, None, None
