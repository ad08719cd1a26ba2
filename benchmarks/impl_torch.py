"""PyTorch (CPU), the strongest ordinary eager loop.

nn.Sequential of nn.Linear, torch.optim.SGD, and per step: ``X[idx]`` gathers the batch
from the training tensor (no copy of the whole set per epoch), ``zero_grad(set_to_none=True)``,
the loss fused on the logits (``cross_entropy``, ``binary_cross_entropy_with_logits``),
``backward``, ``step``.

The model starts from the same weights as neuralab (nn.Linear stores W transposed, as
(out, in)) and walks the data in the same order: one permutation per epoch from
``shuffle_generator(case.seed)``, then consecutive slices of it, the last one shorter when
the batch size does not divide the data, as neuralab's fit does.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from .cases import Case
from .data import Dataset, shuffle_generator

_ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}


def build(case: Case, weights: list[tuple[np.ndarray, np.ndarray]]) -> torch.nn.Sequential:
    """The network, linear output layer (softmax/sigmoid are fused into the loss)."""
    modules: list[torch.nn.Module] = []
    for position, (W, _) in enumerate(weights):
        modules.append(torch.nn.Linear(W.shape[0], W.shape[1]))
        if position < len(weights) - 1:
            modules.append(_ACTIVATIONS[case.hidden_activation]())
    model = torch.nn.Sequential(*modules)
    set_weights(model, weights)
    return model


def set_weights(model: torch.nn.Sequential, weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """Copy ``weights`` (W as (in, out), b) into the model's parameters, in place."""
    linears = [module for module in model if isinstance(module, torch.nn.Linear)]
    with torch.no_grad():
        for linear, (W, b) in zip(linears, weights, strict=True):
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            linear.bias.copy_(torch.from_numpy(b))


def prepare(case: Case, data: Dataset, weights: list[tuple[np.ndarray, np.ndarray]]) -> torch.nn.Module:
    """Build the network with the given initial ``weights`` (untimed)."""
    return build(case, weights)


def target(case: Case, y: np.ndarray) -> torch.Tensor:
    """Labels as the loss wants them: int64 (n,) classes, or float32 (n, 1) for one sigmoid unit."""
    if case.loss == "cross_entropy":
        return torch.from_numpy(y.astype(np.int64))
    return torch.from_numpy(y.astype(np.float32).reshape(-1, 1))


def loss(case: Case, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The case's loss (mean over the batch) from the output layer's pre-activation."""
    if case.loss == "cross_entropy":
        return F.cross_entropy(logits, target)
    return F.binary_cross_entropy_with_logits(logits, target)


def sgd_loop(
    model: torch.nn.Module,
    case: Case,
    data: Dataset,
    batch_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> None:
    """Epochs of SGD on ``batch_loss(X_batch, y_batch)`` in neuralab's batch order."""
    optimizer = torch.optim.SGD(model.parameters(), lr=case.learning_rate)
    X = torch.from_numpy(data.X_train)
    y = target(case, data.y_train)
    n, size = X.shape[0], min(case.batch_size, X.shape[0])
    rng = shuffle_generator(case.seed)
    model.train()
    for _ in range(case.epochs):
        order = torch.from_numpy(rng.permutation(n)) if size < n else torch.arange(n)
        for start in range(0, n, size):
            index = order[start : start + size]
            optimizer.zero_grad(set_to_none=True)
            batch_loss(X[index], y[index]).backward()
            optimizer.step()


def train(model: torch.nn.Module, case: Case, data: Dataset) -> None:
    """The timed part: the eager loop, zero_grad / forward / loss / backward / step."""
    sgd_loop(model, case, data, lambda X, y: loss(case, model(X), y))


def predict_proba(model: torch.nn.Module, X: np.ndarray) -> np.ndarray:
    """Output probabilities, (n, n_outputs)."""
    with torch.no_grad():
        logits = model(torch.from_numpy(X))
        probabilities = torch.sigmoid(logits) if logits.shape[1] == 1 else torch.softmax(logits, dim=1)
    return probabilities.numpy()


def parameters(model: torch.nn.Module) -> list[np.ndarray]:
    """[W1 (in, out), b1, W2, b2, ...] in neuralab's layout, float32 copies."""
    arrays = []
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            arrays += [module.weight.detach().numpy().T.copy(), module.bias.detach().numpy().copy()]
    return arrays


def initial_loss(case: Case, data: Dataset, weights: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The case's loss on the training data at the initial weights (for cross-checks)."""
    model = build(case, weights)
    with torch.no_grad():
        return float(loss(case, model(torch.from_numpy(data.X_train)), target(case, data.y_train)))
