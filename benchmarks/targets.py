"""The issue's targets, checked against one run's results (reported, never asserted)."""

from __future__ import annotations


def _target(name: str, value: float | None, goal: str, met: bool | None) -> dict:
    return {"target": name, "value": value, "goal": goal, "met": met}


def evaluate(results: dict) -> list[dict]:
    """Each target with the measured value and whether it is met (None: not measured)."""
    cases = {entry["case"]["name"]: entry for entry in results["cases"]}
    checks = []
    large = cases.get("large")
    if large and "neuralab/torch" in large["ratios"]:
        ratio = large["ratios"]["neuralab/torch"]
        checks.append(_target("large: epoch time neuralab/torch", ratio, "<= 0.8", ratio <= 0.8))
    limit = results.get("limit")
    if large and limit and "neuralab" in large["implementations"]:
        share = limit["shares"]["neuralab"]
        checks.append(_target("large: share of the GEMM limit (neuralab)", share, ">= 0.60", share >= 0.6))
    for name in ("small_batch1", "small_batch32"):
        entry = cases.get(name)
        if entry and "neuralab/torch" in entry["ratios"]:
            ratio = entry["ratios"]["neuralab/torch"]
            checks.append(_target(f"{name}: time per step neuralab/torch", ratio, "<= 0.2", ratio <= 0.2))
    for name, entry in cases.items():
        if "neuralab/sklearn" in entry["ratios"]:
            ratio = entry["ratios"]["neuralab/sklearn"]
            checks.append(_target(f"{name}: neuralab/sklearn", ratio, "<= 0.5", ratio <= 0.5))
            if "gemm_only" in entry and "sklearn" in entry["implementations"]:
                # What an engine that spent no time outside the matrix products would reach.
                bound = entry["gemm_only"]["median_s"] / entry["implementations"]["sklearn"]["median_s"]
                checks.append(_target(f"{name}: bare matrix products / sklearn (the floor for any "
                                      "NumPy engine)", bound, "(context)", None))
    digits = cases.get("digits")
    if digits and "neuralab" in digits["implementations"]:
        accuracies = {impl: r["test_accuracy"] for impl, r in digits["implementations"].items()}
        ours = accuracies.pop("neuralab")
        checks.append(_target("digits: test accuracy (neuralab)", ours, ">= 0.96", ours >= 0.96))
        for peer, theirs in accuracies.items():
            gap = ours - theirs
            checks.append(_target(f"digits: accuracy neuralab - {peer}", gap, ">= -0.01", gap >= -0.01))
    memory = results.get("memory", {}).get("large", {})
    if "neuralab" in memory and "torch" in memory:
        ours, theirs = memory["neuralab"]["peak_mb"], memory["torch"]["peak_mb"]
        checks.append(_target("large: peak RSS neuralab/torch", ours / theirs, "<= 1.0", ours <= theirs))
    return checks
