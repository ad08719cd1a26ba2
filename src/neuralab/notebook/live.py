"""``fit(..., live=True)``: the training drawn while it runs.

In a Jupyter notebook (an IPython kernel) ``LiveTraining`` shows one output area when training
starts (IPython's ``display(..., display_id=True)``) and redraws that same area with
``update`` as epochs end: the loss curves (training and validation) and the per-layer
weight-gradient norms of the last batch as bars on a log scale, with the vanishing line of
``diagnose``. It redraws at most once per ``interval`` seconds (by the clock, not per epoch:
a fit of 10,000 fast epochs still makes a handful of updates), and always once at the end, so
the cell keeps the final picture, also after Ctrl-C (the loop finishes the batch, marks the
history "interrupted", calls ``on_train_end`` and re-raises ``KeyboardInterrupt``, as in any
fit) or a divergence.

Outside a notebook (a script, a terminal IPython) it shows the terminal's progress bar
(``cli.progress.TrainingProgress``) instead.

Examples
--------
>>> import numpy as np
>>> import neuralab as nl
>>> frames = []
>>> class Area:  # stands in for IPython's display handle
...     def update(self, frame):
...         frames.append(frame)
>>> live = LiveTraining(display=lambda frame: frames.append(frame) or Area(), clock=lambda: 0.0)
>>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
>>> _ = nl.Sequential([nl.Dense(1)]).fit(X, 2 * X, loss="mse", optimizer="sgd", epochs=50,
...                                      callbacks=[live], seed=0)
>>> len(frames), frames[-1].status  # the clock stood still: the first picture and the last
(2, 'finished: 50 epochs, stopped by: epochs')
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, Protocol

from .. import _html
from .._validation import check_positive_number
from ..callbacks import Callback, TrainingContext
from ..diagnosis import gradient_flow_chart
from ..history import History

INTERVAL = 0.25
"""Seconds between two redraws at least: at most four pictures a second."""


class DisplayHandle(Protocol):
    """What IPython's ``display(obj, display_id=True)`` returns."""

    def update(self, obj: Any) -> None: ...


class Frame:
    """One picture of the training: ``_repr_html_`` for the notebook, ``__repr__`` (one line)
    for anything that shows text only."""

    def __init__(self, history: History, status: str, epochs: int):
        self.history, self.status, self.epochs = history, status, epochs

    def _repr_html_(self) -> str:
        history = self.history
        norms = history.gradient_norms[-1] if history.gradient_norms else []
        figures = [history.loss_figure()]
        if norms:
            figures.append(gradient_flow_chart(norms, title=f"Gradient flow, epoch {history.epoch[-1]}"))
        return _html.block(
            _html.paragraph(self.status),
            f'<div class="nl-figures">{"".join(figures)}</div>',
            title="Training",
        )

    def __repr__(self) -> str:
        return f"Training: {self.status}"


def kernel_display() -> Callable[[Any], DisplayHandle] | None:
    """IPython's ``display(obj, display_id=True)`` when this process is a notebook's kernel,
    else None. IPython is looked up among the loaded modules, never imported here: a kernel
    has always loaded it."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    shell = ipython.get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:  # a terminal IPython has no kernel
        return None
    from IPython.display import display

    return lambda frame: display(frame, display_id=True)


class LiveTraining(Callback):
    """Draws a fit while it runs; ``fit(..., live=True)`` adds one with the defaults.

    Parameters
    ----------
    interval : float
        Seconds between two redraws at least (default ``INTERVAL``, 0.25 s).
    display : callable, optional
        ``display(frame) -> handle`` shows the first picture and returns a handle whose
        ``update(frame)`` redraws it. Default: IPython's, inside a notebook; outside one the
        terminal's progress bar is shown instead.
    clock : callable
        Seconds as a float (``time.monotonic``); tests pass their own.

    Examples
    --------
    ``live=True`` is all it takes; the callback itself sets the pace (outside a notebook, as
    here, it shows the progress bar on standard error):

    >>> import numpy as np
    >>> import neuralab as nl
    >>> X = np.linspace(-1, 1, 20).reshape(-1, 1)
    >>> net = nl.Sequential([nl.Dense(8, "tanh"), nl.Dense(1)])
    >>> history = net.fit(X, X**2, loss="mse", optimizer="adam", epochs=20, seed=0,
    ...                   callbacks=[nl.LiveTraining(interval=1.0)])
    >>> history.epochs_run
    20
    """

    def __init__(
        self,
        *,
        interval: float = INTERVAL,
        display: Callable[[Any], DisplayHandle] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.interval = check_positive_number("interval", interval, allow_zero=True)
        self.display = display
        self.clock = clock
        self.handle: DisplayHandle | None = None
        self.terminal: Callback | None = None
        self.redraws = 0
        self._last = 0.0

    def on_train_begin(self, context: TrainingContext) -> None:
        super().on_train_begin(context)
        self.handle, self.terminal, self.redraws = None, None, 0
        show = self.display or kernel_display()
        if show is None:
            from ..cli.progress import TrainingProgress

            self.terminal = TrainingProgress()
            self.terminal.on_train_begin(context)
            return
        self.handle = show(Frame(context.history, f"starting: {context.epochs} epochs", context.epochs))
        self._last = self.clock()

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.terminal is not None:
            self.terminal.on_epoch_end(epoch, logs)
            return
        if self.clock() - self._last < self.interval:
            return
        words = ", ".join(f"{key} {_html.number(value, 4)}" for key, value in logs.items())
        self._draw(f"epoch {epoch}/{self.context.epochs}: {words}")

    def on_train_end(self, history: History) -> None:
        if self.terminal is not None:
            self.terminal.on_train_end(history)
            return
        reason = history.stop_reason or "error"
        words = {
            "interrupted": f"interrupted (Ctrl-C) after {history.epochs_run} epochs",
            "divergence": f"diverged after {history.epochs_run} epochs; the weights from before the bad step "
            "are kept",
            "error": f"stopped by an error after {history.epochs_run} epochs",
        }.get(reason, f"finished: {history.epochs_run} epochs, stopped by: {reason}")
        self._draw(words)

    def _draw(self, status: str) -> None:
        if self.handle is None:
            return
        self.handle.update(Frame(self.context.history, status, self.context.epochs))
        self.redraws += 1
        self._last = self.clock()  # after drawing: a slow redraw does not eat the training's time


__all__ = ["INTERVAL", "Frame", "LiveTraining", "kernel_display"]
