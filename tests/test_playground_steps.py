"""The playground's explained step is the step training takes: the mini-batch that holds the
chosen sample, in the order fit visits the rows, and "apply" is the engine's optimizer step
on exactly that batch (checked against backprop + the optimizer run by hand)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from neuralab import backprop
from neuralab.playground import SessionStore
from neuralab.playground.errors import PlaygroundInputError
from neuralab.playground.steps import batch_of, epoch_order


def _flat(arrays) -> np.ndarray:
    return np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])


def _engine_step(network, optimizer, loss_name, X, y):
    """The engine's step on (X, y) as one batch, by hand: forward, loss gradient, backward, then
    the optimizer on the flat parameter vector (as fit steps it). Returns the new flat weights."""
    loss = network.check_loss(loss_name)
    Xp, T = network.prepare_data(X, y, loss)
    backprop.run(network, loss, Xp, T, training=True)
    parameters = _flat(network.parameters()).astype(network.dtype)
    optimizer.step([parameters], [_flat(network.gradients()).astype(network.dtype)])
    return parameters


@pytest.mark.parametrize("batch_size", [10, 32, None])
def test_epoch_order_is_the_order_fit_visits_the_rows_in(batch_size):
    """One trained epoch equals plain SGD steps over the batches of ``epoch_order`` by hand."""
    session = SessionStore().create({"n_samples": 140, "seed": 5, "batch_size": batch_size})
    n = session.dataset.X_train.shape[0]
    twin, optimizer = copy.deepcopy(session.network), copy.deepcopy(session.optimizer)
    order = epoch_order(n, session.config, 1)
    size = batch_size or n
    X, y = session.dataset.X_train, session.dataset.y_train
    for start in range(0, n, size):
        rows = order[start : start + size]
        parameters = _engine_step(twin, optimizer, session.loss, X[rows], y[rows])
        twin.set_weights(_split(parameters, twin))
    session.train(1)
    np.testing.assert_allclose(
        _flat(session.network.parameters()), _flat(twin.parameters()), rtol=1e-5, atol=1e-6
    )


def _split(flat, network):
    out, offset = [], 0
    for p in network.parameters():
        out.append(flat[offset : offset + p.size].reshape(p.shape))
        offset += p.size
    return out


@pytest.mark.parametrize(
    ("optimizer", "batch_size"), [("sgd", 10), ("momentum", 10), ("adam", 16), ("sgd", None)]
)
def test_apply_is_the_engine_step_of_the_batch_that_holds_the_sample(optimizer, batch_size):
    session = SessionStore().create(
        {"n_samples": 100, "seed": 1, "optimizer": optimizer, "batch_size": batch_size, "learning_rate": 0.05}
    )
    session.train(2)  # mid-run: momentum and moments are not zero
    step = session.explain(4)
    n = session.dataset.X_train.shape[0]
    rows = step["batch"]["samples"]
    assert 4 in rows and len(rows) == (batch_size or n) == step["batch"]["size"]
    index, expected_rows = batch_of(epoch_order(n, session.config, 3), batch_size, 4)
    assert (step["batch"]["epoch"], step["batch"]["index"], rows) == (3, index, expected_rows.tolist())
    X, y = session.dataset.X_train, session.dataset.y_train
    expected = _engine_step(
        copy.deepcopy(session.network), copy.deepcopy(session.optimizer), session.loss, X[rows], y[rows]
    )
    answer = session.apply_step(4)
    np.testing.assert_allclose(_flat(session.network.parameters()), expected, rtol=1e-5, atol=1e-7)
    assert answer["frame"]["epoch"] == 2  # a step, not an epoch
    assert answer["batch_loss_after"] < answer["batch_loss_before"]
    assert answer["step"]["layers"][0]["batch_grad_weights"] == step["layers"][0]["batch_grad_weights"]


def test_the_batch_gradient_is_the_mean_of_its_samples_own_gradients():
    """dE/dW of the batch = (1/B) sum_k dE_k/dW, and each dE_k/dw = dE_k/da * f'(z) * x."""
    session = SessionStore().create(
        {"n_samples": 60, "seed": 2, "hidden": [{"units": 3, "activation": "tanh"}]}
    )
    step = session.explain(7)
    rows = step["batch"]["samples"]
    own = [session.explain(k) for k in rows]
    assert all(s["batch"]["samples"] == rows for s in own)  # the same batch from any of its samples
    for layer in range(2):
        mean = np.mean([np.array(s["layers"][layer]["grad_weights"]) for s in own], axis=0)
        np.testing.assert_allclose(mean, step["layers"][layer]["batch_grad_weights"], rtol=1e-4, atol=1e-7)
    hidden = step["layers"][0]
    product = np.outer(hidden["x"], np.array(hidden["grad_a"]) * np.array(hidden["derivative"]))
    np.testing.assert_allclose(product, hidden["grad_weights"], rtol=1e-4, atol=1e-8)


def test_a_sample_outside_the_training_set_is_refused_by_name():
    session = SessionStore().create({"n_samples": 60})
    with pytest.raises(PlaygroundInputError, match=r"`sample` must be a training-sample index from 0 to 41"):
        session.explain(42)
