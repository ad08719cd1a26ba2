"""The playground's live sessions and uploaded tables, bounded in number.

``SessionStore.create`` checks a configuration (``config.parse_config``), makes its data set
and its ``Session``; ``get`` finds one by id; uploads are kept until the bound pushes the
oldest out.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable

from ..data import Table
from .config import Config, parse_config
from .datasets import Dataset, table_dataset, toy_dataset
from .errors import BatchTooLarge, SessionNotFound, TooManySessions
from .session import Session


def config_dataset(config: Config, table: Table | None = None) -> Dataset:
    """The data set ``config`` names: its toy set, or ``table`` (an uploaded CSV, a notebook's
    DataFrame or arrays) with the target and the two drawn features ``config`` chose."""
    if table is None:
        return toy_dataset(
            config.dataset,
            n_samples=config.n_samples,
            noise=config.noise,
            test_fraction=config.test_fraction,
            seed=config.seed,
            inputs=config.inputs,
        )
    # parse_config refuses table data without these three.
    assert config.target is not None and config.x_feature is not None and config.y_feature is not None
    return table_dataset(
        table,
        target=config.target,
        x_feature=config.x_feature,
        y_feature=config.y_feature,
        test_fraction=config.test_fraction,
        seed=config.seed,
    )


def check_batch_size(config: Config, dataset: Dataset) -> None:
    """Refuse a batch larger than the training set (BatchTooLarge offers the largest that fits)."""
    n_train = dataset.X_train.shape[0]
    if config.batch_size is not None and config.batch_size > n_train:
        raise BatchTooLarge(
            f"`batch_size` {config.batch_size} is larger than the {n_train} training "
            f"samples. Set the batch size to {n_train} or less (none: all samples in one batch), "
            "or use more data.",
            max_batch_size=n_train,
        )


class SessionStore:
    """The live sessions and uploaded tables, bounded, fair to the learners using them.

    A session is *in use* while it trains or was used in the last ``active_seconds`` (a page
    that plays asks every fraction of a second). A new session beyond ``max_sessions`` first
    drops sessions unused for ``idle_seconds``; then the least recently used session that is
    not in use (its page is told "No session ... Reload the page" on its next request). A
    session in use is never closed for a newcomer: when every session is in use, the newcomer
    is refused (TooManySessions, 429) with ``retry_after``, the seconds until one may be free.
    Uploads beyond ``max_uploads`` drop the oldest upload.
    """

    def __init__(
        self,
        *,
        max_sessions: int = 8,
        max_uploads: int = 8,
        idle_seconds: float = 600.0,
        active_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_sessions = max_sessions
        self.max_uploads = max_uploads
        self.idle_seconds = idle_seconds
        self.active_seconds = active_seconds
        self.clock = clock
        self.sessions: dict[str, Session] = {}
        self.last_used: dict[str, float] = {}
        self.uploads: dict[str, Table] = {}
        self._lock = threading.Lock()

    def create(self, payload: object) -> Session:
        """Check ``payload``, make its data set and network, and keep the session."""
        config = parse_config(payload)
        table = None
        if config.dataset == "upload":
            assert config.upload_id is not None  # parse_config refuses an upload without it
            table = self.uploads.get(config.upload_id)
            if table is None:
                raise SessionNotFound(f"No uploaded file with id {config.upload_id!r}: upload the CSV again.")
        dataset = config_dataset(config, table)
        check_batch_size(config, dataset)
        with self._lock:
            now = self.clock()
            self._make_room(now)
            session = Session(secrets.token_hex(8), config, dataset)
            self.sessions[session.id] = session
            self.last_used[session.id] = now
        return session

    def _make_room(self, now: float) -> None:
        """Free a place for a new session, never one in use; TooManySessions when all are."""
        if len(self.sessions) < self.max_sessions:
            return
        for key in [
            k
            for k, used in self.last_used.items()
            if now - used > self.idle_seconds and not self.sessions[k].training
        ]:
            self._drop(key)
        if len(self.sessions) < self.max_sessions:
            return
        free = [
            k
            for k in sorted(self.last_used, key=self.last_used.__getitem__)
            if not self.sessions[k].training and now - self.last_used[k] > self.active_seconds
        ]
        if free:
            self._drop(free[0])
            return
        waits = [
            self.active_seconds - (now - used)
            for k, used in self.last_used.items()
            if not self.sessions[k].training
        ]
        retry_after = max(1, math.ceil(min(waits, default=self.active_seconds)))
        raise TooManySessions(
            f"The playground already has {self.max_sessions} sessions in use (its limit), each trained or "
            f"used in the last {self.active_seconds:g} s. Try again in {retry_after} s, or pause or close "
            "another playground tab.",
            retry_after=retry_after,
        )

    def get(self, session_id: str) -> Session:
        with self._lock:
            session = self.sessions.get(session_id)
            if session is None:
                raise SessionNotFound(
                    f"No session {session_id!r} (it was closed or expired). Reload the page."
                )
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


__all__ = ["SessionStore", "check_batch_size", "config_dataset"]
