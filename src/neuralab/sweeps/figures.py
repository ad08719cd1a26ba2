"""The sweep's two figures (matplotlib, no pyplot), saved with ``plots.save_figure``.

- ``plot_loss_vs_learning_rate``: final training loss against the learning rate (log x),
  one panel per activation, one line per depth (mean over seeds and widths), every run a
  dot, every diverged run an x on the panel's top edge.
- ``plot_gradient_ratio``: ||dE/dW_1|| / ||dE/dW_last|| in the first epoch against depth,
  one line per activation (geometric mean over runs): the vanishing-gradient picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from ..plots.style import ACTIVATION_COLOURS

_DEPTH_MARKERS = "osD^v<>ph*"


def _ordered(values) -> list:
    return sorted(set(values))


def plot_loss_vs_learning_rate(records: Sequence[dict]) -> Figure:
    """Final loss against learning rate per activation, diverged runs marked with x."""
    activations = [a for a in dict.fromkeys(r["activation"] for r in records)]
    depths = _ordered(r["depth"] for r in records)
    figure = Figure(figsize=(max(4.0, 3.6 * len(activations)), 3.8), layout="constrained")
    axes_list = figure.subplots(1, max(1, len(activations)), sharey=True, squeeze=False)[0]
    finished = [r for r in records if r["final_loss"] is not None and r["status"] == "ok"]
    positive = all(r["final_loss"] > 0 for r in finished)
    for axes, activation in zip(axes_list, activations, strict=False):
        mine = [r for r in records if r["activation"] == activation]
        for number, depth in enumerate(depths):
            runs = [r for r in finished if r["activation"] == activation and r["depth"] == depth]
            if not runs:
                continue
            marker = _DEPTH_MARKERS[number % len(_DEPTH_MARKERS)]
            rates = _ordered(r["learning_rate"] for r in runs)
            means = [
                math.fsum(r["final_loss"] for r in runs if r["learning_rate"] == lr)
                / sum(r["learning_rate"] == lr for r in runs)
                for lr in rates
            ]
            line = axes.plot(rates, means, marker=marker, label=f"depth {depth}")[0]
            axes.scatter(
                [r["learning_rate"] for r in runs],
                [r["final_loss"] for r in runs],
                s=10,
                color=line.get_color(),
                alpha=0.5,
            )
        diverged = [r for r in mine if r["status"] == "diverged"]
        if diverged:
            edge = blended_transform_factory(axes.transData, axes.transAxes)
            axes.scatter(
                [r["learning_rate"] for r in diverged],
                [0.96] * len(diverged),
                marker="x",
                color="#d62728",
                s=40,
                transform=edge,
                label="diverged",
                zorder=3,
            )
        failed = [r for r in mine if r["status"] == "error"]
        if failed:
            edge = blended_transform_factory(axes.transData, axes.transAxes)
            axes.scatter(
                [r["learning_rate"] for r in failed],
                [0.90] * len(failed),
                marker="s",
                facecolors="none",
                edgecolors="#7f7f7f",
                s=30,
                transform=edge,
                label="failed",
            )
        axes.set_xscale("log")
        rates = [r["learning_rate"] for r in records]  # every rate, diverged ones too
        axes.set_xlim(min(rates) / 2, max(rates) * 2)
        if positive and finished:
            axes.set_yscale("log")
        axes.set(title=activation, xlabel="learning rate")
        axes.legend(fontsize="small")
    axes_list[0].set_ylabel("final training loss")
    figure.suptitle("Final loss against learning rate (x: diverged)")
    return figure


def plot_gradient_ratio(records: Sequence[dict]) -> Figure:
    """First-layer / last-layer weight-gradient norm (first epoch) against depth per activation."""
    figure = Figure(figsize=(6.4, 4.0), layout="constrained")
    axes = figure.subplots()
    activations = [a for a in dict.fromkeys(r["activation"] for r in records)]
    plotted = False
    for activation in activations:
        runs = [
            r
            for r in records
            if r["activation"] == activation and r["gradient_ratio"] is not None and r["gradient_ratio"] > 0
        ]
        if not runs:
            continue
        colour = ACTIVATION_COLOURS.get(activation)
        depths = _ordered(r["depth"] for r in runs)
        means = []
        for depth in depths:
            logs = [math.log(r["gradient_ratio"]) for r in runs if r["depth"] == depth]
            means.append(math.exp(math.fsum(logs) / len(logs)))
        axes.plot(depths, means, marker="o", color=colour, label=activation)
        axes.scatter(
            [r["depth"] for r in runs], [r["gradient_ratio"] for r in runs], s=10, color=colour, alpha=0.4
        )
        plotted = True
    if plotted:
        axes.set_yscale("log")
        axes.set_xticks(_ordered(r["depth"] for r in records))
        axes.axhline(1.0, color="#999999", linewidth=0.8, linestyle="--")
        axes.legend(fontsize="small")
    else:
        axes.text(0.5, 0.5, "no run recorded a gradient", ha="center", va="center", transform=axes.transAxes)
    axes.set(
        xlabel="hidden layers (depth)",
        ylabel="||dE/dW_1|| / ||dE/dW_last|| (epoch 1)",
        title="Gradient reaching the first layer, relative to the last",
    )
    return figure


__all__ = ["plot_gradient_ratio", "plot_loss_vs_learning_rate"]
