"""``neuralab evaluate``: a saved model's metrics on labelled data, each beside its baseline."""

from __future__ import annotations

import typer
from rich.table import Table as RichTable

from .. import io
from ..data.preprocessing import TransformReport
from ..sanity import baseline_warning, small_split_warning
from ._app import app, run_guarded
from ._common import (
    DECIMAL_HELP,
    MISSING_HELP,
    SEP_HELP,
    check_missing_option,
    echo_json,
    print_out,
    print_warnings,
)
from .model_data import table_for


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
    table = table_for(model, data, target, with_target=True, missing=missing, sep=sep, decimal=decimal)
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
