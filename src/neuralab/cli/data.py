"""Commands on real data: ``train``, ``evaluate``, ``predict`` (CSV files or bundled sets).

Each is a thin front end over ``neuralab.data``, ``neuralab.Model`` and ``neuralab.io``:
parse, call, print (a Rich table, or JSON with ``--json``). Bad input is a one-line error
with a non-zero exit and nothing written. ``train`` lives in ``cli.train``, ``evaluate`` in
``cli.evaluate`` (both importable from here as before); this module holds ``predict``.
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

from .. import io
from .._files import atomic_write
from ..data import (
    BUNDLED,
    DataError,
    Table,
    load_bundled,
    name_list,
    read_csv_chunks,
)
from ..data.preprocessing import TransformReport
from ..errors import ValidationError
from ..model import Model
from ._app import app, run_guarded
from ._common import (
    DECIMAL_HELP,
    MISSING_HELP,
    SEP_HELP,
    check_missing_option,
    check_out,
    echo_json,
    print_out,
    print_warnings,
)
from .train import (  # registered first: the help lists train, evaluate, predict
    DEFAULT_PATIENCE,
    EPOCH_CAP,
    EPOCHS_WITHOUT_STOPPING,
    MIN_IMPROVEMENT,
    train,
)

# isort: split
from .evaluate import evaluate
from .model_data import reader_missing, table_for
from .progress import RichProgress

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
        table = table_for(model, data, None, with_target=False)
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
            missing=reader_missing(missing),
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


__all__ = [
    "DEFAULT_PATIENCE",
    "EPOCHS_WITHOUT_STOPPING",
    "EPOCH_CAP",
    "MIN_IMPROVEMENT",
    "RichProgress",
    "evaluate",
    "predict",
    "train",
]
