"""neuralab.gradient_check: passes on correct layers, catches a wrong backward."""

from __future__ import annotations

import numpy as np
import pytest

import neuralab as nl
from neuralab.errors import ValidationError

RNG = np.random.default_rng(0)
X = RNG.normal(size=(7, 3))
LABELS = np.array([0, 1, 2, 0, 1, 2, 1])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
@pytest.mark.parametrize(
    ("output", "loss", "y"),
    [
        ("softmax", "cross_entropy", LABELS),
        ("sigmoid", "binary_cross_entropy", (LABELS == 1).astype(float)),
        ("linear", "mse", X.sum(axis=1)),
    ],
)
def test_passes_on_correct_float32_networks(activation, output, loss, y):
    units = 3 if output == "softmax" else 1
    net = nl.Sequential(
        [
            nl.Dense(5, activation, input_dim=3, seed=0),
            nl.Dense(4, activation, seed=1),
            nl.Dense(units, output, seed=2),
        ]
    )
    # Non-zero biases: with zero ones a sample whose ReLU inputs are all dead sits exactly on
    # the kink z = 0, where a central difference is one-sided (not a backward bug).
    for layer in net.layers:
        layer.set_parameters(layer.weights, np.random.default_rng(layer.units).normal(size=layer.units))
    before = net.get_weights()
    result = nl.gradient_check(net, X, y, loss)
    assert result.passed, str(result)
    assert set(result.per_layer) == {"layer1", "layer2", "layer3"}
    assert max(result.relative_errors.values()) < 1e-6
    # The user's float32 network is untouched; the check ran on a float64 copy.
    assert net.dtype == np.float32
    for a, b in zip(before, net.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_numeric_gradient_matches_the_hand_derived_one():
    """One linear unit with mse: dE/dW = 2/n X^T (X w + b - y), dE/db = 2/n sum(X w + b - y)."""
    w, b = np.array([[0.5], [-1.0], [0.25]]), np.array([0.1])
    net = nl.Sequential([nl.Dense(1, weights=w, biases=b)], dtype="float64")
    y = X[:, 0] * 2.0
    residual = X @ w[:, 0] + b[0] - y
    result = nl.gradient_check(net, X, y, "mse")
    expected_w = 2.0 / len(y) * X.T @ residual
    np.testing.assert_allclose(result.parameters["layer1.weights"].numeric[:, 0], expected_w, rtol=1e-8)
    np.testing.assert_allclose(result.parameters["layer1.biases"].numeric, [2.0 * residual.mean()], rtol=1e-8)


class HalfBiasGradientDense(nl.Dense):
    """A user's layer with a wrong backward: its bias gradient is half what it should be."""

    def backward(self, grad_output, **options):
        grad_input = super().backward(grad_output, **options)
        self.bias_gradient *= 0.5
        return grad_input


def test_detects_a_wrong_backward_in_a_user_layer():
    net = nl.Sequential(
        [nl.Dense(4, "tanh", input_dim=3, seed=0), HalfBiasGradientDense(3, "softmax", seed=1)]
    )
    result = nl.gradient_check(net, X, LABELS, "cross_entropy")
    assert not result.passed
    assert result.worst[0] == "layer2.biases"
    # |g/2 - g| / (|g/2| + |g|) = 1/3 exactly, whatever g is.
    assert result.relative_errors["layer2.biases"] == pytest.approx(1 / 3, rel=1e-5)
    assert result.relative_errors["layer2.weights"] < 1e-6
    assert result.per_layer["layer1"] < 1e-6 and result.per_layer["layer2"] > 0.3
    assert "FAILED" in str(result)


def test_refuses_unbuilt_networks_and_bad_epsilon():
    with pytest.raises(ValidationError, match="no weights"):
        nl.gradient_check(nl.Sequential([nl.Dense(1)]), X, X[:, 0], "mse")
    net = nl.Sequential([nl.Dense(1, input_dim=3, seed=0)])
    with pytest.raises(ValidationError, match="epsilon"):
        nl.gradient_check(net, X, X[:, 0], "mse", epsilon=0.0)


def test_wrong_input_width_and_target_length_are_the_engines_shape_errors():
    net = nl.Sequential([nl.Dense(4, "tanh", input_dim=3, seed=0), nl.Dense(1, seed=1)])
    y = X.sum(axis=1)
    with pytest.raises(nl.ShapeError, match=r"`X` has 2 feature\(s\) per sample, but the first layer"):
        nl.gradient_check(net, X[:, :2], y, "mse")
    with pytest.raises(nl.ShapeError, match="`X` has 7 samples but `y` has 5 rows"):
        nl.gradient_check(net, X, y[:5], "mse")
    with pytest.raises(nl.ShapeError, match=r"`y` must have shape \(n_samples, 1\)"):
        nl.gradient_check(net, X, np.ones((7, 2)), "mse")
    with pytest.raises(nl.ValidationError, match="out of range"):
        nl.gradient_check(
            nl.Sequential([nl.Dense(3, "softmax", input_dim=3, seed=0)]), X, LABELS + 1, "cross_entropy"
        )


def test_a_plain_object_with_layers_gets_the_length_check_too():
    class Stack:  # the "any object with layers" protocol, without Sequential's data checks
        def __init__(self, layers):
            self.layers = layers

    net = nl.Sequential([nl.Dense(4, "tanh", input_dim=3, seed=0), nl.Dense(1, seed=1)])
    stack = Stack(net.layers)
    assert nl.gradient_check(stack, X, X.sum(axis=1), "mse").passed
    with pytest.raises(nl.ShapeError, match="`X` has 7 samples but `y` has 6 rows"):
        nl.gradient_check(stack, X, X[:6].sum(axis=1), "mse")
