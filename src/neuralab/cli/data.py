"""Commands on real data: ``train``, ``evaluate``, ``predict`` (CSV files or bundled sets).

Each is a thin front end over ``neuralab.data``, ``neuralab.Model`` and ``neuralab.io``:
parse, call, print (a Rich table, or JSON with ``--json``). Bad input is a one-line error
with a non-zero exit and nothing written.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from .. import io
from .._files import atomic_write
from .._validation import check_dtype
from ..activations import get_activation
from ..callbacks import Callback, ExponentialDecay, StepDecay
from ..data import (
    BUNDLED,
    DataError,
    Table,
    infer_task,
    load_bundled,
    load_data,
    name_list,
    read_csv,
    read_csv_chunks,
)
from ..data.preprocessing import TransformReport
from ..data.table import delimiter_hint
from ..dropout import Dropout
from ..errors import ValidationError
from ..layers import Dense
from ..losses import get_loss
from ..model import Model
from ..sanity import baseline_warning, leakage_hints, overfitting_warning, small_split_warning
from ._app import app, run_guarded
from ._common import (
    DECIMAL_HELP,
    HIDDEN_HELP,
    MISSING_HELP,
    OPTIMIZER_CHOICES,
    SEP_HELP,
    check_missing_option,
    check_out,
    echo_json,
    parse_hidden,
    print_out,
    print_warnings,
)

DEFAULT_PATIENCE = 10
"""Early stopping's patience (epochs without a better validation loss) unless --early-stopping."""

EPOCH_CAP = 1000
"""The default --epochs with early stopping: a generous cap; training stops long before."""

MIN_IMPROVEMENT = 1e-4
"""Early stopping counts an epoch as better only when the validation loss drops by more than this
(a separable set's loss creeps down by 1e-9 an epoch for ever)."""

EPOCHS_WITHOUT_STOPPING = 100
"""The default --epochs with --no-early-stopping (or without validation rows)."""

_progress_console = Console(stderr=True, highlight=False, markup=False)  # paths print literally


# -- helpers ------------------------------------------------------------------------------


def _parse_schedule(text: str | None) -> list[Callback]:
    """``step:DROP:EVERY`` or ``exp:RATE`` -> a learning-rate schedule callback."""
    if not text:
        return []
    kind, *args = text.split(":")
    try:
        if kind == "step" and len(args) == 2:
            return [StepDecay(drop=float(args[0]), every=int(args[1]))]
        if kind == "exp" and len(args) == 1:
            return [ExponentialDecay(rate=float(args[0]))]
    except ValueError:
        pass
    raise ValidationError(
        f"--lr-schedule must be step:DROP:EVERY (e.g. step:0.5:10) or exp:RATE (e.g. exp:0.95). Got {text!r}."
    )


def _headline(task: str, result: dict) -> dict:
    """The headline metrics of a full ``Model.evaluate`` result (or its baseline)."""
    if task == "regression":
        return {name: result[name] for name in ("mse", "mae", "r2")}
    return {
        "accuracy": result["accuracy"],
        "precision (mean)": float(np.mean(result["precision"])),
        "recall (mean)": float(np.mean(result["recall"])),
    }


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


# -- train --------------------------------------------------------------------------------
@app.command()
def train(
    data: str = typer.Argument(..., help=f"A CSV file, or a bundled set: {', '.join(BUNDLED)}."),
    target: str | None = typer.Option(None, "--target", "-t", help="The column to predict."),
    task: str | None = typer.Option(None, help="regression or classification (default: inferred)."),
    hidden: str | None = typer.Option(None, help=f"{HIDDEN_HELP} Default 64,32."),
    activation: str | None = typer.Option(None, help="Activation of the hidden layers (default relu)."),
    output_activation: str | None = typer.Option(None, help="Output activation (default by task)."),
    loss: str | None = typer.Option(None, help="Loss (default: cross_entropy or mse)."),
    optimizer: str = typer.Option("adam", help=f"One of {'|'.join(OPTIMIZER_CHOICES)}."),
    learning_rate: float | None = typer.Option(None, help="Step size (default: the optimizer's)."),
    epochs: int | None = typer.Option(
        None,
        help=f"Maximum number of epochs (default {EPOCH_CAP} with early stopping, "
        f"{EPOCHS_WITHOUT_STOPPING} without).",
    ),
    batch_size: int = typer.Option(32, help="Mini-batch size."),
    validation_split: float = typer.Option(0.2, help="Fraction of rows held out for validation."),
    test_split: float = typer.Option(0.0, help="Fraction of rows held out for a final test."),
    early_stopping: int | None = typer.Option(
        None,
        help=f"Patience (epochs, >= 1) on the validation loss; the best weights are kept "
        f"(default {DEFAULT_PATIENCE}).",
    ),
    no_early_stopping: bool = typer.Option(
        False, "--no-early-stopping", help="Train for all --epochs and keep the last weights."
    ),
    l2: float = typer.Option(0.0, help="L2 penalty lambda/2 * sum W^2 on the weights."),
    l1: float = typer.Option(0.0, help="L1 penalty lambda * sum |W| on the weights."),
    dropout: float | None = typer.Option(None, help="Dropout rate after each hidden layer (default 0)."),
    class_weight: str | None = typer.Option(None, help="'balanced' to weight rare classes up."),
    lr_schedule: str | None = typer.Option(None, help="step:DROP:EVERY or exp:RATE."),
    seed: int = typer.Option(0, help="Seed of the split, the initial weights and the shuffling."),
    dtype: str | None = typer.Option(None, help="float32 or float64 (default float32)."),
    missing: str = typer.Option("impute", help=MISSING_HELP),
    missing_indicator: bool = typer.Option(False, help="Add a 0/1 input after each column with gaps."),
    drop_missing: bool = typer.Option(False, hidden=True, help="Same as --missing drop."),
    sep: str | None = typer.Option(None, help=SEP_HELP),
    decimal: str | None = typer.Option(None, help=DECIMAL_HELP),
    ignore: str = typer.Option("", help="Comma-separated columns to leave out (ids, free text)."),
    resume: str | None = typer.Option(
        None, help="Continue training this saved model (its architecture options cannot be changed)."
    ),
    out: str | None = typer.Option(None, help="Model file to write (default model.nlab)."),
    force: bool = typer.Option(False, help="Overwrite an existing --out."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Train a network on a CSV file or a bundled data set and save it as a .nlab model."""
    run_guarded(_train, **locals())


def _train(
    *,
    data,
    target,
    task,
    hidden,
    activation,
    output_activation,
    loss,
    optimizer,
    learning_rate,
    epochs,
    batch_size,
    validation_split,
    test_split,
    early_stopping,
    no_early_stopping,
    l2,
    l1,
    dropout,
    class_weight,
    lr_schedule,
    seed,
    dtype,
    missing,
    missing_indicator,
    drop_missing,
    sep,
    decimal,
    ignore,
    resume,
    out,
    force,
    as_json,
) -> None:
    out = out or resume or "model.nlab"
    check_out(out, force, allowed=resume)
    if optimizer.strip().lower() not in OPTIMIZER_CHOICES:
        valid = ", ".join(OPTIMIZER_CHOICES)
        raise ValidationError(f"Unknown optimizer {optimizer!r}. Choose one of: {valid}.")
    if early_stopping is not None and early_stopping < 1:
        raise ValidationError(
            f"--early-stopping is the patience in epochs and must be at least 1 (to train "
            f"for all --epochs, pass --no-early-stopping). Got {early_stopping}."
        )
    if early_stopping is not None and no_early_stopping:
        raise ValidationError("--early-stopping and --no-early-stopping contradict each other: give one.")
    missing = "drop" if drop_missing else check_missing_option(missing)
    schedule = _parse_schedule(lr_schedule)
    notes: list[str] = []
    ignored = [c.strip() for c in ignore.split(",") if c.strip()]
    model = io.load(resume) if resume else None
    if model is not None:
        _check_resume_options(
            model,
            resume,
            task=task,
            hidden=hidden,
            activation=activation,
            output_activation=output_activation,
            loss=loss,
            dtype=dtype,
            dropout=dropout,
            ignored=ignored,
        )
    table, known_target = load_data(
        data, missing="keep" if missing == "impute" else missing, sep=sep, decimal=decimal
    )
    target = target or (model.target if model else None) or known_target
    if target is None:
        raise DataError(
            f"Give the column to predict with --target. The columns of {data} are: "
            f"{', '.join(table.columns)}.{delimiter_hint(table.columns)}"
        )
    table.column(target)
    table = table.drop_missing([target], what=f"no value in the target {target!r}")
    notes += table.notes
    y = table.column(target)
    if model is None:
        rule_task, rule = infer_task(y, target)
        decided = task or rule_task
    else:
        decided, rule = model.task, f"{model.task}: from the resumed model"
    stratify = y if decided == "classification" else None
    train_rows, val_rows, test_rows = _split(table.n_rows, validation_split, test_split, seed, stratify)
    if model is None:
        sizes = parse_hidden("64,32" if hidden is None else hidden)
        model = Model.for_data(
            table,
            target,
            task=task,
            hidden=sizes,
            activation=activation or "relu",
            output_activation=output_activation,
            loss=loss,
            dtype=dtype or "float32",
            train_rows=train_rows,
            dropout=dropout or 0.0,
            ignore=ignored,
            missing="error" if missing == "error" else "impute",
            missing_indicator=missing_indicator,
        )
        rule = model.preprocessor.task_rule
        notes += model.preprocessor.notes
        chosen_optimizer = optimizer
    else:
        chosen_optimizer = None if model.optimizer is not None else optimizer
    train_table, val_table, test_table = (table.take(rows) for rows in (train_rows, val_rows, test_rows))
    patience = None if no_early_stopping else (early_stopping or DEFAULT_PATIENCE)
    if patience is not None and val_table.n_rows == 0:
        if early_stopping is not None:
            raise ValidationError(
                "--early-stopping needs validation rows: set --validation-split above 0, "
                "or pass --no-early-stopping."
            )
        patience = None
        notes.append("no validation rows: early stopping is off")
    if epochs is None:
        epochs = EPOCH_CAP if patience is not None else EPOCHS_WITHOUT_STOPPING
    if patience is not None:
        notes.append(
            f"early stopping: stops after {patience} epochs without a lower validation loss "
            f"(at most {epochs}) and keeps the best epoch's weights; --no-early-stopping turns it "
            "off"
        )
    if not as_json:
        print_out(f"task {rule}")
        for note in notes:
            print_out(f"note: {note}")
    callbacks = [*schedule]
    if not as_json:
        callbacks.append(RichProgress(model, val_table if val_table.n_rows else None, _progress_console))
    try:
        history = model.fit(
            train_table,
            validation=val_table,
            optimizer=chosen_optimizer,
            learning_rate=learning_rate,
            epochs=epochs,
            batch_size=batch_size,
            early_stopping=patience,
            min_delta=MIN_IMPROVEMENT if patience else 0.0,
            l2=l2,
            l1=l1,
            class_weight=class_weight,
            seed=seed,
            callbacks=callbacks,
        )
    except KeyboardInterrupt:
        model.training["interrupted"] = True
        io.save(model, out)
        ran = model.network.history.epochs_run if model.network.history is not None else 0
        message = (
            f"interrupted: the model trained so far ({ran} epoch(s) "
            f"this run) was written to {out}, marked interrupted"
        )
        if as_json:
            echo_json({"interrupted": True, "out": out, "epochs": ran})
        else:
            _progress_console.print(message)
        raise typer.Exit(130) from None
    io.save(model, out)
    splits = {"train": train_table, "validation": val_table, "test": test_table}
    full = {name: model.evaluate(part) for name, part in splits.items() if part.n_rows}
    results = {name: _headline(model.task, result) for name, result in full.items()}
    baselines = {
        name: {"rule": result["baseline"]["rule"], **_headline(model.task, result["baseline"])}
        for name, result in full.items()
    }
    held = "test" if test_table.n_rows else "validation" if val_table.n_rows else "train"
    warnings = _train_warnings(model, full, splits, held, history, patience)
    hints = []
    if not resume and held != "train":
        held_rows = test_rows if held == "test" else val_rows
        features = [f["name"] for f in model.preprocessor.features]
        hints = leakage_hints(table, target, features, model.task, train_rows, held_rows)
    best_epoch = model.training["sessions"][-1].get("best_epoch") if patience is not None else None
    if as_json:
        echo_json(
            {
                "task": model.task,
                "task_rule": rule,
                "target": target,
                "notes": notes,
                "epochs": history.epochs_run,
                "stop_reason": history.stop_reason,
                "early_stopping": (
                    None if patience is None else {"patience": patience, "best_epoch": best_epoch}
                ),
                "loss": history.loss[-1] if history.loss else None,
                "val_loss": history.val_loss[-1] if history.val_loss else None,
                "metrics": results,
                "baseline": baselines,
                "warnings": warnings,
                "hints": hints,
                "rows": {k: v.n_rows for k, v in splits.items()},
                "out": out,
            }
        )
        print_warnings(warnings, hints)
        return
    stopped = history.stop_reason
    if best_epoch:
        stopped += f", best epoch {best_epoch} kept"
    grid = RichTable(title=f"{model.task} on {data} ({history.epochs_run} epochs, stopped: {stopped})")
    grid.add_column("metric")
    for name in results:
        grid.add_column(name, justify="right")
    grid.add_column(f"baseline ({held})", justify="right")
    for metric in next(iter(results.values())):
        grid.add_row(
            metric, *(f"{results[name][metric]:.4f}" for name in results), f"{baselines[held][metric]:.4f}"
        )
    print_out(grid)
    print_out(f"baseline: {baselines[held]['rule']}")
    print_out(f"model written to {out}")
    print_warnings(warnings, hints)


def _train_warnings(model: Model, full: dict, splits: dict, held: str, history, patience) -> list[str]:
    """Baseline not beaten, too few held-out rows, overfitting (without early stopping)."""
    warnings = []
    for name in ("validation", "test"):
        if name in full:
            found = baseline_warning(model.task, full[name], full[name]["baseline"], name)
            warnings += [found] if found else []
            found = small_split_warning(
                splits[name].n_rows,
                name,
                f"Use more rows, or a larger --{name}-split, and compare a second --seed.",
            )
            warnings += [found] if found else []
    if held == "train":
        warnings.append(
            "no held-out rows: the metrics above are on the training rows only and say nothing "
            "about new data. Keep a --validation-split above 0."
        )
    if patience is None:
        found = overfitting_warning(history)
        warnings += [found] if found else []
    return warnings


def _architecture(model: Model) -> dict[str, object]:
    """The resumed model's architecture options, as ``train`` spells them."""
    dense = [layer for layer in model.network.layers if isinstance(layer, Dense)]
    hidden, output = dense[:-1], dense[-1]
    rates = [layer.rate for layer in model.network.layers if isinstance(layer, Dropout)]
    return {
        "--task": model.task,
        "--hidden": tuple(layer.units for layer in hidden),
        "--activation": hidden[0].activation.name if hidden else None,
        "--output-activation": output.activation.name,
        "--loss": model.loss,
        "--dtype": model.network.dtype.name,
        "--dropout": float(rates[0]) if rates else 0.0,
    }


def _shown(value: object) -> str:
    if isinstance(value, tuple):  # hidden sizes
        return ",".join(map(str, value)) or "0 (no hidden layer)"
    return "none (no hidden layer)" if value is None else str(value)


def _check_resume_options(
    model: Model, resume: str, *, task, hidden, activation, output_activation, loss, dtype, dropout, ignored
) -> None:
    """Refuse architecture options that differ from the resumed model's (they cannot apply)."""
    saved = _architecture(model)
    given = {
        "--task": task,
        "--hidden": None if hidden is None else parse_hidden(hidden),
        "--activation": None if activation is None else get_activation(activation.strip().lower()).name,
        "--output-activation": (
            None if output_activation is None else get_activation(output_activation.strip().lower()).name
        ),
        "--loss": None if loss is None else get_loss(loss.strip().lower()).name,
        "--dtype": None if dtype is None else check_dtype(dtype.strip()).name,
        "--dropout": None if dropout is None else float(dropout),
    }
    for flag, value in given.items():
        if value is not None and value != saved[flag]:
            raise ValidationError(
                f"{flag} {_shown(value)} conflicts with the resumed model {resume}, which has "
                f"{flag} {_shown(saved[flag])}: a resumed model keeps its architecture. Leave {flag} out, or "
                "train a new model without --resume."
            )
    used = [name for name in ignored if name in model.preprocessor.kinds or name == model.target]
    if used:
        raise ValidationError(
            f"--ignore {','.join(used)} conflicts with the resumed model {resume}, which reads "
            f"{name_list(used)}: a resumed model keeps its input columns. Leave --ignore out, or train a "
            "new model without --resume."
        )


def _split(n, validation_split, test_split, seed, stratify):
    from ..data import split_indices

    return split_indices(n, validation=validation_split, test=test_split, seed=seed, stratify=stratify)


# -- evaluate -----------------------------------------------------------------------------
def _reader_missing(missing: str) -> str:
    """What the CSV reader does for a --missing choice (impute: keep the gaps for the model)."""
    return "keep" if missing == "impute" else missing


def _table_for(
    model: Model,
    data: str,
    target: str | None,
    *,
    with_target: bool,
    missing: str = "impute",
    sep: str | None = None,
    decimal: str | None = None,
) -> Table:
    kinds = model.column_kinds(with_target=with_target)
    if data in BUNDLED and not os.path.exists(data):
        table, _ = load_bundled(data)
        absent = [name for name in kinds if name not in table.data]
        if absent:
            raise DataError(
                f"{data} lacks the column(s) the model needs: {name_list(absent)}. "
                f"Its columns are: {name_list(table.columns)}."
            )
        return table
    if with_target and target and target != model.target:
        kinds.setdefault(target, kinds.pop(model.target))  # a feature column keeps its own kind
    return read_csv(data, kinds=kinds, missing=_reader_missing(missing), sep=sep, decimal=decimal)


@app.command()
def evaluate(
    model_path: str = typer.Argument(..., metavar="MODEL", help="A .nlab model file."),
    data: str = typer.Argument(..., help="A CSV file with the target column, or a bundled set."),
    target: str | None = typer.Option(None, "--target", "-t", help="Target column (default: the model's)."),
    missing: str = typer.Option("impute", help=MISSING_HELP),
    strict: bool = typer.Option(False, help="Refuse categories not seen in training (default: all-zero)."),
    sep: str | None = typer.Option(None, help=SEP_HELP),
    decimal: str | None = typer.Option(None, help=DECIMAL_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Metrics of a saved model on labelled data, each beside its baseline (majority class or mean)."""
    run_guarded(
        _evaluate, model_path, data, target, check_missing_option(missing), strict, sep, decimal, as_json
    )


def _evaluate(model_path, data, target, missing, strict, sep, decimal, as_json) -> None:
    model = io.load(model_path)
    table = _table_for(model, data, target, with_target=True, missing=missing, sep=sep, decimal=decimal)
    column = target or model.target
    table = table.drop_missing([column], what=f"no value in the target {column!r}")
    report = TransformReport()
    result = model.evaluate(table, target=target, missing=missing, strict=strict, report=report)
    filled, unseen = report.messages()
    notes = [*table.notes, *filled]
    warnings = [*unseen]
    found = baseline_warning(model.task, result, result["baseline"], "evaluated")
    warnings += [found] if found else []
    found = small_split_warning(table.n_rows, "evaluated")
    warnings += [found] if found else []
    print_warnings(warnings, notes=notes)
    if as_json:
        echo_json({"task": model.task, "rows": table.n_rows, **result, "notes": notes, "warnings": warnings})
        return
    baseline = result["baseline"]
    if model.task == "regression":
        grid = RichTable(title=f"regression metrics on {data} ({table.n_rows} rows)")
        grid.add_column("metric")
        grid.add_column("value", justify="right")
        grid.add_column("baseline", justify="right")
        for name in ("mse", "mae", "r2"):
            grid.add_row(name, f"{result[name]:.6g}", f"{baseline[name]:.6g}")
        print_out(grid)
        print_out(f"baseline: {baseline['rule']}")
        return
    print_out(f"accuracy {result['accuracy']:.4f} on {table.n_rows} rows of {data}")
    print_out(f"baseline {baseline['accuracy']:.4f}: {baseline['rule']}")
    per_class = RichTable(title="per class")
    for column in ("class", "precision", "recall"):
        per_class.add_column(column, justify="right")
    for label, p, r in zip(result["labels"], result["precision"], result["recall"], strict=True):
        per_class.add_row(str(label), f"{p:.4f}", f"{r:.4f}")
    print_out(per_class)
    confusion = RichTable(title="confusion matrix (rows: true, columns: predicted)")
    confusion.add_column("")
    for label in result["labels"]:
        confusion.add_column(str(label), justify="right")
    for label, row in zip(result["labels"], result["confusion_matrix"], strict=True):
        confusion.add_row(str(label), *map(str, row))
    print_out(confusion)


# -- predict ------------------------------------------------------------------------------
SPOOL_BYTES = 8 * 1024 * 1024
"""Predictions for stdout are held in memory up to this size, then in a temporary file, and
written out only once every row has been read and predicted: a bad cell never leaves half a CSV."""


@app.command()
def predict(
    model_path: str = typer.Argument(..., metavar="MODEL", help="A .nlab model file."),
    data: str = typer.Argument(..., help="A CSV file with the model's input columns, or a bundled set."),
    out: str | None = typer.Option(None, help="Write predictions to this CSV (default: stdout)."),
    force: bool = typer.Option(False, help="Overwrite an existing --out."),
    keep: str = typer.Option("", help="Comma-separated columns (ids) copied to the output first, in order."),
    missing: str = typer.Option("impute", help=MISSING_HELP + " drop leaves those rows out of the output."),
    strict: bool = typer.Option(False, help="Refuse categories not seen in training (default: all-zero)."),
    sep: str | None = typer.Option(None, help=SEP_HELP),
    decimal: str | None = typer.Option(None, help=DECIMAL_HELP),
    chunk_rows: int = typer.Option(10_000, help="Rows read and predicted at a time."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines (or a summary with --out)."),
) -> None:
    """Predict every row of DATA, in order (class and probabilities for a classifier).

    Every row is read and predicted before the first line is written: no partial output."""
    run_guarded(
        _predict,
        model_path,
        data,
        out,
        force,
        keep,
        check_missing_option(missing),
        strict,
        sep,
        decimal,
        chunk_rows,
        as_json,
    )


def _prediction_header(model: Model) -> list[str]:
    if model.task == "classification":
        return ["prediction", *(f"probability_{label}" for label in model.classes)]
    return ["prediction"]


def _prediction_rows(model: Model, table: Table, missing: str, strict: bool, report: TransformReport):
    if model.task == "classification":
        probabilities = model.predict_proba(table, missing=missing, strict=strict, report=report)
        labels = np.array(model.classes, dtype=object)[np.argmax(probabilities, axis=1)]
        for label, row in zip(labels, probabilities, strict=True):
            yield [label, *(float(p) for p in row)]
    else:
        for value in model.predict(table, missing=missing, strict=strict, report=report):
            yield [float(value)]


def _keep_columns(keep: str, header: list[str]) -> list[str]:
    names = [name.strip() for name in keep.split(",") if name.strip()]
    clash = [name for name in names if name in header]
    if clash:
        raise ValidationError(
            f"--keep {','.join(clash)} would repeat an output column "
            f"({', '.join(header)}). Rename that column in the input file."
        )
    if len(set(names)) != len(names):
        raise ValidationError(f"--keep names a column twice: {keep!r}.")
    return names


def _predict(model_path, data, out, force, keep, missing, strict, sep, decimal, chunk_rows, as_json) -> None:
    model = io.load(model_path)
    if out is not None:
        check_out(out, force)
    header = _prediction_header(model)
    kept = _keep_columns(keep, header)
    if data in BUNDLED and not os.path.exists(data):
        table = _table_for(model, data, None, with_target=False)
        whole, _ = load_bundled(data)
        absent = [name for name in kept if name not in whole.data]
        if absent:
            raise DataError(
                f"{data} has no column(s) {name_list(absent)} to keep (--keep). Its columns are: "
                f"{name_list(whole.columns)}."
            )
        table.raw = {
            name: np.array([_cell(v) for v in whole.data[name].tolist()], dtype=object) for name in kept
        }
        chunks = iter([table])
    else:
        chunks = read_csv_chunks(
            data,
            model.column_kinds(),
            chunk_rows=chunk_rows,
            missing=_reader_missing(missing),
            sep=sep,
            decimal=decimal,
            keep=kept,
        )
    report = TransformReport()
    notes: list[str] = []
    if out is None:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", newline="") as buffer:
            _write_predictions(
                model, chunks, buffer, [*kept, *header], as_json, kept, missing, strict, report, notes
            )
            _report(report, notes)
            buffer.seek(0)
            shutil.copyfileobj(buffer, sys.stdout)
        return
    with atomic_write(out, "w", newline="") as handle:
        rows = _write_predictions(
            model, chunks, handle, [*kept, *header], False, kept, missing, strict, report, notes
        )
    _report(report, notes)
    if as_json:
        echo_json({"rows": rows, "out": out, "columns": [*kept, *header]})
    else:
        print_out(f"{rows} predictions written to {out}")


def _cell(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _report(report: TransformReport, notes: list[str]) -> None:
    filled, unseen = report.messages()
    print_warnings(unseen, notes=[*notes, *filled])


def _write_predictions(model, chunks, stream, header, as_json, kept, missing, strict, report, notes) -> int:
    writer = None if as_json else csv.writer(stream, lineterminator="\n")
    if writer is not None:
        writer.writerow(header)
    count = 0
    dropped = 0
    for table in chunks:
        dropped += sum(int(note.split()[1]) for note in table.notes if note.startswith("dropped "))
        ids = [table.raw[name].tolist() for name in kept]
        for position, row in enumerate(_prediction_rows(model, table, missing, strict, report)):
            values = [column[position] for column in ids]
            if writer is not None:
                writer.writerow([*values, *row])
            else:
                record = {"row": count + 1, **dict(zip(kept, values, strict=True)), "prediction": row[0]}
                if len(row) > 1:
                    record["probabilities"] = dict(zip(map(str, model.classes), row[1:], strict=True))
                stream.write(json.dumps(record) + "\n")
            count += 1
    if dropped:
        notes.append(
            f"dropped {dropped} row(s) with missing cells (--missing drop): the output has {count} "
            "rows" + ("" if kept else "; --keep an id column to tell which input row each belongs to")
        )
    return count


__all__ = ["evaluate", "predict", "train"]
