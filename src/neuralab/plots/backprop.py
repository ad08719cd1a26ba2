"""The two-neuron network of the notes: the forward pass (parameters and values) and the
backward pass (dE/dz at each neuron, the gradients), one colour each."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..errors import ValidationError
from ..experiments import BackpropResult
from .style import new_figure

PARAMETER_COLOUR = "#1f4e79"
"""Parameters and forward values in the backprop figure."""
GRADIENT_COLOUR = "#c0392b"
"""Gradients (the backward pass) in the backprop figure."""


def plot_backprop(result: BackpropResult) -> Figure:
    """The two-neuron network, forward pass above and backward pass below.

    Parameters and forward values are drawn in ``PARAMETER_COLOUR``, everything of the
    backward pass in ``GRADIENT_COLOUR``: arrows from the error back to each neuron, dE/dz at
    each neuron (delta2 = dE/da2 * sigma'(z2), delta1 = delta2 * w2 * sigma'(z1)), and each
    parameter's gradient (dE/dw = delta * input, dE/db = delta).
    """
    if not isinstance(result, BackpropResult):
        raise ValidationError(f"plot_backprop needs a BackpropResult. Got {type(result).__name__}.")
    figure = new_figure(11.0, 5.0)
    axes = figure.subplots()
    axes.set_axis_off()
    axes.set(xlim=(-0.7, 5.0), ylim=(-1.75, 1.05))
    # one data unit is as long across as up, so the neurons are circles, not ellipses
    axes.set_aspect("equal", adjustable="box")
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
