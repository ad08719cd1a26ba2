"""Interleaved timing: every implementation, several repeats, one process.

For each repeat the implementations run one after the other, their order rotated by one
place per repeat, with a pause before each: BLAS worker threads spin for a while after a
call and would steal the next implementation's cores on a small machine. For the large
case the limit's epoch of bare matrix products takes its turn in the same rotation. Only
``train`` is timed; building the model and measuring quality are not."""

from __future__ import annotations

import gc
import importlib
import math
import statistics
import sys
import time
from dataclasses import replace
from types import ModuleType

from . import limit, quality
from .cases import Case
from .data import Dataset, initial_weights, make_dataset


def load_implementation(name: str) -> ModuleType:
    """The module ``benchmarks.impl_<name>`` (imports its library)."""
    return importlib.import_module(f"benchmarks.impl_{name}")


def steps_per_run(case: Case, n_samples: int) -> int:
    """Optimizer steps in one training run: epochs * ceil(n / batch_size)."""
    return case.epochs * math.ceil(n_samples / min(case.batch_size, n_samples))


def time_training(implementation: ModuleType, case: Case, data: Dataset, weights) -> tuple[float, object]:
    """Build a fresh model (untimed), train it (timed); return (seconds, model)."""
    model = implementation.prepare(case, data, weights)
    gc.collect()
    start = time.perf_counter()
    implementation.train(model, case, data)
    return time.perf_counter() - start, model


def measure_quality(implementation: ModuleType, model, data: Dataset) -> dict:
    """Training loss and test accuracy of a trained model."""
    train_p = implementation.predict_proba(model, data.X_train)
    test_p = implementation.predict_proba(model, data.X_test)
    return {"train_loss": quality.mean_loss(train_p, data.y_train),
            "test_accuracy": quality.accuracy(test_p, data.y_test)}


def summarise(seconds: list[float], steps: int) -> dict:
    """Median, min, max (s) and the median time per optimizer step (microseconds)."""
    median = statistics.median(seconds)
    return {"median_s": median, "min_s": min(seconds), "max_s": max(seconds), "times_s": seconds,
            "steps": steps, "median_step_us": median / steps * 1e6}


GEMM_ONLY = "gemm-only"
"""The name under which the limit's epoch of bare matrix products is timed (``with_limit``)."""


def run_case(case: Case, implementations: tuple[str, ...], *, repeats: int, pause: float = 0.25,
             warmup_rows: int = 2048, with_limit: bool = False, log=None) -> dict:
    """Time ``case`` for every implementation; return per-implementation summaries and ratios.

    A warm-up run (one epoch on at most ``warmup_rows`` rows) per implementation comes first.
    ``with_limit`` also times ``limit.epoch_of_products`` in the rotation, as ``gemm-only``
    (summarised under the entry's ``"gemm_only"`` key, not as an implementation).
    """
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    data = make_dataset(case)
    weights = initial_weights(case)
    modules = {name: load_implementation(name) for name in implementations}
    warmup_case = replace(case, epochs=1)
    for name in implementations:
        time_training(modules[name], warmup_case, data.head(warmup_rows), weights)
    rotation = implementations + ((GEMM_ONLY,) if with_limit else ())
    if with_limit:
        products = limit.epoch_of_products(case, data.X_train.shape[0])
        products()  # warm-up
    seconds: dict[str, list[float]] = {name: [] for name in rotation}
    qualities: dict[str, dict] = {}
    for repeat in range(repeats):
        shift = repeat % len(rotation)
        order = rotation[shift:] + rotation[:shift]
        for name in order:
            time.sleep(pause)
            if name == GEMM_ONLY:
                start = time.perf_counter()
                for _ in range(case.epochs):
                    products()
                elapsed = time.perf_counter() - start
            else:
                elapsed, model = time_training(modules[name], case, data, weights)
                if name not in qualities:
                    qualities[name] = measure_quality(modules[name], model, data)
            seconds[name].append(elapsed)
            log(f"  {case.name:<14} repeat {repeat + 1}/{repeats} {name:<9} {elapsed:8.3f} s")
    steps = steps_per_run(case, data.X_train.shape[0])
    results = {name: {**summarise(seconds[name], steps), **qualities[name]} for name in implementations}
    ratios = {}
    if "neuralab" in results:
        for peer in implementations:
            if peer != "neuralab":
                ratios[f"neuralab/{peer}"] = results["neuralab"]["median_s"] / results[peer]["median_s"]
    entry = {"case": case.to_dict(), "n_train": int(data.X_train.shape[0]),
             "n_test": int(data.X_test.shape[0]), "implementations": results, "ratios": ratios}
    if with_limit:
        entry["gemm_only"] = summarise(seconds[GEMM_ONLY], steps)
    return entry
