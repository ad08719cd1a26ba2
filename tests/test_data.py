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


@pytest.mark.parametrize(("text", "message"), [
    ("", "is empty"),
    ("1,2,3\n4,5,6\n", "has no header row"),
    ("a,b\n", "has a header but no data rows"),
    ("a,b\n1,2\n3\n", "line 3 has 1 fields but the header has 2"),
    ("a,a\n1,2\n", "appears twice"),
    ("a,b\n1,2\n3,oops\n4,5\n", r"column 'b' is numeric but row 2 \(line 3\) holds 'oops'"),
    ("a,b\n1,2\n,3\n4,NaN\n", r"2 missing cells .* in 2 row\(s\); the first is row 2 \(line 3\), column 'a'"),
])
def test_read_csv_refuses_bad_files(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        read_csv(write(tmp_path, text))


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


@pytest.mark.parametrize(("name", "rows", "features", "first"), [
    ("digits", 1797, 64, 0), ("iris", 150, 4, "setosa"), ("breast_cancer", 569, 30, "malignant"),
    ("wine", 178, 13, "class_0"), ("diabetes", 442, 10, 151.0),
])
def test_bundled_sets(name, rows, features, first):
    table, target = load_data(name)
    assert target == "target" and table.n_rows == rows and len(table.columns) == features + 1
    assert table.column(target)[0] == first
    with pytest.raises(DataError, match="Choose one of"):
        load_bundled("mnist")
