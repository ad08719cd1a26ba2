"""Gradient descent on J(w) = sum_i (z_i - w x_i)^2 with z = 2x: the parabola with each step
w_k -> w_{k+1} = w_k - lr dJ/dw drawn on it, and J per step; several learning rates side by
side, since w_k - 2 = (w0 - 2)(1 - 2 lr sum x^2)^k converges or zig-zags outwards."""

from __future__ import annotations

import math
import textwrap

import numpy as np
from matplotlib.figure import Figure

from ..errors import ValidationError
from ..experiments import CompareResult, DescentResult
from .style import integer_x, legend_below, new_figure, positive_points


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
    figure = new_figure()
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
    legend_below(curve_axes)
    steps, values = positive_points(js)
    loss_axes.plot(steps, values, "o-", markersize=3)
    loss_axes.set_yscale("log")
    loss_axes.set(xlabel="step k", ylabel="J(w_k)")
    loss_axes.set_title(f"J per iteration ({textwrap.fill(result.observed, 50)})", fontsize="small")
    return figure


def _plot_compare(result: CompareResult) -> Figure:
    """One panel per learning rate: every step drawn on J(w) as an arrow; below, J per step."""
    figure = new_figure(12.0, 7.5)
    keys = [f"run{i}" for i in range(len(result.runs))]
    layout: list = [keys, ["loss"] * len(keys)]
    panels = figure.subplot_mosaic(layout, height_ratios=[1.25, 1.0])
    for key, run, colour in zip(keys, result.runs, ("C0", "C2", "C3", "C1", "C4"), strict=False):
        _draw_steps(panels[key], run, colour)
    loss_axes = panels["loss"]
    for run, colour in zip(result.runs, ("C0", "C2", "C3", "C1", "C4"), strict=False):
        steps, values = positive_points(run.loss)
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
    legend_below(loss_axes, ncol=1)
    integer_x(loss_axes)
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
