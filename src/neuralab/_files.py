"""Writing files and folders safely.

- ``atomic_write``: a file is either fully written or not touched at all, and gets the
  permissions an ordinary ``open`` would give it (the umask's, or those of the file it
  replaces), not the private 0600 of a temporary file.
- Nothing is left behind: the temporary file is named recognisably
  (``.NAME.PID-HOST-XXXXXXXX.neuralab.tmp``: the target, the writing process, this machine);
  one that a killed process left (SIGKILL, power loss) is removed by the next write into the
  same folder, once that process is gone (``remove_stale_temporaries``).
- ``ensure_folder``: create an output folder, or say in one line why it cannot be.

Failures are ``OutputError`` (a ``NeuralabError`` and an ``OSError``) naming the path, the
reason and the fix, so that the command line prints one line rather than a traceback.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import OutputError

_UMASK_LOCK = threading.Lock()
_SUFFIX = ".neuralab.tmp"
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_OURS = re.compile(
    r"\.(?P<target>.+)\.(?P<pid>\d{1,10})-(?P<host>[0-9a-f]{8})-[a-z0-9_]{8}" + re.escape(_SUFFIX)
)
# What tempfile named them before (".NAME.XXXXXXXX.tmp"): removed only beside the same target,
# and only when an hour old (no save takes that long), since no process id says whose they are.
_LEGACY_AGE = 3600.0


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (POSIX; elsewhere assume it does)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, someone else's
        return True
    return True


def remove_stale_temporaries(folder: str | os.PathLike[str], target: str | None = None) -> list[str]:
    """Remove the temporary files that interrupted writes into ``folder`` left behind.

    A file counts as ours and stale when its name has the pattern ``atomic_write`` gives
    (``.NAME.PID-HOST-XXXXXXXX.neuralab.tmp``), HOST is this machine and process PID no longer
    runs; or, for ``target`` (a file name in ``folder``), when it is named as earlier neuralab
    versions named them (``.TARGET.XXXXXXXX.tmp``) and is over an hour old. Anything else is
    left alone, including the temporary files of writes in progress. Returns the removed paths.
    """
    removed: list[str] = []
    legacy = None if target is None else re.compile(re.escape(f".{target}.") + r"[a-z0-9_]{8}\.tmp")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not name.startswith("."):
            continue
        match = _OURS.fullmatch(name)
        try:
            if match is not None:
                stale = match["host"] == _HOST and not _process_alive(int(match["pid"]))
            elif legacy is not None and legacy.fullmatch(name):
                stale = time.time() - entry.stat(follow_symlinks=False).st_mtime > _LEGACY_AGE
            else:
                continue
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:  # gone meanwhile, or not ours to remove: leave it
            continue
    return removed


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
    remove_stale_temporaries(folder, os.path.basename(path))
    try:
        prefix = f".{os.path.basename(path)}.{os.getpid()}-{_HOST}-"  # tempfile adds XXXXXXXX
        handle = tempfile.NamedTemporaryFile(
            mode, dir=folder, prefix=prefix, suffix=_SUFFIX, delete=False, **open_options
        )
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
        raise OutputError(
            f"Cannot create the folder {folder}: {reason}. Choose a folder you can write to."
        ) from error
    return folder
