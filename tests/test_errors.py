"""Every bad input raises the right NeuralabError subclass with a message that names the fix."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
from tests.cli_helpers import one_line_error
from typer.testing import CliRunner

import neuralab as nl
import neuralab.errors
from neuralab.cli import app

X = np.arange(12, dtype=float).reshape(6, 2) / 10
Y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])


def regressor() -> nl.Sequential:
    return nl.Sequential([nl.Dense(3, "tanh", input_dim=2, seed=0), nl.Dense(1, seed=1)], dtype="float64")


def classifier(output: str = "softmax") -> nl.Sequential:
    return nl.Sequential([nl.Dense(3, "relu", input_dim=2, seed=0), nl.Dense(3, output, seed=1)])


def fit(network, X_=X, y_=Y, **options):
    options = {"loss": "mse", "optimizer": nl.GradientDescent(0.1), "epochs": 1, **options}
    return network.fit(X_, y_, **options)


def test_every_error_class_derives_from_neuralab_error():
    classes = [
        obj
        for _, obj in inspect.getmembers(neuralab.errors, inspect.isclass)
        if obj.__module__ == "neuralab.errors"
    ]
    assert len(classes) >= 9
    for cls in classes:
        assert issubclass(cls, nl.NeuralabError), cls
    for name in (
        "ValidationError",
        "ShapeError",
        "NonFiniteError",
        "UnknownNameError",
        "IncompatibleLossError",
        "NotTrainableError",
        "NotBuiltError",
        "DivergenceError",
    ):
        assert issubclass(getattr(nl, name), nl.NeuralabError)
    # validation errors are also ValueErrors, unknown names also KeyErrors (readable message)
    assert issubclass(nl.ShapeError, ValueError) and issubclass(nl.UnknownNameError, KeyError)
    assert str(nl.UnknownNameError("Unknown loss 'x'.")) == "Unknown loss 'x'."


# -- data -----------------------------------------------------------------------------------------
def test_wrong_number_of_features_names_expected_and_got():
    pattern = r"`X` has 3 feature\(s\).*first layer expects 2.*\(n_samples, 2\)"
    with pytest.raises(nl.ShapeError, match=pattern):
        fit(regressor(), np.zeros((6, 3)))
    with pytest.raises(nl.ShapeError, match=r"has 5 feature\(s\).*expects 2"):
        regressor().predict(np.zeros((1, 5)))


def test_x_and_y_of_different_lengths():
    with pytest.raises(nl.ShapeError, match=r"`X` has 6 samples but `y` has 4 rows.*same length"):
        fit(regressor(), X, Y[:4])
    with pytest.raises(nl.ShapeError, match="`y` has a scalar"):
        fit(regressor(), X, 1.0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_x_names_count_and_first_position(bad):
    X_bad = X.copy()
    X_bad[2, 1] = bad
    X_bad[4, 0] = bad
    with pytest.raises(
        nl.NonFiniteError,
        match=r"`X` contains 2 NaN or infinite values; the first is at "
        r"row 2, column 1\. Remove or impute",
    ):
        fit(regressor(), X_bad)


def test_non_finite_y_names_count_and_first_position():
    y_bad = Y.copy()
    y_bad[3] = np.nan
    pattern = r"`y` contains 1 NaN or infinite value; the first is at row 3"
    with pytest.raises(nl.NonFiniteError, match=pattern):
        fit(regressor(), X, y_bad)
    with pytest.raises(nl.NonFiniteError, match=r"`y` contains 1 NaN.*index 3"):
        fit(classifier(), X, y_bad, loss="cross_entropy")


def test_class_labels_out_of_range():
    pattern = r"Class label 3 at index 1 is out of range.*3 units.*0\.\.2"
    with pytest.raises(nl.ValidationError, match=pattern):
        fit(classifier(), X, [0, 3, 1, 2, 0, 1], loss="cross_entropy")
    with pytest.raises(nl.ValidationError, match=r"Class label -1 at index 4"):
        fit(classifier(), X, [0, 1, 1, 2, -1, 1], loss="cross_entropy")
    with pytest.raises(nl.ValidationError, match="whole numbers"):
        fit(classifier(), X, [0, 1.5, 1, 2, 0, 1], loss="cross_entropy")


def test_one_d_x_gets_a_reshape_hint():
    with pytest.raises(nl.ShapeError, match=r"2-D.*Got shape \(6,\).*reshape\(-1, 1\).*reshape\(1, -1\)"):
        fit(regressor(), X[:, 0])
    with pytest.raises(nl.ShapeError, match=r"reshape\(-1, 1\)"):
        regressor().predict(np.zeros(2))


def test_non_numeric_and_empty_x():
    with pytest.raises(nl.ValidationError, match="must hold numbers"):
        fit(regressor(), np.array([["a", "b"]] * 6))
    with pytest.raises(nl.ShapeError, match="no rows"):
        regressor().predict(np.zeros((0, 2)))


# -- names ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "kind", "some_valid"),
    [
        (
            lambda: nl.Dense(2, "swish"),
            "activation",
            ["binary_step", "leaky_relu", "relu", "sigmoid", "softmax"],
        ),
        (lambda: nl.get_activation("swish"), "activation", ["linear", "tanh"]),
        (lambda: fit(regressor(), loss="hinge"), "loss", ["binary_cross_entropy", "cross_entropy", "mse"]),
        (lambda: nl.get_loss("hinge"), "loss", ["half_squared_error", "sum_squared_error"]),
        (lambda: fit(regressor(), optimizer="quickprop"), "optimizer", ["adam", "gd", "sgd"]),
        (lambda: nl.Dense(2, initializer="orthogonalish"), "initializer", ["glorot_uniform", "he_normal"]),
        (lambda: nl.get_initializer("orthogonalish"), "initializer", ["zeros"]),
    ],
)
def test_unknown_names_list_the_valid_ones(make, kind, some_valid):
    with pytest.raises(nl.UnknownNameError, match=rf"Unknown {kind} '\w+'\. Valid names: ") as info:
        make()
    listed = str(info.value).split("Valid names: ")[1]
    for name in some_valid:
        assert re.search(rf"\b{name}\b", listed), (name, listed)


def test_names_are_forgiving_about_case_and_dashes():
    assert nl.get_activation("Leaky-ReLU").name == "leaky_relu"
    message = r"must be a name .* or an object of type Activation\. Got int"
    with pytest.raises(nl.ValidationError, match=message):
        nl.get_activation(3)


# -- hyperparameters -------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [0, -0.1, float("nan"), float("inf"), "0.1", None, True])
def test_learning_rate_must_be_a_finite_positive_number(bad):
    pattern = re.escape(f"`learning_rate` must be a finite number > 0. Got {bad!r}.")
    with pytest.raises(nl.ValidationError, match=pattern):
        nl.GradientDescent(bad)
    optimizer = nl.Adam(0.01)
    with pytest.raises(nl.ValidationError, match="learning_rate"):
        optimizer.learning_rate = bad
    assert optimizer.learning_rate == 0.01
    if bad is not None:  # get_optimizer(learning_rate=None) means "the optimizer's default"
        with pytest.raises(nl.ValidationError, match="learning_rate"):
            nl.get_optimizer("sgd", learning_rate=bad)


@pytest.mark.parametrize(
    ("option", "value", "pattern"),
    [
        ("epochs", 0, "`epochs` must be a positive integer. Got 0"),
        ("epochs", 2.5, "`epochs` must be a positive integer. Got 2.5"),
        ("batch_size", -1, "`batch_size` must be a positive integer"),
        ("tolerance", -1e-3, "`tolerance` must be a finite number >= 0"),
        ("validation_split", 1.0, r"`validation_split` must be a number in \[0.0, 1.0\)"),
        ("seed", 1.5, "`seed` must be an integer or None"),
    ],
)
def test_fit_options_are_checked(option, value, pattern):
    with pytest.raises(nl.ValidationError, match=pattern):
        fit(regressor(), **{option: value})


# -- layers and weights ------------------------------------------------------------------------------
def test_dense_weights_of_the_wrong_shape():
    with pytest.raises(
        nl.ShapeError,
        match=r"`weights` must have shape \(inputs, units\) = \(inputs, 3\)\. "
        r"Got shape \(2, 2\)",
    ):
        nl.Dense(3, weights=np.zeros((2, 2)))
    with pytest.raises(nl.ShapeError, match=r"For one input use \[\[w1, w2, \.\.\.\]\]"):
        nl.Dense(2, weights=[0.1, 0.2])
    with pytest.raises(nl.ShapeError, match=r"`weights` has 2 rows but `input_dim` is 3"):
        nl.Dense(1, input_dim=3, weights=[[1.0], [2.0]])
    with pytest.raises(nl.ValidationError, match="`weights` contains NaN"):
        nl.Dense(1, weights=[[np.nan]])


def test_dense_biases_of_the_wrong_shape():
    pattern = r"`biases` must have shape \(units,\) = \(3,\)\. Got shape \(2,\)"
    with pytest.raises(nl.ShapeError, match=pattern):
        nl.Dense(3, weights=np.zeros((2, 3)), biases=[0.0, 0.0])
    with pytest.raises(nl.ShapeError, match=r"Got shape \(1, 3\)"):
        nl.Dense(3, biases=[[0.0, 0.0, 0.0]])
    with pytest.raises(nl.ValidationError, match="`use_bias=False`"):
        nl.Dense(1, use_bias=False, biases=[0.0])


def test_layers_that_do_not_chain():
    with pytest.raises(nl.ShapeError, match="A layer with 4 inputs follows a layer with 3 units"):
        nl.Sequential([nl.Dense(3, input_dim=2), nl.Dense(1, weights=np.zeros((4, 1)))])


def test_set_weights_with_wrong_shapes_changes_nothing():
    network = regressor()
    before = network.get_weights()
    wrong_shape = [w.copy() for w in before]
    wrong_shape[2] = np.zeros((1, 3))
    pattern = r"Array 2 for `set_weights` must have shape \(3, 1\)\. Got \(1, 3\)"
    with pytest.raises(nl.ShapeError, match=pattern):
        network.set_weights(wrong_shape)
    with pytest.raises(nl.ShapeError, match=r"`set_weights` needs 4 arrays\. Got 2"):
        network.set_weights(before[:2])
    not_finite = [w.copy() for w in before]
    not_finite[1][0] = np.inf
    with pytest.raises(nl.ValidationError, match="Array 1 for `set_weights` must be finite"):
        network.set_weights(not_finite)
    for a, b in zip(before, network.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


# -- network and losses ------------------------------------------------------------------------------
def test_cross_entropy_with_a_sigmoid_output_names_softmax():
    with pytest.raises(
        nl.IncompatibleLossError,
        match=r"cross_entropy loss requires a softmax output layer.*activation is sigmoid.*"
        r"Dense\(units, 'softmax'\)",
    ):
        fit(classifier("sigmoid"), X, [0, 1, 2, 0, 1, 2], loss="cross_entropy")
    with pytest.raises(nl.IncompatibleLossError, match="binary_cross_entropy loss requires a sigmoid output"):
        fit(regressor(), loss="binary_cross_entropy")
    with pytest.raises(nl.IncompatibleLossError, match="requires a softmax"):
        classifier("sigmoid").evaluate(X, [0, 1, 2, 0, 1, 2], loss="cross_entropy")


def test_loss_target_shape_and_range():
    with pytest.raises(nl.ShapeError, match=r"`y` is 1-D.*3 outputs.*\(n_samples, 3\).*class indices"):
        fit(classifier(), X, Y, loss="mse")
    with pytest.raises(nl.ValidationError, match=r"binary_cross_entropy must be in \[0, 1\]"):
        fit(nl.Sequential([nl.Dense(1, "sigmoid", input_dim=2)]), X, 2 * Y, loss="binary_cross_entropy")
    with pytest.raises(nl.ValidationError, match="one-hot"):
        fit(classifier(), X, np.full((6, 3), 0.5), loss="cross_entropy")


def test_empty_or_wrong_layer_lists():
    with pytest.raises(nl.ValidationError, match=r"`layers` is empty\. Give at least one layer"):
        nl.Sequential([])
    with pytest.raises(nl.ValidationError, match=r"Wrap the layer: Sequential\(\[layer\]\)"):
        nl.Sequential(nl.Dense(1))
    with pytest.raises(nl.ValidationError, match="Layer 1 is a str, not a layer"):
        nl.Sequential([nl.Dense(1), "relu"])
    layer = nl.Dense(2)
    with pytest.raises(nl.ValidationError, match="The same layer object appears twice"):
        nl.Sequential([layer, layer])
    with pytest.raises(nl.ValidationError, match=r"`dtype` must be 'float32' or 'float64'\. Got 'float16'"):
        nl.Sequential([nl.Dense(1)], dtype="float16")


def test_predict_before_the_network_is_built():
    network = nl.Sequential([nl.Dense(3, "relu"), nl.Dense(1)])
    with pytest.raises(nl.NotBuiltError, match=r"no weights yet.*`input_dim`"):
        network.predict(X)
    with pytest.raises(nl.NotBuiltError):
        network.get_weights()
    with pytest.raises(nl.NotBuiltError):
        network.evaluate(X, Y)
    assert "? (not built)" in network.summary()
    with pytest.raises(nl.NotBuiltError, match="needs a forward"):
        nl.Dense(1, input_dim=1).backward(np.zeros((1, 1)))


@pytest.mark.parametrize(
    ("units", "pattern"),
    [(0, "`units` must be a positive integer. Got 0"), ("3", "`units` must be a positive integer. Got '3'")],
)
def test_dense_units(units, pattern):
    with pytest.raises(nl.ValidationError, match=pattern):
        nl.Dense(units)


def test_huge_finite_inputs_pass_the_nan_check_even_when_their_sum_overflows():
    """check_finite sums first; an overflowing sum must fall back to the exact check."""
    from neuralab._validation import check_finite

    check_finite("X", np.full((4, 3), 3e38, dtype=np.float32))  # sum is inf, every value finite
    with pytest.raises(nl.NonFiniteError, match=r"1 NaN or infinite value; the first is at row 2, column 1"):
        check_finite("X", np.array([[1e38, 3e38], [3e38, 1.0], [5.0, np.inf]], dtype=np.float32))
    with pytest.raises(nl.NonFiniteError, match="2 NaN or infinite values"):
        check_finite("X", np.array([[np.inf, -np.inf]]))  # the sum is NaN


@pytest.mark.parametrize(
    "make",
    [
        lambda: nl.Sequential([nl.Dense(1, input_dim=2)]).fit(
            np.zeros((4, 2)), np.zeros(4), loss="mse", optimizer="sgd", epochs=1, seed=-1
        ),
        lambda: nl.Dense(2, seed=-3),
        lambda: nl.Dropout(0.5, seed=-1),
    ],
)
def test_negative_seeds_are_refused_with_the_fix(make):
    with pytest.raises(nl.ValidationError, match=r"`seed` must be a non-negative integer \(0, 1, 2"):
        make()


def test_train_with_a_negative_seed_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["train", "iris", "--seed", "-1", "--out", str(tmp_path / "m.nlab")])
    assert "`seed` must be a non-negative integer" in one_line_error(result)


def test_weights_beyond_float32_need_a_float64_network():
    """Given weights are kept in float64 until the network's dtype is known: no overflow
    warning at Dense(...), an exact float64 network, and a clear error for float32."""
    big = [[1e200]]
    network = nl.Sequential([nl.Dense(1, input_dim=1, weights=big, biases=[0.0])], dtype="float64")
    assert network.layers[0].weights[0, 0] == 1e200
    with pytest.raises(nl.ValidationError, match=r"given `weights` do not fit in float32 .*dtype='float64'"):
        nl.Sequential([nl.Dense(1, input_dim=1, weights=big, biases=[0.0])])
