"""neuralab.trace against the chain rule worked by hand (math.exp) and finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

import neuralab as nl
from neuralab.trace import trace


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def lecture_network() -> nl.Sequential:
    return nl.Sequential(
        [
            nl.Dense(1, "sigmoid", weights=[[0.15]], biases=[0.4]),
            nl.Dense(1, "sigmoid", weights=[[0.45]], biases=[0.65]),
        ],
        dtype="float64",
    )


def hand_worked(x=0.1, w1=0.15, b1=0.4, w2=0.45, b2=0.65, T=0.25):
    """The lecture's example with the chain rule written out by hand."""
    z1 = w1 * x + b1  # 0.415
    a1 = sigmoid(z1)  # 0.60229
    z2 = w2 * a1 + b2  # 0.92103
    a2 = sigmoid(z2)  # 0.71526
    E = 0.5 * (T - a2) ** 2  # 0.10823
    delta2 = -(T - a2) * a2 * (1 - a2)  # dE/dz2
    delta1 = delta2 * w2 * a1 * (1 - a1)  # dE/dz1
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "E": E,
        "w2": delta2 * a1,
        "b2": delta2,
        "w1": delta1 * x,
        "b1": delta1,
    }


def test_forward_values_and_loss_match_hand_computation():
    hand = hand_worked()
    t = trace(lecture_network(), [[0.1]], [[0.25]], loss="half_squared_error", learning_rate=0.4)
    assert t.layers[0].z[0][0] == pytest.approx(hand["z1"], abs=1e-14)
    assert t.layers[0].a[0][0] == pytest.approx(hand["a1"], abs=1e-14)
    assert t.layers[1].z[0][0] == pytest.approx(hand["z2"], abs=1e-14)
    assert t.layers[1].a[0][0] == pytest.approx(hand["a2"], abs=1e-14)
    assert t.loss == pytest.approx(hand["E"], abs=1e-14)
    assert round(t.layers[1].a[0][0], 4) == 0.7153  # the lecture's printed digits


def test_chain_rule_products_match_hand_and_engine():
    hand = hand_worked()
    t = trace(lecture_network(), [[0.1]], [[0.25]], loss="half_squared_error", learning_rate=0.4)
    partials = {p.parameter: p for p in t.partials()}
    assert list(partials) == ["w1", "b1", "w2", "b2"]
    for name in ("w1", "b1", "w2", "b2"):
        assert partials[name].value == pytest.approx(hand[name], rel=1e-12)
        assert partials[name].engine_value == pytest.approx(hand[name], rel=1e-12)
    w2 = partials["w2"]
    assert [f.symbol for f in w2.factors] == ["-(T - a2)", "a2 (1 - a2)", "a1"]
    a1, a2 = hand["a1"], hand["a2"]
    assert [f.value for f in w2.factors] == pytest.approx([-(0.25 - a2), a2 * (1 - a2), a1], rel=1e-12)
    assert [f.symbol for f in partials["w1"].factors] == [
        "-(T - a2)",
        "a2 (1 - a2)",
        "w2",
        "a1 (1 - a1)",
        "x",
    ]
    assert w2.equation(4).startswith("dE/dw2 = -(T - a2) * a2 (1 - a2) * a1 = 0.4653 x 0.2037 x 0.6023 = ")


def test_update_is_one_gradient_descent_step_and_optional():
    hand = hand_worked()
    network = lecture_network()
    t = trace(network, [[0.1]], [[0.25]], learning_rate=0.4)
    assert t.layers[1].new_weights[0][0] == pytest.approx(0.45 - 0.4 * hand["w2"], abs=1e-14)
    assert t.layers[0].new_biases[0] == pytest.approx(0.4 - 0.4 * hand["b1"], abs=1e-14)
    assert network.get_weights()[2][0, 0] == 0.45  # update=False leaves the network alone
    trace(network, [[0.1]], [[0.25]], learning_rate=0.4, update=True)
    assert network.get_weights()[2][0, 0] == pytest.approx(0.45 - 0.4 * hand["w2"], abs=1e-14)
    assert round(float(network.get_weights()[2][0, 0]), 5) == 0.42717


def _loss(network, X, Y):
    return network.evaluate(X, Y, "mse")


def test_general_network_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    network = nl.Sequential(
        [nl.Dense(4, "tanh", input_dim=3, seed=1), nl.Dense(2, "linear", seed=2)], dtype="float64"
    )
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    t = trace(network, X, Y, loss="mse", learning_rate=0.1)
    weights = network.get_weights()
    eps = 1e-6
    for index, layer_trace in enumerate(t.layers):
        W = weights[2 * index]
        numeric = np.zeros_like(W)
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                for sign in (1, -1):
                    shifted = [w.copy() for w in weights]
                    shifted[2 * index][i, j] += sign * eps
                    network.set_weights(shifted)
                    numeric[i, j] += sign * _loss(network, X, Y) / (2 * eps)
        network.set_weights(weights)
        np.testing.assert_allclose(layer_trace.grad_weights, numeric, rtol=1e-6, atol=1e-9)
    # dE/dz = dE/da * f'(z) for the tanh layer, with f'(z) = 1 - tanh(z)^2 computed here
    hidden = t.layers[0]
    expected = np.array(hidden.grad_a) * (1 - np.tanh(np.array(hidden.z)) ** 2)
    np.testing.assert_allclose(hidden.grad_z, expected, rtol=1e-12)
    with pytest.raises(nl.ValidationError, match="chain of single neurons"):
        t.partials()


def test_fused_softmax_cross_entropy_records_p_minus_y():
    network = nl.Sequential([nl.Dense(3, "softmax", input_dim=2, seed=0)], dtype="float64")
    X = np.array([[0.5, -1.0], [1.0, 2.0]])
    t = trace(network, X, [0, 2], loss="cross_entropy", learning_rate=0.1)
    p = np.array(t.output)
    y = np.array([[1, 0, 0], [0, 0, 1]])
    np.testing.assert_allclose(t.layers[0].grad_z, (p - y) / 2, rtol=1e-12)
    assert t.layers[0].derivative is None
    assert "partials" not in t.to_dict()


def test_to_dict_has_equations_for_a_chain():
    data = trace(lecture_network(), [[0.1]], [[0.25]]).to_dict()
    assert [p["parameter"] for p in data["partials"]] == ["w1", "b1", "w2", "b2"]
    assert data["loss_name"] == "half_squared_error"


def test_errors_name_the_parameters_x_and_target():
    net = nl.Sequential([nl.Dense(2, "tanh", input_dim=3, seed=0), nl.Dense(1, seed=1)], dtype="float64")
    x = np.ones((4, 3))
    with pytest.raises(nl.ShapeError, match=r"`x` has 2 feature\(s\) per sample.*Give x shape"):
        trace(net, x[:, :2], np.ones((4, 1)))
    with pytest.raises(nl.ShapeError, match="`x` has 4 samples but `target` has 3 rows"):
        trace(net, x, np.ones((3, 1)))
    with pytest.raises(nl.ShapeError, match=r"`target` must have shape \(n_samples, 1\)"):
        trace(net, x, np.ones((4, 2)))
    with pytest.raises(nl.ShapeError, match="`x` must be 2-D"):
        trace(net, np.ones(3), np.ones((1, 1)))
    with pytest.raises(nl.NonFiniteError, match="`target` contains 1 NaN"):
        trace(net, x, np.array([[0.0], [np.nan], [0.0], [0.0]]))
