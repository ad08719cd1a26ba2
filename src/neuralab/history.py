"""History: what one fit recorded, epoch by epoch."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _html, _svg


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

    def loss_figure(self, *, standalone: bool = False) -> str:
        """The training loss per epoch, and the validation loss beside it (dashed), as SVG."""
        loss = [_svg.Series("loss", self.epoch, self.loss)]
        if len(self.val_loss) == len(self.epoch) and self.val_loss:
            loss.append(_svg.Series("val_loss", self.epoch, self.val_loss, _svg.PALETTE[1], dashed=True))
        return _svg.line_chart(loss, title="Loss", y_label="loss", standalone=standalone)

    def figures(self, *, standalone: bool = False) -> list[str]:
        """The figures of ``_repr_html_`` as SVG documents: the loss per epoch (validation
        dashed, beside training), each layer's weight-gradient norm per epoch (log scale), the
        learning rate when it changed, and each per-epoch series of ``extra``."""
        epochs = self.epoch
        charts = [self.loss_figure(standalone=standalone)]
        norms = self.gradient_norms
        if norms and all(len(row) == len(norms[0]) for row in norms) and len(norms) == len(epochs):
            columns = np.asarray(norms, dtype=float).T  # (n_layers, epochs)
            layers = [
                _svg.Series(f"layer {i + 1}", epochs, column, _svg.PALETTE[i % 8])
                for i, column in enumerate(columns)
            ]
            charts.append(
                _svg.line_chart(
                    layers, title="Gradient flow", y_label="||dE/dW||", log_y=True, standalone=standalone
                )
            )
        if len(set(self.learning_rate)) > 1 and len(self.learning_rate) == len(epochs):
            rate = [_svg.Series("learning rate", epochs, self.learning_rate, _svg.PALETTE[2])]
            charts.append(_svg.line_chart(rate, title="Learning rate", standalone=standalone))
        for index, (name, values) in enumerate(sorted(self.extra.items())):
            if len(values) == len(epochs) and len(epochs) > 1:
                series = [_svg.Series(name, epochs, values, _svg.PALETTE[(index + 3) % 8])]
                charts.append(_svg.line_chart(series, title=name, standalone=standalone))
        return charts

    def _caption(self) -> str:
        if not self.epoch:
            return "No epoch recorded yet."
        words = f"{self.epochs_run} epoch{'s' * (self.epochs_run != 1)}, loss {_html.number(self.loss[-1])}"
        if self.val_loss:
            words += f", val_loss {_html.number(self.val_loss[-1])}"
        return words + (f"; stopped by: {self.stop_reason}" if self.stop_reason else "")

    def _repr_html_(self) -> str:
        """IPython's rich display: the figures of ``figures`` side by side, under a caption."""
        figures = "" if not self.epoch else f'<div class="nl-figures">{"".join(self.figures())}</div>'
        return _html.block(_html.paragraph(self._caption()), figures, title="History")

    def _repr_svg_(self) -> str:
        """The same figures as one SVG document, on its own white background (an empty history:
        empty axes whose legend says "loss (no value)")."""
        return _svg.row(self.figures(), width=380, height=230, label=self._caption(), standalone=True)

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
