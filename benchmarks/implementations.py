"""The implementations the benchmark can compare: their modules, packages and processes.

Each implementation is a module ``benchmarks.impl_*`` with four functions::

    prepare(case, data, weights) -> model     untimed: build (or reset) the model
    train(model, case, data)                  timed: the training loop, finished on return
    predict_proba(model, X) -> (n, n_outputs) probabilities, as a NumPy array
    parameters(model) -> [W1 (in, out), b1, W2, b2, ...] as NumPy arrays

An implementation whose library is not installed is skipped with a line that names the
missing package and how to install it (``make bench``). Each implementation runs in a worker
interpreter of its own (``benchmarks.worker``) whose environment adds ``environment``: Keras
fixes its backend when it is first imported, from ``KERAS_BACKEND``.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from types import ModuleType


@dataclass(frozen=True)
class Implementation:
    """One column of the benchmark.

    name : str
        As given to ``--implementations``, e.g. ``"keras-jax"``.
    module : str
        The module under ``benchmarks`` that implements it, e.g. ``"impl_keras"``.
    packages : tuple of str
        Import names that must be installed (checked without importing them).
    environment : dict
        Environment variables its interpreter needs before the first import.
    description : str
        The loop, in a few words (the report's legend).
    """

    name: str
    module: str
    packages: tuple[str, ...]
    environment: dict[str, str] = field(default_factory=dict)
    description: str = ""

    def missing_packages(self) -> list[str]:
        """The packages of ``packages`` that cannot be imported here."""
        return [package for package in self.packages if importlib.util.find_spec(package) is None]

    def load(self) -> ModuleType:
        """The implementation's module (imports its library)."""
        return importlib.import_module(f"benchmarks.{self.module}")


REGISTRY: dict[str, Implementation] = {
    implementation.name: implementation
    for implementation in (
        Implementation("neuralab", "impl_neuralab", ("neuralab",), description="Sequential.fit"),
        Implementation(
            "torch",
            "impl_torch",
            ("torch",),
            description="per-batch index gather, zero_grad(set_to_none=True), fused loss on logits, eager",
        ),
        Implementation(
            "torch-compile",
            "impl_torch_compile",
            ("torch",),
            description="the torch loop around a torch.compile'd forward + loss (inductor)",
        ),
        Implementation(
            "jax",
            "impl_jax",
            ("jax", "jaxlib"),
            description="jax.jit of the whole step (jax.grad + SGD, donated parameters), "
            "batches gathered on the host",
        ),
        Implementation(
            "keras-jax",
            "impl_keras",
            ("keras", "jax", "jaxlib"),
            {"KERAS_BACKEND": "jax"},
            description="Keras 3 model.fit, JAX backend (jit)",
        ),
        Implementation(
            "keras-torch",
            "impl_keras",
            ("keras", "torch"),
            {"KERAS_BACKEND": "torch"},
            description="Keras 3 model.fit, PyTorch backend (eager)",
        ),
        Implementation(
            "sklearn", "impl_sklearn", ("sklearn",), description="MLPClassifier(solver='sgd').fit"
        ),
    )
}

NAMES = tuple(REGISTRY)
"""Every implementation, in the report's column order."""


class UnknownImplementationError(ValueError):
    """A name that is not in ``REGISTRY``."""


def get(name: str) -> Implementation:
    """The implementation called ``name``; an unknown name lists the valid ones."""
    if name not in REGISTRY:
        raise UnknownImplementationError(f"Unknown implementation {name!r}. Choose from {list(NAMES)}.")
    return REGISTRY[name]


def installed(names: tuple[str, ...] | list[str]) -> tuple[tuple[str, ...], dict[str, str]]:
    """Split ``names`` into those that can run and those that cannot.

    Returns the runnable names (in ``NAMES`` order) and, for each skipped one, the reason:
    which packages are missing and how to install them.
    """
    runnable, skipped = [], {}
    for name in NAMES:
        if name not in names:
            continue
        missing = get(name).missing_packages()
        if missing:
            skipped[name] = (
                f"{name} skipped: {', '.join(missing)} not installed "
                "(`make bench` installs the benchmark's peers: pip install -e '.[bench]')"
            )
        else:
            runnable.append(name)
    return tuple(runnable), skipped
