"""Generate the tutorials' figures and output tables from the real library.

Writes PNG figures and Markdown tables into ``docs/generated/`` (git-ignored); the pages
include the tables with ``--8<-- "name.md"`` and the figures as ``../generated/name.png``.
Run it by hand (``python docs/gen_figures.py``) or let the MkDocs hook (``docs/hooks.py``)
run it before each build. Every number comes from a seeded run of neuralab itself.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import numpy as np

import neuralab as nl
from neuralab import experiments, plots
from neuralab.data import load_bundled, split_indices
from neuralab.lr_find import plot_lr_find
from neuralab.report import (
    Table,
    backprop_tables,
    compare_table,
    descent_table,
    gallery_table,
    vanishing_table,
)

OUT = Path(__file__).resolve().parent / "generated"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


# The report's plain-text headers, written in the site's notation (docs/notation.md).
HEADERS = {
    "step k": r"step \(k\)", "w_k": r"\(w_k\)", "J(w_k)": r"\(J(w_k)\)", "dJ/dw": r"\(dJ/dw\)",
    "step -lr*dJ/dw": r"step \(-\alpha \, dJ/dw\)", "1 - 2 lr sum x^2": r"\(1 - 2 \alpha \sum x^2\)",
    "learning rate": r"learning rate \(\alpha\)",
}
# Columns whose cells are formulas in the report's plain text: typeset them.
FORMULA_COLUMNS = {"quantity", "formula", "derivative", "chain rule", "parameter"}


def tex(text: str) -> str:
    """The report's plain-text formula (``dE/dw2 = -(T - a2) * a2 (1 - a2)``) as inline TeX."""
    text = re.sub(r"\bsigma\b", r"\\sigma", text)
    text = re.sub(r"\bd([EJ])/d(\w+)", r"\\partial \1 / \\partial \2", text)
    text = re.sub(r"\b([a-zA-Z])(\d)\b", r"\1_\2", text)
    text = text.replace("1/2 ", r"\tfrac12 ").replace(" * ", r" \cdot ")
    return rf"\({text}\)"


def markdown_table(table: Table, *, caption: bool = True, formulas: bool = False) -> str:
    """A report Table as a Markdown table, its caption in italics below; ``formulas``: typeset
    the cells of the FORMULA_COLUMNS."""
    formula = [formulas and header in FORMULA_COLUMNS for header in table.headers]
    lines = ["| " + " | ".join(HEADERS.get(h, _cell(h)) for h in table.headers) + " |",
             "|" + "|".join(" --- " for _ in table.headers) + "|"]
    lines += ["| " + " | ".join(tex(c) if f and c else _cell(c) for c, f in zip(row, formula, strict=True))
              + " |" for row in table.rows]
    if caption and table.caption:
        lines += ["", f"*{_cell(table.caption)}*"]
    return "\n".join(lines) + "\n"


def _write(name: str, text: str) -> None:
    path = OUT / name
    if not path.exists() or path.read_text() != text:  # unchanged files keep `mkdocs serve` calm
        path.write_text(text)


def _figure(figure, name: str) -> None:
    figure.savefig(OUT / f"{name}.png", dpi=90, metadata={"Software": None})


def _text(name: str, text: str) -> None:
    _write(name, "```text\n" + text.rstrip("\n") + "\n```\n")


def gradient_descent() -> None:
    result = experiments.descent(w0=0.2, learning_rate=0.4)
    _write("descent_table.md", markdown_table(descent_table(result)))
    _figure(plots.plot_descent(result), "descent")
    compare = experiments.compare_learning_rates()
    _write("compare_table.md", markdown_table(compare_table(compare)))
    _figure(plots.plot_descent(compare), "compare")


def backpropagation() -> None:
    result = experiments.backprop()
    for name, table in zip(("forward", "chain", "update"), backprop_tables(result), strict=False):
        _write(f"backprop_{name}.md", markdown_table(table, formulas=True))
    _text("backprop_equations.txt.md", "\n".join(p["equation"] for p in result.partials))
    _figure(plots.plot_backprop(result), "backprop")
    many = experiments.backprop(steps=100)
    after = many.parameters_after
    net = nl.Sequential([nl.Dense(1, "sigmoid", weights=[[after["w1"]]], biases=[after["b1"]]),
                         nl.Dense(1, "sigmoid", weights=[[after["w2"]]], biases=[after["b2"]])],
                        dtype="float64")
    _text("backprop_steps.txt.md",
          f"E before step 1:   {many.errors[0]:.6f}\n"
          f"E after 10 steps:  {many.errors[10]:.6f}\n"
          f"E after 100 steps: {many.errors[-1]:.6f}\n"
          f"a2 after 100 steps: {net.predict([[0.1]])[0, 0]:.4f} (target T = 0.25)")


def real_data() -> None:
    table, target = load_bundled("breast_cancer")
    labels = table.column(target)
    train_rows, val_rows, test_rows = split_indices(table.n_rows, validation=0.2, test=0.2, seed=0,
                                                    stratify=labels)
    model = nl.Model.for_data(table, target, hidden=(32, 16), train_rows=train_rows)
    train, validation, test = (table.take(rows) for rows in (train_rows, val_rows, test_rows))
    history = model.fit(train, validation=validation, epochs=200, early_stopping=10, seed=0)
    metrics = model.evaluate(test)
    _text("real_summary.txt.md", model.network.summary())
    lines = [f"epochs run: {history.epochs_run} (stopped: {history.stop_reason})",
             f"best epoch: {model.training['sessions'][-1].get('best_epoch')}",
             f"test accuracy: {metrics['accuracy']:.3f}",
             f"test precision per class: {np.round(metrics['precision'], 3).tolist()}",
             f"test recall per class:    {np.round(metrics['recall'], 3).tolist()}",
             f"classes: {model.classes}"]
    _text("real_metrics.txt.md", "\n".join(lines))
    _figure(plots.plot_history(history), "real_history")


def vanishing() -> None:
    monitors: dict = {}
    result = experiments.vanishing(depth=10, width=32, epochs=10, monitors=monitors)
    _write("vanishing_table.md", markdown_table(vanishing_table(result)))
    _figure(plots.plot_gradient_flow(monitors), "vanishing_flow")
    _figure(plots.plot_loss_curves(result), "vanishing_loss")
    advice = [f"{run.activation}: {run.diagnosis}. {run.advice}" for run in result.runs]
    _text("vanishing_advice.txt.md", "\n".join(advice))


# The gallery's formulas in TeX (the report's are plain text for the terminal); the leaky
# ReLU's slope is written out, since the site keeps the letter alpha for the learning rate.
GALLERY_TEX = {
    "sigmoid": (r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma(z)\,(1 - \sigma(z))", r"(0, 1)"),
    "tanh": (r"\tanh z = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", r"1 - \tanh^2 z", r"(-1, 1)"),
    "relu": (r"\max(0, z)", r"1 \text{ if } z > 0 \text{ else } 0", r"[0, \infty)"),
    "softmax": (r"\frac{e^{z_i}}{\sum_j e^{z_j}}",
                r"\frac{\partial a_i}{\partial z_j} = a_i (\delta_{ij} - a_j)",
                r"(0, 1) \text{, rows sum to } 1"),
    "binary_step": (r"1 \text{ if } z \ge 0 \text{ else } 0", r"0 \text{ (undefined at } z = 0)",
                    r"\{0, 1\}"),
    "linear": (r"z", r"1", r"(-\infty, \infty)"),
    "leaky_relu": (r"z \text{ if } z > 0 \text{ else } 0.01\,z", r"1 \text{ if } z > 0 \text{ else } 0.01",
                   r"(-\infty, \infty)"),
}


def activations() -> None:
    result = experiments.activation_gallery()
    table = gallery_table(result)
    rows = []
    for row in table.rows:
        name = row[0]
        if name not in GALLERY_TEX:
            raise RuntimeError(f"gen_figures.GALLERY_TEX has no formula for the activation {name!r}")
        formula, derivative, output_range = (rf"\({part}\)" for part in GALLERY_TEX[name])
        rows.append([f"`{name}`", formula, output_range, derivative, *row[4:]])
    _write("gallery_table.md", markdown_table(Table(table.caption, table.headers, rows)))
    _figure(plots.plot_gallery(result), "gallery")


def learning_rate() -> None:
    table, target = load_bundled("digits")
    model = nl.Model.for_data(table, target, hidden=(64,))
    X = model.preprocessor.transform(table)
    y = model.preprocessor.encode_target(table, model.network.output_dim)
    result = nl.lr_find(model.network, X, y, loss="cross_entropy", optimizer="sgd",
                        start_learning_rate=1e-6, end_learning_rate=10.0, num_steps=100, seed=0)
    _figure(plot_lr_find(result), "lr_find")
    _lr_find_cli(result.suggestion)
    _text("lr_find.txt.md",
          f"steps run: {len(result.losses)} (stopped: {result.stop_reason})\n"
          f"lowest smoothed loss at learning rate {result.best_learning_rate:.3g}\n"
          f"suggested learning rate: {result.suggestion:.3g}")
    rows = []
    rates = {"100x smaller": result.suggestion / 100, "suggested": result.suggestion,
             "at the explosion": result.learning_rates[-1]}
    for label, rate in rates.items():
        net = nl.Sequential([nl.Dense(64, "relu"), nl.Dense(10, "softmax")])
        try:
            history = net.fit(X, y, loss="cross_entropy", optimizer=nl.SGD(rate), epochs=5, batch_size=32,
                              seed=0)
            outcome = f"{history.loss[-1]:.4f}"
            accuracy = float(np.mean(net.predict(X).argmax(axis=1) == y.argmax(axis=1)))
            accuracy_text = f"{accuracy:.1%}"
        except nl.DivergenceError as error:
            outcome, accuracy_text = f"diverged in epoch {error.epoch}", "-"
        rows.append([label, f"{rate:.3g}", outcome, accuracy_text])
    _write("lr_compare.md", markdown_table(Table(
        "Digits, Dense(64, relu) -> Dense(10, softmax), plain SGD, batch 32, 5 epochs, seed 0.",
        ["learning rate", "value", "training loss after 5 epochs", "training accuracy"], rows)))


def _lr_find_cli(suggestion: float) -> None:
    """The command line's suggestion for the same network: it must be the Python one."""
    import json
    import tempfile

    from typer.testing import CliRunner

    from neuralab.cli import app

    with tempfile.TemporaryDirectory() as folder:
        done = CliRunner().invoke(app, ["lr-find", "digits", "--hidden", "64", "--optimizer", "sgd",
                                        "--out", str(Path(folder) / "lr_find.png"), "--json"])
    if done.exit_code != 0:
        raise RuntimeError(f"neuralab lr-find failed: {done.output}")
    answer = json.loads(done.stdout)
    if f"{answer['suggestion']:.3g}" != f"{suggestion:.3g}":
        raise RuntimeError(f"the tutorial's Python call suggests {suggestion:.3g} but `neuralab lr-find` "
                           f"{answer['suggestion']:.3g}: make gen_figures.py call lr_find as the CLI does")
    _text("lr_find_cli.txt.md", f"try: {answer['train_command']}")


STEPS = (gradient_descent, backpropagation, vanishing, activations, real_data, learning_rate)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    started = time.perf_counter()
    for step in STEPS:
        step()
    print(f"gen_figures: wrote {len(list(OUT.iterdir()))} files to {OUT} "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
