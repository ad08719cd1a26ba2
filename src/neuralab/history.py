"""History: what one fit recorded, epoch by epoch."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class History:
    """Per-epoch record of a fit.

    Attributes
    ----------
    epoch : list of int
        1-based epoch numbers.
    loss : list of float
        Training loss per epoch: the sum of the batch losses for a summed loss, their
        sample-weighted mean for an averaged one (each computed before that batch's update).
    val_loss : list of float
        Validation loss after each epoch (empty without validation data).
    gradient_norms : list of list of float
        Per epoch, the Frobenius norm of each layer's weight gradient on the epoch's last
        batch, input layer first.
    learning_rate : list of float
        The optimizer's learning rate during each epoch.
    stop_reason : str
        "epochs", "tolerance", "early stopping" (EarlyStopping stopped it), "callback"
        (another callback set ``context.stop_training``), "divergence", "interrupted" (Ctrl-C)
        or "error" (a callback or the data raised an exception, which ``fit`` re-raises).

    Examples
    --------
    >>> import numpy as np
    >>> import neuralab as nl
    >>> X = np.array([[-0.5], [-0.25], [0.0], [0.25], [0.5]])
    >>> net = nl.Sequential([nl.Dense(1, use_bias=False, weights=[[0.2]])], dtype="float64")
    >>> history = net.fit(X, 2 * X, loss="sum_squared_error", optimizer=nl.GradientDescent(0.4), epochs=3)
    >>> history.epoch, [round(v, 4) for v in history.loss], history.stop_reason
    ([1, 2, 3], [2.025, 0.5062, 0.1266], 'epochs')
    """

    epoch: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    gradient_norms: list[list[float]] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    stop_reason: str = ""
    extra: dict[str, list[float]] = field(default_factory=dict)

    @property
    def interrupted(self) -> bool:
        """True when Ctrl-C ended the fit."""
        return self.stop_reason == "interrupted"

    @property
    def epochs_run(self) -> int:
        """Number of completed epochs."""
        return len(self.epoch)

    def gradient_norm_array(self) -> np.ndarray:
        """``gradient_norms`` as an array of shape (epochs, n_layers)."""
        return np.array(self.gradient_norms, dtype=float)

    def to_dict(self) -> dict:
        """Plain JSON-ready values."""
        return {
            "epoch": list(self.epoch),
            "loss": list(self.loss),
            "val_loss": list(self.val_loss),
            "gradient_norms": [list(row) for row in self.gradient_norms],
            "learning_rate": list(self.learning_rate),
            "stop_reason": self.stop_reason,
            **({"extra": {k: list(v) for k, v in self.extra.items()}} if self.extra else {}),
        }
