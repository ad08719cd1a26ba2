"""The playground's errors, each with the HTTP status the server answers it with.

All derive from NeuralabError; the message is shown in the page as it is.
"""

from __future__ import annotations

from ..errors import NeuralabError, ValidationError


class PlaygroundError(NeuralabError):
    """A request the playground cannot serve; ``status`` is the HTTP code of the answer."""

    status = 400


class PlaygroundInputError(PlaygroundError, ValidationError):
    """A parameter or an uploaded file has a wrong value (400)."""


class BatchTooLarge(PlaygroundInputError):
    """The batch size is larger than the training set (400); ``fix`` is the setting that works."""

    def __init__(self, message: str, *, max_batch_size: int):
        super().__init__(message)
        self.fix = {"batch_size": max_batch_size}


class UploadTooLarge(PlaygroundInputError):
    """An uploaded file is over the size bound (413)."""

    status = 413


class UnsupportedUpload(PlaygroundInputError):
    """An uploaded file is not a UTF-8 CSV file (415)."""

    status = 415


class SessionNotFound(PlaygroundError):
    """No session (or upload) with that id (404)."""

    status = 404


class TooManySessions(PlaygroundError):
    """Every session the store may hold is in use (429); ``retry_after``: seconds until one may
    be free (the answer's Retry-After header)."""

    status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class TrainingBlocked(PlaygroundError):
    """The network cannot train now: binary_step, or it diverged (409)."""

    status = 409


__all__ = [
    "BatchTooLarge",
    "PlaygroundError",
    "PlaygroundInputError",
    "SessionNotFound",
    "TooManySessions",
    "TrainingBlocked",
    "UnsupportedUpload",
    "UploadTooLarge",
]
