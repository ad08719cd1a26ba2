"""The activation functions: f(z) solid and f'(z) dashed on z in [-5, 5], one or the seven
side by side; leaky_relu gets a zoom on z < 0, where its slope alpha is too small to see."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..experiments import GalleryResult, activation_info
from .style import ACTIVATION_COLOURS, new_figure


def plot_activation(name: str) -> Figure:
    """One activation f(z) and its derivative f'(z) on z in [-5, 5]."""
    info = activation_info(name)
    figure = new_figure(6.0, 4.0)
    axes = figure.subplots()
    _draw_activation(axes, info)
    axes.legend()
    return figure


def _draw_activation(axes, info) -> None:
    colour = ACTIVATION_COLOURS.get(info.name, "C0")
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
    figure = new_figure(12.0, 6.0)
    grid = figure.subplots(2, 4)
    for axes, info in zip(grid.ravel(), result.activations, strict=False):
        _draw_activation(axes, info)
    grid.ravel()[0].legend()
    grid.ravel()[-1].set_axis_off()
    return figure
