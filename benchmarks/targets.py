"""The issue's targets, checked against one run's results (reported, never asserted)."""

from __future__ import annotations


def _target(name: str, value: float | None, goal: str, met: bool | None) -> dict:
    return {"target": name, "value": value, "goal": goal, "met": met}


def evaluate(results: dict) -> list[dict]:
    """Each target with the measured value and whether it is met (None: not measured)."""
    cases = {entry["case"]["name"]: entry for entry in results["cases"]}
    checks = []
    large = cases.get("large")
    if large:
        peers = {key.split("/", 1)[1]: ratio for key, ratio in large["ratios"].items()}
        if peers:
            fastest = min(peers, key=lambda peer: large["implementations"][peer]["median_s"])
            ratio = peers[fastest]
            checks.append(
                _target(
                    f"large: epoch time neuralab / the fastest peer ({fastest})",
                    ratio,
                    "<= 0.70",
                    ratio <= 0.70,
                )
            )
    limit = results.get("limit")
    if large and limit and "neuralab" in large["implementations"]:
        share = limit["shares"]["neuralab"]
        checks.append(_target("large: share of the GEMM limit (neuralab)", share, ">= 0.80", share >= 0.8))
    for name in ("small_batch1", "small_batch32"):
        entry = cases.get(name)
        for peer, goal in (("jax", 0.75), ("torch", 0.2)):
            if entry and f"neuralab/{peer}" in entry["ratios"]:
                ratio = entry["ratios"][f"neuralab/{peer}"]
                checks.append(
                    _target(f"{name}: time per step neuralab/{peer}", ratio, f"<= {goal}", ratio <= goal)
                )
    for name, entry in cases.items():
        if "neuralab/sklearn" in entry["ratios"]:
            ratio = entry["ratios"]["neuralab/sklearn"]
            checks.append(_target(f"{name}: neuralab/sklearn", ratio, "<= 0.5", ratio <= 0.5))
            if "gemm_only" in entry and "sklearn" in entry["implementations"]:
                # What an engine that spent no time outside the matrix products would reach.
                bound = entry["gemm_only"]["median_s"] / entry["implementations"]["sklearn"]["median_s"]
                checks.append(
                    _target(
                        f"{name}: bare matrix products / sklearn (the floor for any NumPy engine)",
                        bound,
                        "(context)",
                        None,
                    )
                )
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
