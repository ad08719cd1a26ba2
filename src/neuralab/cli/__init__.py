"""The ``neuralab`` command line (Typer + Rich): a thin front end over the public API.

Commands live in modules by theme and register themselves on ``app``. Every error is printed
in one line and exits with status 2, without a traceback (``_app.run_guarded``; ``main`` is
the last net for anything raised outside a command's own boundary).
"""

from __future__ import annotations

import os
import sys
from typing import Any

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
from ._app import app, console_error, describe


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"neuralab {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """neuralab: neural networks from first principles, every step visible."""


# The parser's exception classes, found from one that Typer exports (recent Typer vendors
# click privately, older Typer uses click itself).
_CLICK_ERRORS: dict[str, Any] = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
_USAGE_ERROR, _CLICK_EXCEPTION = _CLICK_ERRORS["UsageError"], _CLICK_ERRORS["ClickException"]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``neuralab`` script.

    Every error is one line on stderr: neuralab's own (exit 2), and the parser's usage
    errors too (an unknown option, a missing argument, a value of the wrong type: exit 2),
    which would otherwise be drawn as a framed panel. Ctrl-C exits 130.
    """
    try:
        code = app(args=argv, standalone_mode=False, prog_name="neuralab")
    except NeuralabError as exc:  # raised outside a command's own handler
        console_error(str(exc))
        sys.exit(2)
    except _USAGE_ERROR as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            typer.echo(exc.ctx.get_help())  # plain `neuralab`: the help, as asked for
            sys.exit(0)
        command = exc.ctx.command_path if exc.ctx is not None else "neuralab"
        console_error(f"{exc.format_message()} (see `{command} --help`)")
        sys.exit(exc.exit_code)
    except _CLICK_EXCEPTION as exc:
        console_error(exc.format_message())
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # the last net: no traceback for anything a command let through
        if os.environ.get("NEURALAB_DEBUG"):
            raise
        console_error(describe(exc))
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main"]
