"""The seven activations: hand values, derivatives, kinks, stability, registry, PyTorch.

Hand values use inputs whose results are exact fractions: sigmoid(ln 3) = 3 / (3 + 1) = 0.75,
tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6, softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import neuralab as nl
from neuralab.activations import ACTIVATIONS, activation_from_config

ALL_NAMES = ["sigmoid", "tanh", "relu", "softmax", "binary_step", "linear", "leaky_relu"]
ELEMENTWISE = ["sigmoid", "tanh", "relu", "binary_step", "linear", "leaky_relu"]


def _all_activations() -> list[nl.Activation]:
    """Every registered activation, plus leaky_relu with a custom alpha."""
    return [nl.get_activation(name) for name in ALL_NAMES] + [nl.LeakyReLU(alpha=0.2)]


ACTIVATION_IDS = [*ALL_NAMES, "leaky_relu_0.2"]
ELEMENTWISE_PARAMS = [
    pytest.param(activation, id=name)
    for name, activation in zip(ACTIVATION_IDS, _all_activations(), strict=True)
    if activation.elementwise
]


def _away_from_kinks(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Random float64 inputs in [-4, 4] with |z| >= 0.1 (relu, leaky_relu, step have a kink at 0)."""
    z = rng.uniform(0.1, 4.0, size=shape)
    return z * rng.choice([-1.0, 1.0], size=shape)


def _central_difference_elementwise(f, z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    return (f(z + h) - f(z - h)) / (2 * h)


def _central_difference_jacobian(f, z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """J[s, i, j] = d f(z)[s, i] / d z[s, j] for a row-wise function f."""
    n, k = z.shape
    jac = np.empty((n, k, k))
    for j in range(k):
        step = np.zeros_like(z)
        step[:, j] = h
        jac[:, :, j] = (f(z + step) - f(z - step)) / (2 * h)
    return jac


# --- the registry -------------------------------------------------------------------------


def test_registry_holds_the_seven_activations_of_the_notes():
    assert sorted(ACTIVATIONS) == sorted(ALL_NAMES)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_get_activation_by_name_and_by_object(name):
    by_name = nl.get_activation(name)
    assert isinstance(by_name, ACTIVATIONS[name])
    assert by_name.name == name
    assert nl.get_activation(by_name) is by_name


@pytest.mark.parametrize(
    ("spelling", "cls"),
    [
        ("Leaky-ReLU", nl.LeakyReLU),
        (" leaky relu ", nl.LeakyReLU),
        ("SIGMOID", nl.Sigmoid),
        ("Binary-Step", nl.BinaryStep),
        ("Softmax", nl.Softmax),
    ],
)
def test_names_are_normalised(spelling, cls):
    assert type(nl.get_activation(spelling)) is cls


def test_none_means_linear():
    assert isinstance(nl.get_activation(None), nl.Linear)


def test_unknown_name_lists_the_valid_ones():
    valid = ", ".join(sorted(ALL_NAMES))
    message = rf"Unknown activation 'nope'\. Valid names: {valid}\."
    with pytest.raises(nl.UnknownNameError, match=message) as info:
        nl.get_activation("nope")
    assert isinstance(info.value, nl.ValidationError)
    assert isinstance(info.value, KeyError)
    assert not str(info.value).startswith("'")  # readable, not KeyError's quoted repr


@pytest.mark.parametrize("value", [3, 0.5, ["relu"]])
def test_non_str_non_activation_is_a_validation_error(value):
    message = r"^An activation must be a name \(str\) or an object of type Activation\. Got "
    with pytest.raises(nl.ValidationError, match=message):
        nl.get_activation(value)


def test_the_activation_class_itself_says_to_call_it():
    with pytest.raises(nl.ValidationError, match=r"the class Sigmoid itself: call it, e\.g\. Sigmoid\(\)"):
        nl.get_activation(nl.Sigmoid)


def test_default_and_custom_leaky_relu_alpha():
    assert nl.get_activation("leaky_relu").alpha == 0.01
    assert nl.LeakyReLU(alpha=0.2).alpha == 0.2
    assert nl.LeakyReLU(0.2) != nl.LeakyReLU()
    assert nl.LeakyReLU(0.2) == nl.LeakyReLU(alpha=0.2)


@pytest.mark.parametrize("alpha", [-0.1, float("nan"), float("inf"), "0.1", True])
def test_bad_leaky_relu_alpha_is_rejected(alpha):
    with pytest.raises(nl.ValidationError, match=r"`alpha` must be a finite number >= 0\. Got "):
        nl.LeakyReLU(alpha=alpha)


@pytest.mark.parametrize("activation", _all_activations(), ids=ACTIVATION_IDS)
def test_config_round_trip(activation):
    rebuilt = activation_from_config(activation.get_config())
    assert rebuilt == activation
    assert type(rebuilt) is type(activation)


@pytest.mark.parametrize("activation", _all_activations(), ids=ACTIVATION_IDS)
def test_descriptive_attributes_are_present(activation):
    for attribute in ("name", "formula", "derivative_formula", "output_range"):
        value = getattr(activation, attribute)
        assert isinstance(value, str)
        assert value.strip(), f"{type(activation).__name__}.{attribute} is empty"
    assert type(activation).__doc__
    assert activation.elementwise is (activation.name != "softmax")
    assert activation.trainable is (activation.name != "binary_step")


# --- values and derivatives against hand numbers --------------------------------------------


def test_sigmoid_hand_values():
    sigmoid = nl.get_activation("sigmoid")
    z = np.array([[0.0, math.log(3.0), -math.log(3.0)]])
    np.testing.assert_allclose(sigmoid(z), [[0.5, 0.75, 0.25]], rtol=1e-15)
    # sigma' = sigma (1 - sigma): 0.5 * 0.5, 0.75 * 0.25, 0.25 * 0.75
    np.testing.assert_allclose(sigmoid.derivative(z), [[0.25, 0.1875, 0.1875]], rtol=1e-15)


def test_tanh_hand_values():
    tanh = nl.get_activation("tanh")
    z = np.array([[0.0, math.log(2.0), -math.log(2.0)]])
    np.testing.assert_allclose(tanh(z), [[0.0, 0.6, -0.6]], rtol=1e-15, atol=1e-300)
    # tanh' = 1 - tanh^2: 1, 1 - 0.36, 1 - 0.36
    np.testing.assert_allclose(tanh.derivative(z), [[1.0, 0.64, 0.64]], rtol=1e-15)


@pytest.mark.parametrize(
    ("activation", "values", "derivatives"),
    [
        (nl.ReLU(), [0.0, 0.0, 0.0, 3.0], [0.0, 0.0, 0.0, 1.0]),
        (nl.LeakyReLU(), [-0.02, -0.005, 0.0, 3.0], [0.01, 0.01, 0.01, 1.0]),
        (nl.LeakyReLU(alpha=0.2), [-0.4, -0.1, 0.0, 3.0], [0.2, 0.2, 0.2, 1.0]),
        (nl.BinaryStep(), [0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]),
        (nl.Linear(), [-2.0, -0.5, 0.0, 3.0], [1.0, 1.0, 1.0, 1.0]),
    ],
    ids=["relu", "leaky_relu", "leaky_relu_0.2", "binary_step", "linear"],
)
def test_piecewise_hand_values(activation, values, derivatives):
    z = np.array([[-2.0, -0.5, 0.0, 3.0]])
    np.testing.assert_allclose(activation(z), [values], rtol=1e-15)
    np.testing.assert_array_equal(activation.derivative(z), [derivatives])


def test_softmax_hand_values():
    softmax = nl.get_activation("softmax")
    e = [math.exp(1.0), math.exp(2.0), math.exp(3.0)]
    total = sum(e)
    np.testing.assert_allclose(softmax(np.array([[1.0, 2.0, 3.0]])), [[v / total for v in e]], rtol=1e-15)
    z = np.array([[0.0, math.log(2.0), math.log(3.0)]])
    np.testing.assert_allclose(softmax(z), [[1 / 6, 2 / 6, 3 / 6]], rtol=1e-15)
    # Jacobian a_i (delta_ij - a_j) with a = [1, 2, 3] / 6, in units of 1/36.
    expected = np.array([[5.0, -2.0, -3.0], [-2.0, 8.0, -6.0], [-3.0, -6.0, 9.0]]) / 36
    np.testing.assert_allclose(softmax.derivative(z), expected[None], rtol=1e-14)


def test_softmax_rows_are_independent_and_sum_to_one():
    softmax = nl.Softmax()
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-5.0, 10.0, 2.5]])
    a = softmax(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(a[1], [1 / 3, 1 / 3, 1 / 3], rtol=1e-15)
    for row in range(3):
        np.testing.assert_allclose(softmax(z[row : row + 1]), a[row : row + 1], rtol=1e-15)


# --- derivatives against finite differences (float64) --------------------------------------


@pytest.mark.parametrize("activation", ELEMENTWISE_PARAMS)
def test_elementwise_derivative_matches_central_differences(activation):
    rng = np.random.default_rng(0)
    z = _away_from_kinks(rng, (6, 5))
    numeric = _central_difference_elementwise(activation.forward, z)
    np.testing.assert_allclose(activation.derivative(z), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("activation", ELEMENTWISE_PARAMS)
def test_elementwise_backward_is_grad_times_derivative(activation):
    rng = np.random.default_rng(1)
    z = rng.normal(size=(6, 5)) * 3
    z[0, :] = 0.0  # the kinks too: backward must agree with derivative there
    grad = rng.normal(size=z.shape)
    a = activation.forward(z)
    np.testing.assert_allclose(activation.backward(grad, z, a), grad * activation.derivative(z), rtol=1e-15)


def test_softmax_jacobian_matches_central_differences():
    softmax = nl.Softmax()
    z = np.random.default_rng(2).normal(size=(4, 5)) * 2
    numeric = _central_difference_jacobian(softmax.forward, z)
    np.testing.assert_allclose(softmax.derivative(z), numeric, rtol=1e-7, atol=1e-10)


def test_softmax_backward_is_the_vector_jacobian_product():
    softmax = nl.Softmax()
    rng = np.random.default_rng(3)
    z = rng.normal(size=(4, 5)) * 2
    grad = rng.normal(size=z.shape)
    a = softmax.forward(z)
    vjp = softmax.backward(grad, z, a)
    # dE/dz_j = sum_i dE/da_i * da_i/dz_j
    expected = np.einsum("si,sij->sj", grad, softmax.derivative(z))
    np.testing.assert_allclose(vjp, expected, rtol=1e-12, atol=1e-15)
    # and against finite differences of the scalar E = sum(grad * softmax(z))
    h = 1e-6
    numeric = np.empty_like(z)
    for index in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[index] = h
        numeric[index] = (np.sum(grad * softmax(z + step)) - np.sum(grad * softmax(z - step))) / (2 * h)
    np.testing.assert_allclose(vjp, numeric, rtol=1e-7, atol=1e-9)


# --- kinks -------------------------------------------------------------------------------


def test_kink_conventions():
    zero = np.zeros((1, 3))
    grad = np.array([[2.0, -3.0, 0.5]])
    np.testing.assert_array_equal(nl.ReLU().derivative(zero), 0.0)
    np.testing.assert_array_equal(nl.ReLU().backward(grad, zero, nl.ReLU()(zero)), 0.0)
    for alpha in (0.01, 0.2):
        leaky = nl.LeakyReLU(alpha=alpha)
        np.testing.assert_array_equal(leaky.derivative(zero), alpha)
        np.testing.assert_array_equal(leaky.backward(grad, zero, leaky(zero)), grad * alpha)
    step = nl.BinaryStep()
    np.testing.assert_array_equal(step(zero), 1.0)
    np.testing.assert_array_equal(step.backward(grad, zero, step(zero)), 0.0)


def test_binary_step_derivative_is_zero_everywhere():
    z = np.concatenate([np.linspace(-1e3, 1e3, 101), [0.0, -0.0, 1e-300, -1e-300]])[None, :]
    step = nl.BinaryStep()
    np.testing.assert_array_equal(step.derivative(z), 0.0)
    np.testing.assert_array_equal(step(z), (z >= 0).astype(float))
    assert step(np.array([[-1e-300]]))[0, 0] == 0.0
    assert step(np.array([[-0.0]]))[0, 0] == 1.0  # -0.0 >= 0


# --- stability at extreme inputs, dtype preservation ----------------------------------------

LIMITS = {
    # name: f([-big, 0, big]) exactly
    "sigmoid": lambda big: [0.0, 0.5, 1.0],
    "tanh": lambda big: [-1.0, 0.0, 1.0],
    "relu": lambda big: [0.0, 0.0, big],
    "binary_step": lambda big: [0.0, 1.0, 1.0],
    "linear": lambda big: [-big, 0.0, big],
    "leaky_relu": lambda big: [-0.01 * big, 0.0, big],
}
DERIVATIVE_LIMITS = {
    "sigmoid": [0.0, 0.25, 0.0],
    "tanh": [0.0, 1.0, 0.0],
    "relu": [0.0, 0.0, 1.0],
    "binary_step": [0.0, 0.0, 0.0],
    "linear": [1.0, 1.0, 1.0],
    "leaky_relu": [0.01, 0.01, 1.0],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("big", [1000.0, 1e30])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_extremes_are_finite_and_correct(name, big, dtype):
    activation = nl.get_activation(name)
    z = np.array([[-big, 0.0, big]], dtype=dtype)
    grad = np.ones_like(z)
    a = activation.forward(z)
    derivative = activation.derivative(z)
    backward = activation.backward(grad, z, a)
    for out in (a, derivative, backward):
        assert out.dtype == dtype
        assert out.shape == z.shape
        assert np.isfinite(out).all()
    np.testing.assert_allclose(a, [LIMITS[name](dtype(big))], rtol=1e-6)
    np.testing.assert_array_equal(derivative, np.array([DERIVATIVE_LIMITS[name]], dtype=dtype))
    np.testing.assert_array_equal(backward, derivative)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("big", [1000.0, 1e30])
def test_softmax_extremes_are_one_hot(big, dtype):
    softmax = nl.Softmax()
    z = np.array([[big, 0.0, -big], [-big, -big, big], [big, big, -big]], dtype=dtype)
    a = softmax(z)
    jacobian = softmax.derivative(z)
    backward = softmax.backward(np.arange(9, dtype=dtype).reshape(3, 3), z, a)
    for out in (a, jacobian, backward):
        assert out.dtype == dtype
        assert np.isfinite(out).all()
    np.testing.assert_array_equal(a, [[1, 0, 0], [0, 0, 1], [0.5, 0.5, 0]])
    np.testing.assert_array_equal(jacobian[:2], 0.0)  # saturated rows: no gradient
    np.testing.assert_array_equal(backward[:2], 0.0)
    # the tied row: a = [1/2, 1/2, 0], grad = [6, 7, 8] -> a * (g - (3 + 3.5)) = [-0.25, 0.25, 0]
    np.testing.assert_array_equal(backward[2], [-0.25, 0.25, 0.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", _all_activations(), ids=ACTIVATION_IDS)
def test_dtype_is_preserved_on_ordinary_inputs(activation, dtype):
    z = np.random.default_rng(4).normal(size=(3, 4)).astype(dtype)
    a = activation.forward(z)
    assert a.dtype == dtype
    assert activation.derivative(z).dtype == dtype
    assert activation.backward(np.ones_like(z), z, a).dtype == dtype


def test_sigmoid_is_accurate_far_into_the_tails():
    """The two-branch form keeps e^-|z| relative accuracy where 1/(1+e^-z) would round to 0."""
    z = np.array([[-30.0, -700.0]])
    np.testing.assert_allclose(
        nl.Sigmoid()(z), [[math.exp(-30.0) / (1 + math.exp(-30.0)), math.exp(-700.0)]], rtol=1e-14
    )


# --- properties (hypothesis) ----------------------------------------------------------------

_finite_rows = arrays(
    np.float64,
    st.tuples(st.integers(1, 4), st.integers(1, 6)),
    elements=st.floats(-50, 50, allow_nan=False, allow_infinity=False),
)


@given(_finite_rows, st.floats(-100, 100, allow_nan=False))
def test_softmax_is_shift_invariant_and_a_distribution(z, shift):
    softmax = nl.Softmax()
    a = softmax(z)
    assert np.all(a >= 0)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(softmax(z + shift), a, rtol=1e-9, atol=1e-300)


@given(_finite_rows)
def test_sigmoid_symmetry_and_tanh_relation(z):
    sigmoid = nl.Sigmoid()
    np.testing.assert_allclose(sigmoid(-z), 1.0 - sigmoid(z), rtol=1e-12, atol=1e-15)
    # tanh(z) = 2 sigma(2z) - 1
    np.testing.assert_allclose(nl.Tanh()(z), 2.0 * sigmoid(2.0 * z) - 1.0, atol=1e-14)


# --- against PyTorch (float64, 1e-12) ------------------------------------------------------


def _torch():
    return pytest.importorskip("torch")


def _torch_reference(name: str, alpha: float):
    torch = _torch()
    functional = torch.nn.functional
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "softmax": lambda x: torch.softmax(x, dim=1),
        "linear": lambda x: x,
        "leaky_relu": lambda x: functional.leaky_relu(x, negative_slope=alpha),
    }[name]


def _random_with_zeros(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(7, 5)) * 3
    z[rng.random(z.shape) < 0.2] = 0.0  # exact zeros: the kinks are compared too
    return z


@pytest.mark.parametrize(
    "activation",
    [nl.Sigmoid(), nl.Tanh(), nl.ReLU(), nl.Softmax(), nl.Linear(), nl.LeakyReLU(), nl.LeakyReLU(alpha=0.2)],
    ids=["sigmoid", "tanh", "relu", "softmax", "linear", "leaky_relu", "leaky_relu_0.2"],
)
def test_forward_and_backward_match_torch(activation):
    torch = _torch()
    z = _random_with_zeros(5)
    assert (z == 0).any()
    grad = np.random.default_rng(6).normal(size=z.shape)
    reference = _torch_reference(activation.name, getattr(activation, "alpha", 0.0))

    z_t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    a_t = reference(z_t)
    a_t.backward(torch.tensor(grad, dtype=torch.float64))

    a = activation.forward(z)
    np.testing.assert_allclose(a, a_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    expected_grad = z_t.grad.numpy()
    np.testing.assert_allclose(activation.backward(grad, z, a), expected_grad, rtol=1e-12, atol=1e-12)
    if activation.elementwise:
        np.testing.assert_allclose(grad * activation.derivative(z), expected_grad, rtol=1e-12, atol=1e-12)
    else:
        jacobian = torch.autograd.functional.jacobian(reference, torch.tensor(z[:2]))  # (2, k, 2, k)
        per_sample = torch.stack([jacobian[s, :, s, :] for s in range(2)]).numpy()
        np.testing.assert_allclose(activation.derivative(z[:2]), per_sample, rtol=1e-12, atol=1e-12)


def test_derivative_at_zero_matches_torch_autograd():
    torch = _torch()
    for activation in (nl.ReLU(), nl.LeakyReLU(), nl.LeakyReLU(alpha=0.2), nl.Sigmoid(), nl.Tanh()):
        z_t = torch.zeros((1, 1), dtype=torch.float64, requires_grad=True)
        _torch_reference(activation.name, getattr(activation, "alpha", 0.0))(z_t).sum().backward()
        assert activation.derivative(np.zeros((1, 1)))[0, 0] == z_t.grad.item(), activation.name


def test_binary_step_matches_torch_heaviside():
    torch = _torch()
    z = _random_with_zeros(7)
    expected = torch.heaviside(torch.tensor(z), torch.tensor(1.0, dtype=torch.float64)).numpy()
    np.testing.assert_array_equal(nl.BinaryStep()(z), expected)


def test_hot_path_constants_keep_numpy_promotion_for_other_dtypes():
    """Activations use 0-d float32/float64 constants (neuralab._scalars) instead of Python
    floats; other input dtypes must still promote as NumPy does (an int array -> float64),
    and the constants themselves cannot be changed in place."""
    from neuralab._scalars import ONE

    a = np.array([[0, 1]], dtype=np.int64)
    grad = np.ones((1, 2), dtype=np.int64)
    out = nl.get_activation("tanh").backward(grad, a, a)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1.0, 0.0]])
    half = np.array([[0.5]], dtype=np.float16)
    assert nl.get_activation("sigmoid").backward(half, half, half).dtype == np.float16
    with pytest.raises(ValueError, match="read-only"):
        ONE[np.dtype(np.float32)] += 1


@pytest.mark.parametrize(("dtype", "big"), [(np.float64, 1e308), (np.float32, 3e38)])
def test_softmax_of_a_row_spanning_the_whole_float_range_is_exact_without_warnings(dtype, big):
    # z - max(z) = -2 * big overflows to -inf; exp(-inf) = 0 is the exact answer, so no
    # overflow may be reported (conftest turns it into FloatingPointError, and warnings into errors).
    z = np.array([[big, -big, 0.0], [0.0, np.log(2.0), np.log(3.0)]], dtype=dtype)
    with np.errstate(over="raise"):
        a = nl.Softmax().forward(z)
    assert a.dtype == dtype
    np.testing.assert_array_equal(a[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(a[1], np.array([1.0, 2.0, 3.0]) / 6, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_numerator_is_the_step_of_z_bit_for_bit(dtype):
    """The hot path writes sigmoid's numerator as max(e, sign(z)) with e = exp(-|z|): it must
    be exactly max(e, [z >= 0]) (1 for z >= 0, e below), at signed zeros, the smallest
    subnormals, the tails and NaN too, so training keeps the same bits."""
    tiny = np.finfo(dtype).smallest_subnormal
    z = np.array([[-0.0, 0.0, tiny, -tiny, 1e-3, -1e-3, 20.0, -20.0, 200.0, -200.0, np.nan, np.inf, -np.inf]])
    z = z.astype(dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        e = np.exp(-np.abs(z))
        expected = np.maximum(e, z >= 0) / (1 + e)
        got = nl.Sigmoid().forward(z)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.view(np.uint8), expected.astype(dtype).view(np.uint8))
    assert got[0, 0] == got[0, 1] == 0.5 and got[0, -2] == 1.0 and got[0, -1] == 0.0


@pytest.mark.parametrize("dtype", [np.int64, np.float16, np.float32, np.float64])
def test_relu_keeps_the_input_dtype_and_masks_at_zero(dtype):
    """ReLU compares against a 0-d zero of float32/float64 (neuralab._scalars) and against the
    Python 0 for any other dtype, so NumPy's own promotion still decides the result's dtype."""
    z = np.array([[-3, 0, 2]], dtype=dtype)
    relu = nl.ReLU()
    a = relu.forward(z)
    assert a.dtype == dtype
    np.testing.assert_array_equal(a, [[0, 0, 2]])
    grad = np.array([[5, 6, 7]], dtype=dtype)
    np.testing.assert_array_equal(relu.backward(grad, z, a), [[0, 0, 7]])  # relu'(0) = 0
