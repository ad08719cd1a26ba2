"""Side-by-side benchmarks: neuralab against PyTorch (eager and compiled), JAX, Keras 3 (on
JAX and on PyTorch) and scikit-learn's MLP, all on the CPU.

Run from the repository root::

    python -m benchmarks                 # every case, 5 repeats, results in benchmarks/results/
    python -m benchmarks --quick         # a smoke run: smaller data, 2 repeats
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks    # the fair setting

Every implementation trains the same network on the same data with the same
hyperparameters; all but scikit-learn also start from the same initial weights and see the
same batches. Each runs in a worker interpreter of its own per case, which also reports its
peak memory; the workers take turns (order rotated per repeat, a pause between them). A
peer that is not installed is skipped with a line saying so (``make bench`` installs them
all).
"""

from __future__ import annotations

from .implementations import NAMES as IMPLEMENTATIONS

__all__ = ["IMPLEMENTATIONS"]
