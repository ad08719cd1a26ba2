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
    care_text,
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
    "step k": r"step \(k\)",
    "w_k": r"\(w_k\)",
    "J(w_k)": r"\(J(w_k)\)",
    "dJ/dw": r"\(dJ/dw\)",
    "step -lr*dJ/dw": r"step \(-\alpha \, dJ/dw\)",
    "1 - 2 lr sum x^2": r"\(1 - 2 \alpha \sum x^2\)",
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
    lines = [
        "| " + " | ".join(HEADERS.get(h, _cell(h)) for h in table.headers) + " |",
        "|" + "|".join(" --- " for _ in table.headers) + "|",
    ]
    lines += [
        "| " + " | ".join(tex(c) if f and c else _cell(c) for c, f in zip(row, formula, strict=True)) + " |"
        for row in table.rows
    ]
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


def _answer(name: str, *lines: str) -> None:
    """An exercise's answer, folded (``??? success``), computed by the engine at build time."""
    body = "\n".join(f"    {line}" if line else "" for line in lines)
    _write(f"ex_{name}.md", f'??? success "Answer"\n{body}\n')


def _w(values) -> str:
    return ", ".join(f"{v:.4g}" for v in values)


def gradient_descent() -> None:
    result = experiments.descent(w0=0.2, learning_rate=0.4)
    _write("descent_table.md", markdown_table(descent_table(result)))
    _figure(plots.plot_descent(result), "descent")
    compare = experiments.compare_learning_rates()
    _write("compare_table.md", markdown_table(compare_table(compare)))
    _figure(plots.plot_descent(compare), "compare")
    _figure(zigzag(), "descent_zigzag")
    gradient_descent_exercises(result)


def zigzag():
    """The weights of three learning rates on the parabola J(w): creeping, converging, overshooting."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9.5, 3.6))
    runs = [
        experiments.descent(w0=0.2, learning_rate=rate, steps=steps)
        for rate, steps in ((0.1, 8), (0.4, 8), (1.8, 4))
    ]
    for axes, run in zip(figure.subplots(1, 3), runs, strict=True):
        ws = np.array(run.w)
        span = max(2.5, float(np.max(np.abs(ws - 2))) * 1.1)
        grid = np.linspace(2 - span, 2 + span, 200)
        axes.plot(grid, run.sum_x2 * (2 - grid) ** 2, color="0.6", linewidth=1)  # J(w) = sum x^2 (2 - w)^2
        axes.plot(ws, run.loss[: len(ws)], marker="o", markersize=4, color="tab:blue")
        for k, (w, j) in enumerate(zip(ws[:4], run.loss[:4], strict=False)):
            axes.annotate(f"$w_{k}$", (w, j), textcoords="offset points", xytext=(4, 6), fontsize=8)
        axes.set(title=f"α = {run.learning_rate:g}: factor {run.contraction:g} per step", xlabel="w")
    figure.axes[0].set_ylabel("J(w)")
    figure.tight_layout()
    return figure


def gradient_descent_exercises(result) -> None:
    sum_x2 = result.sum_x2
    fast = experiments.descent(w0=0.2, learning_rate=1.8, steps=3)
    _answer(
        "gd_1",
        rf"Each step multiplies the distance to the optimum, \(w - 2\), by "
        rf"\(1 - 2 \alpha \sum x^2 = 1 - 2 \cdot 1.8 \cdot {sum_x2:g} = {fast.contraction:g}\). "
        rf"From \(w_0 - 2 = {fast.w[0] - 2:g}\) that gives:",
        "",
        "```python",
        "experiments.descent(w0=0.2, learning_rate=1.8, steps=3).w",
        f"# [{_w(fast.w)}]",
        "```",
        "",
        "The weight jumps to the other side of 2 at every step and lands further away each time: "
        "the overshoot that makes a too-large rate diverge.",
    )
    best_rate = 1 / (2 * sum_x2)
    one = experiments.descent(w0=0.2, learning_rate=best_rate, steps=1)
    _answer(
        "gd_2",
        rf"The factor \(1 - 2 \alpha \sum x^2\) is zero for \(\alpha = 1 / (2 \sum x^2) = "
        rf"1 / (2 \cdot {sum_x2:g}) = {best_rate:g}\): the first step lands on the optimum.",
        "",
        "```python",
        f"r = experiments.descent(w0=0.2, learning_rate={best_rate:g}, steps=1)",
        f"r.w[1], r.loss[1]   # ({one.w[1]:g}, {one.loss[1]:g})",
        "```",
        "",
        rf"Any rate between {best_rate:g} and {2 * best_rate:g} still converges, zig-zagging; "
        rf"above {2 * best_rate:g} it diverges.",
    )
    X = np.array(result.x).reshape(-1, 1)
    net = nl.Sequential([nl.Dense(1, use_bias=False, weights=[[0.2]])], dtype="float64")
    net.fit(X, 2 * X, loss="half_squared_error", optimizer=nl.GradientDescent(2 * 0.4), epochs=3)
    w_half = float(net.get_weights()[0][0, 0])
    if abs(w_half - result.w[3]) > 1e-12:
        raise RuntimeError(f"E with 2 alpha should repeat J's steps: {w_half} vs {result.w[3]}")
    _answer(
        "gd_3",
        r"\(\alpha = 0.8\). \(E = \tfrac12 J\), so \(dE/dw = \tfrac12 \, dJ/dw\): twice the "
        "learning rate gives the same step. The engine agrees to the last digit:",
        "",
        "```python",
        'net.fit(X, T, loss="half_squared_error", optimizer=nl.GradientDescent(0.8), epochs=3)',
        f"# w after 3 steps: {w_half:.6g}, the same as J with 0.4: {result.w[3]:.6g}",
        "```",
    )


def backpropagation() -> None:
    result = experiments.backprop()
    for name, table in zip(("forward", "chain", "update"), backprop_tables(result), strict=False):
        _write(f"backprop_{name}.md", markdown_table(table, formulas=True))
    _text("backprop_equations.txt.md", "\n".join(p["equation"] for p in result.partials))
    _figure(plots.plot_backprop(result), "backprop")
    many = experiments.backprop(steps=100)
    after = many.parameters_after
    net = nl.Sequential(
        [
            nl.Dense(1, "sigmoid", weights=[[after["w1"]]], biases=[after["b1"]]),
            nl.Dense(1, "sigmoid", weights=[[after["w2"]]], biases=[after["b2"]]),
        ],
        dtype="float64",
    )
    backprop_exercises(result, many)
    _text(
        "backprop_steps.txt.md",
        f"E before step 1:   {many.errors[0]:.6f}\n"
        f"E after 10 steps:  {many.errors[10]:.6f}\n"
        f"E after 100 steps: {many.errors[-1]:.6f}\n"
        f"a2 after 100 steps: {net.predict([[0.1]])[0, 0]:.4f} (target T = 0.25)",
    )


def backprop_exercises(result, many) -> None:
    gradients = sorted(
        ((p["parameter"], p["value"]) for p in result.partials), key=lambda pair: -abs(pair[1])
    )
    names = {"w1": "w_1", "b1": "b_1", "w2": "w_2", "b2": "b_2"}
    order = " > ".join(rf"\(\partial E / \partial {names[n]}\) ({v:.3g})" for n, v in gradients)
    _answer(
        "bp_1",
        f"In this example: {order}.",
        "",
        rf"The output bias \(b_2\) has the shortest chain, \(-(T - a_2) \cdot a_2 (1 - a_2)\), and its "
        rf"last factor is 1. \(w_2\) adds the factor \(a_1\) (below 1). The first layer's gradients "
        rf"pass through \(w_2 \, \sigma'(z_1)\) as well, another factor well below 1, and \(w_1\) "
        rf"ends in \(x = {result.x:g}\). Every factor below 1 makes an earlier gradient smaller: "
        "tutorial 3 in miniature.",
    )
    high = experiments.backprop(target=0.9)
    partial = {p["parameter"]: p["value"] for p in high.partials}
    _answer(
        "bp_2",
        rf"Now \(a_2 = {high.forward['a2']:.4f}\) is *below* the target, so the first factor "
        rf"\(-(T - a_2)\) is negative, and with it \(\partial E / \partial w_2 = {partial['w2']:.4g}\). "
        rf"The update \(w_2 - \alpha \, \partial E / \partial w_2\) therefore *raises* \(w_2\): "
        rf"{high.initial['w2']:g} → {high.updated['w2']:.6g}, which raises \(a_2\) towards 0.9.",
        "",
        "```python",
        "r = experiments.backprop(target=0.9)",
        f"r.updated['w2']   # {high.updated['w2']:.6g}",
        "```",
    )
    below = next(k for k, e in enumerate(many.errors) if e < 1e-3)
    _answer(
        "bp_3",
        rf"After {below} steps E is {many.errors[below]:.6f} (it was {many.errors[below - 1]:.6f} "
        f"after {below - 1}):",
        "",
        "```python",
        "many = experiments.backprop(steps=100)",
        "next(k for k, e in enumerate(many.errors) if e < 1e-3)",
        f"# {below}",
        "```",
        "",
        "The error falls fast at first and slowly near the end, where the gradient is small.",
    )


def real_data() -> None:
    table, target = load_bundled("breast_cancer")
    labels = table.column(target)
    train_rows, val_rows, test_rows = split_indices(
        table.n_rows, validation=0.2, test=0.2, seed=0, stratify=labels
    )
    model = nl.Model.for_data(table, target, hidden=(32, 16), train_rows=train_rows)
    train, validation, test = (table.take(rows) for rows in (train_rows, val_rows, test_rows))
    history = model.fit(train, validation=validation, epochs=200, early_stopping=10, seed=0)
    metrics = model.evaluate(test)
    _text("real_summary.txt.md", model.network.summary())
    lines = [
        f"epochs run: {history.epochs_run} (stopped: {history.stop_reason})",
        f"best epoch: {model.training['sessions'][-1].get('best_epoch')}",
        f"test accuracy: {metrics['accuracy']:.3f}",
        f"test precision per class: {np.round(metrics['precision'], 3).tolist()}",
        f"test recall per class:    {np.round(metrics['recall'], 3).tolist()}",
        f"classes: {model.classes}",
    ]
    _text("real_metrics.txt.md", "\n".join(lines))
    best = model.training["sessions"][-1].get("best_epoch")
    figure = plots.plot_history(history)
    loss_axes = figure.axes[0]
    loss_axes.axvline(best, color="black", linestyle=":", linewidth=1.2)
    loss_axes.plot(
        [best],
        [history.val_loss[best - 1]],
        marker="o",
        color="black",
        zorder=3,
        label=f"best epoch ({best}): weights kept",
    )
    loss_axes.legend()
    _figure(figure, "real_history")
    _answer(
        "rd_1",
        f"{len(train_rows)} training rows, {len(val_rows)} validation rows and {len(test_rows)} test "
        f"rows, {table.n_rows} in all:",
        "",
        "```python",
        "len(train_rows), len(val_rows), len(test_rows)",
        f"# ({len(train_rows)}, {len(val_rows)}, {len(test_rows)})",
        "```",
        "",
        "Only the training rows move the weights; the validation rows choose the epoch to keep; "
        "the test rows are looked at once, at the end.",
    )
    train_accuracy = model.evaluate(train)["accuracy"]
    _answer(
        "rd_2",
        f"Training rows: {train_accuracy:.3f}; test rows: {metrics['accuracy']:.3f}.",
        "",
        "```python",
        "model.evaluate(train)['accuracy'], model.evaluate(test)['accuracy']",
        f"# ({train_accuracy:.3f}, {metrics['accuracy']:.3f})",
        "```",
        "",
        "The network was fitted to the training rows, so it scores at least as well there; the test "
        "rows show how it does on tumours it has never seen, which is the number to report.",
    )
    _answer(
        "rd_3",
        f"It ran {history.epochs_run} epochs and kept the weights of epoch {best}: the validation loss "
        f"was lowest there ({min(history.val_loss):.4f}) and was {history.val_loss[-1]:.4f} by the "
        f"last epoch.",
        "",
        "```python",
        "history.epochs_run, int(np.argmin(history.val_loss)) + 1",
        f"# ({history.epochs_run}, {int(np.argmin(history.val_loss)) + 1})",
        "```",
        "",
        f"Patience 10 means: stop after 10 epochs without a new best ({best} + 10 = "
        f"{best + 10 if best else '-'}).",
    )


def vanishing() -> None:
    monitors: dict = {}
    result = experiments.vanishing(monitors=monitors)  # the tour's and the CLI's defaults
    _write("vanishing_table.md", markdown_table(vanishing_table(result)))
    _figure(plots.plot_gradient_flow(monitors), "vanishing_flow")
    _figure(plots.plot_loss_curves(result), "vanishing_loss")
    advice = [f"{run.activation}: {run.diagnosis}. {run.advice}" for run in result.runs]
    _text("vanishing_advice.txt.md", "\n".join(advice))
    # each lesson's sentence, checked on this run: the claim, or what happened instead
    claims = experiments.vanishing_claims(result)
    _write("vanishing_claims.md", "".join(f"- {claim.text}\n" for claim in claims))
    care = experiments.relu_care()
    _figure(plots.plot_relu_care(care), "relu_care")
    _write("relu_care.md", care_text(care) + "\n")
    vanishing_exercises(result, monitors)


def vanishing_exercises(result, monitors) -> None:
    norms = monitors["sigmoid"].gradient_norm_array()[0]
    largest = int(np.argmax(norms)) + 1
    _answer(
        "vg_1",
        f"Layer {largest} of {len(norms)}{' (the output layer)' if largest == len(norms) else ''}: "
        f"its weight-gradient norm is "
        f"{norms[largest - 1]:.2g}, the first layer's {norms[0]:.2g}.",
        "",
        "```python",
        "norms = monitors['sigmoid'].gradient_norm_array()[0]   # at the start, input side first",
        "int(norms.argmax()) + 1",
        f"# {largest}",
        "```",
        "",
        r"The output layer's gradient has the fewest factors: the error signal \(\delta\) of the "
        r"output times its inputs. Every layer further down multiplies in one more "
        r"\(W_k^{\mathsf T} \sigma'(z_k)\), with \(\sigma' \le 1/4\).",
    )
    ratios = {}
    for depth in (2, 5):  # the start is the same whatever the number of epochs: one is enough
        run = experiments.vanishing(activations=("sigmoid",), depth=depth, width=32, epochs=1).runs[0]
        ratios[depth] = run.first_to_last_at_start
    ratios[10] = result.run("sigmoid").first_to_last_at_start
    table = ", ".join(f"depth {d}: {r:.2g}" for d, r in ratios.items())
    _answer(
        "vg_2",
        f"The first-to-last ratio at the start, measured: {table}.",
        "",
        "```python",
        "for depth in (2, 5, 10):",
        "    result = experiments.vanishing(activations=('sigmoid',), depth=depth, epochs=1)",
        "    print(depth, result.runs[0].first_to_last_at_start)",
        "```",
        "",
        "Each extra sigmoid layer multiplies the ratio by roughly the same factor, so it falls "
        "exponentially with depth: a straight line on a log scale.",
    )


# The gallery's formulas in TeX (the report's are plain text for the terminal); the leaky
# ReLU's slope is written out, since the site keeps the letter alpha for the learning rate.
GALLERY_TEX = {
    "sigmoid": (r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma(z)\,(1 - \sigma(z))", r"(0, 1)"),
    "tanh": (r"\tanh z = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", r"1 - \tanh^2 z", r"(-1, 1)"),
    "relu": (r"\max(0, z)", r"1 \text{ if } z > 0 \text{ else } 0", r"[0, \infty)"),
    "softmax": (
        r"\frac{e^{z_i}}{\sum_j e^{z_j}}",
        r"\frac{\partial a_i}{\partial z_j} = a_i (\delta_{ij} - a_j)",
        r"(0, 1) \text{, rows sum to } 1",
    ),
    "binary_step": (
        r"1 \text{ if } z \ge 0 \text{ else } 0",
        r"0 \text{ (undefined at } z = 0)",
        r"\{0, 1\}",
    ),
    "linear": (r"z", r"1", r"(-\infty, \infty)"),
    "leaky_relu": (
        r"z \text{ if } z > 0 \text{ else } 0.01\,z",
        r"1 \text{ if } z > 0 \text{ else } 0.01",
        r"(-\infty, \infty)",
    ),
}


def activations() -> None:
    result = experiments.activation_gallery()
    table = gallery_table(result)
    rows = []
    for row in table.rows:
        name = row[0]
        if name not in GALLERY_TEX:
            raise RuntimeError(f"gen_figures.GALLERY_TEX has no formula for the activation {name!r}")
        formula, derivative, output_range = (rf"\(\displaystyle {part}\)" for part in GALLERY_TEX[name])
        rows.append([f"`{name}`", formula, output_range, derivative])
    _write("gallery_table.md", markdown_table(Table(table.caption, table.headers[:4], rows)))
    uses = [f"- **{row[0]}** — {row[4]}" for row in table.rows]  # too long for a table cell
    _write("gallery_uses.md", "\n".join(uses) + "\n")
    _figure(plots.plot_gallery(result), "gallery")
    activation_exercises()
    initialisation()


def activation_exercises() -> None:
    zero = np.zeros((1, 1))
    sigmoid_max = float(nl.Sigmoid().derivative(zero)[0, 0])
    tanh_max = float(nl.Tanh().derivative(zero)[0, 0])
    _answer(
        "act_1",
        rf"Both derivatives are largest at \(z = 0\): \(\sigma'(0) = {sigmoid_max:g}\) and "
        rf"\(\tanh'(0) = {tanh_max:g}\).",
        "",
        "```python",
        "nl.Sigmoid().derivative(np.zeros((1, 1))), nl.Tanh().derivative(np.zeros((1, 1)))",
        f"# {sigmoid_max:g}, {tanh_max:g}",
        "```",
        "",
        rf"Ten sigmoid layers multiply at most ten such factors: \({sigmoid_max:g}^{{10}} = "
        rf"{sigmoid_max**10:.2g}\) — the bound behind tutorial 3. Ten tanh layers can pass "
        rf"{tanh_max**10:g}, but only when every unit sits at \(z = 0\).",
    )
    low = nl.Softmax().forward(np.array([[1.0, 2.0, 3.0]]))
    high = nl.Softmax().forward(np.array([[101.0, 102.0, 103.0]]))
    if not np.allclose(low, high):
        raise RuntimeError("softmax should not change when a constant is added to every z")
    _answer(
        "act_2",
        f"The same probabilities, ({_w(low[0])}), for both:",
        "",
        "```python",
        "nl.Softmax().forward(np.array([[101.0, 102.0, 103.0]]))",
        f"# [[{_w(high[0])}]]",
        "```",
        "",
        r"Adding \(c\) to every \(z_j\) multiplies numerator and denominator by \(e^c\). The engine "
        r"uses exactly this to stay finite: it subtracts each row's largest \(z\) before "
        r"exponentiating, so \(e^{103}\) is never computed.",
    )
    rng = np.random.default_rng(0)
    he = nl.get_initializer("he_normal")((256, 128), rng, np.float64)
    glorot = nl.get_initializer("glorot_normal")((256, 128), rng, np.float64)
    _answer(
        "act_3",
        rf"He: \(\sqrt{{2 / 256}} = {np.sqrt(2 / 256):.4f}\); Glorot: \(\sqrt{{2 / (256 + 128)}} = "
        rf"{np.sqrt(2 / 384):.4f}\). Drawn by the engine:",
        "",
        "```python",
        'nl.get_initializer("he_normal")((256, 128), np.random.default_rng(0), np.float64).std()',
        f"# {he.std():.4f}   (glorot_normal: {glorot.std():.4f})",
        "```",
        "",
        "He's weights are larger because a ReLU layer passes on only about half of its inputs "
        "(the positive ones); the larger weights make up for the half that is zeroed.",
    )


def initialisation() -> None:
    """How the initial weights' size carries through ten layers: the signal forward, the gradient back."""
    from neuralab.initializers import Normal

    data = experiments.load_dataset("digits")
    X, y = data.X_train[:512], data.y_train[:512]
    choices = {
        "tanh": [
            ("N(0, 0.05²)", Normal(0.05)),
            ("N(0, 1)", Normal(1.0)),
            ("Glorot (`glorot_uniform`)", "glorot_uniform"),
        ],
        "relu": [("N(0, 0.05²)", Normal(0.05)), ("N(0, 1)", Normal(1.0)), ("He (`he_normal`)", "he_normal")],
    }
    rows = []
    for activation, initializers in choices.items():
        for label, initializer in initializers:
            layers = [nl.Dense(32, activation, initializer=initializer) for _ in range(10)]
            net = nl.Sequential([*layers, nl.Dense(10, "softmax")])
            net.build(X.shape[1], seed=0)
            a = X
            for layer in net.layers[:-1]:
                a = layer.forward(a)
            monitor = nl.GradientMonitor(X, y, epochs=[0])  # epoch 0: measured before any step
            try:
                net.fit(
                    X,
                    y,
                    loss="cross_entropy",
                    optimizer=nl.SGD(0.01),
                    epochs=1,
                    batch_size=64,
                    callbacks=[monitor],
                    seed=0,
                )
            except nl.DivergenceError:
                pass  # the first steps of N(0, 1) ReLU layers blow up: the start is what we show
            norms = monitor.gradient_norm_array()[0]
            rows.append([activation, label, f"{float(np.std(a)):.2g}", f"{norms[0]:.2g}"])
    _write(
        "init_table.md",
        markdown_table(
            Table(
                "Ten hidden layers of 32 units on the digits (inputs standardised), before any training, "
                "seed 0: the spread (standard deviation) of the last hidden layer's outputs, and the norm of "
                "the first layer's weight gradient.",
                [
                    "hidden activation",
                    "initial weights",
                    "spread of layer 10's outputs",
                    "first layer's gradient norm",
                ],
                rows,
            )
        ),
    )


def learning_rate() -> None:
    table, target = load_bundled("digits")
    model = nl.Model.for_data(table, target, hidden=(64,))
    X = model.preprocessor.transform(table)
    y = model.preprocessor.encode_target(table, model.network.output_dim)
    result = nl.lr_find(
        model.network,
        X,
        y,
        loss="cross_entropy",
        optimizer="sgd",
        start_learning_rate=1e-6,
        end_learning_rate=10.0,
        num_steps=100,
        seed=0,
    )
    _figure(plot_lr_find(result), "lr_find")
    _lr_find_cli(result.suggestion)
    _text(
        "lr_find.txt.md",
        f"steps run: {len(result.losses)} (stopped: {result.stop_reason})\n"
        f"lowest smoothed loss at learning rate {result.best_learning_rate:.3g}\n"
        f"suggested learning rate: {result.suggestion:.3g}",
    )
    rows = []
    rates = {
        "100x smaller": result.suggestion / 100,
        "suggested": result.suggestion,
        "at the explosion": result.learning_rates[-1],
    }
    for label, rate in rates.items():
        net = nl.Sequential([nl.Dense(64, "relu"), nl.Dense(10, "softmax")])
        try:
            history = net.fit(
                X, y, loss="cross_entropy", optimizer=nl.SGD(rate), epochs=5, batch_size=32, seed=0
            )
            outcome = f"{history.loss[-1]:.4f}"
            accuracy = float(np.mean(net.predict(X).argmax(axis=1) == y.argmax(axis=1)))
            accuracy_text = f"{accuracy:.1%}"
        except nl.DivergenceError as error:
            outcome, accuracy_text = f"diverged in epoch {error.epoch}", "-"
        rows.append([label, f"{rate:.3g}", outcome, accuracy_text])
    learning_rate_exercises(model.network, X, y, result)
    _write(
        "lr_compare.md",
        markdown_table(
            Table(
                "Digits, Dense(64, relu) -> Dense(10, softmax), plain SGD, batch 32, 5 epochs, seed 0.",
                ["learning rate", "value", "training loss after 5 epochs", "training accuracy"],
                rows,
            )
        ),
    )


def learning_rate_exercises(network, X, y, result) -> None:
    ten = 10 * result.suggestion
    net = nl.Sequential([nl.Dense(64, "relu"), nl.Dense(10, "softmax")])
    try:
        history = net.fit(X, y, loss="cross_entropy", optimizer=nl.SGD(ten), epochs=5, batch_size=32, seed=0)
        accuracy = float(np.mean(net.predict(X).argmax(axis=1) == y.argmax(axis=1)))
        outcome = f"it trains: loss {history.loss[-1]:.4f} after 5 epochs, training accuracy {accuracy:.1%}"
    except nl.DivergenceError as error:
        outcome = f"it diverges in epoch {error.epoch}"
    _answer(
        "lr_1",
        f"Ten times the suggestion is {ten:.3g}, the rate at the lowest point of the smoothed curve; "
        f"with plain SGD, batches of 32 and seed 0 {outcome}.",
        "",
        "The lowest point of the curve is where the loss stopped falling *during a test whose rate "
        "kept rising*: a rate near it is at the edge. The factor of ten leaves a margin for the "
        "noise of mini-batches and for the smoothing's lag.",
    )
    adam = nl.lr_find(
        network,
        X,
        y,
        loss="cross_entropy",
        optimizer="adam",
        start_learning_rate=1e-6,
        end_learning_rate=10.0,
        num_steps=100,
        seed=0,
    )
    _answer(
        "lr_2",
        f"Adam's suggestion is {adam.suggestion:.3g}, against {result.suggestion:.3g} for SGD:",
        "",
        "```python",
        'nl.lr_find(model.network, X, y, loss="cross_entropy", optimizer="adam",',
        "           start_learning_rate=1e-6, end_learning_rate=10.0, num_steps=100, seed=0).suggestion",
        f"# {adam.suggestion:.3g}",
        "```",
        "",
        "Adam divides each step by a running size of the gradient, so its learning rate is close to "
        "the step a weight actually takes, whatever the gradient's scale; SGD's step is the rate "
        "times the gradient. The two numbers are not interchangeable: measure for the optimizer "
        "you will train with.",
    )


def _lr_find_cli(suggestion: float) -> None:
    """The command line's suggestion for the same network: it must be the Python one."""
    import json
    import tempfile

    from typer.testing import CliRunner

    from neuralab.cli import app

    with tempfile.TemporaryDirectory() as folder:
        done = CliRunner().invoke(
            app,
            [
                "lr-find",
                "digits",
                "--hidden",
                "64",
                "--optimizer",
                "sgd",
                "--out",
                str(Path(folder) / "lr_find.png"),
                "--json",
            ],
        )
    if done.exit_code != 0:
        raise RuntimeError(f"neuralab lr-find failed: {done.output}")
    answer = json.loads(done.stdout)
    if f"{answer['suggestion']:.3g}" != f"{suggestion:.3g}":
        raise RuntimeError(
            f"the tutorial's Python call suggests {suggestion:.3g} but `neuralab lr-find` "
            f"{answer['suggestion']:.3g}: make gen_figures.py call lr_find as the CLI does"
        )
    _text("lr_find_cli.txt.md", f"try: {answer['train_command']}")


def xor() -> None:
    """The home page's ten lines, run, and the decision boundary they learn."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    net = nl.Sequential([nl.Dense(4, "tanh"), nl.Dense(1, "sigmoid")])
    history = net.fit(X, y, loss="binary_cross_entropy", optimizer=nl.Adam(0.05), epochs=500, seed=0)
    _text("xor_output.txt.md", f"{history.loss[-1]:.4f} {net.predict(X).round(2).ravel()}")
    grid = np.linspace(-0.5, 1.5, 161)
    gx, gy = np.meshgrid(grid, grid)
    output = net.predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.2, 4.4))
    axes = figure.subplots()
    image = axes.contourf(gx, gy, output, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.85)
    axes.contour(gx, gy, output, levels=[0.5], colors="black", linewidths=1.5)
    for label, marker in ((0, "o"), (1, "s")):
        points = X[y == label]
        axes.scatter(
            points[:, 0],
            points[:, 1],
            s=120,
            marker=marker,
            c="white",
            edgecolors="black",
            linewidths=1.5,
            label=f"XOR = {label}",
            zorder=3,
        )
    figure.colorbar(image, ax=axes, label="network output a (probability of 1)")
    axes.set(xlabel="x1", ylabel="x2", title="XOR: output and decision boundary (a = 0.5)")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    figure.tight_layout()
    _figure(figure, "xor_boundary")


STEPS = (xor, gradient_descent, backpropagation, vanishing, activations, real_data, learning_rate)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    started = time.perf_counter()
    for step in STEPS:
        step()
    print(
        f"gen_figures: wrote {len(list(OUT.iterdir()))} files to {OUT} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
