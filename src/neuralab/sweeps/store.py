"""Where a sweep's results live: ``results.jsonl`` (one JSON object per finished run, appended
and fsync'ed as each run finishes), ``sweep.json`` (the data and grid it belongs to) and
``results.csv`` (the same rows as a table, rewritten at the end).

A sweep killed at any moment loses at most the runs in flight: every line already written
is on disk, and a last line cut in half by the kill is dropped when the sweep resumes.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import TextIO

from .._files import atomic_write, ensure_folder
from .grid import SweepError
from .runner import RECORD_FIELDS

RESULTS = "results.jsonl"
MANIFEST = "sweep.json"
CSV = "results.csv"


class ResultStore:
    """The results of one output folder: the records already there, and an appender.

    ``identity`` (data source, target, split) must match the folder's ``sweep.json``: a
    folder of results on other data is an error, never silently mixed with new runs.
    """

    def __init__(self, folder: str | os.PathLike, identity: dict):
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise SweepError(f"--out {self.folder} is a file, not a folder. Choose a folder for the results.")
        ensure_folder(self.folder)
        self.path = self.folder / RESULTS
        manifest = self.folder / MANIFEST
        if manifest.is_file():
            previous = json.loads(manifest.read_text(encoding="utf-8")).get("identity")
            if previous != identity:
                raise SweepError(
                    f"{self.folder} holds a sweep of other data ({_describe(previous)}), not "
                    f"{_describe(identity)}. Choose another --out, or delete that folder."
                )
        self.identity = identity
        self.records = self._read()
        self._handle: TextIO | None = None

    def _read(self) -> list[dict]:
        if not self.path.is_file():
            return []
        raw = self.path.read_bytes()
        complete = raw[: raw.rfind(b"\n") + 1]
        if len(complete) != len(raw):  # a line cut by a kill: drop it, so appends start clean
            with open(self.path, "r+b") as handle:
                handle.truncate(len(complete))
        records = []
        for number, line in enumerate(complete.decode("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SweepError(
                    f"{self.path} line {number} is not a JSON record ({exc.msg}). "
                    "Remove that line (or the folder) and rerun."
                ) from None
        return records

    @property
    def finished_ids(self) -> set[str]:
        return {record["run_id"] for record in self.records}

    def write_manifest(self, grid: dict, data: dict) -> None:
        payload = {"identity": self.identity, "grid": grid, "data": data}
        _atomic_write(self.folder / MANIFEST, json.dumps(payload, indent=1))

    def append(self, record: dict) -> None:
        """Append one record and force it to disk (flush + fsync) before returning."""
        if self._handle is None:
            self._handle = open(self.path, "a", encoding="utf-8")
        self._handle.write(json.dumps(record, allow_nan=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.records.append(record)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def write_csv(self) -> Path:
        return write_csv(self.records, self.folder / CSV)


def write_csv(records: list[dict], path: str | os.PathLike) -> Path:
    """Write ``records`` as CSV (columns in ``RECORD_FIELDS`` order; None is an empty cell)."""
    path = Path(path)
    rows = [[_cell(record.get(name)) for name in RECORD_FIELDS] for record in records]
    with atomic_write(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(RECORD_FIELDS)
        writer.writerows(rows)
    return path


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _atomic_write(path: Path, text: str) -> None:
    with atomic_write(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def _describe(identity: dict | None) -> str:
    if not identity:
        return "unknown"
    return ", ".join(f"{key} {value}" for key, value in identity.items())


__all__ = ["CSV", "MANIFEST", "RESULTS", "ResultStore", "write_csv"]
