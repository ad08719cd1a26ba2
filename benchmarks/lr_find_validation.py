"""Does the learning-rate range test's suggestion train at least as well as the default rate?

For each task (bundled data sets and generated ones) and each seed: split the rows 80/20
(stratified for classification), run ``lr_find`` on the training rows exactly as
``neuralab lr-find`` does (its defaults: the network of ``neuralab train`` (64, 32 ReLU units),
Adam, rates 1e-6 .. 10 over 100 steps, batch 32), then train a fresh network of the same
shape as ``neuralab train`` does (Adam, batch 32, 100 epochs) once with the optimizer's
default rate and once with each rule's suggestion, and measure the held-out rows: accuracy
for classification, R^2 for regression.

    python -m benchmarks.lr_find_validation [--seeds 3] [--epochs 100] [--tasks digits,moons]

Writes ``benchmarks/results/<date>-lr-find.md`` and ``.json``. Not a test: it takes minutes.
A rule passes a task when its mean held-out score over the seeds is at least the default
rate's minus ``TOLERANCE`` (a difference that small is within the seeds' noise).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import time
from pathlib import Path

import numpy as np

import neuralab as nl
from neuralab.data import Table, load_bundled, split_indices
from neuralab.errors import DivergenceError
from neuralab.lr_find import SUGGESTION_RULES, suggest

TOLERANCE = 0.005
"""A rule's mean score may trail the default rate's by this much and still count as 'as good'."""
RESULTS = Path(__file__).resolve().parent / "results"


def _table(columns: dict, source: str) -> Table:
    return Table(list(columns), {name: np.asarray(values) for name, values in columns.items()}, source=source)


def _concrete(seed: int = 0) -> tuple[Table, str]:
    """The concrete mixes of docs/how-to/own-csv.md: strength from cement, water, age and kind."""
    rng = np.random.default_rng(seed)
    cement, water, age = rng.uniform(100, 500, 300), rng.uniform(120, 250, 300), rng.integers(1, 365, 300)
    kind = rng.choice(["plain", "fly_ash", "slag"], size=300)
    strength = 0.08 * cement - 0.15 * water + 6 * np.log(age) + (kind == "slag") * 5 + rng.normal(0, 2, 300)
    return _table(
        {
            "cement": cement,
            "water": water,
            "age": age.astype(float),
            "kind": kind.astype(object),
            "strength": strength,
        },
        "concrete",
    ), "strength"


def _moons() -> tuple[Table, str]:
    """Two interleaved half circles with noise (scikit-learn's make_moons), 600 points."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=600, noise=0.25, random_state=0)
    labels = np.array([f"moon{v}" for v in y], dtype=object)
    return _table({"x1": X[:, 0], "x2": X[:, 1], "label": labels}, "moons"), "label"


def _friedman() -> tuple[Table, str]:
    """Friedman #1 regression: y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + noise, 800 rows."""
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=800, n_features=8, noise=1.0, random_state=0)
    return _table({**{f"x{i + 1}": X[:, i] for i in range(X.shape[1])}, "y": y}, "friedman1"), "y"


TASKS = {
    "digits": lambda: load_bundled("digits"),
    "breast_cancer": lambda: load_bundled("breast_cancer"),
    "wine": lambda: load_bundled("wine"),
    "diabetes": lambda: load_bundled("diabetes"),
    "concrete (generated)": _concrete,
    "moons (generated)": _moons,
    "friedman1 (generated)": _friedman,
}


def _score(model: nl.Model, table: Table) -> float:
    metrics = model.evaluate(table)
    return float(metrics["accuracy"] if model.task == "classification" else metrics["r2"])


def _train(
    table: Table,
    target: str,
    train_rows,
    val_rows,
    learning_rate: float | None,
    *,
    epochs: int,
    seed: int,
    optimizer: str,
) -> float:
    """Held-out score of ``neuralab train``'s network trained at ``learning_rate`` (None: the optimizer's
    default)."""
    model = nl.Model.for_data(table, target, train_rows=train_rows)
    try:
        model.fit(
            table.take(train_rows),
            optimizer=optimizer,
            learning_rate=learning_rate,
            epochs=epochs,
            batch_size=32,
            seed=seed,
        )
    except DivergenceError:
        return -math.inf
    return _score(model, table.take(val_rows))


def run_task(name: str, *, seeds: int, epochs: int, optimizer: str = "adam") -> dict:
    table, target = TASKS[name]()
    labels = table.column(target)
    classification = nl.Model.for_data(table, target).task == "classification"
    rows: dict = {
        "task": name,
        "rows": table.n_rows,
        "kind": "classification" if classification else "regression",
        "metric": "accuracy" if classification else "R^2",
        "seeds": [],
    }
    for seed in range(seeds):
        train_rows, val_rows, _ = split_indices(
            table.n_rows, validation=0.2, seed=seed, stratify=labels if classification else None
        )
        model = nl.Model.for_data(table, target, train_rows=train_rows)
        train = table.take(train_rows)
        X = model.preprocessor.transform(train)
        y = model.preprocessor.encode_target(train, model.network.output_dim)
        found = nl.lr_find(model.network, X, y, loss=model.loss, optimizer=optimizer, seed=seed)
        entry = {
            "seed": seed,
            "default": _train(
                table, target, train_rows, val_rows, None, epochs=epochs, seed=seed, optimizer=optimizer
            ),
        }
        for rule in SUGGESTION_RULES:
            rate = suggest(found, rule)
            score = (
                _train(
                    table, target, train_rows, val_rows, rate, epochs=epochs, seed=seed, optimizer=optimizer
                )
                if math.isfinite(rate)
                else None
            )
            entry[rule] = {"rate": rate if math.isfinite(rate) else None, "score": score}
        rows["seeds"].append(entry)
    rows["default_mean"] = float(np.mean([e["default"] for e in rows["seeds"]]))
    for rule in SUGGESTION_RULES:
        scores = [e[rule]["score"] for e in rows["seeds"]]
        rates = [e[rule]["rate"] for e in rows["seeds"] if e[rule]["rate"] is not None]
        mean = float(np.mean(scores)) if all(s is not None for s in scores) else None
        rows[rule] = {
            "mean": mean,
            "rates": rates,
            "as_good": mean is not None and mean >= rows["default_mean"] - TOLERANCE,
        }
    return rows


def markdown(results: list[dict], *, seeds: int, epochs: int, optimizer: str = "adam") -> str:
    default = nl.get_optimizer(optimizer).learning_rate
    lines = [
        f"# lr-find validation ({datetime.date.today().isoformat()})",
        "",
        f"Held-out score (mean over seeds 0-{seeds - 1}; 20 % of the rows) "
        f"after {epochs} epochs of {optimizer}, "
        f"batch 32, the network of `neuralab train` (64, 32 ReLU units), at {optimizer}'s default rate "
        f"{default:g} and at each rule's suggestion (the suggested rates of the seeds in brackets). "
        f"'yes': at least as good as the default (within {TOLERANCE}).",
        "",
        f"| task | metric | default {default:g} | " + " | ".join(SUGGESTION_RULES) + " |",
        "|---|---|---|" + "---|" * len(SUGGESTION_RULES),
    ]
    for row in results:
        cells = []
        for rule in SUGGESTION_RULES:
            r = row[rule]
            rates = ", ".join(f"{v:.2g}" for v in r["rates"])
            score = "-" if r["mean"] is None else f"{r['mean']:.3f}"
            cells.append(f"{score} [{rates}] {'yes' if r['as_good'] else 'no'}")
        lines.append(
            f"| {row['task']} | {row['metric']} | {row['default_mean']:.3f} | " + " | ".join(cells) + " |"
        )
    wins = {rule: sum(row[rule]["as_good"] for row in results) for rule in SUGGESTION_RULES}
    lines += [
        "",
        "As good as the default rate: "
        + ", ".join(f"{rule} {wins[rule]} of {len(results)}" for rule in SUGGESTION_RULES)
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--tag", default="lr-find")
    parser.add_argument("--optimizer", default="adam", help="adam (default rate 0.001) or sgd (0.01)")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.tasks.split(",") if name.strip()]
    unknown = [name for name in names if name not in TASKS]
    if unknown:
        parser.error(f"unknown task(s) {', '.join(unknown)}; choose from: {', '.join(TASKS)}")
    results = []
    for name in names:
        started = time.perf_counter()
        results.append(run_task(name, seeds=args.seeds, epochs=args.epochs, optimizer=args.optimizer))
        print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
    text = markdown(results, seeds=args.seeds, epochs=args.epochs, optimizer=args.optimizer)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{datetime.date.today().isoformat()}-{args.tag}"
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
