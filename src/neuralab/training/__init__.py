"""Training: the fit loop every front end uses, split by job.

- ``loop``: ``fit`` (arguments checked once, data prepared, network built) and the epochs.
- ``batches``: one epoch cut into (shuffled) batches, in reused buffers.
- ``arguments``: the checks of fit's arguments (callbacks, start epoch, validation data).
- ``weighting``: per-sample and per-class weights of the loss.
- ``regularisation``: the batch loss with its L1/L2 penalties, and its gradients.
- ``divergence``: the divergence rule, the rollback to the weights before a bad step, Ctrl-C.
- ``flat``: the flat parameter buffer, private to one fit.

``Sequential.fit`` calls ``fit`` through ``network.register_fit_loop`` (this package sits above
``network`` and registers itself when imported).
"""

from __future__ import annotations

from ..network import register_fit_loop
from .divergence import DivergenceRule
from .loop import fit
from .regularisation import backpropagate_batch, batch_loss_value
from .weighting import class_indices, combine_class_weight

register_fit_loop(fit)

# The names under which tests and benchmarks have always reached these helpers.
_combine_class_weight = combine_class_weight

__all__ = [
    "DivergenceRule",
    "backpropagate_batch",
    "batch_loss_value",
    "class_indices",
    "combine_class_weight",
    "fit",
]
