"""Smoke test of the benchmark suite (benchmarks/): structure and a fair setup, no timings.

The suite runs on tiny cases for neuralab only; PyTorch is then checked to be set up
identically: same loss at the same initial weights, same weights after training on the
same batches.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from benchmarks import impl_neuralab, limit, memory, report, runner
from benchmarks.cases import Case, UnknownCaseError, get_cases
from benchmarks.data import initial_weights, make_dataset
from benchmarks.suite import run_suite

TINY_SOFTMAX = Case("tiny_softmax", (2, 6, 2), "relu", "softmax", "cross_entropy", 0.1, 8, 2,
                    "two_moons", 60, seed=3)
TINY_SIGMOID = Case("tiny_sigmoid", (2, 4, 4, 1), "tanh", "sigmoid", "binary_cross_entropy", 0.1, 1, 1,
                    "two_moons", 20, seed=4)


@pytest.fixture(scope="module")
def suite_results():
    return run_suite([TINY_SOFTMAX, TINY_SIGMOID], ("neuralab",), repeats=2, pause=0.0,
                     measure_memory=False, log=lambda message: None)


def test_suite_result_structure(suite_results, tmp_path):
    assert [entry["case"]["name"] for entry in suite_results["cases"]] == ["tiny_softmax", "tiny_sigmoid"]
    softmax, sigmoid = suite_results["cases"]
    # 60 rows in batches of 8 -> 8 steps per epoch, 2 epochs; 20 rows one by one, 1 epoch.
    assert softmax["implementations"]["neuralab"]["steps"] == 16
    assert sigmoid["implementations"]["neuralab"]["steps"] == 20
    for entry in suite_results["cases"]:
        result = entry["implementations"]["neuralab"]
        assert len(result["times_s"]) == 2
        assert result["min_s"] <= result["median_s"] <= result["max_s"]
        assert 0.0 <= result["test_accuracy"] <= 1.0
        assert math.isfinite(result["train_loss"]) and result["train_loss"] > 0
        assert entry["ratios"] == {}  # no peer ran
    assert "threadpools" in suite_results["environment"]
    assert set(suite_results["environment"]["openblas_variables"]) == {"OPENBLAS_CORETYPE",
                                                                       "OPENBLAS_L2_SIZE"}
    json_path, markdown_path = report.write(suite_results, tmp_path, tag="smoke")
    assert json_path.name == f"{suite_results['date']}-smoke.json"
    table = markdown_path.read_text()
    assert "| tiny_softmax | neuralab |" in table and "| tiny_sigmoid | neuralab |" in table


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
    entry = runner.run_case(TINY_SOFTMAX, ("neuralab",), repeats=2, pause=0.0, with_limit=True,
                            log=lambda message: None)
    assert list(entry["implementations"]) == ["neuralab"]
    assert len(entry["gemm_only"]["times_s"]) == 2 and entry["gemm_only"]["median_s"] > 0


def test_steps_per_run_counts_a_short_last_batch():
    assert runner.steps_per_run(TINY_SOFTMAX, 61) == 2 * 8
    assert runner.steps_per_run(TINY_SOFTMAX, 64) == 2 * 8
    assert runner.steps_per_run(TINY_SOFTMAX, 65) == 2 * 9


def test_memory_probe_runs_in_its_own_process():
    result = memory.measure(TINY_SIGMOID, "neuralab", timeout=120)
    assert 0 < result["ready_mb"] <= result["peak_mb"]
    assert result["training_peak_increase_mb"] >= 0


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
