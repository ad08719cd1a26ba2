"""One run of a sweep: build the network through the public API, train it with ``fit``,
and describe the outcome as a flat record (one row of the results table).

The data are prepared once (``prepare_data``) into a ``SweepData`` of plain arrays, which
is what travels to each worker process (once per worker, never once per run).
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from .. import metrics
from ..callbacks import Callback
from ..data import Preprocessor, Table, infer_task, load_data, split_indices
from ..errors import DivergenceError
from ..layers import Dense
from ..network import Sequential
from ..optimizers import get_optimizer
from ..training import DivergenceRule, fit
from .grid import RunSpec, SweepError

SWEEP_DIVERGENCE = DivergenceRule(factor=10.0)
"""The rule every sweep run trains under and is judged by: a loss above 10 x max(best, 1) diverged."""

RECORD_FIELDS = (
    "run_id",
    "learning_rate",
    "activation",
    "depth",
    "width",
    "seed",
    "epochs",
    "batch_size",
    "optimizer",
    "dtype",
    "status",
    "final_loss",
    "best_loss",
    "final_val_loss",
    "metric",
    "final_metric",
    "best_metric",
    "epochs_run",
    "diverged",
    "diverged_epoch",
    "error",
    "gradient_ratio",
    "gradient_ratio_final",
    "wall_time",
    "worker",
)
"""The columns of a run record, in CSV order.

status is "ok", "diverged" or "error". A run is "diverged" when ``SWEEP_DIVERGENCE`` stopped
its fit (a batch loss above 10 x the best so far, or not finite), or when it finished with its
last epoch's loss above that rule's bound (10 x the best epoch loss): a blow-up that stayed
finite. ``diverged_epoch`` is the epoch the rule fired in. Losses are per epoch (training loss; validation
loss after the last completed epoch). The metric is accuracy (classification) or R^2
(regression) on the validation rows (the training rows without a validation split).
gradient_ratio is ||dE/dW_1|| / ||dE/dW_last|| in the first epoch, gradient_ratio_final in
the last completed one.

Examples
--------
>>> from neuralab.sweeps import RECORD_FIELDS
>>> RECORD_FIELDS[:4]
('run_id', 'learning_rate', 'activation', 'depth')
"""


@dataclass
class SweepData:
    """The arrays every run trains on, prepared once for the whole sweep.

    Attributes
    ----------
    X_train : ndarray of shape (n_train, n_inputs)
    y_train : ndarray of shape (n_train, n_outputs)
        One-hot rows (classification) or the standardised target (regression).
    X_val, y_val : ndarrays of shape (n_val, ...), or None without a validation split
    task : "classification" or "regression"
    loss, output_activation : the output layer's pairing (cross_entropy + softmax, or mse + linear)

    Examples
    --------
    >>> from neuralab.sweeps import prepare_data
    >>> data = prepare_data("iris", validation_split=0.2, split_seed=0)
    >>> data.X_train.shape, data.y_train.shape, data.task, data.loss
    ((120, 4), (120, 3), 'classification', 'cross_entropy')
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray | None
    y_val: np.ndarray | None
    task: str
    loss: str
    output_activation: str
    source: str = "data"
    target: str = "target"
    classes: list = field(default_factory=list)

    @property
    def n_outputs(self) -> int:
        return self.y_train.shape[1]

    @property
    def metric(self) -> str:
        return "accuracy" if self.task == "classification" else "r2"

    def describe(self) -> dict:
        return {
            "source": self.source,
            "target": self.target,
            "task": self.task,
            "loss": self.loss,
            "output_activation": self.output_activation,
            "metric": self.metric,
            "n_train": int(self.X_train.shape[0]),
            "n_val": 0 if self.X_val is None else int(self.X_val.shape[0]),
            "n_inputs": int(self.X_train.shape[1]),
            "n_outputs": self.n_outputs,
            "classes": [str(c) for c in self.classes],
        }


def prepare_data(
    data: str | os.PathLike | Table,
    target: str | None = None,
    *,
    validation_split: float = 0.2,
    split_seed: int = 0,
    task: str | None = None,
) -> SweepData:
    """Load ``data`` (a CSV path, a bundled set's name or a Table) and encode it once.

    The rows are split (stratified for classification) with ``split_seed``; scaling is
    fitted on the training rows only, as ``neuralab train`` does.

    Examples
    --------
    >>> from neuralab.sweeps import prepare_data
    >>> data = prepare_data("diabetes")
    >>> data.task, data.X_train.shape[1]
    ('regression', 10)
    """
    if isinstance(data, Table):
        table, known_target = data, None
    else:
        table, known_target = load_data(data)
    target = target or known_target
    if target is None:
        raise SweepError(
            f"Give the column to predict with --target. The columns of {table.source} are: "
            f"{', '.join(table.columns)}."
        )
    y = table.column(target)
    decided = task or infer_task(y, target)[0]
    stratify = y if decided == "classification" else None
    train_rows, val_rows, _ = split_indices(
        table.n_rows, validation=validation_split, seed=split_seed, stratify=stratify
    )
    pre = Preprocessor.fit(table, target, task=task, train_rows=train_rows)
    n_outputs = len(pre.classes) if pre.task == "classification" else 1
    train, val = table.take(train_rows), table.take(val_rows)
    X_val = pre.transform(val) if val.n_rows else None
    y_val = pre.encode_target(val, n_outputs) if val.n_rows else None
    loss, output = ("cross_entropy", "softmax") if pre.task == "classification" else ("mse", "linear")
    return SweepData(
        pre.transform(train),
        pre.encode_target(train, n_outputs),
        X_val,
        y_val,
        pre.task,
        loss,
        output,
        source=str(table.source),
        target=target,
        classes=list(pre.classes),
    )


def build_network(spec: RunSpec, n_inputs: int, n_outputs: int, output_activation: str) -> Sequential:
    """``depth`` hidden Dense layers of ``width`` units, then the output layer.

    He initialisation for ReLU-like activations, Glorot otherwise (as ``Model.for_data``).
    """
    initializer = "he_uniform" if spec.activation in ("relu", "leaky_relu") else "glorot_uniform"
    layers, width = [], n_inputs
    for _ in range(spec.depth):
        layers.append(Dense(spec.width, spec.activation, input_dim=width, initializer=initializer))
        width = spec.width
    layers.append(Dense(n_outputs, output_activation, input_dim=width))
    return Sequential(layers, dtype=spec.dtype)


class MetricRecorder(Callback):
    """After every epoch, the metric (accuracy or R^2) of the network on the given rows."""

    def __init__(self, X: np.ndarray, y: np.ndarray, task: str):
        self.X, self.y, self.task = X, y, task
        self.values: list[float] = []

    def on_epoch_end(self, epoch, logs):
        output = self.context.network.predict(self.X)
        if self.task == "classification":
            value = metrics.accuracy(np.argmax(self.y, axis=1), np.argmax(output, axis=1))
        else:
            value = metrics.r2_score(self.y[:, 0], output[:, 0].astype(np.float64))
        self.values.append(value)


def _finite(value) -> float | None:
    """A float for JSON, or None for NaN / infinity / missing (strict JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _ratio(norms: list[float]) -> float | None:
    if not norms or not norms[-1] or not math.isfinite(norms[-1]) or not math.isfinite(norms[0]):
        return None
    return _finite(norms[0] / norms[-1])


@dataclass
class RunOutcome:
    """What one training run left: the network (``history`` filled; None if building it failed),
    the metric per epoch, and the exception it raised (None for a run that finished)."""

    network: Sequential | None
    metric_values: list[float]
    error: Exception | None


def train_run(spec: RunSpec, data: SweepData) -> RunOutcome:
    """Build the network for ``spec`` and train it with ``fit`` on ``data``."""
    # X_val and y_val are None together (no validation split) or arrays together.
    rows = (
        (data.X_val, cast(np.ndarray, data.y_val)) if data.X_val is not None else (data.X_train, data.y_train)
    )
    recorder = MetricRecorder(*rows, data.task)
    validation = (data.X_val, data.y_val) if data.X_val is not None else None
    network = None
    try:
        network = build_network(spec, data.X_train.shape[1], data.n_outputs, data.output_activation)
        fit(
            network,
            data.X_train,
            data.y_train,
            loss=data.loss,
            optimizer=get_optimizer(spec.optimizer, spec.learning_rate),
            epochs=spec.epochs,
            batch_size=spec.batch_size,
            validation_data=validation,
            seed=spec.seed,
            callbacks=[recorder],
            divergence=SWEEP_DIVERGENCE,
        )
    except Exception as exc:  # a failed run is a result (recorded with its error), not a crash
        return RunOutcome(network, recorder.values, exc)
    return RunOutcome(network, recorder.values, None)


def blow_up_epoch(losses: list[float], rule: DivergenceRule = SWEEP_DIVERGENCE) -> int | None:
    """The epoch (1-based) a finished run blew up in, or None.

    A run blew up when its last epoch loss is above the rule's bound for the best epoch loss
    (``rule.diverged(last, best)``); the epoch is the first whose loss the rule judges
    diverged against the best loss of the epochs before it.

    >>> blow_up_epoch([5.0, 2.0, 1.5, 40.0, 30.0])
    4
    >>> blow_up_epoch([5.0, 2.0, 30.0, 1.0]) is None  # it recovered
    True
    """
    if not losses or not rule.diverged(losses[-1], min(losses)):
        return None
    for k in range(1, len(losses)):
        if rule.diverged(losses[k], min(losses[:k])):
            return k + 1
    return len(losses)


def run_one(spec: RunSpec, data: SweepData, worker: str = "local") -> dict:
    """Train ``spec`` on ``data`` and return its record (see ``RECORD_FIELDS``).

    Examples
    --------
    >>> from neuralab.sweeps import SweepGrid, prepare_data, run_one
    >>> data = prepare_data("iris")
    >>> spec = SweepGrid(learning_rates=(0.1,), depths=(1,), widths=(8,), seeds=1, epochs=3).runs()[0]
    >>> record = run_one(spec, data)
    >>> record["status"], record["epochs_run"], record["activation"]
    ('ok', 3, 'relu')
    """
    started = time.perf_counter()
    outcome = train_run(spec, data)
    history = None if outcome.network is None else outcome.network.history
    values, error = outcome.metric_values, outcome.error
    finite_values = [v for v in values if math.isfinite(v)]
    losses = [] if history is None else [v for v in history.loss if math.isfinite(v)]
    norms = [] if history is None else history.gradient_norms
    record = spec.to_dict()
    record.update(
        status="ok",
        final_loss=_finite(losses[-1]) if losses else None,
        best_loss=_finite(min(losses)) if losses else None,
        final_val_loss=_finite(history.val_loss[-1]) if history is not None and history.val_loss else None,
        metric=data.metric,
        final_metric=_finite(values[-1]) if values else None,
        best_metric=max(finite_values) if finite_values else None,
        epochs_run=0 if history is None else history.epochs_run,
        diverged=False,
        diverged_epoch=None,
        error=None,
        gradient_ratio=_ratio(norms[0]) if norms else None,
        gradient_ratio_final=_ratio(norms[-1]) if norms else None,
    )
    blew_up = blow_up_epoch(list(history.loss)) if error is None and history is not None else None
    if isinstance(error, DivergenceError):
        record.update(status="diverged", diverged=True, diverged_epoch=int(error.epoch), error=str(error))
    elif blew_up is not None and history is not None:  # blew_up is only set with a history
        best = min(history.loss)
        record.update(
            status="diverged",
            diverged=True,
            diverged_epoch=blew_up,
            error=(
                f"The loss blew up in epoch {blew_up} and ended at {history.loss[-1]:.4g}, "
                f"above {SWEEP_DIVERGENCE.factor:g} x its best epoch loss {best:.4g}. "
                f"Try a smaller learning rate, e.g. {spec.learning_rate / 10:g}."
            ),
        )
    elif error is not None:
        record.update(status="error", error=f"{type(error).__name__}: {error}")
    record.update(wall_time=time.perf_counter() - started, worker=worker)
    return {name: record[name] for name in RECORD_FIELDS}


# -- worker entry points ----------------------------------------------------------------------
_WORKER_DATA: SweepData | None = None


def init_local_worker(data: SweepData) -> None:
    """Process-pool initializer: keep the data for every run of this process, ignore Ctrl-C
    while idle (the parent decides what an interruption stops), one BLAS thread per process."""
    import signal

    global _WORKER_DATA
    _WORKER_DATA = data
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def run_in_local_worker(spec: RunSpec) -> dict:
    """A run in a process of the local pool (the data came with the initializer)."""
    if _WORKER_DATA is None:
        raise RuntimeError("run_in_local_worker called outside a sweep worker process")
    return run_one(spec, _WORKER_DATA, worker=f"local:{os.getpid()}")


def run_in_dask_worker(spec: RunSpec, data: SweepData) -> dict:
    """A run on a Dask worker; ``data`` was scattered to every worker once."""
    from distributed import get_worker

    return run_one(spec, data, worker=get_worker().address)


__all__ = [
    "RECORD_FIELDS",
    "SWEEP_DIVERGENCE",
    "RunOutcome",
    "SweepData",
    "blow_up_epoch",
    "build_network",
    "prepare_data",
    "run_one",
    "train_run",
]
