"""Generated tables as practitioners have them: gaps, categories, ISO dates, ids, a leak.

Used by ``benchmarks/tables_vs_sklearn.py`` and by the tests (seeded, deterministic).

``messy_columns(n, seed, task)`` gives the columns as cell texts:

- ``id``: a distinct text id per row (``S0001``), to keep with ``predict --keep id``;
- ``visit``: an ISO date within 2019-2023; the target depends on its season;
- ``site``: a category (North, South, East, West), about 5 % of cells empty;
- ``dose``, ``age``: numbers, about 10 % and 5 % of cells empty (``""`` or ``NA``);
- ``noise``: a number unrelated to the target;
- ``outcome``: the target, "good"/"poor" (classification) or a number (regression);
- with ``leak=True`` also ``review``, the target in disguise (a code written after the fact).
"""

from __future__ import annotations

import csv
from datetime import date, timedelta

import numpy as np

SITES = ("North", "South", "East", "West")


def messy_columns(
    n: int = 400, seed: int = 0, task: str = "classification", *, leak: bool = False, gaps: bool = True
) -> dict[str, list[str]]:
    """The columns of one generated table (cell texts, gaps as "" or "NA")."""
    rng = np.random.default_rng(seed)
    start = date(2019, 1, 1)
    days = rng.integers(0, 5 * 365, size=n)
    visits = [start + timedelta(days=int(d)) for d in days]
    season = np.array([np.sin(2 * np.pi * v.timetuple().tm_yday / 365.25) for v in visits])
    site = rng.integers(0, len(SITES), size=n)
    dose = rng.normal(5.0, 2.0, size=n)
    age = rng.uniform(20, 80, size=n)
    noise = rng.normal(size=n)
    site_effect = np.array([0.8, -0.6, 0.3, -0.5])[site]
    signal = 0.9 * (dose - 5) / 2 + 0.6 * season + site_effect - 0.02 * (age - 50)
    columns: dict[str, list[str]] = {
        "id": [f"S{i + 1:04d}" for i in range(n)],
        "visit": [v.isoformat() for v in visits],
        "site": [SITES[s] for s in site],
        "dose": [f"{v:.3f}" for v in dose],
        "age": [f"{v:.1f}" for v in age],
        "noise": [f"{v:.4f}" for v in noise],
    }
    if task == "classification":
        probability = 1 / (1 + np.exp(-2.5 * signal))
        outcome = np.where(rng.random(n) < probability, "good", "poor")
        columns["outcome"] = outcome.tolist()
        if leak:
            columns["review"] = ["R+" if o == "good" else "R-" for o in outcome]
    else:
        value = 50 + 10 * signal + rng.normal(0, 2.0, size=n)
        columns["outcome"] = [f"{v:.3f}" for v in value]
        if leak:
            columns["review"] = [f"{v * 1.8 + 32:.2f}" for v in value]
    if gaps:
        for name, share in (("dose", 0.10), ("age", 0.05), ("site", 0.05)):
            holes = rng.random(n) < share
            columns[name] = [
                ("NA" if i % 2 else "") if hole else cell
                for i, (cell, hole) in enumerate(zip(columns[name], holes, strict=True))
            ]
    return columns


def write_table(path, columns: dict[str, list[str]], *, sep: str = ",", decimal: str = ".") -> None:
    """Write ``columns`` as a CSV file with ``sep``; numbers get ``decimal`` as their mark."""
    names = list(columns)
    rows = zip(*(columns[name] for name in names), strict=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([_mark(cell, decimal) for cell in row])


def _mark(cell: str, decimal: str) -> str:
    if decimal == "." or not cell or cell.count(".") != 1:
        return cell
    left, right = cell.split(".")
    return f"{left},{right}" if left.lstrip("-").isdigit() and right.isdigit() else cell
