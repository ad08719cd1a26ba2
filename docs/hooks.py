"""MkDocs hook: before a build, generate the tutorials' figures, tables and exercise answers
(docs/gen_figures.py) and the executed notebook pages (docs/gen_notebooks.py).

Runs once per MkDocs process, so ``mkdocs serve`` does not regenerate (and re-trigger
itself) on every rebuild; rerun ``python docs/gen_figures.py`` after changing the library.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_done = False


def _run(script: str) -> None:
    path = Path(__file__).with_name(script)
    spec = importlib.util.spec_from_file_location(f"neuralab_docs_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()


def on_pre_build(config) -> None:
    global _done
    if _done:
        return
    _run("gen_figures.py")
    _run("gen_notebooks.py")
    _done = True
