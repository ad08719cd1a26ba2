"""Helpers that build edited copies of a model file for the loader's tests and fuzzing."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

import numpy as np


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def read_members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def metadata_of(path) -> dict:
    return json.loads(np.load(io.BytesIO(read_members(path)["metadata.npy"])).tobytes())


def metadata_bytes(text: str | bytes) -> bytes:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return npy_bytes(np.frombuffer(raw, dtype=np.uint8))


def rewrite(
    source,
    target,
    *,
    edit: Callable[[dict], object] | None = None,
    metadata_text: str | None = None,
    arrays: dict[str, np.ndarray] | None = None,
    raw: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    compression: int = zipfile.ZIP_STORED,
) -> None:
    """Copy the model file ``source`` to ``target`` with changes: ``edit`` changes the metadata
    dict in place, ``metadata_text`` replaces it, ``arrays``/``raw`` replace or add members (names
    without .npy), ``drop`` removes members. The zip stays valid (CRCs recomputed)."""
    members = read_members(source)
    if edit is not None:
        metadata = metadata_of(source)
        edit(metadata)
        members["metadata.npy"] = metadata_bytes(json.dumps(metadata))
    if metadata_text is not None:
        members["metadata.npy"] = metadata_bytes(metadata_text)
    for name, array in (arrays or {}).items():
        members[f"{name}.npy"] = npy_bytes(np.asarray(array))
    for name, data in (raw or {}).items():
        members[f"{name}.npy"] = data
    with zipfile.ZipFile(target, "w", compression=compression) as archive:
        for name, data in members.items():
            if name[:-4] not in drop:
                archive.writestr(name, data)
