"""Name-or-object registries (`get_activation`, `get_loss`, ...): one rule, written once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from .errors import UnknownNameError, ValidationError

T = TypeVar("T")


def resolve(kind: str, value: object, base: type[T], factories: Mapping[str, Callable[..., T]]) -> T:
    """Return `value` if it is an instance of `base`, else build the registered `value` name.

    Names are matched case-insensitively with "-" and " " read as "_".
    """
    if isinstance(value, base):
        return value
    if isinstance(value, str):
        key = value.strip().lower().replace("-", "_").replace(" ", "_")
        if key in factories:
            return factories[key]()
        valid = ", ".join(sorted(factories))
        raise UnknownNameError(f"Unknown {kind} {value!r}. Valid names: {valid}.")
    article = "An" if kind[:1].lower() in "aeiou" else "A"
    if isinstance(value, type) and issubclass(value, base):  # the class, not an instance of it
        raise ValidationError(
            f"{article} {kind} must be a name (str) or an instance of {base.__name__}. Got the class "
            f"{value.__name__} itself: call it, e.g. {value.__name__}()."
        )
    raise ValidationError(
        f"{article} {kind} must be a name (str) or an object of type {base.__name__}. "
        f"Got {type(value).__name__}: {value!r}."
    )
