"""Model files are checked completely before use (issue 21 items 1-2, issue 16 item 5).

Every edited or damaged file is refused with a ModelFileError that names the member or the
metadata field; unknown members are never read; sizes are checked before allocation; files
of format version 1 (optimizer state by buffer index) load exactly as that code saved them.
"""

from __future__ import annotations

import json
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from tests.model_files import metadata_of, read_members, rewrite

import neuralab as nl
from neuralab.data import load_bundled, read_csv
from neuralab.io import FORMAT_VERSION, ModelFileError

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """An iris classifier (Adam, a dropout layer) saved once: (path, model, table)."""
    table, target = load_bundled("iris")
    model = nl.Model.for_data(table, target, hidden=(6,), dropout=0.2)
    model.fit(table, epochs=3, seed=0, optimizer="adam")
    path = tmp_path_factory.mktemp("saved") / "iris.nlab"
    nl.save(model, path)
    return path, model, table


@pytest.fixture(scope="module")
def saved_regressor(tmp_path_factory):
    X = np.linspace(-1, 1, 40).reshape(-1, 2)
    table = nl.data.Table.from_arrays(X, 5 + X[:, 0] - 2 * X[:, 1], target_name="y")
    model = nl.Model.for_data(table, "y", hidden=(3,))
    model.fit(table, epochs=2, seed=0, optimizer="momentum")
    path = tmp_path_factory.mktemp("saved") / "reg.nlab"
    nl.save(model, path)
    return path, model, table


# -- the format: version 2 names optimizer state by parameter ---------------------------------
def test_optimizer_state_is_stored_under_parameter_names(saved):
    path, model, _ = saved
    names = sorted(read_members(path))
    # layer 1 is the Dropout layer: it has no parameters, and the names keep the positions.
    assert names == sorted(
        [
            "metadata.npy",
            "layer0.weights.npy",
            "layer0.biases.npy",
            "layer2.weights.npy",
            "layer2.biases.npy",
            "optimizer.iterations.npy",
            *(
                f"optimizer.layer{i}.{p}.{slot}.npy"
                for i in (0, 2)
                for p in ("weights", "biases")
                for slot in "mv"
            ),
        ]
    )
    assert metadata_of(path)["format_version"] == FORMAT_VERSION == 2
    with np.load(path) as archive:
        # the flat Adam moment that fit keeps, cut at the parameters' boundaries (4*6 + 6 weights first)
        flat_m = model.optimizer.get_state()["0.m"]
        np.testing.assert_array_equal(archive["optimizer.layer0.weights.m"], flat_m[:24].reshape(4, 6))
        np.testing.assert_array_equal(archive["optimizer.layer0.biases.m"], flat_m[24:30])
        np.testing.assert_array_equal(archive["optimizer.layer2.biases.m"], flat_m[-3:])


def test_state_of_an_optimizer_stepped_per_array_is_named_too(tmp_path, saved):
    copy = nl.load(saved[0])
    copy.optimizer.reset()
    parameters = copy.network.parameters()
    copy.optimizer.step(parameters, [np.full_like(p, 0.5) for p in parameters])
    nl.save(copy, tmp_path / "per_array.nlab")
    with np.load(tmp_path / "per_array.nlab") as archive:
        assert archive["optimizer.layer2.weights.m"].shape == (6, 3)
        np.testing.assert_allclose(archive["optimizer.layer2.weights.m"], 0.05)  # (1 - beta1) * 0.5
    again = nl.load(tmp_path / "per_array.nlab")
    assert again.optimizer.get_state()["0.m"].shape == (copy.network.count_parameters(),)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_format_version_1_files_still_load_identically(tmp_path, kind):
    """tests/data/old_format_v1_*.nlab were written by the code before format version 2
    (make_old_format_v1.py); their predictions were recorded by that code."""
    expected = json.loads((DATA / "old_format_v1_expected.json").read_text())[kind]
    table = read_csv(DATA / "old_format.csv")
    old = DATA / f"old_format_v1_{kind}.nlab"
    assert metadata_of(old)["format_version"] == 1
    model = nl.load(old)
    if kind == "classifier":
        np.testing.assert_array_equal(model.predict_proba(table), np.array(expected["predict_proba"]))
    assert model.predict(table).tolist() == expected["predict"]
    # The optimizer state is the file's, by buffer index, as that code restored it.
    assert model.optimizer.iterations == expected["iterations"]
    with np.load(old) as archive:
        stored = {
            k.removeprefix("optimizer."): archive[k] for k in archive.files if k.startswith("optimizer.")
        }
    state = model.optimizer.get_state()
    assert state.keys() == stored.keys()
    for key in state:
        np.testing.assert_array_equal(state[key], stored[key])
    # Saved again it becomes version 2 and loads to the same model.
    nl.save(model, tmp_path / "new.nlab")
    assert metadata_of(tmp_path / "new.nlab")["format_version"] == 2
    again = nl.load(tmp_path / "new.nlab")
    assert again.predict(table).tolist() == expected["predict"]
    for key, array in again.optimizer.get_state().items():
        np.testing.assert_array_equal(array, state[key])


# -- metadata lies: refused, naming the field ---------------------------------------------------
def _set(*keys, value):
    def edit(metadata):
        node = metadata
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return edit


METADATA_LIES = [
    (("preprocessing", "target_scale"), float("nan"), "preprocessing.target_scale", "not finite"),
    (("preprocessing", "target_scale"), float("inf"), "preprocessing.target_scale", "not finite"),
    (("preprocessing", "target_scale"), 0, "preprocessing.target_scale", "must be > 0"),
    (("preprocessing", "scale"), [1.0], "preprocessing.scale", "1 values, but the features make 4"),
    (("preprocessing", "mean"), [0.0] * 5, "preprocessing.mean", "5 values"),
    (("preprocessing", "scale"), [1.0, 1.0, -2.0, 1.0], "preprocessing.scale[2]", "must be > 0"),
    (("preprocessing", "mean"), [0.0, "1", 0.0, 0.0], "preprocessing.mean[1]", "expected a number, got text"),
    (
        ("preprocessing", "classes"),
        ["a", "b"],
        "architecture.layers[2].units",
        "3 output units for 2 classes",
    ),
    (("preprocessing", "classes"), ["a", "b", "c", "d"], "architecture.layers[2].units", "for 4 classes"),
    (("preprocessing", "classes"), ["a", "a", "b"], "preprocessing.classes", "two distinct classes"),
    (("preprocessing", "task"), 3, "preprocessing.task", "expected text, got an integer"),
    (("preprocessing", "task"), None, "preprocessing.task", "expected text, got null"),
    (("preprocessing", "task"), "Classification", "preprocessing.task", "'Classification' is not one of"),
    (("preprocessing", "features"), [], "preprocessing.features", "empty"),
    (("preprocessing", "features", 0, "kind"), "text", "preprocessing.features[0].kind", "not one of"),
    (
        ("preprocessing", "features", 1, "name"),
        "sepal length (cm)",
        "preprocessing.features[1].name",
        "appears twice",
    ),
    (("preprocessing", "imputer"), {}, "preprocessing.imputer", "not a field"),
    (("architecture", "dtype"), "float16", "architecture.dtype", "not one of"),
    (
        ("architecture", "layers", 0, "units"),
        10**6,
        "architecture.layers[1].units",
        "6, but the layer before gives 1000000",
    ),
    (("architecture", "layers", 0, "units"), True, "architecture.layers[0].units", "got true/false"),
    (("architecture", "layers", 0, "units"), 10**12, "architecture.layers[0].units", "outside 1..1000000"),
    (
        ("architecture", "layers", 0, "input_dim"),
        5,
        "architecture.layers[0].input_dim",
        "the preprocessing makes 4 network inputs",
    ),
    (("architecture", "layers", 0, "use_bias"), 1, "architecture.layers[0].use_bias", "got an integer"),
    (
        ("architecture", "layers", 0, "activation"),
        {"name": "swish"},
        "architecture.layers[0].activation.name",
        "not one of",
    ),
    (
        ("architecture", "layers", 0, "activation"),
        {"name": "leaky_relu", "alpha": "x"},
        "architecture.layers[0].activation.alpha",
        "expected a number",
    ),
    (("architecture", "layers", 1, "rate"), 1.5, "architecture.layers[1].rate", "outside [0, 1)"),
    (("architecture", "layers", 1, "type"), "Conv2D", "architecture.layers[1].type", "not one of"),
    (("architecture", "layers"), [], "architecture.layers", "empty"),
    (("loss",), "mse", "loss", None),  # mse on softmax is allowed; checked separately below
    (("loss",), "binary_cross_entropy", "loss", "requires a sigmoid output"),
    (("loss",), "hinge", "loss", "Unknown loss"),
    (("optimizer", "learning_rate"), -1, "optimizer", "learning_rate"),
    (("optimizer", "learning_rate"), "0.1", "optimizer.learning_rate", "expected a number, got text"),
    (("optimizer", "name"), "lion", "optimizer.name", "not one of"),
    (("optimizer", "momentum"), 0.9, "optimizer.momentum", "not a field"),
    (("training", "epochs"), -3, "training.epochs", "outside 0.."),
    (("training", "sessions"), {"a": 1}, "training.sessions", "expected a list"),
    (("training", "interrupted"), "no", "training.interrupted", "expected true or false"),
    (("format_version",), 0, None, "no valid format version"),
    (("format_version",), "2", None, "no valid format version"),
    (("format_version",), True, None, "no valid format version"),
    (("format",), "neuralab-modle", None, "wrong format tag"),
    (("extra",), 1, "extra", "not a field"),
]


@pytest.mark.parametrize(
    ("keys", "value", "field", "problem"),
    METADATA_LIES,
    ids=[f"{'.'.join(map(str, k))}={v!r}"[:60] for k, v, _, _ in METADATA_LIES],
)
def test_a_metadata_lie_is_refused_naming_the_field(tmp_path, saved, keys, value, field, problem):
    path = tmp_path / "edited.nlab"
    rewrite(saved[0], path, edit=_set(*keys, value=value))
    if problem is None:
        nl.load(path)
        return
    with pytest.raises(ModelFileError) as caught:
        nl.load(path)
    message = str(caught.value)
    if field is not None:
        assert f"field '{field}'" in message
    assert problem in message
    assert "Traceback" not in message


def test_a_regression_file_with_more_outputs_or_classes_is_refused(tmp_path, saved_regressor):
    path = tmp_path / "edited.nlab"
    rewrite(saved_regressor[0], path, edit=_set("preprocessing", "classes", value=["x"]))
    with pytest.raises(ModelFileError, match=r"'preprocessing.classes'.*a regression model has no classes"):
        nl.load(path)
    rewrite(saved_regressor[0], path, edit=_set("preprocessing", "task", value="classification"))
    with pytest.raises(ModelFileError, match=r"'preprocessing.classes'.*at least two distinct classes"):
        nl.load(path)


def test_metadata_that_costs_unbounded_work_is_refused(tmp_path, saved):
    text = json.dumps(metadata_of(saved[0]))
    path = tmp_path / "edited.nlab"
    cases = {
        "nested more than 32 levels": text.replace('"notes": [', '"notes": ' + "[" * 100_000, 1),
        "an integer of 5000 digits": text.replace('"epochs": 3', '"epochs": ' + "9" * 5000, 1),
        "a number written with 401 characters": text.replace('"epochs": 3', '"epochs": 1.' + "0" * 399, 1),
        "the key 'loss' twice": text[:-1] + ', "loss": "mse"}',
        "unreadable metadata (not UTF-8": b"\xff\xfe" + text.encode(),
    }
    for problem, edited in cases.items():
        if isinstance(edited, bytes):
            from tests.model_files import metadata_bytes

            rewrite(saved[0], path, raw={"metadata": metadata_bytes(edited)})
        else:
            rewrite(saved[0], path, metadata_text=edited)
        with pytest.raises(ModelFileError, match=problem.split(" (")[0].replace("(", r"\(")):
            nl.load(path)


# -- arrays: shapes, dtypes, values, members ------------------------------------------------------
def test_array_lies_are_refused_naming_the_member(tmp_path, saved):
    path, model, _ = saved
    weights = model.network.layers[0].weights
    edited = tmp_path / "edited.nlab"
    cases = [
        (
            {"layer0.weights": weights[:, :5]},
            "the array layer0.weights has shape (4, 5); the architecture needs (4, 6)",
        ),
        ({"layer0.weights": weights.astype(np.float64)}, "layer0.weights has dtype '<f8'; expected float32"),
        ({"layer0.weights": np.where(weights > 0, np.nan, weights)}, "layer0.weights holds NaN or infinite"),
        (
            {"optimizer.layer0.weights.v": -np.ones_like(weights)},
            "optimizer.layer0.weights.v (a running average",
        ),
        ({"optimizer.iterations": np.array(-5)}, "optimizer.iterations is -5"),
        ({"optimizer.iterations": np.array(5.0)}, "optimizer.iterations has dtype '<f8'"),
        ({"layer1.weights": weights}, "member layer1.weights.npy, which its architecture does not use"),
        (
            {"optimizer.layer0.weights.momentum_buffer": weights},
            "optimizer.layer0.weights.momentum_buffer.npy",
        ),
    ]
    for arrays, problem in cases:
        rewrite(path, edited, arrays=arrays)
        with pytest.raises(ModelFileError, match=problem.replace("(", r"\(").replace(")", r"\)")):
            nl.load(edited)
    for member, problem in [
        ("layer2.biases", "lacks the archive member layer2.biases.npy"),
        (
            "optimizer.layer0.biases.m",
            "optimizer.layer0.biases.m.npy (optimizer state for every parameter or none)",
        ),
        ("optimizer.iterations", "lacks the archive member optimizer.iterations.npy"),
    ]:
        rewrite(path, edited, drop=(member,))
        with pytest.raises(ModelFileError, match=problem.replace("(", r"\(").replace(")", r"\)")):
            nl.load(edited)


def test_unknown_members_are_refused_without_being_read(tmp_path, saved, monkeypatch):
    edited = tmp_path / "edited.nlab"
    opened = []
    original_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(name if isinstance(name, str) else name.filename)
        return original_open(self, name, *args, **kwargs)

    for extra in ("payload.pkl", "../../evil.npy", "layer0.weights.npy/x.npy"):
        members = read_members(saved[0])
        with zipfile.ZipFile(edited, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
            archive.writestr(extra, b"\x80\x04cos\nsystem\n" + b"x" * 100)
        opened.clear()
        monkeypatch.setattr(zipfile.ZipFile, "open", spy)
        with pytest.raises(ModelFileError, match=f"holds an archive member {extra!r} that no neuralab model"):
            nl.load(edited)
        monkeypatch.undo()
        assert opened == []  # nothing was read, not even the metadata


def test_a_member_twice_is_refused(tmp_path, saved):
    edited = tmp_path / "edited.nlab"
    members = read_members(saved[0])
    with warnings.catch_warnings(), zipfile.ZipFile(edited, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate name
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr("layer0.biases.npy", members["layer0.biases.npy"])
    with pytest.raises(ModelFileError, match=r"holds the archive member 'layer0\.biases\.npy' twice"):
        nl.load(edited)


def test_compressed_and_damaged_archives_are_refused(tmp_path, saved):
    edited = tmp_path / "edited.nlab"
    rewrite(saved[0], edited, compression=zipfile.ZIP_DEFLATED)
    with pytest.raises(ModelFileError, match="is compressed; neuralab writes model files uncompressed"):
        nl.load(edited)
    data = bytearray(saved[0].read_bytes())
    position = data.find(b"layer0.weights.npy") + 200  # inside the weights' data
    data[position] ^= 0x10
    edited.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"truncated or damaged.*Bad CRC-32"):
        nl.load(edited)


def test_an_npy_header_is_parsed_strictly(tmp_path, saved):
    edited = tmp_path / "edited.nlab"
    members = read_members(saved[0])
    good = members["layer0.biases.npy"]
    for bad, problem in [
        (good.replace(b"'descr': '<f4'", b"'descr': 'O  '"), "unreadable array header"),
        (good.replace(b"'shape': (6,), }", b"'shape': (6), } "), "unreadable shape"),
        (good.replace(b"False", b"__import__('os')"[:5]), "unreadable array header"),
        (good.replace(b"'shape': (6,)", b"'shape': (7,)"), "shape (7,); the architecture needs (6,)"),
        (b"\x93NUMPY\x09\x00" + good[8:], "not a NumPy array file"),
    ]:
        rewrite(saved[0], edited, raw={"layer0.biases": bad})
        with pytest.raises(ModelFileError, match=problem.replace("(", r"\(").replace(")", r"\)")):
            nl.load(edited)


# -- bounded cost ------------------------------------------------------------------------------
def test_loading_a_small_model_peaks_within_a_small_multiple_of_its_size(saved):
    path = saved[0]
    nl.load(path)  # imports and caches warm
    tracemalloc.start()
    try:
        nl.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The arrays are read once, copied once, and the network builds its own: a few times the file.
    assert peak < 8 * path.stat().st_size + 64 * 1024, (peak, path.stat().st_size)


@pytest.mark.parametrize("units", [10**6, 10**12])
def test_declared_huge_layers_are_refused_before_any_allocation(tmp_path, saved, units):
    edited = tmp_path / "edited.nlab"

    def grow(metadata):
        metadata["architecture"]["layers"][0]["units"] = units
        metadata["architecture"]["layers"][1]["units"] = units
        metadata["architecture"]["layers"][2]["input_dim"] = units

    rewrite(saved[0], edited, edit=grow)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError) as caught:
            nl.load(edited)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024**2  # no array of the declared size was made
    expected = "shape (4, 6); the architecture needs (4, 1000000)" if units == 10**6 else "outside 1..1000000"
    assert expected in str(caught.value)


def test_a_member_whose_directory_size_disagrees_with_its_header_is_refused(tmp_path, saved):
    edited = tmp_path / "edited.nlab"
    members = read_members(saved[0])
    rewrite(saved[0], edited, raw={"layer0.biases": members["layer0.biases.npy"] + b"\0" * 8})
    with pytest.raises(ModelFileError, match="has 160 bytes, but its header announces 152"):
        nl.load(edited)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it():
    with pytest.raises(ModelFileError, match="/dev/zero is not a regular file"):
        nl.load("/dev/zero")


def test_too_many_members_are_refused_before_the_directory_is_parsed(tmp_path):
    path = tmp_path / "many.nlab"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(5000):
            archive.writestr(f"layer{number}.weights.npy", b"")
    with pytest.raises(
        ModelFileError, match="lists 5000 archive members; a neuralab model file has at most 4096"
    ):
        nl.load(path)
