"""Running the runs: in this process, on a local process pool, or on a Dask cluster.

The scheduling loop is the same for every backend: keep a bounded number of runs in
flight (about two per worker slot), store each record as soon as its run finishes, and
stop submitting after ``max_runs`` or at Ctrl-C. On Ctrl-C the runs not started are
cancelled, the runs in flight are waited for (or cancelled), what finished is stored, and
the loop returns ``interrupted=True``.

A local pool's workers never outlive the sweep: each asks the kernel for SIGKILL when its
parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``, through ctypes), or elsewhere watches its
parent from a thread, so a sweep killed with SIGKILL leaves no orphaned process.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from .grid import RunSpec, SweepError
from .runner import SweepData, init_local_worker, run_in_dask_worker, run_in_local_worker, run_one


class Progress:
    """What the loop reports (the CLI draws it with Rich); every hook does nothing here.

    Examples
    --------
    >>> import neuralab as nl
    >>> from neuralab.sweeps import Progress
    >>> class Count(Progress):
    ...     def on_start(self, total, skipped, slots, where):
    ...         print(total, "runs")
    >>> _ = nl.sweep("iris", learning_rates=[0.1], depths=[1], widths=[4], seeds=2, epochs=1, workers=1,
    ...              progress=Count())
    2 runs
    """

    def on_start(self, total: int, skipped: int, slots: int, where: str) -> None:
        """``total`` runs to do now, ``skipped`` already in the results, ``slots`` in parallel."""

    def on_submit(self, spec: RunSpec) -> None:
        """A run was handed to a worker."""

    def on_result(self, record: dict) -> None:
        """A run finished (its record is already stored)."""


# -- backends ---------------------------------------------------------------------------------
class _InProcess:
    """workers=1: every run in this process, one after the other (no pool to start)."""

    where = "this process"

    def __init__(self, data: SweepData):
        self.data = data
        self.slots = 1

    def submit(self, spec: RunSpec):
        future: concurrent.futures.Future = concurrent.futures.Future()
        try:
            future.set_result(run_one(spec, self.data, worker=f"local:{os.getpid()}"))
        except Exception as exc:  # a bug outside the run: re-raised by result(), like a pool's
            future.set_exception(exc)
        return future

    def wait(self, futures):
        return list(futures)  # already done, in submission order

    def finish(self, futures) -> list[dict]:
        return []  # runs here finish inside submit: nothing is in flight

    def close(self) -> None:
        pass


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCH_SECONDS = 0.5


def _exit_with_parent(parent: int) -> None:
    """Make this process end when process ``parent`` (the sweep that started it) dies.

    On Linux the kernel sends SIGKILL at the parent's death (``PR_SET_PDEATHSIG``; the pool
    is started from the thread that runs the whole sweep, whose end is the parent's). Where
    that is not available, a daemon thread checks every half second that the parent is still
    the process's parent and exits when it is not.
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def _init_worker(data: SweepData, parent: int) -> None:
    """The pool's initializer: tie the worker's life to the sweep's, then keep the data."""
    _exit_with_parent(parent)
    init_local_worker(data)


class _LocalPool:
    """A pool of ``workers`` processes; the data travel once per process (initializer)."""

    def __init__(self, data: SweepData, workers: int):
        # fork where it is the platform's way (Linux): no re-import of the caller's __main__, so
        # a script or a notebook needs no `if __name__ == "__main__"` guard. The processes are
        # started here, before the progress display starts a thread (forking a threaded
        # process can deadlock the child); elsewhere the platform's default (spawn).
        method = "fork" if sys.platform.startswith("linux") else None
        context = multiprocessing.get_context(method)
        self.pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(data, os.getpid())
        )
        self.pool.submit(int).result()  # start every process now (fork starts them all at once)
        self.slots = workers
        self.where = f"a local pool of {workers} processes"

    def submit(self, spec: RunSpec):
        return self.pool.submit(run_in_local_worker, spec)

    def wait(self, futures):
        done, _ = concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED)
        return done

    def finish(self, futures) -> list[dict]:
        """Cancel the runs not started; wait for the others (a run that Ctrl-C stopped in its
        worker ends with KeyboardInterrupt and is not a result)."""
        for future in futures:
            future.cancel()
        records = []
        for future in futures:
            if future.cancelled():
                continue
            error = future.exception()
            if error is None:
                records.append(future.result())
            elif not isinstance(error, KeyboardInterrupt):
                raise error
        return records

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


_ADDRESS = re.compile(r"^([a-z]+://)?(\[[0-9a-fA-F:.]+\]|[^\s:/\[\]]+):\d{1,5}$")


def connect(scheduler: str, timeout: float = 10.0):
    """A ``distributed.Client`` for the scheduler at ``scheduler`` (tcp://HOST:PORT).

    Raises SweepError when the ``sweep`` extra is not installed, the scheduler cannot be
    reached within ``timeout`` seconds, or it has no workers.
    """
    if not isinstance(scheduler, str) or not _ADDRESS.match(scheduler.strip()):
        raise SweepError(f"--scheduler must be an address such as tcp://HOST:8786. Got {scheduler!r}.")
    try:
        from distributed import Client
    except ImportError:
        raise SweepError(
            "--scheduler needs Dask: install the sweep extra with "
            "pip install 'neuralab[sweep]' (or run without --scheduler for a local pool)."
        ) from None
    try:
        client = Client(scheduler.strip(), timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SweepError(
            f"Cannot reach the Dask scheduler at {scheduler}: {reason}. Start one with "
            "`dask scheduler` (and `dask worker ADDRESS`), or check the address."
        ) from None
    if not client.nthreads():
        client.close()
        raise SweepError(
            f"The Dask scheduler at {scheduler} has no workers. Start some with `dask worker {scheduler}`."
        )
    return client


class _Dask:
    """A running Dask cluster; the data are scattered to every worker once (broadcast)."""

    def __init__(self, data: SweepData, client):
        self.client = client
        self.data = client.scatter(data, broadcast=True)
        threads = client.nthreads()
        self.slots = max(1, sum(threads.values()))
        self.where = f"the Dask cluster at {client.scheduler.address} ({len(threads)} workers)"

    def submit(self, spec: RunSpec):
        return self.client.submit(run_in_dask_worker, spec, self.data, pure=False)

    def wait(self, futures):
        from distributed import wait

        with self.client.as_current():  # wait() looks up the current client
            return wait(list(futures), return_when="FIRST_COMPLETED").done

    def finish(self, futures) -> list[dict]:
        """Keep the runs already finished; cancel the rest on the cluster."""
        records = [future.result() for future in futures if future.status == "finished"]
        others = [future for future in futures if future.status != "finished"]
        if others:
            self.client.cancel(others)
        return records

    def close(self) -> None:
        self.client.close()


def make_backend(data: SweepData, *, workers: int | None, client=None):
    """The backend for the given options: a Dask client, one process, or a local pool."""
    if client is not None:
        return _Dask(data, client)
    if workers == 1:
        return _InProcess(data)
    return _LocalPool(data, workers if workers is not None else os.cpu_count() or 1)


# -- the loop ---------------------------------------------------------------------------------
def run_all(
    specs: Sequence[RunSpec],
    backend,
    store_record: Callable[[dict], None],
    *,
    max_runs: int | None = None,
    skipped: int = 0,
    progress: Progress | None = None,
) -> bool:
    """Run ``specs`` on ``backend``, calling ``store_record`` with each record as it arrives.

    At most ``max_runs`` runs are started. Returns True when Ctrl-C stopped the sweep.
    """
    progress = progress or Progress()
    todo = deque(specs if max_runs is None else specs[:max_runs])
    progress.on_start(len(todo), skipped, backend.slots, backend.where)
    window = 2 * backend.slots
    running: dict = {}
    interrupted = False
    try:
        try:
            while todo or running:
                while todo and len(running) < window:
                    spec = todo.popleft()
                    running[backend.submit(spec)] = spec
                    progress.on_submit(spec)
                for future in backend.wait(running):
                    running.pop(future)
                    record = future.result()
                    store_record(record)
                    progress.on_result(record)
        except KeyboardInterrupt:
            interrupted = True
            _drain(backend, running, store_record, progress)
    finally:
        backend.close()
    return interrupted


def _drain(backend, running: dict, store_record, progress) -> None:
    """After Ctrl-C: cancel what has not started, store the records of runs that finished."""
    for record in backend.finish(list(running)):
        store_record(record)
        progress.on_result(record)


__all__ = ["Progress", "connect", "make_backend", "run_all"]
