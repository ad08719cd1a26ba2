"""Commands of the course: ``descent``, ``backprop``, ``vanishing``, ``activations`` and ``tour``.

Each command calls one function of ``neuralab.experiments``, prints its tables (Rich) or,
with ``--json``, its result object as JSON, and with ``--out`` saves its figures (PNG, SVG).
Numbers are read as text and checked here, so that a bad value gives a one-line error.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from rich.text import Text

from .. import experiments
from ..callbacks import Callback
from ..report import (
    Table,
    TourSettings,
    backprop_tables,
    compare_table,
    descent_table,
    gallery_table,
    run_tour,
    training_table,
    vanishing_table,
)
from ._app import app, error_console, fail, run_guarded
from ._common import echo_json

JSON_HELP = "Print the result object as JSON instead of tables."
OUT_HELP = "Folder to save the figures in (PNG and SVG)."
OutOption = Annotated[Path | None, typer.Option("--out", help=OUT_HELP)]


def _number(option: str, text: str) -> float:
    """``text`` as a finite float, or a one-line error naming ``option``."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        fail(f"`{option}` must be a finite number, e.g. 0.4. Got {text!r}.")
    return value


def _positive_number(option: str, text: str) -> float:
    value = _number(option, text)
    if value <= 0:
        fail(f"`{option}` must be a number > 0. Got {text!r}.")
    return value


def _whole(option: str, text: str, minimum: int = 1) -> int:
    """``text`` as an int >= ``minimum``, or a one-line error naming ``option``."""
    try:
        value = int(text)
    except ValueError:
        fail(f"`{option}` must be a whole number >= {minimum}. Got {text!r}.")
    if value < minimum:
        fail(f"`{option}` must be a whole number >= {minimum}. Got {text!r}.")
    return value


def _console() -> Console:
    return Console(highlight=False, markup=False)  # paths and table cells print literally


def _column_widths(table: Table, available: int) -> list[int] | None:
    """Column widths that keep every word of the headers and cells whole within ``available``
    characters, or None where Rich's own layout does (everything fits) or nothing can.

    Rich narrows the widest columns first and cuts words with "…"; here each column gets at
    least its longest word, and the spare room is shared fairly: a column that needs less than
    an equal share gets all it needs, the rest split what is left.
    """
    columns = [[header, *(row[i] for row in table.rows)] for i, header in enumerate(table.headers)]
    if not columns:
        return None
    words = [max((cell_len(w) for text in texts for w in text.split()), default=0) for texts in columns]
    lines = [
        max((cell_len(line) for text in texts for line in text.splitlines()), default=0) for texts in columns
    ]
    room = available - (3 * len(columns) + 1)  # borders and one space of padding each side
    if sum(lines) <= room or sum(words) > room:
        return None
    spare, extra = room - sum(words), [0] * len(columns)
    wanted = [line - word for line, word in zip(lines, words, strict=True)]
    order = sorted(range(len(columns)), key=wanted.__getitem__)
    for position, i in enumerate(order):
        extra[i] = min(wanted[i], spare // (len(columns) - position))
        spare -= extra[i]
    return [max(word + more, 1) for word, more in zip(words, extra, strict=True)]


def _print_table(console: Console, table: Table) -> None:
    rich_table = RichTable(title=table.caption, title_justify="left", title_style="italic")
    widths = _column_widths(table, console.width)
    for i, header in enumerate(table.headers):
        rich_table.add_column(header, width=None if widths is None else widths[i])
    for row in table.rows:
        rich_table.add_row(*row)
    console.print(rich_table)


def _print_json(result) -> None:
    echo_json(result.to_dict())


def _save(console: Console | None, out: Path | None, figures: dict) -> None:
    """Save each figure (stem -> Figure) under ``out``; say where unless printing JSON."""
    if out is None:
        return
    from ..plots import save_figure

    for stem, figure in figures.items():
        paths = run_guarded(save_figure, figure, out, stem)
        if console is not None:
            console.print("figure: " + ", ".join(str(p) for p in paths))


@app.command()
def descent(
    w0: str = typer.Option("0.2", "--w0", metavar="FLOAT", help="Starting weight w0."),
    learning_rate: str = typer.Option(
        "0.4", "--learning-rate", "-l", metavar="FLOAT", help="Step size alpha."
    ),
    steps: str = typer.Option("100", "--steps", metavar="INT", help="Maximum number of steps."),
    tolerance: str = typer.Option(
        "1e-6", "--tolerance", metavar="FLOAT", help="Stop once J(w) <= tolerance."
    ),
    compare: bool = typer.Option(
        False, "--compare", help="Run a small, a good and a too-large learning rate."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    out: OutOption = None,
) -> None:
    """Gradient descent on J(w) = sum (z - w x)^2 with z = 2x: the iteration table."""
    w0_value = _number("--w0", w0)
    rate = _positive_number("--learning-rate", learning_rate)
    max_steps = _whole("--steps", steps)
    tol = _number("--tolerance", tolerance)
    if tol < 0:
        fail(f"`--tolerance` must be a number >= 0. Got {tolerance!r}.")
    if compare:
        result = run_guarded(experiments.compare_learning_rates, w0=w0_value, steps=max_steps, tolerance=tol)
    else:
        result = run_guarded(
            experiments.descent, w0=w0_value, learning_rate=rate, steps=max_steps, tolerance=tol
        )
    console = None if as_json else _console()
    if console is None:  # --json
        _print_json(result)
    elif compare:
        _print_table(console, compare_table(result))
        for run in result.runs:
            _print_table(console, descent_table(run))
        for claim in experiments.descent_claims(result):
            console.print(claim.text, markup=False)
    else:
        _print_table(console, descent_table(result))
    if out is not None:
        from ..plots import plot_descent

        _save(console, out, {"descent_compare" if compare else "descent": plot_descent(result)})


@app.command()
def backprop(
    x: str = typer.Option("0.1", "--x", metavar="FLOAT", help="The input x."),
    w1: str = typer.Option("0.15", "--w1", metavar="FLOAT", help="Weight of the first neuron."),
    b1: str = typer.Option("0.4", "--b1", metavar="FLOAT", help="Bias of the first neuron."),
    w2: str = typer.Option("0.45", "--w2", metavar="FLOAT", help="Weight of the second neuron."),
    b2: str = typer.Option("0.65", "--b2", metavar="FLOAT", help="Bias of the second neuron."),
    target: str = typer.Option("0.25", "--target", metavar="FLOAT", help="The ground truth T."),
    learning_rate: str = typer.Option("0.4", "--learning-rate", "-l", metavar="FLOAT", help="Step size."),
    steps: str = typer.Option("1", "--steps", metavar="INT", help="Gradient-descent steps (error per step)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    out: OutOption = None,
) -> None:
    """The two-neuron worked example: forward pass, chain-rule products, updated parameters."""
    values = {
        name: _number(f"--{name}", text)
        for name, text in {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "target": target}.items()
    }
    result = run_guarded(
        experiments.backprop,
        **values,
        learning_rate=_positive_number("--learning-rate", learning_rate),
        steps=_whole("--steps", steps),
    )
    console = None if as_json else _console()
    if console is None:  # --json
        _print_json(result)
    else:
        for table in backprop_tables(result):
            _print_table(console, table)
        for partial in result.partials:
            console.print(partial["equation"], soft_wrap=True)
    if out is not None:
        from ..plots import plot_backprop

        _save(console, out, {"backprop": plot_backprop(result)})


_V = experiments.VANISHING_DEFAULTS


@app.command()
def vanishing(
    activations: str = typer.Option(
        "sigmoid,tanh,relu,leaky_relu",
        "--activations",
        help="Comma-separated hidden-layer activations to compare.",
    ),
    dataset: str = typer.Option(
        "digits", "--dataset", help="digits or breast_cancer (bundled with scikit-learn)."
    ),
    depth: str = typer.Option(str(_V["depth"]), "--depth", metavar="INT", help="Number of hidden layers."),
    width: str = typer.Option(str(_V["width"]), "--width", metavar="INT", help="Units per hidden layer."),
    epochs: str = typer.Option(
        str(_V["epochs"]), "--epochs", metavar="INT", help="Training epochs per activation (the tour's)."
    ),
    learning_rate: str = typer.Option(
        f"{_V['learning_rate']:g}",
        "--learning-rate",
        "-l",
        metavar="FLOAT",
        help="SGD step size at the start.",
    ),
    momentum: str = typer.Option(
        f"{_V['momentum']:g}", "--momentum", metavar="FLOAT", help="SGD momentum in [0, 1) (0: plain SGD)."
    ),
    decay: str = typer.Option(
        f"{_V['decay']:g}",
        "--decay",
        metavar="FLOAT",
        help="Learning rate multiplied by this after every epoch, in (0, 1] (1: constant).",
    ),
    initializer: str | None = typer.Option(
        None,
        "--initializer",
        help="Force one initializer for every activation (default: "
        "he_uniform for relu/leaky_relu, glorot_uniform otherwise).",
    ),
    seed: str = typer.Option("0", "--seed", metavar="INT", help="Seed of the weights, split and shuffling."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    out: OutOption = None,
) -> None:
    """Deep networks with sigmoid/tanh/relu/leaky_relu: gradient flow per layer, loss, accuracy.

    The defaults are the tour's, so the numbers equal the report's.
    """
    names = tuple(name.strip() for name in activations.split(",") if name.strip())
    momentum_value, decay_value = _number("--momentum", momentum), _number("--decay", decay)
    if not 0 <= momentum_value < 1:
        fail(f"`--momentum` must be a number in [0, 1), e.g. 0.9 (0: plain SGD). Got {momentum!r}.")
    if not 0 < decay_value <= 1:
        fail(f"`--decay` must be a number in (0, 1], e.g. 0.85 (1: a constant rate). Got {decay!r}.")
    result = run_guarded(
        experiments.vanishing,
        activations=names,
        dataset=dataset,
        depth=_whole("--depth", depth),
        width=_whole("--width", width),
        epochs=_whole("--epochs", epochs),
        learning_rate=_positive_number("--learning-rate", learning_rate),
        momentum=momentum_value,
        decay=decay_value,
        initializer=initializer,
        seed=_whole("--seed", seed, minimum=0),
    )
    console = None if as_json else _console()
    if console is None:  # --json
        echo_json(
            {
                **result.to_dict(),
                "claims": [claim.to_dict() for claim in experiments.vanishing_claims(result)],
            }
        )
    else:
        _print_table(console, vanishing_table(result))
        for run in result.runs:
            if run.diagnosis != "healthy":
                console.print(Text.assemble((f"{run.activation}:", "bold"), f" {run.advice}"))
        for claim in experiments.vanishing_claims(result):
            console.print(claim.text, markup=False)
    if out is not None:
        from ..plots import plot_gradient_flow, plot_loss_curves

        _save(
            console,
            out,
            {"gradient_flow": plot_gradient_flow(result), "vanishing_loss": plot_loss_curves(result)},
        )


@app.command(name="activations")
def activations_command(
    name: str | None = typer.Option(None, "--name", help="Show one activation only (e.g. relu)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    out: OutOption = None,
) -> None:
    """The seven activation functions: formula, range, derivative, where used."""
    if name is None:
        result = experiments.activation_gallery()
    else:
        result = experiments.GalleryResult(activations=[run_guarded(experiments.activation_info, name)])
    console = None if as_json else _console()
    if console is None:  # --json
        _print_json(result)
    else:
        _print_table(console, gallery_table(result))
    if out is not None:
        from .. import plots

        if name is not None:
            figures = {
                f"activation_{info.name}": plots.plot_activation(info.name) for info in result.activations
            }
        else:
            figures = {"activations": plots.plot_gallery(result)}
        _save(console, out, figures)


class _EpochProgress(Callback):
    """Advances a Rich progress bar after each epoch of the digits training."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task: TaskID | None = None

    def on_train_begin(self, context):
        super().on_train_begin(context)
        self.task = self.progress.add_task("training on digits", total=context.epochs)

    def on_epoch_end(self, epoch, logs):
        if self.task is None:
            return
        self.progress.update(
            self.task, completed=epoch, description=f"training on digits (loss {logs['loss']:.4f})"
        )


@app.command()
def tour(
    out: Annotated[Path, typer.Option("--out", help="Report folder to write.")] = Path("neuralab-report"),
    force: bool = typer.Option(False, "--force", help="Overwrite the report folder if it exists."),
    quick: bool = typer.Option(False, "--quick", help="Fewer epochs and smaller networks (seconds)."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Run the whole course and write a report folder with index.html.

    Gradient descent, backpropagation, the vanishing gradient, the seven activations and a
    digits training, with their figures.
    """
    if out.exists() and not out.is_dir():
        fail(f"`--out` {out} is a file, not a folder. Choose another path.")
    if out.exists() and any(out.iterdir()):
        if not force:
            fail(
                f"The report folder {out} already exists. Use --force to overwrite it or --out to "
                "choose another."
            )
    settings = TourSettings.quick() if quick else TourSettings()
    console = _console()
    progress_console = Console(stderr=True) if as_json else console
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=progress_console,
        transient=as_json,
    ) as progress:
        stages = progress.add_task("course", total=5)

        def on_stage(name: str) -> None:
            progress.update(stages, description=name, advance=0 if name == "gradient descent" else 1)

        try:
            result = run_guarded(
                run_tour,
                out,
                settings=settings,
                training_callbacks=[_EpochProgress(progress)],
                on_stage=on_stage,
            )
        except KeyboardInterrupt:
            progress.stop()
            # run_tour wrote into a temporary folder and removed it: nothing half-written is left.
            kept = "left as it was" if out.exists() else "not created"
            error_console.print(
                f"Interrupted: the tour stopped before it finished. Nothing was written; {out} was {kept}.",
                markup=False,
            )
            raise typer.Exit(130) from None
        progress.update(stages, description="done", completed=5)
    if as_json:
        _print_json(result)
        return
    _print_table(console, descent_table(result.descent))
    _print_table(console, compare_table(result.compare))
    for table in backprop_tables(result.backprop):
        _print_table(console, table)
    _print_table(console, vanishing_table(result.vanishing))
    _print_table(console, gallery_table(result.gallery))
    _print_table(console, training_table(result.training))
    console.print(f"Test accuracy on digits: {result.training.test_accuracy:.1%}")
    console.print(f"Report: {result.index} ({len(result.figures)} figure files, {result.seconds:.1f} s)")
