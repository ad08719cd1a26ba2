"""Real tables as practitioners have them (issue 15, and strict numbers of issue 21).

Generated messy tables (benchmarks/messy_tables.py): gaps, ';' with decimal commas, ISO
dates, categories, an id column, a leaking column, an unseen category at predict time.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from benchmarks.messy_tables import messy_columns, write_table
from tests.cli_helpers import one_line_error
from typer.testing import CliRunner

import neuralab as nl
from neuralab.cli import app
from neuralab.data import (
    DataError,
    DataWarning,
    Preprocessor,
    Table,
    TransformReport,
    read_csv,
    read_csv_chunks,
    sniff,
)
from neuralab.data.cells import date_parts, parse_date, parse_number

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def train_messy(data, out, *extra):
    """``train`` a small network on a generated table: target 'outcome', the id left out."""
    result = invoke(
        "train", data, "--target", "outcome", "--ignore", "id", "--hidden", "4", "--out", out, *extra
    )
    assert result.exit_code == 0, result.output
    return result


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- 1. missing values ------------------------------------------------------------------------
def test_imputation_uses_the_training_rows_median_and_most_frequent_value():
    # rows 0-3 train, rows 4-5 validation: the fill values must ignore rows 4 and 5
    table = Table(
        ["x", "c", "y"],
        {
            "x": np.array([1.0, np.nan, 3.0, 10.0, 1000.0, np.nan]),
            "c": np.array(["a", "b", None, "b", "z", "z"], dtype=object),
            "y": np.array([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]),
        },
    )
    pre = Preprocessor.fit(table, "y", train_rows=np.arange(4), missing_indicator=True)
    x, c = pre.features
    assert x["fill"] == 3.0  # median of 1, 3, 10 (training rows only; 1000 is a validation row)
    assert c["fill"] == "b"  # most frequent of a, b, b
    assert x["indicator"] and c["indicator"]
    assert pre.input_names == ["x", "x (missing)", "c=a", "c=b", "c=z", "c (missing)"]
    encoded = pre._encode(table)
    np.testing.assert_array_equal(encoded[:, 0], [1, 3, 3, 10, 1000, 3])
    np.testing.assert_array_equal(encoded[:, 1], [0, 1, 0, 0, 0, 1])
    np.testing.assert_array_equal(encoded[2, 2:5], [0, 1, 0])  # the gap became "b"
    np.testing.assert_array_equal(encoded[:, 5], [0, 0, 1, 0, 0, 0])
    assert any("filled 3 missing cells" in note and "x (2), c (1)" in note for note in pre.notes)


def test_missing_error_and_a_model_without_fill_values():
    table = Table(["x", "y"], {"x": np.array([1.0, np.nan, 3.0, 4.0]), "y": np.array([0.0, 1.0, 0.0, 1.0])})
    with pytest.raises(
        DataError,
        match=r"Column 'x' has 1 missing cell\(s\); the first is in row 2.*"
        r"--missing impute.*--missing drop",
    ):
        Preprocessor.fit(table, "y", missing="error")
    pre = Preprocessor.fit(table.drop_missing(), "y")
    del pre.features[0]["fill"]  # as in a file written before imputation existed
    with pytest.raises(DataError, match=r"saved before neuralab imputed missing cells.*--missing drop"):
        pre.transform(table)


def test_cli_gaps_are_imputed_stored_and_applied_by_evaluate_and_predict(tmp_path):
    columns = messy_columns(300, seed=0)
    data = tmp_path / "clinic.csv"
    write_table(data, columns)
    model = tmp_path / "m.nlab"
    result = train_messy(data, model, "--missing-indicator", "--json")
    report = json.loads(result.stdout)
    gaps = {name: sum(cell in ("", "NA") for cell in columns[name]) for name in ("site", "dose", "age")}
    note = next(n for n in report["notes"] if n.startswith("filled"))
    assert note.startswith(f"filled {sum(gaps.values())} missing cells")
    assert all(f"{name} ({count})" in note for name, count in gaps.items())
    loaded = nl.load(model)
    fills = {f["name"]: f.get("fill") for f in loaded.preprocessor.features}
    dose = np.array([float(c) for c in columns["dose"] if c not in ("", "NA")])
    assert 0.9 * np.median(dose) < fills["dose"] < 1.1 * np.median(dose)
    assert "dose (missing)" in loaded.preprocessor.input_names
    # evaluate and predict keep every row and say what they filled
    result = invoke("evaluate", model, data, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == 300
    assert "note: filled" in result.stderr
    predictions = invoke("predict", model, data)
    assert predictions.exit_code == 0 and len(predictions.stdout.splitlines()) == 301
    # --missing drop: rows with a gap leave the output, and the note says so
    dropped = invoke("predict", model, data, "--missing", "drop", "--keep", "id")
    assert dropped.exit_code == 0, dropped.output
    complete = [i for i in range(300) if all(columns[n][i] not in ("", "NA") for n in gaps)]
    assert [line.split(",")[0] for line in dropped.stdout.splitlines()[1:]] == [
        columns["id"][i] for i in complete
    ]
    assert f"dropped {300 - len(complete)} row(s) with missing cells" in dropped.stderr
    line = one_line_error(invoke("evaluate", model, data, "--missing", "error"))
    assert "missing cells (empty or NaN); the first is row" in line


# -- 2. unseen categories ----------------------------------------------------------------------
def test_an_unseen_category_is_all_zero_with_one_warning_and_strict_refuses(tmp_path):
    columns = messy_columns(200, seed=1, gaps=False)
    data = tmp_path / "train.csv"
    write_table(data, columns)
    model = tmp_path / "m.nlab"
    train_messy(data, model, "--epochs", "3")
    new = dict(columns)
    new["site"] = ["Atlantis" if i in (3, 7, 8) else s for i, s in enumerate(columns["site"])]
    path = tmp_path / "new.csv"
    write_table(path, new)
    result = invoke("predict", model, path, "--keep", "id")
    assert result.exit_code == 0, result.output
    warning_lines = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning_lines == [
        "warning: column 'site': 'Atlantis' (3 rows) was not seen in training: encoded as "
        "all-zero (no category). --strict (strict=True) refuses unseen values instead."
    ]
    # the all-zero encoding is what the network gets: same as the rows' inputs with site's block zeroed
    loaded = nl.load(model)
    table = read_csv(path, kinds=loaded.column_kinds())
    report = TransformReport()
    inputs = loaded.preprocessor._encode(table, report=report)
    assert report.unseen == {("site", "Atlantis"): 3}
    names = loaded.preprocessor.input_names
    site = [i for i, name in enumerate(names) if name.startswith("site=")]
    assert not inputs[np.ix_([3, 7, 8], site)].any()
    expected = loaded.network.predict((inputs - loaded.preprocessor.mean) / loaded.preprocessor.scale)
    lines = result.stdout.splitlines()[1:]
    np.testing.assert_allclose(
        [float(lines[i].split(",")[2]) for i in (3, 7, 8)], expected[[3, 7, 8], 0], rtol=1e-6
    )
    line = one_line_error(invoke("predict", model, path, "--strict"))
    assert "Column 'site' holds 'Atlantis' in row 4 (line 5), a value not seen in training" in line
    line = one_line_error(invoke("evaluate", model, path, "--strict"))
    assert "a value not seen in training" in line


def test_model_predict_warns_once_per_column():
    table = Table.from_arrays(np.zeros((4, 0)), np.array(["a", "b", "a", "b"]), target_name="y")
    table.columns.insert(0, "c")
    table.data["c"] = np.array(["u", "v", "u", "v"], dtype=object)
    table.data["x"] = np.array([0.0, 1.0, 0.0, 1.0])
    table.columns.insert(1, "x")
    model = nl.Model.for_data(table, "y", hidden=(2,))
    model.fit(table, epochs=1, seed=0)
    new = Table(["c", "x"], {"c": np.array(["w", "w", "u"], dtype=object), "x": np.zeros(3)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.predict(new)
    assert [(w.category, str(w.message).split(":")[0]) for w in caught] == [(DataWarning, "column 'c'")]
    with pytest.raises(DataError, match="'w' in row 1, a value not seen in training"):
        model.predict(new, strict=True)


# -- 3. separators and decimal marks ----------------------------------------------------------
@pytest.mark.parametrize(("sep", "decimal"), [(";", ","), ("\t", "."), ("|", ","), (",", ".")])
def test_any_separator_and_decimal_mark_reads_the_same_table(tmp_path, sep, decimal):
    columns = messy_columns(50, seed=2)
    write_table(tmp_path / "plain.csv", columns)
    write_table(tmp_path / "other.csv", columns, sep=sep, decimal=decimal)
    plain, other = read_csv(tmp_path / "plain.csv"), read_csv(tmp_path / "other.csv")
    assert other.columns == plain.columns and other.dates == plain.dates == {"visit"}
    for name in plain.columns:
        np.testing.assert_array_equal(other.column(name), plain.column(name))
    assert sniff((tmp_path / "other.csv").read_text()[:2000]) == (sep, decimal)


def test_sep_and_decimal_override_and_a_ragged_row_names_the_separator(tmp_path):
    path = write(tmp_path, "a;b\n1,5;2\n2,5;3\n")
    np.testing.assert_array_equal(read_csv(path).column("a"), [1.5, 2.5])
    np.testing.assert_array_equal(read_csv(path, decimal=".").column("a"), ["1,5", "2,5"])  # text now
    bad = write(tmp_path, "a;b;y\n1;2;3\n4;5;6\n7,8,9,1\n", name="bad.csv")
    with pytest.raises(DataError, match=r"line 4 has 1 fields but the header has 3 \(separator ';'\)"):
        read_csv(bad)
    semi = write(tmp_path, "a;b;y\n1,5;2,0;x\n", name="semi.csv")  # the file, read as ','
    with pytest.raises(
        DataError,
        match=r"line 2 has 3 fields but the header has 1 \(separator ','\)\. .*"
        r"The file seems to use ';': pass --sep ';' \(sep=';'\)",
    ):
        read_csv(semi, sep=",")
    assert read_csv(semi).column("a").tolist() == [1.5]  # sniffed: ';' and decimal commas
    with pytest.raises(nl.ValidationError, match="must be one character such as , ; \\| or the word tab"):
        read_csv(path, sep="ab")
    with pytest.raises(nl.ValidationError, match=r"decimal mark .* must be '.' or ','"):
        read_csv(path, decimal=";")


# -- 4. dates ------------------------------------------------------------------------------------
def test_iso_dates_become_days_year_and_day_of_year():
    assert parse_date("1970-01-01") == 0.0
    assert parse_date("1970-01-02T12:00") == 1.5
    assert parse_date("1970-01-02T12:00+12:00") == 1.0  # converted to UTC
    assert parse_date("2000-03-01") == 11017.0  # 30 years: 10957 days (7 leap days) + 31 + 29
    assert parse_date("2024-02-30") is None and parse_date("01/02/2024") is None
    year, day = date_parts(np.array([0.0, 11017.0, 11017.99, 19722.0]))
    np.testing.assert_array_equal(year, [1970, 2000, 2000, 2023])
    np.testing.assert_array_equal(day, [1, 61, 61, 365])  # 2000 is a leap year: 31 + 29 + 1


def test_a_date_column_is_three_inputs_never_one_per_date(tmp_path):
    path = write(tmp_path, "when,y\n" + "".join(f"2020-01-{d:02d},{d % 2}\n" for d in range(1, 29)))
    table = read_csv(path)
    assert table.dates == {"when"} and table.kind("when") == "date"
    pre = Preprocessor.fit(table, "y")
    assert pre.input_names == ["when (days since 1970-01-01)", "when (year)", "when (day of year)"]
    encoded = pre._encode(table)
    np.testing.assert_array_equal(encoded[0], [18262.0, 2020.0, 1.0])
    assert any("holds ISO dates: 3 inputs" in note for note in pre.notes)
    mostly = write(tmp_path, "d,y\n2020-01-01,1\n2020-02-03,0\n2020-03-01,1\nsoon,0\n", name="mostly.csv")
    with pytest.raises(DataError, match=r"column 'd' is a date column but row 4 \(line 5\) holds 'soon'"):
        read_csv(mostly)  # a mistake in a date column, not a column of categories


# -- 5. predict keeps ids, all or nothing ------------------------------------------------------
def test_predict_keep_copies_ids_in_order_and_a_late_bad_cell_prints_nothing(tmp_path):
    columns = messy_columns(120, seed=4, gaps=False)
    data = tmp_path / "d.csv"
    write_table(data, columns)
    model = tmp_path / "m.nlab"
    train_messy(data, model, "--epochs", "2")
    result = invoke("predict", model, data, "--keep", "id,site", "--chunk-rows", "25")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "id,site,prediction,probability_good,probability_poor"
    assert [line.split(",")[:2] for line in lines[1:]] == [
        list(p) for p in zip(columns["id"], columns["site"], strict=True)
    ]
    jsonl = invoke("predict", model, data, "--keep", "id", "--json")
    assert json.loads(jsonl.stdout.splitlines()[0])["id"] == "S0001"
    columns["dose"][110] = "oops"  # in the last chunk
    write_table(data, columns)
    result = invoke("predict", model, data, "--keep", "id", "--chunk-rows", "25")
    assert one_line_error(result)
    assert result.stdout == ""  # not a single line of a half CSV
    out = tmp_path / "p.csv"
    one_line_error(invoke("predict", model, data, "--out", out, "--chunk-rows", "25"))
    assert not out.exists()
    line = one_line_error(invoke("predict", model, data, "--keep", "prediction"))
    assert "--keep prediction would repeat an output column" in line


# -- 6. defaults that generalise -----------------------------------------------------------------
def test_early_stopping_is_on_by_default_and_can_be_switched_off(tmp_path):
    rng = np.random.default_rng(0)
    rows = ["a,b,y"] + [f"{a:.4f},{b:.4f},{c:.4f}" for a, b, c in rng.normal(size=(80, 3))]
    data = write(tmp_path, "\n".join(rows) + "\n")
    common = ["train", data, "--target", "y", "--hidden", "64", "--learning-rate", "0.02", "--json"]
    report = json.loads(invoke(*common, "--out", tmp_path / "a.nlab").stdout)
    assert report["stop_reason"] == "early stopping" and report["early_stopping"]["patience"] == 10
    assert report["epochs"] == report["early_stopping"]["best_epoch"] + 10 < 1000
    result = invoke(*common, "--no-early-stopping", "--out", tmp_path / "b.nlab")
    report = json.loads(result.stdout)
    assert report["epochs"] == 100 and report["early_stopping"] is None
    overfit = [w for w in report["warnings"] if w.startswith("the network overfits")]
    assert len(overfit) == 1 and "validation loss rose from" in overfit[0]
    assert "warning: the network overfits" in result.stderr
    line = one_line_error(
        invoke(
            "train",
            data,
            "--target",
            "y",
            "--early-stopping",
            "3",
            "--no-early-stopping",
            "--out",
            tmp_path / "c.nlab",
        )
    )
    assert "contradict each other" in line


# -- 7. honest metrics ---------------------------------------------------------------------------
def test_baselines_in_json_and_text_and_a_warning_when_not_beaten(tmp_path):
    rng = np.random.default_rng(1)
    labels = np.where(rng.random(60) < 0.7, "no", "yes")  # pure noise: nothing to learn
    rows = ["a,y"] + [f"{a:.4f},{b}" for a, b in zip(rng.normal(size=60), labels, strict=True)]
    data = write(tmp_path, "\n".join(rows) + "\n")
    result = invoke(
        "train",
        data,
        "--target",
        "y",
        "--hidden",
        "2",
        "--epochs",
        "1",
        "--no-early-stopping",
        "--out",
        tmp_path / "m.nlab",
        "--json",
    )
    report = json.loads(result.stdout)
    n_val = report["rows"]["validation"]
    assert n_val == 12
    truth = read_csv(data).column("y")
    val_share = report["baseline"]["validation"]["accuracy"]
    assert val_share in {k / n_val for k in range(n_val + 1)}
    assert report["baseline"]["train"]["rule"] == "predict the most frequent class of the training rows, 'no'"
    assert math.isclose(report["baseline"]["validation"]["recall (mean)"], 0.5)
    assert any(w.startswith("only 12 validation rows") for w in report["warnings"])
    if report["metrics"]["validation"]["accuracy"] <= val_share:
        assert any("does not beat the baseline on the validation rows" in w for w in report["warnings"])
    assert (truth == "no").sum() > (truth == "yes").sum()
    text = invoke("evaluate", tmp_path / "m.nlab", data)
    assert "\nbaseline 0.7" in text.stdout or "\nbaseline 0.6" in text.stdout


def test_regression_baseline_is_the_training_mean(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=100)
    rows = ["x,y"] + [f"{a:.5f},{3 * a + 10:.5f}" for a in x]
    data = write(tmp_path, "\n".join(rows) + "\n")
    model = tmp_path / "m.nlab"
    assert (
        invoke("train", data, "--target", "y", "--hidden", "4", "--epochs", "5", "--out", model).exit_code
        == 0
    )
    result = json.loads(invoke("evaluate", model, data, "--json").stdout)
    mean = nl.load(model).preprocessor.target_mean
    y = read_csv(data).column("y")
    assert result["baseline"]["mse"] == pytest.approx(np.mean((y - mean) ** 2), rel=1e-12)
    assert result["baseline"]["rule"] == f"predict the mean of the training rows, {mean:.6g}"


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_a_leaking_column_gets_a_hint_and_honest_columns_do_not(tmp_path, task):
    data = tmp_path / "d.csv"
    write_table(data, messy_columns(300, seed=5, task=task, leak=True))
    result = train_messy(data, tmp_path / "m.nlab", "--epochs", "3", "--no-early-stopping", "--json")
    hints = json.loads(result.stdout)["hints"]
    assert len(hints) == 1 and hints[0].startswith(
        "column 'review' alone predicts 'outcome' almost perfectly"
    )
    assert "--ignore review" in hints[0]


# -- 8. DataFrames -------------------------------------------------------------------------------
@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_dataframes_are_read_like_csv(tmp_path, library):
    module = pytest.importorskip(library)
    columns = messy_columns(150, seed=6)
    path = tmp_path / "d.csv"
    write_table(path, columns)
    table = read_csv(path)
    frame = module.DataFrame({name: column for name, column in columns.items()})  # all text, as in a file
    model = nl.Model.for_data(frame, "outcome", hidden=(4,), ignore=["id"])
    assert model.preprocessor.kinds == {
        "visit": "date",
        "site": "categorical",
        "dose": "numeric",
        "age": "numeric",
        "noise": "numeric",
    }
    model.fit(frame, epochs=3, seed=0)
    np.testing.assert_array_equal(model.predict_proba(frame), model.predict_proba(table))
    typed = module.DataFrame(
        {
            "dose": [float(c) if c not in ("", "NA") else None for c in columns["dose"]],
            "site": [c or None for c in columns["site"]],
            "visit": columns["visit"],
            "age": table.column("age"),
            "noise": table.column("noise"),
        }
    )
    np.testing.assert_allclose(model.predict_proba(typed), model.predict_proba(table), rtol=1e-6)
    assert model.evaluate(frame)["accuracy"] == model.evaluate(table)["accuracy"]


def test_a_pandas_frame_with_infinity_or_datetimes():
    pd = pytest.importorskip("pandas")
    with pytest.raises(DataError, match=r"column 'x' holds inf in row 2, which is infinite"):
        nl.data.table_from_frame(pd.DataFrame({"x": [1.0, math.inf]}))
    table = nl.data.table_from_frame(pd.DataFrame({"t": pd.to_datetime(["1970-01-02", None])}))
    assert table.dates == {"t"}
    np.testing.assert_array_equal(table.column("t"), [1.0, np.nan])


# -- issue 21 item 5: strict numbers --------------------------------------------------------------
@pytest.mark.parametrize("text", ["1_000", "٣", "𝟙", "0x10", "1e", "--1", "1.2.3"])
def test_only_plain_ascii_decimal_notation_is_a_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("cell", ["1e999", "inf", "-Infinity"])
def test_an_overflowing_cell_in_a_numeric_column_is_an_error_naming_it(tmp_path, cell):
    path = write(tmp_path, "x,y\n" + "".join(f"{cell if i in (3, 5) else i},{i % 2}\n" for i in range(10)))
    with pytest.raises(
        DataError,
        match=rf"column 'x' is numeric but row 4 \(line 5\) holds '{cell}', which is "
        r"infinite or beyond the float64 range .* \(2 such cells\)",
    ):
        read_csv(path)


def test_a_column_of_mostly_infinities_is_not_categorical(tmp_path):
    path = write(tmp_path, "x,y\n" + "".join(f"{'1e999' if i % 2 else i},{i % 2}\n" for i in range(10)))
    with pytest.raises(DataError, match="beyond the float64 range"):
        read_csv(path)


@pytest.mark.parametrize("name", ["a\x00b", "a\x07", "a\u200bb"])
def test_control_characters_in_names_are_refused(tmp_path, name):
    path = tmp_path / "d.csv"
    path.write_text(f"{name},y\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"header column 1 \(.*\) holds the control character U\+"):
        read_csv(path)


def test_numbers_in_other_scripts_are_categories_not_numbers(tmp_path):
    path = write(tmp_path, "x,y\n٣,1\n𝟙,2\n1_000,3\n")
    assert read_csv(path).kind("x") == "categorical"


# -- old model files -----------------------------------------------------------------------------
def test_a_model_written_before_this_change_still_loads_and_predicts_the_same():
    model = nl.load(DATA / "v1_penguins.nlab")
    table = read_csv(DATA / "v1_penguins.csv")
    # what neuralab printed for this file when it was written (commit c25c4f4)
    assert model.predict(table).tolist() == [
        "Adelie",
        "Chinstrap",
        "Gentoo",
        "Adelie",
        "Chinstrap",
        "Gentoo",
        "Chinstrap",
        "Chinstrap",
        "Gentoo",
        "Gentoo",
        "Chinstrap",
        "Gentoo",
    ]
    np.testing.assert_allclose(
        model.predict_proba(table)[0],
        [0.428553968667984, 0.33007875084877014, 0.24136729538440704],
        rtol=1e-6,
    )
    result = model.evaluate(table)
    assert result["baseline"]["rule"] == "predict the most frequent class of these rows, 'Adelie'"
    gap = Table(["bill", "island"], {"bill": np.array([np.nan]), "island": np.array(["Dream"], dtype=object)})
    with pytest.raises(DataError, match="saved before neuralab imputed missing cells"):
        model.predict(gap)


def test_read_csv_chunks_keeps_raw_ids(tmp_path):
    path = write(tmp_path, "id,x\n007,1\n008,2\n009,3\n")
    chunks = list(read_csv_chunks(path, {"x": "numeric"}, chunk_rows=2, keep=["id"]))
    assert [chunk.raw["id"].tolist() for chunk in chunks] == [["007", "008"], ["009"]]


# -- the new preprocessing fields in the .nlab schema --------------------------------------------
@pytest.fixture(scope="module")
def messy_model_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schema")
    data = folder / "d.csv"
    write_table(data, messy_columns(80, seed=7))
    model = folder / "m.nlab"
    train_messy(data, model, "--epochs", "1", "--missing-indicator")
    return model


@pytest.mark.parametrize(
    ("feature", "key", "value", "problem"),
    [
        (1, "fill", "Atlantis", "'Atlantis' is not one of the column's categories"),
        (2, "fill", "high", "expected a number, got text"),
        (2, "indicator", 1, "expected true or false"),
        (2, "indicator", False, "the features make"),  # one input fewer than the scaling has
        (0, "kind", "numeric", "the features make"),  # a date is three inputs, not one
    ],
)
def test_the_model_file_schema_checks_fills_indicators_and_dates(
    tmp_path, messy_model_file, feature, key, value, problem
):
    from tests.model_files import rewrite

    from neuralab.io import ModelFileError

    loaded = nl.load(messy_model_file)
    assert [f["kind"] for f in loaded.preprocessor.features][:3] == ["date", "categorical", "numeric"]
    assert loaded.preprocessor.features[2]["indicator"]
    path = tmp_path / "edited.nlab"

    def edit(metadata):
        metadata["preprocessing"]["features"][feature][key] = value

    rewrite(messy_model_file, path, edit=edit)
    with pytest.raises(ModelFileError, match=re.escape(problem)):
        nl.load(path)


def test_the_sklearn_comparison_runs_on_one_table_and_seed():
    from benchmarks.tables_vs_sklearn import compare, markdown

    records = compare(["messy_regression"], seeds=(0,), log=lambda line: None)
    (record,) = records
    assert record["rows"] == 800 and record["gaps"] > 100 and record["metric"] == "R^2"
    assert 0.5 < record["neuralab"][0] <= 1 and record["sklearn"][0] <= 1
    assert markdown(records, (0,)).splitlines()[2].startswith("| messy_regression | 800 |")


def test_a_strong_honest_column_is_no_leak(tmp_path):
    # iris' petal width alone classifies all 30 validation rows of seed 1 (by chance), but not
    # its own training rows: no hint (it was one before the training rows were checked too)
    result = invoke(
        "train",
        "iris",
        "--seed",
        "1",
        "--epochs",
        "1",
        "--hidden",
        "2",
        "--out",
        tmp_path / "m.nlab",
        "--json",
    )
    assert json.loads(result.stdout)["hints"] == []
