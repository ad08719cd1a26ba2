"""The one seam of a training step (neuralab.backprop), the Layer interface it reads, and the flat
parameter buffer kept private to fit."""

from __future__ import annotations

import numpy as np
import pytest
from tests.finite_differences import numeric_gradient

import neuralab as nl
from neuralab import backprop

RNG = np.random.default_rng(7)
X = RNG.normal(size=(6, 3))
LABELS = np.array([0, 2, 1, 2, 0, 1])


def small_net(output="softmax", units=3, dtype="float64"):
    return nl.Sequential(
        [nl.Dense(4, "tanh", input_dim=3, seed=0), nl.Dense(units, output, seed=1)], dtype=dtype
    )


def test_loss_and_gradients_match_finite_differences_and_name_every_parameter():
    net = small_net()
    result = nl.loss_and_gradients(net, "cross_entropy", X, LABELS)
    assert list(result.gradients) == ["layer1.weights", "layer1.biases", "layer2.weights", "layer2.biases"]
    assert result.loss == pytest.approx(net.evaluate(X, LABELS, "cross_entropy"), rel=1e-15)
    for name, parameter in net.parameters_by_name().items():
        expected = numeric_gradient(parameter, lambda: net.evaluate(X, LABELS, "cross_entropy"))
        np.testing.assert_allclose(result.gradients[name], expected, rtol=1e-6, atol=1e-9)


def test_the_record_holds_x_z_a_and_delta_of_each_layer():
    net = small_net()
    result = nl.loss_and_gradients(net, "cross_entropy", X, LABELS)
    hidden, out = result.layers
    W1, b1, W2, _ = net.get_weights()
    assert [r.name for r in result.layers] == ["layer1", "layer2"]
    np.testing.assert_array_equal(hidden.inputs, X)
    np.testing.assert_allclose(hidden.preactivation, X @ W1 + b1, rtol=1e-14)
    np.testing.assert_allclose(hidden.output, np.tanh(X @ W1 + b1), rtol=1e-14)
    np.testing.assert_array_equal(out.inputs, hidden.output)
    # softmax + cross-entropy is fused: the output layer's delta is (p - y) / n, and it got no dE/da
    one_hot = np.eye(3)[LABELS]
    np.testing.assert_allclose(out.delta, (result.output - one_hot) / len(X), rtol=1e-12)
    assert out.output_gradient is None
    # the chain rule one layer down: dE/da1 = delta2 W2^T, dE/dz1 = dE/da1 * (1 - a1^2)
    np.testing.assert_allclose(hidden.output_gradient, out.delta @ W2.T, rtol=1e-12)
    np.testing.assert_allclose(hidden.delta, out.delta @ W2.T * (1 - hidden.output**2), rtol=1e-12)
    np.testing.assert_allclose(hidden.gradients["weights"], X.T @ hidden.delta, rtol=1e-12)
    np.testing.assert_allclose(out.gradients["biases"], out.delta.sum(axis=0), rtol=1e-12, atol=1e-16)


def test_sample_weights_scale_each_row_of_the_loss():
    net = small_net(output="linear", units=1)
    y = X.sum(axis=1)
    weights = np.array([1.0, 0.0, 2.0, 1.0, 0.5, 3.0])
    weighted = nl.loss_and_gradients(net, "mse", X, y, sample_weight=weights)
    residual = net.predict(X)[:, 0] - y
    assert weighted.loss == pytest.approx(float(np.sum(weights * residual**2)) / len(y), rel=1e-13)
    with pytest.raises(nl.ValidationError, match="`sample_weight` must be a 1-D array of 6 numbers"):
        nl.loss_and_gradients(net, "mse", X, y, sample_weight=weights[:5])


def test_the_seam_checks_data_like_fit_does():
    net = small_net()
    with pytest.raises(nl.ShapeError, match="`X` has 6 samples but `y` has 5 rows"):
        nl.loss_and_gradients(net, "cross_entropy", X, LABELS[:5])
    with pytest.raises(nl.IncompatibleLossError, match="requires a sigmoid output layer"):
        nl.loss_and_gradients(net, "binary_cross_entropy", X, LABELS)


def test_one_fit_step_is_the_seams_gradient_times_the_learning_rate():
    """Full-batch gradient descent, one epoch: w1 = w0 - lr * dE/dw, bit for bit."""
    net = small_net()
    before = net.parameters_by_name()
    before = {name: p.copy() for name, p in before.items()}
    gradients = {
        name: g.copy() for name, g in nl.loss_and_gradients(net, "cross_entropy", X, LABELS).gradients.items()
    }
    net.fit(X, LABELS, loss="cross_entropy", optimizer=nl.GradientDescent(0.5), epochs=1, batch_size=None)
    for name, parameter in net.parameters_by_name().items():
        np.testing.assert_array_equal(parameter, before[name] - np.float64(0.5) * gradients[name])


def test_dense_exposes_its_last_pass_read_only():
    net = small_net()
    layer = net.layers[0]
    assert layer.inputs is None and layer.delta is None
    nl.loss_and_gradients(net, "cross_entropy", X, LABELS)
    for name in ("inputs", "preactivation", "output", "delta", "output_gradient"):
        array = getattr(layer, name)
        with pytest.raises(ValueError, match="read-only"):
            array[0, 0] = 1.0
    with pytest.raises(AttributeError):
        layer.delta = np.zeros((6, 4))


def test_every_layer_has_an_activation_a_description_and_a_config():
    dense, drop = nl.Dense(3, "relu"), nl.Dropout(0.25)
    assert dense.activation.name == "relu" and drop.activation is None
    assert (dense.description, drop.description) == ("relu", "rate 0.25")
    assert drop.get_config() == {"type": "Dropout", "rate": 0.25, "units": None}
    with pytest.raises(NotImplementedError):
        nl.Layer().get_config()


def test_parameters_stay_the_networks_arrays_across_fits():
    net = small_net(dtype="float32")
    held = net.parameters()
    for _ in range(2):
        net.fit(X, LABELS, loss="cross_entropy", optimizer=nl.SGD(0.1), epochs=2, batch_size=2, seed=0)
    assert all(a is b for a, b in zip(held, net.parameters(), strict=True))
    # held arrays are the live weights: changing one changes the predictions
    before = net.predict(X)
    held[2][...] = 0.0  # the output layer's weights
    held[3][...] = 0.0
    np.testing.assert_allclose(net.predict(X), np.full_like(before, 1 / 3), rtol=1e-6)


def test_optimizer_state_by_parameter_name_round_trips_and_resumes_exactly():
    net = small_net(dtype="float32")
    adam = nl.Adam(0.01)
    net.fit(X, LABELS, loss="cross_entropy", optimizer=adam, epochs=2, batch_size=3, seed=0)
    named = adam.get_named_state(net.parameters_by_name())
    assert sorted(named) == sorted(
        ["iterations"] + [f"{name}.{slot}" for name in net.parameters_by_name() for slot in ("m", "v")]
    )
    assert named["layer1.weights.m"].shape == (3, 4) and named["layer2.biases.v"].shape == (3,)
    twin, twin_adam = small_net(dtype="float32"), nl.Adam(0.01)
    twin.set_weights(net.get_weights())
    twin_adam.set_named_state(named, twin.parameters_by_name())
    for key, value in adam.get_state().items():
        np.testing.assert_array_equal(twin_adam.get_state()[key], value)
    for network, optimizer in ((net, adam), (twin, twin_adam)):
        network.fit(
            X,
            LABELS,
            loss="cross_entropy",
            optimizer=optimizer,
            epochs=3,
            initial_epoch=2,
            batch_size=3,
            seed=1,
        )
    for a, b in zip(net.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_named_state_also_reads_per_array_state_and_refuses_foreign_names():
    net = small_net()
    sgd = nl.SGD(0.1, momentum=0.9)
    nl.loss_and_gradients(net, "cross_entropy", X, LABELS)
    sgd.step(net.parameters(), net.gradients())  # one state array per parameter
    named = sgd.get_named_state(net.parameters_by_name())
    np.testing.assert_array_equal(named["layer2.weights.momentum_buffer"], net.gradients()[2])
    with pytest.raises(nl.ValidationError, match=r"names a parameter 'layer9\.weights'"):
        nl.SGD(0.1, momentum=0.9).set_named_state(
            {"iterations": np.array(1), "layer9.weights.momentum_buffer": np.zeros(2)},
            net.parameters_by_name(),
        )
    with pytest.raises(nl.ValidationError, match=r"missing for layer1\.biases"):
        nl.SGD(0.1, momentum=0.9).set_named_state(
            {"iterations": np.array(1), "layer1.weights.momentum_buffer": np.zeros((3, 4))},
            net.parameters_by_name(),
        )


def test_the_walks_are_the_networks_forward_and_backward():
    net = small_net()
    out = backprop.forward(net.layers, X, training=False)
    np.testing.assert_array_equal(out, net.forward(X))
    grad, fused = backprop.output_gradient(nl.get_loss("cross_entropy"), out, np.eye(3)[LABELS])
    assert fused
    dx = backprop.backward(net.layers, grad, from_preactivation=True, input_gradient=True)
    np.testing.assert_allclose(dx, net.backward(grad, from_preactivation=True), rtol=0, atol=0)
