"""The fit loop: seeds, batching, stopping, validation, dtype, divergence, Ctrl-C, binary_step."""

from __future__ import annotations

import math
import signal

import numpy as np
import pytest

import neuralab as nl

# -- shared problems -------------------------------------------------------------------------
X_LINE = np.linspace(-1.0, 1.0, 5)  # the notes' z = 2x, S = sum x^2 = 2.5
W0 = 0.2


def line_network(w0: float = W0) -> nl.Sequential:
    return nl.Sequential([nl.Dense(1, use_bias=False, weights=[[w0]])], dtype="float64")


def line_iterate(k: int, learning_rate: float) -> float:
    """w_k = 2 + (w0 - 2)(1 - 2 lr S)^k for J = sum (2x - w x)^2 (full-batch GradientDescent)."""
    return 2.0 + (W0 - 2.0) * (1.0 - 2.0 * learning_rate * float(np.sum(X_LINE**2))) ** k


def line_cost(w: float) -> float:
    return float(np.sum((2.0 * X_LINE - w * X_LINE) ** 2))


def regression_data(n: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = np.column_stack([np.sin(X[:, 0]) + X[:, 1], X[:, 2] * X[:, 0]])
    return X, y


def small_network(dtype: str = "float64", **dense_options) -> nl.Sequential:
    return nl.Sequential([nl.Dense(5, "tanh", **dense_options), nl.Dense(2)], dtype=dtype)


class Recorder(nl.Callback):
    """Records the weights at the start and the weight gradients after each batch."""

    def __init__(self):
        self.initial = None
        self.batch_norms = []
        self.batch_dtypes = set()

    def on_train_begin(self, context):
        super().on_train_begin(context)
        self.initial = context.network.get_weights()

    def on_batch_end(self, batch, loss):
        layers = self.context.network.layers
        self.batch_norms.append([float(np.linalg.norm(layer.weight_gradient)) for layer in layers])
        self.batch_dtypes |= {g.dtype for g in self.context.network.gradients()}


# -- seeds --------------------------------------------------------------------------------------
def test_same_seed_gives_bit_identical_weights_and_history():
    X, y = regression_data(30)
    runs = []
    for _ in range(2):
        network = small_network()
        history = network.fit(
            X,
            y,
            loss="mse",
            optimizer=nl.SGD(0.05, momentum=0.9),
            epochs=5,
            batch_size=7,
            shuffle=True,
            seed=123,
        )
        runs.append((network.get_weights(), history.loss, history.gradient_norms))
    (weights_a, loss_a, norms_a), (weights_b, loss_b, norms_b) = runs
    for a, b in zip(weights_a, weights_b, strict=True):
        np.testing.assert_array_equal(a, b)
    assert loss_a == loss_b and norms_a == norms_b


def test_different_seeds_give_different_weights():
    X, y = regression_data(30)
    final = []
    for seed in (1, 2):
        network = small_network()
        network.fit(X, y, loss="mse", optimizer=nl.SGD(0.05), epochs=2, batch_size=7, seed=seed)
        final.append(network.get_weights()[0])
    assert not np.array_equal(final[0], final[1])


def test_shuffling_follows_the_seed():
    """Same initial weights (layer seeds), different fit seeds: only the batch order differs."""
    X, y = regression_data(30)
    final = []
    for seed in (1, 2, 1):
        network = small_network(seed=5)
        network.layers[1].seed = 6
        network.fit(X, y, loss="mse", optimizer=nl.SGD(0.05), epochs=2, batch_size=7, seed=seed)
        final.append(network.get_weights()[0])
    assert not np.array_equal(final[0], final[1])
    np.testing.assert_array_equal(final[0], final[2])


def test_a_layers_own_seed_wins_over_fits_seed():
    X, y = regression_data(10)
    initial = []
    for fit_seed in (0, 1):
        network = nl.Sequential([nl.Dense(5, "tanh", seed=42), nl.Dense(2)], dtype="float64")
        recorder = Recorder()
        network.fit(
            X, y, loss="mse", optimizer=nl.GradientDescent(0.1), epochs=1, seed=fit_seed, callbacks=[recorder]
        )
        initial.append(recorder.initial)
    np.testing.assert_array_equal(initial[0][0], initial[1][0])  # the seeded layer: same weights
    assert not np.array_equal(initial[0][2], initial[1][2])  # the unseeded layer follows fit's seed
    alone = nl.Dense(5, "tanh", seed=42)
    alone.build(3)
    alone.set_dtype(np.float64)  # re-cast from the float64 draw
    np.testing.assert_array_equal(initial[0][0], alone.weights)


# -- batches ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("batch_size", "per_epoch"), [(None, 1), (1, 10), (3, 4), (10, 1), (50, 1)])
def test_optimizer_iterations_count_the_batches(batch_size, per_epoch):
    X, y = regression_data(10)
    network = small_network()
    optimizer = nl.GradientDescent(0.01)
    network.fit(X, y, loss="mse", optimizer=optimizer, epochs=3, batch_size=batch_size, seed=0)
    assert optimizer.iterations == 3 * per_epoch == 3 * math.ceil(10 / (batch_size or 10))


def test_full_batch_is_the_default():
    """batch_size=None and batch_size=n take the same (single) step per epoch."""
    X, y = regression_data(10)
    weights = []
    for batch_size in (None, 10):
        network = small_network()
        network.fit(
            X, y, loss="mse", optimizer=nl.GradientDescent(0.1), epochs=3, batch_size=batch_size, seed=4
        )
        weights.append(network.get_weights())
    for a, b in zip(*weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_stochastic_gradient_descent_updates_after_every_sample():
    """batch_size=1, no shuffle: w <- w + 2 lr x_i^2 (2 - w) for each sample in turn."""
    learning_rate = 0.1
    network = line_network()
    history = network.fit(
        X_LINE.reshape(-1, 1),
        2.0 * X_LINE,
        loss="sum_squared_error",
        optimizer=nl.GradientDescent(learning_rate),
        epochs=3,
        batch_size=1,
        shuffle=False,
    )
    w, epoch_losses = W0, []
    for _ in range(3):
        total = 0.0
        for xi in X_LINE:
            total += (2.0 * xi - w * xi) ** 2  # each batch's loss is taken before its update
            w += 2.0 * learning_rate * xi * xi * (2.0 - w)
        epoch_losses.append(total)
    assert network.layers[0].weights[0, 0] == pytest.approx(w, rel=1e-13)
    np.testing.assert_allclose(history.loss, epoch_losses, rtol=1e-12)


def test_mean_losses_average_the_batches_by_sample_count():
    """A mean loss's epoch value is the sample-weighted mean of its batch losses."""
    X, y = regression_data(10)
    network = small_network(seed=1)
    network.layers[1].seed = 2
    losses = []

    class BatchLosses(nl.Callback):
        def on_batch_end(self, batch, loss):
            losses.append(loss)

    history = network.fit(
        X,
        y,
        loss="mse",
        optimizer=nl.GradientDescent(0.05),
        epochs=1,
        batch_size=4,
        shuffle=False,
        callbacks=[BatchLosses()],
    )
    assert history.loss[0] == pytest.approx((4 * losses[0] + 4 * losses[1] + 2 * losses[2]) / 10, rel=1e-12)


# -- stopping and validation ---------------------------------------------------------------------
def test_tolerance_stops_early():
    learning_rate, tolerance = 0.1, 1e-6
    costs = [line_cost(line_iterate(k, learning_rate)) for k in range(100)]  # epoch k + 1 sees w_k
    expected_epochs = next(k + 1 for k, cost in enumerate(costs) if cost <= tolerance)
    network = line_network()
    history = network.fit(
        X_LINE.reshape(-1, 1),
        2.0 * X_LINE,
        loss="sum_squared_error",
        optimizer=nl.GradientDescent(learning_rate),
        epochs=100,
        tolerance=tolerance,
    )
    assert history.stop_reason == "tolerance"
    assert history.epoch == list(range(1, expected_epochs + 1))
    assert expected_epochs < 100
    assert history.loss[-1] <= tolerance < history.loss[-2]


def test_validation_data_fills_val_loss():
    X, y = regression_data(20)
    X_val, y_val = regression_data(6, seed=9)
    network = small_network()
    history = network.fit(
        X, y, loss="mse", optimizer=nl.GradientDescent(0.05), epochs=4, seed=0, validation_data=(X_val, y_val)
    )
    assert len(history.val_loss) == 4
    assert history.val_loss[-1] == pytest.approx(network.evaluate(X_val, y_val, loss="mse"), rel=1e-12)
    assert len(set(history.val_loss)) == 4  # measured after every epoch


def test_validation_split_holds_out_the_last_rows():
    X, y = regression_data(10)
    network = small_network()
    optimizer = nl.GradientDescent(0.05)
    recorder = Recorder()
    history = network.fit(
        X, y, loss="mse", optimizer=optimizer, epochs=3, seed=0, validation_split=0.2, callbacks=[recorder]
    )
    assert len(history.val_loss) == 3
    assert history.val_loss[-1] == pytest.approx(network.evaluate(X[-2:], y[-2:], loss="mse"), rel=1e-12)
    start = small_network()
    start.build(3)
    start.set_weights(recorder.initial)
    assert history.loss[0] == pytest.approx(start.evaluate(X[:8], y[:8], loss="mse"), rel=1e-12)
    assert optimizer.iterations == 3


def test_no_validation_leaves_val_loss_empty():
    X, y = regression_data(10)
    history = small_network().fit(X, y, loss="mse", optimizer="gd", epochs=2, seed=0)
    assert history.val_loss == [] and history.stop_reason == "epochs" and history.epochs_run == 2


def test_gradient_norms_are_the_last_batchs_weight_gradient_norms():
    X, y = regression_data(10)
    network = small_network()
    recorder = Recorder()
    history = network.fit(
        X,
        y,
        loss="mse",
        optimizer=nl.GradientDescent(0.05),
        epochs=4,
        batch_size=4,
        seed=3,
        callbacks=[recorder],
    )
    norms = history.gradient_norm_array()
    assert norms.shape == (4, 2)
    batches = np.array(recorder.batch_norms).reshape(4, 3, 2)  # (epochs, batches, layers)
    np.testing.assert_array_equal(norms, batches[:, -1, :])
    assert np.all(norms > 0)


def test_gradient_norms_match_an_independent_backward_pass():
    """Full batch: the last row is |dE/dW| at the weights before the last step."""
    X, y = regression_data(10)
    trained = small_network()
    history = trained.fit(X, y, loss="mse", optimizer=nl.GradientDescent(0.05), epochs=3, seed=8)
    replay = small_network()
    replay.fit(X, y, loss="mse", optimizer=nl.GradientDescent(0.05), epochs=2, seed=8)
    # dE/dW by hand for z1 = X W1 + b1, a1 = tanh(z1), a2 = a1 W2 + b2, E = mean (a2 - y)^2
    (W1, b1, W2, b2) = replay.get_weights()
    a1 = np.tanh(X @ W1 + b1)
    delta2 = 2.0 * (a1 @ W2 + b2 - y) / y.size
    delta1 = (delta2 @ W2.T) * (1.0 - a1**2)
    expected = [np.linalg.norm(X.T @ delta1), np.linalg.norm(a1.T @ delta2)]
    np.testing.assert_allclose(history.gradient_norms[-1], expected, rtol=1e-12)


# -- dtype ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "optimizer",
    [nl.GradientDescent(0.1), nl.SGD(0.1, momentum=0.9), nl.Adam(0.01)],
    ids=["gd", "sgd_momentum", "adam"],
)
def test_float32_network_stays_float32(optimizer):
    X, y = regression_data(12)  # float64 inputs and targets, Python-float hyperparameters
    network = small_network("float32")
    recorder = Recorder()
    history = network.fit(
        X,
        y,
        loss="mse",
        optimizer=optimizer,
        epochs=3,
        batch_size=5,
        seed=0,
        validation_split=0.25,
        callbacks=[recorder],
    )
    assert {p.dtype for p in network.parameters()} == {np.dtype(np.float32)}
    assert {g.dtype for g in network.gradients()} == {np.dtype(np.float32)}
    assert recorder.batch_dtypes == {np.dtype(np.float32)}
    assert network.predict(X).dtype == np.float32
    assert network.forward(X).dtype == np.float32
    state = [a for slots in optimizer.state.values() for a in slots.values()]
    assert all(a.dtype == np.float32 for a in state)
    if not isinstance(optimizer, nl.GradientDescent):
        assert state  # momentum buffers / moments exist and were checked
    assert all(isinstance(v, float) for v in history.loss + history.val_loss)


def test_float64_network_stays_float64():
    X, y = regression_data(12)
    network = small_network("float64")
    optimizer = nl.Adam(0.01)
    network.fit(
        X.astype(np.float32),
        y.astype(np.float32),
        loss="mse",
        optimizer=optimizer,
        epochs=2,
        batch_size=5,
        seed=0,
    )
    assert {p.dtype for p in network.parameters()} == {np.dtype(np.float64)}
    assert {g.dtype for g in network.gradients()} == {np.dtype(np.float64)}
    assert all(a.dtype == np.float64 for s in optimizer.state.values() for a in s.values())
    assert network.predict(X).dtype == np.float64


def test_given_weights_are_cast_to_the_network_dtype():
    given = np.array([[0.1, -0.7]], dtype=np.float64)
    single = nl.Sequential([nl.Dense(2, weights=given, biases=[0.3, 0.2])], dtype="float32")
    assert single.layers[0].weights.dtype == np.float32 and single.layers[0].biases.dtype == np.float32
    np.testing.assert_array_equal(single.layers[0].weights, given.astype(np.float32))
    double = nl.Sequential([nl.Dense(2, weights=given, biases=[0.3, 0.2])], dtype="float64")
    np.testing.assert_array_equal(double.layers[0].weights, given)  # no float32 round trip
    from_ints = nl.Sequential([nl.Dense(1, weights=[[1], [2]], biases=[3])], dtype="float64")
    assert from_ints.layers[0].weights.dtype == np.float64
    np.testing.assert_array_equal(from_ints.predict([[1, 1]]), [[6.0]])


# -- divergence -------------------------------------------------------------------------------------------
def expected_divergence(learning_rate, rule=None):
    """Replay the closed form with the rule: (1-based epoch, weight restored)."""
    rule = rule or nl.DivergenceRule()
    best = math.inf
    for k in range(1000):
        cost = line_cost(line_iterate(k, learning_rate))  # the loss seen in epoch k + 1
        if not math.isfinite(cost) or cost > rule.factor * max(best, rule.floor):
            return k + 1, line_iterate(max(k - 1, 0), learning_rate)
        best = min(best, cost)
    raise AssertionError("no divergence")


def test_too_large_learning_rate_raises_divergence_error():
    learning_rate = 1.0  # ratio 1 - 2 lr S = -4: |w - 2| grows fourfold per step
    epoch, w_restored = expected_divergence(learning_rate)
    network = line_network()
    with pytest.raises(nl.DivergenceError, match=rf"epoch {epoch}\b.*learning rate 1\b.*smaller") as info:
        network.fit(
            X_LINE.reshape(-1, 1),
            2.0 * X_LINE,
            loss="sum_squared_error",
            optimizer=nl.GradientDescent(learning_rate),
            epochs=50,
        )
    assert info.value.epoch == epoch == 5
    assert info.value.learning_rate == learning_rate
    assert info.value.loss == pytest.approx(line_cost(line_iterate(epoch - 1, learning_rate)), rel=1e-12)
    assert network.layers[0].weights[0, 0] == pytest.approx(w_restored, rel=1e-13)  # w_3 = 117.2
    assert network.history.stop_reason == "divergence"
    assert network.history.epoch == list(range(1, epoch))


def test_divergence_rule_is_configurable():
    X, z = X_LINE.reshape(-1, 1), 2.0 * X_LINE
    rule = nl.DivergenceRule(factor=10.0)
    epoch, w_restored = expected_divergence(1.0, rule)
    network = line_network()
    with pytest.raises(nl.DivergenceError) as info:
        network.fit(
            X, z, loss="sum_squared_error", optimizer=nl.GradientDescent(1.0), epochs=50, divergence=rule
        )
    assert info.value.epoch == epoch == 2
    assert network.layers[0].weights[0, 0] == pytest.approx(w_restored, rel=1e-13)
    # divergence=None turns the explosion check off: 30 epochs of growth, loss ~ 8.1 * 16^29
    history = line_network().fit(
        X, z, loss="sum_squared_error", optimizer=nl.GradientDescent(1.0), epochs=30, divergence=None
    )
    assert history.loss[-1] == pytest.approx(line_cost(line_iterate(29, 1.0)), rel=1e-9)
    with pytest.raises(nl.ValidationError, match="factor"):
        nl.DivergenceRule(factor=0.0)


def test_overflowing_loss_raises_even_without_the_explosion_rule():
    network = line_network()
    with pytest.raises(nl.DivergenceError, match="not finite") as info:
        network.fit(
            X_LINE.reshape(-1, 1),
            2.0 * X_LINE,
            loss="sum_squared_error",
            optimizer=nl.GradientDescent(1e300),
            epochs=5,
            divergence=None,
        )
    assert info.value.epoch == 2 and not math.isfinite(info.value.loss)
    assert network.layers[0].weights[0, 0] == W0


def test_nan_loss_raises_divergence_error():
    class NaNOnThirdCall(nl.SumSquaredError):
        calls = 0

        def value(self, output, target):
            self.calls += 1
            return math.nan if self.calls == 3 else super().value(output, target)

    network = line_network()
    with pytest.raises(nl.DivergenceError, match=r"not finite.*epoch 3|epoch 3.*not finite") as info:
        network.fit(
            X_LINE.reshape(-1, 1),
            2.0 * X_LINE,
            loss=NaNOnThirdCall(),
            optimizer=nl.GradientDescent(0.1),
            epochs=10,
        )
    assert info.value.epoch == 3 and math.isnan(info.value.loss)
    assert network.layers[0].weights[0, 0] == pytest.approx(line_iterate(1, 0.1), rel=1e-13)


def test_near_zero_loss_with_noise_is_no_false_alarm():
    """Start at the optimum of z = 2x + noise; one sample fits exactly, so the best batch loss is 0.

    Relative to 0 every noisy batch "explodes": the floor keeps that from an alarm.
    """
    x = np.linspace(-1.0, 1.0, 21)
    noise = np.random.default_rng(3).normal(0.0, 1e-3, size=21)
    noise[10] = 0.0  # x = 0: zero loss for any w
    z = 2.0 * x + noise
    options = dict(
        loss="sum_squared_error", optimizer=nl.GradientDescent(0.01), epochs=20, batch_size=1, seed=0
    )
    history = line_network(2.0).fit(x.reshape(-1, 1), z, **options)
    assert history.stop_reason == "epochs" and max(history.loss) < 1e-4
    with pytest.raises(nl.DivergenceError):  # without a real floor the same run is a false alarm
        line_network(2.0).fit(x.reshape(-1, 1), z, divergence=nl.DivergenceRule(floor=1e-12), **options)


# -- Ctrl-C ----------------------------------------------------------------------------------------------
class InterruptAt(nl.Callback):
    def __init__(self, epoch, batch):
        self.at = (epoch, batch)
        self.epoch = 0

    def on_epoch_begin(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, batch, loss):
        if (self.epoch, batch) == self.at:
            signal.raise_signal(signal.SIGINT)


class WeightsAt(nl.Callback):
    def __init__(self, epoch, batch):
        self.at = (epoch, batch)
        self.epoch = 0
        self.weights = None

    def on_epoch_begin(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, batch, loss):
        if (self.epoch, batch) == self.at:
            self.weights = self.context.network.get_weights()


def test_ctrl_c_finishes_the_batch_then_raises_keyboard_interrupt():
    X, y = regression_data(10)
    before = signal.getsignal(signal.SIGINT)
    network = small_network()
    optimizer = nl.SGD(0.05, momentum=0.5)
    with pytest.raises(KeyboardInterrupt):
        network.fit(
            X,
            y,
            loss="mse",
            optimizer=optimizer,
            epochs=10,
            batch_size=2,
            seed=0,
            callbacks=[InterruptAt(epoch=3, batch=2)],
        )
    assert signal.getsignal(signal.SIGINT) is before
    history = network.history
    assert history.stop_reason == "interrupted" and history.interrupted
    assert history.epoch == [1, 2] and len(history.loss) == len(history.gradient_norms) == 2
    assert optimizer.iterations == 2 * 5 + 3
    # the weights are those of an uninterrupted run after the same 13 steps
    reference = small_network()
    probe = WeightsAt(epoch=3, batch=2)
    reference.fit(
        X,
        y,
        loss="mse",
        optimizer=nl.SGD(0.05, momentum=0.5),
        epochs=3,
        batch_size=2,
        seed=0,
        callbacks=[probe],
    )
    for got, want in zip(network.get_weights(), probe.weights, strict=True):
        np.testing.assert_array_equal(got, want)
    assert reference.history.loss[:2] == history.loss


# -- binary_step -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("position", [0, 1])
def test_binary_step_is_not_trainable(position):
    activations = ["sigmoid", "sigmoid"]
    activations[position] = "binary_step"
    network = nl.Sequential(
        [nl.Dense(2, activations[0], input_dim=2, seed=0), nl.Dense(1, activations[1], seed=1)],
        dtype="float64",
    )
    before = network.get_weights()
    # Layers are counted from 1, as in summary() and gradient_check.
    message = rf"Layer {position + 1} uses binary_step.*derivative is zero"
    with pytest.raises(nl.NotTrainableError, match=message):
        network.fit([[0.0, 1.0]], [1.0], loss="mse", optimizer="gd", epochs=1)
    for a, b in zip(before, network.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_binary_step_and_gate_forward_and_predict():
    network = nl.Sequential([nl.Dense(1, "binary_step", weights=[[1.0], [1.0]], biases=[-1.5])])
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(network.predict(X), [[0], [0], [0], [1]])
    np.testing.assert_array_equal(network.forward(X), [[0], [0], [0], [1]])
    assert network.evaluate(X, [0, 0, 0, 1], loss="mse") == 0.0


# -- nothing changes when fit rejects its arguments ---------------------------------------------------
X_GOOD, Y_GOOD = regression_data(10)
BAD_FITS = {
    "wrong_features": dict(X=np.zeros((10, 4))),
    "length_mismatch": dict(y=Y_GOOD[:9]),
    "nan_in_y": dict(y=np.where(np.arange(20).reshape(10, 2) == 5, np.nan, Y_GOOD)),
    "inf_in_X": dict(X=np.where(np.arange(30).reshape(10, 3) == 7, np.inf, X_GOOD)),
    "one_d_X": dict(X=X_GOOD[:, 0]),
    "unknown_loss": dict(loss="hinge"),
    "incompatible_loss": dict(loss="cross_entropy"),
    "unknown_optimizer": dict(optimizer="quickprop"),
    "epochs_zero": dict(epochs=0),
    "batch_size_zero": dict(batch_size=0),
    "negative_tolerance": dict(tolerance=-1.0),
    "bad_split": dict(validation_split=1.5),
    "split_leaves_nothing": dict(validation_split=0.01),
    "both_validations": dict(validation_split=0.2, validation_data=(X_GOOD, Y_GOOD)),
    "bad_validation_shape": dict(validation_data=(X_GOOD[:, :2], Y_GOOD)),
    "validation_not_a_pair": dict(validation_data=X_GOOD),
    "bad_seed": dict(seed="zero"),
}


@pytest.mark.parametrize("bad", list(BAD_FITS.values()), ids=list(BAD_FITS))
def test_nothing_is_modified_when_fit_raises(bad):
    network = small_network(seed=0, input_dim=3)
    network.layers[1].seed = 1
    network.build(3)
    optimizer = nl.SGD(0.1, momentum=0.9)
    arguments = dict(X=X_GOOD, y=Y_GOOD, loss="mse", optimizer=optimizer, epochs=2)
    arguments.update(bad)
    before = network.get_weights()
    with pytest.raises(nl.NeuralabError):
        network.fit(arguments.pop("X"), arguments.pop("y"), **arguments)
    for a, b in zip(before, network.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert network.history is None
    assert optimizer.iterations == 0 and optimizer.state == {}


def test_an_unbuilt_network_stays_unbuilt_when_fit_raises():
    network = small_network()
    with pytest.raises(nl.ShapeError):
        network.fit(X_GOOD, Y_GOOD[:9], loss="mse", optimizer="gd", epochs=1)
    assert not network.built


# -- the Sequential API ------------------------------------------------------------------------------------
def built_network() -> nl.Sequential:
    return nl.Sequential(
        [
            nl.Dense(5, "tanh", input_dim=3, seed=0),
            nl.Dense(4, "relu", seed=1),
            nl.Dense(2, "softmax", seed=2),
        ],
        dtype="float64",
    )


def test_summary_lists_activation_shape_and_parameters():
    text = built_network().summary()
    lines = text.splitlines()
    rows = [line for line in lines if line.split(":")[0].strip() in {"1", "2", "3"}]
    assert len(rows) == 3
    for row, activation, shape, count in zip(
        rows,
        ["tanh", "relu", "softmax"],
        ["(None, 5)", "(None, 4)", "(None, 2)"],
        [3 * 5 + 5, 5 * 4 + 4, 4 * 2 + 2],
        strict=True,
    ):
        assert activation in row and shape in row and row.split()[-1] == str(count)
    assert "Total parameters: 54" in text
    assert built_network().count_parameters() == 54


def test_get_weights_returns_copies_and_set_weights_round_trips():
    network = built_network()
    weights = network.get_weights()
    weights[0][...] = 0.0
    assert np.abs(network.layers[0].weights).max() > 0  # the copy was changed, not the network
    source = built_network()
    source.fit(X_GOOD, np.arange(10) % 2, loss="cross_entropy", optimizer=nl.GradientDescent(0.5), epochs=3)
    network.set_weights(source.get_weights())
    for a, b in zip(network.get_weights(), source.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(network.predict(X_GOOD), source.predict(X_GOOD))


def test_parameters_and_gradients_pair_up():
    network = built_network()
    network.fit(X_GOOD, np.arange(10) % 2, loss="cross_entropy", optimizer=nl.GradientDescent(0.1), epochs=1)
    parameters, gradients = network.parameters(), network.gradients()
    assert len(parameters) == len(gradients) == 6
    assert (
        [p.shape for p in parameters]
        == [g.shape for g in gradients]
        == [(3, 5), (5,), (5, 4), (4,), (4, 2), (2,)]
    )
    assert parameters[2] is network.layers[1].weights and gradients[3] is network.layers[1].bias_gradient
    names = [name for name, _, _ in network.named_parameters()]
    assert names == [
        "layer1.weights",
        "layer1.biases",
        "layer2.weights",
        "layer2.biases",
        "layer3.weights",
        "layer3.biases",
    ]


def test_evaluate_returns_the_loss_computed_by_hand():
    network = built_network()
    labels = np.arange(10) % 2
    p = network.predict(X_GOOD)
    cross_entropy = -np.mean(np.log(p[np.arange(10), labels]))
    assert network.evaluate(X_GOOD, labels, loss="cross_entropy") == pytest.approx(cross_entropy, rel=1e-12)
    one_hot = np.eye(2)[labels]
    assert network.evaluate(X_GOOD, one_hot, loss="mse") == pytest.approx(
        np.mean((p - one_hot) ** 2), rel=1e-12
    )
    assert network.evaluate(X_GOOD, one_hot, loss="half_squared_error") == pytest.approx(
        0.5 * np.sum((p - one_hot) ** 2), rel=1e-12
    )


@pytest.mark.parametrize("batch_size", [1, 3, 10, 64])
def test_predict_in_batches_equals_predict(batch_size):
    network = built_network()
    np.testing.assert_allclose(
        network.predict(X_GOOD, batch_size=batch_size), network.predict(X_GOOD), rtol=1e-15, atol=0
    )


def test_fit_seed_decides_weights_built_early_from_input_dim():
    """A network built at construction (input_dim given, no seeds) is redrawn by fit(seed=...)."""

    def trained_weights():
        net = nl.Sequential([nl.Dense(3, "tanh", input_dim=2), nl.Dense(1)])
        net.fit(np.ones((4, 2)), np.zeros(4), loss="mse", optimizer="sgd", epochs=2, seed=0)
        return net.get_weights()

    first, second = trained_weights(), trained_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_fit_seed_leaves_given_and_trained_weights_alone():
    net = nl.Sequential([nl.Dense(1, input_dim=1, weights=[[0.5]], biases=[0.25])], dtype="float64")
    net.fit([[1.0]], [[1.0]], loss="mse", optimizer=nl.GradientDescent(0.1), epochs=1, seed=3)
    after_one = net.get_weights()
    # w <- 0.5 - 0.1 * 2 * (0.75 - 1) * 1 = 0.55; b <- 0.25 + 0.05 = 0.3
    np.testing.assert_allclose(after_one[0], [[0.55]], rtol=1e-15)
    np.testing.assert_allclose(after_one[1], [0.3], rtol=1e-15)
    net.fit([[1.0]], [[1.0]], loss="mse", optimizer=nl.GradientDescent(0.1), epochs=1, seed=4)
    np.testing.assert_allclose(net.get_weights()[0], [[0.55 + 0.1 * 2 * (1 - 0.85)]], rtol=1e-14)


def test_memory_does_not_grow_with_the_number_of_steps():
    """Ten times the steps leave no more memory behind than History's per-epoch records:
    nothing is kept per step (a leak of even 8 bytes a step would show as 28 kB here)."""
    import tracemalloc

    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.float32)

    def retained(epochs):
        net = nl.Sequential([nl.Dense(8, "tanh", input_dim=2, seed=0), nl.Dense(1, "sigmoid", seed=1)])
        tracemalloc.start()
        try:
            net.fit(
                X,
                y,
                loss="binary_cross_entropy",
                optimizer=nl.SGD(0.1, momentum=0.9),
                epochs=epochs,
                batch_size=1,
                seed=0,
            )
            current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return current, peak

    short, long = retained(4), retained(40)  # 400 steps against 4,000
    per_epoch_records = 36 * 256  # History: an epoch number, a loss, a learning rate, two norms
    assert long[0] - short[0] < per_epoch_records, (short, long)
    assert long[1] - short[1] < per_epoch_records, (short, long)
