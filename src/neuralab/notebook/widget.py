"""The web playground as a notebook widget: ``Playground(data, ...)`` (anywidget).

The widget shows what the playground's page shows (the network graph, the plane with the
decision boundary, the loss chart, the gradient flow and explain-a-step), drawn by the page's
own ES modules: its front end is ``static/widget.js``, bundled at run time with the modules it
imports (``neuralab.playground.bundle``), never a copy, and its styles are the page's
``style.css`` and ``widget.css`` confined to the widget's element. It trains in the kernel on the real engine
through the playground's own ``Session`` and answers the front end with the same dicts as the
page's HTTP API (``neuralab.playground.actions``).

Between kernel and front end:

- trait ``_frame``: the full frame (with the data and the network) the view starts from, set at
  the start and whenever Python changes the session (``train``, ``reset``,
  ``set_learning_rate``, ``apply_step``): the view then starts over from it;
- messages: the front end sends ``{"id": n, "action": name, "body": {...}}`` (``model.send``),
  the kernel answers ``{"id": n, "answer": dict}`` or ``{"id": n, "error": message, "fix":
  settings or None}`` (``actions``: train, set_learning_rate, reset, explain, apply_step, show).

Needs the ``notebook`` extra: ``pip install 'neuralab[notebook]'`` (anywidget, ipywidgets).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

try:
    import anywidget
    import traitlets
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError(
        "neuralab.notebook.Playground needs anywidget and ipywidgets: pip install 'neuralab[notebook]'"
    ) from exc

from ..errors import NeuralabError
from ..network import Sequential
from ..playground import actions
from ..playground.bundle import STATIC, bundle, scoped_css
from ..playground.session import Session
from .sources import playground_session

ACTIONS: dict[str, Callable[[Session, Any], dict]] = {
    "show": lambda session, body: actions.show(session),
    "train": actions.train,
    "set_learning_rate": actions.set_learning_rate,
    "reset": lambda session, body: actions.reset(session),
    "explain": actions.explain,
    "apply_step": actions.apply_step,
}
"""What the front end may ask for, by name: ``action(session, body) -> answer``."""


class Playground(anywidget.AnyWidget):
    """The playground on ``data`` in a notebook cell, trained in this kernel.

    Parameters
    ----------
    data : str, array of shape (n_samples, n_features), or DataFrame, default "circles"
        A toy set's name ("circles", "xor", "spirals", "blobs", "three_blobs", "spirals3",
        "plane"), a bundled set's name ("iris", "wine", ...), an array (with ``y``) or a
        DataFrame (with ``target=`` a column, or ``y``).
    y : array of shape (n_samples,), optional
        The targets of an array or DataFrame: class labels or numbers (regression).
    network : Sequential, optional
        Dense layers ending in the task's output layer (sigmoid / softmax / linear); it is
        trained in place. Otherwise ``hidden`` layers, e.g. ``[(8, "relu"), (8, "relu")]``.
    **settings
        ``learning_rate``, ``batch_size`` (None: all samples), ``optimizer``, ``l2``, ``l1``,
        ``seed``, ``test_fraction``, ``target``, ``x_feature``, ``y_feature`` (the two drawn
        features of a table); for a toy set ``n_samples``, ``noise``, ``inputs``. Checked as
        the page checks them.

    Examples
    --------
    >>> from neuralab.notebook import Playground
    >>> widget = Playground("xor", hidden=[(4, "tanh")], learning_rate=0.3, n_samples=100, seed=1)
    >>> widget.train(5)["epoch"], widget.frame["epoch"]
    (5, 5)
    """

    _esm = bundle("widget.js")
    _css = scoped_css(
        "\n".join((STATIC / name).read_text(encoding="utf-8") for name in ("style.css", "widget.css")),
        ".neuralab-playground",
    )
    _frame = traitlets.Dict().tag(sync=True)

    def __init__(self, data: object = "circles", y: object = None, **settings: Any):
        session = playground_session(data, y, **settings)
        super().__init__(_frame=actions.show(session))
        self.session = session
        self.on_msg(self._on_message)

    def __repr__(self) -> str:
        """What a notebook without widgets (or a docs page) shows: the network and where it stands.

        >>> Playground("xor", hidden=[(4, "tanh")], n_samples=100, seed=1)
        Playground('xor': 2-4-1 network (tanh, sigmoid), epoch 0, training loss 0.6812)
        """
        session = self.session
        sizes = "-".join(
            str(n) for n in [session.dataset.n_features, *(layer.units for layer in session.network.layers)]
        )
        loss = session.train_loss[-1]
        shown = "not finite" if loss is None else f"{loss:.4f}"
        return (
            f"Playground({session.dataset.name!r}: {sizes} network ({', '.join(session.activations)}), "
            f"epoch {session.epoch}, training loss {shown})"
        )

    # -- Python's side: the same actions, and the view follows ---------------------------------
    @property
    def frame(self) -> dict:
        """The session's full frame now (what the page's GET /api/sessions/{id} returns), after
        whatever Python or the widget's buttons trained."""
        return actions.show(self.session)

    @property
    def network(self) -> Sequential:
        """The network being trained (the one given, trained in place, or the one built)."""
        return self.session.network

    def train(self, epochs: int = 1) -> dict:
        """Train ``epochs`` epochs on the real engine; return the frame of the new epochs."""
        return self._changed(actions.train(self.session, {"epochs": epochs}))

    def reset(self) -> dict:
        """Back to the initial weights, a fresh optimizer and empty curves."""
        return self._changed(actions.reset(self.session))

    def set_learning_rate(self, learning_rate: float) -> dict:
        """Train with ``learning_rate`` from the next epoch on (the weights stay)."""
        return self._changed(actions.set_learning_rate(self.session, {"learning_rate": learning_rate}))

    def explain(self, sample: int = 0) -> dict:
        """One backprop step for training sample ``sample``, as the page's "Explain this step"."""
        return actions.explain(self.session, {"sample": sample})

    def apply_step(self, sample: int = 0) -> dict:
        """Take sample ``sample``'s plain gradient step W <- W - learning_rate * dE/dW."""
        return self._changed(actions.apply_step(self.session, {"sample": sample}))

    def _changed(self, answer: dict) -> dict:
        self._frame = actions.show(self.session)
        return answer

    # -- the front end's side ------------------------------------------------------------------
    def handle(self, message: object) -> dict:
        """The kernel's answer to one front-end request ``{"id", "action", "body"}`` (what
        ``model.send`` delivers); errors are answered, never raised into the comm."""
        if not isinstance(message, dict) or not isinstance(message.get("action"), str):
            return {"id": None, "error": 'A request is {"id": n, "action": name, "body": {...}}.'}
        request_id = message.get("id")
        action = ACTIONS.get(message["action"])
        if action is None:
            return {
                "id": request_id,
                "error": f"Unknown action {message['action']!r}. Choose one of: {', '.join(ACTIONS)}.",
            }
        try:
            return {"id": request_id, "answer": action(self.session, message.get("body", {}))}
        except NeuralabError as exc:
            return {"id": request_id, "error": str(exc), "fix": getattr(exc, "fix", None)}

    def _on_message(self, widget: object, content: object, buffers: object) -> None:
        self.send(self.handle(content))


__all__ = ["ACTIONS", "Playground"]
