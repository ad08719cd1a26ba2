"""``neuralab train --resume``: the options that cannot change on a saved model, checked against it."""

from __future__ import annotations

from .._validation import check_dtype
from ..activations import get_activation
from ..data import (
    name_list,
)
from ..dropout import Dropout
from ..errors import ValidationError
from ..layers import Dense
from ..losses import get_loss
from ..model import Model
from ._common import (
    parse_hidden,
)


def _architecture(model: Model) -> dict[str, object]:
    """The resumed model's architecture options, as ``train`` spells them."""
    dense = [layer for layer in model.network.layers if isinstance(layer, Dense)]
    hidden, output = dense[:-1], dense[-1]
    rates = [layer.rate for layer in model.network.layers if isinstance(layer, Dropout)]
    return {
        "--task": model.task,
        "--hidden": tuple(layer.units for layer in hidden),
        "--activation": hidden[0].activation.name if hidden else None,
        "--output-activation": output.activation.name,
        "--loss": model.loss,
        "--dtype": model.network.dtype.name,
        "--dropout": float(rates[0]) if rates else 0.0,
    }


def _shown(value: object) -> str:
    if isinstance(value, tuple):  # hidden sizes
        return ",".join(map(str, value)) or "0 (no hidden layer)"
    return "none (no hidden layer)" if value is None else str(value)


def check_resume_options(
    model: Model, resume: str, *, task, hidden, activation, output_activation, loss, dtype, dropout, ignored
) -> None:
    """Refuse architecture options that differ from the resumed model's (they cannot apply)."""
    saved = _architecture(model)
    given = {
        "--task": task,
        "--hidden": None if hidden is None else parse_hidden(hidden),
        "--activation": None if activation is None else get_activation(activation.strip().lower()).name,
        "--output-activation": (
            None if output_activation is None else get_activation(output_activation.strip().lower()).name
        ),
        "--loss": None if loss is None else get_loss(loss.strip().lower()).name,
        "--dtype": None if dtype is None else check_dtype(dtype.strip()).name,
        "--dropout": None if dropout is None else float(dropout),
    }
    for flag, value in given.items():
        if value is not None and value != saved[flag]:
            raise ValidationError(
                f"{flag} {_shown(value)} conflicts with the resumed model {resume}, which has "
                f"{flag} {_shown(saved[flag])}: a resumed model keeps its architecture. Leave {flag} out, or "
                "train a new model without --resume."
            )
    used = [name for name in ignored if name in model.preprocessor.kinds or name == model.target]
    if used:
        raise ValidationError(
            f"--ignore {','.join(used)} conflicts with the resumed model {resume}, which reads "
            f"{name_list(used)}: a resumed model keeps its input columns. Leave --ignore out, or train a "
            "new model without --resume."
        )
