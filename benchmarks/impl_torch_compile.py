"""PyTorch (CPU) with ``torch.compile``: the eager loop of ``impl_torch`` around a compiled
forward pass and loss.

``torch.compile(lambda X, y: loss(model(X), y), dynamic=False)`` (the inductor backend,
which on the CPU writes and compiles C++ kernels) traces the forward pass and the fused loss
and, through AOTAutograd, their backward pass; ``backward`` and ``optimizer.step`` are
called as in the eager loop. ``dynamic=False`` compiles one graph per batch shape: the full
batch and, when the batch size does not divide the data, the shorter last batch. Both are
compiled during the benchmark's untimed warm-up (its rows leave the same remainder).

The compiled function is kept for the life of the process, one per network structure, and
``prepare`` copies the initial weights into the same parameter tensors: a new model would
fail dynamo's guards and compile again inside the timed run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from . import impl_torch
from .cases import Case
from .data import Dataset


@dataclass
class CompiledModel:
    """The model and its compiled batch loss ``(X (B, n_in), y) -> scalar``."""

    model: torch.nn.Sequential
    batch_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


_COMPILED: dict[tuple, CompiledModel] = {}


def prepare(case: Case, data: Dataset, weights: list[tuple[np.ndarray, np.ndarray]]) -> CompiledModel:
    """The structure's compiled model, reset to ``weights`` (compiled on first use, untimed)."""
    key = (case.layer_sizes, case.hidden_activation, case.loss)
    if key not in _COMPILED:
        model = impl_torch.build(case, weights)
        compiled = torch.compile(lambda X, y: impl_torch.loss(case, model(X), y), dynamic=False)
        _COMPILED[key] = CompiledModel(model, compiled)
    impl_torch.set_weights(_COMPILED[key].model, weights)
    return _COMPILED[key]


def train(compiled: CompiledModel, case: Case, data: Dataset) -> None:
    """The timed part: the eager loop of ``impl_torch`` calling the compiled loss."""
    impl_torch.sgd_loop(compiled.model, case, data, compiled.batch_loss)


def predict_proba(compiled: CompiledModel, X: np.ndarray) -> np.ndarray:
    """Output probabilities, (n, n_outputs), from the eager model (no compile for a new shape)."""
    return impl_torch.predict_proba(compiled.model, X)


def parameters(compiled: CompiledModel) -> list[np.ndarray]:
    """[W1 (in, out), b1, W2, b2, ...] in neuralab's layout, float32 copies."""
    return impl_torch.parameters(compiled.model)
