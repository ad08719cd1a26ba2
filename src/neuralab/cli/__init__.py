"""The ``neuralab`` command line (Typer + Rich): a thin front end over the public API.

Commands live in modules by theme and register themselves on ``app``. Errors derived from
NeuralabError are printed in one line and exit with status 2, without a traceback.
"""

from __future__ import annotations

import sys

import typer

from .._version import __version__
from ..errors import NeuralabError

# Command modules register their commands on `app` when imported.
from . import course as _course  # noqa: F401
from . import data as _data  # noqa: F401
from . import export as _export  # noqa: F401
from . import lr_find as _lr_find  # noqa: F401
from . import playground as _playground  # noqa: F401
from . import sweep as _sweep  # noqa: F401
from ._app import app, console_error


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"neuralab {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """neuralab: neural networks from first principles, every step visible."""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``neuralab`` script."""
    try:
        app(args=argv, standalone_mode=True)
    except NeuralabError as exc:  # raised outside a command's own handler
        console_error(str(exc))
        sys.exit(2)


__all__ = ["app", "main"]
