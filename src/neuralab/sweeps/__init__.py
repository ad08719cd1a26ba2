"""Hyperparameter sweeps: learning rates x activations x depths x widths x seeds, run on a
local process pool or a Dask cluster, with results written as each run finishes.

- ``grid``: the grid, its validation and the stable run ids; TOML/YAML configs
- ``runner``: the data prepared once, one run (build + ``fit``) -> one record
- ``execute``: the backends (this process, a local pool, Dask) and the scheduling loop
- ``store``: results.jsonl (append + fsync), resume, results.csv
- ``summary``, ``figures``, ``page``: mean +- sd tables, the two figures, index.html
- ``api``: ``neuralab.sweep(...)``

Dask is optional (``pip install 'neuralab[sweep]'``): only ``scheduler=...`` needs it.

Examples
--------
Every combination is one run: 2 rates x 2 activations x 2 depths x 3 seeds:
>>> from neuralab.sweeps import SweepGrid
>>> grid = SweepGrid(learning_rates=(0.01, 0.1), activations=("tanh", "relu"), depths=(1, 2), seeds=3)
>>> len(grid.runs())
24
"""

from __future__ import annotations

from .api import SweepResults, sweep
from .execute import Progress
from .grid import HIDDEN_ACTIVATIONS, RunSpec, SweepError, SweepGrid, load_config
from .runner import RECORD_FIELDS, SweepData, prepare_data, run_one
from .summary import best_run, summarize, summarize_configs

__all__ = [
    "HIDDEN_ACTIVATIONS",
    "RECORD_FIELDS",
    "Progress",
    "RunSpec",
    "SweepData",
    "SweepError",
    "SweepGrid",
    "SweepResults",
    "best_run",
    "load_config",
    "prepare_data",
    "run_one",
    "summarize",
    "summarize_configs",
    "sweep",
]
