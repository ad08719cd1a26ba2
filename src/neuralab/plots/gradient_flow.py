"""Gradient flow: the weight-gradient norm ||dE/dW_l|| of each layer l at one epoch (log scale),
with the 4^-n bound of n sigmoid layers beside a sigmoid network's line."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from ..diagnostics import GradientMonitor
from ..errors import ValidationError
from ..experiments import VanishingResult
from .style import ACTIVATION_COLOURS, integer_x, legend_below, new_figure, positive_points


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
    figure = new_figure(7.0, 4.5)
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
        layers, values = positive_points(norms)
        # Distinct markers and some transparency: relu and leaky_relu often lie on one line.
        axes.plot(
            [i + 1 for i in layers],
            values,
            marker=markers[position % len(markers)],
            linestyle="-",
            color=ACTIVATION_COLOURS.get(name),
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
    legend_below(axes)
    integer_x(axes)
    return figure
