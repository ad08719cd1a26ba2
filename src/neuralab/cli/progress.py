"""The terminal's training display: one Rich progress bar over the epochs, on stderr.

``TrainingProgress`` shows the loss and the validation loss after each epoch: it is what
``fit(..., live=True)`` shows outside a notebook (``neuralab.notebook.LiveTraining``).
``RichProgress``, the bar of ``neuralab train``, adds a validation metric of the model.
"""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..callbacks import Callback
from ..data import (
    Table,
)
from ..model import Model

PROGRESS_CONSOLE = Console(stderr=True, highlight=False, markup=False)  # paths print literally


def progress_bar(label: str, console: Console) -> Progress:
    """The CLI's one style of progress bar: ``label``, done of total, the bar, a status field
    (printed literally) and the time elapsed; kept on screen when it stops."""
    return Progress(
        TextColumn(label),
        MofNCompleteColumn(),
        BarColumn(),
        TextColumn("{task.fields[status]}", markup=False),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


class TrainingProgress(Callback):
    """A Rich progress bar: epochs done of all, then the loss and the validation loss.

    ``console`` defaults to standard error, so that a program's own output stays clean.
    Subclasses add words after each epoch through ``status``.
    """

    def __init__(self, console: Console | None = None):
        self.console = console or PROGRESS_CONSOLE
        self.progress: Progress | None = None
        self.task_id: TaskID | None = None

    def on_train_begin(self, context):
        super().on_train_begin(context)
        self.progress = progress_bar("epoch", self.console)
        self.progress.start()
        self.task_id = self.progress.add_task("train", total=context.epochs, status="")

    def status(self, logs: dict[str, float]) -> list[str]:
        """The words after the bar for one epoch's ``logs``."""
        parts = [f"loss {logs['loss']:.4g}"]
        if "val_loss" in logs:
            parts.append(f"val_loss {logs['val_loss']:.4g}")
        return parts

    def on_epoch_end(self, epoch, logs):
        if self.progress is not None and self.task_id is not None:
            self.progress.update(self.task_id, completed=epoch, status="  ".join(self.status(logs)))

    def on_train_end(self, history):
        if self.progress is not None:
            self.progress.stop()


class RichProgress(TrainingProgress):
    """The training progress bar of ``train``: epoch, loss, validation loss and a validation metric."""

    def __init__(self, model: Model, validation: Table | None, console: Console):
        super().__init__(console)
        self.model = model
        self.validation = validation

    def status(self, logs):
        parts = [f"loss {logs['loss']:.4g}"]
        if "val_loss" in logs and self.validation is not None:
            parts.append(f"val_loss {logs['val_loss']:.4g}")
            if self.model.task == "classification":
                accuracy = float(
                    np.mean(
                        self.model.predict(self.validation)
                        == self.validation.column(self.model.target).astype(object)
                    )
                )
                parts.append(f"val_accuracy {accuracy:.3f}")
            else:
                parts.append(f"val_r2 {self.model.evaluate(self.validation)['r2']:.3f}")
        return parts
