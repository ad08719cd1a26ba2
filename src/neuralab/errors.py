"""The exceptions neuralab raises: one small hierarchy rooted at `NeuralabError`.

Every message names the problem, the value expected and the fix, so that the command line
can print it in one line and a learner can act on it.
"""

from __future__ import annotations


class NeuralabError(Exception):
    """Base class of every error neuralab raises on purpose."""


class ValidationError(NeuralabError, ValueError):
    """An argument has the wrong value, type or shape."""


class ShapeError(ValidationError):
    """An array does not have the shape the network or the loss needs."""


class NonFiniteError(ValidationError):
    """An input array holds NaN or infinity."""


class UnknownNameError(ValidationError, KeyError):
    """A name (activation, loss, optimizer, initializer) is not in its registry."""

    def __str__(self) -> str:  # KeyError would quote the message; keep it readable
        return str(self.args[0]) if self.args else ""


class IncompatibleLossError(ValidationError):
    """A loss is paired with an output activation it cannot be used with."""


class OutputError(NeuralabError, OSError):
    """A file or folder cannot be written where asked (missing or read-only folder, a folder
    where a file should go, a file where a folder should go)."""


class NotTrainableError(NeuralabError):
    """The network cannot be trained by gradient descent (e.g. a binary_step layer)."""


class NotBuiltError(NeuralabError):
    """The network's weights do not exist yet (input size unknown)."""


class NotFittedError(NeuralabError):
    """A model is used (predict, evaluate) before it was ever trained: its weights are random."""


class DivergenceError(NeuralabError):
    """The loss became NaN, infinite or exploded during training.

    Attributes
    ----------
    epoch : int
        The (1-based) epoch in which the bad loss was seen.
    learning_rate : float or None
        The optimizer's learning rate at that moment.
    loss : float
        The loss value that triggered the stop.
    """

    def __init__(self, message: str, *, epoch: int, learning_rate: float | None, loss: float):
        super().__init__(message)
        self.epoch = epoch
        self.learning_rate = learning_rate
        self.loss = loss


class ModelFileError(NeuralabError):
    """A model file is missing, truncated, damaged, inconsistent, not a neuralab model, or from
    a newer version; the message names the part of the file (member or metadata field)."""
