"""Optimizers (hand numbers, golden trajectories against torch.optim, validation) and
weight initializers (shape, dtype, bounds, statistics, determinism).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import neuralab as nl
from neuralab.initializers import INITIALIZERS, Normal
from neuralab.optimizers import OPTIMIZERS

# --- hand numbers -------------------------------------------------------------------------


def test_gradient_descent_is_w_minus_learning_rate_times_gradient():
    """The notes' rule: w_new = w_old - learning_rate * gradient, with numbers exact in binary."""
    weights = np.array([[1.0, 2.0], [-3.0, 0.0]])
    biases = np.array([0.5])
    same_weights = weights
    optimizer = nl.GradientDescent(learning_rate=0.5)
    optimizer.step([weights, biases], [np.array([[0.5, -0.25], [2.0, 0.0]]), np.array([-1.0])])
    assert weights is same_weights
    np.testing.assert_array_equal(weights, [[0.75, 2.125], [-4.0, 0.0]])
    np.testing.assert_array_equal(biases, [1.0])
    assert optimizer.iterations == 1


def test_gradient_descent_on_the_notes_cost():
    """J(w) = (2 - w)^2 (z = 2x at x = 1), w0 = 0.2, learning_rate = 0.4.

    dJ/dw = -2 (2 - w): at w0 = 0.2 the gradient is -3.6, so w1 = 0.2 + 0.4 * 3.6 = 1.64;
    then -2 (2 - 1.64) = -0.72 and w2 = 1.64 + 0.288 = 1.928.
    """
    w = np.array([0.2])
    optimizer = nl.GradientDescent(learning_rate=0.4)
    optimizer.step([w], [-2 * (2 - w)])
    np.testing.assert_allclose(w, [1.64], rtol=1e-15)
    optimizer.step([w], [-2 * (2 - w)])
    np.testing.assert_allclose(w, [1.928], rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_changed_learning_rate_applies_from_the_next_step(dtype):
    """The learning rate is kept as an array of the parameters' dtype; setting it must reach
    the update (a schedule changes it between epochs). Numbers exact in binary."""
    weights = np.array([1.0, -2.0], dtype=dtype)
    gradient = np.array([0.5, 1.0], dtype=dtype)
    optimizer = nl.GradientDescent(learning_rate=0.5)
    optimizer.step([weights], [gradient])
    np.testing.assert_array_equal(weights, [0.75, -2.5])
    optimizer.learning_rate = 0.25
    optimizer.step([weights], [gradient])
    np.testing.assert_array_equal(weights, [0.625, -2.75])
    assert weights.dtype == dtype


def test_sgd_momentum_by_hand():
    """Constant gradient 1, learning_rate 0.5, momentum 0.5.

    plain:    b1 = 1, w1 = -0.5;  b2 = 0.5 * 1 + 1 = 1.5, w2 = -0.5 - 0.75 = -1.25
    nesterov: d1 = 1 + 0.5 * 1 = 1.5, w1 = -0.75;  d2 = 1 + 0.5 * 1.5 = 1.75, w2 = -1.625
    """
    for nesterov, expected in ((False, [-0.5, -1.25]), (True, [-0.75, -1.625])):
        w = np.zeros(1)
        optimizer = nl.SGD(learning_rate=0.5, momentum=0.5, nesterov=nesterov)
        for step_expected in expected:
            optimizer.step([w], [np.ones(1)])
            assert w[0] == step_expected


def test_sgd_without_momentum_is_gradient_descent():
    w1, w2 = np.array([1.0, -1.0]), np.array([1.0, -1.0])
    for _ in range(3):
        nl.SGD(learning_rate=0.1).step([w1], [w1 * 3])
        nl.GradientDescent(learning_rate=0.1).step([w2], [w2 * 3])
    np.testing.assert_array_equal(w1, w2)


def test_adam_first_step_moves_each_weight_by_about_the_learning_rate():
    """At t = 1, m_hat = g and v_hat = g^2, so w1 = w0 - lr * g / (|g| + eps)."""
    w = np.array([1.0, 1.0, 1.0])
    g = np.array([2.0, -0.5, 1e-3])
    optimizer = nl.Adam(learning_rate=0.1)
    optimizer.step([w], [g])
    np.testing.assert_allclose(w, 1.0 - 0.1 * g / (np.abs(g) + 1e-8), rtol=1e-14)


# --- golden trajectories against torch.optim ----------------------------------------------

SHAPES = [(3, 4), (4,), (2, 3, 2)]


def _problem(seed: int = 0):
    """Initial parameters and a fixed quadratic E = sum_k 1/2 h_k (w_k - c_k)^2 + 0.1 * sum sin(w_k)."""
    rng = np.random.default_rng(seed)
    initial = [rng.normal(size=shape) for shape in SHAPES]
    curvature = [rng.uniform(0.5, 2.0, size=shape) for shape in SHAPES]
    centre = [rng.normal(size=shape) for shape in SHAPES]

    def gradients(parameters):
        return [h * (w - c) + 0.1 * np.cos(w) for w, h, c in zip(parameters, curvature, centre, strict=True)]

    return initial, gradients


OPTIMIZER_CASES = [
    ("gd", lambda: nl.GradientDescent(learning_rate=0.1), lambda t, p: t.optim.SGD(p, lr=0.1)),
    ("sgd", lambda: nl.SGD(learning_rate=0.1), lambda t, p: t.optim.SGD(p, lr=0.1)),
    (
        "sgd_momentum",
        lambda: nl.SGD(learning_rate=0.05, momentum=0.9),
        lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.9),
    ),
    (
        "sgd_nesterov",
        lambda: nl.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
        lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    ),
    ("adam_default", lambda: nl.Adam(), lambda t, p: t.optim.Adam(p)),
    ("adam_lr", lambda: nl.Adam(learning_rate=0.05), lambda t, p: t.optim.Adam(p, lr=0.05)),
    (
        "adam_custom",
        lambda: nl.Adam(learning_rate=0.02, beta1=0.8, beta2=0.99, epsilon=1e-6),
        lambda t, p: t.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6),
    ),
]


@pytest.mark.parametrize(
    ("ours", "theirs"), [case[1:] for case in OPTIMIZER_CASES], ids=[case[0] for case in OPTIMIZER_CASES]
)
def test_twenty_steps_match_torch_optim(ours, theirs):
    torch = pytest.importorskip("torch")
    initial, gradients = _problem()
    parameters = [w.copy() for w in initial]
    originals = list(parameters)
    torch_parameters = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in initial]
    optimizer, torch_optimizer = ours(), theirs(torch, torch_parameters)

    for _ in range(20):
        # the same gradient numbers for both, computed from each side's current parameters
        optimizer.step(parameters, gradients(parameters))
        torch_gradients = gradients([p.detach().numpy() for p in torch_parameters])
        for p, g in zip(torch_parameters, torch_gradients, strict=True):
            p.grad = torch.tensor(g)
        torch_optimizer.step()

    assert optimizer.iterations == 20
    for k, start in enumerate(initial):
        assert parameters[k] is originals[k]  # updated in place
        assert not np.allclose(parameters[k], start)  # and actually moved
        expected = torch_parameters[k].detach().numpy()
        np.testing.assert_allclose(parameters[k], expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("ours", "_theirs"), [case[1:] for case in OPTIMIZER_CASES], ids=[case[0] for case in OPTIMIZER_CASES]
)
def test_float32_parameters_stay_float32(ours, _theirs):
    initial, gradients = _problem(1)
    parameters = [w.astype(np.float32) for w in initial]
    originals = list(parameters)
    optimizer = ours()
    for _ in range(3):
        optimizer.step(parameters, [g.astype(np.float32) for g in gradients(parameters)])
    for w, original in zip(parameters, originals, strict=True):
        assert w is original
        assert w.dtype == np.float32
    for slots in optimizer.state.values():
        for buffer in slots.values():
            assert buffer.dtype == np.float32


def test_reset_forgets_state():
    optimizer = nl.Adam(learning_rate=0.1)
    w = np.ones(2)
    optimizer.step([w], [np.ones(2)])
    optimizer.reset()
    assert optimizer.iterations == 0
    assert optimizer.state == {}
    # a reset optimizer repeats its first step exactly
    w2 = w.copy()
    optimizer.step([w2], [np.ones(2)])
    np.testing.assert_allclose(w - w2, 0.1 / (1 + 1e-8), rtol=1e-14)


def test_mismatched_parameter_and_gradient_lists():
    with pytest.raises(nl.ShapeError, match=r"Got 2 parameter arrays but 1 gradient arrays"):
        nl.SGD().step([np.zeros(1), np.zeros(1)], [np.zeros(1)])


# --- validation ---------------------------------------------------------------------------

BAD_LEARNING_RATES = [0, 0.0, -0.1, float("nan"), float("inf"), -float("inf"), "0.1", True, None]


@pytest.mark.parametrize("cls", [nl.GradientDescent, nl.SGD, nl.Adam])
@pytest.mark.parametrize("value", BAD_LEARNING_RATES, ids=repr)
def test_bad_learning_rate_is_refused(cls, value):
    message = "^" + re.escape(f"`learning_rate` must be a finite number > 0. Got {value!r}.") + "$"
    with pytest.raises(nl.ValidationError, match=message):
        cls(learning_rate=value)
    optimizer = cls(learning_rate=0.1)
    with pytest.raises(nl.ValidationError, match=message):
        optimizer.learning_rate = value
    assert optimizer.learning_rate == 0.1


def test_numpy_learning_rates_are_accepted():
    assert nl.SGD(learning_rate=np.float32(0.5)).learning_rate == 0.5
    assert type(nl.SGD(learning_rate=np.float64(0.5)).learning_rate) is float
    assert nl.SGD(learning_rate=2).learning_rate == 2.0


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5, float("nan"), "0.9", True])
def test_momentum_outside_zero_one_is_refused(momentum):
    with pytest.raises(nl.ValidationError, match=r"`momentum` must be a number in \[0\.0, 1\.0\)\. Got "):
        nl.SGD(learning_rate=0.1, momentum=momentum)


def test_nesterov_needs_momentum():
    with pytest.raises(nl.ValidationError, match=r"Nesterov momentum needs `momentum` > 0"):
        nl.SGD(learning_rate=0.1, nesterov=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"beta1": 1.0}, r"`beta1` must be a number in \[0\.0, 1\.0\)"),
        ({"beta2": -0.5}, r"`beta2` must be a number in \[0\.0, 1\.0\)"),
        ({"epsilon": 0.0}, r"`epsilon` must be a finite number > 0"),
    ],
)
def test_bad_adam_hyperparameters_are_refused(kwargs, message):
    with pytest.raises(nl.ValidationError, match=message):
        nl.Adam(**kwargs)


@pytest.mark.parametrize("learning_rate", [None, 0.1])
def test_get_optimizer_unknown_name_lists_valid_ones(learning_rate):
    with pytest.raises(nl.UnknownNameError, match=r"^Unknown optimizer 'lion'\. Valid names: ") as info:
        nl.get_optimizer("lion", learning_rate=learning_rate)
    listed = str(info.value).split("Valid names: ", 1)[1].rstrip(".").split(", ")
    assert listed == sorted(listed)
    assert {*OPTIMIZERS, "gradient_descent"} <= set(listed)


def test_get_optimizer_by_name_with_learning_rate():
    adam = nl.get_optimizer("adam", learning_rate=0.01)
    assert type(adam) is nl.Adam
    assert adam.get_config() == {
        "name": "adam",
        "learning_rate": 0.01,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
    }
    assert nl.get_optimizer("Adam").learning_rate == 0.001
    assert type(nl.get_optimizer("gradient-descent")) is nl.GradientDescent
    sgd = nl.get_optimizer("sgd", learning_rate=0.1)
    assert repr(sgd) == "SGD(learning_rate=0.1, momentum=0.0, nesterov=False)"
    given = nl.SGD(0.3, momentum=0.9)
    assert nl.get_optimizer(given) is given
    with pytest.raises(nl.ValidationError, match=r"`learning_rate` must be a finite number > 0\. Got -1\."):
        nl.get_optimizer("sgd", learning_rate=-1)


# --- initializers -------------------------------------------------------------------------


def _expected_std(name: str, shape: tuple[int, int]) -> float:
    fan_in, fan_out = shape
    return {
        "glorot_uniform": math.sqrt(6.0 / (fan_in + fan_out)) / math.sqrt(3.0),  # U(-l, l) has std l / sqrt 3
        "glorot_normal": math.sqrt(2.0 / (fan_in + fan_out)),
        "he_uniform": math.sqrt(6.0 / fan_in) / math.sqrt(3.0),
        "he_normal": math.sqrt(2.0 / fan_in),
        "normal": 0.05,
        "zeros": 0.0,
    }[name]


def test_registry_holds_the_six_initializers():
    course = {"glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "normal", "zeros"}
    assert course <= set(INITIALIZERS)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(400, 400), (400, 100)])
@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_initializer_shape_dtype_and_statistics(name, shape, dtype):
    initializer = nl.get_initializer(name)
    weights = initializer(shape, np.random.default_rng(42), dtype)
    assert weights.shape == shape
    assert weights.dtype == dtype
    expected = _expected_std(name, shape)
    if name == "zeros":
        np.testing.assert_array_equal(weights, 0.0)
        return
    std = float(weights.astype(np.float64).std())
    assert std == pytest.approx(expected, rel=0.05)  # n >= 40000: sampling error is well under 1%
    assert abs(float(weights.astype(np.float64).mean())) < 0.05 * expected
    if name.endswith("uniform"):
        limit = expected * math.sqrt(3.0)
        assert np.abs(weights).max() <= limit
        assert np.abs(weights).max() > 0.99 * limit  # it fills the interval


def test_uniform_bounds_use_fan_in_and_fan_out():
    rng = np.random.default_rng(0)
    glorot = nl.get_initializer("glorot_uniform")((300, 100), rng, np.float64)
    he = nl.get_initializer("he_uniform")((300, 100), rng, np.float64)
    # glorot: limit sqrt(6 / (300 + 100)) = 0.1225; he: limit sqrt(6 / 300) = 0.1414 (fan_in only)
    assert 0.99 * math.sqrt(6 / 400) < np.abs(glorot).max() <= math.sqrt(6 / 400)
    assert 0.99 * math.sqrt(6 / 300) < np.abs(he).max() <= math.sqrt(6 / 300)


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_same_seed_same_array(name):
    initializer = nl.get_initializer(name)
    first = initializer((20, 30), np.random.default_rng(123), np.float32)
    again = initializer((20, 30), np.random.default_rng(123), np.float32)
    np.testing.assert_array_equal(first, again)
    if name != "zeros":
        other = initializer((20, 30), np.random.default_rng(124), np.float32)
        assert not np.array_equal(first, other)


def test_normal_with_custom_stddev():
    weights = Normal(stddev=0.2)((400, 400), np.random.default_rng(1), np.float64)
    assert float(weights.std()) == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize("stddev", [-0.1, 0, float("nan"), "0.1"])
def test_normal_with_bad_stddev_is_refused(stddev):
    with pytest.raises(nl.ValidationError, match=r"`stddev` must be a finite number > 0\. Got "):
        Normal(stddev=stddev)


def test_unknown_initializer_lists_valid_ones():
    valid = ", ".join(sorted(INITIALIZERS))
    message = rf"^Unknown initializer 'xavier'\. Valid names: {valid}\.$"
    with pytest.raises(nl.UnknownNameError, match=message):
        nl.get_initializer("xavier")


@pytest.mark.parametrize("make", [lambda: nl.Adam(), lambda: nl.SGD(0.1, momentum=0.9)])
def test_state_for_other_parameters_is_an_error_not_a_broadcast(make):
    optimizer = make()
    optimizer.step([np.zeros(6)], [np.ones(6)])
    with pytest.raises(nl.ShapeError, match=r"state for a parameter of shape \(6,\).*optimizer.reset\(\)"):
        optimizer.step([np.zeros((2, 3))], [np.ones((2, 3))])
    optimizer.reset()
    optimizer.step([np.zeros((2, 3))], [np.ones((2, 3))])  # fresh state fits the new shapes


def test_passing_the_optimizer_class_says_to_call_it():
    network = nl.Sequential([nl.Dense(1, input_dim=2)])
    with pytest.raises(
        nl.ValidationError,
        match=r"^An optimizer must be a name \(str\) or an instance of "
        r"Optimizer\. Got the class Adam itself: call it, e\.g\. Adam\(\)\.$",
    ):
        network.fit(np.zeros((4, 2)), np.zeros(4), loss="mse", optimizer=nl.Adam, epochs=1)
