"""Edge cases of the public API that a review found: each was a bare Python/NumPy exception,
a silently wrong number or a surprise. Every test fails on the behaviour before its fix."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import neuralab as nl


def _regression(n=20):
    X = np.random.default_rng(0).normal(size=(n, 2))
    return X, X @ [1.0, 2.0]


def _network(dtype="float64"):
    return nl.Sequential([nl.Dense(4, "tanh", input_dim=2, seed=0), nl.Dense(1, seed=1)], dtype=dtype)


# -- learning-rate schedules continue when training resumes -----------------------------------
def test_a_resumed_fit_continues_the_schedule_instead_of_decaying_twice():
    X, y = _regression()
    whole = _network()
    history = whole.fit(X, y, loss="mse", optimizer=nl.SGD(0.1), epochs=6, callbacks=[nl.StepDecay(0.5, 1)])
    assert history.learning_rate == [0.1, 0.05, 0.025, 0.0125, 0.00625, 0.003125]

    parts, optimizer = _network(), nl.SGD(0.1)
    parts.fit(X, y, loss="mse", optimizer=optimizer, epochs=3, callbacks=[nl.StepDecay(0.5, 1)])
    resumed = parts.fit(
        X, y, loss="mse", optimizer=optimizer, epochs=6, initial_epoch=3, callbacks=[nl.StepDecay(0.5, 1)]
    )
    assert resumed.learning_rate == [0.0125, 0.00625, 0.003125]
    for a, b in zip(whole.get_weights(), parts.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_schedules_starting_rate_is_saved_with_the_optimizer_state():
    optimizer = nl.SGD(0.1)
    X, y = _regression()
    _network().fit(X, y, loss="mse", optimizer=optimizer, epochs=2, callbacks=[nl.ExponentialDecay(0.5)])
    restored = nl.SGD(optimizer.learning_rate)  # the decayed rate, as a saved config holds it
    restored.set_state(optimizer.get_state())
    assert restored.base_learning_rate == 0.1
    restored.reset()
    assert restored.base_learning_rate is None


# -- arguments that used to escape as bare exceptions -----------------------------------------
@pytest.mark.parametrize(
    ("batch_size", "words"),
    [(0, "`batch_size` must be"), (-1, "`batch_size` must be"), (2.5, "`batch_size` must be")],
)
def test_predict_batch_size_is_checked(batch_size, words):
    with pytest.raises(nl.ValidationError, match=words):
        _network().predict(np.zeros((3, 2)), batch_size=batch_size)


@pytest.mark.parametrize(
    ("callbacks", "words"),
    [
        (nl.EarlyStopping(), r"must be a list of callbacks, e\.g\. \[EarlyStopping\(\)\]"),
        (None, "must be a list of callbacks"),
        ([1], r"callbacks\[0\] is 1, not a Callback"),
    ],
)
def test_callbacks_must_be_a_list_of_callbacks(callbacks, words):
    X, y = _regression()
    with pytest.raises(nl.ValidationError, match=words):
        _network().fit(X, y, loss="mse", optimizer="sgd", epochs=1, callbacks=callbacks)


def test_divergence_must_be_a_rule_and_its_factor_at_least_one():
    X, y = _regression()
    with pytest.raises(nl.ValidationError, match="`divergence` must be a DivergenceRule"):
        _network().fit(X, y, loss="mse", optimizer="sgd", epochs=1, divergence="off")
    with pytest.raises(nl.ValidationError, match="factor` must be >= 1"):
        nl.DivergenceRule(factor=0.5)


def test_ragged_set_weights_is_a_validation_error():
    network = _network()
    with pytest.raises(nl.ValidationError, match="Array 0 for `set_weights` is not a rectangular array"):
        network.set_weights([[[1, 2, 3, 4], [1, 2]], [0] * 4, [[0]] * 4, [0]])


def test_validation_data_errors_name_validation_data():
    X, y = _regression()
    with pytest.raises(nl.ShapeError, match=r"`validation_data\[0\]` has 1 feature"):
        _network().fit(X, y, loss="mse", optimizer="sgd", epochs=1, validation_data=(X[:, :1], y))


def test_inputs_beyond_float32_are_a_range_error_not_a_cast_warning():
    with pytest.raises(nl.ValidationError, match=r"beyond float32's range .* float64 network"):
        _network("float32").predict([[1e300, 1.0]])
    assert _network("float64").predict([[1e300, 1.0]]).shape == (1, 1)


def test_no_columns_is_refused():
    with pytest.raises(nl.ShapeError, match="has no columns"):
        nl.Sequential([nl.Dense(1)]).fit(np.zeros((3, 0)), np.zeros(3), loss="mse", optimizer="sgd", epochs=1)


def test_dropout_takes_any_real_rate():
    assert nl.Dropout(np.float32(0.5)).rate == 0.5


# -- silently wrong or surprising --------------------------------------------------------------
def test_a_one_unit_softmax_is_refused_with_the_two_fixes():
    network = nl.Sequential([nl.Dense(1, "softmax", input_dim=2)])
    with pytest.raises(nl.IncompatibleLossError, match="softmax over one output unit is always 1"):
        network.fit(np.zeros((3, 2)), [0, 0, 0], loss="cross_entropy", optimizer="sgd", epochs=1)


def test_a_layer_cannot_join_a_second_network():
    shared = nl.Dense(4, "tanh", input_dim=2, seed=0)
    first = nl.Sequential([shared, nl.Dense(1, "sigmoid")])
    with pytest.raises(nl.ValidationError, match=r"Layer 1 .* already belongs to another network"):
        nl.Sequential([shared, nl.Dense(1)], dtype="float64")
    assert first.predict(np.zeros((1, 2))).dtype == np.float32  # untouched by the refused network


def test_copies_and_pickles_own_their_layers():
    network = _network()
    for copied in (copy.deepcopy(network), pickle.loads(pickle.dumps(network))):
        np.testing.assert_array_equal(copied.predict(np.ones((2, 2))), network.predict(np.ones((2, 2))))
        assert all(layer._owner() is copied for layer in copied.layers)


def test_an_optimizer_object_and_a_different_learning_rate_is_a_conflict():
    with pytest.raises(nl.ValidationError, match=r"rate 0\.5 and also learning_rate=0\.1.*SGD\(0\.1\)"):
        nl.get_optimizer(nl.SGD(0.5), learning_rate=0.1)
    assert nl.get_optimizer(nl.SGD(0.5), learning_rate=0.5).learning_rate == 0.5


def test_validation_target_errors_name_it_and_custom_losses_without_name_still_work():
    X, y = _regression()
    with pytest.raises(nl.ValidationError, match=r"`validation_data\[1\]`"):
        _network().fit(X, y, loss="mse", optimizer="sgd", epochs=1, validation_data=(X, ["a"] * len(y)))

    base = type(nl.get_loss("mse"))

    class Legacy(base):  # a user's loss written before prepare_target took `name`
        def prepare_target(self, target, n_outputs, dtype):
            return super().prepare_target(target, n_outputs, dtype)

    history = _network().fit(X, y, loss=Legacy(), optimizer="sgd", epochs=2, validation_data=(X, y))
    assert len(history.val_loss) == 2
    assert nl.trace.trace(_network(), X[:1], y[:1], loss=Legacy()) is not None


def test_class_weight_needs_a_classification_loss_and_some_weight():
    X, y = _regression()
    with pytest.raises(nl.ValidationError, match="weighs classes, but mse is a regression loss"):
        _network().fit(X, y, loss="mse", optimizer="sgd", epochs=1, class_weight="balanced")
    with pytest.raises(nl.ValidationError, match="Every training sample has weight 0"):
        _network().fit(X, y, loss="mse", optimizer="sgd", epochs=1, sample_weight=np.zeros(len(y)))


def test_a_callback_that_raises_marks_the_history():
    class Broken(nl.Callback):
        def on_epoch_end(self, epoch, logs):
            raise RuntimeError("callback bug")

    X, y = _regression()
    network = _network()
    with pytest.raises(RuntimeError, match="callback bug"):
        network.fit(X, y, loss="mse", optimizer="sgd", epochs=3, callbacks=[Broken()])
    assert network.history.stop_reason == "error"


def test_an_optimizer_with_state_trains_one_network():
    X, y = _regression()
    optimizer = nl.Adam(0.01)
    first = _network()
    first.fit(X, y, loss="mse", optimizer=optimizer, epochs=2)
    first.fit(X, y, loss="mse", optimizer=optimizer, epochs=3, initial_epoch=2)  # the same network: fine
    with pytest.raises(nl.ValidationError, match=r"holds state from training another network .*reset\(\)"):
        _network().fit(X, y, loss="mse", optimizer=optimizer, epochs=1)
    optimizer.reset()
    assert _network().fit(X, y, loss="mse", optimizer=optimizer, epochs=1).epochs_run == 1
    copied = copy.deepcopy(optimizer)  # a copy is free to train another network
    assert _network().fit(X, y, loss="mse", optimizer=copied, epochs=1).epochs_run == 1


def test_a_first_step_divergence_from_the_penalty_says_so():
    X, y = _regression()
    with pytest.raises(nl.DivergenceError, match="the initial weights and the l1/l2 penalty"):
        _network().fit(X, y, loss="mse", optimizer="sgd", epochs=1, l2=1e308)


def test_optimizer_state_from_another_optimizer_is_refused():
    X, y = _regression()
    sgd = nl.SGD(0.01, momentum=0.9)
    _network().fit(X, y, loss="mse", optimizer=sgd, epochs=1)
    with pytest.raises(nl.ValidationError, match=r"'momentum_buffer' array, but Adam keeps m, v"):
        nl.Adam().set_state(sgd.get_state())
    state = sgd.get_state()
    del state["iterations"]
    with pytest.raises(nl.ValidationError, match="has no 'iterations'"):
        nl.SGD(0.01, momentum=0.9).set_state(state)


def test_dropout_first_then_dense_with_input_dim_builds():
    network = nl.Sequential([nl.Dropout(0.2), nl.Dense(3, input_dim=2, seed=0), nl.Dense(1)])
    assert network.input_dim == 2 and network.built
    assert network.predict(np.zeros((4, 2))).shape == (4, 1)


def test_small_fixes_named_by_the_review():
    with pytest.raises(nl.ValidationError, match=r"`dtype` must be 'float32' or 'float64'\. Got None"):
        nl.Sequential([nl.Dense(1)], dtype=None)
    network = nl.Sequential([nl.Dense(3, "softmax", input_dim=2)])
    with pytest.raises(nl.ShapeError, match=r"give them as a 1-D array: y\.ravel\(\)"):
        network.fit(
            np.zeros((4, 2)), np.zeros((4, 1), dtype=int), loss="cross_entropy", optimizer="sgd", epochs=1
        )


def test_evaluate_in_batches_gives_the_same_loss():
    X, y = _regression(50)
    network = _network()
    whole = network.evaluate(X, y, loss="mse")
    assert network.evaluate(X, y, loss="mse", batch_size=7) == pytest.approx(whole, rel=1e-12)
    assert whole == pytest.approx(float(np.mean((network.predict(X)[:, 0] - y) ** 2)), rel=1e-12)


def test_a_divergence_restores_the_optimizer_state_with_the_weights():
    """Full-batch SGD with momentum 0.9 on z = 2x diverges at lr 0.05 (heavy ball is stable
    below 2 (1 + 0.9) / (2 sum x^2) = 0.035): the weights and the momentum buffer both go back
    to the start of the epoch before the bad loss was seen."""

    class Recorder(nl.Callback):
        def __init__(self):
            self.weights, self.states = {}, {}

        def on_epoch_begin(self, epoch):
            self.weights[epoch] = self.context.network.get_weights()
            self.states[epoch] = self.context.optimizer.get_state()

    X = np.arange(1.0, 6.0).reshape(-1, 1)
    network = nl.Sequential([nl.Dense(1, input_dim=1, weights=[[0.2]], use_bias=False)], dtype="float64")
    optimizer, recorder = nl.SGD(0.05, momentum=0.9), Recorder()
    with pytest.raises(nl.DivergenceError) as info:
        network.fit(X, 2 * X, loss="sum_squared_error", optimizer=optimizer, epochs=200, callbacks=[recorder])
    kept = info.value.epoch - 1  # the bad loss came from the last step of the epoch before
    np.testing.assert_array_equal(network.get_weights()[0], recorder.weights[kept][0])
    state = optimizer.get_state()
    assert int(state["iterations"]) == int(recorder.states[kept]["iterations"]) > 0
    np.testing.assert_array_equal(state["0.momentum_buffer"], recorder.states[kept]["0.momentum_buffer"])
