"""``neuralab playground``: serve the playground page on this machine and print its URL.

Needs the optional extra (``pip install 'neuralab[playground]'``: starlette, uvicorn,
python-multipart); without it the command prints one line naming it and exits 2.
"""

from __future__ import annotations

import typer

from ._app import app, fail

MISSING_EXTRA = (
    "The playground needs its optional extra: pip install 'neuralab[playground]' "
    "(starlette, uvicorn and python-multipart)."
)


@app.command()
def playground(
    port: int = typer.Option(8000, "--port", help="TCP port to listen on (1-65535)."),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to bind; the default keeps the page on this machine."
    ),
) -> None:
    """Open a local web page where you build a network and watch it learn (Ctrl-C stops it)."""
    if not 1 <= port <= 65535:
        fail(f"--port must be between 1 and 65535. Got {port}.")
    try:
        import python_multipart  # noqa: F401  (for CSV uploads)
        import uvicorn

        from ..playground.app import create_app
    except ImportError:
        fail(MISSING_EXTRA)
        return
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"neuralab playground: open http://{shown}:{port}/ in your browser (Ctrl-C to stop)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")


__all__ = ["playground"]
