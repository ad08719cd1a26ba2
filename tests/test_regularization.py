"""The L1 penalty (beside L2): value by hand, gradient checked by central differences, one
gradient-descent step by hand, and the sparsity it is used for."""

from __future__ import annotations

import numpy as np
import pytest
from tests.finite_differences import numeric_gradient

import neuralab as nl
from neuralab.training import backpropagate_batch, batch_loss_value


def away_from_zero(net, rng):
    """Weights with |W| in [0.2, 1]: |W| has no kink within the finite-difference step."""
    for layer in net.layers:
        shape = layer.weights.shape
        weights = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 1.0, size=shape)
        layer.set_parameters(weights, rng.normal(size=layer.units))


@pytest.mark.parametrize(
    ("output", "loss", "n_out"),
    [
        ("softmax", "cross_entropy", 3),
        ("sigmoid", "binary_cross_entropy", 1),
        ("linear", "mse", 2),
    ],
)
@pytest.mark.parametrize(("l1", "l2"), [(0.3, 0.0), (0.05, 0.2)])
def test_l1_passes_a_gradient_check(output, loss, n_out, l1, l2):
    rng = np.random.default_rng(0)
    net = nl.Sequential([nl.Dense(4, "tanh", input_dim=3), nl.Dense(n_out, output)], dtype="float64")
    away_from_zero(net, rng)
    resolved = net.check_loss(loss)
    X = rng.normal(size=(7, 3))
    if loss == "cross_entropy":
        target = np.eye(3)[rng.integers(0, 3, 7)]
    elif loss == "binary_cross_entropy":
        target = rng.integers(0, 2, (7, 1)).astype(float)
    else:
        target = rng.normal(size=(7, n_out))

    def total():
        return batch_loss_value(net, resolved, net.forward(X), target, l2=l2, l1=l1)

    backpropagate_batch(net, resolved, net.forward(X), target, l2=l2, l1=l1)
    analytic = [g.copy() for g in net.gradients()]
    worst = 0.0
    for parameter, gradient in zip(net.parameters(), analytic, strict=True):
        numeric = numeric_gradient(parameter, total)
        np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-8)
        worst = max(worst, float(np.max(np.abs(gradient - numeric))))
    assert worst < 1e-7


def test_l1_value_and_gradient_by_hand():
    # One linear unit, w = [[2], [-1]], b = 0.5; X rows [1, 0], [0, 1]; targets 0, 0.
    # outputs 2.5 and -0.5; MSE (6.25 + 0.25) / 2 = 3.25; L1 0.1 * (|2| + |-1|) = 0.3 (bias free).
    # dMSE/dw = X^T (2/N)(out - t) = [[2.5], [-0.5]]; + 0.1 * sign(w) = [[2.6], [-0.6]]; db = 2.0.
    net = nl.Sequential([nl.Dense(1, input_dim=2, weights=[[2.0], [-1.0]], biases=[0.5])], dtype="float64")
    loss = net.check_loss("mse")
    out = net.forward(np.eye(2))
    assert batch_loss_value(net, loss, out, np.zeros((2, 1)), l1=0.1) == pytest.approx(3.25 + 0.3, rel=1e-15)
    backpropagate_batch(net, loss, out, np.zeros((2, 1)), l1=0.1)
    np.testing.assert_allclose(net.layers[0].weight_gradient, [[2.6], [-0.6]], rtol=1e-15)
    np.testing.assert_allclose(net.layers[0].bias_gradient, [2.0], rtol=1e-15)


def test_a_zero_weight_gets_no_l1_gradient():
    # sign(0) = 0: the subgradient that leaves an exact zero at zero.
    net = nl.Sequential([nl.Dense(1, input_dim=2, weights=[[0.0], [3.0]], biases=[0.0])], dtype="float64")
    loss = net.check_loss("mse")
    X, target = np.array([[0.0, 1.0]]), np.array([[3.0]])  # zero data error: output 3 = target
    out = net.forward(X)
    backpropagate_batch(net, loss, out, target, l1=0.5)
    np.testing.assert_array_equal(net.layers[0].weight_gradient, [[0.0], [0.5]])
    assert batch_loss_value(net, loss, out, target, l1=0.5) == pytest.approx(1.5, rel=1e-15)


def test_one_gradient_descent_step_with_l1_by_hand():
    # w_new = w - lr * (dL/dw + l1 * sign(w)): the L1 step differs from the plain one by -lr*l1*sign(w).
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))

    def one_step(l1):
        net = nl.Sequential([nl.Dense(4, "tanh", input_dim=3, seed=0), nl.Dense(2, seed=1)], dtype="float64")
        start = [w.copy() for w in net.get_weights()]
        net.fit(X, y, loss="mse", optimizer=nl.GradientDescent(0.1), epochs=1, l1=l1)
        return start, net.get_weights()

    start, plain = one_step(0.0)
    _, with_l1 = one_step(0.25)
    for position in (0, 2):  # weights
        expected = -0.1 * 0.25 * np.sign(start[position])
        np.testing.assert_allclose(with_l1[position] - plain[position], expected, rtol=1e-12, atol=1e-15)
    for position in (1, 3):  # biases are not penalised
        np.testing.assert_array_equal(with_l1[position], plain[position])


def test_l1_shrinks_the_weights_of_irrelevant_inputs():
    # y depends on inputs 0 and 1 only (plus noise, which least squares fits with small weights
    # on the 4 noise inputs); L1 pushes those towards 0 and shrinks the real ones by ~l1/2.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6))
    y = (2 * X[:, 0] - X[:, 1] + rng.normal(0, 0.5, 40)).reshape(-1, 1)

    def weights(l1):
        net = nl.Sequential([nl.Dense(1, input_dim=6, seed=0)], dtype="float64")
        net.fit(X, y, loss="mse", optimizer=nl.GradientDescent(0.05), epochs=300, l1=l1)
        return net.layers[0].weights[:, 0]

    plain, sparse = weights(0.0), weights(0.3)
    assert np.abs(plain[2:]).sum() > 0.15
    assert np.abs(sparse[2:]).sum() < 0.25 * np.abs(plain[2:]).sum()
    assert 0.05 < plain[0] - sparse[0] < 0.3 and 0.05 < sparse[1] - plain[1] < 0.3  # shrunk, not lost


def test_fit_refuses_a_negative_l1():
    net = nl.Sequential([nl.Dense(1, input_dim=1, seed=0)])
    with pytest.raises(nl.ValidationError, match="l1"):
        net.fit(np.zeros((3, 1)), np.zeros((3, 1)), loss="mse", optimizer="sgd", epochs=1, l1=-0.1)
