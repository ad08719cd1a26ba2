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
    rows = ["x1,x2,colour,strength"] + [f"{a!r},{b!r},{c},{t!r}" for (a, b), c, t in
                                        zip(x.tolist(), colour, y.tolist(), strict=True)]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    csv_path = write_regression_csv(folder / "concrete.csv")
    model = folder / "model.nlab"
    result = invoke("train", csv_path, "--target", "strength", "--hidden", "16", "--epochs", "40",
                    "--learning-rate", "0.01", "--out", model, "--json")
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
@pytest.mark.parametrize(("text", "args", "message"), [
    (None, [], "File not found"),
    ("", [], "is empty"),
    ("1,2\n3,4\n", [], "has no header row"),
    ("a,b\n1,2\n3,4\n", ["--target", "c"], "has no column 'c'. Its columns are: a, b"),
    ("a,b\n1,x\n2,x\n3,x\n", ["--target", "b"], "holds one class only ('x')"),
    ("a,b\n1,2\n,3\n4,5\n", ["--target", "b"],
     r"1 missing cell (empty or NaN) in 1 row(s); the first is row 2 (line 3), column 'a'"),
    ("a,b\n1,2\n2,3\nthree,4\n4,5\n", ["--target", "b"],
     "column 'a' is numeric but row 3 (line 4) holds 'three'"),
    ("a,b\n1,2\n2,3\n", [], "Give the column to predict with --target. The columns of"),
])
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
    result = invoke("train", path, "--target", "b", "--drop-missing", "--epochs", "2", "--hidden", "2",
                    "--out", tmp_path / "m.nlab")
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
        result = invoke("train", "iris", "--hidden", "16,8", "--epochs", "40", "--seed", "0",
                        "--learning-rate", "0.01",
                        "--out", tmp_path / out, "--json", *extra)
        assert result.exit_code == 0, result.output
        return nl.load(tmp_path / out)

    plain = train("plain.nlab")
    regularised = train("reg.nlab", "--dropout", "0.2", "--l1", "0.01")
    kinds = [type(layer).__name__ for layer in regularised.network.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]

    def l1_norm(model):
        return sum(float(np.abs(layer.weights).sum()) for layer in model.network.weighted_layers)

    assert l1_norm(regularised) < 0.8 * l1_norm(plain)
