"""Writing files and folders safely.

- ``atomic_write``: a file is either fully written or not touched at all, and gets the
  permissions an ordinary ``open`` would give it (the umask's, or those of the file it
  replaces), not the private 0600 of a temporary file.
- ``ensure_folder``: create an output folder, or say in one line why it cannot be.

Failures are ``OutputError`` (a ``NeuralabError`` and an ``OSError``) naming the path, the
reason and the fix, so that the command line prints one line rather than a traceback.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import OutputError

_UMASK_LOCK = threading.Lock()


def _new_file_mode(path: str) -> int:
    """The mode ``open(path, "w")`` would give: the old file's, or 0o666 less the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        pass
    with _UMASK_LOCK:  # reading the umask means setting it; no other thread may see the 0
        umask = os.umask(0)
        os.umask(umask)
    return 0o666 & ~umask


def _cannot_write(path: str, error: OSError) -> OutputError:
    reason = error.strerror or str(error)
    return OutputError(f"Cannot write {path}: {reason.lower()}. Choose a path in a folder you can write to.")


@contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", **open_options) -> Iterator[IO]:
    """Yield a temporary file beside ``path``; on success fsync it and rename it over ``path``.

    On any error (Ctrl-C included) the temporary file is removed and an existing ``path``
    is left as it was. ``open_options`` go to the file (e.g. ``newline=""`` for CSV).
    Raises OutputError when ``path`` is a folder or its folder cannot be written.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise OutputError(f"Cannot write {path}: it is a folder. Give a file name, e.g. {path}/out.")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle = tempfile.NamedTemporaryFile(mode, dir=folder, prefix=f".{os.path.basename(path)}.",
                                             suffix=".tmp", delete=False, **open_options)
    except OSError as error:
        raise _cannot_write(path, error) from error
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(handle.name, _new_file_mode(path))
            os.replace(handle.name, path)
        except OSError as error:
            raise _cannot_write(path, error) from error
    except BaseException:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
        raise


def ensure_folder(folder: str | os.PathLike) -> Path:
    """Create ``folder`` (and its parents) if needed; OutputError if it cannot be a folder."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"Cannot write into {folder}: it is a file, not a folder. Choose a folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise OutputError(f"Cannot create the folder {folder}: {reason}. Choose a folder you can "
                          "write to.") from error
    return folder
