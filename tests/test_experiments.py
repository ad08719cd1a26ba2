"""The course's demonstrations against numbers derived independently here."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import neuralab as nl
from neuralab import experiments
from neuralab.diagnostics import GradientFlowWarning, GradientMonitor, diagnose, diagnose_norms
from neuralab.experiments.vanishing import deep_network

SUM_X2 = sum(x * x for x in (-0.5, -0.25, 0.0, 0.25, 0.5))  # 0.625


def closed_form_w(w0: float, lr: float, k: int) -> float:
    """w_k = 2 + (w0 - 2)(1 - 2 lr sum x^2)^k for J(w) = sum (2x - w x)^2."""
    return 2 + (w0 - 2) * (1 - 2 * lr * SUM_X2) ** k


def test_descent_follows_the_closed_form_at_the_notes_values():
    result = experiments.descent()
    assert result.w0 == 0.2 and result.learning_rate == 0.4 and result.sum_x2 == SUM_X2
    assert result.contraction == pytest.approx(0.5)
    for k, w in enumerate(result.w):
        assert w == pytest.approx(closed_form_w(0.2, 0.4, k), abs=1e-12)
        assert result.loss[k] == pytest.approx(SUM_X2 * (2 - w) ** 2, rel=1e-12)
    for k, gradient in enumerate(result.gradient):  # dJ/dw = -2 sum x (z - w x) = -2 S (2 - w)
        assert gradient == pytest.approx(-2 * SUM_X2 * (2 - result.w[k]), rel=1e-12)
        assert result.step_size[k] == pytest.approx(result.w[k + 1] - result.w[k], abs=1e-12)
    first_within = next(k for k in range(1000) if SUM_X2 * (2 - closed_form_w(0.2, 0.4, k)) ** 2 <= 1e-6)
    assert result.steps_to_tolerance == first_within == 11
    assert result.stop_reason == "tolerance"


@given(w0=st.floats(-3, 1.9), lr=st.floats(0.05, 1.5), steps=st.integers(1, 15))
def test_descent_matches_closed_form_for_converging_rates(w0, lr, steps):
    result = experiments.descent(w0=w0, learning_rate=lr, steps=steps, tolerance=0.0)
    # lr = 0.8 makes 1 - 2 lr sum x^2 = 0: w1 = 2 exactly, J = 0 <= tolerance stops early
    assert result.steps == steps or (result.stop_reason == "tolerance" and result.loss[-1] == 0)
    for k, w in enumerate(result.w):
        assert w == pytest.approx(closed_form_w(w0, lr, k), abs=1e-9)


def test_compare_reports_slow_good_and_diverging_rates():
    result = experiments.compare_learning_rates()
    small, good, large = result.runs
    assert [r.label for r in result.runs] == ["small", "good", "too large"]
    assert abs(1 - 2 * large.learning_rate * SUM_X2) > 1
    assert large.predicted == "diverges" and large.diverged_at_epoch is not None
    assert "diverged" in large.observed
    assert abs(large.w[-1] - 2) > abs(large.w[0] - 2)
    # steps to J <= 1e-6, from the closed form: J_k = S (w0 - 2)^2 c^(2k)
    for run in (small, good):
        c = 1 - 2 * run.learning_rate * SUM_X2
        expected = math.ceil(math.log(1e-6 / (SUM_X2 * 1.8**2)) / math.log(c * c))
        assert run.steps_to_tolerance == expected
    assert small.steps_to_tolerance > 3 * good.steps_to_tolerance
    json.dumps(result.to_dict())


def test_descent_rejects_bad_arguments():
    with pytest.raises(nl.ValidationError, match="learning_rate"):
        experiments.descent(learning_rate=-0.1)
    with pytest.raises(nl.ValidationError, match="steps"):
        experiments.descent(steps=0)


def test_backprop_matches_the_lecture_and_reduces_the_error():
    result = experiments.backprop(steps=20)
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    a1 = s(0.15 * 0.1 + 0.4)
    a2 = s(0.45 * a1 + 0.65)
    assert result.forward["a2"] == pytest.approx(a2, abs=1e-14)
    assert result.errors[0] == pytest.approx(0.5 * (0.25 - a2) ** 2, abs=1e-14)
    delta2 = -(0.25 - a2) * a2 * (1 - a2)
    assert result.updated["w2"] == pytest.approx(0.45 - 0.4 * delta2 * a1, abs=1e-14)
    assert result.updated["b1"] == pytest.approx(0.4 - 0.4 * delta2 * 0.45 * a1 * (1 - a1), abs=1e-14)
    assert len(result.errors) == 21
    assert all(later < earlier for earlier, later in zip(result.errors, result.errors[1:], strict=False))
    json.dumps(result.to_dict())


def test_backprop_values_are_overridable():
    result = experiments.backprop(x=1.0, w1=-0.3, b1=0.0, w2=0.8, b2=-0.1, target=0.9, learning_rate=0.5)
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    a1 = s(-0.3)
    assert result.forward["a2"] == pytest.approx(s(0.8 * a1 - 0.1), abs=1e-14)


@pytest.fixture(scope="module")
def deep_runs():
    monitors = {}
    result = experiments.vanishing(
        activations=("sigmoid", "relu"), epochs=2, depth=10, width=32, monitors=monitors
    )
    return result, monitors


def test_sigmoid_first_layer_gradient_is_orders_of_magnitude_below_relu(deep_runs):
    result, monitors = deep_runs
    sigmoid, relu = result.run("sigmoid"), result.run("relu")
    sigmoid_first = monitors["sigmoid"].records[0].gradient_norms[0]
    relu_first = monitors["relu"].records[0].gradient_norms[0]
    assert sigmoid_first < 1e-3 * relu_first
    assert sigmoid.first_to_last_at_start < 1e-3 < relu.first_to_last_at_start
    assert sigmoid.diagnosis == "vanishing" and relu.diagnosis == "healthy"
    assert "sigmoid" in sigmoid.advice and "relu" in sigmoid.advice
    # 10 hidden sigmoid layers (the 11th layer is the softmax output): 4^-10, not 4^-11 or "11 layers"
    assert "the 10 sigmoid layers' f' factors multiply to at most 4^-10 = 9.5e-07" in sigmoid.advice
    assert result.bound_for_depth == 4.0**-10
    assert relu.final_loss < sigmoid.final_loss and relu.test_accuracy > sigmoid.test_accuracy
    json.dumps(result.to_dict())


def test_monitor_records_before_training_and_each_epoch(deep_runs):
    _, monitors = deep_runs
    monitor = monitors["relu"]
    assert [r.epoch for r in monitor.records] == [0, 1, 2]
    assert monitor.gradient_norm_array().shape == (3, 11)
    record = monitor.records[0]
    assert record.saturated[0] is None and 0 <= record.dead[0] <= 1 and record.dead[-1] is None
    sigmoid_record = monitors["sigmoid"].records[0]
    assert all(0 <= s <= 1 for s in sigmoid_record.saturated[:-1]) and sigmoid_record.dead[0] is None


def test_monitor_statistics_on_a_hand_built_layer():
    # One relu layer whose second unit is dead for every input: 1/2 of the units dead.
    network = nl.Sequential(
        [
            nl.Dense(2, "relu", weights=[[1.0, -1.0]], biases=[0.0, -1.0]),
            nl.Dense(1, "sigmoid", weights=[[8.0], [1.0]]),
        ],
        dtype="float64",
    )
    X = np.array([[1.0], [2.0], [3.0]])
    y = np.array([[1.0], [0.0], [1.0]])
    monitor = GradientMonitor(X, y, epochs=[0])
    network.fit(X, y, loss="mse", optimizer=nl.GradientDescent(0.01), epochs=1, callbacks=[monitor])
    assert len(monitor.records) == 1
    record = monitor.records[0]
    assert record.dead[0] == 0.5
    # output sigmoid at z = 8x: sigma'(z) < 0.025 for z > 3.6, i.e. every sample here
    a = 1 / (1 + np.exp(-8 * X))
    assert record.saturated[1] == np.mean(a * (1 - a) < 0.025) == 1.0


def test_diagnose_history_and_verbose_fit_warns_once(capsys):
    data = experiments.load_dataset("breast_cancer")
    network = deep_network("sigmoid", depth=8, width=16, n_classes=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = network.fit(
            data.X_train,
            data.y_train,
            loss="cross_entropy",
            optimizer=nl.SGD(0.1),
            epochs=3,
            batch_size=64,
            seed=0,
            verbose=1,
        )
    gradient_warnings = [w for w in caught if issubclass(w.category, GradientFlowWarning)]
    assert len(gradient_warnings) == 1
    assert "vanish" in str(gradient_warnings[0].message) and "relu" in str(gradient_warnings[0].message)
    assert gradient_warnings[0].filename == __file__  # it points at the user's fit call
    diagnosis = diagnose(history, activations=[layer.activation.name for layer in network.layers])
    assert diagnosis.status == "vanishing" and diagnosis.layer == 1
    assert diagnosis.ratio == pytest.approx(history.gradient_norms[0][0] / history.gradient_norms[0][-1])
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        network.fit(data.X_train, data.y_train, loss="cross_entropy", optimizer=nl.SGD(0.1), epochs=1, seed=0)
    assert not [w for w in caught if issubclass(w.category, GradientFlowWarning)]


def test_diagnose_exploding_norms():
    from neuralab.diagnostics import diagnose_norms

    d = diagnose_norms([5e4, 10.0, 1.0], ["relu", "relu", "linear"], learning_rate=1.0)
    assert d.status == "exploding" and d.layer == 1 and d.ratio == 5e4
    assert "learning rate" in d.advice
    assert diagnose_norms([0.5, 0.4, 1.0]).status == "healthy"


def test_all_zero_gradients_are_no_gradient_not_healthy():
    """0 / 0 used to read as a ratio of 1: 'healthy' for a network whose ReLUs are all dead."""
    d = diagnose_norms([0.0, 0.0, 0.0], ["relu", "relu", "softmax"])
    assert d.status == "no_gradient" and not d.ok and d.layer == 3
    assert d.advice.startswith("No gradient flows: the output layer's weight gradient is exactly 0, and so")
    # A real dead network: every hidden ReLU outputs 0 for every sample (huge negative biases).
    network = nl.Sequential(
        [
            nl.Dense(4, "relu", input_dim=2, weights=np.zeros((2, 4)), biases=[-9.0] * 4),
            nl.Dense(2, "softmax", seed=0),
        ],
        dtype="float64",
    )
    X, y = np.ones((6, 2)), np.array([0, 1, 0, 1, 0, 1])
    monitor = GradientMonitor(X, y)
    network.fit(X, y, loss="cross_entropy", optimizer=nl.SGD(0.1), epochs=1, callbacks=[monitor], seed=0)
    assert diagnose(monitor).status == "no_gradient"


def test_gallery_has_the_seven_in_the_notes_order():
    gallery = experiments.activation_gallery(points=11)
    names = [a.name for a in gallery.activations]
    assert names == ["sigmoid", "tanh", "relu", "softmax", "binary_step", "linear", "leaky_relu"]
    sigmoid = gallery.activations[0]
    for z, value, slope in zip(sigmoid.z, sigmoid.value, sigmoid.derivative, strict=True):
        s = 1 / (1 + math.exp(-z))
        assert value == pytest.approx(s, abs=1e-6) and slope == pytest.approx(s * (1 - s), abs=1e-6)
    assert sigmoid.max_derivative == pytest.approx(0.25)
    assert gallery.activations[4].max_derivative == 0.0  # binary step: no gradient
    assert all(a.used and a.formula and a.output_range for a in gallery.activations)
    json.dumps(gallery.to_dict())


def test_unknown_activation_and_dataset_are_refused():
    with pytest.raises(nl.UnknownNameError, match="Valid names"):
        experiments.vanishing(activations=("sigmoid", "foo"))
    with pytest.raises(nl.ValidationError, match="breast_cancer"):
        experiments.load_dataset("mnist")


def test_diverged_descent_pairs_every_w_with_its_own_J():
    # lr = 1.8: c = 1 - 2 * 1.8 * 0.625 = -1.25, |w_k - 2| = 1.8 * 1.25^k. The engine stops when
    # J exceeds 1e4 * max(best J, 1) = 1e4 * J(w0) = 20250: J(w_21) = 0.625 * (1.8 * 1.25^21)^2.
    result = experiments.descent(learning_rate=1.8, steps=30)
    assert result.steps == 21 and result.diverged_at_epoch == 22 and result.stop_reason == "divergence"
    for k, w in enumerate(result.w):
        assert w == pytest.approx(closed_form_w(0.2, 1.8, k), rel=1e-12)
        assert result.loss[k] == pytest.approx(SUM_X2 * (2 - w) ** 2, rel=1e-12)
    assert result.loss[-1] == pytest.approx(SUM_X2 * (1.8 * 1.25**21) ** 2, rel=1e-12)  # ~ 23804
    assert result.loss[-2] < 1e4 * 2.025 < result.loss[-1]
    # The engine restored the weight from before the bad step (w_20), and the result says so.
    assert result.final_w == result.w[-2]
    assert "epoch 22" in result.observed and f"w_20 = {result.w[-2]:.6g}" in result.observed
    converged = experiments.descent()
    assert converged.final_w == converged.w[-1] and converged.diverged_at_epoch is None


def test_descent_to_an_infinite_w_reports_a_non_finite_J():
    result = experiments.descent(learning_rate=1e308)  # the first step overflows: w_1 = inf
    assert result.w[0] == 0.2 and math.isinf(result.w[1]) and not math.isfinite(result.loss[1])
    assert result.loss[0] == pytest.approx(SUM_X2 * 1.8**2, rel=1e-12)
    assert result.final_w == 0.2 and result.diverged_at_epoch == 2
    data = json.loads(json.dumps(result.to_dict()))
    assert data["w"] == [0.2, None] and data["loss"] == [pytest.approx(2.025), None]


def test_descent_from_the_minimum_has_no_negative_zero_step():
    result = experiments.descent(w0=2.0)
    assert result.w == [2.0, 2.0] and result.loss == [0.0, 0.0]
    assert [math.copysign(1.0, s) for s in result.step_size] == [1.0]


def _cross_entropy(network, X, y):
    """-mean log p[label], from the network's predicted probabilities."""
    p = network.predict(X)
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))


def test_vanishing_reports_the_loss_and_accuracy_of_the_same_final_weights():
    data = experiments.load_dataset("breast_cancer")
    result = experiments.vanishing(activations=("tanh",), depth=3, width=8, epochs=3, data=data)
    run = result.run("tanh")
    twin = deep_network("tanh", depth=3, width=8, n_classes=2)  # same seed, data, optimizer: same weights
    # the documented optimizer: SGD(0.02, momentum 0.9), the rate x 0.85 after every epoch
    history = twin.fit(
        data.X_train,
        data.y_train,
        loss="cross_entropy",
        optimizer=nl.SGD(0.02, momentum=0.9),
        epochs=3,
        batch_size=64,
        seed=0,
        callbacks=[nl.ExponentialDecay(rate=0.85)],
    )
    assert history.learning_rate == pytest.approx([0.02, 0.02 * 0.85, 0.02 * 0.85**2])
    assert run.loss == list(history.loss)  # the curve: mean over each epoch's batches
    assert run.train_accuracy == np.mean(np.argmax(twin.predict(data.X_train), axis=1) == data.y_train)
    assert run.final_loss == pytest.approx(_cross_entropy(twin, data.X_train, data.y_train), rel=1e-6)
    assert run.final_loss != run.loss[-1]  # not the epoch mean, taken while the weights moved


def test_advice_counts_the_sigmoid_layers_not_all_layers():
    norms = [1e-7, 1e-5, 1e-3, 1.0]  # input layer first: vanishing
    advice = diagnose_norms(norms, ["sigmoid", "tanh", "sigmoid", "softmax"]).advice
    assert "the 2 sigmoid layers' f' factors multiply to at most 4^-2 = 0.062" in advice
    assert "w f'(z)" in advice and "(|w|/4)^n" in advice
    one = diagnose_norms(norms, ["tanh", "sigmoid", "tanh", "softmax"]).advice
    assert "the 1 sigmoid layer's f' factor is at most 4^-1 = 0.25" in one
    tanh = diagnose_norms(norms, ["tanh", "tanh", "tanh", "softmax"]).advice
    assert "4^-" not in tanh and "tanh' <= 1" in tanh


def test_vanishing_says_when_a_run_diverged():
    data = experiments.load_dataset("breast_cancer")
    result = experiments.vanishing(
        activations=("relu",), depth=3, width=32, epochs=2, learning_rate=100.0, data=data
    )
    run = result.run("relu")
    assert run.diverged_at_epoch == 1 and run.loss == []
    # loss and accuracy both of the weights kept from before the bad step
    assert math.isfinite(run.final_loss) and 0 <= run.train_accuracy <= 1
    assert run.diagnosis == "diverged"
    assert "diverged in epoch 1" in run.advice and "learning rate" in run.advice
    healthy = experiments.vanishing(activations=("relu",), depth=3, width=32, epochs=1, data=data).run("relu")
    assert healthy.diverged_at_epoch is None and healthy.diagnosis == "healthy"


def test_gallery_states_leaky_relu_alpha():
    info = experiments.activation_info("leaky_relu", points=5)
    assert "alpha = 0.01" in info.formula and "alpha = 0.01" in info.derivative_formula
    assert info.value[0] == pytest.approx(-5 * 0.01) and info.derivative[0] == pytest.approx(0.01)
    assert "alpha" not in experiments.activation_info("relu", points=5).formula
