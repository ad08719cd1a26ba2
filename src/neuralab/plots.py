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
- ``plot_backprop(result)``: the two-neuron network with values on nodes, gradients on edges
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
    CompareResult,
    DescentResult,
    GalleryResult,
    VanishingResult,
    activation_info,
)
from .history import History

_COLOURS = {"sigmoid": "#d62728", "tanh": "#ff7f0e", "relu": "#2ca02c", "leaky_relu": "#1f77b4",
            "softmax": "#9467bd", "binary_step": "#8c564b", "linear": "#7f7f7f"}


def _figure(width: float = 10.0, height: float = 4.0) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


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


def plot_history(history: History) -> Figure:
    """Loss (and validation loss) per epoch, and each layer's weight-gradient norm (log scale)."""
    if not isinstance(history, History):
        raise ValidationError(f"plot_history needs a History (returned by fit). "
                              f"Got {type(history).__name__}.")
    figure = _figure()
    loss_axes, grad_axes = figure.subplots(1, 2)
    loss_axes.plot(history.epoch, history.loss, label="training loss")
    if history.val_loss:
        loss_axes.plot(history.epoch, history.val_loss, label="validation loss")
    loss_axes.set(xlabel="epoch", ylabel="loss", title="Loss per epoch")
    loss_axes.legend()
    _integer_x(loss_axes, grad_axes)
    norms = history.gradient_norm_array()
    if norms.size:
        for layer in range(norms.shape[1]):
            epochs, values = _positive(list(norms[:, layer]))
            grad_axes.plot([history.epoch[i] for i in epochs], values, label=f"layer {layer + 1}")
        grad_axes.set_yscale("log")
        grad_axes.legend(fontsize="small", ncol=2)
    grad_axes.set(xlabel="epoch", ylabel="||dE/dW|| (last batch)", title="Weight-gradient norm per layer")
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
        raise ValidationError("plot_descent needs a DescentResult or CompareResult. "
                              f"Got {type(result).__name__}.")
    figure = _figure()
    curve_axes, loss_axes = figure.subplots(1, 2)
    curve_axes.plot(result.curve_w, result.curve_loss, color="0.5", label="J(w) = sum (z - w x)^2")
    ws, js = result.w, result.loss
    # A diverged run may end on a non-finite w or J: only finite points are drawn.
    finite = [k for k in range(len(ws)) if math.isfinite(ws[k]) and math.isfinite(js[k])]
    curve_axes.plot([ws[k] for k in finite], [js[k] for k in finite], "o", color="C3", markersize=4,
                    label="w_k")
    for k in range(min(len(ws) - 1, 8)):  # arrows for the first steps, as in the lecture
        if k in finite and k + 1 in finite:
            curve_axes.annotate("", xy=(ws[k + 1], js[k + 1]), xytext=(ws[k], js[k]),
                                arrowprops={"arrowstyle": "->", "color": "C3", "linewidth": 1})
    for k in finite[:3]:
        curve_axes.annotate(f"w{k}", (ws[k], js[k]), textcoords="offset points", xytext=(4, 6), fontsize=8)
    curve_axes.set(xlabel="w", ylabel="J(w)",
                   title=f"w0 = {result.w0:g}, learning rate {result.learning_rate:g}")
    curve_axes.legend()
    steps, values = _positive(js)
    loss_axes.plot(steps, values, "o-", markersize=3)
    loss_axes.set_yscale("log")
    loss_axes.set(xlabel="step k", ylabel="J(w_k)")
    loss_axes.set_title(f"J per iteration ({textwrap.fill(result.observed, 50)})", fontsize="small")
    return figure


def _plot_compare(result: CompareResult) -> Figure:
    figure = _figure()
    distance_axes, loss_axes = figure.subplots(1, 2)
    for run in result.runs:
        label = f"{run.label or 'lr'} = {run.learning_rate:g} (predicted: {run.predicted})"
        steps, distance = _positive([abs(w - 2.0) for w in run.w])
        distance_axes.plot(steps, distance, "o-", markersize=2, label=label)
        steps, values = _positive(run.loss)
        loss_axes.plot(steps, values, "o-", markersize=2, label=textwrap.fill(run.observed, 50))
    distance_axes.set_yscale("log")
    distance_axes.set(xlabel="step k", ylabel="|w_k - 2|", title="Distance to the minimum w = 2")
    distance_axes.legend(fontsize="small")
    loss_axes.set_yscale("log")
    loss_axes.set(xlabel="step k", ylabel="J(w_k)", title="J per iteration (observed)")
    # Below the axes: inside, the long 'observed' labels cover the diverging run's line.
    loss_axes.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18))
    _integer_x(distance_axes, loss_axes)
    return figure


def _monitors(source) -> dict[str, GradientMonitor]:
    if isinstance(source, GradientMonitor):
        return {"network": source}
    if isinstance(source, Mapping) and all(isinstance(m, GradientMonitor) for m in source.values()):
        return dict(source)
    raise ValidationError("plot_gradient_flow needs a GradientMonitor, a dict of them (name -> monitor), "
                          f"or a VanishingResult. Got {type(source).__name__}.")


def plot_gradient_flow(source: GradientMonitor | Mapping[str, GradientMonitor] | VanishingResult,
                       *, epoch: int = 0) -> Figure:
    """Weight-gradient norm per layer (log scale) at ``epoch`` (0 = before training).

    ``source`` is one GradientMonitor, a dict name -> monitor (one line each), or a
    VanishingResult (one line per activation, at the start of training).
    """
    figure = _figure(7.0, 4.5)
    axes = figure.subplots()
    if isinstance(source, VanishingResult):
        lines = {run.activation: run.gradient_norms[run.recorded_epochs.index(epoch)] for run in source.runs
                 if epoch in run.recorded_epochs}
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
        axes.plot([i + 1 for i in layers], values, marker=markers[position % len(markers)], linestyle="-",
                  color=_COLOURS.get(name), alpha=0.8, markerfacecolor="none", label=name)
    if depth is not None and "sigmoid" in lines:
        # The 4^-n envelope from the output layer down, anchored at sigmoid's output-layer norm.
        n_layers = len(lines["sigmoid"])
        anchor = lines["sigmoid"][-1]
        xs = np.arange(1, n_layers + 1)
        axes.plot(xs, anchor * 4.0 ** -(n_layers - xs), ":", color="0.4",
                  label="4^-n: the sigmoid' <= 1/4 factors alone")
    axes.set_yscale("log")
    axes.set(xlabel="layer (1 = input side)", ylabel="||dE/dW|| (full batch)",
             title=f"Gradient flow {'before training' if epoch == 0 else f'after epoch {epoch}'}")
    axes.legend()
    _integer_x(axes)
    return figure


def plot_loss_curves(result: VanishingResult) -> Figure:
    """Training loss per epoch for each activation of the vanishing experiment."""
    figure = _figure(7.0, 4.5)
    axes = figure.subplots()
    for run in result.runs:
        axes.plot(range(1, len(run.loss) + 1), run.loss, "o-", markersize=3,
                  color=_COLOURS.get(run.activation),
                  label=f"{run.activation} (test accuracy {run.test_accuracy:.0%})")
    axes.set(xlabel="epoch", ylabel="cross-entropy loss",
             title=f"{result.depth} hidden layers of {result.width} units on {result.dataset}")
    axes.legend()
    _integer_x(axes)
    return figure


def plot_backprop(result: BackpropResult) -> Figure:
    """The two-neuron network as a graph: values on the nodes, weights and gradients on the edges."""
    if not isinstance(result, BackpropResult):
        raise ValidationError(f"plot_backprop needs a BackpropResult. Got {type(result).__name__}.")
    figure = _figure(10.0, 3.6)
    axes = figure.subplots()
    axes.set_axis_off()
    axes.set(xlim=(-0.6, 3.8), ylim=(-1.0, 1.0))
    f, p = result.forward, {item["parameter"]: item["value"] for item in result.partials}
    nodes = [(0.0, f"x\n{result.x:.4g}"), (1.5, f"z1 = {f['z1']:.4f}\na1 = {f['a1']:.4f}"),
             (3.0, f"z2 = {f['z2']:.4f}\na2 = {f['a2']:.4f}")]
    for x, text in nodes:
        axes.add_patch(_circle(x))
        axes.text(x, 0, text, ha="center", va="center", fontsize=9)
    for (start, _), (end, _), k in zip(nodes[:-1], nodes[1:], (1, 2), strict=True):
        axes.annotate("", xy=(end - 0.42, 0), xytext=(start + 0.42, 0),
                      arrowprops={"arrowstyle": "->", "linewidth": 1.5})
        middle = (start + end) / 2
        axes.text(middle, 0.18, f"w{k} = {result.initial[f'w{k}']:g}", ha="center", fontsize=9)
        axes.text(middle, -0.25, f"dE/dw{k} = {p[f'w{k}']:.4g}", ha="center", fontsize=9, color="C3")
        axes.text(end, -0.62, f"b{k} = {result.initial[f'b{k}']:g}\ndE/db{k} = {p[f'b{k}']:.4g}",
                  ha="center", va="top", fontsize=8, color="C3")
    axes.text(3.45, 0.55, f"T = {result.target:g}\nE = {f['E']:.4g}", fontsize=9, va="center")
    axes.set_title("Forward values on the nodes, gradients (red) on the edges; "
                   f"learning rate {result.learning_rate:g}")
    return figure


def _circle(x: float):
    from matplotlib.patches import Circle

    return Circle((x, 0), 0.42, facecolor="#eef3fb", edgecolor="#335", linewidth=1.2)


__all__ = [
    "plot_activation",
    "plot_backprop",
    "plot_descent",
    "plot_gallery",
    "plot_gradient_flow",
    "plot_history",
    "plot_loss_curves",
    "save_figure",
]
