"""Per-layer gradient statistics of one full-batch pass: weight-gradient norms ||dE/dW||,
saturated sigmoid/tanh units, dead ReLUs; and ``GradientMonitor``, the opt-in callback that
records them during a fit.

A sigmoid/tanh unit is saturated when f'(z) < SATURATION_THRESHOLD * max f' (max sigma' = 1/4,
max tanh' = 1); a ReLU unit is dead when it outputs 0 for every sample. ``diagnostics`` reads
these records and says in words what they mean (and re-exports everything here).

Examples
--------
>>> import numpy as np
>>> import neuralab as nl
>>> from neuralab.gradient_statistics import LayerStatistics
>>> LayerStatistics(0, 0.5, [1e-6, 1.0], [None, None], [0.0, None]).gradient_norms
[1e-06, 1.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np

from . import backprop
from .callbacks import Callback, TrainingContext
from .errors import ValidationError
from .losses import Loss
from .network import Sequential

SATURATION_THRESHOLD = 0.1
"""A sigmoid/tanh unit is saturated when f'(z) is below this fraction of f''s maximum."""

_SATURATING_MAXIMUM = {"sigmoid": 0.25, "tanh": 1.0}


@dataclass
class LayerStatistics:
    """Full-batch statistics of every layer at one moment, input layer first.

    ``gradient_norms`` are the Frobenius norms ||dE/dW||; ``saturated`` the fraction of
    (sample, unit) values of a sigmoid/tanh layer with f'(z) < 0.1 * max f' (None for other
    activations); ``dead`` the fraction of a ReLU layer's units that output 0 for every
    sample (None for other activations).
    """

    epoch: int
    loss: float
    gradient_norms: list[float]
    saturated: list[float | None]
    dead: list[float | None]


def layer_statistics(
    network: Sequential, X: np.ndarray, y: np.ndarray, loss: Loss, epoch: int = 0
) -> LayerStatistics:
    """One full-batch forward/backward pass of ``network`` (prepared ``X``, ``y``) and its statistics.

    ``X`` is (n_samples, n_features) and ``y`` (n_samples, n_outputs), as ``prepare_data`` returns
    them. Overwrites the layers' caches and gradient arrays (as any training step does).
    """
    result = backprop.run(network, loss, X, y, training=False)
    norms: list[float] = []
    saturated: list[float | None] = []
    dead: list[float | None] = []
    for record in result.layers:
        norms.append(float(np.linalg.norm(record.gradients["weights"])))
        name = record.layer.activation.name
        if name in _SATURATING_MAXIMUM:
            slope = record.layer.activation.derivative(record.preactivation)
            saturated.append(float(np.mean(slope < SATURATION_THRESHOLD * _SATURATING_MAXIMUM[name])))
        else:
            saturated.append(None)
        dead.append(float(np.mean(np.all(record.output <= 0, axis=0))) if name == "relu" else None)
    return LayerStatistics(epoch, result.loss, norms, saturated, dead)


class GradientMonitor(Callback):
    """Records full-batch gradient statistics per layer during a fit (opt-in, costs one extra
    forward/backward pass on ``X`` per recorded epoch).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        The data the statistics are measured on (e.g. the training set or a sample of it).
    y : array
        Targets for ``X``, as for ``fit``.
    epochs : iterable of int, optional
        The epochs to record; 0 means before training. Default: 0 and every epoch.

    Attributes
    ----------
    records : list of LayerStatistics
        One entry per recorded epoch.
    activations : list of str
        The layers' activation names, input layer first.

    Examples
    --------
    One record before training and one after each epoch, one weight-gradient norm per layer:
    >>> import numpy as np
    >>> import neuralab as nl
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(100, 4)), rng.integers(0, 2, size=100)
    >>> net = nl.Sequential([nl.Dense(8, "relu"), nl.Dense(8, "relu"), nl.Dense(2, "softmax")])
    >>> monitor = nl.GradientMonitor(X, y)
    >>> _ = net.fit(X, y, loss="cross_entropy", optimizer=nl.SGD(0.1), epochs=3, callbacks=[monitor], seed=0)
    >>> norms = monitor.gradient_norm_array()
    >>> norms.shape
    (4, 3)
    """

    def __init__(self, X: object, y: object, epochs: Iterable[int] | None = None):
        self._X_raw, self._y_raw = X, y
        self.epochs = None if epochs is None else {int(e) for e in epochs}
        if self.epochs is not None and any(e < 0 for e in self.epochs):
            raise ValidationError(
                f"`epochs` to record must be >= 0 (0 = before training). Got {sorted(self.epochs)}."
            )
        self.records: list[LayerStatistics] = []
        self.activations: list[str] = []
        self._X: np.ndarray | None = None
        self._y: np.ndarray | None = None

    def _wanted(self, epoch: int) -> bool:
        return self.epochs is None or epoch in self.epochs

    def on_train_begin(self, context: TrainingContext) -> None:
        super().on_train_begin(context)
        network = context.network
        self.activations = [layer.activation.name for layer in network.weighted_layers]
        self._X, self._y = network.prepare_data(self._X_raw, self._y_raw, context.loss)
        if self._wanted(0):
            self._record(0)

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self._wanted(epoch):
            self._record(epoch)

    def _record(self, epoch: int) -> None:
        if self._X is None or self._y is None:
            raise ValidationError(
                "The GradientMonitor records inside a fit: pass it to fit(callbacks=[...])."
            )
        with np.errstate(over="ignore", under="ignore"):
            self.records.append(
                layer_statistics(self.context.network, self._X, self._y, self.context.loss, epoch)
            )

    def gradient_norm_array(self) -> np.ndarray:
        """Gradient norms as an array of shape (recorded epochs, n_layers)."""
        return np.array([r.gradient_norms for r in self.records], dtype=float)

    def to_dict(self) -> dict:
        return {"activations": list(self.activations), "records": [asdict(r) for r in self.records]}


__all__ = ["SATURATION_THRESHOLD", "GradientMonitor", "LayerStatistics", "layer_statistics"]
