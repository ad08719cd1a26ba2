"""The shared Typer application, the one-line error printer and the error boundary.

Every command runs its work through ``run_guarded``, the command line's boundary: whatever a
file or an argument makes go wrong ends as one ``error:`` line on stderr and exit status 2,
never a traceback. neuralab's own errors (NeuralabError) carry their message; an operating
system error names the file and the reason; running out of memory says so; anything else is
reported as an unexpected error of neuralab (a bug to report), with the traceback shown only
when the environment variable ``NEURALAB_DEBUG`` is set.
"""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.markup import escape

app = typer.Typer(
    name="neuralab",
    help="Neural networks from first principles: gradient descent, backpropagation, "
    "the vanishing-gradient problem and the seven activations, every step visible.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

error_console = Console(stderr=True, highlight=False, soft_wrap=True)

UNEXPECTED = "unexpected error"
"""How the message of an error neuralab did not foresee starts (the fuzz tests look for it)."""


def console_error(message: str) -> None:
    """Print ``message`` as a one-line error on stderr."""
    # escaped: a message holding "[...]" (pip install 'neuralab[onnx]', a path) is text, not markup
    error_console.print(f"[bold red]error:[/] {escape(message)}", markup=True)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit with ``code`` (no traceback)."""
    console_error(message)
    raise typer.Exit(code)


def _is_parser_signal(error: BaseException) -> bool:
    """typer.Exit / Abort and the parser's own errors: the command line handles them itself."""
    return type(error).__module__.split(".")[0] in ("typer", "click")


def one_line(text: str) -> str:
    """``text`` with its line breaks turned into spaces (an error is one line)."""
    return " ".join(text.split())


def describe(error: Exception) -> str:
    """The one-line message for any exception that reached the command line's boundary."""
    from ..errors import NeuralabError

    if isinstance(error, NeuralabError):
        return str(error)
    if isinstance(error, MemoryError):
        return (
            "Not enough memory to finish: the input is too large for this machine. Use a smaller "
            "file (predict reads --chunk-rows rows at a time), or a machine with more memory."
        )
    if isinstance(error, OSError) and error.strerror:
        where = f" {error.filename}" if error.filename is not None else ""
        return one_line(f"Cannot use{where}: {error.strerror.lower()}. Check the path and its permissions.")
    return one_line(
        f"{UNEXPECTED} ({type(error).__name__}: {error}). This is a bug in neuralab; please report it with "
        "the command you ran (set NEURALAB_DEBUG=1 to see the traceback)."
    )


def run_guarded(function, *args, **kwargs):
    """Call ``function``; turn any error into a one-line message and exit 2 (see the module)."""
    try:
        return function(*args, **kwargs)
    except Exception as exc:
        if _is_parser_signal(exc) or os.environ.get("NEURALAB_DEBUG"):
            raise
        fail(describe(exc))
    return None


__all__ = ["UNEXPECTED", "app", "console_error", "describe", "error_console", "fail", "run_guarded"]
