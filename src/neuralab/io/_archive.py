"""Reading a ``.nlab`` archive with every size known before anything is allocated.

A model file is a zip of ``.npy`` members (what ``np.savez`` writes: stored, not compressed).
Nothing here trusts the file: the end-of-directory record is read first (member count and
directory size capped), member names are checked against the names a model file can hold
before any member is opened, and each member's ``.npy`` header is parsed by a strict
pattern (no ``eval``) and checked against the expected shape and dtype, and against the
member's size in the zip directory, before its data are read. The CRC of every member is
verified when its last byte is read.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
from collections.abc import Iterable

import numpy as np

from ..errors import ModelFileError

MAX_FILE_BYTES = 2 * 1024**3
"""The largest model file neuralab opens (2 GiB)."""
MAX_MEMBERS = 4096
"""The most members a model file may hold (weights, biases and optimizer state per layer)."""
MAX_HEADER_BYTES = 16 * 1024
"""The longest ``.npy`` header accepted (NumPy itself refuses beyond 10,000 bytes)."""

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_MAX_COMMENT = 0xFFFF
_MEMBER_NAME = re.compile(r"(metadata|layer\d{1,4}\.(weights|biases)|optimizer\.[A-Za-z0-9_.]{1,80})\.npy")
_HEADER = re.compile(
    r"\{'descr': '(?P<descr>[<>|=][a-z]\d{1,2})', 'fortran_order': (?P<fortran>True|False), "
    r"'shape': \((?P<shape>[0-9, ]{0,200})\), \} *\n"
)
# The dtypes a model file's members can have: floats (weights, optimizer state), the
# step count, the metadata's UTF-8 bytes. Both byte orders: a file may come from another machine.
_DTYPES = {f"{order}{code}" for order in "<>" for code in ("f4", "f8", "i8")} | {"|u1"}


def damaged(path: str, what: str) -> ModelFileError:
    """The error for a file that is not a readable archive."""
    return ModelFileError(
        f"{path} is truncated or damaged and cannot be read ({what}). Save the model again."
    )


def _check_end_record(path: str, size: int) -> None:
    """Refuse before ``zipfile`` parses the directory: no end record, too many members, or a
    directory larger than the file."""
    with open(path, "rb") as handle:
        start = max(0, size - _EOCD_SIZE - _MAX_COMMENT)
        handle.seek(start)
        tail = handle.read()
    position = tail.rfind(_EOCD)
    if position < 0 or len(tail) - position < _EOCD_SIZE:
        raise damaged(path, "no zip directory at its end")
    _, _, _, members, directory_size, directory_offset, _ = struct.unpack(
        "<HHHHIIH", tail[position + 4 : position + _EOCD_SIZE]
    )
    if members > MAX_MEMBERS:
        raise ModelFileError(
            f"{path} lists {members} archive members; a neuralab model file has at most "
            f"{MAX_MEMBERS}. It is not a neuralab model."
        )
    if directory_size + directory_offset > size:
        raise damaged(path, "its zip directory points past the end of the file")


class Archive:
    """An open model file whose directory has been checked; members are read one by one."""

    def __init__(self, path: str):
        self.path = path
        if not os.path.exists(path):
            raise ModelFileError(f"Model file not found: {path}.")
        if os.path.isdir(path):
            raise ModelFileError(f"{path} is a folder, not a model file.")
        if not os.path.isfile(path):  # a device or a pipe: its size is unknown (and may never end)
            raise ModelFileError(
                f"{path} is not a regular file (a device or a pipe?), so it is not a model "
                "file. Give the path of a .nlab file."
            )
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            starts_like_zip = handle.read(4) == b"PK\x03\x04"
        if not starts_like_zip:
            raise ModelFileError(f"{path} is not a neuralab model file (not a .nlab/.npz archive).")
        if size > MAX_FILE_BYTES:
            raise ModelFileError(
                f"{path} is {size / 1024**3:.1f} GiB; neuralab reads model files up to "
                f"{MAX_FILE_BYTES // 1024**3} GiB."
            )
        _check_end_record(path, size)
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except Exception as exc:  # zipfile's errors are many (BadZipFile, struct, Unicode, ...)
            raise damaged(path, f"{type(exc).__name__}: {exc}") from exc
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if not _MEMBER_NAME.fullmatch(info.filename):
                self.close()
                raise ModelFileError(
                    f"{path} holds an archive member {info.filename!r} that no neuralab "
                    "model file has; it was not read. This is not a neuralab model file."
                )
            if info.filename[:-4] in self.members:
                self.close()
                raise ModelFileError(
                    f"{path} holds the archive member {info.filename!r} twice; it is "
                    "damaged or not a neuralab model file."
                )
            self.members[info.filename[:-4]] = info
        self.size = size

    def names(self) -> set[str]:
        """The member names without ``.npy``."""
        return set(self.members)

    def refuse_unexpected(self, expected: Iterable[str]) -> None:
        """Refuse members the metadata does not account for (never read) and missing ones."""
        expected = set(expected)
        extra = sorted(self.names() - expected)
        if extra:
            raise ModelFileError(
                f"{self.path} holds the archive member {extra[0]}.npy, which its architecture does not "
                f"use (expected only: {', '.join(sorted(expected))}); it was not read. The file was edited "
                "or is damaged."
            )
        missing = sorted(expected - self.names())
        if missing:
            raise ModelFileError(
                f"{self.path} lacks the archive member {missing[0]}.npy that its "
                "architecture needs; it is truncated or damaged. Save the model again."
            )

    def read(
        self,
        name: str,
        *,
        dtypes: Iterable[str],
        shape: tuple[int, ...] | None = None,
        max_bytes: int | None = None,
    ) -> np.ndarray:
        """The array of member ``name``: dtype one of ``dtypes`` (NumPy names such as "float32"),
        of exactly ``shape`` when given, of at most ``max_bytes`` data bytes; native byte order."""
        info = self.members[name]
        if info.flag_bits & 0x1:
            raise ModelFileError(
                f"{self.path}: the archive member {name}.npy is encrypted; neuralab model files never are."
            )
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise ModelFileError(
                f"{self.path}: the archive member {name}.npy is compressed; neuralab writes model files "
                "uncompressed (as np.savez does) and reads only those. Save the model again with neuralab."
            )
        if info.file_size > self.size:
            raise damaged(self.path, f"member {name}.npy claims more bytes than the file has")
        try:
            with self.zip.open(info) as stream:
                descr, fortran, found_shape, prefix = _read_header(
                    stream, f"{self.path}: the member {name}.npy"
                )
                if descr not in _DTYPES or np.dtype(descr).name not in set(dtypes):
                    raise ModelFileError(
                        f"{self.path}: the array {name} has dtype {descr!r}; expected "
                        f"{' or '.join(sorted(set(dtypes)))}."
                    )
                dtype = np.dtype(descr)
                if shape is not None and found_shape != tuple(shape):
                    raise ModelFileError(
                        f"{self.path}: the array {name} has shape {found_shape}; the "
                        f"architecture needs {tuple(shape)}."
                    )
                count = 1
                for extent in found_shape:
                    count *= extent
                nbytes = count * dtype.itemsize
                if max_bytes is not None and nbytes > max_bytes:
                    raise ModelFileError(
                        f"{self.path}: the array {name} has {nbytes} bytes, more than the "
                        f"{max_bytes} a model file's {name} may have."
                    )
                if prefix + nbytes != info.file_size:
                    raise damaged(
                        self.path,
                        f"member {name}.npy has {info.file_size} bytes, but its header "
                        f"announces {prefix + nbytes}",
                    )
                data = stream.read(nbytes)
                if len(data) != nbytes or stream.read(1):
                    raise damaged(self.path, f"member {name}.npy ends early")
        except ModelFileError:
            raise
        except Exception as exc:  # a bad CRC, a broken local header, an unreadable file
            raise damaged(self.path, f"member {name}.npy: {type(exc).__name__}: {exc}") from exc
        array = np.frombuffer(data, dtype=dtype).reshape(found_shape, order="F" if fortran else "C")
        return np.array(array, dtype=dtype.newbyteorder("="), order="C")  # a writable native copy

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _read_header(stream, where: str) -> tuple[str, bool, tuple[int, ...], int]:
    """Parse a ``.npy`` header: (descr, fortran_order, shape, bytes before the data)."""
    magic = stream.read(8)
    if len(magic) != 8 or magic[:6] != b"\x93NUMPY" or magic[6] not in (1, 2, 3):
        raise ModelFileError(f"{where} is not a NumPy array file (bad magic bytes)")
    size_bytes = 2 if magic[6] == 1 else 4
    raw = stream.read(size_bytes)
    if len(raw) != size_bytes:
        raise ModelFileError(f"{where} ends inside its header")
    length = int.from_bytes(raw, "little")
    if length > MAX_HEADER_BYTES:
        raise ModelFileError(f"{where} has a header of {length} bytes (at most {MAX_HEADER_BYTES} are read)")
    header = stream.read(length)
    text = header.decode("utf-8" if magic[6] == 3 else "latin-1", errors="replace")
    match = _HEADER.fullmatch(text) if len(header) == length else None
    if match is None:
        raise ModelFileError(f"{where} has an unreadable array header")
    parts = [part.strip() for part in match["shape"].split(",")]
    if parts and parts[-1] == "":
        parts.pop()
    if not all(part.isdigit() and len(part) <= 12 for part in parts) or (
        len(parts) == 1 and "," not in match["shape"]
    ):
        raise ModelFileError(f"{where} has an unreadable shape ({match['shape']!r})")
    return match["descr"], match["fortran"] == "True", tuple(int(p) for p in parts), 8 + size_bytes + length


__all__ = ["MAX_FILE_BYTES", "MAX_HEADER_BYTES", "MAX_MEMBERS", "Archive", "damaged"]
