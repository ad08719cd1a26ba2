"""Where neuralab's training time goes: cProfile of ``fit`` and a per-step breakdown.

    python -m benchmarks.profile_engine [--cases large,small_batch1,small_batch32]

The breakdown times each piece of one training step in isolation, on the case's real
shapes and through the engine's own objects (activations, loss, optimizer), in
microseconds per step:

- matrix products: z = x W, dW = x^T dz, dx = dz W^T (as layers.Dense computes them)
- elementwise: bias add, hidden activations forward and backward, db = sum dz
- output + loss: the output activation, the loss value, the fused gradient (p - y) / n
- optimizer: SGD.step over every parameter
- batch gathering: one shuffled batch taken into the reused buffers, as ``fit`` does

The measured step (a whole ``fit`` divided by its steps) minus their sum is the Python
overhead: calls, checks, the loop, the divergence rule, the callbacks.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import time

import numpy as np

import neuralab as nl
from neuralab.training import _Batches

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
    batches = _Batches(X, Y, None, size)
    ones = np.ones(size, dtype=X.dtype)

    def bias_add():
        for z, layer in zip(pre, layers, strict=True):
            z += layer.biases

    pieces = {
        "matmul: z = x W": lambda: [np.dot(x, layer.weights)
                                    for x, layer in zip(inputs, layers, strict=True)],
        "matmul: dW = x^T dz": lambda: [np.dot(x.T, d, out=layer.weight_gradient)
                                        for x, d, layer in zip(inputs, dz, layers, strict=True)],
        "matmul: dx = dz W^T": lambda: [np.dot(d, layer.weights.T)
                                        for d, layer in zip(dz[1:], layers[1:], strict=True)],
        "elementwise: bias add": bias_add,
        "elementwise: hidden activation forward": lambda: [layer.activation.forward(z)
                                                           for z, layer in zip(pre, hidden, strict=False)],
        "elementwise: hidden activation backward": lambda: [
            layer.activation.backward(d, z, a)
            for d, z, a, layer in zip(dz, pre, post, hidden, strict=False)],
        "elementwise: db = 1^T dz": lambda: [np.dot(ones[:d.shape[0]], d, out=layer.bias_gradient)
                                             for d, layer in zip(dz, layers, strict=True)],
        "output + loss: output activation": lambda: layers[-1].activation.forward(pre[-1]),
        "output + loss: loss value": lambda: loss.value(output, yb),
        "output + loss: fused gradient": lambda: loss.preactivation_gradient(output, yb),
        "optimizer: SGD.step": lambda: optimizer.step(parameters, gradients),
        "gather: one shuffled batch (training._Batches)": lambda: batches.get(order, 0),
    }
    times = {name: _per_call_us(function) for name, function in pieces.items()}
    step = measured_step_us(case)
    times["python overhead (step - sum of pieces)"] = step - sum(times.values())
    times["measured step"] = step
    return times


def cprofile_fit(case: Case, top: int = 15) -> str:
    """The ``top`` functions by own time during one ``fit`` of the case."""
    data, weights = make_dataset(case), initial_weights(case)
    network = impl_neuralab.prepare(case, data, weights)
    profiler = cProfile.Profile()
    profiler.enable()
    impl_neuralab.train(network, case, data)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(top)
    return stream.getvalue()


def _markdown(case: Case, times: dict[str, float]) -> str:
    step = times["measured step"]
    lines = [f"### {case.name} (batch {case.batch_size})", "", "| piece | us per step | share |",
             "|---|---:|---:|"]
    for name, value in times.items():
        if name != "measured step":
            lines.append(f"| {name} | {value:.1f} | {value / step:.0%} |")
    lines.append(f"| **measured step** | {step:.1f} | 100% |")
    groups: dict[str, float] = {}
    for name, value in times.items():
        if name != "measured step":
            group = name.split(":")[0].split(" (")[0]
            groups[group] = groups.get(group, 0.0) + value
    lines += ["", "By group: " + ", ".join(f"{group} {value / step:.0%}" for group, value in groups.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_engine", description=__doc__)
    parser.add_argument("--cases", default="large,small_batch1,small_batch32")
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args(argv)
    cases = get_cases([name.strip() for name in arguments.cases.split(",")], quick=arguments.quick)
    sections, results = [], {}
    for case in cases:
        times = breakdown(case)
        results[case.name] = {"breakdown_us": times, "cprofile": cprofile_fit(case)}
        sections += [_markdown(case, times), "", "```", results[case.name]["cprofile"].strip(), "```", ""]
    import datetime

    stem = f"{datetime.date.today().isoformat()}-profile"
    report.RESULTS_DIRECTORY.mkdir(parents=True, exist_ok=True)
    (report.RESULTS_DIRECTORY / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    text = "# neuralab profile\n\n" + "\n".join(sections)
    (report.RESULTS_DIRECTORY / f"{stem}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
