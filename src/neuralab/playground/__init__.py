"""``neuralab playground``: a local web page where a learner builds a network and watches it learn.

The page (``static/``: hand-written HTML, JavaScript and canvas drawing, nothing fetched from
the internet) talks to a small Starlette app (``app.create_app``) that trains a real
``neuralab.Sequential`` per session (``session.Session``) on toy or uploaded data
(``datasets``). Starlette and uvicorn come with the optional extra: ``pip install
'neuralab[playground]'``; ``datasets`` and ``session`` need numpy only.
"""

from __future__ import annotations

from .config import LIMITS, Config, parse_config
from .datasets import TOY_DATASETS, Dataset, parse_upload, table_dataset, toy_dataset
from .errors import PlaygroundError
from .session import Session
from .store import SessionStore

__all__ = [
    "LIMITS",
    "TOY_DATASETS",
    "Config",
    "Dataset",
    "PlaygroundError",
    "Session",
    "SessionStore",
    "parse_config",
    "parse_upload",
    "table_dataset",
    "toy_dataset",
]
