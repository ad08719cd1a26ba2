"""``TransformReport``: what ``Preprocessor.transform`` did beyond scaling, and its words.

Cells filled with the training rows' median / most frequent value, and categories not seen
in training (encoded all-zero), counted per column; ``messages`` gives the notes and
warnings the front ends print.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["TransformReport", "counted"]


@dataclass
class TransformReport:
    """What ``Preprocessor.transform`` did beyond scaling: cells it filled, values it did not know.

    Attributes
    ----------
    filled : dict of str -> int
        Column -> missing cells filled with the training rows' median / most frequent value.
    unseen : dict of (str, str) -> int
        (column, value) -> rows holding a category not seen in training (encoded all-zero).

    Examples
    --------
    A missing cell at prediction is filled with the training rows' median, and counted:
    >>> import numpy as np
    >>> from neuralab.data import Preprocessor, Table, TransformReport
    >>> train = Table.from_arrays(np.array([[1.0], [2.0], [3.0]]), np.array([0.0, 1.0, 2.0]),
    ...                           target_name="y")
    >>> prep = Preprocessor.fit(train, "y")
    >>> report = TransformReport()
    >>> new = Table.from_arrays(np.array([[np.nan]]), np.array([0.0]), target_name="y")
    >>> _ = prep.transform(new, report=report)
    >>> report.filled
    {'x0': 1}
    """

    filled: dict[str, int] = field(default_factory=dict)
    unseen: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, other: TransformReport) -> None:
        for name, count in other.filled.items():
            self.filled[name] = self.filled.get(name, 0) + count
        for key, count in other.unseen.items():
            self.unseen[key] = self.unseen.get(key, 0) + count

    def messages(
        self, *, refuse: str = "--strict (strict=True) refuses unseen values instead."
    ) -> tuple[list[str], list[str]]:
        """(notes, warnings) in words: one note for the filled cells, one warning per unseen column.

        ``refuse`` ends each warning: how to refuse unseen values instead ("" for nothing).
        """
        notes = []
        if self.filled:
            total = sum(self.filled.values())
            notes.append(
                f"filled {total} missing cell{'s' if total != 1 else ''} with the training rows' "
                f"median / most frequent value: {counted(self.filled)}"
            )
        warnings = []
        by_column: dict[str, dict[str, int]] = {}
        for (name, value), count in self.unseen.items():
            by_column.setdefault(name, {})[value] = count
        for name, values in by_column.items():
            listed = ", ".join(
                f"{value!r} ({count} row{'s' if count != 1 else ''})"
                for value, count in list(values.items())[:5]
            )
            more = f" and {len(values) - 5} more" if len(values) > 5 else ""
            verb = "was" if len(values) == 1 else "were"
            warnings.append(
                f"column {name!r}: {listed}{more} {verb} not seen in training: encoded as all-zero (no "
                f"category).{' ' + refuse if refuse else ''}"
            )
        return notes, warnings


def counted(counts: dict[str, int], limit: int = 5) -> str:
    """``"a (3), b (1)"``, cut after ``limit`` with how many more."""
    items = [f"{name} ({count})" for name, count in counts.items()]
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"
