"""MkDocs hook: generate the tutorials' figures and tables (docs/gen_figures.py) before a build.

Runs once per MkDocs process, so ``mkdocs serve`` does not regenerate (and re-trigger
itself) on every rebuild; rerun ``python docs/gen_figures.py`` after changing the library.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_done = False


def on_pre_build(config) -> None:
    global _done
    if _done:
        return
    path = Path(__file__).with_name("gen_figures.py")
    spec = importlib.util.spec_from_file_location("neuralab_docs_gen_figures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()
    _done = True
