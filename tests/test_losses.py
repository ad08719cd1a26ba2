"""Losses: values and gradients against hand numbers, finite differences and PyTorch;
target preparation rules; output-activation pairing; dtype preservation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import neuralab as nl
from neuralab.activations import ACTIVATIONS

LOSS_NAMES = ["sum_squared_error", "half_squared_error", "mse", "cross_entropy", "binary_cross_entropy"]

# One small regression case used by the three squared errors:
# output - target = [[1, 0], [2, 3]], so sum (a - y)^2 = 1 + 0 + 4 + 9 = 14 over N = 4 elements.
OUTPUT = np.array([[1.0, 2.0], [3.0, 4.0]])
TARGET = np.array([[0.0, 2.0], [1.0, 1.0]])
DIFF = OUTPUT - TARGET


def _central_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f(x) / d x for a scalar function of an array, by central differences."""
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def _torch():
    return pytest.importorskip("torch")


# --- the registry -------------------------------------------------------------------------


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_get_loss_by_name_and_object(name):
    loss = nl.get_loss(name)
    assert loss.name == name
    assert nl.get_loss(loss) is loss
    assert loss.formula


@pytest.mark.parametrize(
    ("alias", "cls"),
    [
        ("mean_squared_error", nl.MeanSquaredError),
        ("categorical_cross_entropy", nl.CrossEntropy),
        ("bce", nl.BinaryCrossEntropy),
        ("sse", nl.SumSquaredError),
        ("Cross-Entropy", nl.CrossEntropy),
        ("MSE", nl.MeanSquaredError),
    ],
)
def test_aliases_and_spellings(alias, cls):
    assert type(nl.get_loss(alias)) is cls


def test_unknown_loss_lists_valid_names():
    valid = (
        "bce, binary_cross_entropy, categorical_cross_entropy, cross_entropy, half_squared_error, "
        "mean_squared_error, mse, sse, sum_squared_error"
    )
    with pytest.raises(nl.UnknownNameError, match=rf"Unknown loss 'hinge'\. Valid names: {valid}\."):
        nl.get_loss("hinge")


def test_non_str_loss_is_a_validation_error():
    message = r"must be a name \(str\) or an object of type Loss\. Got int: 3"
    with pytest.raises(nl.ValidationError, match=message):
        nl.get_loss(3)


# --- hand numbers -------------------------------------------------------------------------


def test_sum_squared_error_by_hand():
    loss = nl.SumSquaredError()
    assert loss.value(OUTPUT, TARGET) == 14.0
    assert loss(OUTPUT, TARGET) == 14.0
    np.testing.assert_array_equal(loss.gradient(OUTPUT, TARGET), [[2.0, 0.0], [4.0, 6.0]])
    assert loss.reduction == "sum"


def test_half_squared_error_by_hand():
    loss = nl.HalfSquaredError()
    assert loss.value(OUTPUT, TARGET) == 7.0
    np.testing.assert_array_equal(loss.gradient(OUTPUT, TARGET), DIFF)
    assert loss.reduction == "sum"


def test_half_squared_error_matches_the_notes_single_output():
    """E = 1/2 (T - a)^2 with T = 0.25, a = 0.75: E = 1/2 * 0.25 = 0.125, dE/da = a - T = 0.5."""
    loss = nl.HalfSquaredError()
    assert loss.value(np.array([[0.75]]), np.array([[0.25]])) == 0.125
    np.testing.assert_array_equal(loss.gradient(np.array([[0.75]]), np.array([[0.25]])), [[0.5]])


def test_mse_by_hand():
    loss = nl.MeanSquaredError()
    assert loss.value(OUTPUT, TARGET) == 3.5  # 14 / 4
    np.testing.assert_array_equal(loss.gradient(OUTPUT, TARGET), DIFF / 2)  # 2 (a - y) / 4
    assert loss.reduction == "mean"


def test_cross_entropy_by_hand():
    loss = nl.CrossEntropy()
    p = np.array([[0.25, 0.5, 0.25], [0.1, 0.2, 0.7]])
    y = loss.prepare_target(np.array([1, 2]), 3, np.float64)
    np.testing.assert_array_equal(y, [[0, 1, 0], [0, 0, 1]])
    # E = -(ln 0.5 + ln 0.7) / 2
    assert loss.value(p, y) == pytest.approx(-(math.log(0.5) + math.log(0.7)) / 2, rel=1e-15)
    # dE/dp = -y / (p n): -1 / (0.5 * 2) = -1, -1 / (0.7 * 2)
    np.testing.assert_allclose(loss.gradient(p, y), [[0, -1.0, 0], [0, 0, -1 / 1.4]], rtol=1e-15)
    # dE/dz = (p - y) / n
    np.testing.assert_allclose(
        loss.preactivation_gradient(p, y), [[0.125, -0.25, 0.125], [0.05, 0.1, -0.15]], rtol=1e-14
    )


def test_binary_cross_entropy_by_hand():
    loss = nl.BinaryCrossEntropy()
    p = np.array([[0.8], [0.4]])
    y = loss.prepare_target(np.array([1, 0]), 1, np.float64)
    assert y.shape == (2, 1)
    # E = -(ln 0.8 + ln 0.6) / 2
    assert loss.value(p, y) == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2, rel=1e-15)
    # dE/dp = (p - y) / (p (1 - p) N): -0.2 / (0.16 * 2) = -0.625, 0.4 / (0.24 * 2) = 5/6
    np.testing.assert_allclose(loss.gradient(p, y), [[-0.625], [5 / 6]], rtol=1e-14)
    np.testing.assert_allclose(loss.preactivation_gradient(p, y), [[-0.1], [0.2]], rtol=1e-15)


def test_binary_cross_entropy_clips_logs_at_minus_100():
    loss = nl.BinaryCrossEntropy()
    # p = 0 for a positive and p = 1 for a negative: each term is -(-100); mean over 2 -> 100
    assert loss.value(np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])) == 100.0
    # perfect predictions cost nothing and stay finite
    assert loss.value(np.array([[1.0], [0.0]]), np.array([[1.0], [0.0]])) == 0.0
    assert np.isfinite(loss.gradient(np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]]))).all()


def test_cross_entropy_with_zero_probability_is_finite():
    loss = nl.CrossEntropy()
    p = np.array([[1.0, 0.0]])
    y = np.array([[0.0, 1.0]])
    assert loss.value(p, y) == pytest.approx(-math.log(np.finfo(np.float64).tiny))
    assert np.isfinite(loss.gradient(p, y)).all()


# --- finite differences (float64) ---------------------------------------------------------


def _fd_case(name: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if name == "cross_entropy":
        output = nl.Softmax()(rng.normal(size=(5, 4)))
        target = np.eye(4)[rng.integers(0, 4, size=5)]
    elif name == "binary_cross_entropy":
        output = rng.uniform(0.05, 0.95, size=(5, 3))
        target = rng.integers(0, 2, size=(5, 3)).astype(float)
    else:
        output = rng.normal(size=(5, 3))
        target = rng.normal(size=(5, 3))
    return output, target


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_gradient_matches_central_differences(name):
    loss = nl.get_loss(name)
    output, target = _fd_case(name, np.random.default_rng(10))
    numeric = _central_difference(lambda a: loss.value(a, target), output)
    np.testing.assert_allclose(loss.gradient(output, target), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    ("name", "activation"), [("cross_entropy", nl.Softmax()), ("binary_cross_entropy", nl.Sigmoid())]
)
def test_fused_gradient_matches_central_differences_through_the_activation(name, activation):
    loss = nl.get_loss(name)
    rng = np.random.default_rng(11)
    z = rng.normal(size=(5, 4)) * 2
    target = (
        np.eye(4)[rng.integers(0, 4, size=5)]
        if name == "cross_entropy"
        else (rng.integers(0, 2, size=z.shape).astype(float))
    )
    numeric = _central_difference(lambda zz: loss.value(activation(zz), target), z)
    np.testing.assert_allclose(
        loss.preactivation_gradient(activation(z), target), numeric, rtol=1e-6, atol=1e-10
    )


@pytest.mark.parametrize(
    ("name", "activation"), [("cross_entropy", nl.Softmax()), ("binary_cross_entropy", nl.Sigmoid())]
)
def test_unfused_gradient_through_backward_equals_fused(name, activation):
    loss = nl.get_loss(name)
    rng = np.random.default_rng(12)
    z = rng.normal(size=(6, 3)) * 3
    if name == "cross_entropy":
        # one-hot rows and soft (probability) rows: both sum to 1
        target = np.vstack([np.eye(3)[rng.integers(0, 3, size=3)], rng.dirichlet(np.ones(3), size=3)])
    else:
        target = rng.uniform(0.0, 1.0, size=z.shape)
    a = activation(z)
    unfused = activation.backward(loss.gradient(a, target), z, a)
    np.testing.assert_allclose(unfused, loss.preactivation_gradient(a, target), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["sum_squared_error", "half_squared_error", "mse"])
def test_squared_errors_have_no_fused_gradient(name):
    with pytest.raises(NotImplementedError, match="no fused gradient"):
        nl.get_loss(name).preactivation_gradient(OUTPUT, TARGET)


# --- against PyTorch (float64) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("loss", "reduction", "scale"),
    [
        (nl.MeanSquaredError(), "mean", 1.0),
        (nl.SumSquaredError(), "sum", 1.0),
        (nl.HalfSquaredError(), "sum", 0.5),
    ],
    ids=["mse", "sum_squared_error", "half_squared_error"],
)
def test_squared_errors_match_torch_mse_loss(loss, reduction, scale):
    torch = _torch()
    rng = np.random.default_rng(13)
    output, target = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    output_t = torch.tensor(output, requires_grad=True)
    expected = scale * torch.nn.MSELoss(reduction=reduction)(output_t, torch.tensor(target))
    expected.backward()
    assert loss.value(output, target) == pytest.approx(expected.item(), rel=1e-12)
    expected_grad = output_t.grad.numpy()
    np.testing.assert_allclose(loss.gradient(output, target), expected_grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("target_kind", ["indices", "one_hot"])
def test_cross_entropy_matches_torch_on_logits(target_kind):
    torch = _torch()
    rng = np.random.default_rng(14)
    logits = rng.normal(size=(9, 4)) * 3
    labels = rng.integers(0, 4, size=9)
    loss = nl.CrossEntropy()
    y = loss.prepare_target(labels if target_kind == "indices" else np.eye(4)[labels], 4, np.float64)
    p = nl.Softmax()(logits)

    logits_t = torch.tensor(logits, requires_grad=True)
    target_t = torch.tensor(labels) if target_kind == "indices" else torch.tensor(np.eye(4)[labels])
    expected = torch.nn.functional.cross_entropy(logits_t, target_t)
    expected.backward()

    assert loss.value(p, y) == pytest.approx(expected.item(), rel=1e-12)
    expected_grad = logits_t.grad.numpy()
    np.testing.assert_allclose(loss.preactivation_gradient(p, y), expected_grad, rtol=1e-12, atol=1e-15)


def test_binary_cross_entropy_matches_torch_bce_with_sigmoid():
    torch = _torch()
    rng = np.random.default_rng(15)
    z = rng.normal(size=(7, 2)) * 2
    y = rng.integers(0, 2, size=z.shape).astype(float)
    loss = nl.BinaryCrossEntropy()
    p = nl.Sigmoid()(z)

    z_t = torch.tensor(z, requires_grad=True)
    p_t = torch.sigmoid(z_t)
    p_t.retain_grad()
    expected = torch.nn.BCELoss()(p_t, torch.tensor(y))
    expected.backward()

    assert loss.value(p, y) == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(p, y), p_t.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(loss.preactivation_gradient(p, y), z_t.grad.numpy(), rtol=1e-12, atol=1e-15)


# --- prepare_target -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sum_squared_error", "half_squared_error", "mse", "binary_cross_entropy"])
def test_one_dimensional_target_for_one_output_unit(name):
    y = nl.get_loss(name).prepare_target([0, 1, 1, 0], 1, np.float32)
    assert y.shape == (4, 1)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y[:, 0], [0, 1, 1, 0])


@pytest.mark.parametrize("name", ["mse", "binary_cross_entropy"])
def test_one_dimensional_target_for_several_outputs_is_refused(name):
    with pytest.raises(
        nl.ShapeError,
        match=r"`y` is 1-D \(shape \(4,\)\) but the network has 3 outputs\. "
        r"Give `y` the shape \(n_samples, 3\), or use the cross_entropy",
    ):
        nl.get_loss(name).prepare_target(np.zeros(4), 3, np.float64)


def test_class_indices_become_one_hot_rows():
    y = nl.CrossEntropy().prepare_target(np.array([2, 0, 1, 2]), 3, np.float32)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    # whole-number floats are class indices too
    np.testing.assert_array_equal(
        nl.CrossEntropy().prepare_target(np.array([2.0, 0.0]), 3, np.float64), [[0, 0, 1], [1, 0, 0]]
    )


@pytest.mark.parametrize("name", ["mse", "cross_entropy", "binary_cross_entropy"])
def test_two_dimensional_shape_mismatch_names_the_expected_shape(name):
    with pytest.raises(
        nl.ShapeError,
        match=r"`y` must have shape \(n_samples, 3\) to match the network's "
        r"3 outputs\. Got shape \(4, 2\)\.",
    ):
        nl.get_loss(name).prepare_target(np.zeros((4, 2)), 3, np.float64)


def test_three_dimensional_target_is_a_shape_error():
    with pytest.raises(nl.ShapeError, match=r"Got shape \(2, 3, 1\)"):
        nl.MeanSquaredError().prepare_target(np.zeros((2, 3, 1)), 3, np.float64)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (
            [0, 3, 1],
            r"Class label 3 at index 1 is out of range: .* 3 units, so labels must be in 0\.\.2\. "
            r"1 label\(s\) are outside it",
        ),
        (
            [-1, 0, 5],
            r"Class label -1 at index 0 is out of range: .* labels must be in 0\.\.2\. "
            r"2 label\(s\) are outside it",
        ),
        ([0.0, 7.0], r"Class label 7 at index 1 is out of range"),
        ([0.0, 1e30], r"Class label 1e\+30 at index 1 is out of range"),
        (np.array([0, 2**40], dtype=np.uint64), r"Class label 1099511627776 at index 1 is out of range"),
    ],
)
def test_class_labels_out_of_range_are_named(labels, message):
    with pytest.raises(nl.ValidationError, match=message):
        nl.CrossEntropy().prepare_target(np.asarray(labels), 3, np.float64)


def test_fractional_class_indices_are_refused():
    with pytest.raises(nl.ValidationError, match=r"Class indices in `y` must be whole numbers"):
        nl.CrossEntropy().prepare_target(np.array([0.0, 1.5]), 3, np.float64)


@pytest.mark.parametrize(
    ("name", "y", "n_outputs", "message"),
    [
        (
            "mse",
            [[1.0], [2.0], [np.nan]],
            1,
            r"`y` contains 1 NaN or infinite value; the first is at row 2, column 0\. Remove or impute",
        ),
        (
            "mse",
            [1.0, np.inf, np.nan],
            1,
            r"`y` contains 2 NaN or infinite values; the first is at row 1, column 0",
        ),
        (
            "cross_entropy",
            [0.0, np.nan, 1.0],
            3,
            r"`y` contains 1 NaN or infinite value; the first is at index 1",
        ),
        (
            "cross_entropy",
            [[1.0, 0.0], [np.nan, 1.0]],
            2,
            r"1 NaN or infinite value; the first is at row 1, column 0",
        ),
        (
            "binary_cross_entropy",
            [[0.0, np.nan]],
            2,
            r"1 NaN or infinite value; the first is at row 0, column 1",
        ),
    ],
)
def test_non_finite_targets_name_count_and_position(name, y, n_outputs, message):
    with pytest.raises(nl.NonFiniteError, match=message):
        nl.get_loss(name).prepare_target(np.array(y), n_outputs, np.float64)


@pytest.mark.parametrize("y", [[[0.0], [2.0]], [[-0.5], [1.0]]])
def test_binary_cross_entropy_targets_outside_unit_interval_are_refused(y):
    with pytest.raises(nl.ValidationError, match=r"Targets for binary_cross_entropy must be in \[0, 1\]"):
        nl.BinaryCrossEntropy().prepare_target(np.array(y), 1, np.float64)


def test_binary_cross_entropy_accepts_soft_targets():
    y = nl.BinaryCrossEntropy().prepare_target(np.array([[0.0, 0.3], [1.0, 0.7]]), 2, np.float64)
    np.testing.assert_array_equal(y, [[0.0, 0.3], [1.0, 0.7]])


@pytest.mark.parametrize("y", [[[1.0, 1.0, 0.0]], [[0.5, 0.2, 0.2]], [[1.5, -0.5, 0.0]], [[0.0, 0.0, 0.0]]])
def test_two_dimensional_cross_entropy_rows_must_sum_to_one(y):
    with pytest.raises(nl.ValidationError, match=r"values in \[0, 1\] that sum to 1 per row"):
        nl.CrossEntropy().prepare_target(np.array(y), 3, np.float64)


def test_two_dimensional_probability_rows_are_accepted():
    y = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
    np.testing.assert_array_equal(nl.CrossEntropy().prepare_target(y, 3, np.float64), y)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_non_numeric_targets_are_refused(name):
    with pytest.raises(nl.ValidationError, match=r"`y` must hold numbers\. Got dtype <U3; encode labels"):
        nl.get_loss(name).prepare_target(np.array(["cat", "dog"]), 1, np.float64)


# --- output activation pairing ------------------------------------------------------------


def test_cross_entropy_requires_softmax():
    loss = nl.CrossEntropy()
    loss.check_output_activation("softmax")
    for other in sorted(set(ACTIVATIONS) - {"softmax"}):
        message = (
            rf"cross_entropy loss requires a softmax output layer.*activation is {other}\."
            r".*Dense\(units, 'softmax'\)"
        )
        with pytest.raises(nl.IncompatibleLossError, match=message):
            loss.check_output_activation(other)


def test_binary_cross_entropy_requires_sigmoid():
    loss = nl.BinaryCrossEntropy()
    loss.check_output_activation("sigmoid")
    for other in sorted(set(ACTIVATIONS) - {"sigmoid"}):
        message = rf"requires a sigmoid output layer.*activation is {other}\."
        with pytest.raises(nl.IncompatibleLossError, match=message):
            loss.check_output_activation(other)


@pytest.mark.parametrize("name", ["sum_squared_error", "half_squared_error", "mse"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_squared_errors_accept_any_output_activation(name, activation):
    assert nl.get_loss(name).check_output_activation(activation) is None


# --- dtype --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_float32_outputs_give_float32_gradients(name):
    loss = nl.get_loss(name)
    output, target = _fd_case(name, np.random.default_rng(16))
    output, target = output.astype(np.float32), target.astype(np.float32)
    assert loss.gradient(output, target).dtype == np.float32
    if loss.output_activation is not None:
        assert loss.preactivation_gradient(output, target).dtype == np.float32
    value = loss.value(output, target)
    assert type(value) is float
    assert value == pytest.approx(loss.value(output.astype(np.float64), target.astype(np.float64)), rel=1e-5)


@pytest.mark.parametrize("name", sorted(nl.losses.LOSSES))
def test_sample_terms_add_up_to_the_value_and_weight_it(name):
    """sum_s E_s = E, and weighted_value = sum_s w_s E_s (each share checked by hand: the
    value of one sample alone, rescaled by the loss's normaliser)."""
    loss = nl.get_loss(name)
    rng = np.random.default_rng(11)
    if name == "cross_entropy":
        logits = rng.normal(size=(6, 3))
        output = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        target = np.eye(3)[rng.integers(0, 3, 6)]
    else:
        output = rng.uniform(0.05, 0.95, size=(6, 3))
        target = rng.uniform(0, 1, size=(6, 3))
    terms = loss.sample_terms(output, target)
    assert terms.shape == (6,)
    assert terms.sum() == pytest.approx(loss.value(output, target), rel=1e-12)
    share = 1 / 6 if loss.reduction == "mean" else 1.0  # a mean over 6 rows vs over one row
    for s in range(6):
        alone = loss.value(output[s : s + 1], target[s : s + 1])
        assert terms[s] == pytest.approx(alone * share, rel=1e-12)
    weights = rng.uniform(0, 3, size=6)
    assert loss.weighted_value(output, target, weights) == pytest.approx(float(weights @ terms), rel=1e-12)


# --- output/target shapes must agree (no silent broadcasting) -----------------------------

_METHODS = ["value", "gradient", "sample_terms", "preactivation_gradient", "weighted_value"]


def _call(loss, method, output, target):
    if method == "weighted_value":
        return loss.weighted_value(output, target, np.ones(len(output)))
    return getattr(loss, method)(output, target)


@pytest.mark.parametrize(
    ("name", "method"),
    [
        (name, method)
        for name in [
            "sum_squared_error",
            "half_squared_error",
            "mse",
            "binary_cross_entropy",
            "cross_entropy",
        ]
        for method in _METHODS
        if method != "preactivation_gradient" or name in ("binary_cross_entropy", "cross_entropy")
    ],
)
def test_one_dimensional_target_against_a_column_output_is_a_shape_error(name, method):
    loss = nl.get_loss(name)
    width = 3 if name == "cross_entropy" else 1
    output = np.full((3, width), 1.0 / width if width > 1 else 0.4)
    target = np.array([0.0, 1.0, 1.0]) if width == 1 else np.array([0, 1, 2])
    with pytest.raises(nl.ShapeError) as caught:
        _call(loss, method, output, target)
    message = str(caught.value)
    assert f"output {output.shape}" in message and "target (3,)" in message
    if width == 1:
        assert "reshape the target to (3, 1)" in message and "(3, 3)" in message
    else:
        assert "prepare_target(target, 3" in message


@pytest.mark.parametrize("method", ["value", "gradient", "sample_terms", "weighted_value"])
@pytest.mark.parametrize("target_shape", [(4,), (4, 1), (3, 2)])
def test_incompatible_lengths_are_a_shape_error_not_a_numpy_error(method, target_shape):
    with pytest.raises(nl.ShapeError, match=r"output \(3, 1\) and target \(" + str(target_shape[0])):
        _call(nl.get_loss("mse"), method, np.zeros((3, 1)), np.zeros(target_shape))


def test_mismatched_target_no_longer_gives_the_broadcast_value():
    # The bug: (3, 1) - (3,) broadcast to (3, 3) and summed 9 differences (2.22 here, not 0.54).
    output = np.array([[1.0], [2.0], [3.0]])
    target = np.array([1.5, 2.5, 2.8])
    loss = nl.SumSquaredError()
    with pytest.raises(nl.ShapeError):
        loss.value(output, target)
    assert loss.value(output, target.reshape(3, 1)) == pytest.approx(0.25 + 0.25 + 0.04, rel=1e-12)


@pytest.mark.parametrize("name", ["sum_squared_error", "half_squared_error", "mse", "binary_cross_entropy"])
def test_lists_are_accepted_as_float_arrays(name):
    loss = nl.get_loss(name)
    output, target = [[0.25], [0.5], [0.75]], [[0], [1], [1]]
    as_arrays = (np.array(output), np.array(target, dtype=float))
    assert loss.value(output, target) == loss.value(*as_arrays)
    np.testing.assert_array_equal(loss.gradient(output, target), loss.gradient(*as_arrays))
    np.testing.assert_array_equal(loss.sample_terms(output, as_arrays[1]), loss.sample_terms(*as_arrays))
    with pytest.raises(nl.ShapeError, match=r"target \(3,\)"):
        loss.value(output, [0, 1, 1])


def test_non_numeric_output_or_target_is_a_validation_error():
    with pytest.raises(nl.ValidationError, match="`output` must hold numbers"):
        nl.get_loss("mse").value([["a"]], [[1.0]])
    with pytest.raises(nl.ValidationError, match="`target` must hold numbers"):
        nl.get_loss("mse").gradient(np.zeros((1, 1)), [[None]])


# --- binary cross-entropy's unfused gradient at saturated outputs -------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_cross_entropy_gradient_matches_torch_at_saturated_outputs(dtype):
    torch = _torch()
    p = np.array([[0.0], [1.0], [0.0], [1.0], [0.3], [1e-30], [0.7]], dtype=dtype)
    y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0], [0.0], [0.2]], dtype=dtype)
    p_t = torch.tensor(p, requires_grad=True)
    torch.nn.functional.binary_cross_entropy(p_t, torch.tensor(y)).backward()
    grad = nl.BinaryCrossEntropy().gradient(p, y)
    assert grad.dtype == dtype
    np.testing.assert_array_equal(grad, p_t.grad.numpy())
    # By hand: 0 where p = y in {0, 1}; -+1/(N * 1e-12) at the wrong saturated end (N = 7),
    # with torch's epsilon, the float32 1e-12.
    eps = float(np.float32(1e-12))
    assert grad[0, 0] == 0.0 and grad[1, 0] == 0.0
    assert grad[2, 0] == pytest.approx(-1.0 / eps / 7, rel=1e-6)
    assert grad[3, 0] == pytest.approx(1.0 / eps / 7, rel=1e-6)
    assert grad[4, 0] == pytest.approx((0.3 - 1.0) / (0.3 * 0.7) / 7, rel=1e-6)


def test_value_in_training_equals_value_and_defaults_to_it():
    """fit reads the batch loss through value_in_training (BCE skips its own errstate there,
    the loop has one); it must give exactly what value gives, clamps at p = 0 and 1 included."""
    bce = nl.get_loss("binary_cross_entropy")
    output = np.array([[0.0], [1.0], [0.3], [1e-45]], dtype=np.float32)
    target = np.array([[1.0], [0.0], [1.0], [0.0]], dtype=np.float32)
    with np.errstate(divide="ignore"):
        assert bce.value_in_training(output, target) == bce.value(output, target)
    assert bce.value(output, target) == pytest.approx((100 + 100 - np.log(0.3)) / 4, rel=1e-6)
    mse = nl.get_loss("mse")
    assert mse.value_in_training(output, target) == mse.value(output, target)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 3, 7, 32, 1000])
def test_fused_gradients_scale_by_one_over_n_bit_for_bit(dtype, n):
    """(p - y) / n is computed as (p - y) * (1/n) with 1/n a 0-d constant of the dtype
    (neuralab._scalars.reciprocal); it must equal the product with the Python float 1.0 / n,
    which NumPy rounds to the dtype, in every bit."""
    rng = np.random.default_rng(n)
    p = rng.random((n, 3)).astype(dtype)
    y = np.eye(3, dtype=dtype)[rng.integers(0, 3, n)]
    got = nl.CrossEntropy().preactivation_gradient(p, y)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.view(np.uint8), ((p - y) * (1.0 / n)).view(np.uint8))
    p1, y1 = p[:, :1].copy(), y[:, :1].copy()
    got = nl.BinaryCrossEntropy().preactivation_gradient(p1, y1)
    np.testing.assert_array_equal(got.view(np.uint8), ((p1 - y1) * (1.0 / n)).view(np.uint8))


def test_fused_gradient_of_other_dtypes_promotes_as_numpy_does():
    p = np.array([[0.25], [0.75]], dtype=np.float16)
    y = np.array([[0.0], [1.0]], dtype=np.float16)
    got = nl.BinaryCrossEntropy().preactivation_gradient(p, y)
    assert got.dtype == np.float16
    np.testing.assert_array_equal(got, [[0.125], [-0.125]])
