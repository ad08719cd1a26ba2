"""`neuralab train / evaluate / predict` through typer's CliRunner: happy paths and every bad input."""

from __future__ import annotations

import json
import os
import signal

import numpy as np
import pytest
from tests.cli_helpers import one_line_error
from typer.testing import CliRunner

import neuralab as nl
from neuralab.cli import app
from neuralab.cli import data as cli_data
from neuralab.io import FORMAT_VERSION

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def write_regression_csv(path, n=300, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    colour = rng.choice(["red", "blue"], size=n)
    y = 2 * x[:, 0] - x[:, 1] + (colour == "red") + rng.normal(0, 0.05, n)
    rows = ["x1,x2,colour,strength"] + [
        f"{a!r},{b!r},{c},{t!r}" for (a, b), c, t in zip(x.tolist(), colour, y.tolist(), strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    csv_path = write_regression_csv(folder / "concrete.csv")
    model = folder / "model.nlab"
    result = invoke(
        "train",
        csv_path,
        "--target",
        "strength",
        "--hidden",
        "16",
        "--epochs",
        "40",
        "--learning-rate",
        "0.01",
        "--out",
        model,
        "--json",
    )
    assert result.exit_code == 0, result.output
    return folder, csv_path, model, json.loads(result.stdout)


def test_train_json_and_rule(trained):
    _, _, model, payload = trained
    assert payload["task"] == "regression"
    assert payload["task_rule"].startswith("regression: target 'strength' is numeric with non-integer")
    assert "one-hot encoded into 2 columns" in payload["notes"][0]
    assert payload["rows"] == {"train": 240, "validation": 60, "test": 0}
    assert payload["metrics"]["validation"]["r2"] > 0.95
    assert nl.load(model).training["epochs"] == payload["epochs"] == 40


def test_train_table_output_and_refuses_existing_out(trained, tmp_path):
    _, csv_path, model, _ = trained
    result = invoke("train", "iris", "--epochs", "3", "--hidden", "4", "--out", tmp_path / "i.nlab")
    assert result.exit_code == 0, result.output
    assert "task classification: target 'target' is not numeric" in result.stdout
    assert "validation" in result.stdout and f"model written to {tmp_path / 'i.nlab'}" in result.stdout
    before = model.read_bytes()
    line = one_line_error(invoke("train", csv_path, "--target", "strength", "--out", model))
    assert "already exists. Pass --force" in line
    assert model.read_bytes() == before


def test_evaluate_and_predict(trained, tmp_path):
    _, csv_path, model, _ = trained
    result = invoke("evaluate", model, csv_path, "--json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert set(metrics) >= {"mse", "mae", "r2"} and metrics["rows"] == 300
    out = tmp_path / "pred.csv"
    result = invoke("predict", model, csv_path, "--out", out)
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == "prediction" and len(lines) == 301
    loaded = nl.load(model)
    table = nl.data.read_csv(csv_path)
    np.testing.assert_allclose([float(v) for v in lines[1:]], loaded.predict(table), rtol=1e-12)
    stdout = invoke("predict", model, csv_path)
    assert stdout.stdout.splitlines() == lines


def test_classifier_predict_probabilities_json(tmp_path):
    model = tmp_path / "wine.nlab"
    assert invoke("train", "wine", "--epochs", "5", "--hidden", "8", "--out", model, "--json").exit_code == 0
    result = invoke("predict", model, "wine", "--json")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 178 and records[0]["row"] == 1
    assert set(records[0]["probabilities"]) == {"class_0", "class_1", "class_2"}
    assert sum(records[0]["probabilities"].values()) == pytest.approx(1.0, abs=1e-6)
    result = invoke("evaluate", model, "wine")
    assert "confusion matrix" in result.stdout and "precision" in result.stdout


def test_resume_continues_with_optimizer_state(trained, tmp_path):
    _, csv_path, model, _ = trained
    copy = tmp_path / "m.nlab"
    copy.write_bytes(model.read_bytes())
    iterations = nl.load(copy).optimizer.iterations
    result = invoke("train", csv_path, "--resume", copy, "--epochs", "2", "--json")
    assert result.exit_code == 0, result.output
    resumed = nl.load(copy)
    assert resumed.training["epochs"] == 42 and len(resumed.training["sessions"]) == 2
    assert resumed.optimizer.iterations == iterations + 2 * 8  # 240 rows / 32 = 8 batches per epoch


def test_ctrl_c_writes_the_model_so_far_and_exits_130(tmp_path, monkeypatch):
    def interrupt_in_epoch_2(self, epoch, logs):
        if epoch == 2:
            os.kill(os.getpid(), signal.SIGINT)  # turned into a flag by the fit loop

    monkeypatch.setattr(cli_data.RichProgress, "on_epoch_end", interrupt_in_epoch_2)
    out = tmp_path / "m.nlab"
    result = invoke("train", "iris", "--epochs", "50", "--hidden", "4", "--out", out)
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output and str(out) in result.output
    model = nl.load(out)
    assert model.training["interrupted"] is True
    assert model.training["sessions"][0]["stop_reason"] == "interrupted"
    assert model.training["epochs"] == 2  # epoch 3's first batch finished, then the fit stopped


# -- bad input: one line, non-zero exit, nothing written ----------------------------------------
@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (None, [], "File not found"),
        ("", [], "is empty"),
        ("1,2\n3,4\n", [], "has no header row"),
        ("a,b\n1,2\n3,4\n", ["--target", "c"], "has no column 'c'. Its columns are: a, b"),
        ("a,b\n1,x\n2,x\n3,x\n", ["--target", "b"], "holds one class only ('x')"),
        (
            "a,b\n1,2\n,3\n4,5\n",
            ["--target", "b", "--missing", "error"],
            r"1 missing cell (empty or NaN); the first is row 2 (line 3), column 'a'",
        ),
        (
            "a,b\n1,2\n2,3\nthree,4\n4,5\n",
            ["--target", "b"],
            "column 'a' is numeric but row 3 (line 4) holds 'three'",
        ),
        ("a,b\n1,2\n2,3\n", [], "Give the column to predict with --target. The columns of"),
    ],
)
def test_train_bad_inputs(tmp_path, text, args, message):
    path = tmp_path / "d.csv"
    if text is not None:
        path.write_text(text)
    out = tmp_path / "m.nlab"
    line = one_line_error(invoke("train", path, *args, "--out", out))
    assert message in line
    assert not out.exists()


def test_drop_missing_option(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i % 2}\n" for i in range(20)) + ",1\n")
    for flag in (["--drop-missing"], ["--missing", "drop"]):  # the old flag stays as a hidden alias
        result = invoke(
            "train",
            path,
            "--target",
            "b",
            *flag,
            "--epochs",
            "2",
            "--hidden",
            "2",
            "--out",
            tmp_path / "m.nlab",
            "--force",
        )
        assert result.exit_code == 0, result.output
        assert "note: dropped 1 row(s) with missing cells" in result.stdout


def test_bad_model_files_through_the_cli(trained, tmp_path):
    _, csv_path, model, _ = trained
    truncated = tmp_path / "t.nlab"
    truncated.write_bytes(model.read_bytes()[:200])
    assert "truncated or damaged" in one_line_error(invoke("predict", truncated, csv_path))
    notmodel = tmp_path / "n.nlab"
    notmodel.write_text("a,b\n")
    assert "not a neuralab model file" in one_line_error(invoke("evaluate", notmodel, csv_path))
    from test_model_io import make_newer

    newer = tmp_path / "new.nlab"
    make_newer(model, newer)
    line = one_line_error(invoke("predict", newer, csv_path))
    assert f"format version {FORMAT_VERSION + 1}" in line and "Upgrade neuralab" in line


def test_predict_with_mismatched_columns(trained, tmp_path):
    _, _, model, _ = trained
    path = tmp_path / "other.csv"
    path.write_text("x1,colour\n1,red\n")
    out = tmp_path / "p.csv"
    line = one_line_error(invoke("predict", model, path, "--out", out))
    assert "lacks the column(s) the model needs: x2" in line
    assert not out.exists()


def test_predict_error_mid_stream_writes_nothing(trained, tmp_path):
    _, csv_path, model, _ = trained
    path = tmp_path / "bad.csv"
    lines = csv_path.read_text().splitlines()
    lines[250] = "1,oops,red,0"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "p.csv"
    line = one_line_error(invoke("predict", model, path, "--out", out, "--chunk-rows", "100"))
    assert "column 'x2' is numeric but row 250 (line 251) holds 'oops'" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_predict_streams_a_large_file_in_chunks(trained, tmp_path, monkeypatch):
    _, _, model, _ = trained
    rng = np.random.default_rng(5)
    n = 200_000
    x = rng.uniform(-1, 1, size=(n, 2))
    colour = np.where(rng.random(n) < 0.5, "red", "blue")
    big = tmp_path / "big.csv"
    with big.open("w") as handle:
        handle.write("x1,x2,colour\n")
        handle.writelines(f"{a:.6f},{b:.6f},{c}\n" for (a, b), c in zip(x.tolist(), colour, strict=True))
    seen = []
    original = cli_data.read_csv_chunks

    def spy(*args, **kwargs):
        for chunk in original(*args, **kwargs):
            seen.append(chunk.n_rows)
            yield chunk

    monkeypatch.setattr(cli_data, "read_csv_chunks", spy)
    out = tmp_path / "p.csv"
    result = invoke("predict", model, big, "--out", out, "--chunk-rows", "50000", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == n
    assert seen == [50_000] * 4  # never more than one chunk in memory
    chunked = np.loadtxt(out, skiprows=1)
    whole = nl.load(model).predict(nl.data.read_csv(big))
    np.testing.assert_array_equal(chunked, whole)  # CSV floats round-trip exactly


def test_train_with_dropout_and_l1_builds_and_penalises(tmp_path):
    """--dropout puts a Dropout after each hidden layer; --l1 shrinks the weights."""

    def train(out, *extra):
        result = invoke(
            "train",
            "iris",
            "--hidden",
            "16,8",
            "--epochs",
            "40",
            "--seed",
            "0",
            "--learning-rate",
            "0.01",
            "--out",
            tmp_path / out,
            "--json",
            *extra,
        )
        assert result.exit_code == 0, result.output
        return nl.load(tmp_path / out)

    plain = train("plain.nlab")
    regularised = train("reg.nlab", "--dropout", "0.2", "--l1", "0.01")
    kinds = [type(layer).__name__ for layer in regularised.network.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]

    def l1_norm(model):
        return sum(float(np.abs(layer.weights).sum()) for layer in model.network.weighted_layers)

    assert l1_norm(regularised) < 0.8 * l1_norm(plain)


# -- review fixes ------------------------------------------------------------------------------
def _write_rows(path, header, columns):
    rows = [",".join(header)] + [",".join(repr(float(v)) for v in row) for row in zip(*columns, strict=True)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_column_above_1e154_is_learned_from_not_zeroed(tmp_path):
    """B5: values * 1e300 used to give std inf, scale inf, every scaled value 0."""
    rng = np.random.default_rng(0)
    a, b = rng.random(200), rng.random(200)
    y = 3 * a + b + rng.normal(0, 0.01, 200)

    def train(name, column):
        path = _write_rows(tmp_path / f"{name}.csv", ["a", "b", "y"], [column, b, y])
        result = invoke(
            "train",
            path,
            "--target",
            "y",
            "--epochs",
            "30",
            "--hidden",
            "8",
            "--learning-rate",
            "0.01",
            "--out",
            tmp_path / f"{name}.nlab",
            "--json",
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["metrics"]["validation"]["r2"], nl.load(tmp_path / f"{name}.nlab")

    r2_huge, model = train("huge", a * 1e300)
    r2_plain, _ = train("plain", a)  # the same column unscaled: the same standardised inputs
    r2_constant, _ = train("constant", np.ones(200))
    assert r2_huge == pytest.approx(r2_plain, abs=1e-3)
    assert np.isfinite(model.preprocessor.scale).all()
    train_rows, _, _ = nl.data.split_indices(200, validation=0.2, seed=0)  # the split train makes
    assert model.preprocessor.scale[0] == pytest.approx(a[train_rows].std() * 1e300, rel=1e-9)
    assert r2_huge > 0.9 > r2_constant + 0.5  # the huge column carries the signal


def test_a_continuous_target_forced_to_classification_names_the_cause(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random(200)
    path = _write_rows(tmp_path / "reg.csv", ["x", "strength"], [x, 10 * x + rng.random(200)])
    line = one_line_error(
        invoke(
            "train", path, "--target", "strength", "--task", "classification", "--out", tmp_path / "m.nlab"
        )
    )
    assert "200 have a single row, which cannot be split" in line
    assert "200 classes in 200 rows looks like a regression target: use --task regression" in line


def test_a_tiny_file_suggests_no_validation_split(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("a,label\n0.1,0\n0.2,0\n,1\n0.8,1\n0.9,1\n")
    out = tmp_path / "m.nlab"
    line = one_line_error(invoke("train", path, "--target", "label", "--drop-missing", "--out", out))
    assert "of 4 rows leaves no validation rows" in line and "--validation-split 0" in line
    assert "regression" not in line
    result = invoke(
        "train",
        path,
        "--target",
        "label",
        "--drop-missing",
        "--validation-split",
        "0",
        "--epochs",
        "2",
        "--hidden",
        "2",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output


def test_evaluate_names_the_column_given_with_target(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((60, 2))
    path = _write_rows(tmp_path / "cls.csv", ["a", "b", "label"], [x[:, 0], x[:, 1], x[:, 0] > 0.5])
    model = tmp_path / "cls.nlab"
    assert (
        invoke("train", path, "--target", "label", "--epochs", "2", "--hidden", "4", "--out", model).exit_code
        == 0
    )
    line = one_line_error(invoke("evaluate", model, path, "--target", "a"))
    expected = f"The target 'a' (the model was trained to predict 'label') holds the label {float(x[0, 0])!r}"
    assert expected in line
    result = invoke("evaluate", model, path, "--json")  # its own target still works
    assert result.exit_code == 0 and json.loads(result.stdout)["rows"] == 60


@pytest.mark.parametrize(("separator", "said", "option"), [(";", "';'", "';'"), ("\t", "a tab", "tab")])
def test_a_wrong_sep_names_the_right_one(tmp_path, separator, said, option):
    path = tmp_path / "semi.csv"
    path.write_text(
        separator.join("aby")
        + "\n"
        + "".join(f"{i}{separator}{i % 3}{separator}{i % 2}\n" for i in range(10))
    )
    line = one_line_error(invoke("train", path, "--target", "y", "--sep", ",", "--out", tmp_path / "m.nlab"))
    assert f"The header seems to use {said} between names: pass --sep {option}" in line


def test_resume_refuses_a_conflicting_architecture(trained, tmp_path):
    _, csv_path, model, _ = trained  # trained with --hidden 16 (relu, float32, no dropout)
    copy = tmp_path / "m.nlab"
    copy.write_bytes(model.read_bytes())
    for option, value, saved in (
        ("--hidden", "4", "16"),
        ("--activation", "tanh", "relu"),
        ("--dtype", "float64", "float32"),
        ("--dropout", "0.5", "0.0"),
        ("--task", "classification", "regression"),
        ("--loss", "half_squared_error", "mse"),
    ):
        line = one_line_error(invoke("train", csv_path, "--resume", copy, option, value, "--epochs", "1"))
        assert f"{option} {value} conflicts with the resumed model {copy}, which has {option} {saved}" in line
    line = one_line_error(invoke("train", csv_path, "--resume", copy, "--ignore", "x1", "--epochs", "1"))
    assert "--ignore x1 conflicts with the resumed model" in line
    assert copy.read_bytes() == model.read_bytes()  # nothing written
    # The same values as the model's are no conflict.
    result = invoke(
        "train",
        csv_path,
        "--resume",
        copy,
        "--hidden",
        "16",
        "--activation",
        "relu",
        "--epochs",
        "1",
        "--json",
    )
    assert result.exit_code == 0, result.output


def test_early_stopping_zero_and_ignoring_the_target_are_refused(trained, tmp_path):
    _, csv_path, _, _ = trained
    out = tmp_path / "m.nlab"
    line = one_line_error(
        invoke("train", csv_path, "--target", "strength", "--early-stopping", "0", "--out", out)
    )
    assert "--early-stopping is the patience in epochs and must be at least 1" in line
    line = one_line_error(
        invoke("train", csv_path, "--target", "strength", "--ignore", "x1,strength", "--out", out)
    )
    assert "The target column 'strength' cannot be ignored" in line
    assert not out.exists()


def test_the_summary_says_early_stopping(tmp_path):
    rng = np.random.default_rng(0)
    path = _write_rows(tmp_path / "noise.csv", ["a", "b", "y"], list(rng.normal(size=(3, 80))))
    result = invoke(
        "train",
        path,
        "--target",
        "y",
        "--early-stopping",
        "2",
        "--epochs",
        "200",
        "--hidden",
        "32",
        "--learning-rate",
        "0.05",
        "--out",
        tmp_path / "m.nlab",
    )
    assert result.exit_code == 0, result.output
    assert "stopped: early stopping, best epoch" in result.stdout
    assert nl.load(tmp_path / "m.nlab").training["sessions"][0]["stop_reason"] == "early stopping"


def test_hidden_help_says_zero_means_no_hidden_layer():
    for command in ("train", "lr-find"):
        result = runner.invoke(app, [command, "--help"], terminal_width=200)
        assert result.exit_code == 0
        text = " ".join(result.stdout.replace("│", " ").split())
        assert "0 or an empty value means no hidden layer" in text, command
