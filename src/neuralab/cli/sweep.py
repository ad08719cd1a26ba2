"""``neuralab sweep``: learning rates x activations x depths x widths x seeds, run in parallel
(a local process pool, or a Dask cluster with ``--scheduler``), with a live progress display,
summary tables, and results, figures and index.html in ``--out``.

A thin front end over ``neuralab.sweeps.sweep``: options (or a ``--config`` file, which
options given on the command line override) -> the grid -> the runs -> the tables.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table as RichTable

from ..data import BUNDLED
from ..sweeps import Progress as SweepProgress
from ..sweeps import SweepError, best_run, load_config, summarize, sweep
from ..sweeps.grid import parse_list
from ..sweeps.summary import GRID_KEYS, format_mean_sd
from ._app import app, run_guarded
from ._common import print_out
from .progress import progress_bar

DEFAULTS = {
    "learning_rates": (0.001, 0.01, 0.1, 1.0),
    "activations": ("sigmoid", "tanh", "relu"),
    "depths": (2, 6),
    "widths": (32,),
    "seeds": 3,
    "epochs": 30,
    "batch_size": 32,
    "optimizer": "sgd",
    "validation_split": 0.2,
    "out": "sweep",
}

_console = Console(stderr=True, highlight=False, markup=False)  # paths print literally


class RichSweepProgress(SweepProgress):
    """One progress bar: runs done of total, running, failed, diverged, best so far."""

    def __init__(self, console: Console):
        self.console = console
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.running = self.failed = self.diverged = 0
        self.best: dict | None = None

    def on_start(self, total, skipped, slots, where):
        resumed = f" ({skipped} finished before, skipped)" if skipped else ""
        self.console.print(f"{total} runs on {where}{resumed}")
        self.progress = progress_bar("runs", self.console)
        self.progress.start()
        self.task = self.progress.add_task("sweep", total=total, status="")

    def _status(self) -> str:
        parts = [f"running {self.running}", f"failed {self.failed}", f"diverged {self.diverged}"]
        if self.best is not None:
            parts.append(
                f"best {self.best['metric']} {self.best['final_metric']:.4g} "
                f"(lr {self.best['learning_rate']:g}, {self.best['activation']}, "
                f"depth {self.best['depth']})"
            )
        return "  ".join(parts)

    def on_submit(self, spec):
        assert self.progress is not None and self.task is not None  # on_start came first
        self.running += 1
        self.progress.update(self.task, status=self._status())

    def on_result(self, record):
        assert self.progress is not None and self.task is not None  # on_start came first
        self.running = max(0, self.running - 1)
        self.failed += record["status"] == "error"
        self.diverged += record["status"] == "diverged"
        self.best = best_run([record] if self.best is None else [self.best, record])
        self.progress.update(self.task, advance=1, status=self._status())

    def stop(self):
        if self.progress is not None:
            self.progress.stop()


def _grid_option(name: str, text: str | None, kind: type):
    return None if text is None else parse_list(name, text, kind)


def _seeds_option(text: str | None):
    if text is None:
        return None
    values = parse_list("seeds", text, int)
    return values[0] if len(values) == 1 else values


@app.command("sweep")
def sweep_command(
    data: str | None = typer.Argument(
        None, help=f"A CSV file, or a bundled set: {', '.join(BUNDLED)} (or `data` in --config)."
    ),
    target: str | None = typer.Option(None, "--target", "-t", help="The column to predict."),
    learning_rate: str | None = typer.Option(
        None, "--learning-rate", help="Learning rates, comma-separated (default 0.001,0.01,0.1,1)."
    ),
    activation: str | None = typer.Option(
        None, help="Hidden activations, comma-separated (default sigmoid,tanh,relu)."
    ),
    depth: str | None = typer.Option(None, help="Numbers of hidden layers, comma-separated (default 2,6)."),
    width: str | None = typer.Option(None, help="Units per hidden layer, comma-separated (default 32)."),
    epochs: int | None = typer.Option(None, help="Epochs per run (default 30)."),
    seeds: str | None = typer.Option(
        None, help="A count n (seeds 0..n-1), or seeds comma-separated (default 3)."
    ),
    batch_size: int | None = typer.Option(None, help="Mini-batch size (default 32)."),
    optimizer: str | None = typer.Option(None, help="gd|sgd|momentum|nesterov|adam|rmsprop (default sgd)."),
    workers: int | None = typer.Option(None, help="Local processes (default: the CPU count)."),
    scheduler: str | None = typer.Option(
        None, help="A Dask scheduler, tcp://HOST:8786 (needs the `sweep` extra)."
    ),
    connect_timeout: float = typer.Option(10.0, help="Seconds to wait for the scheduler."),
    out: str | None = typer.Option(None, help="Results folder (default sweep/); rerun to resume."),
    config: str | None = typer.Option(None, help="A TOML (or YAML) file with the grid and settings."),
    max_runs: int | None = typer.Option(None, help="Start at most this many runs now (resume later)."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Train every combination of learning rate x activation x depth x width x seed, in parallel."""
    run_guarded(_sweep, **locals())


def _sweep(
    *,
    data,
    target,
    learning_rate,
    activation,
    depth,
    width,
    epochs,
    seeds,
    batch_size,
    optimizer,
    workers,
    scheduler,
    connect_timeout,
    out,
    config,
    max_runs,
    as_json,
) -> None:
    # Values from DEFAULTS, a TOML config and the options: sweep() checks each one's type.
    settings: dict[str, Any] = dict(DEFAULTS)
    if config is not None:
        settings.update(load_config(config))
    given = {
        "data": data,
        "target": target,
        "learning_rates": _grid_option("learning-rate", learning_rate, float),
        "activations": _grid_option("activation", activation, str),
        "depths": _grid_option("depth", depth, int),
        "widths": _grid_option("width", width, int),
        "seeds": _seeds_option(seeds),
        "epochs": epochs,
        "batch_size": batch_size,
        "optimizer": optimizer,
        "workers": workers,
        "scheduler": scheduler,
        "out": out,
        "max_runs": max_runs,
    }
    settings.update({key: value for key, value in given.items() if value is not None})
    source = settings.pop("data", None)
    if source is None:
        raise SweepError("Give the data: a CSV file or a bundled set name as DATA, or `data` in --config.")
    progress = None if as_json else RichSweepProgress(_console)
    try:
        results = sweep(
            source,
            settings.pop("target", None),
            connect_timeout=connect_timeout,
            progress=progress,
            **settings,
        )
    finally:
        if progress is not None:
            progress.stop()
    best = best_run(results)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "runs": len(results),
                    "ran": results.ran,
                    "skipped": results.skipped,
                    "interrupted": results.interrupted,
                    "data": results.data,
                    "out": str(results.out),
                    "index": None if results.index is None else str(results.index),
                    "best": best,
                    "summary": {key: summarize(results, key) for key in GRID_KEYS},
                },
                indent=2,
            )
        )
    else:
        _print_summary(results, best)
    if results.interrupted:
        _console.print(
            f"interrupted: {len(results)} finished runs are in {results.out}; "
            "rerun the same command to do the rest"
        )
        raise typer.Exit(130)


def _print_summary(results, best) -> None:
    metric = results.data["metric"]
    for key in GRID_KEYS:
        rows = summarize(results, key)
        if len(rows) < 2:
            continue
        grid = RichTable(title=f"by {key.replace('_', ' ')} (mean +- sd)")
        for column in (key, "runs", "diverged", "failed", "final loss", f"final {metric}"):
            grid.add_column(column, justify="right")
        for row in rows:
            value = row[key]
            grid.add_row(
                f"{value:g}" if isinstance(value, float) else str(value),
                str(row["runs"]),
                str(row["diverged"]),
                str(row["failed"]),
                format_mean_sd(row["final_loss_mean"], row["final_loss_sd"]),
                format_mean_sd(row["final_metric_mean"], row["final_metric_sd"]),
            )
        print_out(grid)
    if best is not None:
        print_out(
            f"best run {best['run_id']}: learning rate {best['learning_rate']:g}, "
            f"{best['activation']}, depth {best['depth']}, width {best['width']}, "
            f"seed {best['seed']}: {metric} {best['final_metric']:.4g}, "
            f"loss {best['final_loss']:.4g}"
        )
    ran = f"{results.ran} run(s) now, {results.skipped} from before"
    if results.index is not None:
        print_out(f"{len(results)} runs ({ran}): {results.out}/results.csv, {results.index}")
    elif results.out is not None:
        print_out(f"{len(results)} runs ({ran}): {results.out}/results.csv")


__all__ = ["sweep_command"]
