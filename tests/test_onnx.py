"""ONNX export: every activation, classifier and regressor Models with their scaling, run in
ONNX Runtime against neuralab's own predictions; the CLI command; the missing-extra message."""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest
from tests.cli_helpers import one_line_error
from typer.testing import CliRunner

import neuralab as nl
from neuralab.cli import app
from neuralab.data import load_bundled, read_csv
from neuralab.onnx_export import OPSET, MissingExtraError

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

runner = CliRunner()

ACTIVATION_OPS = {
    "sigmoid": ["Sigmoid"],
    "tanh": ["Tanh"],
    "relu": ["Relu"],
    "leaky_relu": ["LeakyRelu"],
    "softmax": ["Softmax"],
    "linear": ["Identity"],
    "binary_step": ["GreaterOrEqual", "Cast"],
}


def run_onnx(path, X):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input"]
    return session.run(None, {"input": np.asarray(X, dtype=np.float32)})[0]


def checked(path):
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    return proto


def op_types(proto):
    return [node.op_type for node in proto.graph.node]


# -- every activation ------------------------------------------------------------------------
def step_network():
    """A binary_step network with given weights: z is at least 0.1 away from the step at 0
    on the test inputs (checked below), so float32 rounding cannot flip a unit."""
    W1 = [[1.0, -1.0, 0.5], [0.5, 1.0, -2.0], [-1.0, 0.25, 1.0], [2.0, -0.5, 0.0]]
    W2 = [[1.0, -1.0], [-1.0, 1.0], [0.5, 0.5]]
    return nl.Sequential(
        [
            nl.Dense(3, "binary_step", input_dim=4, weights=W1, biases=[0.05, -0.05, 0.1]),
            nl.Dense(2, "binary_step", weights=W2, biases=[-0.25, 0.2]),
        ]
    )


@pytest.mark.parametrize("activation", list(nl.ACTIVATIONS))
def test_every_activation_matches_neuralab_in_onnxruntime(activation, tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(64, 4)).astype(np.float32)
    if activation == "binary_step":
        net = step_network()
        z1 = X @ net.layers[0].weights + net.layers[0].biases
        assert np.abs(z1).min() > 1e-3  # away from the step: the comparison is exact in float32
    else:
        net = nl.Sequential([nl.Dense(6, activation, input_dim=4, seed=0), nl.Dense(3, activation, seed=1)])
    path = tmp_path / "net.onnx"
    assert nl.export_onnx(net, path) == str(path)
    proto = checked(path)
    ops = op_types(proto)
    assert ops.count("MatMul") == 2 and ops.count("Add") == 2
    for op in ACTIVATION_OPS[activation]:
        assert ops.count(op) >= 2, ops
    expected = net.predict(X)
    got = run_onnx(path, X)
    assert got.dtype == np.float32 and got.shape == (64, 3 if activation != "binary_step" else 2)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    if activation == "binary_step":
        assert set(np.unique(got)) == {0.0, 1.0}


def test_leaky_relu_alpha_is_exported_and_matters(tmp_path):
    net = nl.Sequential(
        [nl.Dense(5, nl.LeakyReLU(alpha=0.3), input_dim=2, seed=3), nl.Dense(1, "linear", seed=4)],
        dtype="float64",
    )
    path = tmp_path / "leaky.onnx"
    nl.export_onnx(net, path)
    (node,) = [n for n in checked(path).graph.node if n.op_type == "LeakyRelu"]
    assert onnx.helper.get_attribute_value(node.attribute[0]) == pytest.approx(0.3)
    X = np.random.default_rng(2).normal(size=(50, 2)) * 3
    np.testing.assert_allclose(run_onnx(path, X), net.predict(X), rtol=1e-5, atol=1e-5)


def test_opset_stated_batch_dynamic_and_bad_inputs_refused(tmp_path):
    net = nl.Sequential([nl.Dense(2, "tanh", input_dim=3, seed=0)])
    path = tmp_path / "net.onnx"
    nl.export_onnx(net, path)
    proto = checked(path)
    assert OPSET == 17 and [o.version for o in proto.opset_import] == [17]
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and dims[1].dim_value == 3
    for n in (1, 37):  # any batch size runs
        assert run_onnx(path, np.ones((n, 3))).shape == (n, 2)
    nl.export_onnx(net, path, opset=13)
    assert [o.version for o in checked(path).opset_import] == [13]
    with pytest.raises(nl.ValidationError, match="`opset` must be an integer from 13"):
        nl.export_onnx(net, path, opset=11)
    with pytest.raises(nl.ValidationError, match="needs a neuralab Model or Sequential"):
        nl.export_onnx(net.layers[0], path)
    with pytest.raises(nl.NotBuiltError):
        nl.export_onnx(nl.Sequential([nl.Dense(2)]), tmp_path / "unbuilt.onnx")
    with pytest.raises(nl.OutputError, match=r"such\.onnx: no such file or directory"):
        nl.export_onnx(net, tmp_path / "no" / "such.onnx")
    with pytest.raises(nl.OutputError, match="it is a folder"):
        nl.export_onnx(net, tmp_path)
    with pytest.raises(nl.ValidationError, match=r"`path` must be a file name \(str or pathlib.Path\)"):
        nl.export_onnx(net, b"net.onnx")
    assert sorted(os.listdir(tmp_path)) == ["net.onnx"]  # no temporary files left behind


# -- Models with their scaling, on real rows ------------------------------------------------
def encoded_rows(model, table):
    """The raw (unstandardised) inputs in ``input_names`` order: what the ONNX graph takes."""
    return model.preprocessor._encode(table)


@pytest.fixture(scope="module")
def iris_model():
    table, target = load_bundled("iris")
    model = nl.Model.for_data(table, target, hidden=(8,), activation="tanh")
    model.fit(table, epochs=15, seed=0)
    return model, table


def test_classifier_model_matches_predict_proba_on_iris(iris_model, tmp_path):
    model, table = iris_model
    path = tmp_path / "iris.onnx"
    nl.export_onnx(model, path)
    proto = checked(path)
    assert op_types(proto)[:2] == ["Sub", "Div"]  # the input standardisation is in the graph
    assert proto.graph.output[0].name == "probabilities"
    props = {p.key: p.value for p in proto.metadata_props}
    assert props["task"] == "classification" and "petal length (cm)" in props["input_names"]
    X = encoded_rows(model, table)
    assert np.abs(X.mean(axis=0)).max() > 1  # real, unscaled rows: the scaling does matter
    got = run_onnx(path, X)
    expected = model.predict_proba(table)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    labels = np.array(model.classes, dtype=object)[np.argmax(got, axis=1)]
    assert (labels == model.predict(table)).all()


def test_sigmoid_binary_classifier_gives_both_probabilities(tmp_path):
    table, target = load_bundled("breast_cancer")
    model = nl.Model.for_data(table, target, hidden=(6,), output_activation="sigmoid")
    model.fit(table, epochs=3, seed=1)
    path = tmp_path / "cancer.onnx"
    nl.export_onnx(model, path)
    checked(path)
    got = run_onnx(path, encoded_rows(model, table))
    assert got.shape == (table.n_rows, 2)
    np.testing.assert_allclose(got, model.predict_proba(table), rtol=1e-4, atol=1e-6)


def test_regressor_model_matches_predict_in_target_units_on_diabetes(tmp_path):
    table, target = load_bundled("diabetes")
    model = nl.Model.for_data(table, target, hidden=(16,), activation="relu")
    model.fit(table, epochs=10, seed=0)
    path = tmp_path / "diabetes.onnx"
    nl.export_onnx(model, path)
    proto = checked(path)
    assert op_types(proto)[-2:] == ["Mul", "Add"]  # the inverse target scaling
    got = run_onnx(path, encoded_rows(model, table))
    expected = model.predict(table)
    assert got.shape == (table.n_rows, 1) and expected.std() > 10  # user units, not standardised
    np.testing.assert_allclose(got[:, 0], expected, rtol=1e-5, atol=1e-3)


def test_categorical_inputs_enter_one_hot(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 60)
    colour = rng.choice(["red", "blue"], 60)
    y = 3 * x + (colour == "red")
    csv_path = tmp_path / "data.csv"
    rows = [f"{a!r},{c},{t!r}" for a, c, t in zip(x.tolist(), colour.tolist(), y.tolist(), strict=True)]
    csv_path.write_text("x,colour,y\n" + "\n".join(rows) + "\n")
    table = read_csv(csv_path)
    model = nl.Model.for_data(table, "y", hidden=(4,))
    model.fit(table, epochs=5, seed=0)
    path = tmp_path / "cat.onnx"
    nl.export_onnx(model, path)
    assert model.preprocessor.input_names == ["x", "colour=blue", "colour=red"]
    X = np.column_stack([x, colour == "blue", colour == "red"])
    np.testing.assert_allclose(run_onnx(path, X)[:, 0], model.predict(table), rtol=1e-5, atol=1e-5)


# -- the command line -----------------------------------------------------------------------
def test_cli_export_writes_a_runnable_file_and_refuses_an_existing_out(iris_model, tmp_path):
    model, table = iris_model
    model_path, out = tmp_path / "iris.nlab", tmp_path / "iris.onnx"
    nl.save(model, model_path)
    result = runner.invoke(app, ["export", str(model_path), "--format", "onnx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "opset 17" in result.stdout
    expected = model.predict_proba(table)
    np.testing.assert_allclose(run_onnx(out, encoded_rows(model, table)), expected, rtol=1e-5, atol=1e-6)
    before = out.read_bytes()
    result = runner.invoke(app, ["export", str(model_path), "--format", "onnx", "--out", str(out)])
    assert "already exists. Pass --force" in one_line_error(result)
    assert out.read_bytes() == before
    result = runner.invoke(app, ["export", str(model_path), "--out", str(out), "--force", "--opset", "13"])
    assert result.exit_code == 0, result.output
    assert [o.version for o in checked(out).opset_import] == [13]
    result = runner.invoke(app, ["export", str(model_path), "--format", "tflite", "--out", str(out)])
    assert result.exit_code == 2 and "--format must be one of: onnx" in result.stderr
    result = runner.invoke(app, ["export", str(model_path), "--out", str(out), "--force", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "model": str(model_path),
        "out": str(out),
        "format": "onnx",
        "opset": 17,
        "input": "input",
        "input_shape": ["batch", 4],
        "output": "probabilities",
    }


def test_missing_onnx_names_the_extra(iris_model, tmp_path, monkeypatch):
    model, _ = iris_model
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    out = tmp_path / "iris.onnx"
    with pytest.raises(MissingExtraError, match=r"pip install 'neuralab\[onnx\]'"):
        nl.export_onnx(model, out)
    model_path = tmp_path / "iris.nlab"
    nl.save(model, model_path)
    result = runner.invoke(app, ["export", str(model_path), "--out", str(out)])
    assert "neuralab[onnx]" in one_line_error(result)
    assert sorted(os.listdir(tmp_path)) == ["iris.nlab"]
