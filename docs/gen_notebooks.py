"""Execute the notebooks in ``examples/`` and write them as pages of the site, outputs included.

Each notebook runs top to bottom in a fresh kernel (nbclient, as ``tests/test_notebooks.py``
runs them) and becomes ``docs/notebooks/<name>.md`` (git-ignored): its Markdown cells as they
are, its code cells as Python blocks, each followed by what the cell printed, the figures
it drew (PNG files beside the page) and its rich displays (neuralab's HTML tables and SVG
figures, inline). A cell that raises fails the build.

The outputs are regenerated whenever the notebook or any file of the engine (``src/neuralab``)
changed since the last run; otherwise the pages of that run are kept (the stamp file
``.<name>.stamp`` holds the hash they were made from), so an unchanged tree builds fast.
Run it by hand with ``python docs/gen_notebooks.py`` or let ``docs/hooks.py`` run it.
"""

from __future__ import annotations

import base64
import hashlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
OUT = Path(__file__).resolve().parent / "notebooks"


def notebooks() -> list[Path]:
    return sorted(EXAMPLES.glob("*.ipynb"))


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes())
    for source in sorted((ROOT / "src" / "neuralab").rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _fence(language: str, text: str) -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}{language}\n{text.rstrip()}\n{fence}\n"


def _outputs(cell, stem: str, counter: list[int]) -> list[str]:
    parts = []
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "stream":
            parts.append(_fence("text", output["text"]))
        elif kind in ("execute_result", "display_data"):
            data = output["data"]
            if "text/html" in data:  # neuralab's rich displays: self-contained HTML with inline SVG
                parts.append("\n" + " ".join(data["text/html"].split("\n")) + "\n")
            elif "image/png" in data:
                counter[0] += 1
                name = f"{stem}-{counter[0]}.png"
                (OUT / name).write_bytes(base64.b64decode(data["image/png"]))
                parts.append(f"![Figure {counter[0]} of the notebook]({name})\n")
            elif "text/plain" in data:
                parts.append(_fence("text", data["text/plain"]))
        elif kind == "error":  # nbclient raises first; this is a second line of defence
            raise RuntimeError(f"{stem}: a cell failed: {output['ename']}: {output['evalue']}")
    return parts


def render(path: Path) -> str:
    """Execute one notebook and return its page (figures are written beside it)."""
    try:
        import nbclient
        import nbformat
        from jupyter_client.manager import KernelManager
    except ImportError as error:
        raise RuntimeError(
            f"The notebook pages need nbclient, nbformat and ipykernel ({error}): pip install -e '.[docs]'"
        ) from error

    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as folder:  # notebooks may write files
        # IPC transport: a local socket file instead of TCP ports (and no warning about them
        # in the build log, which the strict docs test reads)
        manager = KernelManager(
            kernel_name="python3", transport="ipc", connection_file=str(Path(folder) / "kernel.json")
        )
        client = nbclient.NotebookClient(
            notebook, km=manager, timeout=120, resources={"metadata": {"path": folder}}
        )
        try:
            client.execute()
        finally:
            if manager.has_kernel:
                manager.shutdown_kernel(now=False)
    stem = path.stem
    for old in OUT.glob(f"{stem}-*.png"):
        old.unlink()
    counter = [0]
    blocks = []
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            blocks.append(cell.source.rstrip() + "\n")
            if number == 0:
                blocks.append(
                    f'!!! note "A notebook, run when this site was built"\n'
                    f"    This page is `examples/{path.name}` in the repository, executed top to "
                    f"bottom by the site's build with the engine it documents: every output below is "
                    f"what that code printed. Run it yourself with `jupyter lab examples/{path.name}`.\n"
                )
        elif cell.cell_type == "code":
            source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
            if source.strip():
                blocks.append(_fence("python", source))
            blocks += _outputs(cell, stem, counter)
    return "\n".join(blocks)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    started = time.perf_counter()
    ran = 0
    for path in notebooks():
        page, stamp = OUT / f"{path.stem}.md", OUT / f".{path.stem}.stamp"
        fingerprint = _fingerprint(path)
        if page.exists() and stamp.exists() and stamp.read_text() == fingerprint:
            continue
        page.write_text(render(path))
        stamp.write_text(fingerprint)
        ran += 1
    print(
        f"gen_notebooks: executed {ran} of {len(notebooks())} notebooks into {OUT} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
