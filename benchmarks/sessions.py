"""Where an implementation runs: a worker interpreter per case and implementation.

Every implementation is timed in ``python -m benchmarks.worker NAME``, started for one case
and closed after it: its own process, so that its thread pools, compilers and caches are
its own (Keras reads ``KERAS_BACKEND`` at import; XLA's and OpenBLAS's pools do not share
two cores), and its peak memory is the case's alone. The worker serves two requests, one
JSON line each way:

- ``run(case, rows, quality, parameters)``: build the case's data (the first ``rows``
  training rows when given), prepare the model from the shared initial weights (untimed),
  train it (timed, in the worker: the pipe is not in the time) and, when asked, measure the
  training loss and test accuracy and return the trained parameters (untimed)::

      {"seconds": float, "steps": int}
      + "train_loss", "test_accuracy"    with quality
      + "parameters": [W1 (in, out), b1, ...] as nested lists    with parameters

- ``memory()``: ``{"ready_mb": RSS once the library was imported and the data built,
  "peak_mb": peak RSS so far (VmHWM), "ru_maxrss_mb": ...}``.

``InProcessSession`` answers the same requests in this process; it is what the worker runs.
The worker's log (library warnings, tracebacks) goes to a temporary file whose end is
quoted when the worker dies.
"""

from __future__ import annotations

import functools
import gc
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np

from . import implementations, memory, quality
from .cases import Case
from .data import Dataset, initial_weights, make_dataset

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
QUALITY_CHUNK_ROWS = 4096
"""Rows per prediction when measuring quality, so that evaluation adds little to the peak RSS."""


class WorkerError(RuntimeError):
    """A worker interpreter failed or died; the reason or its log's last lines are in the message."""


def steps_per_run(case: Case, n_samples: int) -> int:
    """Optimizer steps in one training run: epochs * ceil(n / batch_size)."""
    return case.epochs * math.ceil(n_samples / min(case.batch_size, n_samples))


def case_data(case: Case) -> Dataset:
    """The case's data, kept while the same case is asked for (the large case is 200 MB).

    Cases that differ only in their number of epochs (a warm-up) share it.
    """
    return _cached_data(replace(case, epochs=1))


@functools.lru_cache(maxsize=1)
def _cached_data(case: Case) -> Dataset:
    return make_dataset(case)


def time_training(implementation: ModuleType, case: Case, data: Dataset, weights) -> tuple[float, object]:
    """Build a fresh model (untimed), train it (timed); return (seconds, model)."""
    model = implementation.prepare(case, data, weights)
    gc.collect()
    start = time.perf_counter()
    implementation.train(model, case, data)
    return time.perf_counter() - start, model


def _predict_in_chunks(implementation: ModuleType, model, X: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [
            implementation.predict_proba(model, X[start : start + QUALITY_CHUNK_ROWS])
            for start in range(0, X.shape[0], QUALITY_CHUNK_ROWS)
        ]
    )


def measure_quality(implementation: ModuleType, model, data: Dataset) -> dict:
    """Training loss and test accuracy of a trained model."""
    train_p = _predict_in_chunks(implementation, model, data.X_train)
    test_p = _predict_in_chunks(implementation, model, data.X_test)
    return {
        "train_loss": quality.mean_loss(train_p, data.y_train),
        "test_accuracy": quality.accuracy(test_p, data.y_test),
    }


class InProcessSession:
    """Runs the implementation's module in this process."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.module = implementations.get(name).load()
        self.ready_mb: float | None = None

    def run(
        self, case: Case, rows: int | None = None, quality: bool = False, parameters: bool = False
    ) -> dict:
        full = case_data(case)
        if self.ready_mb is None:
            self.ready_mb = memory.current_rss_mb()
        data = full if rows is None else full.head(rows)
        seconds, model = time_training(self.module, case, data, initial_weights(case))
        result = {"seconds": seconds, "steps": steps_per_run(case, data.X_train.shape[0])}
        if quality:
            result.update(measure_quality(self.module, model, full))
        if parameters:
            result["parameters"] = [array.tolist() for array in self.module.parameters(model)]
        return result

    def memory(self) -> dict:
        return {
            "ready_mb": self.ready_mb,
            "peak_mb": memory.peak_rss_mb(),
            "ru_maxrss_mb": memory.ru_maxrss_mb(),
        }

    def close(self) -> None:
        pass


class WorkerSession:
    """Runs the implementation in ``python -m benchmarks.worker NAME``, started now."""

    def __init__(self, name: str) -> None:
        self.name = name
        environment = {**os.environ, **implementations.get(name).environment}
        self.log = tempfile.NamedTemporaryFile("w+", prefix=f"bench-{name}-", suffix=".log")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker", name],
            cwd=REPOSITORY_ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def _log_tail(self, lines: int = 25) -> str:
        self.log.flush()
        self.log.seek(0)
        return "\n".join(self.log.read().splitlines()[-lines:])

    def _ask(self, request: dict, what: str) -> dict:
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # the worker is gone: reported below with its log
        answer = self.process.stdout.readline()
        if not answer:
            code = self.process.wait(timeout=30)
            raise WorkerError(
                f"The {self.name} worker exited (code {code}) on {what}. Its log ends:\n{self._log_tail()}"
            )
        reply = json.loads(answer)
        if "error" in reply:
            raise WorkerError(f"The {self.name} worker failed on {what}:\n{reply['error']}")
        return reply

    def run(
        self, case: Case, rows: int | None = None, quality: bool = False, parameters: bool = False
    ) -> dict:
        request = {
            "op": "run",
            "case": case.to_dict(),
            "rows": rows,
            "quality": quality,
            "parameters": parameters,
        }
        return self._ask(request, f"case {case.name}")

    def memory(self) -> dict:
        return self._ask({"op": "memory"}, "the memory request")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()
