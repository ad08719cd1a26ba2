"""Where neuralab's training time goes, per step, measured two ways.

    python -m benchmarks.profile_engine [--cases large,small_batch1,small_batch32] [--quick]

1. The pieces in isolation (``breakdown``): each piece of one training step timed on its
   own, on the case's real shapes and through the engine's own objects, in microseconds:

   - matrix products: z = x W, dW = x^T dz, dx = dz W^T (as layers.Dense computes them)
   - elementwise: bias add, hidden activations forward and backward, db = 1^T dz
   - output + loss: the output activation, the loss value, the fused gradient (p - y) / n
   - optimizer: SGD.step over every parameter
   - batch gathering: one shuffled batch taken into the reused buffers, as ``fit`` does

   The measured step (a whole ``fit`` over its steps) minus their sum is the Python
   overhead: calls, checks, the loop, the divergence rule.
2. Inside one fit (``in_fit_us``): timers around the batch gathering, each layer's forward
   and backward, the loss value and the optimizer step of a real ``fit``. A piece can cost
   more here than alone (caches, BLAS threads waking up) or less (warm data).

A profiler is not used: its per-call cost distorts steps of a few microseconds, and once
attributed the optimizer's memory-bound pass four times its real cost."""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import time

import numpy as np

import neuralab as nl
from neuralab.layers import Dense
from neuralab.losses import LOSSES, Loss
from neuralab.optimizers import Optimizer
from neuralab.training import regularisation
from neuralab.training.batches import Batches

from . import impl_neuralab, report
from .cases import Case, get_cases
from .data import initial_weights, make_dataset


def _per_call_us(function, *, budget_s: float = 0.3, rounds: int = 5) -> float:
    """Best over ``rounds`` of the mean time of ``function()`` in microseconds."""
    function()
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < budget_s / rounds:
        function()
        calls += 1
    per_round = max(calls, 1)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            function()
        best = min(best, (time.perf_counter() - start) / per_round)
    return best * 1e6


def measured_step_us(case: Case, repeats: int = 3) -> float:
    """Median time of one step inside a real ``fit`` (microseconds)."""
    data, weights = make_dataset(case), initial_weights(case)
    times = []
    for _ in range(repeats):
        network = impl_neuralab.prepare(case, data, weights)
        start = time.perf_counter()
        impl_neuralab.train(network, case, data)
        times.append(time.perf_counter() - start)
    n = data.X_train.shape[0]
    steps = case.epochs * -(-n // min(case.batch_size, n))
    return float(np.median(times)) / steps * 1e6


def breakdown(case: Case) -> dict[str, float]:
    """Microseconds per step of each piece of a training step (see module doc)."""
    data, weights = make_dataset(case), initial_weights(case)
    network = impl_neuralab.prepare(case, data, weights)
    loss = network.check_loss(case.loss)
    X, Y = network.prepare_data(data.X_train, data.y_train, loss)
    n, size = X.shape[0], min(case.batch_size, X.shape[0])
    xb, yb = X[:size], Y[:size]
    layers = network.layers
    inputs, pre, post = [], [], []
    a = xb
    for layer in layers:
        inputs.append(a)
        z = a @ layer.weights + layer.biases
        a = layer.activation.forward(z)
        pre.append(z)
        post.append(a)
    output = post[-1]
    dz = [np.ones_like(z) * np.float32(0.01) for z in pre]
    hidden = layers[:-1]
    optimizer = nl.SGD(case.learning_rate)
    flat_parameters, _ = network.flat_parameters()  # fit updates one flat array
    parameters = [flat_parameters.copy()]
    gradients = [np.full_like(flat_parameters, 1e-6)]
    order = np.random.default_rng(0).permutation(n)
    batches = Batches(X, Y, None, size)
    ones = np.ones(size, dtype=X.dtype)

    def bias_add():
        for z, layer in zip(pre, layers, strict=True):
            z += layer.biases

    pieces = {
        "matmul: z = x W": lambda: [
            np.dot(x, layer.weights) for x, layer in zip(inputs, layers, strict=True)
        ],
        "matmul: dW = x^T dz": lambda: [
            np.dot(x.T, d, out=layer.weight_gradient) for x, d, layer in zip(inputs, dz, layers, strict=True)
        ],
        "matmul: dx = dz W^T": lambda: [
            np.dot(d, layer.weights.T) for d, layer in zip(dz[1:], layers[1:], strict=True)
        ],
        "elementwise: bias add": bias_add,
        "elementwise: hidden activation forward": lambda: [
            layer.activation.forward(z) for z, layer in zip(pre, hidden, strict=False)
        ],
        "elementwise: hidden activation backward": lambda: [
            layer.activation.backward(d, z, a) for d, z, a, layer in zip(dz, pre, post, hidden, strict=False)
        ],
        "elementwise: db = 1^T dz": lambda: [
            np.dot(ones[: d.shape[0]], d, out=layer.bias_gradient)
            for d, layer in zip(dz, layers, strict=True)
        ],
        "output + loss: output activation": lambda: layers[-1].activation.forward(pre[-1]),
        "output + loss: loss value": lambda: loss.value(output, yb),
        "output + loss: fused gradient": lambda: loss.preactivation_gradient(output, yb),
        "optimizer: SGD.step": lambda: optimizer.step(parameters, gradients),
        "gather: one shuffled batch (training.Batches)": lambda: batches.get(order, 0),
    }
    times = {name: _per_call_us(function) for name, function in pieces.items()}
    step = measured_step_us(case)
    times["python overhead (step - sum of pieces)"] = step - sum(times.values())
    times["measured step"] = step
    return times


# (owner, attribute, label): the methods a real fit calls once per step (layers: once per layer)
_TIMED_METHODS = (
    (Batches, "get", "gather the batch"),
    (Dense, "forward", "layers forward (matmul, bias, activation)"),
    (regularisation, "batch_loss_value", "loss value"),  # with a penalty or sample weights
    # the plain batch loss: every loss class that defines its own value_in_training
    *(
        (cls, "value_in_training", "loss value")
        for cls in (Loss, *LOSSES.values())
        if "value_in_training" in vars(cls)
    ),
    (Dense, "backward", "layers backward (activation, dW, db, dx)"),
    (Optimizer, "step", "optimizer step"),
)


def in_fit_us(case: Case) -> dict[str, float]:
    """Microseconds per step of each part of a real ``fit``, timed inside it.

    The methods in ``_TIMED_METHODS`` are wrapped with a timer for one ``fit`` (then put
    back); the rest of the step is the loop itself. Unlike a profiler, the wrappers add only
    about 0.1 us per call, and unlike the isolated pieces above, every part runs in the
    cache and thread state the training loop leaves it in.
    """
    data, weights = make_dataset(case), initial_weights(case)
    network = impl_neuralab.prepare(case, data, weights)
    totals = dict.fromkeys([label for _, _, label in _TIMED_METHODS], 0.0)
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in _TIMED_METHODS]

    def timed(function, label):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - start

        return wrapper

    try:
        for (owner, name, function), (_, _, label) in zip(originals, _TIMED_METHODS, strict=True):
            setattr(owner, name, timed(function, label))
        start = time.perf_counter()
        impl_neuralab.train(network, case, data)
        elapsed = time.perf_counter() - start
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)
    steps = case.epochs * -(-data.X_train.shape[0] // min(case.batch_size, data.X_train.shape[0]))
    times = {label: seconds / steps * 1e6 for label, seconds in totals.items()}
    times["the loop itself (step - the parts)"] = elapsed / steps * 1e6 - sum(times.values())
    times["measured step"] = elapsed / steps * 1e6
    return times


def _markdown(title: str, times: dict[str, float], *, groups: bool = True) -> str:
    step = times["measured step"]
    lines = [title, "", "| piece | us per step | share |", "|---|---:|---:|"]
    for name, value in times.items():
        if name != "measured step":
            lines.append(f"| {name} | {value:.1f} | {value / step:.0%} |")
    lines.append(f"| **measured step** | {step:.1f} | 100% |")
    if groups:
        by_group: dict[str, float] = {}
        for name, value in times.items():
            if name != "measured step":
                group = name.split(":")[0].split(" (")[0]
                by_group[group] = by_group.get(group, 0.0) + value
        lines += [
            "",
            "By group: " + ", ".join(f"{group} {value / step:.0%}" for group, value in by_group.items()),
        ]
    return "\n".join(lines)


DEFAULT_CASES = "large,small_batch1,small_batch32"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_engine", description=__doc__)
    parser.add_argument("--cases", default=DEFAULT_CASES)
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args(argv)
    names = [name.strip() for name in arguments.cases.split(",") if name.strip()]
    cases = get_cases(names, quick=arguments.quick)
    sections, results = [], {}
    for case in cases:
        pieces, in_fit = breakdown(case), in_fit_us(case)
        results[case.name] = {"breakdown_us": pieces, "in_fit_us": in_fit}
        sections += [
            _markdown(f"### {case.name} (batch {case.batch_size}): the pieces in isolation", pieces),
            "",
            _markdown(f"#### {case.name}: timed inside one fit", in_fit, groups=False),
            "",
        ]
    # A run on other cases, or a quick one, must not overwrite the day's default profile.
    parts = ["profile"] + (["quick"] if arguments.quick else [])
    if names != DEFAULT_CASES.split(","):
        parts.append("+".join(case.name for case in cases))
    stem = "-".join([datetime.date.today().isoformat(), *parts])
    report.RESULTS_DIRECTORY.mkdir(parents=True, exist_ok=True)
    (report.RESULTS_DIRECTORY / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    text = "# neuralab profile\n\n" + "\n".join(sections)
    (report.RESULTS_DIRECTORY / f"{stem}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
