"""neuralab.Model end to end, model files, and the training additions of issue 4
(early stopping, learning-rate schedules, L2, class weights, RMSprop, optimizer state)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import torch
from tests.finite_differences import numeric_gradient

import neuralab as nl
from neuralab.data import Table, load_bundled, split_indices
from neuralab.io import FORMAT_VERSION, ModelFileError
from neuralab.training import _combine_class_weight, backpropagate_batch, batch_loss_value


def _split_fit(name, *, hidden, learning_rate, patience, seed, epochs=200):
    table, target = load_bundled(name)
    stratify = None if name == "diabetes" else table.column(target)
    train, val, test = split_indices(table.n_rows, validation=0.2, test=0.2, seed=seed, stratify=stratify)
    model = nl.Model.for_data(table, target, hidden=hidden, train_rows=train)
    model.fit(
        table.take(train),
        validation=table.take(val),
        learning_rate=learning_rate,
        epochs=epochs,
        batch_size=32,
        early_stopping=patience,
        seed=seed,
    )
    return model, table.take(test)


# -- real data end to end ------------------------------------------------------------------
def test_digits_test_accuracy():
    model, test = _split_fit("digits", hidden=(64, 32), learning_rate=None, patience=10, seed=0)
    assert model.evaluate(test)["accuracy"] >= 0.95


def test_breast_cancer_test_accuracy():
    model, test = _split_fit("breast_cancer", hidden=(16,), learning_rate=0.003, patience=10, seed=1)
    result = model.evaluate(test)
    assert result["accuracy"] >= 0.95
    assert result["labels"] == ["benign", "malignant"]
    assert np.sum(result["confusion_matrix"]) == test.n_rows


def test_diabetes_r2_is_sane():
    model, test = _split_fit("diabetes", hidden=(16,), learning_rate=0.01, patience=10, seed=0)
    # A linear model reaches R^2 about 0.45 on this set; far below 0.3 or near 1 would be a bug.
    assert 0.3 <= model.evaluate(test)["r2"] <= 0.7


def test_generated_regression_reaches_the_noise_floor():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(1500, 2))
    noise = 0.1
    y = 3 * np.sin(X[:, 0]) + X[:, 1] ** 2 + 100 + rng.normal(0, noise, 1500)  # far from zero mean
    table = Table.from_arrays(X, y, target_name="y")
    train, val, test = split_indices(1500, validation=0.2, test=0.2, seed=0)
    model = nl.Model.for_data(table, "y", hidden=(32, 32), train_rows=train)
    assert model.task == "regression"
    model.fit(
        table.take(train),
        validation=table.take(val),
        learning_rate=0.003,
        epochs=150,
        early_stopping=15,
        seed=0,
    )
    mse = model.evaluate(table.take(test))["mse"]
    assert mse < 2 * noise**2  # the noise variance is the floor (0.01)


# -- model files ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_model():
    table, target = load_bundled("iris")
    model = nl.Model.for_data(table, target, hidden=(8,))
    model.fit(table, epochs=5, seed=0, optimizer="adam")
    return model, table


def test_save_load_predict_identical(tmp_path, small_model):
    model, table = small_model
    path = tmp_path / "iris.nlab"
    nl.save(model, path)
    loaded = nl.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(table), model.predict_proba(table))
    assert loaded.predict(table).tolist() == model.predict(table).tolist()
    assert loaded.classes == ["setosa", "versicolor", "virginica"]
    assert loaded.training["epochs"] == 5
    # Scaling is applied on reload: raw (unscaled) arrays give the same answers as the table.
    raw = np.column_stack([table.column(c) for c in table.columns[:-1]])
    np.testing.assert_array_equal(loaded.predict_proba(raw), model.predict_proba(table))
    assert np.abs(loaded.preprocessor.mean).max() > 1  # real scaling, not identity


def test_regression_reload_in_user_units(tmp_path):
    X = np.linspace(0, 1, 50).reshape(-1, 1)
    table = Table.from_arrays(X, 1000 + 50 * X[:, 0] + 0.37 * np.sin(40 * X[:, 0]), target_name="y")
    model = nl.Model.for_data(table, "y", hidden=(4,), dtype="float64")
    model.fit(table, epochs=3, seed=0)
    nl.save(model, tmp_path / "r.nlab")
    loaded = nl.load(tmp_path / "r.nlab")
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))
    assert 900 < loaded.predict(table).mean() < 1100  # target scaling undone


def test_optimizer_state_round_trip_resumes_exactly(tmp_path, small_model):
    model, _ = small_model
    nl.save(model, tmp_path / "m.nlab")
    loaded = nl.load(tmp_path / "m.nlab")
    assert isinstance(loaded.optimizer, nl.Adam) and loaded.optimizer.iterations == model.optimizer.iterations
    original = model.optimizer.get_state()
    restored = loaded.optimizer.get_state()
    # fit trains through one flat parameter array, so Adam keeps one m and one v.
    assert original.keys() == restored.keys() == {"iterations", "0.m", "0.v"}
    assert original["0.m"].shape == (model.network.count_parameters(),)
    for key in original:
        np.testing.assert_array_equal(original[key], restored[key])
    # One more identical step from both, on the flat parameters as fit makes it.
    a = [model.network.flat_parameters()[0].copy()]
    b = [loaded.network.flat_parameters()[0].copy()]
    grads = [np.full_like(a[0], 0.1)]
    opt_a, opt_b = nl.Adam(), loaded.optimizer
    opt_a.set_state(model.optimizer.get_state())
    opt_a.step(a, grads)
    opt_b.step(b, grads)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], model.network.flat_parameters()[0])  # the step moved them


def test_atomic_save_keeps_the_old_file(tmp_path, small_model, monkeypatch):
    model, _ = small_model
    path = tmp_path / "m.nlab"
    nl.save(model, path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        nl.save(model, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.nlab"]  # no temporary file left


def test_bad_model_files(tmp_path, small_model):
    model, _ = small_model
    good = tmp_path / "m.nlab"
    nl.save(model, good)
    truncated = tmp_path / "t.nlab"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ModelFileError, match="truncated or damaged"):
        nl.load(truncated)
    text = tmp_path / "x.nlab"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match="not a neuralab model file"):
        nl.load(text)
    other = tmp_path / "o.npz"
    np.savez(other, a=np.zeros(2))
    with pytest.raises(ModelFileError, match="not a neuralab model"):
        nl.load(other)
    with pytest.raises(ModelFileError, match="not found"):
        nl.load(tmp_path / "none.nlab")


def make_newer(source, target):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == "metadata.npy":
                import io as _io

                meta = json.loads(np.load(_io.BytesIO(data)).tobytes())
                meta["format_version"] = FORMAT_VERSION + 1
                buffer = _io.BytesIO()
                np.save(buffer, np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
                data = buffer.getvalue()
            zout.writestr(item, data)


def test_newer_format_is_refused(tmp_path, small_model):
    model, _ = small_model
    nl.save(model, tmp_path / "m.nlab")
    make_newer(tmp_path / "m.nlab", tmp_path / "new.nlab")
    with pytest.raises(ModelFileError, match=f"format version {FORMAT_VERSION + 1}.*Upgrade neuralab"):
        nl.load(tmp_path / "new.nlab")


# -- early stopping and schedules -----------------------------------------------------------
def test_early_stopping_restores_best_weights():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 5))
    y = X[:, :1] + rng.normal(0, 1.0, size=(40, 1))  # noisy: a wide network overfits
    X_val = rng.normal(size=(40, 5))
    y_val = X_val[:, :1] + rng.normal(0, 1.0, size=(40, 1))
    net = nl.Sequential([nl.Dense(64, "relu", input_dim=5), nl.Dense(1)], dtype="float64")
    stopper = nl.EarlyStopping(patience=5)
    history = net.fit(
        X,
        y,
        loss="mse",
        optimizer=nl.Adam(0.01),
        epochs=500,
        batch_size=8,
        seed=0,
        validation_data=(X_val, y_val),
        callbacks=[stopper],
    )
    assert history.stop_reason == "early stopping"
    best = int(np.argmin(history.val_loss)) + 1
    assert stopper.best_epoch == best and history.epochs_run == best + 5
    assert net.evaluate(X_val, y_val, "mse") == history.val_loss[best - 1]  # the best epoch's weights
    assert history.val_loss[-1] > history.val_loss[best - 1]


def test_early_stopping_min_delta_and_needs_validation():
    stopper = nl.EarlyStopping(patience=2, min_delta=0.5)
    net = nl.Sequential([nl.Dense(1, input_dim=1, seed=0)])
    X = np.arange(4.0).reshape(-1, 1)
    with pytest.raises(nl.ValidationError, match="no validation data"):
        net.fit(X, X, loss="mse", optimizer="gd", epochs=3, callbacks=[stopper])
    # Improvements smaller than min_delta do not count: stops after 1 + 2 epochs.
    history = net.fit(
        X,
        X,
        loss="mse",
        optimizer=nl.GradientDescent(1e-4),
        epochs=50,
        validation_data=(X, X),
        callbacks=[stopper],
    )
    assert history.epochs_run == 3 and stopper.best_epoch == 1


def test_learning_rate_schedules():
    X = np.arange(4.0).reshape(-1, 1)
    net = nl.Sequential([nl.Dense(1, input_dim=1, seed=0)], dtype="float64")
    history = net.fit(
        X,
        X,
        loss="mse",
        optimizer=nl.GradientDescent(0.1),
        epochs=5,
        callbacks=[nl.StepDecay(drop=0.5, every=2)],
    )
    assert history.learning_rate == [0.1, 0.1, 0.05, 0.05, 0.025]
    history = net.fit(
        X,
        X,
        loss="mse",
        optimizer=nl.GradientDescent(0.1),
        epochs=3,
        callbacks=[nl.ExponentialDecay(rate=0.9)],
    )
    np.testing.assert_allclose(history.learning_rate, [0.1, 0.09, 0.081], rtol=1e-15)


# -- L2 and class weights: gradient-checked -------------------------------------------------
@pytest.mark.parametrize(
    ("output", "loss", "n_out"),
    [
        ("softmax", "cross_entropy", 3),
        ("sigmoid", "binary_cross_entropy", 1),
        ("linear", "mse", 2),
        ("linear", "half_squared_error", 1),
    ],
)
def test_l2_and_sample_weights_pass_a_gradient_check(output, loss, n_out):
    rng = np.random.default_rng(0)
    net = nl.Sequential(
        [nl.Dense(4, "tanh", input_dim=3, seed=1), nl.Dense(n_out, output, seed=2)], dtype="float64"
    )
    resolved = net.check_loss(loss)
    X = rng.normal(size=(7, 3))
    if loss == "cross_entropy":
        target = resolved.prepare_target(rng.integers(0, 3, 7), n_out, np.float64)
    elif loss == "binary_cross_entropy":
        target = rng.integers(0, 2, (7, 1)).astype(float)
    else:
        target = rng.normal(size=(7, n_out))
    weights = np.array([1.0, 2.5, 0.5, 1.0, 2.5, 2.5, 0.3])
    l2 = 0.3

    def total():
        return batch_loss_value(net, resolved, net.forward(X), target, l2=l2, sample_weight=weights)

    backpropagate_batch(net, resolved, net.forward(X), target, l2=l2, sample_weight=weights)
    analytic = [g.copy() for g in net.gradients()]
    for parameter, gradient in zip(net.parameters(), analytic, strict=True):
        np.testing.assert_allclose(gradient, numeric_gradient(parameter, total), rtol=1e-6, atol=1e-8)


def test_weighted_l2_value_by_hand():
    # One linear unit, w = [[2], [-1]], b = 0.5; X rows [1, 0], [0, 1]; targets 0, 0.
    # outputs 2.5 and -0.5; squared errors 6.25 and 0.25; weights 2 and 1; MSE over N = 2:
    # (2 * 6.25 + 1 * 0.25) / 2 = 6.375; L2 0.1/2 * (4 + 1) = 0.25 (bias not penalised).
    net = nl.Sequential([nl.Dense(1, input_dim=2, weights=[[2.0], [-1.0]], biases=[0.5])], dtype="float64")
    loss = net.check_loss("mse")
    out = net.forward(np.eye(2))
    value = batch_loss_value(net, loss, out, np.zeros((2, 1)), l2=0.1, sample_weight=np.array([2.0, 1.0]))
    assert value == pytest.approx(6.375 + 0.25, rel=1e-15)


def test_balanced_class_weights_by_hand():
    # 3 of class 0, 1 of class 1: n / (k * count) = 4 / 6 and 4 / 2.
    y = np.eye(2)[[0, 0, 0, 1]]
    np.testing.assert_allclose(_combine_class_weight("balanced", y, None, np.float64), [2 / 3] * 3 + [2.0])
    np.testing.assert_allclose(
        _combine_class_weight({1: 3.0}, y, np.full(4, 0.5), np.float64), [0.5, 0.5, 0.5, 1.5]
    )
    with pytest.raises(nl.ValidationError, match=r"class indices 0\.\.1"):
        _combine_class_weight({2: 1.0}, y, None, np.float64)


def test_balanced_class_weight_raises_minority_recall():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = ((X[:, 0] + 0.5 * rng.normal(size=400)) > 1.6).astype(int)  # about 7% positives, overlapping
    recalls = []
    for class_weight in (None, "balanced"):
        net = nl.Sequential([nl.Dense(2, "softmax", input_dim=2, seed=0)])
        net.fit(
            X,
            y,
            loss="cross_entropy",
            optimizer=nl.Adam(0.05),
            epochs=60,
            batch_size=50,
            seed=0,
            class_weight=class_weight,
        )
        predicted = np.argmax(net.predict(X), axis=1)
        recalls.append(np.mean(predicted[y == 1] == 1))
    assert recalls[1] > recalls[0] + 0.2


# -- RMSprop and presets -------------------------------------------------------------------
def test_rmsprop_matches_torch():
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 4))
    grads = rng.normal(size=(20, 3, 4))
    ours = start.copy()
    optimizer = nl.RMSprop()
    theirs = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    reference = torch.optim.RMSprop([theirs])  # defaults lr 0.01, alpha 0.99, eps 1e-8
    for g in grads:
        optimizer.step([ours], [g])
        theirs.grad = torch.tensor(g, dtype=torch.float64)
        reference.step()
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=0, atol=1e-12)


def test_optimizer_presets():
    assert nl.get_optimizer("momentum", 0.1).get_config() == {
        "name": "sgd",
        "learning_rate": 0.1,
        "momentum": 0.9,
        "nesterov": False,
    }
    assert nl.get_optimizer("nesterov").nesterov is True
    assert nl.get_optimizer("rmsprop", 0.5).learning_rate == 0.5


# -- review fixes: unfitted models, early-stopping patience, the stop reason ------------------------
def test_an_unfitted_model_refuses_to_predict_until_fit():
    table, target = load_bundled("iris")
    model = nl.Model.for_data(table, target, hidden=(4,))
    assert model.fitted is False
    for use in (model.predict, model.predict_proba, model.evaluate):
        with pytest.raises(nl.NotFittedError, match=r"never trained.*Call model.fit\(table\) first"):
            use(table)
    with pytest.raises(nl.NotFittedError):
        model.predict(np.zeros((2, 4)))
    # A fit refused before any step leaves it unfitted; a real fit (even 1 epoch) allows predictions.
    with pytest.raises(nl.ValidationError):
        model.fit(table, epochs=1, early_stopping=3, validation_split=0)  # no validation rows
    assert model.fitted is False
    model.fit(table, epochs=1, seed=0)
    assert model.fitted and model.predict(table).shape == (150,)


def test_a_saved_model_loads_fitted(tmp_path, small_model):
    model, table = small_model
    nl.save(model, tmp_path / "m.nlab")
    loaded = nl.load(tmp_path / "m.nlab")
    assert loaded.fitted
    np.testing.assert_array_equal(loaded.predict_proba(table), model.predict_proba(table))


@pytest.mark.parametrize("patience", [0, -1, 2.5, True])
def test_early_stopping_patience_must_be_at_least_one(small_model, patience):
    model, table = small_model
    with pytest.raises(
        nl.ValidationError,
        match=r"`early_stopping` is the patience in epochs and must be an "
        r"integer >= 1",
    ):
        model.fit(table, validation=table, epochs=1, early_stopping=patience)


def test_another_callback_that_stops_the_fit_keeps_the_reason_callback():
    class StopAtTwo(nl.Callback):
        def on_epoch_end(self, epoch, logs):
            if epoch == 2:
                self.context.stop_training = True

    X = np.arange(4.0).reshape(-1, 1)
    net = nl.Sequential([nl.Dense(1, input_dim=1, seed=0)])
    history = net.fit(X, X, loss="mse", optimizer="gd", epochs=10, callbacks=[StopAtTwo()])
    assert history.stop_reason == "callback" and history.epochs_run == 2
    # EarlyStopping that never triggers leaves the reason alone too.
    history = net.fit(
        X,
        X,
        loss="mse",
        optimizer="gd",
        epochs=3,
        validation_data=(X, X),
        callbacks=[nl.EarlyStopping(patience=50)],
    )
    assert history.stop_reason == "epochs"


def test_saving_a_plain_network_says_how_to_keep_it(tmp_path):
    net = nl.Sequential([nl.Dense(3, "tanh", input_dim=2, seed=0), nl.Dense(1, seed=1)])
    with pytest.raises(nl.ValidationError) as caught:
        nl.save(net, tmp_path / "net.nlab")
    message = str(caught.value)
    for part in ("Got a Sequential", "preprocessing", "Model.for_data", "get_weights()", "set_weights("):
        assert part in message
    assert not (tmp_path / "net.nlab").exists()
    # The advice works as written: the weights go through np.savez / np.load unchanged.
    path = tmp_path / "weights.npz"
    np.savez(path, *net.get_weights())
    again = nl.Sequential([nl.Dense(3, "tanh", input_dim=2, seed=7), nl.Dense(1, seed=8)])
    again.set_weights(list(np.load(path).values()))
    for a, b in zip(net.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(nl.ValidationError, match=r"Got dict\..*Model\.for_data"):
        nl.save({}, tmp_path / "d.nlab")
