"""``neuralab.sweep``: train one network per point of a hyperparameter grid, in parallel, and
collect one record per run.

Examples
--------
>>> import neuralab as nl
>>> results = nl.sweep("iris", learning_rates=[0.1], activations=["tanh"], depths=[1], widths=[4],
...                    seeds=2, epochs=2, workers=1)
>>> len(results), results[0]["activation"], results[0]["status"]
(2, 'tanh', 'ok')
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .._validation import check_positive_number
from ..data import BUNDLED, Table
from .execute import Progress, connect, make_backend, run_all
from .grid import SweepError, SweepGrid
from .runner import RECORD_FIELDS, prepare_data
from .store import ResultStore, write_csv


class SweepResults(list):
    """The records of a sweep (a list of dicts, one per run, columns ``RECORD_FIELDS``).

    Attributes
    ----------
    interrupted : bool
        Ctrl-C stopped the sweep before every run was done.
    skipped : int
        Runs found finished in the output folder and not run again.
    ran : int
        Runs done by this call.
    data : dict
        The data the runs trained on (source, target, task, loss, metric, sizes).
    out : Path or None
        The output folder (results.jsonl, results.csv, figures/, index.html).

    Examples
    --------
    >>> import neuralab as nl
    >>> results = nl.sweep("iris", learning_rates=[0.1], depths=[1], widths=[4], seeds=2, epochs=1,
    ...                    workers=1)
    >>> isinstance(results, list), results.ran, results.skipped, results.interrupted
    (True, 2, 0, False)
    """

    interrupted: bool = False
    skipped: int = 0
    ran: int = 0
    data: dict
    out: Path | None = None
    # Public attribute (the sweep's index.html) that shadows list.index on purpose; renaming it would
    # change the API.
    index: Path | None = None  # type: ignore[assignment]

    def to_dataframe(self):
        """The records as a pandas DataFrame (needs pandas: pip install pandas)."""
        try:
            import pandas
        except ImportError:
            raise SweepError(
                "to_dataframe needs pandas: pip install pandas. The records are plain dicts in this list."
            ) from None
        return pandas.DataFrame(list(self), columns=list(RECORD_FIELDS))


def _check_count(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SweepError(f"`{name}` must be a positive integer. Got {value!r}.")
    return value


def _identity(data: str | os.PathLike | Table, target: str | None, validation_split: float) -> dict:
    if isinstance(data, Table):
        source = data.source
    else:
        text = os.fspath(data)
        source = text if text in BUNDLED and not os.path.exists(text) else os.path.abspath(text)
    return {"data": source, "target": target, "validation_split": validation_split}


def sweep(
    data: str | os.PathLike | Table,
    target: str | None = None,
    *,
    learning_rates: Sequence[float] = (0.01, 0.1),
    activations: Sequence[str] = ("relu",),
    depths: Sequence[int] = (2,),
    widths: Sequence[int] = (32,),
    seeds: int | Sequence[int] = 3,
    epochs: int = 30,
    batch_size: int | None = 32,
    optimizer: str = "sgd",
    dtype: str = "float32",
    validation_split: float = 0.2,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = 10.0,
    out: str | os.PathLike | None = None,
    max_runs: int | None = None,
    figures: bool = True,
    progress: Progress | None = None,
) -> SweepResults:
    """Train every combination of learning rate x activation x depth x width x seed.

    Parameters
    ----------
    data : CSV path, bundled set name ("iris", "diabetes", ...) or Table
    target : str, optional
        The column to predict (a bundled set knows its own).
    learning_rates, activations, depths, widths : lists of values to combine
        ``depth`` hidden layers of ``width`` units with the hidden ``activation``; the output
        layer follows the task (softmax + cross entropy, or linear + mse).
    seeds : int or list of int
        A count n means seeds 0..n-1. The seed drives the initial weights and the shuffling.
    epochs, batch_size, optimizer, dtype : fixed training settings of every run
    validation_split : float
        Rows held out (the same rows for every run) for the validation loss and the metric.
    workers : int, optional
        Local processes (default: the CPU count, at most one per run). 1 runs everything in
        this process. Ignored with ``scheduler``.
    scheduler : str, optional
        ``tcp://HOST:PORT`` of a running Dask scheduler (needs ``neuralab[sweep]``).
    connect_timeout : float
        Seconds to wait for the scheduler before giving up (a one-line error, nothing run).
    out : folder, optional
        Write results.jsonl (as each run finishes), results.csv, figures and index.html there.
        A folder with results resumes: finished runs (same run id) are not run again.
    max_runs : int, optional
        Start at most this many runs in this call (the rest wait for a later call).
    figures : bool
        Draw the figures and index.html (needs ``out``).

    Returns
    -------
    SweepResults: the records of the grid's finished runs in grid order (resumed ones included).

    On macOS and Windows the local pool spawns its processes, so a script calling ``sweep``
    with ``workers`` > 1 needs the usual ``if __name__ == "__main__":`` guard there.

    A run that diverges or raises is a record (status "diverged" / "error"), never an
    exception of the sweep. Ctrl-C stops scheduling, keeps what finished, writes the files
    and returns the partial results with ``interrupted=True``.

    Examples
    --------
    >>> import neuralab as nl
    >>> results = nl.sweep("iris", learning_rates=[0.01, 0.1], activations=["relu"], depths=[1], widths=[8],
    ...                    seeds=1, epochs=3, workers=1)
    >>> len(results), sorted(r["learning_rate"] for r in results)
    (2, [0.01, 0.1])
    """
    grid = SweepGrid(
        learning_rates=learning_rates,
        activations=activations,
        depths=depths,
        widths=widths,
        seeds=seeds,
        epochs=epochs,
        batch_size=batch_size,
        optimizer=optimizer,
        dtype=dtype,
        validation_split=validation_split,
    )
    workers = _check_count("workers", workers)
    max_runs = _check_count("max_runs", max_runs)
    connect_timeout = check_positive_number("connect_timeout", connect_timeout)
    prepared = prepare_data(data, target, validation_split=grid.validation_split)
    client = connect(scheduler, connect_timeout) if scheduler else None
    store = None
    try:
        if out is not None:
            store = ResultStore(out, _identity(data, prepared.target, grid.validation_split))
        specs = grid.runs()
        finished = store.finished_ids if store is not None else set()
        todo = [spec for spec in specs if spec.run_id not in finished]
        if store is not None:
            store.write_manifest(grid.to_dict(), prepared.describe())
        new: dict[str, dict] = {}

        def keep(record: dict) -> None:
            if store is not None:
                store.append(record)
            new[record["run_id"]] = record

        interrupted = False
        if todo:
            count = len(todo) if max_runs is None else min(max_runs, len(todo))
            slots = workers or min(os.cpu_count() or 1, count)
            backend = make_backend(prepared, workers=min(slots, count), client=client)
            client = None  # the backend closes it
            interrupted = run_all(
                todo, backend, keep, max_runs=max_runs, skipped=len(specs) - len(todo), progress=progress
            )
    finally:
        if client is not None:
            client.close()
        if store is not None:
            store.close()
    by_id = {} if store is None else {r["run_id"]: r for r in store.records}
    by_id.update(new)
    results = SweepResults(by_id[spec.run_id] for spec in specs if spec.run_id in by_id)
    results.interrupted, results.skipped, results.ran = interrupted, len(specs) - len(todo), len(new)
    results.data = {**prepared.describe(), "configured_runs": len(specs)}
    if store is not None:
        results.out = store.folder
        write_csv(results, store.folder / "results.csv")
        if figures and results:
            results.index, _ = _write_page(store.folder, results, results.data)
    return results


def _write_page(folder, records, data):
    from .page import write_page

    return write_page(folder, records, data)


__all__ = ["SweepResults", "sweep"]
