"""Curves per epoch: a fit's loss and gradient norms, the vanishing experiment's loss per
activation, and the deep ReLU network's loss under each setting."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..errors import ValidationError
from ..experiments import CareResult, VanishingResult, mean_gradient_norms, overfitting_since
from ..history import History
from .style import ACTIVATION_COLOURS, integer_x, legend_below, new_figure, positive_points


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
    figure = new_figure(10.0, 4.4)
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
    legend_below(loss_axes)
    integer_x(loss_axes, grad_axes)
    means = mean_gradient_norms(history)
    norms = means if means is not None else history.gradient_norm_array()
    if norms.size:
        for layer in range(norms.shape[1]):
            epochs, values = positive_points(list(norms[:, layer]))
            grad_axes.plot([history.epoch[i] for i in epochs], values, label=f"layer {layer + 1}")
        grad_axes.set_yscale("log")
        legend_below(grad_axes, ncol=4)
    which = "mean over the epoch's batches" if means is not None else "last batch of the epoch"
    grad_axes.set(xlabel="epoch", ylabel=f"||dE/dW|| ({which})")
    grad_axes.set_title("Weight-gradient norm per layer", fontsize="medium")
    return figure


def plot_loss_curves(result: VanishingResult) -> Figure:
    """Training loss per epoch for each activation of the vanishing experiment."""
    figure = new_figure(7.0, 4.5)
    axes = figure.subplots()
    for run in result.runs:
        axes.plot(
            range(1, len(run.loss) + 1),
            run.loss,
            "o-",
            markersize=3,
            color=ACTIVATION_COLOURS.get(run.activation),
            label=f"{run.activation} (test accuracy {run.test_accuracy:.0%})",
        )
    axes.set(
        xlabel="epoch",
        ylabel="cross-entropy loss (mean over the epoch's batches)",
        title=f"{result.depth} hidden layers of {result.width} units on {result.dataset}",
    )
    legend_below(axes)
    integer_x(axes)
    return figure


def plot_relu_care(result: CareResult) -> Figure:
    """The deep ReLU network's training loss per epoch under each setting (log scale)."""
    if not isinstance(result, CareResult):
        raise ValidationError(
            f"plot_relu_care needs a CareResult (experiments.relu_care). Got {type(result).__name__}."
        )
    figure = new_figure(7.5, 5.0)
    axes = figure.subplots()
    for label, run, colour in zip(result.labels, result.runs, ("C2", "C1", "C3", "C0", "C4"), strict=False):
        epochs, values = positive_points(run.loss)
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
    legend_below(axes, ncol=1)
    integer_x(axes)
    return figure
