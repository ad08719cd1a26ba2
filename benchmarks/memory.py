"""Memory (RSS) of this process: now, and its peak.

A process's peak RSS only rises, and importing torch alone costs hundreds of MB, so every
(case, implementation) pair runs in a worker interpreter of its own (``benchmarks.worker``),
which reports the RSS once the library is imported and the data built (``ready_mb``) and
the peak after the warm-up and the timed runs (``peak_mb``).

The peak is the kernel's high-water mark of this process's memory, ``VmHWM`` in
/proc/self/status. ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is reported too, but on
Linux it survives fork + exec: a child of a 400 MB benchmark process starts with a 400 MB
ru_maxrss, so it is the peak only where /proc is missing (macOS).
"""

from __future__ import annotations

import resource
import sys


def ru_maxrss_mb() -> float:
    """ru_maxrss in MB (KiB on Linux, bytes on macOS); inherited across fork on Linux."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB: VmHWM, or ru_maxrss without /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return ru_maxrss_mb()


def current_rss_mb() -> float | None:
    """This process's current RSS in MB (Linux /proc only; None elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return None
    return pages * resource.getpagesize() / 2**20
