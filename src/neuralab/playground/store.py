"""The playground's live sessions and uploaded tables, bounded in number.

``SessionStore.create`` checks a configuration (``config.parse_config``), makes its data set
and its ``Session``; ``get`` finds one by id; uploads are kept until the bound pushes the
oldest out.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable

from ..data import Table
from .config import parse_config
from .datasets import table_dataset, toy_dataset
from .errors import BatchTooLarge, SessionNotFound, TooManySessions
from .session import Session


class SessionStore:
    """The live sessions and uploaded tables, bounded.

    A new session beyond ``max_sessions`` first drops sessions unused for ``idle_seconds``;
    if none is that old, the least recently used session that is not training right now is
    closed (its page is told "No session ... Reload the page" on its next request). Only when
    every session is training is the new one refused (TooManySessions). Uploads beyond
    ``max_uploads`` drop the oldest upload.
    """

    def __init__(self, *, max_sessions: int = 8, max_uploads: int = 8, idle_seconds: float = 600.0,
                 clock: Callable[[], float] = time.monotonic):
        self.max_sessions = max_sessions
        self.max_uploads = max_uploads
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.sessions: dict[str, Session] = {}
        self.last_used: dict[str, float] = {}
        self.uploads: dict[str, Table] = {}
        self._lock = threading.Lock()

    def create(self, payload: object) -> Session:
        """Check ``payload``, make its data set and network, and keep the session."""
        config = parse_config(payload)
        if config.dataset == "upload":
            table = self.uploads.get(config.upload_id)
            if table is None:
                raise SessionNotFound(f"No uploaded file with id {config.upload_id!r}: upload the CSV again.")
            dataset = table_dataset(table, target=config.target, x_feature=config.x_feature,
                                    y_feature=config.y_feature, test_fraction=config.test_fraction,
                                    seed=config.seed)
        else:
            dataset = toy_dataset(config.dataset, n_samples=config.n_samples, noise=config.noise,
                                  test_fraction=config.test_fraction, seed=config.seed)
        if config.batch_size is not None and config.batch_size > dataset.X_train.shape[0]:
            n_train = dataset.X_train.shape[0]
            raise BatchTooLarge(f"`batch_size` {config.batch_size} is larger than the {n_train} training "
                                f"samples. Set the batch size to {n_train} or less (empty: full batch), "
                                "or use more data.", max_batch_size=n_train)
        with self._lock:
            now = self.clock()
            if len(self.sessions) >= self.max_sessions:
                for key in [k for k, used in self.last_used.items() if now - used > self.idle_seconds]:
                    self._drop(key)
            if len(self.sessions) >= self.max_sessions:
                idle = [k for k in sorted(self.last_used, key=self.last_used.__getitem__)
                        if not self.sessions[k].training]
                if idle:
                    self._drop(idle[0])
            if len(self.sessions) >= self.max_sessions:
                raise TooManySessions(
                    f"The playground already trains {self.max_sessions} sessions at once (the bound). "
                    "Pause training in another playground tab, then try again."
                )
            session = Session(secrets.token_hex(8), config, dataset)
            self.sessions[session.id] = session
            self.last_used[session.id] = now
        return session

    def get(self, session_id: str) -> Session:
        with self._lock:
            session = self.sessions.get(session_id)
            if session is None:
                raise SessionNotFound(f"No session {session_id!r} (it was closed or expired). "
                                      "Reload the page.")
            self.last_used[session_id] = self.clock()
            return session

    def delete(self, session_id: str) -> None:
        with self._lock:
            if session_id not in self.sessions:
                raise SessionNotFound(f"No session {session_id!r} to close.")
            self._drop(session_id)

    def _drop(self, session_id: str) -> None:
        session = self.sessions.get(session_id)
        if session is not None:
            session.stream_token += 1  # a stream still running on it stops
        self.sessions.pop(session_id, None)
        self.last_used.pop(session_id, None)

    def add_upload(self, table: Table) -> str:
        with self._lock:
            while len(self.uploads) >= self.max_uploads:
                self.uploads.pop(next(iter(self.uploads)))
            upload_id = secrets.token_hex(8)
            self.uploads[upload_id] = table
            return upload_id


__all__ = ["SessionStore"]
