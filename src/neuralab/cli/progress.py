"""The Rich progress bar ``neuralab train`` draws on stderr: epoch, loss, validation loss and metric."""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..callbacks import Callback
from ..data import (
    Table,
)
from ..model import Model

PROGRESS_CONSOLE = Console(stderr=True, highlight=False, markup=False)  # paths print literally


class RichProgress(Callback):
    """A Rich progress bar: epoch, loss, validation loss and a validation metric."""

    def __init__(self, model: Model, validation: Table | None, console: Console):
        self.model, self.console = model, console
        self.validation = validation
        self.progress: Progress | None = None

    def on_train_begin(self, context):
        super().on_train_begin(context)
        self.progress = Progress(
            TextColumn("epoch"),
            MofNCompleteColumn(),
            BarColumn(),
            TextColumn("{task.fields[status]}", markup=False),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.progress.start()
        self.task_id = self.progress.add_task("train", total=context.epochs, status="")

    def on_epoch_end(self, epoch, logs):
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
        if self.progress is not None:
            self.progress.update(self.task_id, completed=epoch, status="  ".join(parts))

    def on_train_end(self, history):
        if self.progress is not None:
            self.progress.stop()
