"""The whole benchmark: environment, timed cases, the GEMM limit, memory, targets."""

from __future__ import annotations

import datetime
import os
import sys

from . import environment, limit, runner, targets
from .cases import Case


def run_suite(
    cases: list[Case],
    implementations: tuple[str, ...],
    *,
    repeats: int,
    quick: bool = False,
    pause: float = 0.25,
    log=None,
) -> dict:
    """Run every case for every implementation and return the JSON-ready results."""
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    results: dict = {
        "date": datetime.date.today().isoformat(),
        "quick": quick,
        "repeats": repeats,
        "pause_s": pause,
        "implementations": list(implementations),
        "environment": environment.describe(implementations),
        "cases": [],
        "memory": {},
    }
    for case in cases:
        log(f"case {case.name}")
        entry = runner.run_case(
            case, implementations, repeats=repeats, pause=pause, with_limit=case.name == "large", log=log
        )
        entry["load_average_after"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
        results["memory"][case.name] = entry.pop("memory")
        results["cases"].append(entry)
    large = next((entry for entry in results["cases"] if entry["case"]["name"] == "large"), None)
    if large is not None:
        log("GEMM limit")
        large_case = next(case for case in cases if case.name == "large")
        results["limit"] = limit.compute_limit(large_case, large["n_train"])
        # The shares use the epoch of bare products timed in the same rotation (same state).
        interleaved = large["gemm_only"]["median_s"]
        results["limit"]["interleaved_seconds"] = interleaved
        results["limit"]["shares"] = {
            impl: interleaved / r["median_s"] for impl, r in large["implementations"].items()
        }
    results["targets"] = targets.evaluate(results)
    return results
