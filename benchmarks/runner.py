"""Interleaved timing: every implementation, several repeats, one rotation.

Each implementation runs in a worker interpreter of its own, started for the case
(``benchmarks.sessions``). For each repeat the implementations run one after the other,
their order rotated by one place per repeat, with a pause before each: BLAS worker threads
spin for a while after a call and would steal the next implementation's cores on a small
machine. For the large case the limit's epoch of bare matrix products takes its turn in the
same rotation, in this process. Only ``train`` is timed; building the model and measuring
quality are not.

Before the timed runs, each implementation has one untimed warm-up run: one epoch on
``warmup_rows`` rows, which leave the same remainder modulo the batch size as the full
data, so that a compiler that specialises on shapes (XLA, inductor) compiles the short
last batch there too. The warm-up's time, less the time the same steps take once warm, is
reported as the compile time. After the last repeat each worker reports its peak memory.

An implementation whose worker fails (torch.compile without a C++ compiler, say) is
dropped from the case with its error in the entry's ``"failed"``; the others go on.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace

from . import limit
from .cases import Case
from .sessions import WorkerError, WorkerSession, case_data, steps_per_run

__all__ = ["GEMM_ONLY", "run_case", "steps_per_run", "summarise", "warmup_rows"]


def summarise(seconds: list[float], steps: int) -> dict:
    """Median, min, max (s) and the median time per optimizer step (microseconds)."""
    median = statistics.median(seconds)
    return {
        "median_s": median,
        "min_s": min(seconds),
        "max_s": max(seconds),
        "times_s": seconds,
        "steps": steps,
        "median_step_us": median / steps * 1e6,
    }


def warmup_rows(n_samples: int, batch_size: int, limit_rows: int = 2048) -> int:
    """At most about ``limit_rows`` rows with the same remainder modulo the batch as ``n_samples``.

    >>> warmup_rows(60_000, 128)   # 16 full batches and the last one's 96 rows
    2144
    >>> warmup_rows(1_000, 32)
    1000
    """
    size = min(batch_size, n_samples)
    full, remainder = divmod(n_samples, size)
    return min(n_samples, max(1, min(full, limit_rows // size)) * size + remainder)


GEMM_ONLY = "gemm-only"
"""The name under which the limit's epoch of bare matrix products is timed (``with_limit``)."""


def run_case(
    case: Case,
    implementations: tuple[str, ...],
    *,
    repeats: int,
    pause: float = 0.25,
    with_limit: bool = False,
    log=None,
) -> dict:
    """Time ``case`` for every implementation; return per-implementation summaries, ratios, memory.

    ``with_limit`` also times ``limit.epoch_of_products`` in the rotation, as ``gemm-only``
    (summarised under the entry's ``"gemm_only"`` key, not as an implementation).
    """
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    data = case_data(case)
    n_train = data.X_train.shape[0]
    sessions: dict[str, WorkerSession] = {}
    failed: dict[str, str] = {}
    warmups: dict[str, dict] = {}
    seconds: dict[str, list[float]] = {}
    qualities: dict[str, dict] = {}
    peaks: dict[str, dict] = {}

    def drop(name: str, error: WorkerError) -> None:
        failed[name] = str(error)
        log(f"  {name} dropped from {case.name}: {error}")
        sessions.pop(name).close()

    try:
        for name in implementations:
            sessions[name] = WorkerSession(name)
        warmup_case, rows = replace(case, epochs=1), warmup_rows(n_train, case.batch_size)
        for name in implementations:
            try:
                warmups[name] = sessions[name].run(warmup_case, rows)
            except WorkerError as error:
                drop(name, error)
        rotation = tuple(sessions) + ((GEMM_ONLY,) if with_limit else ())
        if with_limit:
            products = limit.epoch_of_products(case, n_train)
            products()  # warm-up
        seconds = {name: [] for name in rotation}
        for repeat in range(repeats if rotation else 0):
            shift = repeat % len(rotation)
            for name in rotation[shift:] + rotation[:shift]:
                if name not in sessions and name != GEMM_ONLY:
                    continue  # failed in an earlier repeat
                time.sleep(pause)
                if name == GEMM_ONLY:
                    start = time.perf_counter()
                    for _ in range(case.epochs):
                        products()
                    elapsed = time.perf_counter() - start
                else:
                    try:
                        result = sessions[name].run(case, quality=name not in qualities)
                    except WorkerError as error:
                        drop(name, error)
                        continue
                    elapsed = result["seconds"]
                    if name not in qualities:
                        qualities[name] = {key: result[key] for key in ("train_loss", "test_accuracy")}
                seconds[name].append(elapsed)
                log(f"  {case.name:<14} repeat {repeat + 1}/{repeats} {name:<13} {elapsed:8.3f} s")
        for name in list(sessions):
            try:
                peaks[name] = sessions[name].memory()
            except WorkerError as error:
                drop(name, error)
    finally:
        for session in sessions.values():
            session.close()
    steps = steps_per_run(case, n_train)
    results = {}
    for name in implementations:
        if name in failed:
            continue
        summary = summarise(seconds[name], steps)
        warm = warmups[name]
        # The warm-up's time beyond what its steps take once compiled: tracing and compiling.
        compile_s = warm["seconds"] - warm["steps"] * summary["median_step_us"] * 1e-6
        results[name] = {
            **summary,
            **qualities[name],
            "warmup_s": warm["seconds"],
            "warmup_steps": warm["steps"],
            "compile_s": max(compile_s, 0.0),
        }
    ratios = {}
    if "neuralab" in results:
        for peer in results:
            if peer != "neuralab":
                ratios[f"neuralab/{peer}"] = results["neuralab"]["median_s"] / results[peer]["median_s"]
    entry = {
        "case": case.to_dict(),
        "n_train": int(n_train),
        "n_test": int(data.X_test.shape[0]),
        "implementations": results,
        "ratios": ratios,
        "memory": peaks,
        "failed": failed,
    }
    if with_limit:
        entry["gemm_only"] = summarise(seconds[GEMM_ONLY], steps)
    return entry
