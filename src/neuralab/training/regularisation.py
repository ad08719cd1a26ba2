r"""The loss that training minimises on one batch, and its gradients: the (weighted) data loss
plus the L2 and L1 penalties on the weight matrices (never the biases).

$$
E = L_w + \frac{\lambda_2}{2} \sum_{layers} \sum_{ij} W_{ij}^2
  + \lambda_1 \sum_{layers} \sum_{ij} |W_{ij}|, \qquad L_w = \sum_s w_s \, \ell_s
$$

$$
\frac{\partial E}{\partial W} = \frac{\partial L_w}{\partial W} + \lambda_2 W
  + \lambda_1 \operatorname{sign}(W)
$$
"""

from __future__ import annotations

import numpy as np

from ..backprop import backward, output_gradient
from ..losses import Loss
from ..network import Sequential


def batch_loss_value(
    network: Sequential,
    loss: Loss,
    output: np.ndarray,
    target: np.ndarray,
    *,
    l2: float = 0.0,
    sample_weight: np.ndarray | None = None,
    l1: float = 0.0,
) -> float:
    r"""The loss that training minimises on one batch: the (weighted) data loss plus the L2 penalty.

    $$
    E = L_w + \frac{\lambda}{2} \sum_{layers} \sum_{ij} W_{ij}^2, \qquad
    L_w = \sum_s w_s \, \ell_s
    $$

    where ``l_s`` is sample s's term of the loss under the loss's own normaliser (1/n for
    a mean loss, 1 for a summed one; ``Loss.sample_terms``), so that ``w = 1`` gives
    ``loss.value``. Biases are not penalised. ``l1`` adds
    \(\lambda_1 \sum_{layers} \sum_{ij} |W_{ij}|\). ``output`` and ``target`` have shape
    (n_samples, n_outputs), ``sample_weight`` (n_samples,).
    """
    if sample_weight is None:
        value = loss.value(output, target)
    else:
        value = loss.weighted_value(output, target, sample_weight)
    if l2:
        value += 0.5 * l2 * sum(float(np.vdot(weights, weights)) for weights, _ in _weights(network))
    if l1:  # + lambda1 * sum |W|, weights only
        value += l1 * sum(float(np.abs(weights).sum()) for weights, _ in _weights(network))
    return value


def backpropagate_batch(
    network: Sequential,
    loss: Loss,
    output: np.ndarray,
    target: np.ndarray,
    *,
    l2: float = 0.0,
    sample_weight: np.ndarray | None = None,
    l1: float = 0.0,
) -> None:
    """Fill every layer's gradients with those of ``batch_loss_value`` (after a forward pass).

    A sample's weight scales its row of dE/d(output) (or of the fused dE/dz); the L2 penalty
    adds ``lambda * W`` to each weight gradient.
    """
    grad, fused = output_gradient(loss, output, target, sample_weight)
    backward(network.layers, grad, from_preactivation=fused, input_gradient=False)
    if l2:
        for weights, gradient in _weights(network):
            gradient += weights * weights.dtype.type(l2)
    if l1:  # d/dW lambda1 |W| = lambda1 sign(W); sign(0) = 0, the subgradient that keeps a zero weight
        for weights, gradient in _weights(network):
            gradient += np.sign(weights) * weights.dtype.type(l1)


def _weights(network: Sequential) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W, dE/dW) of every Dense layer: what the penalties cover (never the biases)."""
    return [layer.weight_and_gradient() for layer in network.weighted_layers]
