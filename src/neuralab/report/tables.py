"""The course's tables, shared by the CLI and the report: each demonstration's result as a
``Table`` of strings (numbers to 6 significant digits unless a column says otherwise)."""

from __future__ import annotations

from .. import experiments
from .page import Table


def _g(value: float | None, digits: int = 6) -> str:
    """``value`` to ``digits`` significant digits; "-" for None; -0 (and what rounds to it) as 0."""
    if value is None:
        return "-"
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def descent_table(result: experiments.DescentResult) -> Table:
    """The iteration table: step, w, J(w), gradient, step size."""
    rows = []
    for k, w in enumerate(result.w):
        gradient = result.gradient[k] if k < len(result.gradient) else None
        step = result.step_size[k] if k < len(result.step_size) else None
        rows.append([str(k), _g(w), _g(result.loss[k]), _g(gradient), _g(step)])
    data = ", ".join(f"{x:g}" for x in result.x)
    caption = (
        f"Gradient descent on J(w) = sum (z - w x)^2 with x = [{data}], z = 2x "
        f"(sum x^2 = {result.sum_x2:g}); w0 = {result.w0:g}, learning rate {result.learning_rate:g}: "
        f"{result.observed}"
    )
    return Table(caption, ["step k", "w_k", "J(w_k)", "dJ/dw", "step -lr*dJ/dw"], rows)


def compare_table(result: experiments.CompareResult) -> Table:
    """Small, good and too-large learning rates: predicted and observed behaviour."""
    rows = [
        [
            run.label,
            f"{run.learning_rate:g}",
            f"{run.contraction:g}",
            run.predicted,
            "-" if run.steps_to_tolerance is None else str(run.steps_to_tolerance),
            "-" if run.diverged_at_epoch is None else str(run.diverged_at_epoch),
            run.observed,
        ]
        for run in result.runs
    ]
    return Table(
        "Learning rates compared. Predicted from |1 - 2 lr sum x^2| (< 1 converges, > 1 diverges); "
        "observed in the run.",
        [
            "",
            "learning rate",
            "1 - 2 lr sum x^2",
            "predicted",
            "steps to tolerance",
            "diverged in epoch",
            "observed",
        ],
        rows,
    )


def backprop_tables(result: experiments.BackpropResult) -> list[Table]:
    """Forward pass, chain-rule products, updated parameters and (for several steps) the error."""
    f = result.forward
    forward = Table(
        f"Forward pass: x = {result.x:g}, T = {result.target:g}",
        ["quantity", "formula", "value"],
        [
            ["z1", "w1 x + b1", _g(f["z1"])],
            ["a1", "sigma(z1)", _g(f["a1"])],
            ["z2", "w2 a1 + b2", _g(f["z2"])],
            ["a2", "sigma(z2)", _g(f["a2"])],
            ["E", "1/2 (T - a2)^2", _g(f["E"])],
        ],
    )
    order = {"w2": 0, "b2": 1, "w1": 2, "b1": 3}
    gradients = {p["parameter"]: p["value"] for p in result.partials}
    partials = sorted(result.partials, key=lambda p: order.get(p["parameter"], 9))
    chain = Table(
        "Backpropagation: each partial derivative as the chain-rule product of its factors",
        ["derivative", "chain rule", "factors", "value"],
        [
            [
                f"dE/d{p['parameter']}",
                " * ".join(x["symbol"] for x in p["factors"]),
                " x ".join(f"{x['value']:.4g}" for x in p["factors"]),
                _g(p["value"]),
            ]
            for p in partials
        ],
    )
    updated = Table(
        f"Update: parameter - {result.learning_rate:g} x gradient",
        ["parameter", "old", "gradient", "new"],
        [
            [
                name,
                _g(result.initial[name]),
                _g(gradients[name]),
                _g(result.updated[name]),
            ]
            for name in ("w1", "b1", "w2", "b2")
        ],
    )
    tables = [forward, chain, updated]
    if result.steps > 1:
        tables.append(
            Table(
                f"Error E before each of {result.steps} steps (last row: after the last step)",
                ["step", "E"],
                [[str(k), _g(e)] for k, e in enumerate(result.errors)],
            )
        )
    return tables


def vanishing_table(result: experiments.VanishingResult) -> Table:
    """Per activation: first/last-layer gradient ratio at the start, and the training loss and the
    accuracies of the final weights (of the weights kept from before the bad step, for a run that
    diverged)."""
    rows = []
    for run in result.runs:
        saturated = [s for s in run.saturated_at_start if s is not None]
        dead = [d for d in run.dead_at_start if d is not None]
        diagnosis = run.diagnosis
        loss = _g(run.final_loss, 4)
        if run.diverged_at_epoch is not None:
            diagnosis = f"diverged in epoch {run.diverged_at_epoch}"
        rows.append(
            [
                run.activation,
                f"{run.first_to_last_at_start:.3g}",
                diagnosis,
                loss,
                f"{run.train_accuracy:.1%} / {run.test_accuracy:.1%}",
                f"{max(saturated):.0%}" if saturated else "-",
                f"{max(dead):.0%}" if dead else "-",
            ]
        )
    caption = (
        f"{result.depth} hidden layers of {result.width} units on {result.dataset} "
        f"({result.n_train} training, {result.n_test} test rows), SGD learning rate "
        f"{result.learning_rate:g}"
        + (f" with momentum {result.momentum:g}" if result.momentum else "")
        + (f", x {result.decay:g} per epoch" if result.decay < 1 else "")
        + f", batch {result.batch_size}, {result.epochs} epochs, "
        + "initialisation "
        + ", ".join(f"{r.activation} {r.initializer}" for r in result.runs)
        + f", seed {result.seed}. Gradient ratio: ||dE/dW1|| / ||dE/dW_last|| before training; "
        "training loss and accuracies: of the final weights (of the weights kept from before the "
        "bad step, for a run that diverged); "
        "saturated units and dead ReLUs: the largest fraction in one layer, before training. "
        f"{result.sigmoid_bound}: 4^-{result.depth} = {result.bound_for_depth:.2g}."
    )
    return Table(
        caption,
        [
            "activation",
            "gradient ratio at start",
            "diagnosis",
            "training loss (final weights)",
            "accuracy train / test",
            "saturated (max layer)",
            "dead ReLUs (max layer)",
        ],
        rows,
    )


def gallery_table(result: experiments.GalleryResult) -> Table:
    """The seven activations: formula, range, derivative, where used."""
    return Table(
        "The seven activation functions of the course",
        ["activation", "formula", "range", "derivative", "where it is used"],
        [[a.name, a.formula, a.output_range, a.derivative_formula, a.used] for a in result.activations],
    )


def training_table(result: experiments.TrainingResult) -> Table:
    """The digits run: final losses and accuracies."""
    return Table(
        f"Digits: Dense({result.hidden_units}, relu) -> Dense(10, softmax), cross entropy, SGD "
        f"(momentum 0.9) learning rate {result.learning_rate:g}, batch {result.batch_size}, "
        f"{result.epochs} epochs",
        [
            "training rows",
            "test rows",
            "final training loss",
            "final test loss",
            "training accuracy",
            "test accuracy",
        ],
        [
            [
                str(result.n_train),
                str(result.n_test),
                _g(result.loss[-1], 4),
                _g(result.val_loss[-1], 4),
                f"{result.train_accuracy:.1%}",
                f"{result.test_accuracy:.1%}",
            ]
        ],
    )
