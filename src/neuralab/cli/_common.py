"""Helpers shared by the command modules: output, JSON, --out checks, training options."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence

import numpy as np
import typer
from rich.console import Console

from ..data.csv_reader import MISSING_OPTIONS
from ..errors import ValidationError

OPTIMIZER_CHOICES = ("gd", "sgd", "momentum", "nesterov", "adam", "rmsprop")
MISSING_CHOICES = MISSING_OPTIONS
MISSING_HELP = (
    "Missing cells (empty, NaN, NA, N/A, null): impute (median / most frequent value of the "
    "training rows), drop (their rows), or error."
)
SEP_HELP = "Separator: , ; | or tab (default: sniffed from the file)."
DECIMAL_HELP = "Decimal mark: . or , (default: sniffed; ',' only with another separator than ',')."

_stderr = Console(stderr=True, highlight=False, soft_wrap=True)
HIDDEN_HELP = "Hidden layer sizes, comma-separated (e.g. 64,32); 0 or an empty value means no hidden layer."


def print_out(*objects) -> None:
    """Print Rich renderables (tables, text) to stdout.

    Strings are printed literally, never read as Rich markup: a column named ``[/y]``, a
    label ``[/b]``, a unit ``weight [kg]`` or a file ``a[/b].csv`` appears exactly as it is
    (table titles, headers and cells included).
    """
    Console(file=sys.stdout, highlight=False, soft_wrap=True, markup=False).print(*objects)


def print_warnings(warnings: Sequence[str], hints: Sequence[str] = (), notes: Sequence[str] = ()) -> None:
    """Print notes, warnings and hints to stderr, one line each, as plain text (no markup)."""
    for prefix, lines in (("note", notes), ("warning", warnings), ("hint", hints)):
        for line in lines:
            _stderr.print(f"{prefix}: {line}", markup=False)


def check_missing_option(missing: str) -> str:
    """``--missing`` must be one of impute, drop, error."""
    value = missing.strip().lower()
    if value not in MISSING_CHOICES:
        raise ValidationError(f"--missing must be one of {', '.join(MISSING_CHOICES)}. Got {missing!r}.")
    return value


def echo_json(payload: dict) -> None:
    """Print ``payload`` as indented JSON (NumPy scalars and arrays included) to stdout."""
    typer.echo(json.dumps(payload, indent=2, default=_json_default))


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def check_out(out: str, force: bool, allowed: str | None = None) -> None:
    """Refuse an ``--out`` whose folder is missing, or that exists without ``--force``.

    ``allowed`` is a path that may be overwritten anyway (``train --resume`` into itself).
    """
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise ValidationError(f"Cannot write {out}: the folder {folder} does not exist.")
    if os.path.isdir(out):  # checked before any work, not when the result is written
        raise ValidationError(f"Cannot write {out}: it is a folder. Give a file name, e.g. {out}/out.")
    if not os.access(folder, os.W_OK):
        raise ValidationError(
            f"Cannot write {out}: the folder {folder} is not writable. Choose another --out."
        )
    same = allowed is not None and os.path.abspath(out) == os.path.abspath(allowed)
    if os.path.exists(out) and not force and not same:
        raise ValidationError(f"{out} already exists. Pass --force to overwrite it, or choose another --out.")


def parse_hidden(text: str) -> tuple[int, ...]:
    """``--hidden 64,32`` -> (64, 32); "" / "0" / "none" -> no hidden layer."""
    text = text.strip()
    if text in ("", "0", "none"):
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValidationError(
            f"--hidden must be comma-separated layer sizes such as 64,32. Got {text!r}."
        ) from None
    if any(size < 1 for size in sizes):
        raise ValidationError(f"--hidden sizes must be positive. Got {text!r}.")
    return sizes
