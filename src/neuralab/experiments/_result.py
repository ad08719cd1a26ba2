"""The base of every experiment's result object: a dataclass with ``to_dict()`` for JSON."""

from __future__ import annotations

import math
from dataclasses import asdict, is_dataclass


def _plain(value: object) -> object:
    """Turn NumPy scalars and non-finite floats into JSON-ready values (inf/nan -> None)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Result:
    """Mixin for result dataclasses: ``to_dict()`` gives plain JSON-ready values."""

    def to_dict(self) -> dict:
        if not is_dataclass(self):
            raise TypeError("Result.to_dict needs a dataclass")
        return _plain(asdict(self))
