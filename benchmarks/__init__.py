"""Side-by-side benchmarks: neuralab against PyTorch (CPU) and scikit-learn's MLP.

Run from the repository root::

    python -m benchmarks                 # every case, 5 repeats, results in benchmarks/results/
    python -m benchmarks --quick         # a smoke run: smaller data, 2 repeats
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks    # the fair setting

Every implementation trains the same network on the same data with the same
hyperparameters; neuralab and PyTorch also start from the same initial weights and see the
same batches. Implementations are interleaved in one process (order rotated per repeat,
a pause between them); peak memory is measured per case and implementation in a
subprocess of its own.
"""

from __future__ import annotations

IMPLEMENTATIONS = ("neuralab", "torch", "sklearn")
"""The implementations compared, by name (modules ``benchmarks.impl_<name>``)."""
