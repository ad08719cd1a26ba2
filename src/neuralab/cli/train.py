"""``neuralab train``: a network trained on a CSV file or a bundled set, saved as a .nlab model.

The rows are split (stratified for classification), the model is shaped by
``Model.for_data`` (or resumed), trained with early stopping unless told otherwise, saved,
and its metrics printed beside their baselines with warnings and leakage hints.
"""

from __future__ import annotations

import numpy as np
import typer
from rich.table import Table as RichTable

from .. import io
from ..callbacks import Callback, ExponentialDecay, StepDecay
from ..data import (
    BUNDLED,
    DataError,
    infer_task,
    load_data,
)
from ..data.table import delimiter_hint
from ..errors import ValidationError
from ..fit_defaults import (
    DEFAULT_PATIENCE,
    EPOCH_CAP,
    EPOCHS_WITHOUT_STOPPING,
    MIN_IMPROVEMENT,
    VALIDATION_SPLIT,
    default_epochs,
)
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
from .progress import PROGRESS_CONSOLE, RichProgress
from .resume import check_resume_options

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
    validation_split: float = typer.Option(
        VALIDATION_SPLIT, help="Fraction of rows held out for validation."
    ),
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
        check_resume_options(
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
        epochs = default_epochs(stopping=patience is not None)
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
        callbacks.append(RichProgress(model, val_table if val_table.n_rows else None, PROGRESS_CONSOLE))
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
            PROGRESS_CONSOLE.print(message)
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


def _split(n, validation_split, test_split, seed, stratify):
    from ..data import split_indices

    return split_indices(n, validation=validation_split, test=test_split, seed=seed, stratify=stratify)
