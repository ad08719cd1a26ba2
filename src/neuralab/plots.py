"""Figures of the course (matplotlib): each function returns a ``matplotlib.figure.Figure``,
so a notebook shows it inline and ``save_figure`` writes it as PNG and SVG.

Figures are built without pyplot (no global state, no GUI backend needed): they render with
Agg, work on a headless machine and are freed when no longer referenced.

- ``plot_history(history)``: loss and validation loss per epoch, gradient norms per layer
- ``plot_activation(name)``: one activation and its derivative on one grid
- ``plot_gallery(result)``: the seven activations side by side
- ``plot_descent(result)``: the parabola J(w) with the successive w's, and J per iteration
- ``plot_gradient_flow(monitor)``: per-layer gradient norms (log scale)
- ``plot_loss_curves(result)``: the vanishing experiment's loss per activation
- ``plot_backprop(result)``: the two-neuron network: the forward pass (parameters and values)
  and the backward pass (dE/dz at each neuron, gradients), one colour each
- ``plot_relu_care(result)``: the deep ReLU network's loss under the lesson's settings and two
  shortcuts

Legends sit outside the axes (below them), so they never cover a curve.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ._files import atomic_write, ensure_folder
from .diagnostics import GradientMonitor
from .errors import ValidationError
from .experiments import (
    BackpropResult,
    CareResult,
    CompareResult,
    DescentResult,
    GalleryResult,
    VanishingResult,
    activation_info,
    mean_gradient_norms,
    overfitting_since,
)
from .history import History

_COLOURS = {
    "sigmoid": "#d62728",
    "tanh": "#ff7f0e",
    "relu": "#2ca02c",
    "leaky_relu": "#1f77b4",
    "softmax": "#9467bd",
    "binary_step": "#8c564b",
    "linear": "#7f7f7f",
}


PARAMETER_COLOUR = "#1f4e79"
"""Parameters and forward values in the backprop figure."""
GRADIENT_COLOUR = "#c0392b"
"""Gradients (the backward pass) in the backprop figure."""


def _figure(width: float = 10.0, height: float = 4.0) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _legend_below(axes, **options) -> None:
    """The legend under the axes, outside them: it can never cover data."""
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        fontsize="small",
        ncol=options.pop("ncol", 2),
        frameon=False,
        **options,
    )


def _integer_x(*axes_list) -> None:
    """Epochs, steps and layers are whole numbers: no 1.25 ticks on a 3-epoch run."""
    for axes in axes_list:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))


def _positive(values: Sequence[float | None]) -> tuple[list[int], list[float]]:
    """Indices and values > 0 (for log axes)."""
    pairs = [(i, v) for i, v in enumerate(values) if v is not None and math.isfinite(v) and v > 0]
    return [i for i, _ in pairs], [v for _, v in pairs]


def save_figure(figure: Figure, folder: str | Path, stem: str) -> list[Path]:
    """Write ``figure`` as ``folder/stem.png`` and ``folder/stem.svg``; return both paths."""
    folder = ensure_folder(folder)
    paths = [folder / f"{stem}.png", folder / f"{stem}.svg"]
    with atomic_write(paths[0]) as handle:  # a killed run leaves no half-written figure
        figure.savefig(handle, format="png", dpi=110)
    with atomic_write(paths[1]) as handle:
        figure.savefig(handle, format="svg")
    return paths


def plot_history(history: History, *, validation_label: str = "validation loss") -> Figure:
    """Loss (and validation loss) per epoch, and each layer's weight-gradient norm (log scale).

    The gradient norm is the epoch's mean over its batches when ``EpochMeanGradientNorm``
    recorded it (``history.extra``), else the last batch's. ``validation_label`` names the
    held-out curve (e.g. "test loss" when the held-out rows are the test set), the same name
    the tables use. When the validation loss has been rising while the training loss fell,
    the figure says since which epoch: overfitting.
    """
    if not isinstance(history, History):
        raise ValidationError(
            f"plot_history needs a History (returned by fit). Got {type(history).__name__}."
        )
    figure = _figure(10.0, 4.4)
    loss_axes, grad_axes = figure.subplots(1, 2)
    loss_axes.plot(history.epoch, history.loss, label="training loss")
    title = "Loss per epoch"
    if history.val_loss:
        loss_axes.plot(history.epoch, history.val_loss, label=validation_label)
        since = overfitting_since(history.val_loss, history.loss)
        if since is not None:
            loss_axes.axvline(since, color="0.5", linestyle=":", linewidth=1)
            title += f"\n{validation_label} rising since epoch {since}: overfitting"
    loss_axes.set(xlabel="epoch", ylabel="loss")
    loss_axes.set_title(title, fontsize="medium")
    _legend_below(loss_axes)
    _integer_x(loss_axes, grad_axes)
    means = mean_gradient_norms(history)
    norms = means if means is not None else history.gradient_norm_array()
    if norms.size:
        for layer in range(norms.shape[1]):
            epochs, values = _positive(list(norms[:, layer]))
            grad_axes.plot([history.epoch[i] for i in epochs], values, label=f"layer {layer + 1}")
        grad_axes.set_yscale("log")
        _legend_below(grad_axes, ncol=4)
    which = "mean over the epoch's batches" if means is not None else "last batch of the epoch"
    grad_axes.set(xlabel="epoch", ylabel=f"||dE/dW|| ({which})")
    grad_axes.set_title("Weight-gradient norm per layer", fontsize="medium")
    return figure


def plot_activation(name: str) -> Figure:
    """One activation f(z) and its derivative f'(z) on z in [-5, 5]."""
    info = activation_info(name)
    figure = _figure(6.0, 4.0)
    axes = figure.subplots()
    _draw_activation(axes, info)
    axes.legend()
    return figure


def _draw_activation(axes, info) -> None:
    colour = _COLOURS.get(info.name, "C0")
    axes.plot(info.z, info.value, color=colour, label="f(z)")
    axes.plot(info.z, info.derivative, color=colour, linestyle="--", label="f'(z)")
    axes.axhline(0, color="0.8", linewidth=0.8)
    axes.axvline(0, color="0.8", linewidth=0.8)
    title = info.name + (" (first of softmax([z, 0]))" if info.name == "softmax" else "")
    axes.set(xlabel="z", title=f"{title}\nrange {info.output_range}")
    if info.name == "leaky_relu":
        _leaky_inset(axes, info, colour)


def _leaky_inset(axes, info, colour: str) -> None:
    """A zoom on z < 0, where leaky_relu's small slope alpha is invisible at full scale."""
    z = np.asarray(info.z)
    value = np.asarray(info.value)
    negative = z <= 0.25
    alpha = info.derivative[0]
    low = float(value[negative].min())
    # upper left, right of the tick labels: at full scale the curve is near 0 there
    inset = axes.inset_axes((0.2, 0.36, 0.45, 0.34))
    inset.plot(z[negative], np.maximum(z[negative], 0), color="0.6", linewidth=1)
    inset.plot(z[negative], value[negative], color=colour, linewidth=1.5)
    inset.set_xlim(float(z[0]), 0.25)
    inset.set_ylim(low * 1.4, -low * 0.5)
    inset.tick_params(labelsize=6)
    inset.set_title(
        f"zoom: slope alpha = {alpha:g} for z < 0\n(grey: relu, flat at 0)", fontsize=7, color=colour
    )


def plot_gallery(result: GalleryResult) -> Figure:
    """The seven activations (solid) and their derivatives (dashed), in the notes' order."""
    figure = _figure(12.0, 6.0)
    grid = figure.subplots(2, 4)
    for axes, info in zip(grid.ravel(), result.activations, strict=False):
        _draw_activation(axes, info)
    grid.ravel()[0].legend()
    grid.ravel()[-1].set_axis_off()
    return figure


def plot_descent(result: DescentResult | CompareResult) -> Figure:
    """Gradient descent on J(w): the parabola with the successive w's drawn on it, and J per step.

    For a CompareResult: |w - 2| and J per step for each learning rate (log scale).
    """
    if isinstance(result, CompareResult):
        return _plot_compare(result)
    if not isinstance(result, DescentResult):
        raise ValidationError(
            f"plot_descent needs a DescentResult or CompareResult. Got {type(result).__name__}."
        )
    figure = _figure()
    curve_axes, loss_axes = figure.subplots(1, 2)
    curve_axes.plot(result.curve_w, result.curve_loss, color="0.5", label="J(w) = sum (z - w x)^2")
    ws, js = result.w, result.loss
    # A diverged run may end on a non-finite w or J: only finite points are drawn.
    finite = [k for k in range(len(ws)) if math.isfinite(ws[k]) and math.isfinite(js[k])]
    curve_axes.plot(
        [ws[k] for k in finite], [js[k] for k in finite], "o", color="C3", markersize=4, label="w_k"
    )
    for k in range(min(len(ws) - 1, 8)):  # arrows for the first steps, as in the lecture
        if k in finite and k + 1 in finite:
            curve_axes.annotate(
                "",
                xy=(ws[k + 1], js[k + 1]),
                xytext=(ws[k], js[k]),
                arrowprops={"arrowstyle": "->", "color": "C3", "linewidth": 1},
            )
    for k in finite[:3]:
        curve_axes.annotate(f"w{k}", (ws[k], js[k]), textcoords="offset points", xytext=(4, 6), fontsize=8)
    curve_axes.set(
        xlabel="w", ylabel="J(w)", title=f"w0 = {result.w0:g}, learning rate {result.learning_rate:g}"
    )
    _legend_below(curve_axes)
    steps, values = _positive(js)
    loss_axes.plot(steps, values, "o-", markersize=3)
    loss_axes.set_yscale("log")
    loss_axes.set(xlabel="step k", ylabel="J(w_k)")
    loss_axes.set_title(f"J per iteration ({textwrap.fill(result.observed, 50)})", fontsize="small")
    return figure


def _plot_compare(result: CompareResult) -> Figure:
    """One panel per learning rate: every step drawn on J(w) as an arrow; below, J per step."""
    figure = _figure(12.0, 7.5)
    keys = [f"run{i}" for i in range(len(result.runs))]
    layout: list = [keys, ["loss"] * len(keys)]
    panels = figure.subplot_mosaic(layout, height_ratios=[1.25, 1.0])
    for key, run, colour in zip(keys, result.runs, ("C0", "C2", "C3", "C1", "C4"), strict=False):
        _draw_steps(panels[key], run, colour)
    loss_axes = panels["loss"]
    for run, colour in zip(result.runs, ("C0", "C2", "C3", "C1", "C4"), strict=False):
        steps, values = _positive(run.loss)
        loss_axes.plot(
            steps,
            values,
            "o-",
            markersize=2,
            color=colour,
            label=f"{run.label or 'lr'} = {run.learning_rate:g}: {run.observed}",
        )
    loss_axes.set_yscale("log")
    loss_axes.set(xlabel="step k", ylabel="J(w_k) (log scale)")
    loss_axes.set_title("J per iteration", fontsize="medium")
    _legend_below(loss_axes, ncol=1)
    _integer_x(loss_axes)
    return figure


def _draw_steps(axes, run: DescentResult, colour: str) -> None:
    """The parabola J(w) with every step w_k -> w_{k+1} as an arrow (the zig-zag of a large rate)."""
    ws, js = run.w, run.loss
    finite = [k for k in range(len(ws)) if math.isfinite(ws[k]) and math.isfinite(js[k])]
    shown = [w for k, w in enumerate(ws) if k in finite]
    low, high = min([*shown, 2.0]), max([*shown, 2.0])
    span = max(high - low, 0.5)
    grid = np.linspace(low - 0.08 * span, high + 0.08 * span, 201)
    grid = np.union1d(grid, np.linspace(max(low, -10.0), min(high, 10.0) + 1.0, 201))  # the bottom, finely
    x = np.asarray(run.x)
    axes.plot(grid, [float(np.sum((2 * x - w * x) ** 2)) for w in grid], color="0.6", linewidth=1)
    axes.plot([ws[k] for k in finite], [js[k] for k in finite], "o", color=colour, markersize=3)
    for k in range(len(ws) - 1):
        if k in finite and k + 1 in finite and ws[k] != ws[k + 1]:
            axes.annotate(
                "",
                xy=(ws[k + 1], js[k + 1]),
                xytext=(ws[k], js[k]),
                arrowprops={
                    "arrowstyle": "->",
                    "color": colour,
                    "linewidth": 0.9,
                    "shrinkA": 0,
                    "shrinkB": 0,
                },
            )
    axes.axvline(2.0, color="0.8", linestyle=":", linewidth=1)
    axes.set(xlabel="w", ylabel="J(w)")
    c = abs(run.contraction)
    scale = ""
    if high - low > 20:  # a diverging run: symlog axes keep the first zig-zags near w = 2 visible
        axes.set_xscale("symlog", linthresh=2.0)
        axes.set_yscale("symlog", linthresh=1.0)
        axes.set_ylim(bottom=0.0)
        scale = " (symlog axes)"
    axes.set_title(
        f"{run.label or 'lr'}: learning rate {run.learning_rate:g}\n"
        f"|1 - 2 lr sum x^2| = {c:.3g} ({'< 1' if c < 1 else '> 1' if c > 1 else '= 1'}): "
        f"{len(finite) - 1} steps taken{scale}",
        fontsize="small",
    )


def _monitors(source) -> dict[str, GradientMonitor]:
    if isinstance(source, GradientMonitor):
        return {"network": source}
    if isinstance(source, Mapping) and all(isinstance(m, GradientMonitor) for m in source.values()):
        return dict(source)
    raise ValidationError(
        "plot_gradient_flow needs a GradientMonitor, a dict of them (name -> monitor), "
        f"or a VanishingResult. Got {type(source).__name__}."
    )


def plot_gradient_flow(
    source: GradientMonitor | Mapping[str, GradientMonitor] | VanishingResult, *, epoch: int = 0
) -> Figure:
    """Weight-gradient norm per layer (log scale) at ``epoch`` (0 = before training).

    ``source`` is one GradientMonitor, a dict name -> monitor (one line each), or a
    VanishingResult (one line per activation, at the start of training).
    """
    figure = _figure(7.0, 4.5)
    axes = figure.subplots()
    if isinstance(source, VanishingResult):
        lines = {
            run.activation: run.gradient_norms[run.recorded_epochs.index(epoch)]
            for run in source.runs
            if epoch in run.recorded_epochs
        }
        depth = source.depth
    else:
        lines = {}
        for name, monitor in _monitors(source).items():
            records = [r for r in monitor.records if r.epoch == epoch]
            if records:
                lines[name] = records[0].gradient_norms
        depth = None
    if not lines:
        raise ValidationError(f"Nothing was recorded at epoch {epoch}.")
    markers = "osD^v<>"
    for position, (name, norms) in enumerate(lines.items()):
        layers, values = _positive(norms)
        # Distinct markers and some transparency: relu and leaky_relu often lie on one line.
        axes.plot(
            [i + 1 for i in layers],
            values,
            marker=markers[position % len(markers)],
            linestyle="-",
            color=_COLOURS.get(name),
            alpha=0.8,
            markerfacecolor="none",
            label=name,
        )
    if depth is not None and "sigmoid" in lines:
        # The 4^-n envelope from the output layer down, anchored at sigmoid's output-layer norm.
        n_layers = len(lines["sigmoid"])
        anchor = lines["sigmoid"][-1]
        xs = np.arange(1, n_layers + 1)
        axes.plot(
            xs,
            anchor * 4.0 ** -(n_layers - xs),
            ":",
            color="0.4",
            label="4^-n: the sigmoid' <= 1/4 factors alone",
        )
    axes.set_yscale("log")
    axes.set(
        xlabel="layer (1 = input side)",
        ylabel="||dE/dW|| (full batch)",
        title=f"Gradient flow {'before training' if epoch == 0 else f'after epoch {epoch}'}",
    )
    _legend_below(axes)
    _integer_x(axes)
    return figure


def plot_loss_curves(result: VanishingResult) -> Figure:
    """Training loss per epoch for each activation of the vanishing experiment."""
    figure = _figure(7.0, 4.5)
    axes = figure.subplots()
    for run in result.runs:
        axes.plot(
            range(1, len(run.loss) + 1),
            run.loss,
            "o-",
            markersize=3,
            color=_COLOURS.get(run.activation),
            label=f"{run.activation} (test accuracy {run.test_accuracy:.0%})",
        )
    axes.set(
        xlabel="epoch",
        ylabel="cross-entropy loss (mean over the epoch's batches)",
        title=f"{result.depth} hidden layers of {result.width} units on {result.dataset}",
    )
    _legend_below(axes)
    _integer_x(axes)
    return figure


def plot_relu_care(result: CareResult) -> Figure:
    """The deep ReLU network's training loss per epoch under each setting (log scale)."""
    if not isinstance(result, CareResult):
        raise ValidationError(
            f"plot_relu_care needs a CareResult (experiments.relu_care). Got {type(result).__name__}."
        )
    figure = _figure(7.5, 5.0)
    axes = figure.subplots()
    for label, run, colour in zip(result.labels, result.runs, ("C2", "C1", "C3", "C0", "C4"), strict=False):
        epochs, values = _positive(run.loss)
        axes.plot(
            [e + 1 for e in epochs],
            values,
            "o-",
            markersize=3,
            color=colour,
            label=f"{label}: test accuracy {run.test_accuracy:.0%}",
        )
    axes.set_yscale("log")
    axes.set(
        xlabel="epoch",
        ylabel="training loss (log scale)",
        title=f"Deep ReLU needs care: {result.depth} layers of {result.width} units, seed {result.seed}",
    )
    _legend_below(axes, ncol=1)
    _integer_x(axes)
    return figure


def plot_backprop(result: BackpropResult) -> Figure:
    """The two-neuron network, forward pass above and backward pass below.

    Parameters and forward values are drawn in ``PARAMETER_COLOUR``, everything of the
    backward pass in ``GRADIENT_COLOUR``: arrows from the error back to each neuron, dE/dz at
    each neuron (delta2 = dE/da2 * sigma'(z2), delta1 = delta2 * w2 * sigma'(z1)), and each
    parameter's gradient (dE/dw = delta * input, dE/db = delta).
    """
    if not isinstance(result, BackpropResult):
        raise ValidationError(f"plot_backprop needs a BackpropResult. Got {type(result).__name__}.")
    figure = _figure(11.0, 5.0)
    axes = figure.subplots()
    axes.set_axis_off()
    axes.set(xlim=(-0.7, 5.0), ylim=(-1.75, 1.05))
    f, p = result.forward, {item["parameter"]: item["value"] for item in result.partials}
    a2, target = f["a2"], result.target
    dE_da2 = -(target - a2)
    xs = {"x": 0.0, "n1": 1.6, "n2": 3.2, "E": 4.5}
    axes.add_patch(_circle(xs["x"], radius=0.32))
    axes.text(xs["x"], 0, f"x\n{result.x:.4g}", ha="center", va="center", fontsize=9, color=PARAMETER_COLOUR)
    for key, k in (("n1", 1), ("n2", 2)):
        axes.add_patch(_circle(xs[key]))
        axes.text(
            xs[key],
            0,
            f"z{k} = {f[f'z{k}']:.4f}\na{k} = {f[f'a{k}']:.4f}",
            ha="center",
            va="center",
            fontsize=9,
            color=PARAMETER_COLOUR,
        )
        axes.text(
            xs[key],
            0.5,
            f"b{k} = {result.initial[f'b{k}']:g}",
            ha="center",
            fontsize=9,
            color=PARAMETER_COLOUR,
        )
    axes.text(
        xs["E"],
        0,
        f"E = 1/2 (T - a2)^2\n= {f['E']:.4g}\nT = {target:g}",
        ha="center",
        va="center",
        fontsize=9,
        color=PARAMETER_COLOUR,
        bbox={"boxstyle": "round", "facecolor": "#eef3fb", "edgecolor": "#335"},
    )
    # forward: x -> n1 -> n2 -> E, the weights on the edges
    for start, end, label in (
        ("x", "n1", f"w1 = {result.initial['w1']:g}"),
        ("n1", "n2", f"w2 = {result.initial['w2']:g}"),
        ("n2", "E", ""),
    ):
        left = xs[start] + (0.32 if start == "x" else 0.42)
        right = xs[end] - (0.55 if end == "E" else 0.42)
        axes.annotate(
            "",
            xy=(right, 0.08),
            xytext=(left, 0.08),
            arrowprops={"arrowstyle": "->", "linewidth": 1.5, "color": PARAMETER_COLOUR},
        )
        if label:
            axes.text((left + right) / 2, 0.18, label, ha="center", fontsize=9, color=PARAMETER_COLOUR)
    # backward: E -> n2 -> n1, dE/dz at each neuron, the gradients
    y = -0.75
    axes.annotate(
        "",
        xy=(xs["n2"] + 0.1, y),
        xytext=(xs["E"] - 0.1, y),
        arrowprops={"arrowstyle": "->", "linewidth": 1.5, "color": GRADIENT_COLOUR},
    )
    axes.text(
        (xs["n2"] + xs["E"]) / 2,
        y + 0.1,
        f"dE/da2 = -(T - a2)\n= {dE_da2:.4g}",
        ha="center",
        fontsize=8,
        color=GRADIENT_COLOUR,
    )
    axes.annotate(
        "",
        xy=(xs["n1"] + 0.1, y),
        xytext=(xs["n2"] - 0.1, y),
        arrowprops={"arrowstyle": "->", "linewidth": 1.5, "color": GRADIENT_COLOUR},
    )
    axes.text((xs["n1"] + xs["n2"]) / 2, y + 0.1, "x w2", ha="center", fontsize=8, color=GRADIENT_COLOUR)
    for key, k, source in (("n2", 2, "a1"), ("n1", 1, "x")):
        axes.text(
            xs[key],
            y - 0.12,
            f"dE/dz{k} = {p[f'b{k}']:.4g}\n(x sigma'(z{k}) = a{k}(1 - a{k}))\n"
            f"dE/dw{k} = dE/dz{k} x {source} = {p[f'w{k}']:.4g}\n"
            f"dE/db{k} = dE/dz{k} = {p[f'b{k}']:.4g}",
            ha="center",
            va="top",
            fontsize=8,
            color=GRADIENT_COLOUR,
        )
    axes.text(
        -0.65, 0.95, "forward pass: parameters and values", fontsize=9, color=PARAMETER_COLOUR, va="top"
    )
    axes.text(-0.65, -0.5, "backward pass:\ngradients", fontsize=9, color=GRADIENT_COLOUR, va="top")
    axes.set_title(
        f"One step of backpropagation; each parameter then moves by -{result.learning_rate:g} x its gradient",
        fontsize="medium",
    )
    return figure


def _circle(x: float, radius: float = 0.42):
    from matplotlib.patches import Circle

    return Circle((x, 0), radius, facecolor="#eef3fb", edgecolor="#335", linewidth=1.2)


__all__ = [
    "plot_activation",
    "plot_backprop",
    "plot_descent",
    "plot_gallery",
    "plot_gradient_flow",
    "plot_history",
    "plot_loss_curves",
    "plot_relu_care",
    "save_figure",
]
