"""neuralab.notebook.Playground on the kernel's side: it trains on the real engine (its frames
match a network trained with neuralab directly), answers the front end's messages through
ipywidgets' comm with the same dicts as the playground's HTTP API, takes arrays, DataFrames
and bundled sets, and refuses bad input by name. The front end is tested in Chromium
(test_notebook_widget_browser.py)."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("anywidget", reason="the notebook extra is not installed: pip install -e '.[test]'")

import neuralab as nl
from neuralab.notebook import Playground
from neuralab.optimizers import get_optimizer
from neuralab.playground.errors import PlaygroundInputError

SETUP = {"hidden": [(4, "tanh"), (3, "relu")], "learning_rate": 0.3, "n_samples": 120, "seed": 5}


def _request(widget: Playground, request: dict) -> dict:
    """Deliver ``request`` as the front end's model.send does (a comm message through ipywidgets)
    and return what the widget sent back through its comm."""
    sent: list[dict] = []
    widget.comm.publish_msg = lambda msg_type, data=None, **keys: sent.append(data)
    widget.comm.handle_msg({"content": {"data": {"method": "custom", "content": request}}, "buffers": []})
    assert len(sent) == 1 and sent[0]["method"] == "custom"
    return sent[0]["content"]


def _direct(epochs: int) -> tuple[nl.Sequential, list[float]]:
    """The same network and data as SETUP, trained with neuralab directly (one fit per epoch, as
    the playground does, so each epoch shuffles with its own seed)."""
    from neuralab.playground import toy_dataset

    data = toy_dataset("circles", n_samples=120, noise=0.1, test_fraction=0.3, seed=5)
    network = nl.Sequential([nl.Dense(4, "tanh"), nl.Dense(3, "relu"), nl.Dense(1, "sigmoid")])
    network.build(2, 5)
    optimizer = get_optimizer("sgd", 0.3)
    losses = [network.evaluate(data.X_train, data.y_train, "binary_cross_entropy")]
    for epoch in range(1, epochs + 1):
        network.fit(
            data.X_train,
            data.y_train,
            loss="binary_cross_entropy",
            optimizer=optimizer,
            epochs=epoch,
            initial_epoch=epoch - 1,
            batch_size=10,
            seed=(5 * 100_003 + epoch) % 2**32,
        )
        losses.append(network.evaluate(data.X_train, data.y_train, "binary_cross_entropy"))
    return network, losses


def test_the_widget_trains_on_the_real_engine_and_its_frames_match_neuralab_directly():
    widget = Playground("circles", **SETUP)
    assert widget.frame["epoch"] == 0
    answer = _request(widget, {"id": "v1:1", "action": "train", "body": {"epochs": 3}})
    assert answer["id"] == "v1:1"
    frame = answer["answer"]
    assert frame["epoch"] == 3 and widget.session.epoch == 3
    network, losses = _direct(3)
    for shown, layer in zip(frame["weights"], network.layers, strict=True):
        np.testing.assert_allclose(np.array(shown), layer.weights, rtol=1e-6, atol=1e-7)
    for shown, layer in zip(frame["biases"], network.layers, strict=True):
        np.testing.assert_allclose(np.array(shown), layer.biases, rtol=1e-6, atol=1e-7)
    assert frame["losses"]["start"] == 1
    np.testing.assert_allclose(frame["losses"]["train"], losses[1:], rtol=1e-6)
    # The view drew the answer; the synced state still holds the frame Python last set.
    assert widget.get_state()["_frame"]["epoch"] == 0 and widget.frame["epoch"] == 3
    # Training from Python moves the same session on, and the synced frame follows for the view.
    assert widget.train(2)["epoch"] == 5
    assert widget.get_state()["_frame"] == widget.frame
    assert widget.frame["epoch"] == 5 and widget.frame["data"]["name"] == "circles"
    assert len(widget.frame["losses"]["train"]) == 6  # epochs 0..5


def test_the_widget_answers_with_the_same_dicts_as_the_http_api():
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from neuralab.playground.app import create_app

    client = TestClient(create_app())
    config = {"dataset": "xor", "n_samples": 100, "seed": 2, "learning_rate": 0.5,
              "hidden": [{"units": 5, "activation": "tanh"}]}  # fmt: skip
    created = client.post("/api/sessions", json=config).json()
    session = created["session"]
    widget = Playground("xor", n_samples=100, seed=2, learning_rate=0.5, hidden=[(5, "tanh")])

    def same(http: dict, kernel: dict) -> None:
        for answer in (http, kernel):
            answer.pop("train_seconds", None)
            answer.pop("session", None)
            answer.get("frame", {}).pop("session", None)
        assert http == kernel

    same(created, _request(widget, {"id": 1, "action": "show", "body": {}})["answer"])
    http = client.post(f"/api/sessions/{session}/train", json={"epochs": 4}).json()
    same(http, _request(widget, {"id": 2, "action": "train", "body": {"epochs": 4}})["answer"])
    http = client.get(f"/api/sessions/{session}/explain?sample=7").json()
    same(http, _request(widget, {"id": 3, "action": "explain", "body": {"sample": 7}})["answer"])
    http = client.post(f"/api/sessions/{session}/apply", json={"sample": 7}).json()
    same(http, _request(widget, {"id": 4, "action": "apply_step", "body": {"sample": 7}})["answer"])
    http = client.patch(f"/api/sessions/{session}", json={"learning_rate": 0.05}).json()
    same(
        http,
        _request(widget, {"id": 5, "action": "set_learning_rate", "body": {"learning_rate": 0.05}})["answer"],
    )
    http = client.post(f"/api/sessions/{session}/reset").json()
    same(http, _request(widget, {"id": 6, "action": "reset", "body": {}})["answer"])


def test_bad_requests_are_answered_with_the_pages_messages_never_raised():
    widget = Playground("xor", n_samples=100, seed=2)
    answer = _request(widget, {"id": 9, "action": "train", "body": {"epochs": 0}})
    assert answer == {"id": 9, "error": "`epochs` must be a whole number from 1 to 1000. Got 0.", "fix": None}
    answer = _request(widget, {"id": 10, "action": "explain", "body": {"sample": 70}})
    assert answer["error"] == (
        "`sample` must be a training-sample index from 0 to 69 (the training set has 70 samples). Got 70."
    )
    answer = _request(widget, {"id": 11, "action": "fly", "body": {}})
    assert answer["error"].startswith("Unknown action 'fly'. Choose one of: show, train,")
    assert _request(widget, ["not", "a", "request"])["error"] == (
        'A request is {"id": n, "action": name, "body": {...}}.'
    )
    assert widget.session.epoch == 0


def test_a_given_network_is_trained_in_place():
    network = nl.Sequential([nl.Dense(6, "tanh"), nl.Dense(3, "softmax")])
    widget = Playground("three_blobs", network=network, n_samples=90, seed=1)
    assert widget.network is network
    before = network.layers[0].weights.copy()
    widget.train(3)
    assert not np.allclose(before, network.layers[0].weights)
    np.testing.assert_allclose(np.array(widget.frame["weights"][0]), network.layers[0].weights, rtol=1e-6)
    widget.reset()
    np.testing.assert_array_equal(network.layers[0].weights, before)


def test_arrays_dataframes_and_bundled_sets_are_accepted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    y = np.where(X[:, 0] + X[:, 2] > 0, "yes", "no")
    widget = Playground(X, y, hidden=[4], seed=1)
    assert widget.frame["data"]["task"] == "binary"
    assert widget.frame["data"]["classes"] == ["no", "yes"]
    assert widget.frame["network"]["sizes"] == [3, 4, 1]
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(label=y, note="text")
    widget = Playground(frame, target="label", x_feature="c", y_feature="a", hidden=[4])
    assert widget.frame["data"]["plane"] == ["c", "a"]
    assert widget.frame["data"]["features"] == ["a", "b", "c"]  # the numeric columns but the target
    widget = Playground("iris", hidden=[(5, "tanh")], batch_size=None)
    assert widget.frame["data"]["task"] == "multiclass" and len(widget.frame["data"]["classes"]) == 3
    assert widget.train(2)["epoch"] == 2
    regression = Playground(X, X[:, 0] * 2.5 - X[:, 1], hidden=[3])
    assert regression.frame["network"]["loss"] == "mse"


@pytest.mark.parametrize(
    ("args", "settings", "message"),
    [
        (("nope",), {}, "Unknown data set 'nope'. Choose a toy set (circles, xor,"),
        (("circles",), {"learning_rate": -1}, "`learning_rate` must be > 0 and <= 1000. Got -1."),
        (("circles",), {"hidden": [(17, "relu")]}, "`units` must be between 1 and 16. Got 17."),
        (("circles",), {"speed": 3}, "Unknown setting(s): speed."),
        (
            ("circles",),
            {"batch_size": 400},
            "`batch_size` 400 is larger than the 350 training samples. Set the batch size to 350 or less",
        ),
        (
            ("circles",),
            {"target": "y"},
            "`target` applies to a table's data; the toy set 'circles' has its own.",
        ),
        ((np.zeros((50, 2)),), {}, "Arrays need their targets: Playground(X, y)."),
        (
            (np.zeros((5, 2)), np.zeros(5)),
            {},
            "The data has 5 rows; the playground needs between 10 and 5,000.",
        ),
        ((np.zeros((50, 2)), np.zeros(50)), {"noise": 0.2}, "noise: only for a generated toy set"),
        (
            (np.c_[np.zeros(50), np.r_[np.nan, np.ones(49)]], np.arange(50) % 2),
            {},
            "Column 'x1' has 1 missing value(s) (NaN or empty)",
        ),
        (
            ("circles",),
            {"network": nl.Sequential([nl.Dense(3, "relu"), nl.Dense(2, "softmax")])},
            "The network's output layer is Dense(2, 'softmax'); for the two classes of this data the "
            "playground trains Dense(1, 'sigmoid') with binary_cross_entropy.",
        ),
        (
            ("circles",),
            {"network": nl.Sequential([nl.Dense(3, "relu", input_dim=5), nl.Dense(1, "sigmoid")])},
            "The network takes 5 inputs but the data has 2 features (x1, x2).",
        ),
    ],
)
def test_bad_input_is_refused_with_the_problem_and_a_fix(args, settings, message):
    with pytest.raises(PlaygroundInputError) as error:
        Playground(*args, **settings)
    assert message in str(error.value)


def test_the_package_imports_without_anywidget():
    """``import neuralab.notebook`` must not need the notebook extra; Playground says what to install."""
    code = (
        "import sys; sys.modules['anywidget'] = None\n"  # an import of it now raises ImportError
        "import neuralab.notebook\n"
        "try:\n    neuralab.notebook.Playground\nexcept ImportError as e:\n    print(e)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == (
        "neuralab.notebook.Playground needs anywidget and ipywidgets: pip install 'neuralab[notebook]'"
    )


def test_the_widget_displays_in_a_headless_kernel(tmp_path):
    """In a kernel with no front end (nbclient, as CI runs the examples) the widget is a display
    of its own: the widget-view output a notebook front end renders, and its text."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    code = (
        "from neuralab.notebook import Playground\n"
        "playground = Playground('xor', hidden=[2], n_samples=60, seed=1)\n"
        "playground.train(2)\n"
        "playground"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = notebook.cells[0].outputs
    assert [output.output_type for output in outputs] == ["execute_result"]
    view = outputs[0].data["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] and view["version_major"] == 2
    same = Playground("xor", hidden=[2], n_samples=60, seed=1)
    same.train(2)  # the same seeded training in this process: the kernel's text names its state
    assert outputs[0].data["text/plain"] == repr(same)
    assert repr(same).startswith("Playground('xor': 2-2-1 network (relu, sigmoid), epoch 2, training loss ")
