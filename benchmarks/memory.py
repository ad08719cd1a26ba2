"""Peak memory (RSS) of one case and one implementation, each in a subprocess of its own.

A process's peak RSS only rises, and importing torch alone costs hundreds of MB, so every
(case, implementation) pair runs in a fresh interpreter::

    python -m benchmarks.memory '<case as JSON>' <implementation>

which prints one JSON line: the RSS once the library is imported and the data built
(``ready_mb``) and the peak after one training run (``peak_mb``).

The peak is the kernel's high-water mark of this process's memory, ``VmHWM`` in
/proc/self/status. ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is reported too, but on
Linux it survives fork + exec: a child of a 400 MB benchmark process starts with a 400 MB
ru_maxrss, so it is the peak only where /proc is missing (macOS).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

from .cases import Case

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


class MemoryProbeError(RuntimeError):
    """The memory subprocess failed; its stderr is in the message."""


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


def probe(case: Case, implementation_name: str) -> dict:
    """Import the implementation, build the data, train once; report RSS before and after."""
    from .data import initial_weights, make_dataset
    from .runner import load_implementation

    implementation = load_implementation(implementation_name)
    data = make_dataset(case)
    weights = initial_weights(case)
    model = implementation.prepare(case, data, weights)
    ready = current_rss_mb()
    ready_peak = peak_rss_mb()
    implementation.train(model, case, data)
    peak = peak_rss_mb()
    return {"ready_mb": ready, "ready_peak_mb": ready_peak, "peak_mb": peak,
            "training_peak_increase_mb": peak - ready_peak, "ru_maxrss_mb": ru_maxrss_mb()}


def measure(case: Case, implementation_name: str, *, timeout: float = 600.0) -> dict:
    """Run ``probe`` in a fresh interpreter (same environment) and return its result."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", json.dumps(case.to_dict()), implementation_name],
        cwd=REPOSITORY_ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )
    if completed.returncode != 0:
        raise MemoryProbeError(
            f"The memory probe for {case.name}/{implementation_name} failed "
            f"(exit {completed.returncode}):\n{completed.stderr.strip()}"
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def case_from_json(text: str) -> Case:
    fields = json.loads(text)
    fields["layer_sizes"] = tuple(fields["layer_sizes"])
    return Case(**fields)


def main(argv: list[str]) -> None:
    case_json, implementation_name = argv
    print(json.dumps(probe(case_from_json(case_json), implementation_name)))


if __name__ == "__main__":
    main(sys.argv[1:])
