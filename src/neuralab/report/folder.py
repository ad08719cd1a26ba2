"""A report folder written whole or not at all.

Everything is written into a hidden folder beside the target
(``.<name>.XXXXXXXX.partial``) and moved into place only when complete: an interrupted or
failed run leaves no half-written report behind. Into an existing folder only the report's
own entries (``REPORT_ENTRIES``) are replaced; other files there are left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .._files import ensure_folder
from ..errors import ValidationError

T = TypeVar("T")

REPORT_ENTRIES = ("index.html", "results.json", "figures")
"""What a tour writes into its folder (and replaces there on a second run)."""


def _move_into_place(staging: Path, target: Path) -> None:
    """Rename the finished ``staging`` folder to ``target``; into an existing ``target``,
    swap the report's own entries (other files there are left alone)."""
    if not target.exists():
        os.replace(staging, target)
        return
    trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    try:
        for name in REPORT_ENTRIES:
            if (target / name).exists():
                os.replace(target / name, trash / name)
            os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(trash, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)


def write_whole(folder: str | Path, write: Callable[[Path], T]) -> T:
    """``write(staging)`` into an empty hidden folder beside ``folder``, then the result moved
    into place (``_move_into_place``); on any error or Ctrl-C the hidden folder is removed and
    ``folder`` is left as it was. Returns what ``write`` returned."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise ValidationError(
            f"Cannot write the report into {target}: it is a file, not a folder. Choose another folder."
        )
    ensure_folder(target.parent if str(target.parent) else Path("."))
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        result = write(staging)
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result
