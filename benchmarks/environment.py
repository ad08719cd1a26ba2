"""What the numbers depend on: versions, CPU, BLAS and thread pools, OpenBLAS variables."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys

OPENBLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "XLA_FLAGS")
PEER_DISTRIBUTIONS = ("torch", "jax", "jaxlib", "keras", "scikit-learn")
"""The peers' packages whose versions every result file records (None: not installed)."""


def openblas_variables() -> dict[str, str | None]:
    """The OpenBLAS tuning variables and their values (None when unset)."""
    return {name: os.environ.get(name) for name in OPENBLAS_VARIABLES}


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def describe(implementations: tuple[str, ...]) -> dict:
    """A JSON-ready description of the machine and libraries.

    Imports the implementations' libraries first, so that threadpoolctl sees their pools.
    """
    import numpy as np

    import neuralab

    info: dict = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpus_available": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "numpy": np.__version__,
        "neuralab": neuralab.__version__,
        "openblas_variables": openblas_variables(),
        "fair_setting": all(value is None for value in openblas_variables().values()),
        "thread_variables": {name: os.environ.get(name) for name in THREAD_VARIABLES},
        "versions": {name: _version(name) for name in PEER_DISTRIBUTIONS},
    }
    if "torch" in implementations:
        import torch

        info["torch"] = torch.__version__
        info["torch_num_threads"] = torch.get_num_threads()
        info["torch_num_interop_threads"] = torch.get_num_interop_threads()
    if "sklearn" in implementations:
        import sklearn

        info["sklearn"] = sklearn.__version__
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info["threadpools"] = "threadpoolctl is not installed (it comes with scikit-learn)"
    else:
        keys = (
            "user_api",
            "internal_api",
            "version",
            "num_threads",
            "threading_layer",
            "architecture",
            "filepath",
        )
        info["threadpools"] = [
            {key: pool.get(key) for key in keys if key in pool} for pool in threadpool_info()
        ]
    return info


def limit_threads(threads: int, implementations: tuple[str, ...]) -> None:
    """Cap every BLAS/OpenMP pool and torch at ``threads`` threads, here and in subprocesses.

    The environment variables reach the workers; threadpoolctl
    and ``torch.set_num_threads`` reach the pools already loaded in this process. XLA (JAX,
    Keras on JAX) has no setting for a number of threads: with ``threads == 1`` its Eigen
    pool is turned off (``--xla_cpu_multi_thread_eigen=false``, before JAX is imported);
    otherwise it uses every core.
    """
    for name in THREAD_VARIABLES:
        if name != "XLA_FLAGS":
            os.environ[name] = str(threads)
    if threads == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen=false".strip()
    if "torch" in implementations:
        import torch

        torch.set_num_threads(threads)
    if "sklearn" in implementations:
        import sklearn  # noqa: F401  (loads its OpenMP runtime before the pools are capped)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)
