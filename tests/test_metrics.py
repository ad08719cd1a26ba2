"""Metrics against hand-worked numbers and scikit-learn as an independent reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import metrics as skm

from neuralab import metrics
from neuralab.errors import ShapeError, ValidationError


def test_hand_worked_classification():
    # true:  a a a b b c ; pred: a b a b c c
    # confusion rows=true: a -> [2,1,0], b -> [0,1,1], c -> [0,0,1]
    # precision: a 2/2, b 1/2, c 1/2 ; recall: a 2/3, b 1/2, c 1/1 ; accuracy 4/6
    true = ["a", "a", "a", "b", "b", "c"]
    pred = ["a", "b", "a", "b", "c", "c"]
    np.testing.assert_array_equal(
        metrics.confusion_matrix(true, pred, ["a", "b", "c"]), [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    )
    precision, recall = metrics.precision_recall(true, pred, ["a", "b", "c"])
    np.testing.assert_allclose(precision, [1.0, 0.5, 0.5])
    np.testing.assert_allclose(recall, [2 / 3, 0.5, 1.0])
    assert metrics.accuracy(true, pred) == pytest.approx(4 / 6)


def test_hand_worked_regression():
    # errors: 1, -2, 0, 1 -> MSE 6/4, MAE 4/4; y mean 2.5, SS_tot = 2.25+0.25+0.25+2.25 = 5
    true, pred = [1.0, 2.0, 3.0, 4.0], [0.0, 4.0, 3.0, 3.0]
    assert metrics.mean_squared_error(true, pred) == 1.5
    assert metrics.mean_absolute_error(true, pred) == 1.0
    assert metrics.r2_score(true, pred) == pytest.approx(1 - 6 / 5)


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40))
def test_classification_matches_sklearn(pairs):
    true, pred = (np.array(v) for v in zip(*pairs, strict=True))
    labels = [0, 1, 2, 3]
    np.testing.assert_array_equal(
        metrics.confusion_matrix(true, pred, labels), skm.confusion_matrix(true, pred, labels=labels)
    )
    precision, recall = metrics.precision_recall(true, pred, labels)
    np.testing.assert_allclose(
        precision, skm.precision_score(true, pred, labels=labels, average=None, zero_division=0)
    )
    np.testing.assert_allclose(
        recall, skm.recall_score(true, pred, labels=labels, average=None, zero_division=0)
    )
    assert metrics.accuracy(true, pred) == pytest.approx(skm.accuracy_score(true, pred))


@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=2, max_size=40))
def test_regression_matches_sklearn(pairs):
    true, pred = (np.array(v) for v in zip(*pairs, strict=True))
    assert metrics.mean_squared_error(true, pred) == pytest.approx(
        skm.mean_squared_error(true, pred), rel=1e-12, abs=1e-12
    )
    assert metrics.mean_absolute_error(true, pred) == pytest.approx(
        skm.mean_absolute_error(true, pred), rel=1e-12, abs=1e-12
    )
    if np.ptp(true) > 1e-3:
        assert metrics.r2_score(true, pred) == pytest.approx(skm.r2_score(true, pred), rel=1e-9, abs=1e-9)


def test_constant_truth_r2_convention():
    assert metrics.r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert metrics.r2_score([2.0, 2.0], [1.0, 2.0]) == 0.0


def test_bad_inputs_are_explained():
    with pytest.raises(ShapeError, match="has 2 values but `y_pred` has 3"):
        metrics.accuracy([1, 2], [1, 2, 3])
    with pytest.raises(ShapeError, match="must be 1-D"):
        metrics.accuracy([[1]], [[1]])
    with pytest.raises(ValidationError, match=r"label\(s\) \[5\] not in `labels`"):
        metrics.confusion_matrix([0, 5], [0, 0], labels=[0, 1])
    with pytest.raises(ValidationError, match="need numbers"):
        metrics.r2_score(["a"], ["b"])
