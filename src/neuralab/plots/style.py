"""The look every figure of the course shares: its size, legends below the axes, whole-number
ticks on epochs and steps, one colour per activation, and only the points a log axis can show.

Figures are built without pyplot (no global state, no GUI backend needed): they render with
Agg, work on a headless machine and are freed when no longer referenced.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

ACTIVATION_COLOURS = {
    "sigmoid": "#d62728",
    "tanh": "#ff7f0e",
    "relu": "#2ca02c",
    "leaky_relu": "#1f77b4",
    "softmax": "#9467bd",
    "binary_step": "#8c564b",
    "linear": "#7f7f7f",
}


def new_figure(width: float = 10.0, height: float = 4.0) -> Figure:
    """A ``width`` x ``height`` inch Figure whose axes are laid out without overlaps."""
    return Figure(figsize=(width, height), layout="constrained")


def legend_below(axes, **options) -> None:
    """The legend under the axes, outside them: it can never cover data."""
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        fontsize="small",
        ncol=options.pop("ncol", 2),
        frameon=False,
        **options,
    )


def integer_x(*axes_list) -> None:
    """Epochs, steps and layers are whole numbers: no 1.25 ticks on a 3-epoch run."""
    for axes in axes_list:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))


def positive_points(values: Sequence[float | None]) -> tuple[list[int], list[float]]:
    """Indices and values > 0 (for log axes)."""
    pairs = [(i, v) for i, v in enumerate(values) if v is not None and math.isfinite(v) and v > 0]
    return [i for i, _ in pairs], [v for _, v in pairs]
