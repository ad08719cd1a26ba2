"""The course's tables (shared by the CLI and the report) and the HTML report of the tour.

A ``Table`` is plain data: a caption, headers and rows of strings. The CLI renders it with
Rich, ``write_report`` as HTML. ``run_tour(folder)`` runs every demonstration, saves the
figures as PNG and SVG under ``folder/figures`` and writes ``folder/index.html`` (one
self-contained page: inline style, no scripts, fonts or styles from the internet) and
``folder/results.json``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import experiments
from ._files import atomic_write, ensure_folder
from .callbacks import Callback
from .errors import ValidationError


@dataclass
class Table:
    """A table as plain strings: ``rows`` each have one cell per header."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


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
            [name, _g(result.initial[name]), _g(gradients[name]), _g(result.updated[name])]
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


# -- the report ------------------------------------------------------------------------
@dataclass
class Section:
    """One part of the report: a title, an explanation, tables and figures (stems under figures/)."""

    key: str
    title: str
    text: str
    tables: list[Table] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 70em; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #335; padding-bottom: .2em; }
h2 { margin-top: 2em; color: #335; }
table { border-collapse: collapse; margin: 1em 0; font-size: .9em; }
caption { text-align: left; font-style: italic; padding-bottom: .3em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #eef3fb; }
td { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: .9em; color: #555; }
nav a { margin-right: 1em; }
.table-wrap { overflow-x: auto; max-width: 100%; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f3f3f3;
       padding: 0 .2em; }
"""


def _html_text(text: str) -> str:
    """Escaped text whose `backticked` words become <code> (the CLI shows them plain)."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    # In a scrolling wrapper: a wide table (a sweep's every run) must not widen the whole page.
    return (
        f'<div class="table-wrap"><table><caption>{_html_text(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _html_figure(stem: str, caption: str) -> str:
    src = f"figures/{stem}.svg"
    return (
        f'<figure><img src="{src}" alt="{html.escape(caption)}">'
        f'<figcaption>{html.escape(caption)} (<a href="figures/{stem}.png">PNG</a>, '
        f'<a href="{src}">SVG</a>)</figcaption></figure>'
    )


def write_report(
    folder: str | Path,
    sections: Sequence[Section],
    *,
    title: str = "neuralab: the course, runnable",
    note: str = "",
) -> Path:
    """Write ``folder/index.html`` presenting ``sections`` in order; return its path.

    Figures are referenced as ``figures/<stem>.svg`` (and ``.png``); every referenced file
    must exist already.
    """
    folder = Path(folder)
    for section in sections:
        for stem, _ in section.figures:
            for suffix in (".svg", ".png"):
                if not (folder / "figures" / f"{stem}{suffix}").is_file():
                    raise ValidationError(
                        f"The figure figures/{stem}{suffix} does not exist in {folder}; "
                        "save it with plots.save_figure before writing the report."
                    )
    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in sections)
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{_html_text(note)}</p><nav>{nav}</nav>"
    ]
    for section in sections:
        parts.append(f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>')
        parts.extend(f"<p>{_html_text(paragraph)}</p>" for paragraph in section.text.split("\n\n"))
        parts.extend(_html_table(t) for t in section.tables)
        parts.extend(_html_figure(stem, caption) for stem, caption in section.figures)
        parts.append("</section>")
    parts.append("</body></html>\n")
    path = folder / "index.html"
    with atomic_write(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(parts))
    return path


# -- the tour -------------------------------------------------------------------------
@dataclass
class TourSettings:
    """Sizes of the tour's runs; ``quick()`` is the small version used by tests."""

    vanishing_depth: int = int(experiments.VANISHING_DEFAULTS["depth"])
    vanishing_width: int = int(experiments.VANISHING_DEFAULTS["width"])
    vanishing_epochs: int = int(experiments.VANISHING_DEFAULTS["epochs"])
    training_epochs: int = 30
    training_hidden: int = 64
    backprop_steps: int = 5

    @classmethod
    def quick(cls) -> TourSettings:
        return cls(
            vanishing_depth=6,
            vanishing_width=16,
            vanishing_epochs=3,
            training_epochs=3,
            training_hidden=32,
            backprop_steps=3,
        )


@dataclass
class TourResult:
    """Everything the tour ran, and where it wrote it."""

    folder: str
    index: str
    figures: list[str]
    seconds: float
    descent: experiments.DescentResult
    compare: experiments.CompareResult
    backprop: experiments.BackpropResult
    vanishing: experiments.VanishingResult
    gallery: experiments.GalleryResult
    training: experiments.TrainingResult
    relu_care: experiments.CareResult | None = None

    def to_dict(self) -> dict:
        names = ("descent", "compare", "backprop", "vanishing", "gallery", "training", "relu_care")
        claims = [*experiments.descent_claims(self.compare), *experiments.vanishing_claims(self.vanishing)]
        return {
            "folder": self.folder,
            "index": self.index,
            "figures": list(self.figures),
            "seconds": self.seconds,
            **{name: getattr(self, name).to_dict() for name in names if getattr(self, name) is not None},
            "claims": [claim.to_dict() for claim in claims],
        }


def run_tour(
    folder: str | Path,
    *,
    settings: TourSettings | None = None,
    training_callbacks: Sequence[Callback] = (),
    on_stage: Callable[[str], None] | None = None,
) -> TourResult:
    """Run the four demonstrations and the digits training; write figures and the report to ``folder``.

    ``on_stage(name)`` is called before each stage (for progress display);
    ``training_callbacks`` are passed to the digits fit (e.g. a progress bar).
    The report is written into a temporary folder beside ``folder`` and renamed to it once
    complete; if the tour stops (an error, Ctrl-C) the temporary folder is removed and
    ``folder`` is left as it was. Into an existing folder, only the report's own entries
    (``REPORT_ENTRIES``) are replaced.
    """
    settings = settings or TourSettings()
    started = time.perf_counter()
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise ValidationError(
            f"Cannot write the report into {target}: it is a file, not a folder. Choose another folder."
        )
    ensure_folder(target.parent if str(target.parent) else Path("."))
    # Everything is written into a hidden folder beside the target and moved into place only
    # when complete: an interrupted or failed tour leaves no half-written report behind.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        result = _run_tour_into(staging, target, settings, training_callbacks, on_stage, started)
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


REPORT_ENTRIES = ("index.html", "results.json", "figures")
"""What a tour writes into its folder (and replaces there on a second run)."""


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename the finished ``staging`` folder to ``target``; into an existing ``target``,
    swap the report's own entries (other files there are left alone)."""
    if not target.exists():
        os.replace(staging, target)
        return
    trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    try:
        for name in REPORT_ENTRIES:
            if (target / name).exists():
                os.replace(target / name, trash / name)
            os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(trash, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)


def _run_tour_into(
    folder: Path,
    final: Path,
    settings: TourSettings,
    training_callbacks: Sequence[Callback],
    on_stage: Callable[[str], None] | None,
    started: float,
) -> TourResult:
    """The tour's runs, figures, page and results.json, written into ``folder`` (empty); the
    result names ``final``, where the report will be."""
    from . import plots  # matplotlib only when figures are made

    figures_folder = ensure_folder(folder / "figures")
    written: list[str] = []

    def save(figure, stem):
        written.extend(str(p.relative_to(folder)) for p in plots.save_figure(figure, figures_folder, stem))

    def stage(name):
        if on_stage is not None:
            on_stage(name)

    stage("gradient descent")
    descent = experiments.descent()
    compare = experiments.compare_learning_rates()
    save(plots.plot_descent(descent), "descent")
    save(plots.plot_descent(compare), "descent_compare")
    stage("backpropagation")
    backprop = experiments.backprop(steps=settings.backprop_steps)
    save(plots.plot_backprop(backprop), "backprop")
    stage("vanishing gradients")
    vanishing = experiments.vanishing(
        depth=settings.vanishing_depth, width=settings.vanishing_width, epochs=settings.vanishing_epochs
    )
    save(plots.plot_gradient_flow(vanishing), "gradient_flow")
    save(plots.plot_loss_curves(vanishing), "vanishing_loss")
    care = experiments.relu_care(
        depth=settings.vanishing_depth, width=settings.vanishing_width, epochs=settings.vanishing_epochs
    )
    save(plots.plot_relu_care(care), "relu_care")
    stage("activation functions")
    gallery = experiments.activation_gallery()
    save(plots.plot_gallery(gallery), "activations")
    stage("training on digits")
    histories: list = []
    training = experiments.train_digits(
        hidden_units=settings.training_hidden,
        epochs=settings.training_epochs,
        callbacks=training_callbacks,
        histories=histories,
    )
    save(plots.plot_history(histories[0], validation_label="test loss"), "training_history")

    sections = tour_sections(descent, compare, backprop, vanishing, gallery, training, care)
    write_report(
        folder,
        sections,
        note="Every number on this page was computed by neuralab's engine "
        "(forward pass, backpropagation, gradient descent) when `neuralab tour` ran.",
    )
    result = TourResult(
        folder=str(final),
        index=str(final / "index.html"),
        figures=written,
        seconds=time.perf_counter() - started,
        descent=descent,
        compare=compare,
        backprop=backprop,
        vanishing=vanishing,
        gallery=gallery,
        training=training,
        relu_care=care,
    )
    with atomic_write(folder / "results.json", "w", encoding="utf-8") as handle:
        json.dump(result.to_dict(), handle, indent=1)
    return result


def _claims_text(claims: Sequence[experiments.Claim]) -> str:
    """The claims' sentences, one paragraph each (the claim or what happened instead)."""
    return "\n\n".join(claim.text for claim in claims)


def initialisation_text(result: experiments.VanishingResult) -> str:
    """How the demonstration's weights start, and what Keras and PyTorch do by default."""
    inits = {run.activation: run.initializer for run in result.runs}
    used = ", ".join(f"{name}: {init}" for name, init in inits.items())
    return (
        "Initialisation (" + used + "). He uniform draws W from U(-sqrt(6/fan_in), sqrt(6/fan_in)), "
        "variance 2/fan_in: a ReLU zeroes about half its inputs, so twice the variance keeps the "
        "signal's size from layer to layer, the usual practice for the ReLU family. Glorot uniform, "
        "U(-sqrt(6/(fan_in + fan_out)), ...), suits sigmoid and tanh. For comparison, Keras's Dense "
        "layer defaults to glorot_uniform (biases zero) whatever the activation, and PyTorch's "
        "nn.Linear to kaiming_uniform with a = sqrt(5), which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)): "
        "variance 1/(3 fan_in), six times below He."
    )


def vanishing_text(result: experiments.VanishingResult) -> str:
    """The vanishing-gradient section: the theory, the settings, then each claim on this run's numbers."""
    schedule = f", the rate multiplied by {result.decay:g} after every epoch" if result.decay < 1 else ""
    return (
        "The gradient reaching the first layer is a product of one factor w_k sigma'(z_k) per "
        f"layer. sigma'(z) <= 1/4, so {result.depth} sigmoid layers can shrink it by up to "
        f"4^-{result.depth} = {result.bound_for_depth:.2g} (the weights multiply in too): the first "
        "layers of a deep sigmoid network learn orders of magnitude more slowly. relu'(z) = 1 for "
        "every active unit, so ReLU passes the gradient on.\n\n"
        f"The same network, {result.depth} hidden layers of {result.width} units, trained with each "
        f"activation from seed {result.seed}: SGD with momentum {result.momentum:g} at learning rate "
        f"{result.learning_rate:g}{schedule}, batch {result.batch_size}, {result.epochs} epochs. "
        + initialisation_text(result)
        + "\n\n"
        "What this run measured:\n\n" + _claims_text(experiments.vanishing_claims(result))
    )


def care_text(result: experiments.CareResult) -> str:
    """The paragraph under the deep-ReLU figure, from its runs' numbers."""
    parts = []
    for label, run in zip(result.labels, result.runs, strict=True):
        spike = experiments.late_spike(run.loss)
        what = (
            f"diverged in epoch {run.diverged_at_epoch}"
            if run.diverged_at_epoch is not None
            else f"loss spiked in epoch {spike.epoch} (to {spike.loss:.3g} from {spike.lowest:.3g})"
            if spike is not None
            else f"loss fell to {run.loss[-1]:.3g} without a late spike"
        )
        parts.append(f"{label}: {run.test_accuracy:.1%} test accuracy, {what}.")
    return (
        "Deep ReLU networks need care. The same ReLU network, seed "
        f"{result.seed}, under the lesson's settings and two common shortcuts: " + " ".join(parts)
    )


def training_text(result: experiments.TrainingResult) -> str:
    """The digits section, with a word on overfitting when the test loss rose while training fell."""
    text = (
        "The iterative training process on real data: forward propagation, the error, "
        "backpropagation and the update, batch after batch, epoch after epoch. A small ReLU "
        "network with a softmax output learns to read 8x8 digit images; the test images were "
        "never used for training (their loss is measured after each epoch, the test loss)."
    )
    since = experiments.overfitting_since(result.val_loss, result.loss)
    if since is not None:
        text += (
            f"\n\nTest loss rising since epoch {since}: overfitting. The training loss kept falling "
            f"({result.loss[since - 1]:.3g} -> {result.loss[-1]:.3g}) while the test loss rose "
            f"({result.val_loss[since - 1]:.3g} -> {result.val_loss[-1]:.3g}): the network learns the "
            "training images' details rather than digits. Early stopping would keep epoch "
            f"{since}'s weights."
        )
    else:
        best = min(range(len(result.val_loss)), key=result.val_loss.__getitem__) + 1 if result.val_loss else 0
        text += (
            f"\n\nNo overfitting in this run: the test loss was lowest in epoch {best} and ended within "
            f"{experiments.claims.OVERFIT_MARGIN:.0%} of it."
            if result.val_loss
            else ""
        )
    return text


def tour_sections(descent, compare, backprop, vanishing, gallery, training, care=None) -> list[Section]:
    """The report's sections in the order of the course notes."""
    vanishing_figures = [
        ("gradient_flow", "Weight-gradient norm per layer before training (log scale)"),
        ("vanishing_loss", "Training loss per epoch for each hidden activation"),
    ]
    text = vanishing_text(vanishing)
    if care is not None:
        vanishing_figures.append(
            (
                "relu_care",
                "Deep ReLU needs care: the lesson's settings against Glorot "
                "initialisation and plain SGD at a constant 0.1",
            )
        )
        text += "\n\n" + care_text(care)
    return [
        Section(
            "descent",
            "1. Gradient descent on z = 2x",
            "The cost J(w) = sum (z_i - w x_i)^2 measures how far the line z = w x is from data with "
            "z = 2x; its minimum is at w = 2. Gradient descent starts at w0 = 0.2 and repeats "
            "w <- w - learning_rate * dJ/dw. The first step makes the biggest drop in J; the steps "
            "shrink as the slope flattens near the minimum.\n\n"
            "Here w_k - 2 = (w0 - 2)(1 - 2 lr sum x^2)^k: a small learning rate converges slowly, "
            "a too-large one overshoots further at every step and diverges.\n\n"
            + _claims_text(experiments.descent_claims(compare)),
            [descent_table(descent), compare_table(compare)],
            [
                ("descent", "The parabola J(w) with the successive w's, and J per iteration"),
                (
                    "descent_compare",
                    "Every step of a small, a good and a too-large learning rate on J(w) "
                    "(the too-large one zig-zags outwards), and J per iteration",
                ),
            ],
        ),
        Section(
            "backprop",
            "2. Backpropagation: the two-neuron example",
            "One input x feeds two sigmoid neurons. Forward propagation computes z1, a1, z2, a2 and "
            "the error E = 1/2 (T - a2)^2. Backpropagation applies the chain rule from the output back: "
            "dE/dz2 = -(T - a2) a2 (1 - a2) at the output neuron, dE/dz1 = dE/dz2 w2 a1 (1 - a1) at the "
            "first; each weight's gradient is its neuron's dE/dz times the neuron's input, each bias's "
            "is dE/dz, and every parameter moves by -learning_rate x its gradient.",
            backprop_tables(backprop),
            [
                (
                    "backprop",
                    "Forward pass (parameters and values, blue) and backward pass (dE/dz at each "
                    "neuron and the gradients, red)",
                )
            ],
        ),
        Section(
            "vanishing",
            "3. The vanishing-gradient problem",
            text,
            [vanishing_table(vanishing)],
            vanishing_figures,
        ),
        Section(
            "activations",
            "4. The seven activation functions",
            "Activation functions make networks non-linear. Sigmoid and tanh saturate (vanishing "
            "gradients); ReLU is the default for hidden layers; leaky_relu keeps a small slope alpha "
            "for z < 0 (zoomed in the figure) so no unit dies; softmax turns the output layer's "
            "scores into class probabilities.",
            [gallery_table(gallery)],
            [("activations", "Each activation (solid) and its derivative (dashed)")],
        ),
        Section(
            "training",
            "5. A real training run: handwritten digits",
            training_text(training),
            [training_table(training)],
            [
                (
                    "training_history",
                    "Training and test loss per epoch, and each layer's weight-gradient "
                    "norm averaged over the epoch's batches",
                )
            ],
        ),
    ]


__all__ = [
    "Section",
    "Table",
    "TourResult",
    "TourSettings",
    "backprop_tables",
    "care_text",
    "compare_table",
    "descent_table",
    "gallery_table",
    "initialisation_text",
    "run_tour",
    "tour_sections",
    "training_table",
    "training_text",
    "vanishing_table",
    "vanishing_text",
    "write_report",
]
