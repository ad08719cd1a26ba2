"""The learning-rate range test: the schedule, the losses against a hand recursion, the stop
rule against the known divergence threshold of gradient descent, and the CLI."""

from __future__ import annotations

import json
import math
import shlex

import numpy as np
import pytest
from typer.testing import CliRunner

import neuralab as nl
from neuralab.cli import app
from neuralab.lr_find import plot_lr_find


def _line(n=64):
    """z = 2x on [-1, 1]; a linear unit without bias, weight 0.5, in float64."""
    X = np.linspace(-1.0, 1.0, n).reshape(-1, 1)
    net = nl.Sequential(
        [nl.Dense(1, "linear", input_dim=1, use_bias=False, weights=[[0.5]])], dtype="float64"
    )
    return X, 2 * X, net


def test_rates_grow_geometrically_from_start_to_end():
    X, z, net = _line()
    result = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="gd",
        start_learning_rate=1e-6,
        end_learning_rate=1e-4,
        num_steps=11,
        batch_size=None,
        seed=0,
    )
    assert result.stop_reason == "end"
    np.testing.assert_allclose(result.learning_rates, 1e-6 * 10 ** (np.arange(11) / 5), rtol=1e-12)


def test_losses_follow_the_gradient_descent_recursion_by_hand():
    # Full batch, MSE on w x against 2x: E(w) = m (w - 2)^2 with m = mean(x^2), dE/dw = 2 m (w - 2),
    # so each step is w <- w - lr_i * 2 m (w - 2). The test records E before each step.
    X, z, net = _line()
    m = float(np.mean(X**2))
    result = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="gd",
        start_learning_rate=1e-3,
        end_learning_rate=1.0,
        num_steps=20,
        batch_size=None,
        smoothing=0.0,
        seed=0,
    )
    w, expected = 0.5, []
    for rate in result.learning_rates:
        expected.append(m * (w - 2) ** 2)
        w -= rate * 2 * m * (w - 2)
    np.testing.assert_allclose(result.losses, expected, rtol=1e-10)
    # smoothing=0: the smoothed loss is the loss itself
    np.testing.assert_allclose(result.smoothed_losses, result.losses, rtol=1e-12)


def test_a_trained_network_is_tested_from_its_current_weights():
    X, z, net = _line()
    m = float(np.mean(X**2))
    net.fit(X, z, loss="mse", optimizer=nl.GradientDescent(0.1), epochs=2)
    w = float(net.get_weights()[0][0, 0])
    assert w != 0.5
    result = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="gd",
        start_learning_rate=1e-2,
        end_learning_rate=1.0,
        num_steps=8,
        batch_size=None,
        seed=0,
    )
    expected = []
    for rate in result.learning_rates:
        expected.append(m * (w - 2) ** 2)
        w -= rate * 2 * m * (w - 2)
    np.testing.assert_allclose(result.losses, expected, rtol=1e-10)
    assert float(net.get_weights()[0][0, 0]) != w  # the copy trained, not the network


def test_smoothing_is_a_bias_corrected_moving_average():
    X, z, net = _line()
    result = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="gd",
        start_learning_rate=1e-3,
        end_learning_rate=1.0,
        num_steps=10,
        batch_size=None,
        smoothing=0.9,
        seed=0,
    )
    average, smoothed = 0.0, []
    for i, loss in enumerate(result.losses):
        average = 0.9 * average + 0.1 * loss
        smoothed.append(average / (1 - 0.9 ** (i + 1)))
    np.testing.assert_allclose(result.smoothed_losses, smoothed, rtol=1e-12)
    assert result.smoothed_losses[0] == pytest.approx(result.losses[0])


def test_stops_past_the_divergence_threshold_and_suggests_a_rate_below_it():
    # Gradient descent on E = m (w - 2)^2 multiplies (w - 2) by (1 - 2 m lr): it diverges
    # exactly when lr > 1/m. The test must stop only after crossing that rate and suggest one below.
    X, z, net = _line()
    critical = 1 / float(np.mean(X**2))
    result = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="gd",
        start_learning_rate=1e-4,
        end_learning_rate=1e3,
        num_steps=100,
        batch_size=None,
        seed=0,
        rule="minimum/10",
    )
    assert result.stop_reason == "exploded"
    assert result.learning_rates[-1] > critical
    assert len(result.losses) < 100
    # before exploding, the loss fell by orders of magnitude (w reached 2)
    assert min(result.losses) < 1e-6 * result.losses[0]
    # the smoothed minimum lags the raw loss by a few steps: the tenth keeps the suggestion safe
    assert result.suggestion == pytest.approx(result.best_learning_rate / 10)
    assert 1e-3 < result.suggestion < critical
    raw_low = result.learning_rates[int(np.argmin(result.losses))]
    assert result.best_learning_rate >= raw_low


def test_a_nan_or_infinite_loss_ends_the_test_as_diverged():
    X, z, net = _line()
    result = nl.lr_find(
        net,
        X * 1e3,
        z * 1e3,
        loss="mse",
        optimizer="gd",
        start_learning_rate=1e-3,
        end_learning_rate=1e30,
        num_steps=200,
        batch_size=None,
        explode_factor=1e300,
        seed=0,
    )
    assert result.stop_reason == "diverged"
    assert not math.isfinite(result.losses[-1])
    # The loss rose from the first step: a tenth of the start rate lies outside the tested range.
    assert result.best_learning_rate == 1e-3 and math.isnan(result.suggestion)
    assert result.to_dict()["losses"][-1] is None and result.to_dict()["suggestion"] is None


def test_the_network_and_the_optimizer_are_left_untouched():
    rng = np.random.default_rng(0)
    X, labels = rng.normal(size=(120, 4)), rng.integers(0, 3, size=120)
    net = nl.Sequential([nl.Dense(8, "relu", input_dim=4, seed=1), nl.Dense(3, "softmax", seed=2)])
    before = net.get_weights()
    optimizer = nl.Adam(0.001)
    result = nl.lr_find(net, X, labels, loss="cross_entropy", optimizer=optimizer, num_steps=50, seed=0)
    assert len(result.losses) >= 10
    for saved, now in zip(before, net.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, now)
    assert net.history is None
    assert optimizer.learning_rate == 0.001 and optimizer.iterations == 0 and not optimizer.state
    # an unbuilt network stays unbuilt
    fresh = nl.Sequential([nl.Dense(8, "relu"), nl.Dense(3, "softmax")])
    nl.lr_find(fresh, X, labels, loss="cross_entropy", num_steps=5, seed=0)
    assert not fresh.built


def test_same_seed_same_curve():
    rng = np.random.default_rng(1)
    X, labels = rng.normal(size=(100, 3)), rng.integers(0, 2, size=100)

    def run():
        net = nl.Sequential([nl.Dense(6, "tanh"), nl.Dense(1, "sigmoid")])
        return nl.lr_find(
            net, X, labels, loss="binary_cross_entropy", optimizer="sgd", num_steps=30, batch_size=16, seed=3
        ).losses

    assert run() == run()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start_learning_rate": 1.0, "end_learning_rate": 0.1}, "must be larger than `start_learning_rate`"),
        ({"start_learning_rate": 0.0}, "start_learning_rate"),
        ({"num_steps": 1}, "at least 2"),
        ({"smoothing": 1.0}, r"in \[0, 1\)"),
        ({"explode_factor": 1.0}, "must be > 1"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_bad_arguments_are_refused_with_the_fix(options, message):
    X, z, net = _line()
    with pytest.raises(nl.ValidationError, match=message):
        nl.lr_find(net, X, z, loss="mse", **options)


def test_not_a_network_and_a_mismatched_loss_are_refused():
    X, z, _ = _line()
    with pytest.raises(nl.ValidationError, match=r"must be a neuralab\.Sequential"):
        nl.lr_find("net", X, z, loss="mse")
    net = nl.Sequential([nl.Dense(2, "linear", input_dim=1)])
    with pytest.raises(nl.IncompatibleLossError):
        nl.lr_find(net, X, [0, 1] * 32, loss="cross_entropy")


def test_plot_has_a_log_x_axis_and_marks_the_suggestion():
    X, z, net = _line()
    result = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="gd",
        start_learning_rate=1e-4,
        end_learning_rate=1e3,
        num_steps=100,
        batch_size=None,
        seed=0,
    )
    axes = plot_lr_find(result).axes[0]
    assert axes.get_xscale() == "log"
    assert any(f"{result.suggestion:.3g}" in text.get_text() for text in axes.get_legend().get_texts())


runner = CliRunner()


def test_cli_writes_the_plot_and_reports_the_suggestion(tmp_path):
    out = tmp_path / "lr.png"
    got = runner.invoke(
        app, ["lr-find", "iris", "--hidden", "8", "--steps", "40", "--out", str(out), "--json"]
    )
    assert got.exit_code == 0, got.output
    payload = json.loads(got.output)
    assert payload["steps"] == len(payload["losses"]) <= 40
    assert payload["task"] == "classification" and payload["loss"] == "cross_entropy"
    assert 0 < payload["suggestion"] < 10
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = runner.invoke(
        app, ["lr-find", "iris", "--hidden", "8", "--steps", "20", "--out", str(out), "--force"]
    )
    assert text.exit_code == 0, text.output
    assert "suggested learning rate" in text.output
    rate = f"{json.loads(got.output)['suggestion']:.3g}"
    assert (
        "try: neuralab train iris --hidden 8 --activation relu --optimizer adam --batch-size 32 "
        "--learning-rate"
    ) in text.output
    assert "--target" not in text.output  # a bundled set's own target is implied
    assert payload["train_command"].startswith("neuralab train iris --hidden 8 ")
    assert rate == payload["train_command"].split()[-1]


def test_the_suggested_command_trains_the_network_that_was_measured(tmp_path):
    """Every option that shaped the measured curve is repeated, and the command runs as printed."""
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(60, 2))
    csv = tmp_path / "my data.csv"
    csv.write_text("a,b,z\n" + "\n".join(f"{a},{b},{2 * a - b}" for a, b in x) + "\n")
    got = runner.invoke(
        app,
        [
            "lr-find",
            str(csv),
            "--target",
            "z",
            "--hidden",
            "6,3",
            "--activation",
            "tanh",
            "--optimizer",
            "sgd",
            "--batch-size",
            "16",
            "--seed",
            "3",
            "--steps",
            "30",
            "--out",
            str(tmp_path / "lr.png"),
            "--json",
        ],
    )
    assert got.exit_code == 0, got.output
    payload = json.loads(got.output)
    words = shlex.split(payload["train_command"])
    assert words[:5] == ["neuralab", "train", str(csv), "--target", "z"]
    options = dict(zip(words[3::2], words[4::2], strict=True))
    assert options == {
        "--target": "z",
        "--hidden": "6,3",
        "--activation": "tanh",
        "--optimizer": "sgd",
        "--batch-size": "16",
        "--seed": "3",
        "--learning-rate": f"{payload['suggestion']:.3g}",
    }
    model_file = tmp_path / "m.nlab"
    trained = runner.invoke(app, [*words[1:], "--epochs", "1", "--out", str(model_file), "--json"])
    assert trained.exit_code == 0, trained.output
    network = nl.load(str(model_file)).network
    assert [layer.units for layer in network.layers] == [6, 3, 1]
    assert [layer.activation.name for layer in network.layers[:2]] == ["tanh", "tanh"]


def test_cli_csv_with_target_and_errors(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(80, 2))
    csv = tmp_path / "line.csv"
    csv.write_text("a,b,z\n" + "\n".join(f"{a},{b},{2 * a - b}" for a, b in x) + "\n")
    out = tmp_path / "lr.png"
    got = runner.invoke(
        app,
        ["lr-find", str(csv), "--target", "z", "--hidden", "4", "--steps", "30", "--out", str(out), "--json"],
    )
    assert got.exit_code == 0, got.output
    assert json.loads(got.output)["task"] == "regression"
    again = runner.invoke(app, ["lr-find", str(csv), "--target", "z", "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    no_target = runner.invoke(app, ["lr-find", str(csv), "--out", str(tmp_path / "x.png")])
    assert no_target.exit_code == 2 and "--target" in no_target.output
    bad = runner.invoke(
        app,
        [
            "lr-find",
            str(csv),
            "--target",
            "z",
            "--start",
            "1",
            "--end",
            "0.1",
            "--out",
            str(tmp_path / "y.png"),
        ],
    )
    assert bad.exit_code == 2 and "larger than" in bad.output
    assert not (tmp_path / "y.png").exists()


def test_a_suggestion_never_lies_below_the_tested_range():
    """P5: with the lowest loss at the first step, a tenth of that rate was below `start`."""
    X, z, net = _line()
    # gd at rate 5 overshoots: w - 2 is multiplied by 1 - 2 * 5 * mean(x^2) = -2.49, so the second loss
    # is ~6x the first and the smoothed minimum is the first step's.
    result = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="gd",
        start_learning_rate=5.0,
        end_learning_rate=50.0,
        num_steps=2,
        batch_size=None,
        seed=0,
    )
    assert result.losses[1] == pytest.approx(result.losses[0] * (1 - 10 * np.mean(X**2)) ** 2)
    assert result.best_learning_rate == 5.0 and math.isnan(result.suggestion)
    assert result.to_dict()["suggestion"] is None
    rng = np.random.default_rng(0)
    X3 = rng.normal(size=(64, 3))
    y3 = (X3 @ [1.0, 2.0, 3.0] + rng.normal(size=64)).reshape(-1, 1)
    for seed in range(6):  # either no suggestion, or one inside [start, end]
        net3 = nl.Sequential([nl.Dense(8, "relu", input_dim=3), nl.Dense(1)])
        got = nl.lr_find(net3, X3, y3, loss="mse", num_steps=2, batch_size=16, seed=seed)
        assert math.isnan(got.suggestion) or 1e-6 <= got.suggestion <= 10.0, (seed, got.suggestion)


def test_cli_says_when_there_is_no_suggestion(tmp_path):
    x = np.linspace(-1, 1, 40)
    csv = tmp_path / "line.csv"
    csv.write_text("a,z\n" + "\n".join(f"{a!r},{2 * a!r}" for a in x.tolist()) + "\n")
    args = [
        "lr-find",
        str(csv),
        "--target",
        "z",
        "--hidden",
        "0",
        "--optimizer",
        "gd",
        "--start",
        "5",
        "--end",
        "50",
        "--steps",
        "2",
        "--batch-size",
        "64",
    ]
    got = runner.invoke(app, [*args, "--out", str(tmp_path / "a.png"), "--json"])
    assert got.exit_code == 0, got.output
    assert json.loads(got.output)["suggestion"] is None
    text = runner.invoke(app, [*args, "--out", str(tmp_path / "b.png")], terminal_width=300)
    assert text.exit_code == 0, text.output
    assert "no suggestion" in text.output and "Run more --steps, or lower --start" in text.output
    assert "neuralab train" not in text.output and "0.5" not in text.output


def test_valley_rule_picks_the_middle_of_the_longest_fall_before_the_minimum():
    from neuralab.lr_find import LRFindResult, suggest

    rates = [10.0**k for k in range(-6, 2)]  # 1e-6 .. 10
    # smoothed: a bump at 1e-5, then a fall over 1e-4 .. 1e0 (five steps), the explosion at 10
    smoothed = [2.0, 2.1, 1.9, 1.5, 1.0, 0.5, 0.2, 5.0]
    result = LRFindResult(learning_rates=rates, losses=smoothed, smoothed_losses=smoothed)
    # longest decreasing run ending at the minimum (index 6): 2.0, 1.9, 1.5, 1.0, 0.5, 0.2 from index 0,
    # span 6: the point at 6 // 3 + 6 // 6 = 3 steps in
    assert suggest(result, "valley") == rates[3]
    assert suggest(result, "minimum/10") == pytest.approx(rates[6] / 10)
    # the steepest fall per decade, central differences (s[i+1] - s[i-1]) / (2 ln 10): -0.45 at index 3,
    # -0.5 at index 4 (1.5 -> 0.5), -0.4 at index 5: the steepest is at rate 1e-2
    assert suggest(result, "steepest") == rates[4]
    with pytest.raises(nl.ValidationError, match=r"rule 'median'\. Choose one of: minimum/10"):
        suggest(result, "median")
    X, z, net = _line()
    with pytest.raises(nl.ValidationError, match=r"Unknown suggestion rule 'best'\. Choose auto or one of"):
        nl.lr_find(net, X, z, loss="mse", rule="best")


def test_the_default_rule_follows_the_optimizer_and_the_valley_rate_converges():
    X, z, net = _line()
    critical = 1 / float(np.mean(X**2))
    plain = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="gd",
        start_learning_rate=1e-4,
        end_learning_rate=1e3,
        num_steps=100,
        batch_size=None,
        seed=0,
    )
    assert plain.rule == "minimum/10" and plain.suggestion == pytest.approx(plain.best_learning_rate / 10)
    adaptive = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="adam",
        start_learning_rate=1e-4,
        end_learning_rate=1e3,
        num_steps=100,
        batch_size=None,
        seed=0,
    )
    assert adaptive.rule == "valley" and adaptive.to_dict()["rule"] == "valley"
    result = nl.lr_find(
        net,
        X,
        z,
        loss="mse",
        optimizer="gd",
        start_learning_rate=1e-4,
        end_learning_rate=1e3,
        num_steps=100,
        batch_size=None,
        seed=0,
        rule="valley",
    )
    assert result.rule == "valley"
    assert 1e-4 < result.suggestion < min(result.best_learning_rate, critical)
    trained = nl.Sequential([nl.Dense(1, "linear", input_dim=1, seed=0)])
    history = trained.fit(X, z, loss="mse", optimizer=nl.GradientDescent(result.suggestion), epochs=200)
    assert history.loss[-1] < 1e-3 * history.loss[0]
