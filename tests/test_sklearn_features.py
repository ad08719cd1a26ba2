"""What scikit-learn's own MLP test-suite holds MLPClassifier/MLPRegressor to, held against ours:
multilabel y, sparse X, sample weights, log-probabilities, dtypes, tol / n_iter_no_change,
warm_start, divergence under early stopping, and the refusals scikit-learn makes.

References are independent where one exists: scikit-learn's LogisticRegression per label,
repeated rows for integer sample weights, dense X for sparse X, the loss curve for the tol rule.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_multilabel_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import neuralab as nl
from neuralab._sparse import SparseInputDense
from neuralab.errors import DivergenceError, InvalidParameterError, NotTrainableError, ValidationError
from neuralab.sklearn import NeuralClassifier, NeuralRegressor

EXACT = {"rtol": 1e-12, "atol": 1e-14}


def _multilabel(n=80, labels=4):
    X, Y = make_multilabel_classification(n_samples=n, n_features=5, n_classes=labels, random_state=0)
    return StandardScaler().fit_transform(X), Y


def _sparse_data(n=120, features=40, seed=0):
    """A sparse (about 10% non-zero) binary problem whose label depends on a few features."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, features, density=0.1, format="csr", random_state=seed, dtype=np.float64)
    X.data = rng.normal(size=X.nnz)
    y = (np.asarray(X[:, :5].sum(axis=1)).ravel() > 0).astype(int)
    return X, y


# -- 1. multilabel ----------------------------------------------------------------------------
def test_multilabel_builds_one_sigmoid_per_label_and_predicts_a_0_1_matrix():
    X, Y = _multilabel()
    clf = NeuralClassifier(hidden_layer_sizes=(16,), learning_rate=0.02, epochs=150, random_state=0).fit(X, Y)
    output = clf.network_.layers[-1]
    assert (output.units, output.activation.name, clf._loss) == (4, "sigmoid", "binary_cross_entropy")
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2, 3])  # what scikit-learn's MLP reports
    proba = clf.predict_proba(X)
    assert proba.shape == (80, 4) and not np.allclose(proba.sum(axis=1), 1.0)  # no softmax
    predicted = clf.predict(X)
    assert predicted.dtype == np.int64 and set(np.unique(predicted)) <= {0, 1}
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))
    assert clf.score(X, Y) > 0.6  # subset accuracy: every label of a row right
    assert (predicted == Y).mean() > 0.9  # per-label accuracy


def test_multilabel_without_hidden_layer_equals_logistic_regression_per_label():
    """No hidden layer and L2: each label is its own L2-regularised logistic regression.

    Ours minimises 1/(n L) sum_ij bce_ij + lambda/2 sum_j |w_j|^2, which splits into one
    problem per label, 1/(n L) sum_i bce_ij + lambda/2 |w_j|^2, i.e. LogisticRegression's
    1/2 |w|^2 + C sum_i bce_i with C = 1 / (n L lambda) (intercepts unpenalised in both).
    """
    X, Y = _multilabel()
    n, labels = Y.shape
    l2 = 0.01
    clf = NeuralClassifier(
        hidden_layer_sizes=(),
        l2=l2,
        batch_size=None,
        learning_rate=0.05,
        epochs=3000,
        n_iter_no_change=np.inf,
        random_state=0,
    ).fit(X, Y)
    reference = np.column_stack(
        [
            LogisticRegression(C=1 / (n * labels * l2), tol=1e-12, max_iter=10_000)
            .fit(X, Y[:, j])
            .predict_proba(X)[:, 1]
            for j in range(labels)
        ]
    )
    np.testing.assert_allclose(clf.predict_proba(X), reference, atol=1e-5)


def test_multilabel_partial_fit_early_stopping_and_refusals():
    X, Y = _multilabel()
    clf = NeuralClassifier(hidden_layer_sizes=(16,), learning_rate=0.05, random_state=0)
    for _ in range(150):
        clf.partial_fit(X, Y, classes=[0, 1, 2, 3])
    assert (clf.predict(X) == Y).mean() > 0.9 and clf.n_iter_ == 150
    with pytest.raises(
        ValidationError, match=r"one entry per label column: y has 4 columns, `classes` has 2"
    ):
        NeuralClassifier().partial_fit(X, Y, classes=[0, 1])
    with pytest.raises(ValidationError, match=r"multilabel y with 4 labels.*\(n_samples, 4\)"):
        clf.partial_fit(X, Y[:, :3])
    # Early stopping splits multilabel rows without stratifying (as scikit-learn does).
    stopped = NeuralClassifier(early_stopping=True, epochs=30, random_state=0).fit(X, Y)
    assert len(stopped.validation_loss_curve_) == stopped.n_iter_
    with pytest.raises(ValidationError, match=r"multilabel indicator matrix of 0/1.*multiclass-multioutput"):
        NeuralClassifier().fit(X, np.column_stack([Y[:, 0], 2 * Y[:, 1]]))
    with pytest.raises(ValidationError, match="one sigmoid output per label"):
        NeuralClassifier(output_activation="softmax").fit(X, Y)


# -- 2. sparse X ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_fit_and_predict_equal_dense(fmt):
    X, y = _sparse_data()
    params = {
        "hidden_layer_sizes": (8,),
        "learning_rate": 0.01,
        "epochs": 30,
        "batch_size": 16,
        "random_state": 0,
    }
    dense = NeuralClassifier(**params).fit(X.toarray(), y)
    sparse = NeuralClassifier(**params).fit(X.asformat(fmt), y)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-9)
    for a, b in zip(sparse.network_.get_weights(), dense.network_.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(
        sparse.predict_proba(X.asformat(fmt)), dense.predict_proba(X.toarray()), rtol=1e-8
    )
    np.testing.assert_array_equal(sparse.predict(X.asformat(fmt)), dense.predict(X.toarray()))
    # A model trained on either takes the other: the same network, the same answers.
    np.testing.assert_allclose(dense.predict_proba(X), dense.predict_proba(X.toarray()), rtol=1e-12)
    assert dense.score(X, y) > 0.8


def test_sparse_partial_fit_and_regression_equal_dense():
    X, _ = _sparse_data(seed=1)
    target = np.asarray(X[:, :3].sum(axis=1)).ravel()
    params = {"hidden_layer_sizes": (6,), "learning_rate": 0.01, "random_state": 2}
    dense, sparse = NeuralRegressor(**params), NeuralRegressor(**params)
    weights = np.random.default_rng(0).integers(0, 3, size=X.shape[0]).astype(float)
    for _ in range(5):
        dense.partial_fit(X.toarray(), target, sample_weight=weights)
        sparse.partial_fit(X, target, sample_weight=weights)
    np.testing.assert_allclose(sparse.predict(X), dense.predict(X.toarray()), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-9)


def test_sparse_first_layer_gradient_equals_the_dense_layers():
    """One forward/backward: z = X W + b and dE/dW = X^T dE/dz from sparse X equal Dense's."""
    X, _ = _sparse_data(n=20, features=12)
    grad = np.random.default_rng(3).normal(size=(20, 5))
    results = []
    for layer, inputs in (
        (nl.Dense(5, "tanh", seed=4), X.toarray()),
        (SparseInputDense(5, "tanh", seed=4), X),
    ):
        nl.Sequential([layer], dtype="float64")
        output = layer.forward(inputs)
        layer.backward(grad, input_gradient=False)
        results.append((output, layer.weight_gradient.copy(), layer.bias_gradient.copy()))
    for dense_array, sparse_array in zip(*results, strict=True):
        np.testing.assert_allclose(sparse_array, dense_array, rtol=1e-12, atol=1e-15)


_NEVER_DENSIFIED = """
import resource, sys
import numpy as np, scipy.sparse as sp
from neuralab.sklearn import NeuralClassifier
rng = np.random.default_rng(0)
columns = rng.integers(0, 400_000, size=(1000, 8))  # 8 stored values per row
X = sp.csr_matrix((rng.normal(size=8000), columns.ravel(), np.arange(0, 8001, 8)), shape=(1000, 400_000))
y = np.arange(1000) % 2
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
clf = NeuralClassifier(hidden_layer_sizes=(2,), epochs=2, batch_size=100, random_state=0).fit(X, y)
clf.predict_proba(X)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


def test_sparse_input_is_never_densified():
    """1,000 rows x 400,000 features: dense that is 3.2 GB; fit and predict grow the process's
    peak memory by about the size of the first layer's weights times a dozen (W, its gradient,
    Adam's two moments, the flat buffers, the divergence snapshots: 6.4 MB each)."""
    run = subprocess.run(
        [sys.executable, "-c", _NEVER_DENSIFIED], capture_output=True, text=True, timeout=120, check=True
    )
    growth = int(run.stdout.split()[-1])
    weights_bytes, dense_bytes = 400_000 * 2 * 8, 1000 * 400_000 * 8
    assert growth < 25 * weights_bytes < dense_bytes / 15, (growth, weights_bytes, dense_bytes)


def test_the_engine_takes_sparse_x_only_through_a_first_layer_that_multiplies_it():
    X, y = _sparse_data(n=30, features=6)
    plain = nl.Sequential([nl.Dense(1, "sigmoid", input_dim=6, seed=0)])
    with pytest.raises(ValidationError, match=r"`X` is a scipy.sparse matrix.*X.toarray\(\)"):
        plain.predict(X)
    network = nl.Sequential([SparseInputDense(1, "sigmoid", input_dim=6, seed=0)], dtype="float64")
    history = network.fit(X, y, loss="binary_cross_entropy", optimizer="adam", epochs=3, batch_size=8, seed=0)
    assert history.epochs_run == 3
    bad = X.copy()
    bad.data[0] = np.nan
    with pytest.raises(nl.NonFiniteError, match="`X` contains 1 NaN or infinite stored value"):
        network.predict(bad)


# -- 3. predict_log_proba, float32 ----------------------------------------------------------
def test_predict_log_proba_is_the_log_of_predict_proba_and_stays_finite():
    X, y = make_classification(
        n_samples=80, n_features=4, n_classes=3, n_informative=3, n_redundant=0, random_state=0
    )
    for labels in (y, (y > 0).astype(int)):
        clf = NeuralClassifier(hidden_layer_sizes=(), learning_rate=0.05, epochs=50, random_state=0).fit(
            X, labels
        )
        np.testing.assert_allclose(
            clf.predict_log_proba(X), np.log(clf.predict_proba(X)), rtol=1e-10, atol=1e-12
        )
    # Far from the boundary 1 - p rounds to 0: np.log gives -inf, the log from z stays -softplus(z).
    far = X * 1e4
    proba = clf.predict_proba(far)
    assert (proba == 0).any()
    z = far @ clf.network_.layers[-1].weights + clf.network_.layers[-1].biases
    expected = np.column_stack([-np.logaddexp(0, z[:, 0]), -np.logaddexp(0, -z[:, 0])])
    np.testing.assert_allclose(clf.predict_log_proba(far), expected, rtol=1e-12)
    assert np.isfinite(clf.predict_log_proba(far)).all()
    X_ml, Y = _multilabel()
    multilabel = NeuralClassifier(hidden_layer_sizes=(8,), epochs=20, random_state=0).fit(X_ml, Y)
    np.testing.assert_allclose(
        multilabel.predict_log_proba(X_ml), np.log(multilabel.predict_proba(X_ml)), rtol=1e-10
    )


def test_float32_models_answer_in_float32_and_agree_with_float64():
    X, y = make_regression(n_samples=100, n_features=4, noise=0.1, random_state=0)
    y = y / y.std()
    params = {"hidden_layer_sizes": (8,), "learning_rate": 0.01, "epochs": 60, "random_state": 1}
    reg32 = NeuralRegressor(dtype="float32", **params).fit(X.astype(np.float32), y)
    reg64 = NeuralRegressor(**params).fit(X, y)
    assert reg32.predict(X.astype(np.float32)).dtype == np.float32
    assert reg32.predict(X).dtype == np.float32 and reg64.predict(X.astype(np.float32)).dtype == np.float64
    np.testing.assert_allclose(reg32.predict(X), reg64.predict(X), rtol=1e-3, atol=1e-3)
    labels = (y > 0).astype(int)
    clf = NeuralClassifier(dtype="float32", **params).fit(X, labels)
    assert clf.predict_proba(X).dtype == np.float32 and clf.predict_log_proba(X).dtype == np.float32


# -- 4. errors that scikit-learn users catch --------------------------------------------------
def test_bad_input_errors_are_value_and_type_errors():
    assert issubclass(DivergenceError, ValueError) and issubclass(NotTrainableError, ValueError)
    assert issubclass(InvalidParameterError, ValueError) and issubclass(InvalidParameterError, TypeError)
    assert issubclass(nl.NotFittedError, ValueError) and issubclass(nl.NotFittedError, AttributeError)
    assert issubclass(nl.NotBuiltError, ValueError) and issubclass(nl.NotBuiltError, AttributeError)
    # scikit-learn's own test_nonfinite_params: huge inputs make the first loss infinite.
    X = np.finfo(np.float64).max * np.random.default_rng(0).uniform(size=(10, 2))
    y = np.random.default_rng(1).normal(size=10)
    with pytest.raises(ValueError, match=r"before any training step.*standardise the features") as info:
        NeuralRegressor(random_state=0).fit(X, y)
    assert isinstance(info.value, DivergenceError)
    with pytest.raises(ValueError, match=r"binary_step.*derivative is zero"):
        NeuralClassifier(activation="binary_step").fit(X[:4] * 0, [0, 1, 0, 1])
    with pytest.raises(TypeError, match=r"`hidden_layer_sizes` must be an int or a sequence of ints"):
        NeuralClassifier(hidden_layer_sizes="64").fit(X[:4] * 0, [0, 1, 0, 1])


# -- 5. divergence under early stopping --------------------------------------------------------
def _diverging(**options):
    """Full-batch gradient descent on least squares with a step 2.3 / lambda_max (stable below 2):
    the loss first falls along the flat directions, then grows by (1.3)^2 per epoch."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=100)
    design = np.column_stack([X[:90], np.ones(90)])
    rate = 2.3 / np.linalg.eigvalsh(2 / 90 * design.T @ design).max()
    return (
        X,
        y,
        NeuralRegressor(
            hidden_layer_sizes=(),
            optimizer="gd",
            learning_rate=rate,
            batch_size=None,
            epochs=300,
            random_state=0,
            **options,
        ),
    )


def test_divergence_with_early_stopping_restores_the_best_weights_and_warns():
    X, y, reg = _diverging(early_stopping=True, patience=300)
    with pytest.warns(ConvergenceWarning, match=r"diverged in epoch \d+.*restored the weights of epoch \d+"):
        reg.fit(X, y)
    assert reg.history_.stop_reason == "divergence" and reg.n_iter_ < 300
    assert len(reg.loss_curve_) == len(reg.validation_loss_curve_) == reg.n_iter_
    # The weights are those of the best validation epoch: their validation loss is the minimum.
    _, X_val, _, y_val = train_test_split(X, y, test_size=0.1, random_state=reg._seed_)
    assert reg.network_.evaluate(X_val, y_val, "mse") == pytest.approx(
        min(reg.validation_loss_curve_), rel=1e-12
    )
    assert np.isfinite(reg.predict(X)).all()


def test_divergence_without_early_stopping_still_raises():
    X, y, reg = _diverging(n_iter_no_change=np.inf)
    with pytest.raises(DivergenceError, match=r"Training diverged in epoch \d+"):
        reg.fit(X, y)


# -- 6. sample_weight, tol, warm_start --------------------------------------------------------
@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_integer_sample_weights_equal_repeated_rows(Estimator):
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    weights = np.random.default_rng(0).integers(0, 4, size=40)
    params = {
        "hidden_layer_sizes": (5,),
        "batch_size": None,
        "learning_rate": 0.02,
        "epochs": 40,
        "random_state": 0,
    }
    weighted = Estimator(**params).fit(X, y, sample_weight=weights)
    repeated = Estimator(**params).fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    method = "predict_proba" if Estimator is NeuralClassifier else "predict"
    np.testing.assert_allclose(getattr(weighted, method)(X), getattr(repeated, method)(X), rtol=1e-9)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-9)
    # Weights of one are no weights, bit for bit; partial_fit takes them too.
    ones = Estimator(**params).fit(X, y, sample_weight=np.ones(40))
    np.testing.assert_array_equal(getattr(ones, method)(X), getattr(Estimator(**params).fit(X, y), method)(X))
    parts_weighted, parts_repeated = Estimator(**params), Estimator(**params)
    extra = {"classes": [0, 1]} if Estimator is NeuralClassifier else {}
    for _ in range(3):
        parts_weighted.partial_fit(X, y, sample_weight=weights, **extra)
        parts_repeated.partial_fit(np.repeat(X, weights, axis=0), np.repeat(y, weights), **extra)
    np.testing.assert_allclose(parts_weighted.loss_curve_, parts_repeated.loss_curve_, rtol=1e-9)
    with pytest.raises(ValueError, match="sample_weight"):
        Estimator(**params).fit(X, y, sample_weight=np.ones(39))


def test_sample_weights_follow_the_early_stopping_split():
    X, y = make_regression(n_samples=100, n_features=2, random_state=42)
    params = {
        "hidden_layer_sizes": (10,),
        "early_stopping": True,
        "learning_rate": 0.01,
        "batch_size": 10,
        "random_state": 42,
        "epochs": 30,
    }
    ones = NeuralRegressor(**params).fit(X, y, sample_weight=np.ones_like(y))
    np.testing.assert_array_equal(ones.predict(X), NeuralRegressor(**params).fit(X, y).predict(X))
    zeros = np.where(np.arange(100) % 2 == 0, 1.0, 0.0)
    assert NeuralRegressor(**params).fit(X, y, sample_weight=zeros).n_iter_ >= 1


def _sklearn_rule(losses, tol, n_iter_no_change):
    """The epoch at which scikit-learn's rule stops (1-based), replayed on a loss curve."""
    best, count = math.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        count = count + 1 if loss > best - tol else 0
        best = min(best, loss)
        if count > n_iter_no_change:
            return epoch, count
    return None, count


@pytest.mark.parametrize("n_iter_no_change", [2, 5])
def test_tol_and_n_iter_no_change_follow_scikit_learns_rule(n_iter_no_change):
    X, y = make_classification(n_samples=100, n_features=6, random_state=0)
    clf = NeuralClassifier(
        hidden_layer_sizes=(8,),
        tol=0.01,
        n_iter_no_change=n_iter_no_change,
        epochs=3000,
        learning_rate=0.01,
        random_state=0,
    ).fit(X, y)
    stop, count = _sklearn_rule(clf.loss_curve_, 0.01, n_iter_no_change)
    assert stop == clf.n_iter_ < 3000 and clf.history_.stop_reason == "no improvement"
    assert clf._no_improvement_count == count == n_iter_no_change + 1  # scikit-learn's test_n_iter_no_change
    assert clf.best_loss_ == min(clf.loss_curve_)


def test_n_iter_no_change_inf_runs_every_epoch_and_bad_values_are_refused():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    clf = NeuralClassifier(
        hidden_layer_sizes=(4,), tol=1e9, n_iter_no_change=np.inf, epochs=40, random_state=0
    ).fit(X, y)
    assert clf.n_iter_ == 40 and clf._no_improvement_count == 39  # scikit-learn's test_n_iter_no_change_inf
    with pytest.raises(InvalidParameterError, match=r"`tol` must be a finite number >= 0.*Got -1"):
        NeuralClassifier(tol=-1).fit(X, y)
    with pytest.raises(
        InvalidParameterError, match=r"`n_iter_no_change` must be a number > 0.*np.inf.*Got 0"
    ):
        NeuralClassifier(n_iter_no_change=0).fit(X, y)


def test_warm_start_continues_the_weights_for_epochs_more():
    """With a stateless optimizer (gd) and full batches, 3 + 3 warm epochs are 6 epochs exactly."""
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    params = {
        "hidden_layer_sizes": (5,),
        "optimizer": "gd",
        "learning_rate": 0.1,
        "batch_size": None,
        "n_iter_no_change": np.inf,
        "random_state": 0,
    }
    whole = NeuralClassifier(epochs=6, **params).fit(X, y)
    warm = NeuralClassifier(epochs=3, warm_start=True, **params).fit(X, y)
    first_weights = warm.network_.get_weights()
    warm.fit(X, y)
    assert warm.n_iter_ == 6 and len(warm.loss_curve_) == 6
    np.testing.assert_allclose(warm.loss_curve_, whole.loss_curve_, **EXACT)
    for a, b in zip(warm.network_.get_weights(), whole.network_.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, **EXACT)
    cold = NeuralClassifier(epochs=3, **params).fit(X, y)
    cold.fit(X, y)  # without warm_start a fit starts over
    for a, b in zip(cold.network_.get_weights(), first_weights, strict=True):
        np.testing.assert_allclose(a, b, **EXACT)
    with pytest.raises(
        ValueError,
        match=r"warm_start can only be used where `y` has the same classes as in the "
        r"previous call to fit. Previously got \[0 1\], `y` has \[0 1 2\]",
    ):
        warm.fit(X, np.arange(60) % 3)
    with pytest.raises(ValidationError, match=r"architecture asked for now \(7 relu.*differs.*\(5 relu"):
        warm.set_params(hidden_layer_sizes=(7,)).fit(X, y)


def test_warm_start_with_early_stopping_extends_the_validation_curve():
    X, y = make_regression(n_samples=80, n_features=3, random_state=0)
    reg = NeuralRegressor(
        hidden_layer_sizes=(4,), epochs=5, early_stopping=True, warm_start=True, random_state=0
    )
    reg.fit(X, y)
    reg.set_params(epochs=7).fit(X, y)
    assert len(reg.validation_loss_curve_) == len(reg.loss_curve_) == reg.n_iter_ == 12


# -- 7. refusals ------------------------------------------------------------------------------
@pytest.mark.parametrize(("rows", "fraction"), [(2, 0.1), (10, 0.1), (3, 0.9)])
def test_early_stopping_needs_two_validation_rows_and_one_training_row(rows, fraction):
    X, y = make_regression(n_samples=rows, n_features=5, random_state=0)
    with pytest.raises(ValueError, match=r"The validation set is too small.*Increase validation_fraction"):
        NeuralRegressor(early_stopping=True, validation_fraction=fraction, random_state=0).fit(X, y)


@pytest.mark.parametrize("Estimator", [NeuralClassifier, NeuralRegressor])
def test_partial_fit_refuses_early_stopping(Estimator):
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    fitted = Estimator(early_stopping=True, epochs=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        fitted.partial_fit(X, y)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        Estimator(early_stopping=True).partial_fit(X, y)


def test_a_column_vector_y_warns_and_acts_as_one_label_per_row():
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    params = {"hidden_layer_sizes": (4,), "epochs": 10, "random_state": 0}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        column = NeuralClassifier(**params).fit(X, y[:, None])
    assert any("column-vector y" in str(w.message) for w in caught)
    np.testing.assert_array_equal(column.predict(X), NeuralClassifier(**params).fit(X, y).predict(X))
