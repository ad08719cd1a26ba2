"""Writing a figure to disk: PNG (for viewing) and SVG (for zooming), each atomically."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from .._files import atomic_write, ensure_folder


def save_figure(figure: Figure, folder: str | Path, stem: str) -> list[Path]:
    """Write ``figure`` as ``folder/stem.png`` and ``folder/stem.svg``; return both paths."""
    folder = ensure_folder(folder)
    paths = [folder / f"{stem}.png", folder / f"{stem}.svg"]
    with atomic_write(paths[0]) as handle:  # a killed run leaves no half-written figure
        figure.savefig(handle, format="png", dpi=110)
    with atomic_write(paths[1]) as handle:
        figure.savefig(handle, format="svg")
    return paths
