"""``neuralab lr-find``: the learning-rate range test on a CSV file or a bundled set.

A thin front end over ``neuralab.lr_find``: the network is shaped for the data as
``neuralab train`` shapes it (same --hidden, --activation, --optimizer), the test raises
the learning rate geometrically each mini-batch until the loss explodes, and the loss is
plotted against the rate (log x axis) to a PNG. The suggested rate is printed with the
``neuralab train`` command that uses it: the same data, network (--hidden, --activation),
optimizer, batch size and seed that were measured, so the suggestion applies to what it trains.
"""

from __future__ import annotations

import shlex

import typer
from rich.table import Table as RichTable

from .._files import atomic_write
from ..data import BUNDLED, DataError, load_data
from ..data.table import delimiter_hint
from ..errors import ValidationError
from ..lr_find import lr_find as run_lr_find
from ..lr_find import plot_lr_find
from ..model import Model
from ._app import app, run_guarded
from ._common import (
    DECIMAL_HELP,
    HIDDEN_HELP,
    OPTIMIZER_CHOICES,
    SEP_HELP,
    check_out,
    echo_json,
    parse_hidden,
    print_out,
)


@app.command("lr-find")
def lr_find(
    data: str = typer.Argument(..., help=f"A CSV file, or a bundled set: {', '.join(BUNDLED)}."),
    target: str | None = typer.Option(None, "--target", "-t", help="The column to predict."),
    task: str | None = typer.Option(None, help="regression or classification (default: inferred)."),
    hidden: str = typer.Option("64,32", help=HIDDEN_HELP),
    activation: str = typer.Option("relu", help="Activation of the hidden layers."),
    optimizer: str = typer.Option("adam", help=f"One of {'|'.join(OPTIMIZER_CHOICES)}."),
    start: float = typer.Option(1e-6, help="Learning rate of the first step."),
    end: float = typer.Option(10.0, help="Learning rate of the last step."),
    steps: int = typer.Option(100, help="Number of mini-batch steps (at most)."),
    batch_size: int = typer.Option(32, help="Mini-batch size."),
    seed: int = typer.Option(0, help="Seed of the initial weights and the shuffling."),
    rule: str = typer.Option(
        "auto",
        help="How to read the suggestion off the curve: auto (minimum/10 "
        "for gd/sgd, valley for adam/rmsprop: validated), minimum/10, "
        "valley or steepest.",
    ),
    drop_missing: bool = typer.Option(False, help="Drop rows with empty/NaN cells (default: impute them)."),
    ignore: str = typer.Option("", help="Comma-separated columns to leave out (ids, free text)."),
    sep: str | None = typer.Option(None, help=SEP_HELP),
    decimal: str | None = typer.Option(None, help=DECIMAL_HELP),
    out: str = typer.Option("lr_find.png", help="The PNG to write: loss against learning rate."),
    force: bool = typer.Option(False, help="Overwrite an existing --out."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Find a learning rate: train briefly while raising it, plot loss against rate, suggest one."""
    run_guarded(_lr_find, **locals())


def _lr_find(
    *,
    data,
    target,
    task,
    hidden,
    activation,
    optimizer,
    start,
    end,
    steps,
    batch_size,
    seed,
    rule,
    drop_missing,
    ignore,
    sep,
    decimal,
    out,
    force,
    as_json,
) -> None:
    if not out.lower().endswith(".png"):
        raise ValidationError(f"--out must name a .png file. Got {out!r}.")
    check_out(out, force)
    if optimizer.strip().lower() not in OPTIMIZER_CHOICES:
        valid = ", ".join(OPTIMIZER_CHOICES)
        raise ValidationError(f"Unknown optimizer {optimizer!r}. Choose one of: {valid}.")
    table, known_target = load_data(data, drop_missing=drop_missing, sep=sep, decimal=decimal)
    target = target or known_target
    if target is None:
        raise DataError(
            f"Give the column to predict with --target. The columns of {data} are: "
            f"{', '.join(table.columns)}.{delimiter_hint(table.columns)}"
        )
    table = table.drop_missing([target], what=f"no value in the target {target!r}")
    ignored = [name.strip() for name in ignore.split(",") if name.strip()]
    model = Model.for_data(
        table, target, task=task, hidden=parse_hidden(hidden), activation=activation, ignore=ignored
    )
    X = model.preprocessor.transform(table)
    y = model.preprocessor.encode_target(table, model.network.output_dim)
    result = run_lr_find(
        model.network,
        X,
        y,
        loss=model.loss,
        optimizer=optimizer.strip().lower(),
        start_learning_rate=start,
        end_learning_rate=end,
        num_steps=steps,
        batch_size=batch_size,
        seed=seed,
        rule=rule,
    )
    with atomic_write(out) as handle:
        plot_lr_find(result).savefig(handle, format="png", dpi=110)
    suggested = result.suggestion == result.suggestion  # not NaN
    command = None
    if suggested:
        command = train_command(
            data,
            target=None if target == known_target else target,
            task=task,
            hidden=parse_hidden(hidden),
            activation=activation,
            optimizer=optimizer.strip().lower(),
            batch_size=batch_size,
            seed=seed,
            drop_missing=drop_missing,
            learning_rate=result.suggestion,
            ignore=",".join(ignored),
            sep=sep,
            decimal=decimal,
        )
    if as_json:
        echo_json(
            {
                "data": data,
                "target": target,
                "task": model.task,
                "loss": model.loss,
                "optimizer": optimizer,
                "steps": len(result.losses),
                "out": out,
                **result.to_dict(),
                "train_command": command,
            }
        )
        return
    grid = RichTable(title=f"learning-rate range test on {data} ({model.task}, {model.loss}, {optimizer})")
    grid.add_column("")
    grid.add_column("value", justify="right")
    grid.add_row("steps run", str(len(result.losses)))
    grid.add_row("stopped", result.stop_reason)
    grid.add_row("lowest smoothed loss at rate", f"{result.best_learning_rate:.3g}")
    grid.add_row(
        f"suggested learning rate ({result.rule})", f"{result.suggestion:.3g}" if suggested else "none"
    )
    print_out(grid)
    print_out(f"plot written to {out}")
    if command is not None:
        print_out(f"try: {command}")
    else:
        print_out(
            f"no suggestion: the smoothed loss was lowest within the first steps, so the {result.rule} "
            f"rule finds no rate in the tested range from --start {start:g}. Run more --steps, "
            "or lower --start."
        )


def train_command(
    data: str,
    *,
    target: str | None,
    task: str | None,
    hidden: tuple[int, ...],
    activation: str,
    optimizer: str,
    batch_size: int,
    seed: int,
    drop_missing: bool,
    learning_rate: float,
    ignore: str = "",
    sep: str | None = None,
    decimal: str | None = None,
) -> str:
    """The ``neuralab train`` command that trains what the range test measured, at ``learning_rate``.

    Everything that shaped the measured loss curve is repeated: the network (--hidden,
    --activation), the optimizer, the batch size, the seed (when not train's default 0), the task
    (when given), --missing drop, --ignore, --sep and --decimal. ``target`` is None for a bundled
    set's own target, which ``train`` knows by itself.
    """
    words = ["neuralab", "train", data]
    if target is not None:
        words += ["--target", target]
    if task is not None:
        words += ["--task", task]
    words += [
        "--hidden",
        ",".join(str(size) for size in hidden) or "0",
        "--activation",
        activation,
        "--optimizer",
        optimizer,
        "--batch-size",
        str(batch_size),
    ]
    if seed != 0:
        words += ["--seed", str(seed)]
    if drop_missing:
        words += ["--missing", "drop"]
    for flag, value in (("--ignore", ignore), ("--sep", sep), ("--decimal", decimal)):
        if value:
            words += [flag, value]
    words += ["--learning-rate", f"{learning_rate:.3g}"]
    return shlex.join(words)


__all__ = ["lr_find", "train_command"]
