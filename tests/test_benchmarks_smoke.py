"""Smoke test of the benchmark suite (benchmarks/): structure and a fair setup, no timings.

The suite runs on tiny cases for neuralab only; every peer that is installed is then
checked to be set up identically: same weights after training from the same initial
weights on the same batches (PyTorch: also the same loss at the start). JAX and Keras are
not test dependencies (they come with `make bench`): their checks are skipped without them,
and the skip path of `python -m benchmarks` is tested with an implementation made missing.
"""

from __future__ import annotations

import importlib.util
import math
from datetime import date

import numpy as np
import pytest
from benchmarks import __main__ as cli
from benchmarks import impl_neuralab, implementations, limit, report, runner, sessions
from benchmarks.cases import Case, UnknownCaseError, get_cases
from benchmarks.data import initial_weights, make_dataset
from benchmarks.suite import run_suite

TINY_SOFTMAX = Case(
    "tiny_softmax", (2, 6, 2), "relu", "softmax", "cross_entropy", 0.1, 8, 2, "two_moons", 60, seed=3
)
TINY_SIGMOID = Case(
    "tiny_sigmoid",
    (2, 4, 4, 1),
    "tanh",
    "sigmoid",
    "binary_cross_entropy",
    0.1,
    1,
    1,
    "two_moons",
    20,
    seed=4,
)


@pytest.fixture(scope="module")
def suite_results():
    return run_suite(
        [TINY_SOFTMAX, TINY_SIGMOID], ("neuralab",), repeats=2, pause=0.0, log=lambda message: None
    )


def test_suite_result_structure(suite_results, tmp_path):
    assert [entry["case"]["name"] for entry in suite_results["cases"]] == ["tiny_softmax", "tiny_sigmoid"]
    softmax, sigmoid = suite_results["cases"]
    # 60 rows in batches of 8 -> 8 steps per epoch, 2 epochs; 20 rows one by one, 1 epoch.
    assert softmax["implementations"]["neuralab"]["steps"] == 16
    assert sigmoid["implementations"]["neuralab"]["steps"] == 20
    for entry in suite_results["cases"]:
        result = entry["implementations"]["neuralab"]
        assert len(result["times_s"]) == 2
        assert result["warmup_s"] > 0 and result["compile_s"] >= 0
        assert entry["failed"] == {}
        # The worker's own peak: at least what it held once numpy, neuralab and the data were in.
        peak = suite_results["memory"][entry["case"]["name"]]["neuralab"]
        assert 0 < peak["ready_mb"] <= peak["peak_mb"]
        assert result["min_s"] <= result["median_s"] <= result["max_s"]
        assert 0.0 <= result["test_accuracy"] <= 1.0
        assert math.isfinite(result["train_loss"]) and result["train_loss"] > 0
        assert entry["ratios"] == {}  # no peer ran
    assert "threadpools" in suite_results["environment"]
    assert set(suite_results["environment"]["openblas_variables"]) == {
        "OPENBLAS_CORETYPE",
        "OPENBLAS_L2_SIZE",
    }
    json_path, markdown_path = report.write(suite_results, tmp_path, tag="smoke")
    assert json_path.name == f"{suite_results['date']}-smoke.json"
    table = markdown_path.read_text()
    assert "| tiny_softmax | neuralab |" in table and "| tiny_sigmoid | neuralab |" in table
    assert "| neuralab | Sequential.fit |" in table  # the legend of loops


@pytest.mark.parametrize("case", [TINY_SOFTMAX, TINY_SIGMOID], ids=lambda case: case.name)
def test_neuralab_and_torch_compute_the_same_loss_and_steps(case):
    torch = pytest.importorskip("torch")
    from benchmarks import impl_torch

    data, weights = make_dataset(case), initial_weights(case)
    network = impl_neuralab.prepare(case, data, weights)
    ours = network.evaluate(data.X_train, data.y_train, loss=case.loss)
    assert ours == pytest.approx(impl_torch.initial_loss(case, data, weights), rel=1e-5)
    # An independent float64 reference for the same loss: -mean log p(label).
    from benchmarks.quality import mean_loss

    assert ours == pytest.approx(mean_loss(network.predict(data.X_train), data.y_train), rel=1e-5)

    torch.manual_seed(0)
    model = impl_torch.prepare(case, data, weights)
    impl_torch.train(model, case, data)
    impl_neuralab.train(network, case, data)
    theirs = impl_torch.parameters(model)
    for mine, other in zip(impl_neuralab.parameters(network), theirs, strict=True):
        np.testing.assert_allclose(mine, other, rtol=1e-4, atol=1e-5)
    # Training moved the weights: equal after training means the same batches, in order.
    assert not np.allclose(theirs[0], weights[0][0], atol=1e-4)


def _trained_neuralab(case):
    data, weights = make_dataset(case), initial_weights(case)
    network = impl_neuralab.prepare(case, data, weights)
    impl_neuralab.train(network, case, data)
    return impl_neuralab.parameters(network), weights


# torch-compile is left out: inductor takes about a minute to compile these graphs here.
# It runs the torch loop (checked above) around the compiled loss.
@pytest.mark.parametrize("name", ["jax", "keras-jax", "keras-torch"])
def test_every_installed_peer_trains_the_same_weights_from_the_same_batches(name):
    """TINY_SOFTMAX: 60 rows in batches of 8 end on a batch of 4 (JAX pads it, see impl_jax);
    TINY_SIGMOID: batch 1. Keras runs in its worker, on the backend its name gives."""
    missing = implementations.get(name).missing_packages()
    if missing:
        pytest.skip(f"{missing} not installed (`make bench`)")
    session = sessions.WorkerSession(name)
    try:
        for case in (TINY_SOFTMAX, TINY_SIGMOID):
            expected, weights = _trained_neuralab(case)
            for _ in range(2):  # a second run reuses the compiled step and must start afresh
                reply = session.run(case, quality=True, parameters=True)
                theirs = [np.asarray(array, dtype=np.float32) for array in reply["parameters"]]
                for mine, other in zip(expected, theirs, strict=True):
                    np.testing.assert_allclose(mine, other, rtol=1e-4, atol=1e-5)
                assert not np.allclose(theirs[0], weights[0][0], atol=1e-4)
                assert reply["steps"] == runner.steps_per_run(case, case.n_samples)
                assert 0.0 <= reply["test_accuracy"] <= 1.0
    finally:
        session.close()


def test_a_missing_peer_is_skipped_with_a_line_saying_so(monkeypatch, tmp_path, capsys):
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args):
        return None if name in ("jax", "jaxlib") else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    runnable, skipped = implementations.installed(["neuralab", "jax", "keras-jax", "keras-torch"])
    assert "neuralab" in runnable and "jax" not in runnable and "keras-jax" not in runnable
    assert skipped["jax"].startswith("jax skipped: jax, jaxlib not installed")
    assert "make bench" in skipped["keras-jax"]

    written, real_write = {}, report.write

    def write(results, tag=""):
        written["paths"] = real_write(results, tmp_path, tag=tag)
        return written["paths"]

    monkeypatch.setattr(report, "write", write)
    cli.main(
        [
            "--quick",
            "--cases",
            "small_batch32",
            "--implementations",
            "neuralab,jax",
            "--repeats",
            "1",
            "--pause",
            "0",
            "--note",
            "a smoke run",
        ]
    )
    assert "jax skipped: jax, jaxlib not installed" in capsys.readouterr().err
    json_path, markdown_path = written["paths"]
    assert json_path.name.startswith(f"{date.today().isoformat()}-quick-small_batch32-neuralab")
    table = markdown_path.read_text()
    assert "| small_batch32 | neuralab |" in table
    assert "| jax | jax skipped: jax, jaxlib not installed" in table
    assert "**a smoke run**" in table


def test_unknown_implementations_name_the_choices(capsys):
    with pytest.raises(SystemExit):
        cli.parse_arguments(["--implementations", "neuralab,tensorflow"])
    assert "keras-torch" in capsys.readouterr().err
    with pytest.raises(implementations.UnknownImplementationError, match="Choose from"):
        implementations.get("tensorflow")


def test_a_failing_worker_is_dropped_from_the_case_and_the_others_go_on(monkeypatch):
    # Known here only: the worker, a fresh interpreter, cannot load it and exits.
    monkeypatch.setitem(
        implementations.REGISTRY,
        "broken",
        implementations.Implementation("broken", "impl_broken", ("neuralab",)),
    )
    entry = runner.run_case(
        TINY_SOFTMAX, ("neuralab", "broken"), repeats=2, pause=0.0, log=lambda message: None
    )
    assert list(entry["implementations"]) == ["neuralab"]
    assert len(entry["implementations"]["neuralab"]["times_s"]) == 2
    assert "The broken worker exited (code 1)" in entry["failed"]["broken"]
    assert "Unknown implementation 'broken'" in entry["failed"]["broken"]  # from the worker's log
    assert list(entry["memory"]) == ["neuralab"]


def test_a_worker_answers_like_the_process_and_reports_its_failures():
    worker = sessions.WorkerSession("neuralab")
    try:
        remote = worker.run(TINY_SOFTMAX, quality=True, parameters=True)
        local = sessions.InProcessSession("neuralab").run(TINY_SOFTMAX, quality=True, parameters=True)
        assert remote["parameters"] == local["parameters"] and remote["train_loss"] == local["train_loss"]
        with pytest.raises(sessions.WorkerError, match="Unknown dataset 'mnist'"):
            worker.run(Case("bad", (2, 2), "relu", "softmax", "cross_entropy", 0.1, 4, 1, "mnist", 8))
        assert worker.run(TINY_SIGMOID)["steps"] == 20  # still serving after a failed request
    finally:
        worker.close()


def test_warmup_rows_end_on_the_same_short_batch():
    assert runner.warmup_rows(60_000, 128) % 128 == 60_000 % 128
    assert runner.warmup_rows(1_347, 32) == 1_347  # small data: all of it
    assert runner.warmup_rows(5_000, 1) == 2_048
    assert runner.warmup_rows(10_000, 4_096) == 4_096 + 1_808


def test_flops_per_sample_of_the_large_case():
    # Products 784*256 = 200704, 256*128 = 32768, 128*10 = 1280 (sum 234752):
    # forward 2*234752 + weights 2*234752 + inputs of layers 2, 3: 2*(32768 + 1280).
    assert limit.flops_per_sample((784, 256, 128, 10)) == 469_504 + 469_504 + 68_096


def test_epoch_of_products_does_exactly_one_epochs_flops(monkeypatch):
    """61 rows in batches of 8: 7 full steps and one of 5, each with every product once."""
    run = limit.epoch_of_products(TINY_SOFTMAX, 61)
    flops = []

    def matmul(left, right, out):
        assert out.shape == (left.shape[0], right.shape[1])
        flops.append(2 * left.shape[0] * left.shape[1] * right.shape[1])

    monkeypatch.setattr(limit.np, "matmul", matmul)
    run()
    assert sum(flops) == limit.flops_per_epoch(TINY_SOFTMAX, 61)
    assert len(flops) == 8 * 5  # (2, 6, 2): forward and weights per layer, inputs for the second


def test_the_limit_is_timed_in_the_rotation():
    entry = runner.run_case(
        TINY_SOFTMAX, ("neuralab",), repeats=2, pause=0.0, with_limit=True, log=lambda message: None
    )
    assert list(entry["implementations"]) == ["neuralab"]
    assert len(entry["gemm_only"]["times_s"]) == 2 and entry["gemm_only"]["median_s"] > 0


def test_steps_per_run_counts_a_short_last_batch():
    assert runner.steps_per_run(TINY_SOFTMAX, 61) == 2 * 8
    assert runner.steps_per_run(TINY_SOFTMAX, 64) == 2 * 8
    assert runner.steps_per_run(TINY_SOFTMAX, 65) == 2 * 9


def test_unknown_case_names_the_choices():
    with pytest.raises(UnknownCaseError, match="Choose from"):
        get_cases(["huge"])


def test_in_fit_timers_cover_the_step_and_are_removed_afterwards():
    from benchmarks import profile_engine

    from neuralab.layers import Dense

    forward = Dense.forward
    times = profile_engine.in_fit_us(TINY_SOFTMAX)
    assert Dense.forward is forward
    parts = {name: value for name, value in times.items() if name != "measured step"}
    assert all(value > 0 for name, value in parts.items() if not name.startswith("the loop"))
    assert sum(parts.values()) == pytest.approx(times["measured step"])
