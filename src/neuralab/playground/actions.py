"""The playground's answers by name, for any transport: the HTTP server (``app``) and the notebook
widget (``neuralab.notebook``) answer each request with these same dicts.

Each function takes a ``Session`` and the request's body (a dict from JSON), checks the body
(PlaygroundInputError names what is wrong) and returns a JSON-able dict:

    options()                                  data sets, activations, optimizers, bounds
    show(session)                              the frame with the data points and the network
    train(session, {"epochs": n})              n epochs, then the frame of the new epochs, with
                                               "train_seconds" (the page sizes its next chunk by it);
                                               with "frames": true, every epoch's own frame
    set_learning_rate(session, {"learning_rate": x})   the frame, x used from the next epoch on
    reset(session)                             back to the initial weights: the frame with data
    explain(session, {"sample": i})            one backprop step for training sample i
    apply_step(session, {"sample": i})         take that step: the step, the loss before/after, the frame
"""

from __future__ import annotations

import time

from ..activations import ACTIVATIONS
from .config import LIMITS, OPTIMIZER_NAMES, parse_learning_rate
from .datasets import INPUT_FEATURES, MAX_UPLOAD_BYTES, TOY_DATASETS
from .errors import PlaygroundInputError
from .session import Session


def options() -> dict:
    """What a page may choose: data sets, activations, optimizers, bounds, input features."""
    return {
        "datasets": [*TOY_DATASETS, "upload"],
        "activations": list(ACTIVATIONS),
        "optimizers": list(OPTIMIZER_NAMES),
        "limits": LIMITS,
        "max_upload_bytes": MAX_UPLOAD_BYTES,
        "inputs": list(INPUT_FEATURES),
    }


def show(session: Session) -> dict:
    return session.frame(include_data=True)


def train(session: Session, payload: object) -> dict:
    """``{"epochs": n}`` (1 <= n <= LIMITS["max_epochs_per_request"]; absent: 1): the frame of
    the last epoch. ``{"epochs": n, "frames": true}``: ``{"frames": [one frame per trained
    epoch, each drawn from that epoch's weights], "train_seconds": s}`` (Play draws them all)."""
    if not isinstance(payload, dict) or set(payload) - {"epochs", "frames"}:
        raise PlaygroundInputError('The body must be {"epochs": n} or {"epochs": n, "frames": true}.')
    each = payload.get("frames", False)
    if not isinstance(each, bool):
        raise PlaygroundInputError(f"`frames` must be true or false. Got {each!r}.")
    epochs = payload.get("epochs", 1)
    high = LIMITS["max_epochs_per_request"]
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= high:
        raise PlaygroundInputError(f"`epochs` must be a whole number from 1 to {high}. Got {epochs!r}.")
    started = time.perf_counter()
    if each:
        frames: list[dict] = []
        session.train(epochs, frames)
        return {"frames": frames, "train_seconds": time.perf_counter() - started}
    start = session.train(epochs)
    seconds = time.perf_counter() - started
    return {**session.frame(since=start + 1), "train_seconds": seconds}


def set_learning_rate(session: Session, payload: object) -> dict:
    session.set_learning_rate(parse_learning_rate(payload))
    return session.frame(since=session.epoch + 1)


def reset(session: Session) -> dict:
    session.reset()
    return session.frame(include_data=True)


def explain(session: Session, payload: object) -> dict:
    """``{"sample": i}``: the session names its own training-set size when i is out of range."""
    return session.explain(_sample(payload, "explain"))


def apply_step(session: Session, payload: object) -> dict:
    return session.apply_step(_sample(payload, "take"))


def _sample(payload: object, verb: str) -> int:
    if not isinstance(payload, dict) or set(payload) != {"sample"}:
        raise PlaygroundInputError(
            f'The body must be {{"sample": i}}: the training sample whose step to {verb}.'
        )
    return payload["sample"]


__all__ = ["apply_step", "explain", "options", "reset", "set_learning_rate", "show", "train"]
