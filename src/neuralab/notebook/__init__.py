"""neuralab in a Jupyter notebook: the live training display (and the playground as a widget).

The rich displays need nothing from here: ``Sequential``, ``Model``, ``History``, a trace and
a diagnosis carry IPython's ``_repr_html_`` (and ``_repr_svg_`` / ``_repr_latex_``), so they
show as tables and figures when they are the last value of a cell.

- ``LiveTraining``: the callback behind ``fit(..., live=True)`` (``live``).

Importing this package needs neither IPython nor anywidget (the optional ``notebook`` extra):
what needs them imports them when it is first used. ``Playground`` (``widget``), the web
playground as an anywidget widget, is imported on first access.
"""

from __future__ import annotations

from typing import Any

from ..callbacks import register_live_display
from .live import LiveTraining

register_live_display(LiveTraining)

__all__ = ["LiveTraining", "Playground"]


def __getattr__(name: str) -> Any:
    if name == "Playground":  # anywidget is imported here, on first use, not with the package
        from .widget import Playground

        return Playground
    raise AttributeError(f"module 'neuralab.notebook' has no attribute {name!r}")
