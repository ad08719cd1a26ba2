"""``neuralab export``: write a saved model in another format (ONNX) for other runtimes.

A thin front end over ``neuralab.export_onnx``. Without the ``onnx`` extra it prints one
line naming it (``pip install 'neuralab[onnx]'``) and exits 2; an existing ``--out`` is
kept unless ``--force`` is given.
"""

from __future__ import annotations

import typer

from .. import io
from ..errors import ValidationError
from ..onnx_export import OPSET, export_onnx
from ._app import app, run_guarded
from ._common import check_out, echo_json, print_out

FORMATS = ("onnx",)


@app.command()
def export(
    model_path: str = typer.Argument(..., metavar="MODEL", help="A .nlab model file."),
    format: str = typer.Option("onnx", "--format", help="Output format: onnx."),
    out: str = typer.Option(..., "--out", help="The file to write, e.g. model.onnx."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --out."),
    opset: int = typer.Option(OPSET, "--opset", help="ONNX opset of the exported graph."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Export MODEL (with its input scaling) to ONNX, runnable in ONNX Runtime."""
    run_guarded(_export, model_path, format, out, force, opset, as_json)


def _export(model_path: str, format: str, out: str, force: bool, opset: int, as_json: bool) -> None:
    if format not in FORMATS:
        raise ValidationError(f"--format must be one of: {', '.join(FORMATS)}. Got {format!r}.")
    model = io.load(model_path)
    check_out(out, force)
    export_onnx(model, out, opset=opset)
    output = "probabilities" if model.task == "classification" else "prediction"
    if as_json:
        echo_json(
            {
                "model": model_path,
                "out": out,
                "format": format,
                "opset": opset,
                "input": "input",
                "input_shape": ["batch", model.network.input_dim],
                "output": output,
            }
        )
        return
    print_out(
        f"exported {model_path} to {out} (ONNX opset {opset}; input 'input' of shape "
        f"(batch, {model.network.input_dim}), output '{output}')"
    )


__all__ = ["export"]
