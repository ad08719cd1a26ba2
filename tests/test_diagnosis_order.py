"""The order of causes in ``diagnose``: a too-large learning rate first.

A loss jump or a too-large step before the gradients vanish or stop means the step size
killed or saturated the units; the status is then "too_large_learning_rate" and the advice
names the learning rate first. Vanishing/dead-unit advice only when the rate is not the cause.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import neuralab as nl
from neuralab.diagnostics import (
    LOSS_JUMP_FACTOR,
    WEIGHT_CHANGE_LIMIT,
    GradientMonitor,
    diagnose,
    diagnose_norms,
    loss_jump,
)

SIGMOID_VANISHING = [1e-6, 1e-4, 1.0]


def test_loss_jump_is_the_first_epoch_above_factor_times_the_best_before():
    assert LOSS_JUMP_FACTOR == 1.2
    assert loss_jump([0.68, 0.91, 0.70]) == (1, 0.68, 0.91)  # 0.91 > 1.2 * 0.68 = 0.816
    assert loss_jump([0.70, 0.50, 0.59]) is None  # 0.59 < 1.2 * 0.50 = 0.60
    assert loss_jump([0.70, 0.50, 0.61]) == (2, 0.50, 0.61)
    assert loss_jump([0.7, None]) == (1, 0.7, math.inf)  # not finite (the page sends None)
    assert loss_jump([0.7, math.nan])[0] == 1
    assert loss_jump([0.7]) is None and loss_jump([]) is None


def test_a_loss_jump_before_vanishing_gradients_names_the_learning_rate():
    plain = diagnose_norms(
        SIGMOID_VANISHING, ["tanh", "tanh", "sigmoid"], saturated=[0.96, 1.0, 1.0], learning_rate=20.0
    )
    assert plain.status == "vanishing" and "Use relu or leaky_relu" in plain.advice
    d = diagnose_norms(
        SIGMOID_VANISHING,
        ["tanh", "tanh", "sigmoid"],
        saturated=[0.96, 1.0, 1.0],
        learning_rate=20.0,
        losses=[0.70, 5.49],
    )
    assert d.status == "too_large_learning_rate" and d.symptom == "vanishing" and not d.ok
    first = d.advice.split(": ", 1)[0]
    assert first == "The learning rate (20) is too large"
    assert "in epoch 1 the training loss jumped to 5.49 (its best before was 0.7)" in d.advice
    assert "up to 100% of the sigmoid/tanh units are saturated" in d.advice
    assert "smaller learning rate, e.g. 2;" in d.advice
    assert "Use relu" not in d.advice
    assert d.layer == 1 and d.ratio == pytest.approx(1e-6)  # the symptom's numbers stay


def test_a_too_large_step_before_no_gradient_names_the_learning_rate():
    norms, dead = [0.0, 0.0, 0.0], [0.875, 1.0, None]
    plain = diagnose_norms(norms, ["relu", "relu", "sigmoid"], dead=dead, weight_change=WEIGHT_CHANGE_LIMIT)
    assert plain.status == "no_gradient"  # a step of exactly the limit is not too large
    d = diagnose_norms(
        norms,
        ["relu", "relu", "sigmoid"],
        dead=dead,
        weight_change=9.58,
        learning_rate=10.0,
        losses=[0.69, 0.77],
    )  # 0.77 < 1.2 * 0.69: no loss jump, the step tells
    assert d.status == "too_large_learning_rate" and d.symptom == "no_gradient"
    assert d.advice.startswith(
        "The learning rate (10) is too large: in one epoch the weights moved by 9.58 times their own size"
    )
    assert "100% of the ReLU units output 0 for every sample" in d.advice
    assert "the activations (relu) are not the cause" in d.advice


def test_the_learning_rate_is_not_blamed_without_a_symptom_or_for_exploding():
    healthy = diagnose_norms([0.5, 0.4, 1.0], losses=[0.7, 9.0], weight_change=50.0)
    assert healthy.status == "healthy"  # a jump alone is the divergence rule's business
    exploding = diagnose_norms(
        [5e4, 10.0, 1.0], ["relu", "relu", "linear"], losses=[0.7, 9.0], learning_rate=1.0
    )
    assert exploding.status == "exploding" and "Lower the learning rate (now 1)" in exploding.advice


def test_a_monitor_gives_diagnose_its_own_losses():
    """A real fit at learning rate 50 on a small tanh network: the loss jumps in epoch 1,
    the tanh units saturate, and the monitor's records carry the losses diagnose reads."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    network = nl.Sequential([nl.Dense(8, "tanh"), nl.Dense(8, "tanh"), nl.Dense(1, "sigmoid")])
    network.build(2, seed=0)
    monitor = GradientMonitor(X, y)
    network.fit(
        X,
        y,
        loss="binary_cross_entropy",
        optimizer=nl.SGD(50.0),
        epochs=2,
        batch_size=8,
        seed=0,
        callbacks=[monitor],
        divergence=None,
    )
    losses = [r.loss for r in monitor.records]
    assert loss_jump(losses) is not None, losses
    start = diagnose(monitor, epoch=0)
    assert start.status == "healthy"  # before training: nothing to blame
    after = diagnose(monitor, epoch=2, learning_rate=50.0)
    assert after.status == "too_large_learning_rate", (after.status, after.gradient_norms, losses)
    assert after.advice.startswith("The learning rate (50) is too large")
