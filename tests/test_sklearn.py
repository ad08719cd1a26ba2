"""The scikit-learn estimators: check_estimator, pipelines, model selection, partial_fit.

Every estimator check passes; none is marked as an expected failure. Two checks are
skipped by scikit-learn itself in this environment, not by us:
``check_array_api_input`` (needs SCIPY_ARRAY_API=1) and
``check_classifier_data_not_an_array`` (needs pandas, which is not installed).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import neuralab as nl
from neuralab.errors import NotTrainableError, ValidationError
from neuralab.sklearn import NeuralClassifier, NeuralRegressor

# Few epochs and a larger step keep the ~110 estimator checks to about a second.
SMALL = {"hidden_layer_sizes": (16,), "epochs": 40, "learning_rate": 0.01, "random_state": 0}


@parametrize_with_checks(
    [NeuralClassifier(**SMALL), NeuralRegressor(**SMALL)], expected_failed_checks=lambda estimator: {}
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def _iris():
    X, y = load_iris(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(y))
    return X[order], y[order]


def test_pipeline_grid_search_and_cross_val_score_in_parallel():
    X, y = _iris()
    pipe = make_pipeline(StandardScaler(), NeuralClassifier(epochs=60, learning_rate=0.01, random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3, n_jobs=2)
    assert scores.shape == (3,) and scores.min() > 0.85
    grid = GridSearchCV(
        pipe,
        {
            "neuralclassifier__hidden_layer_sizes": [(4,), (16,)],
            "neuralclassifier__activation": ["tanh", "leaky_relu"],
        },
        cv=3,
        n_jobs=2,
    )
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_score_ > 0.85
    assert grid.score(X, y) > 0.9


def test_classifier_output_layer_follows_number_of_classes():
    X, y = _iris()
    X = StandardScaler().fit_transform(X)
    multi = NeuralClassifier(**SMALL).fit(X, y)
    assert multi.network_.layers[-1].activation.name == "softmax"
    assert multi.network_.layers[-1].units == 3
    labels = np.where(y == 0, "setosa", "other")
    binary = NeuralClassifier(**SMALL).fit(X, labels)
    assert binary.network_.layers[-1].activation.name == "sigmoid"
    assert binary.network_.layers[-1].units == 1
    proba = binary.predict_proba(X)
    assert proba.shape == (150, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # Column 1 is classes_[1] = "setosa" (sorted labels): the sigmoid's probability.
    assert list(binary.classes_) == ["other", "setosa"]
    np.testing.assert_array_equal(binary.predict(X), binary.classes_[(proba[:, 1] > 0.5).astype(int)])
    assert binary.score(X, labels) == 1.0


def test_per_layer_activations_and_binary_step_refused():
    X, y = _iris()
    clf = NeuralClassifier(hidden_layer_sizes=(5, 4), activation=("tanh", "leaky_relu"), epochs=2).fit(X, y)
    assert [layer.activation.name for layer in clf.network_.layers] == ["tanh", "leaky_relu", "softmax"]
    assert [layer.units for layer in clf.network_.layers] == [5, 4, 3]
    with pytest.raises(ValidationError, match="one per hidden layer"):
        NeuralClassifier(hidden_layer_sizes=(5, 4), activation=("tanh",)).fit(X, y)
    with pytest.raises(NotTrainableError, match=r"binary_step.*derivative is zero"):
        NeuralClassifier(hidden_layer_sizes=(3,), activation="binary_step").fit(X, y)


def test_regressor_1d_and_2d_targets():
    X, y = make_regression(n_samples=120, n_features=3, n_targets=2, noise=0.1, random_state=0)
    y = y / y.std(axis=0)
    params = {"hidden_layer_sizes": (), "epochs": 200, "learning_rate": 0.05, "random_state": 0}
    two = NeuralRegressor(**params).fit(X, y)
    assert two.predict(X).shape == (120, 2) and two.predict(X).dtype == np.float64
    assert two.score(X, y) > 0.99  # a linear map: no hidden layer fits it exactly
    one = NeuralRegressor(**params).fit(X, y[:, 0])
    assert one.predict(X).shape == (120,)
    assert one.network_.layers[-1].activation.name == "linear"
    assert one.score(X, y[:, 0]) > 0.99


def test_hyperparameters_reach_the_engine():
    X, y = _iris()
    clf = NeuralClassifier(
        optimizer="nesterov",
        learning_rate=0.05,
        momentum=0.8,
        dtype="float32",
        epochs=3,
        batch_size=None,
        l2=0.1,
        random_state=1,
    ).fit(X, y)
    optimizer = clf._optimizer
    assert (type(optimizer).__name__, optimizer.learning_rate, optimizer.momentum, optimizer.nesterov) == (
        "SGD",
        0.05,
        0.8,
        True,
    )
    assert clf.network_.dtype == np.float32
    assert clf.predict_proba(X).dtype == np.float32  # a float32 model answers in float32
    assert clf.loss_curve_ == clf.history_.loss and len(clf.loss_curve_) == 3 == clf.n_iter_
    assert clf.validation_loss_curve_ is None
    # get_params returns the constructor arguments unmodified.
    assert clf.get_params()["hidden_layer_sizes"] == (32,) and clf.get_params()["l2"] == 0.1


def test_early_stopping_holds_out_validation_rows():
    X, y = _iris()
    X = StandardScaler().fit_transform(X)
    clf = NeuralClassifier(
        early_stopping=True,
        patience=3,
        validation_fraction=0.2,
        epochs=500,
        learning_rate=0.05,
        random_state=0,
    ).fit(X, y)
    assert len(clf.validation_loss_curve_) == len(clf.loss_curve_) == clf.n_iter_
    assert clf.n_iter_ < 500 and clf.history_.stop_reason == "early stopping"


@pytest.mark.parametrize("fraction", [0, 1, 1.5, "0.2"])
def test_early_stopping_needs_a_validation_fraction_between_0_and_1(fraction):
    X, y = _iris()
    clf = NeuralClassifier(early_stopping=True, validation_fraction=fraction, epochs=2)
    with pytest.raises(ValidationError, match="validation_fraction must be a number strictly between 0 and"):
        clf.fit(X, y)


def test_partial_fit_equals_fit_with_full_batch_adam():
    """k partial_fit calls continue weights and Adam's moments: the same as fit(epochs=k)."""
    X, y = _iris()
    X = StandardScaler().fit_transform(X)
    params = {"hidden_layer_sizes": (6,), "batch_size": None, "learning_rate": 0.02, "random_state": 3}
    whole = NeuralClassifier(epochs=5, **params).fit(X, y)
    parts = NeuralClassifier(**params)
    with pytest.raises(ValueError, match="classes must be passed"):
        parts.partial_fit(X, y)
    for _ in range(5):
        parts.partial_fit(X, y, classes=[0, 1, 2])
    assert parts.n_iter_ == 5 and parts.history_.epoch == [5]
    np.testing.assert_allclose(parts.loss_curve_, whole.loss_curve_, rtol=1e-12)
    for a, b in zip(parts.network_.get_weights(), whole.network_.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValidationError, match="not in classes_"):
        parts.partial_fit(X, y + 1)


def test_regressor_partial_fit_learns():
    X, y = make_regression(n_samples=80, n_features=2, noise=0.0, random_state=1)
    y = y / y.std()
    reg = NeuralRegressor(hidden_layer_sizes=(), learning_rate=0.05, random_state=0)
    for _ in range(60):
        reg.partial_fit(X, y)
    assert reg.loss_curve_[-1] < 0.01 * reg.loss_curve_[0]
    assert reg.score(X, y) > 0.99
    with pytest.raises(ValueError, match="features"):
        reg.partial_fit(X[:, :1], y)


def test_feature_names_in_from_a_dataframe():
    pd = pytest.importorskip("pandas")
    X, y = _iris()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = NeuralClassifier(**SMALL).fit(frame, y)
    assert list(clf.feature_names_in_) == ["a", "b", "c", "d"]


# -- the core: Sequential.fit(initial_epoch=...) --------------------------------------------
def _net():
    return nl.Sequential([nl.Dense(4, "tanh", input_dim=2, seed=0), nl.Dense(1, seed=1)], dtype="float64")


def test_initial_epoch_resumes_numbering_and_training():
    X = np.random.default_rng(0).normal(size=(30, 2))
    y = X[:, 0] - X[:, 1]
    whole = _net()
    whole.fit(X, y, loss="mse", optimizer=nl.Adam(0.01), epochs=6)
    resumed, optimizer = _net(), nl.Adam(0.01)
    first = resumed.fit(X, y, loss="mse", optimizer=optimizer, epochs=2)
    second = resumed.fit(X, y, loss="mse", optimizer=optimizer, epochs=6, initial_epoch=2)
    assert first.epoch == [1, 2] and second.epoch == [3, 4, 5, 6]
    np.testing.assert_allclose(first.loss + second.loss, whole.history.loss, rtol=1e-12)
    for a, b in zip(resumed.get_weights(), whole.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("initial_epoch", [-1, 6, 7, 1.5, True])
def test_initial_epoch_must_be_below_epochs(initial_epoch):
    X = np.zeros((4, 2))
    with pytest.raises(ValidationError, match="initial_epoch"):
        _net().fit(X, np.zeros(4), loss="mse", optimizer="sgd", epochs=6, initial_epoch=initial_epoch)
