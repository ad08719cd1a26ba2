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

One module per figure family: ``curves`` (per epoch), ``gradient_flow``, ``activations``,
``descent``, ``backprop``; ``style`` holds the shared look and ``saving`` writes the files.
"""

from .activations import plot_activation, plot_gallery
from .backprop import GRADIENT_COLOUR, PARAMETER_COLOUR, plot_backprop
from .curves import plot_history, plot_loss_curves, plot_relu_care
from .descent import plot_descent
from .gradient_flow import plot_gradient_flow
from .saving import save_figure

__all__ = [
    "GRADIENT_COLOUR",
    "PARAMETER_COLOUR",
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
