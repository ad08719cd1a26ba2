"""CSV reading, task inference, splits and preprocessing (neuralab.data)."""

from __future__ import annotations

import numpy as np
import pytest

from neuralab.data import (
    DataError,
    Preprocessor,
    Table,
    infer_task,
    load_bundled,
    load_data,
    read_csv,
    read_csv_chunks,
    split_indices,
)


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_read_csv_types_and_lines(tmp_path):
    path = write(tmp_path, "a,colour,y\n1.5,red,0\n\n-2,blue,1\n3e2, red ,1\n")
    table = read_csv(path)
    assert table.columns == ["a", "colour", "y"]
    np.testing.assert_array_equal(table.column("a"), [1.5, -2.0, 300.0])
    assert table.column("colour").tolist() == ["red", "blue", "red"]
    assert table.column("y").dtype == np.float64
    assert table.lines.tolist() == [2, 4, 5]  # the blank line 3 is skipped


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("1,2,3\n4,5,6\n", "has no header row"),
        ("a,b\n", "has a header but no data rows"),
        ("a,b\n1,2\n3\n", "line 3 has 1 fields but the header has 2"),
        ("a,a\n1,2\n", "appears twice"),
        ("a,b\n1,2\n3,oops\n4,5\n", r"column 'b' is numeric but row 2 \(line 3\) holds 'oops'"),
    ],
)
def test_read_csv_refuses_bad_files(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        read_csv(write(tmp_path, text))


def test_missing_cells_are_refused_with_missing_error(tmp_path):
    with pytest.raises(
        DataError,
        match=r"2 missing cells .*; the first is row 2 \(line 3\), column 'a'\. "
        r".*--missing impute .*--missing drop",
    ):
        read_csv(write(tmp_path, "a,b\n1,2\n,3\n4,NaN\n"), missing="error")


def test_missing_file_and_drop_missing(tmp_path):
    with pytest.raises(DataError, match="File not found"):
        read_csv(tmp_path / "nope.csv")
    table = read_csv(write(tmp_path, "a,b\n1,2\n,3\n4,NA\n5,6\n"), drop_missing=True)
    np.testing.assert_array_equal(table.column("a"), [1.0, 5.0])
    assert table.notes == ["dropped 2 row(s) with missing cells"]
    with pytest.raises(DataError, match="Its columns are: a, b"):
        table.column("c")


def test_task_inference_rule():
    assert infer_task(np.array(["x", "y"], dtype=object))[0] == "classification"
    assert infer_task(np.array(["True", "False"], dtype=object))[0] == "classification"
    task, rule = infer_task(np.arange(20.0))
    assert task == "classification" and "20 distinct whole numbers" in rule
    task, rule = infer_task(np.arange(21.0))
    assert task == "regression" and "21 distinct values (> 20)" in rule
    assert infer_task(np.array([0.5, 1.0]))[1].endswith("non-integer values")


def test_stratified_split_keeps_proportions_and_is_seeded():
    labels = np.array([0] * 80 + [1] * 20)
    train, val, test = split_indices(100, validation=0.2, test=0.1, seed=3, stratify=labels)
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(100))
    assert np.bincount(labels[val]).tolist() == [16, 4]
    assert np.bincount(labels[test]).tolist() == [8, 2]
    again = split_indices(100, validation=0.2, test=0.1, seed=3, stratify=labels)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again, strict=True))


def test_preprocessor_scales_on_training_rows_only_and_one_hot_encodes():
    X = np.array([[0.0], [2.0], [100.0]])
    table = Table.from_arrays(X, np.array([1.0, 2.5, 7.0]), target_name="y")
    table.data["kind"] = np.array(["b", "a", "b"], dtype=object)
    table.columns.append("kind")
    pre = Preprocessor.fit(table, "y", train_rows=np.array([0, 1]))
    assert pre.task == "regression"
    assert pre.input_names == ["x0", "kind=a", "kind=b"]
    np.testing.assert_allclose(pre.mean, [1.0, 0.5, 0.5])  # rows 0 and 1 only
    np.testing.assert_allclose(pre.scale, [1.0, 0.5, 0.5])
    np.testing.assert_allclose(pre.transform(table), [[-1, -1, 1], [1, 1, -1], [99, -1, 1]])
    assert (pre.target_mean, pre.target_scale) == (1.75, 0.75)
    np.testing.assert_allclose(pre.decode_values(np.array([[1.0]])), [2.5])
    assert "one-hot encoded into 2 columns" in pre.notes[0]
    restored = Preprocessor.from_dict(pre.to_dict())
    np.testing.assert_array_equal(restored.transform(table), pre.transform(table))


def test_preprocessor_refusals():
    table = Table.from_arrays(np.zeros((3, 1)), np.array(["a", "a", "a"]), target_name="y")
    with pytest.raises(DataError, match="holds one class only"):
        Preprocessor.fit(table, "y")
    table = Table.from_arrays(np.zeros((30, 1)), np.arange(30.0) % 2, target_name="y")
    table.data["name"] = np.array([f"n{i}" for i in range(30)], dtype=object)
    table.columns.append("name")
    with pytest.raises(DataError, match="'name' is not numeric and has 30 distinct values"):
        Preprocessor.fit(table, "y")
    pre = Preprocessor.fit(table, "y", ignore=["name"])
    assert pre.classes == [0, 1]
    with pytest.raises(DataError, match="label '7'"):
        pre.class_index(np.array(["7"], dtype=object))


def test_chunked_reading_equals_whole(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.normal(size=(1003, 2))
    lines = ["id,a,b"] + [f"{i},{a!r},{b!r}" for i, (a, b) in enumerate(values.tolist())]
    path = write(tmp_path, "\n".join(lines) + "\n")
    chunks = list(read_csv_chunks(path, {"a": "numeric", "b": "numeric"}, chunk_rows=100))
    assert [c.n_rows for c in chunks] == [100] * 10 + [3]
    assert chunks[0].columns == ["a", "b"]
    stacked = np.column_stack([np.concatenate([c.column(n) for c in chunks]) for n in ("a", "b")])
    np.testing.assert_array_equal(stacked, values)
    with pytest.raises(DataError, match="lacks the column"):
        read_csv_chunks(path, {"a": "numeric", "c": "numeric"})


@pytest.mark.parametrize(
    ("name", "rows", "features", "first"),
    [
        ("digits", 1797, 64, 0),
        ("iris", 150, 4, "setosa"),
        ("breast_cancer", 569, 30, "malignant"),
        ("wine", 178, 13, "class_0"),
        ("diabetes", 442, 10, 151.0),
    ],
)
def test_bundled_sets(name, rows, features, first):
    table, target = load_data(name)
    assert target == "target" and table.n_rows == rows and len(table.columns) == features + 1
    assert table.column(target)[0] == first
    with pytest.raises(DataError, match="Choose one of"):
        load_bundled("mnist")


# -- review fixes: huge columns, split messages, delimiters, the target in --ignore ----------------
def test_a_column_beyond_1e154_is_scaled_not_zeroed():
    """x**2 overflows above ~1e154: the scaling divides by max |x| first (B5)."""
    rng = np.random.default_rng(0)
    unit = rng.random(50)
    X = np.column_stack([unit * 1e300, rng.normal(size=50), unit * 1e-200])
    y = 1e300 * rng.random(50)
    pre = Preprocessor.fit(Table.from_arrays(X, y, target_name="y"), "y")
    # Independent numbers: the unit column's mean and std, scaled back by hand.
    np.testing.assert_allclose(pre.mean[[0, 2]], [unit.mean() * 1e300, unit.mean() * 1e-200], rtol=1e-12)
    np.testing.assert_allclose(pre.scale[[0, 2]], [unit.std() * 1e300, unit.std() * 1e-200], rtol=1e-12)
    assert np.isfinite(pre.scale).all() and np.isfinite(pre.mean).all()
    # An ordinary column is computed exactly as before (bit for bit: encoded.mean(axis=0)).
    ordinary = X * [0.0, 1.0, 0.0]  # same layout, the extreme columns zeroed
    assert pre.mean[1] == ordinary.mean(axis=0)[1] and pre.scale[1] == ordinary.std(axis=0)[1]
    scaled = pre.transform(Table.from_arrays(X, y, target_name="y"))
    np.testing.assert_allclose(scaled[:, 0], (unit - unit.mean()) / unit.std(), atol=1e-9)
    np.testing.assert_allclose(scaled[:, 2], scaled[:, 0], atol=1e-9)
    assert np.isfinite(pre.target_scale) and pre.target_scale == pytest.approx((y / 1e300).std() * 1e300)


def test_a_value_whose_scaling_overflows_is_an_error_naming_the_column():
    X = np.array([[-1.0e308, 0.0], [-0.5e308, 1.0], [-0.9e308, 2.0]])
    pre = Preprocessor.fit(Table.from_arrays(X, np.array([0.0, 1.0, 3.0]), target_name="y"), "y")
    far = Table.from_arrays(np.array([[1.7e308, 1.0]]), feature_names=["x0", "x1"])
    with pytest.raises(DataError, match=r"Column 'x0' holds 1\.7e\+308 in row 1, too large to scale"):
        pre.transform(far)


@pytest.mark.parametrize(
    ("n", "stratify", "fragments"),
    [
        (
            200,
            np.arange(200.0),
            [
                "200 have a single row, which cannot be split",
                "200 classes in 200 rows looks like a regression target: use --task regression",
                "--validation-split 0",
            ],
        ),
        (
            4,
            np.array(["a", "a", "b", "b"], dtype=object),
            ["stratified", "the largest has 2", "--validation-split 0"],
        ),
        (2, None, ["2 rows are too few to hold any out", "--validation-split 0"]),
    ],
)
def test_an_empty_validation_split_names_the_cause_and_the_fix(n, stratify, fragments):
    with pytest.raises(DataError) as caught:
        split_indices(n, validation=0.2, seed=0, stratify=stratify)
    message = str(caught.value)
    assert all(fragment in message for fragment in fragments), message
    if stratify is not None and stratify.dtype.kind == "O":
        assert "regression" not in message


@pytest.mark.parametrize(("separator", "said", "option"), [(";", "';'", "';'"), ("\t", "a tab", "tab")])
def test_a_semicolon_or_tab_separated_file_is_sniffed_or_named(tmp_path, separator, said, option):
    path = write(tmp_path, separator.join("aby") + "\n" + separator.join("123") + "\n")
    np.testing.assert_array_equal(read_csv(path).column("y"), [3.0])  # sniffed
    hint = f"seems to use {said} between names: pass --sep {option}"
    with pytest.raises(DataError, match=hint):  # told wrongly: one column (a tab is refused in a name)
        read_csv(path, sep=",").column("y")
    with pytest.raises(DataError, match=hint):
        read_csv(path, kinds={"a": "numeric"}, sep=",")
    comma = read_csv(write(tmp_path, "a;b,y\n1,2\n", name="c.csv"))  # two columns: no hint
    with pytest.raises(DataError) as caught:
        comma.column("b")
    assert "seems to use" not in str(caught.value)


def test_the_target_cannot_be_ignored_and_a_foreign_target_column_is_named():
    table = Table.from_arrays(np.arange(6.0).reshape(3, 2), np.array([0.0, 1.0, 0.0]), target_name="y")
    with pytest.raises(DataError, match="target column 'y' cannot be ignored"):
        Preprocessor.fit(table, "y", ignore=["y"])
    pre = Preprocessor.fit(table, "y")
    with pytest.raises(
        DataError,
        match=r"The target 'x0' \(the model was trained to predict 'y'\) holds the "
        r"label 2 at row 2",
    ):
        pre.class_index(table.column("x0"), column="x0")
