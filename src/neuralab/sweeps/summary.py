"""Summaries of a sweep's records: grouped by one hyperparameter, or by configuration (all
hyperparameters but the seed), each with the mean +- sample standard deviation.

Means are over the runs that finished (diverged and failed runs are counted, not averaged:
a diverged run has no final loss to average).

Examples
--------
>>> records = [{"activation": "relu", "status": "ok", "final_loss": 1.0, "final_metric": 0.5},
...            {"activation": "relu", "status": "ok", "final_loss": 3.0, "final_metric": 0.7},
...            {"activation": "relu", "status": "diverged", "final_loss": None, "final_metric": None}]
>>> row = summarize(records, "activation")[0]
>>> row["runs"], row["diverged"], row["final_loss_mean"], round(row["final_loss_sd"], 4)
(3, 1, 2.0, 1.4142)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

GRID_KEYS = ("learning_rate", "activation", "depth", "width")
"""The hyperparameters a sweep varies (besides the seed)."""

CONFIG_KEYS = ("learning_rate", "activation", "depth", "width", "epochs", "batch_size", "optimizer", "dtype")


def mean_sd(values: Sequence[float]) -> tuple[float | None, float | None]:
    """(mean, sample standard deviation with n - 1); sd is None for fewer than two values."""
    values = [v for v in values if v is not None and math.isfinite(v)]
    if not values:
        return None, None
    mean = math.fsum(values) / len(values)
    if len(values) < 2:
        return mean, None
    variance = math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, math.sqrt(variance)


def _row(group: list[dict]) -> dict:
    ok = [r for r in group if r["status"] == "ok"]
    loss_mean, loss_sd = mean_sd([r["final_loss"] for r in ok])
    metric_mean, metric_sd = mean_sd([r["final_metric"] for r in ok])
    return {
        "runs": len(group),
        "ok": len(ok),
        "diverged": sum(r["status"] == "diverged" for r in group),
        "failed": sum(r["status"] == "error" for r in group),
        "final_loss_mean": loss_mean,
        "final_loss_sd": loss_sd,
        "final_metric_mean": metric_mean,
        "final_metric_sd": metric_sd,
    }


def _sort_key(value):
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def summarize(records: Sequence[dict], key: str) -> list[dict]:
    """One row per value of ``key`` (sorted): runs, ok, diverged, failed, mean and sd of the final
    loss and metric.

    Examples
    --------
    >>> records = [{"learning_rate": 0.1, "activation": "relu", "depth": 2, "width": 32, "seed": s,
    ...             "status": "ok", "final_loss": loss, "final_metric": metric}
    ...            for s, (loss, metric) in enumerate([(0.30, 0.90), (0.20, 0.94)])]
    >>> records.append({**records[0], "activation": "tanh", "final_loss": 0.4, "final_metric": 0.88})
    >>> from neuralab.sweeps import summarize
    >>> rows = summarize(records, "activation")
    >>> [(row["activation"], row["runs"], round(row["final_metric_mean"], 4)) for row in rows]
    [('relu', 2, 0.92), ('tanh', 1, 0.88)]
    """
    groups: dict = {}
    for record in records:
        groups.setdefault(record[key], []).append(record)
    return [{key: value, **_row(groups[value])} for value in sorted(groups, key=_sort_key)]


def summarize_configs(records: Sequence[dict]) -> list[dict]:
    """One row per configuration (every hyperparameter but the seed), over its seeds.

    Examples
    --------
    >>> import neuralab as nl
    >>> from neuralab.sweeps import summarize_configs
    >>> results = nl.sweep("iris", learning_rates=[0.01, 0.1], depths=[1], widths=[4], seeds=2, epochs=2,
    ...                    workers=1)
    >>> [(row["learning_rate"], row["seeds"]) for row in summarize_configs(results)]
    [(0.01, 2), (0.1, 2)]
    """
    groups: dict = {}
    for record in records:
        groups.setdefault(tuple(record[k] for k in CONFIG_KEYS), []).append(record)
    rows = []
    for config in sorted(groups, key=lambda c: tuple(_sort_key(v) for v in c)):
        rows.append(
            {
                **dict(zip(CONFIG_KEYS, config, strict=True)),
                "seeds": len(groups[config]),
                **_row(groups[config]),
            }
        )
    return rows


def best_run(records: Sequence[dict]) -> dict | None:
    """The finished run with the best final metric (ties: the lower final loss), or None.

    Examples
    --------
    >>> records = [{"learning_rate": 0.1, "activation": "relu", "depth": 2, "width": 32, "seed": s,
    ...             "status": "ok", "final_loss": loss, "final_metric": metric}
    ...            for s, (loss, metric) in enumerate([(0.30, 0.90), (0.20, 0.94)])]
    >>> records.append({**records[0], "activation": "tanh", "final_loss": 0.4, "final_metric": 0.88})
    >>> from neuralab.sweeps import best_run
    >>> best = best_run(records)
    >>> best["activation"], best["seed"], best["final_metric"]
    ('relu', 1, 0.94)
    """
    ok = [r for r in records if r["status"] == "ok" and r["final_metric"] is not None]
    if not ok:
        return None
    return max(ok, key=lambda r: (r["final_metric"], -(r["final_loss"] or 0.0)))


def format_mean_sd(mean: float | None, sd: float | None, digits: int = 4) -> str:
    """``"0.1234 +- 0.0100"``, ``"0.1234"`` without an sd, ``"-"`` without values."""
    if mean is None:
        return "-"
    if sd is None:
        return f"{mean:.{digits}g}"
    return f"{mean:.{digits}g} +- {sd:.2g}"


__all__ = [
    "CONFIG_KEYS",
    "GRID_KEYS",
    "best_run",
    "format_mean_sd",
    "mean_sd",
    "summarize",
    "summarize_configs",
]
