"""PyTorch (CPU): nn.Sequential of nn.Linear, torch.optim.SGD, a fused loss on the logits.

The model starts from the same weights as neuralab (nn.Linear stores W transposed, as
(out, in)) and walks the data in the same order: one permutation per epoch, then
contiguous slices, as neuralab's fit does.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .cases import Case
from .data import Dataset, shuffle_generator

_ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}


def prepare(case: Case, data: Dataset, weights: list[tuple[np.ndarray, np.ndarray]]) -> torch.nn.Module:
    """Build the network with the given initial ``weights`` (untimed). The output layer is
    linear: softmax/sigmoid are fused into the loss (cross_entropy, BCE with logits)."""
    modules: list[torch.nn.Module] = []
    for position, (W, b) in enumerate(weights):
        linear = torch.nn.Linear(W.shape[0], W.shape[1])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if position < len(weights) - 1:
            modules.append(_ACTIVATIONS[case.hidden_activation]())
    return torch.nn.Sequential(*modules)


def _target(case: Case, y: np.ndarray) -> torch.Tensor:
    if case.loss == "cross_entropy":
        return torch.from_numpy(y.astype(np.int64))
    return torch.from_numpy(y.astype(np.float32).reshape(-1, 1))


def loss(case: Case, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The case's loss (mean over the batch) from the output layer's pre-activation."""
    if case.loss == "cross_entropy":
        return F.cross_entropy(logits, target)
    return F.binary_cross_entropy_with_logits(logits, target)


def train(model: torch.nn.Module, case: Case, data: Dataset) -> None:
    """The timed part: the usual PyTorch loop, zero_grad / forward / loss / backward / step."""
    optimizer = torch.optim.SGD(model.parameters(), lr=case.learning_rate)
    X = torch.from_numpy(data.X_train)
    y = _target(case, data.y_train)
    n, size = X.shape[0], min(case.batch_size, X.shape[0])
    rng = shuffle_generator(case.seed)
    model.train()
    for _ in range(case.epochs):
        if size < n:
            order = torch.from_numpy(rng.permutation(n))
            X_epoch, y_epoch = X[order], y[order]
        else:
            X_epoch, y_epoch = X, y
        for start in range(0, n, size):
            optimizer.zero_grad()
            value = loss(case, model(X_epoch[start:start + size]), y_epoch[start:start + size])
            value.backward()
            optimizer.step()


def predict_proba(model: torch.nn.Module, X: np.ndarray) -> np.ndarray:
    """Output probabilities, (n, n_outputs)."""
    with torch.no_grad():
        logits = model(torch.from_numpy(X))
        probabilities = torch.sigmoid(logits) if logits.shape[1] == 1 else torch.softmax(logits, dim=1)
    return probabilities.numpy()


def parameters(model: torch.nn.Module) -> list[np.ndarray]:
    """[W1 (in, out), b1, W2, b2, ...] in neuralab's layout, float32 copies."""
    arrays = []
    for module in model:
        if isinstance(module, torch.nn.Linear):
            arrays += [module.weight.detach().numpy().T.copy(), module.bias.detach().numpy().copy()]
    return arrays


def initial_loss(case: Case, data: Dataset, weights: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The case's loss on the training data at the initial weights (for cross-checks)."""
    model = prepare(case, data, weights)
    with torch.no_grad():
        return float(loss(case, model(torch.from_numpy(data.X_train)), _target(case, data.y_train)))
