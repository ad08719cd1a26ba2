"""No traceback from any input (issue 21, item 3): a seeded, bounded fuzz of the command line.

A few hundred mutants of a real model file (bit flips, truncations, edited metadata and raw
metadata text, nested JSON, huge integers, edited arrays and npy headers, extra, missing,
duplicated and compressed members) go through ``predict``, and mutants of real CSV files
(bit flips, truncations, overflowing and odd numbers, NUL bytes, markup-like names, broken
structure) through ``predict`` and ``train``. Every one must end cleanly (one ``error:``
line, exit 2, not the boundary's "unexpected error") or correctly (exit 0, every number
finite, probabilities a distribution). ``python -m tests.fuzz_inputs N SEED`` runs a larger
campaign and prints the counts.
"""

from __future__ import annotations

from tests.fuzz_inputs import campaign, report


def test_fuzzed_models_and_csvs_end_cleanly_or_correctly(tmp_path):
    tally = campaign(tmp_path, models=300, csvs=120, trains=40, seed=0)
    assert tally.total() == 460
    assert tally.total("bad") == 0, report(tally)
    # The mutants reach both outcomes: refused files, and files (or cells) that still work.
    assert tally.counts[("model/metadata", "ok")] > 0 and tally.counts[("model/truncate", "clean")] > 0
    assert tally.total("clean") > 300
