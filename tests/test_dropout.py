"""Dropout: inverted dropout during fit, the identity at prediction, gradient-checked with a
fixed mask, seeded by fit, saved and exported like the rest."""

from __future__ import annotations

import numpy as np
import pytest
from tests.finite_differences import numeric_gradient

import neuralab as nl


def _network(rate=0.5, dtype="float64"):
    return nl.Sequential(
        [
            nl.Dense(6, "tanh", input_dim=3, seed=1),
            nl.Dropout(rate),
            nl.Dense(2, "linear", seed=2),
        ],
        dtype=dtype,
    )


def test_training_mask_is_scaled_bernoulli_and_inference_is_identity():
    layer = nl.Dropout(0.25, seed=0)
    x = np.ones((400, 50))
    out = layer.forward(x, training=True)
    values = set(np.unique(out).tolist())
    assert values == {0.0, 1.0 / 0.75}  # kept units scaled by 1 / (1 - rate)
    dropped = np.mean(out == 0)
    assert abs(dropped - 0.25) < 0.01  # 20,000 draws: sd of the fraction ~0.003
    assert abs(out.mean() - 1.0) < 0.02  # expectation preserved
    assert layer.forward(x) is x  # outside training: the identity, no copy


def test_predict_ignores_dropout_and_fit_uses_it():
    net = _network()
    X = np.random.default_rng(0).normal(size=(5, 3))
    without = nl.Sequential([nl.Dense(6, "tanh", input_dim=3, seed=1), nl.Dense(2, seed=2)], dtype="float64")
    np.testing.assert_array_equal(net.predict(X), without.predict(X))
    trained = net.forward(X, training=True)
    assert not np.allclose(trained, without.predict(X))


def test_backward_uses_the_same_mask():
    layer = nl.Dropout(0.5, seed=3)
    x = np.random.default_rng(1).normal(size=(4, 5))
    out = layer.forward(x, training=True)
    grad = np.arange(20.0).reshape(4, 5)
    np.testing.assert_array_equal(layer.backward(grad), grad * layer.mask)
    np.testing.assert_array_equal(out, x * layer.mask)


def test_gradients_with_a_fixed_mask_match_finite_differences():
    """E(W) with the mask held fixed is smooth, so central differences apply (float64)."""
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    net = _network(0.4)
    dropout = net.layers[1]
    mask = (rng.random((7, 6)) >= 0.4) / 0.6
    dropout.fix_mask(mask)
    loss = nl.get_loss("mse")
    output = net.forward(X, training=True)
    net.backward(loss.gradient(output, y))
    for name, parameter, gradient in net.named_parameters():
        numeric = numeric_gradient(parameter, lambda: loss.value(net.forward(X, training=True), y))
        assert np.all(np.abs(numeric - gradient) <= 1e-6 * (np.abs(numeric) + np.abs(gradient)) + 1e-9), name


def test_gradients_with_a_fixed_mask_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    net = _network(0.5)
    mask = (rng.random((6, 6)) >= 0.5) / 0.5
    net.layers[1].fix_mask(mask)
    loss = nl.get_loss("mse")
    net.backward(loss.gradient(net.forward(X, training=True), y))
    w1, b1, w2, b2 = (torch.tensor(p, requires_grad=True) for p in net.get_weights())
    hidden = torch.tanh(torch.tensor(X) @ w1 + b1) * torch.tensor(mask)
    torch.nn.functional.mse_loss(hidden @ w2 + b2, torch.tensor(y)).backward()
    for ours, theirs in zip(net.gradients(), (w1, b1, w2, b2), strict=True):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_fit_seed_decides_the_masks():
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 2))

    def run(seed):
        net = _network(0.5, dtype="float32")
        net.fit(X, y, loss="mse", optimizer=nl.SGD(0.05), epochs=3, batch_size=8, seed=seed)
        return net.get_weights()

    first, again, other = run(0), run(0), run(1)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


def test_dropout_regularises_a_wide_network_on_noise():
    """On pure-noise targets, dropout keeps the training loss above the unregularised one."""
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(60, 5)), rng.normal(size=(60, 1))

    def final_loss(rate):
        layers = [nl.Dense(64, "relu", input_dim=5, seed=1)]
        layers += [nl.Dropout(rate)] if rate else []
        net = nl.Sequential([*layers, nl.Dense(1, seed=2)])
        net.fit(X, y, loss="mse", optimizer=nl.Adam(0.01), epochs=300, seed=0)
        return net.evaluate(X, y, loss="mse")

    assert final_loss(0.5) > 1.5 * final_loss(0.0)


def test_summary_save_load_and_history_skip_the_parameterless_layer(tmp_path):
    net = _network(0.5, dtype="float32")
    text = net.summary()
    assert "2: Dropout" in text and "rate 0.5" in text and "(None, 6)" in text
    assert net.count_parameters() == 3 * 6 + 6 + 6 * 2 + 2
    X, y = np.random.default_rng(8).normal(size=(20, 3)), np.random.default_rng(9).normal(size=(20, 2))
    history = net.fit(X, y, loss="mse", optimizer="sgd", epochs=2, seed=0, l2=0.01)
    assert np.array(history.gradient_norms).shape == (2, 2)  # the two Dense layers
    assert net.get_config()["layers"][1] == {"type": "Dropout", "rate": 0.5, "units": 6}
    from neuralab.network import layer_from_config

    rebuilt = nl.Sequential([layer_from_config(c) for c in net.get_config()["layers"]])
    rebuilt.set_weights(net.get_weights())
    np.testing.assert_array_equal(rebuilt.predict(X), net.predict(X))


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "half", True])
def test_bad_rate_is_refused(rate):
    with pytest.raises(nl.ValidationError, match=r"`rate` must be a number in \[0, 1\)"):
        nl.Dropout(rate)


def test_dropout_cannot_be_the_output_layer():
    with pytest.raises(nl.ValidationError, match="output layer is a Dropout; it must be a Dense layer"):
        nl.Sequential([nl.Dense(3, input_dim=2), nl.Dropout(0.5)])


def test_trace_refuses_dropout_with_a_reason():
    from neuralab.trace import trace

    with pytest.raises(nl.ValidationError, match="Dense layers only"):
        trace(_network(), [[0.1, 0.2, 0.3]], [[0.0, 1.0]])


def test_model_with_dropout_saves_loads_and_exports(tmp_path):
    from neuralab.data import load_data

    table, target = load_data("iris")
    model = nl.Model.for_data(table, target, hidden=(16,), dropout=0.2)
    assert [type(layer).__name__ for layer in model.network.layers] == ["Dense", "Dropout", "Dense"]
    model.fit(table, epochs=5, seed=0)
    nl.save(model, tmp_path / "iris.nlab")
    loaded = nl.load(tmp_path / "iris.nlab")
    assert [type(layer).__name__ for layer in loaded.network.layers] == ["Dense", "Dropout", "Dense"]
    np.testing.assert_array_equal(loaded.predict_proba(table), model.predict_proba(table))
    onnxruntime = pytest.importorskip("onnxruntime")
    path = nl.export_onnx(model, tmp_path / "iris.onnx")
    session = onnxruntime.InferenceSession(str(path))
    inputs = model.preprocessor._encode(table).astype(np.float32)  # encoded, not yet scaled
    (probabilities,) = session.run(None, {"input": inputs})
    np.testing.assert_allclose(probabilities, model.predict_proba(table), rtol=1e-5, atol=1e-6)


def test_sklearn_estimator_takes_dropout():
    from neuralab.sklearn import NeuralClassifier

    X = np.random.default_rng(10).normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    clf = NeuralClassifier(
        hidden_layer_sizes=(8,), dropout=0.3, epochs=40, learning_rate=0.05, random_state=0
    ).fit(X, y)
    # The first layer is a Dense that also takes sparse X (neuralab._sparse.SparseInputDense).
    assert [isinstance(layer, nl.Dense) for layer in clf.network_.layers] == [True, False, True]
    assert isinstance(clf.network_.layers[1], nl.Dropout)
    assert clf.score(X, y) > 0.8
