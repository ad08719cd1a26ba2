"""The shared Typer application and the one-line error printer."""

from __future__ import annotations

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


def console_error(message: str) -> None:
    """Print ``message`` as a one-line error on stderr."""
    # escaped: a message holding "[...]" (pip install 'neuralab[onnx]', a path) is text, not markup
    error_console.print(f"[bold red]error:[/] {escape(message)}", markup=True)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error and exit with ``code`` (no traceback)."""
    console_error(message)
    raise typer.Exit(code)


def run_guarded(function, *args, **kwargs):
    """Call ``function``; turn NeuralabError into a one-line error and exit 2."""
    from ..errors import NeuralabError

    try:
        return function(*args, **kwargs)
    except NeuralabError as exc:
        fail(str(exc))
    return None


__all__ = ["app", "console_error", "error_console", "fail", "run_guarded"]
