"""DataFrames with gaps, text categories and dates in NeuralClassifier / NeuralRegressor, and
Model.fit's defaults (those of `neuralab train`).

The estimators' column handling is checked against an independent hand encoding: fill a gap
with the fit rows' median / most frequent value, one-hot the sorted categories, dates as
(days since 1970-01-01, year, day of year), then (x - mean) / std with the population std of
the fit rows (1 where a column is constant). An estimator given that matrix trains the same
network (same seed, same inputs), so its probabilities must equal the DataFrame one's.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

import neuralab as nl
from neuralab import fit_defaults
from neuralab.cli import data as cli_data
from neuralab.data import DataError, DataWarning, Table
from neuralab.errors import InvalidParameterError
from neuralab.sklearn import NeuralClassifier, NeuralRegressor

SMALL = {"hidden_layer_sizes": (6,), "epochs": 15, "random_state": 0}


def messy(n: int = 120, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A table as practitioners have it: a text category with gaps, numbers with gaps, ISO dates."""
    rng = np.random.default_rng(seed)
    island = rng.choice(["Biscoe", "Dream", "Torgersen"], n).astype(object)
    bill = rng.normal(44.0, 5.0, n)
    seen = pd.Timestamp("2007-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    label = np.where(bill + 3.0 * (island == "Dream") + rng.normal(0, 1.5, n) > 46.0, "Gentoo", "Adelie")
    bill[rng.random(n) < 0.1] = np.nan
    island[rng.random(n) < 0.08] = None
    frame = pd.DataFrame({"island": island, "bill": bill, "seen": seen.strftime("%Y-%m-%d")})
    return frame, label


def by_hand(fit_frame: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    """The independent encoding of ``frame`` with statistics of ``fit_frame`` (see the module)."""

    def raw(part: pd.DataFrame) -> np.ndarray:
        island = part["island"].fillna(fit_frame["island"].mode()[0])
        categories = sorted(fit_frame["island"].dropna().unique())
        one_hot = np.column_stack([(island == c).to_numpy(float) for c in categories])
        bill = part["bill"].fillna(fit_frame["bill"].median()).to_numpy()
        seen = pd.to_datetime(part["seen"])
        days = ((seen - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)).to_numpy()
        return np.column_stack([one_hot, bill, days, seen.dt.year, seen.dt.day_of_year]).astype(float)

    reference = raw(fit_frame)
    std = reference.std(axis=0)
    return (raw(frame) - reference.mean(axis=0)) / np.where(std > 0, std, 1.0)


# -- the column handling, against the hand encoding ------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_messy_frame_trains_as_its_hand_encoded_matrix(seed):
    frame, label = messy(seed=seed)
    clf = NeuralClassifier(**SMALL).fit(frame, label)
    manual = NeuralClassifier(**SMALL).fit(by_hand(frame, frame), label)
    np.testing.assert_allclose(
        clf.predict_proba(frame), manual.predict_proba(by_hand(frame, frame)), rtol=1e-12
    )
    assert clf.preprocessor_.input_names == [
        "island=Biscoe",
        "island=Dream",
        "island=Torgersen",
        "bill",
        "seen (days since 1970-01-01)",
        "seen (year)",
        "seen (day of year)",
    ]
    # scikit-learn's meaning: the frame's columns, not the encoded inputs
    assert clf.n_features_in_ == 3 and clf.feature_names_in_.tolist() == ["island", "bill", "seen"]


def test_fill_values_and_scaling_come_from_the_fit_rows_only():
    frame, label = messy(n=200)
    fit_part, new_part = frame.iloc[:150], frame.iloc[150:].copy()
    reg = NeuralRegressor(**SMALL).fit(fit_part, np.where(label[:150] == "Gentoo", 1.0, 0.0))
    fills = {f["name"]: f["fill"] for f in reg.preprocessor_.features}
    assert fills["bill"] == fit_part["bill"].median() != frame["bill"].median()
    assert fills["island"] == fit_part["island"].mode()[0]
    manual = NeuralRegressor(**SMALL).fit(
        by_hand(fit_part, fit_part), np.where(label[:150] == "Gentoo", 1.0, 0.0)
    )
    new_part.iloc[0, new_part.columns.get_loc("bill")] = np.nan  # a gap at predict: the fit rows' median
    np.testing.assert_allclose(reg.predict(new_part), manual.predict(by_hand(fit_part, new_part)), rtol=1e-12)


def test_an_unseen_category_is_all_zero_with_one_warning_naming_it():
    frame, label = messy()
    clf = NeuralClassifier(**SMALL).fit(frame, label)
    new = frame.head(4).copy()
    new["island"] = ["Atlantis", "Atlantis", "Dream", "Biscoe"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        proba = clf.predict_proba(new)
    messages = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert [w.filename for w in caught] == [__file__]  # it points at the caller's line
    assert messages == [
        "column 'island': 'Atlantis' (2 rows) was not seen in training: encoded as all-zero (no category)."
    ]
    encoded = by_hand(frame, new.assign(island=["Biscoe", "Biscoe", "Dream", "Biscoe"]))
    zero = by_hand(frame, frame.assign(island="none-of-them").head(1).assign(bill=0.0))[
        0, :3
    ]  # all-zero one-hot
    encoded[:2, :3] = zero
    manual = NeuralClassifier(**SMALL).fit(by_hand(frame, frame), label)
    np.testing.assert_allclose(proba, manual.predict_proba(encoded), rtol=1e-12)


def test_dates_become_days_year_and_day_of_year():
    frame = pd.DataFrame(
        {"when": ["1970-01-02", "1971-01-01", "2000-03-01", None], "x": [1.0, 2.0, 3.0, 4.0]}
    )
    reg = NeuralRegressor(**SMALL).fit(frame, [0.0, 1.0, 2.0, 3.0])
    # 1970-01-02 is day 1 (year 1970, day 2 of it); 1971-01-01 day 365; 2000-03-01 day 11017 (day 61)
    # the gap gets the median of those, 365 (1971, day 1)
    days, years, day_of_year = [1.0, 365.0, 11017.0, 365.0], [1970, 1971, 2000, 1971], [2, 1, 61, 1]
    np.testing.assert_allclose(
        reg.preprocessor_.mean[:3], [np.mean(days), np.mean(years), np.mean(day_of_year)]
    )
    # a pandas datetime column reads the same as its ISO text
    as_datetime = frame.assign(when=pd.to_datetime(frame["when"]))
    np.testing.assert_array_equal(reg.predict(as_datetime), reg.predict(frame))


def test_float32_and_float64_networks_on_a_messy_frame():
    frame, label = messy()
    for dtype in ("float32", "float64"):
        clf = NeuralClassifier(**SMALL, dtype=dtype).fit(frame, label)
        assert clf.predict_proba(frame).dtype == np.dtype(dtype)


def test_missing_drop_fits_on_the_complete_rows_and_predict_refuses_gaps():
    frame, label = messy()
    weights = np.linspace(0.5, 2.0, len(frame))
    dropped = NeuralClassifier(**SMALL, missing="drop").fit(frame, label, sample_weight=weights)
    complete = frame.notna().all(axis=1).to_numpy()
    manual = NeuralClassifier(**SMALL, missing="drop").fit(
        frame[complete], label[complete], sample_weight=weights[complete]
    )
    np.testing.assert_array_equal(
        dropped.predict_proba(frame[complete]), manual.predict_proba(frame[complete])
    )
    with pytest.raises(
        DataError, match=r"missing='drop' left such rows out of fit, but predict answers every row"
    ):
        dropped.predict(frame)


def test_missing_error_refuses_a_gap_naming_the_column():
    frame, label = messy()
    with pytest.raises(
        DataError, match=r"Column 'island' has \d+ missing cell\(s\); the first is in row \d+"
    ):
        NeuralClassifier(**SMALL, missing="error").fit(frame, label)
    with pytest.raises(InvalidParameterError, match=r"`missing` must be one of 'impute', 'drop', 'error'"):
        NeuralClassifier(**SMALL, missing="mean").fit(frame, label)


def test_columns_that_cannot_be_used_are_errors_naming_them():
    frame, label = messy()
    notes = frame.assign(note=[f"free text {i}" for i in range(len(frame))])
    with pytest.raises(
        DataError,
        match=r"Column 'note' is not numeric and has 120 distinct values.*X\.drop\(columns=\['note'\]\)",
    ):
        NeuralClassifier(**SMALL).fit(notes, label)
    stray = frame.assign(bill=frame["bill"].astype(object))
    stray.loc[5, "bill"] = "forty"
    with pytest.raises(DataError, match=r"column 'bill' is numeric but row 6 holds 'forty'"):
        NeuralClassifier(**SMALL).fit(stray, label)
    clf = NeuralClassifier(**SMALL).fit(frame, label)
    with pytest.raises(DataError, match=r"X has column\(s\) 'extra' that were not seen in fit"):
        clf.predict(frame.assign(extra=1.0))
    with pytest.raises(DataError, match=r"lacks the column\(s\) the model needs: seen"):
        clf.predict(frame.drop(columns=["seen"]))
    with pytest.raises(
        DataError, match=r"non-numeric columns \('island': categorical, 'seen': date\); give X as a DataFrame"
    ):
        clf.predict(np.zeros((2, 3)))
    # both are ValueErrors, as scikit-learn expects of bad input
    assert issubclass(DataError, ValueError)


def test_a_numeric_frame_is_used_as_an_array_exactly_as_before():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    from_frame = NeuralClassifier(**SMALL).fit(frame, y)
    from_array = NeuralClassifier(**SMALL).fit(X, y)
    assert from_frame.preprocessor_ is None and from_array.preprocessor_ is None
    np.testing.assert_array_equal(from_frame.predict_proba(frame), from_array.predict_proba(X))
    assert from_frame.feature_names_in_.tolist() == ["a", "b", "c"]
    # a NaN in an array is still refused by scikit-learn's check
    with pytest.raises(ValueError, match="NaN"):
        NeuralClassifier(**SMALL).fit(np.where(X > 2, np.nan, X), y)


# -- as a practitioner uses them ----------------------------------------------------------------
def test_pipeline_cross_validation_and_grid_search_on_a_messy_frame():
    frame, label = messy(n=240)
    majority = max(np.mean(label == "Gentoo"), np.mean(label == "Adelie"))
    pipeline = make_pipeline(NeuralClassifier(hidden_layer_sizes=(16,), epochs=40, random_state=0))
    scores = cross_val_score(pipeline, frame, label, cv=3)
    assert scores.shape == (3,) and scores.mean() > majority + 0.05
    grid = GridSearchCV(
        NeuralClassifier(epochs=30, random_state=0),
        {"hidden_layer_sizes": [(4,), (16,)], "learning_rate": [0.001, 0.01]},
        cv=3,
    ).fit(frame, label)
    assert grid.best_score_ > majority and grid.best_estimator_.preprocessor_ is not None
    target = frame["bill"].fillna(44.0).to_numpy() / 10.0
    r2 = cross_val_score(
        NeuralRegressor(hidden_layer_sizes=(16,), learning_rate=0.01, epochs=80, random_state=0),
        frame,
        target,
        cv=3,
    )
    assert r2.mean() > 0.5  # bill is an input: learnable


def test_a_polars_frame_gives_what_the_pandas_frame_gives():
    pl = pytest.importorskip("polars", reason="polars is the optional extra neuralab[polars]")
    frame, label = messy()
    from_pandas = NeuralClassifier(**SMALL).fit(frame, label)
    polars_frame = pl.DataFrame(
        {name: [None if pd.isna(v) else v for v in frame[name].tolist()] for name in frame.columns}
    )  # gaps as polars nulls
    from_polars = NeuralClassifier(**SMALL).fit(polars_frame, label)
    np.testing.assert_array_equal(from_polars.predict_proba(polars_frame), from_pandas.predict_proba(frame))
    assert from_polars.feature_names_in_.tolist() == ["island", "bill", "seen"]


# -- Model.fit's defaults are neuralab train's ---------------------------------------------------
def test_model_fit_stops_early_by_default_and_can_opt_out():
    table, target = nl.data.load_bundled("breast_cancer")
    model = nl.Model.for_data(table, target, hidden=(16,))
    history = model.fit(table, seed=0)
    assert history.stop_reason == "early stopping" and history.epochs_run < fit_defaults.EPOCH_CAP
    session = model.training["sessions"][-1]
    assert session["best_epoch"] == history.epochs_run - fit_defaults.DEFAULT_PATIENCE
    # validation_split of the rows held out: 20 % of 569, stratified by class
    assert history.val_loss and len(history.val_loss) == history.epochs_run
    off = nl.Model.for_data(table, target, hidden=(16,))
    assert off.fit(table, seed=0, early_stopping=None).epochs_run == fit_defaults.EPOCHS_WITHOUT_STOPPING
    assert not off.network.history.val_loss
    with pytest.raises(
        nl.ValidationError, match=r"Early stopping needs validation rows.*early_stopping=None"
    ):
        nl.Model.for_data(table, target).fit(table, validation_split=0)


def test_a_table_too_small_to_hold_out_trains_without_early_stopping_with_a_warning():
    table = Table.from_arrays(np.array([[0.0], [1.0], [2.0]]), np.array(["a", "b", "c"]), target_name="y")
    model = nl.Model.for_data(table, "y", hidden=(2,))
    with pytest.warns(DataWarning, match=r"3 rows are too few to hold out validation rows"):
        history = model.fit(table, seed=0)
    assert history.epochs_run == fit_defaults.EPOCHS_WITHOUT_STOPPING


def test_the_cli_and_model_share_one_definition_of_the_defaults():
    for name in ("DEFAULT_PATIENCE", "EPOCH_CAP", "MIN_IMPROVEMENT", "EPOCHS_WITHOUT_STOPPING"):
        assert getattr(cli_data, name) is getattr(fit_defaults, name)
    signature = nl.Model.fit.__kwdefaults__
    assert signature["early_stopping"] == fit_defaults.DEFAULT_PATIENCE
    assert signature["min_delta"] == fit_defaults.MIN_IMPROVEMENT
    assert signature["validation_split"] == fit_defaults.VALIDATION_SPLIT
    # the estimators keep scikit-learn's defaults
    assert NeuralClassifier().early_stopping is False and NeuralRegressor().early_stopping is False
