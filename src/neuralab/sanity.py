"""Checks that keep a practitioner honest after training: baseline, noise, overfitting, leakage.

Each check returns a sentence (or None): the command line prints it as a warning or a hint,
the Python caller decides.

- ``baseline_warning``: the model does not beat a constant prediction (majority class,
  training mean) on held-out rows;
- ``small_split_warning``: fewer than ``MIN_HELD_OUT_ROWS`` held-out rows make a noisy score;
- ``overfitting_warning``: the validation loss rose while the training loss fell;
- ``leakage_hints``: one column alone predicts the target almost perfectly on held-out rows
  (the target in disguise, or something known only afterwards).
"""

from __future__ import annotations

import numpy as np

from . import metrics
from .data import Table
from .history import History

MIN_HELD_OUT_ROWS = 30
"""Fewer validation (or test) rows than this give a warning: one row more or less right moves
accuracy by more than 3 points."""

LEAK_ACCURACY = 0.99
"""A single column whose held-out accuracy (classification) is at least this is a leak suspect."""

LEAK_R2 = 0.98
"""A single column whose held-out R^2 (regression) is at least this is a leak suspect."""

OVERFIT_RISE = 0.05
"""The validation loss must end at least 5% above its best for ``overfitting_warning``."""


def beats_baseline(task: str, result: dict, baseline: dict) -> bool:
    """Whether ``result`` is better than ``baseline``: higher accuracy, or lower MSE."""
    if task == "classification":
        return result["accuracy"] > baseline["accuracy"]
    return result["mse"] < baseline["mse"]


def baseline_warning(task: str, result: dict, baseline: dict, split: str) -> str | None:
    """A warning when the model does not beat the constant prediction on ``split``'s rows."""
    if beats_baseline(task, result, baseline):
        return None
    if task == "classification":
        scores = f"accuracy {result['accuracy']:.4f} <= baseline {baseline['accuracy']:.4f}"
    else:
        scores = f"MSE {result['mse']:.4g} >= baseline {baseline['mse']:.4g} (R^2 {result['r2']:.3f})"
    return (
        f"the model does not beat the baseline on the {split} rows ({scores}; baseline: "
        f"{baseline['rule']}): it has learned nothing usable. Check the target, the features, "
        "and the learning rate."
    )


def small_split_warning(rows: int, split: str, fix: str = "Evaluate on more rows.") -> str | None:
    """A warning when ``rows`` (held-out rows of ``split``) are fewer than ``MIN_HELD_OUT_ROWS``;
    ``fix`` is the remedy in the caller's words."""
    if rows == 0 or rows >= MIN_HELD_OUT_ROWS:
        return None
    return (
        f"only {rows} {split} row{'s' if rows != 1 else ''}: the metrics are noisy (one row is "
        f"{100 / rows:.0f} points of accuracy). {fix}"
    )


def overfitting_warning(history: History) -> str | None:
    """A warning when the final weights come after the validation loss's minimum and, since then,
    the validation loss rose by more than ``OVERFIT_RISE`` while the training loss fell."""
    val, train = list(history.val_loss), list(history.loss)
    if len(val) < 2 or len(val) != len(train):
        return None
    best = int(np.argmin(val))
    last = len(val) - 1
    if best == last or not val[last] > val[best] * (1 + OVERFIT_RISE) or not train[last] < train[best]:
        return None
    return (
        f"the network overfits: validation loss rose from {val[best]:.4g} (epoch {best + 1}) to "
        f"{val[last]:.4g} (epoch {last + 1}) while training loss fell from {train[best]:.4g} to "
        f"{train[last]:.4g}. Keep early stopping on (the default; leave out --no-early-stopping), "
        "or train fewer --epochs, or add --l2."
    )


def _groups(column: np.ndarray, missing: np.ndarray, train: np.ndarray, bins: int = 20) -> np.ndarray:
    """One group id per row: a category, or a quantile bin (of the training rows) of a number;
    missing cells form a group of their own (-1)."""
    if column.dtype.kind == "f":
        known = column[train][~missing[train]]
        if known.size == 0:
            return np.full(column.shape, -1)
        edges = np.unique(np.quantile(known, np.linspace(0, 1, bins + 1)[1:-1]))
        ids = np.searchsorted(edges, np.where(missing, 0.0, column), side="right")
    else:
        _, ids = np.unique(np.array([str(v) for v in column.tolist()]), return_inverse=True)
    return np.where(missing, -1, ids)


def _single_column_score(
    groups: np.ndarray, y: np.ndarray, train: np.ndarray, held: np.ndarray, task: str
) -> float:
    """Score on ``held`` of predicting each group's training majority (or mean)."""
    fallback_class = None
    if task == "classification":
        _, codes = np.unique(y, return_inverse=True)
        fallback_class = int(np.bincount(codes[train]).argmax())
        table: dict[int, float] = {}
        for group in np.unique(groups[train]):
            table[int(group)] = int(np.bincount(codes[train][groups[train] == group]).argmax())
        guess = np.array([table.get(int(g), fallback_class) for g in groups[held]])
        return metrics.accuracy(codes[held], guess)
    means = {int(g): float(y[train][groups[train] == g].mean()) for g in np.unique(groups[train])}
    overall = float(y[train].mean())
    guess = np.array([means.get(int(g), overall) for g in groups[held]])
    return metrics.r2_score(y[held], guess)


def _linear_r2(column: np.ndarray, missing: np.ndarray, y: np.ndarray, rows: np.ndarray) -> float:
    """R^2 of the best straight line through (column, y) on ``rows`` (squared correlation; 0 if flat)."""
    known = rows[~missing[rows]]
    if known.size < 3 or column.dtype.kind != "f":
        return 0.0
    x, t = column[known], y[known]
    x, t = x / max(float(np.abs(x).max()), 1e-300), t / max(float(np.abs(t).max()), 1e-300)  # no overflow
    spread = float(np.std(x) * np.std(t))
    if spread == 0.0:
        return 0.0
    return float(np.mean((x - x.mean()) * (t - t.mean())) / spread) ** 2


def leakage_hints(
    table: Table, target: str, features: list[str], task: str, train_rows: np.ndarray, held_rows: np.ndarray
) -> list[str]:
    """Hints for columns that alone predict ``target`` almost perfectly on the held-out rows.

    Each feature is tried alone: its categories (or 20 quantile bins of a number, fitted on
    the training rows) each predict their training rows' majority class (or mean). An
    accuracy >= ``LEAK_ACCURACY`` (R^2 >= ``LEAK_R2``) on the held-out rows *and* on the
    training rows themselves is a hint: a strong but honest column (iris' petal width) can be
    perfect on 30 held-out rows by chance, but not on the training rows too; an id column
    is perfect on the training rows only. For a regression, a number's straight-line R^2
    (its squared correlation with the target) counts as well. No hint when the majority
    class alone reaches the threshold, or with fewer than 10 held-out rows.
    """
    if held_rows.size < 10:
        return []
    y = table.column(target)
    if task == "classification":
        y = np.array([str(v) for v in y.tolist()])
        _, counts = np.unique(y[held_rows], return_counts=True)
        if counts.max() / held_rows.size >= LEAK_ACCURACY:
            return []
    hints = []
    for name in features:
        column, missing = table.column(name), table.missing(name)
        groups = _groups(column, missing, train_rows)
        threshold = LEAK_ACCURACY if task == "classification" else LEAK_R2
        scores = []
        for rows in (held_rows, train_rows):
            score = _single_column_score(groups, y, train_rows, rows, task)
            if task == "regression":
                score = max(score, _linear_r2(column, missing, y, rows))
            scores.append(score)
        score = scores[0]
        if min(scores) >= threshold:
            said = f"accuracy {score:.3f}" if task == "classification" else f"R^2 {score:.3f}"
            hints.append(
                f"column {name!r} alone predicts {target!r} almost perfectly on the held-out rows ({said}). "
                f"If it is the target in disguise or known only after the fact, leave it out with "
                f"--ignore {name}."
            )
    return hints
