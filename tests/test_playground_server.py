"""The playground server through Starlette's TestClient: every endpoint, and each bad input
answered with a 4xx status and a message that names the problem."""

from __future__ import annotations

import base64
import json
import re
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the playground extra is not installed: pip install -e '.[test]'")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx: pip install -e '.[test]'")

with warnings.catch_warnings():  # starlette 1.x deprecates httpx for its TestClient
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from typer.testing import CliRunner

import neuralab as nl
from neuralab.cli import app as cli_app
from neuralab.playground import SessionStore, toy_dataset
from neuralab.playground.app import create_app
from neuralab.playground.datasets import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # starlette on httpx


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def client(clock):
    return TestClient(create_app(SessionStore(max_sessions=3, idle_seconds=60, clock=clock)))


def _create(client, **config):
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 201, response.text
    return response.json()


def _events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


# -- pages and options ---------------------------------------------------------------------------
def test_page_and_static_files_are_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '<script type="module" src="/static/main.js">' in page.text
    # Every ES module the page imports, followed from main.js, is served as JavaScript.
    modules, seen = ["main.js"], set()
    while modules:
        name = modules.pop()
        if name in seen:
            continue
        seen.add(name)
        answer = client.get(f"/static/{name}")
        assert answer.status_code == 200 and "javascript" in answer.headers["content-type"], name
        modules += re.findall(r'from "\./([a-z_]+\.js)"', answer.text)
    assert {"main.js", "api.js", "state.js", "charts.js", "controls.js"} <= seen
    assert client.get("/static/style.css").status_code == 200
    for name in ("index.html", "style.css", *seen):  # nothing fetched from the internet
        # The SVG namespace is a name, not an address: nothing is fetched from it.
        text = client.get(f"/static/{name}").text.replace('"http://www.w3.org/2000/svg"', "SVG_NAMESPACE")
        assert "http://" not in text and "https://" not in text, name
    assert client.get("/static/missing.js").status_code == 404


def test_the_views_import_nothing_from_the_page(client):
    """views.js and what it imports are usable by a second front end (a notebook widget): none of
    them reaches the page's own modules (its state, fields, link, wiring) or the HTTP client."""
    page_only = {"main.js", "state.js", "controls.js", "link.js", "validation.js", "messages.js", "api.js"}
    modules, seen = ["views.js"], set()
    while modules:
        name = modules.pop()
        if name not in seen:
            seen.add(name)
            modules += re.findall(r'from "\./([a-z_]+\.js)"', client.get(f"/static/{name}").text)
    assert {"network_view.js", "plane_view.js", "loss_view.js", "gradient_view.js", "explain_view.js"} <= seen
    assert not seen & page_only, seen & page_only


def test_options_list_the_seven_activations_and_the_bounds(client):
    options = client.get("/api/options").json()
    assert options["activations"] == [
        "sigmoid",
        "tanh",
        "relu",
        "softmax",
        "binary_step",
        "linear",
        "leaky_relu",
    ]
    assert options["datasets"] == [
        "circles",
        "xor",
        "spirals",
        "blobs",
        "three_blobs",
        "spirals3",
        "plane",
        "upload",
    ]
    assert options["limits"]["max_hidden_layers"] == 6


# -- sessions and training -----------------------------------------------------------------------
def test_create_returns_the_network_the_data_and_a_first_frame(client):
    frame = _create(client, hidden=[{"units": 4, "activation": "tanh"}], n_samples=100, test_fraction=0.2)
    assert frame["network"]["sizes"] == [2, 4, 1]
    assert frame["network"]["parameters"] == 2 * 4 + 4 + 4 + 1
    assert frame["network"]["loss"] == "binary_cross_entropy"
    assert len(frame["data"]["train"]) == 80 and len(frame["data"]["test"]) == 20
    assert frame["epoch"] == 0
    assert len(frame["losses"]["train"]) == 1  # the loss before training
    assert len(frame["boundary"]["values"]) == frame["boundary"]["size"] ** 2
    assert [len(layer) for layer in frame["units"]] == [2, 4, 1]  # inputs, hidden, output
    assert [np.shape(w) for w in frame["weights"]] == [(2, 4), (4, 1)]  # in x out
    assert [len(b) for b in frame["biases"]] == [4, 1]
    assert [np.shape(g) for g in frame["weight_gradients"]] == [(2, 4), (4, 1)]
    assert frame["diagnosis"]["status"] == "healthy"


def test_the_data_points_are_the_seeded_toy_set(client):
    frame = _create(client, dataset="xor", n_samples=60, noise=0.2, seed=7)
    data = toy_dataset("xor", n_samples=60, noise=0.2, seed=7)
    np.testing.assert_allclose(np.array(frame["data"]["train"])[:, :2], data.X_train, atol=1e-4)
    np.testing.assert_array_equal(np.array(frame["data"]["train"])[:, 2], data.y_train)


def test_training_lowers_the_loss_and_reset_restores_the_initial_weights(client):
    first = _create(client, learning_rate=0.3, seed=3)
    session = first["session"]
    trained = client.post(f"/api/sessions/{session}/train", json={"epochs": 15}).json()
    assert trained["epoch"] == 15
    assert trained["losses"]["start"] == 1 and len(trained["losses"]["train"]) == 15
    assert trained["losses"]["train"][-1] < 0.5 * first["losses"]["train"][0]
    assert trained["boundary"]["values"] != first["boundary"]["values"]
    reset = client.post(f"/api/sessions/{session}/reset").json()
    assert reset["epoch"] == 0
    assert reset["losses"]["train"] == first["losses"]["train"]
    assert reset["boundary"]["values"] == first["boundary"]["values"]
    again = client.post(f"/api/sessions/{session}/train", json={"epochs": 15}).json()
    assert again["losses"]["train"] == trained["losses"]["train"]  # seeded: the same 15 epochs
    shown = client.get(f"/api/sessions/{session}").json()
    assert shown["epoch"] == 15 and len(shown["losses"]["train"]) == 16


def test_stream_sends_one_frame_per_epoch_then_done(client):
    session = _create(client, n_samples=100)["session"]
    response = client.get(f"/api/sessions/{session}/stream?epochs=4&per_frame=2")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    assert [name for name, _ in events] == ["frame", "frame", "done"]
    assert [data["epoch"] for name, data in events if name == "frame"] == [2, 4]
    assert events[1][1]["losses"]["start"] == 3
    assert events[-1][1] == {"epoch": 4}


def test_delete_closes_the_session(client):
    session = _create(client)["session"]
    assert client.delete(f"/api/sessions/{session}").status_code == 200
    assert client.get(f"/api/sessions/{session}").status_code == 404
    assert client.delete(f"/api/sessions/{session}").status_code == 404


def test_explain_traces_one_sample_through_every_layer(client):
    frame = _create(client, hidden=[{"units": 3, "activation": "sigmoid"}], n_samples=50)
    step = client.get(f"/api/sessions/{frame['session']}/explain?sample=5").json()
    assert step["inputs"] == frame["data"]["train"][5][:2]
    assert [layer["activation"] for layer in step["layers"]] == ["sigmoid", "sigmoid"]
    hidden = step["layers"][0]
    # sigmoid: f'(z) = a (1 - a), and the chain rule dE/dz = dE/da * f'(z)
    a = np.array(hidden["a"])
    np.testing.assert_allclose(hidden["derivative"], a * (1 - a), atol=2e-4)
    np.testing.assert_allclose(
        hidden["grad_z"], np.array(hidden["grad_a"]) * np.array(hidden["derivative"]), atol=2e-4
    )
    output = step["layers"][1]  # BCE with sigmoid: dE/dz = p - y for one sample
    assert output["grad_z"][0] == pytest.approx(step["output"][0] - step["target"][0], abs=2e-4)


def test_explain_sends_gradients_at_full_precision():
    """A vanishing dE/dz of 1e-5 must not be rounded to 0.0000: the values equal an independent trace."""
    from neuralab.trace import trace

    store = SessionStore(max_sessions=1)
    session = store.create({"hidden": [{"units": 8, "activation": "sigmoid"}] * 5, "n_samples": 100})
    step = TestClient(create_app(store)).get(f"/api/sessions/{session.id}/explain?sample=2").json()
    data = session.dataset
    expected = trace(
        session.network,
        data.X_train[2:3],
        data.y_train[2:3],
        loss=session.loss,
        learning_rate=session.config.learning_rate,
    )
    for sent, layer in zip(step["layers"], expected.layers, strict=True):
        assert sent["grad_z"] == np.asarray(layer.grad_z[0], dtype=np.float64).tolist()
        assert sent["grad_a"] == np.asarray(layer.grad_a[0], dtype=np.float64).tolist()
    first = np.abs(step["layers"][0]["grad_z"])
    assert (first > 0).all() and (first < 5e-5).any()  # 4 decimals would have shown these as 0


def test_explain_names_the_training_set_size_for_a_bad_sample(client):
    frame = _create(client, n_samples=50, test_fraction=0.2)
    for sample in (40, 5000, -1):
        response = client.get(f"/api/sessions/{frame['session']}/explain?sample={sample}")
        assert response.status_code == 400
        assert "from 0 to 39 (the training set has 40 samples)" in response.json()["error"]


def test_all_zero_gradients_read_as_no_gradient_flow_not_healthy():
    store = SessionStore(max_sessions=1)
    session = store.create({"hidden": [{"units": 4, "activation": "relu"}] * 2, "n_samples": 60})
    weights = session.network.get_weights()
    dead = [
        np.zeros_like(w) if i < 4 and i % 2 == 0 else np.full_like(w, -1.0) if i < 4 else w
        for i, w in enumerate(weights)
    ]  # every hidden z = -1: relu outputs 0, relu'(z) = 0
    session.network.set_weights(dead)
    session.train(1)
    frame = session.frame()
    assert frame["gradient_norms"] == [0.0, 0.0, 0.0]
    assert frame["diagnosis"]["status"] == "no_gradient"
    assert "No gradient flows (dead units)" in frame["diagnosis"]["advice"]
    assert "Gradients reach every layer" not in frame["diagnosis"]["advice"]


def test_regression_plane_uses_a_linear_output_and_mse(client):
    frame = _create(client, dataset="plane", n_samples=80)
    assert frame["network"]["loss"] == "mse"
    assert frame["network"]["activations"][-1] == "linear"
    assert frame["data"]["task"] == "regression"


# -- the lessons: divergence, vanishing gradients, binary_step -----------------------------------
def test_huge_learning_rate_stops_with_a_message_naming_it(client):
    session = _create(client, learning_rate=100, n_samples=200)["session"]
    frame = client.post(f"/api/sessions/{session}/train", json={"epochs": 5}).json()
    assert frame["epoch"] < 5  # stopped at the epoch that diverged
    assert "diverged" in frame["divergence"] and "learning rate 100" in frame["divergence"]
    assert "e.g. 10" in frame["divergence"]
    blocked = client.post(f"/api/sessions/{session}/train", json={"epochs": 1})
    assert blocked.status_code == 409 and "Reset" in blocked.json()["error"]
    events = _events(client.get(f"/api/sessions/{session}/stream?epochs=3").text)
    assert [name for name, _ in events] == ["problem", "done"]
    assert client.post(f"/api/sessions/{session}/reset").json()["divergence"] is None


def test_learning_rate_changes_mid_run_and_lifts_a_divergence_block(client):
    session = _create(client, learning_rate=0.3, n_samples=200, seed=1)["session"]
    trained = client.post(f"/api/sessions/{session}/train", json={"epochs": 3}).json()
    changed = client.patch(f"/api/sessions/{session}", json={"learning_rate": 100})
    assert changed.status_code == 200
    frame = changed.json()
    assert frame["epoch"] == trained["epoch"] == 3  # same weights, same epoch: only the rate moved
    assert frame["learning_rate"] == 100
    diverged = client.post(f"/api/sessions/{session}/train", json={"epochs": 5}).json()
    assert "learning rate 100" in diverged["divergence"]
    assert client.post(f"/api/sessions/{session}/train", json={"epochs": 1}).status_code == 409
    assert diverged["can_train"] is False
    lowered = client.patch(f"/api/sessions/{session}", json={"learning_rate": 0.1}).json()
    # The message (why the last run stopped) stays until an epoch trains; training may go on.
    assert lowered["divergence"] == diverged["divergence"] and lowered["can_train"] is True
    went_on = client.post(f"/api/sessions/{session}/train", json={"epochs": 2}).json()
    assert went_on["epoch"] == diverged["epoch"] + 2 and went_on["divergence"] is None
    # Reset keeps the new rate: a fresh optimizer from the current settings.
    assert client.post(f"/api/sessions/{session}/reset").json()["learning_rate"] == 0.1


@pytest.mark.parametrize(
    "body",
    [
        {"learning_rate": 0},
        {"learning_rate": -1},
        {"learning_rate": "fast"},
        {"learning_rate": 1e9},
        {"learning_rate": 0.1, "seed": 2},
        {},
        [0.1],
    ],
)
def test_bad_learning_rate_change_is_a_400(client, body):
    session = _create(client, n_samples=100)["session"]
    response = client.patch(f"/api/sessions/{session}", json=body)
    assert response.status_code == 400
    assert "learning_rate" in response.json()["error"]
    assert client.patch("/api/sessions/nope", json={"learning_rate": 0.1}).status_code == 404


def test_regression_divergence_comes_from_the_engine_rule(client):
    session = _create(client, dataset="plane", learning_rate=1000, optimizer="gd", batch_size=None)["session"]
    frame = client.post(f"/api/sessions/{session}/train", json={"epochs": 3}).json()
    assert "learning rate 1000" in frame["divergence"]


def test_deep_sigmoid_network_reports_vanishing_gradients(client):
    frame = _create(client, hidden=[{"units": 8, "activation": "sigmoid"}] * 5)
    assert frame["diagnosis"]["status"] == "vanishing"
    assert frame["diagnosis"]["layer"] == 1
    assert "Use relu or leaky_relu" in frame["diagnosis"]["advice"]
    norms = frame["gradient_norms"]
    assert norms[0] < 1e-3 * norms[-1]


def test_binary_step_network_explains_why_it_cannot_train(client):
    frame = _create(client, hidden=[{"units": 4, "activation": "binary_step"}])
    assert "no gradient flows back" in frame["not_trainable"]
    response = client.post(f"/api/sessions/{frame['session']}/train", json={"epochs": 1})
    assert response.status_code == 409 and "binary_step" in response.json()["error"]
    assert client.get(f"/api/sessions/{frame['session']}/explain").status_code == 409


# -- bad inputs ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"learning_rate": 0}, "`learning_rate` must be > 0"),
        ({"learning_rate": -1}, "`learning_rate` must be > 0"),
        ({"learning_rate": 1e9}, "<= 1000"),
        ({"learning_rate": "fast"}, "`learning_rate` must be a finite number. Got 'fast'"),
        ({"noise": 10**400}, "`noise` must be a finite number"),
        ({"hidden": [{"activation": "relu"}]}, "`units` is required: a whole number between 1 and 16"),
        ({"dataset": None}, "`dataset` must be one of: circles"),
        ({"optimizer": None}, "`optimizer` must be one of: "),
        ({"hidden": [{"units": 4, "activation": None}]}, "`activation` must be one of: "),
        ({"dataset": "xor", "target": "y"}, "`target` only apply to an uploaded data set"),
        ({"hidden": [{"units": 0, "activation": "relu"}]}, "`units` must be between 1 and 16"),
        ({"hidden": [{"units": 17, "activation": "relu"}]}, "`units` must be between 1 and 16"),
        ({"hidden": [{"units": 4, "activation": "relu"}] * 7}, "At most 6 hidden layers"),
        (
            {"hidden": [{"units": 4, "activation": "swish"}]},
            "Unknown activation 'swish'. Choose one of: sigmoid",
        ),
        ({"hidden": "8,8"}, "`hidden` must be a list"),
        ({"n_samples": 5}, "`n_samples` must be between 20 and 2000"),
        ({"n_samples": 10_000}, "`n_samples` must be between 20 and 2000"),
        ({"noise": 2}, "`noise` must be >= 0 and <= 0.5"),
        ({"test_fraction": 0.95}, "`test_fraction`"),
        ({"batch_size": 0}, "`batch_size` must be between 1"),
        (
            {"batch_size": 1000, "n_samples": 100},
            "larger than the 70 training samples. Set the batch size to 70",
        ),
        ({"optimizer": "lbfgs"}, "Unknown optimizer 'lbfgs'"),
        ({"dataset": "moons"}, "Unknown dataset 'moons'"),
        ({"l2": 5}, "`l2` must be >= 0 and <= 1"),
        ({"seed": -1}, "`seed` must be between 0"),
        ({"seed": True}, "`seed` must be a whole number"),
        ({"learning_rte": 0.1}, "Unknown setting(s): learning_rte"),
        ({"dataset": "upload"}, "needs `upload_id`"),
    ],
)
def test_bad_configurations_are_refused_with_a_message(client, config, words):
    response = client.post("/api/sessions", json=config)
    assert response.status_code == 400
    assert words in response.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"seed": ' + b"1" * 5000 + b"}",  # over Python's 4300-digit limit for int()
        b"[" * 20_000 + b"]" * 20_000,  # nests deeper than the JSON parser's recursion limit
        b'{"learning_rate": ' + b"9" * 400 + b"}",
    ],
)
def test_pathological_json_bodies_are_400s_not_500s(client, body):
    response = client.post("/api/sessions", content=body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_form_with_two_files_is_a_json_400(client):
    files = [("file", ("a.csv", _csv(), "text/csv")), ("file", ("b.csv", _csv(), "text/csv"))]
    response = client.post("/api/uploads", files=files)
    assert response.status_code == 400
    assert 'one CSV file in the field "file"' in response.json()["error"]


def test_drawing_a_frame_takes_the_sessions_lock():
    """frame() runs the layers forward on the drawing grid; without the lock it overwrote the
    caches of a training step running in another request's thread (ShapeError mid-backprop)."""
    store = SessionStore(max_sessions=1)
    session = store.create({"n_samples": 50})

    class CountingLock:
        def __init__(self):
            self.lock, self.entered = session.lock, 0

        def __enter__(self):
            self.entered += 1
            return self.lock.__enter__()

        def __exit__(self, *exc):
            return self.lock.__exit__(*exc)

    session.lock = counting = CountingLock()
    session.frame(include_data=True)
    assert counting.entered == 1


def test_deleting_a_session_stops_its_stream():
    store = SessionStore(max_sessions=1)
    session = store.create({"n_samples": 50})
    token = session.stream_token
    store.delete(session.id)
    assert session.stream_token != token  # the stream loop ends when its token is stale


def test_bad_bodies_and_queries(client):
    assert client.post("/api/sessions", content=b"{not json").status_code == 400
    assert "JSON object" in client.post("/api/sessions", json=[1, 2]).json()["error"]
    session = _create(client, n_samples=50)["session"]
    for body in ({"epochs": 0}, {"epochs": 5000}, {"epochs": "ten"}, {"steps": 3}):
        response = client.post(f"/api/sessions/{session}/train", json=body)
        assert response.status_code == 400, body
    assert client.get(f"/api/sessions/{session}/stream?epochs=abc").status_code == 400
    assert client.get(f"/api/sessions/{session}/stream?epochs=1&per_frame=0").status_code == 400
    assert (
        "training-sample index from 0 to 34"
        in client.get(f"/api/sessions/{session}/explain?sample=35").json()["error"]
    )
    for path in ("", "/train", "/reset"):
        method = client.get if path == "" else client.post
        assert method(f"/api/sessions/nope{path}").status_code == 404
    assert client.get("/api/sessions/nope/stream").status_code == 404


def test_raising_the_rate_after_a_divergence_keeps_the_message_until_it_trains(client):
    session = _create(client, learning_rate=100, n_samples=200)["session"]
    diverged = client.post(f"/api/sessions/{session}/train", json={"epochs": 5}).json()
    raised = client.patch(f"/api/sessions/{session}", json={"learning_rate": 200}).json()
    assert raised["divergence"] == diverged["divergence"]  # not silently cleared
    again = client.post(f"/api/sessions/{session}/train", json={"epochs": 3}).json()
    assert again["epoch"] == diverged["epoch"] + 1  # the next epoch diverges again, and stops
    assert "learning rate 200" in again["divergence"] and again["can_train"] is False


def test_a_full_store_closes_the_least_recently_used_session_not_in_use(client, clock):
    first, second, third = (_create(client, n_samples=40)["session"] for _ in range(3))
    clock.now = 40.0  # all three unused for over 30 s: none is in use
    assert client.get(f"/api/sessions/{first}").status_code == 200  # first is used again: second is LRU
    clock.now = 41.0
    fourth = _create(client, n_samples=40)["session"]
    assert client.get(f"/api/sessions/{second}").status_code == 404
    assert "Reload the page" in client.get(f"/api/sessions/{second}").json()["error"]
    for session in (first, third, fourth):
        assert client.get(f"/api/sessions/{session}").status_code == 200


def test_a_session_between_two_requests_of_play_is_never_closed_for_a_newcomer(client, clock):
    ids = [_create(client, n_samples=40)["session"] for _ in range(3)]
    for step in range(1, 4):  # all three play: a request every few seconds, none training right now
        clock.now = 5.0 * step
        for session in ids:
            assert client.post(f"/api/sessions/{session}/train", json={"epochs": 1}).status_code == 200
    clock.now = 20.0
    refused = client.post("/api/sessions", json={"n_samples": 40})
    assert refused.status_code == 429
    # The least recently used was asked at 15.0: in use until 45.0, 25 s from now.
    assert refused.headers["Retry-After"] == "25"
    assert refused.json()["error"] == (
        "The playground already has 3 sessions in use (its limit), each trained or used in the last 30 s. "
        "Try again in 25 s, or pause or close another playground tab."
    )
    assert all(client.get(f"/api/sessions/{i}").status_code == 200 for i in ids)
    clock.now = 46.0  # ids[...] last asked by the GETs at 20.0: in use until 50.0
    assert client.post("/api/sessions", json={"n_samples": 40}).headers["Retry-After"] == "4"
    clock.now = 50.5  # now the least recently used is idle: it makes room
    assert client.post("/api/sessions", json={"n_samples": 40}).status_code == 201
    assert [client.get(f"/api/sessions/{i}").status_code for i in ids].count(404) == 1


def test_a_full_store_of_sessions_all_training_refuses_with_a_message():
    clock = FakeClock()
    store = SessionStore(max_sessions=2, clock=clock)
    sessions = [store.create({"n_samples": 40}) for _ in range(2)]
    for session in sessions:
        session.training = True  # as if each were inside train() in a worker thread
    clock.now = 1000.0  # long unused, but training: still in use
    app = TestClient(create_app(store))
    refused = app.post("/api/sessions", json={"n_samples": 40})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "already has 2 sessions in use" in refused.json()["error"]
    sessions[0].training = False
    assert app.post("/api/sessions", json={"n_samples": 40}).status_code == 201
    assert sessions[0].id not in store.sessions and sessions[1].id in store.sessions


def test_too_many_idle_sessions_are_freed_first(client, clock):
    ids = [_create(client, n_samples=40)["session"] for _ in range(3)]
    clock.now = 30.0
    client.get(f"/api/sessions/{ids[2]}")
    clock.now = 61.0  # ids[0] and ids[1] unused for over a minute: both freed, ids[2] kept
    _create(client, n_samples=40)
    assert [client.get(f"/api/sessions/{i}").status_code for i in ids] == [404, 404, 200]


# -- uploads -------------------------------------------------------------------------------------
def _csv(rows: int = 40) -> bytes:
    rng = np.random.default_rng(0)
    lines = ["height,width,depth,kind"]
    for _ in range(rows):
        h, w, d = rng.normal(size=3)
        lines.append(f"{h:.3f},{w:.3f},{d:.3f},{'big' if h + w > 0 else 'small'}")
    return ("\n".join(lines) + "\n").encode()


def test_upload_then_train_on_two_drawn_features(client):
    uploaded = client.post("/api/uploads", files={"file": ("shapes.csv", _csv(), "text/csv")})
    assert uploaded.status_code == 201
    info = uploaded.json()
    assert info["rows"] == 40 and info["numeric"] == ["height", "width", "depth"]
    frame = _create(
        client,
        dataset="upload",
        upload_id=info["upload_id"],
        target="kind",
        x_feature="width",
        y_feature="height",
        batch_size=8,
    )
    assert frame["data"]["classes"] == ["big", "small"]
    assert frame["data"]["plane"] == ["width", "height"]
    assert frame["network"]["sizes"] == [3, 8, 8, 1]
    assert "depth held at their training means" in frame["data"]["notes"][0]
    trained = client.post(f"/api/sessions/{frame['session']}/train", json={"epochs": 3}).json()
    assert trained["epoch"] == 3


def test_upload_with_several_classes_uses_softmax(client):
    lines = ["a,b,label"] + [f"{i % 7},{(i * 3) % 5},{'xyz'[i % 3]}" for i in range(30)]
    info = client.post("/api/uploads", files={"file": ("three.csv", "\n".join(lines).encode())}).json()
    frame = _create(
        client, dataset="upload", upload_id=info["upload_id"], target="label", x_feature="a", y_feature="b"
    )
    assert frame["network"]["activations"][-1] == "softmax" and frame["network"]["sizes"][-1] == 3
    assert set(frame["boundary"]) >= {"values", "confidence"}


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("big.csv", b"a,b\n" + b"1,2\n" * (MAX_UPLOAD_BYTES // 4 + 10), 413, "accepts CSV files up to"),
        ("data.xlsx", b"a,b\n1,2\n", 415, "is not a .csv file"),
        ("latin.csv", "a,b,c\n1,2,\xe9\n".encode("latin-1"), 415, "is not UTF-8"),
        ("text.csv", b"a,b,c\nx,y,z\n" * 20, 400, "numeric column"),
        ("short.csv", b"a,b,c\n1,2,3\n", 400, "between 10 and"),
        ("empty.csv", b"", 400, ""),
    ],
)
def test_bad_uploads_are_refused_and_the_server_keeps_working(client, name, content, status, words):
    response = client.post("/api/uploads", files={"file": (name, content, "text/csv")})
    assert response.status_code == status, response.text
    assert words in response.json()["error"]
    assert client.get("/api/options").status_code == 200


def test_upload_needs_a_multipart_file(client):
    assert (
        client.post("/api/uploads", content=b"a,b\n1,2\n", headers={"content-type": "text/csv"}).status_code
        == 415
    )
    assert client.post("/api/uploads", data={"other": "x"}).status_code in (400, 415)


def test_unknown_upload_and_column_choices(client):
    missing = client.post(
        "/api/sessions",
        json={"dataset": "upload", "upload_id": "nope", "target": "kind", "x_feature": "a", "y_feature": "b"},
    )
    assert missing.status_code == 404
    info = client.post("/api/uploads", files={"file": ("shapes.csv", _csv())}).json()
    base = {"dataset": "upload", "upload_id": info["upload_id"], "target": "kind"}
    cases = (
        (("width", "width"), "two different columns"),
        (("width", "kind"), "must be one of"),
        (("width", "colour"), "must be one of"),
    )
    for (x_feature, y_feature), words in cases:
        response = client.post("/api/sessions", json={**base, "x_feature": x_feature, "y_feature": y_feature})
        assert response.status_code == 400 and words in response.json()["error"]
    bad_target = client.post(
        "/api/sessions", json={**base, "target": "mass", "x_feature": "width", "y_feature": "height"}
    )
    assert bad_target.status_code == 400 and "no column 'mass'" in bad_target.json()["error"]


def test_a_batch_larger_than_a_small_upload_names_the_batch_size_that_works(client):
    info = client.post("/api/uploads", files={"file": ("small.csv", _csv(rows=12))}).json()
    response = client.post(
        "/api/sessions",
        json={
            "dataset": "upload",
            "upload_id": info["upload_id"],
            "target": "kind",
            "x_feature": "width",
            "y_feature": "height",
            "batch_size": 10,
        },
    )
    assert response.status_code == 400
    body = response.json()
    n_train = 12 - round(12 * 0.3)  # the default test share holds out 4 of the 12 rows
    assert f"`batch_size` 10 is larger than the {n_train} training samples" in body["error"]
    assert body["fix"] == {"batch_size": n_train}
    fixed = _create(
        client,
        dataset="upload",
        upload_id=info["upload_id"],
        target="kind",
        x_feature="width",
        y_feature="height",
        batch_size=body["fix"]["batch_size"],
    )
    assert len(fixed["data"]["train"]) == n_train


# -- the command ---------------------------------------------------------------------------------
def test_cli_starts_uvicorn_on_localhost_by_default(monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    result = CliRunner().invoke(cli_app, ["playground", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert calls == [{"host": "127.0.0.1", "port": 8123, "log_level": "warning"}]


def test_cli_without_the_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn -> ImportError
    result = CliRunner().invoke(cli_app, ["playground"])
    assert result.exit_code == 2
    assert "pip install 'neuralab[playground]'" in result.output


def test_cli_refuses_a_bad_port():
    result = CliRunner().invoke(cli_app, ["playground", "--port", "70000"])
    assert result.exit_code == 2 and "--port must be between 1 and 65535" in result.output


def test_a_divergence_puts_the_optimizer_state_back_with_the_weights(monkeypatch):
    """Adam's moments (or a momentum buffer) from the diverged epoch would push the next step
    as hard as the bad one: they go back to the start of that epoch, as the weights do."""
    from neuralab.playground import session as session_module

    # Strict rule: any epoch whose loss rises above the best so far counts as diverged.
    monkeypatch.setattr(session_module, "PLAYGROUND_DIVERGENCE", nl.DivergenceRule(factor=1.0, floor=1e-9))
    store = SessionStore(max_sessions=1)
    session = store.create({"n_samples": 100, "optimizer": "adam", "learning_rate": 0.01})
    session.train(2)
    state, weights = session.optimizer.get_state(), session.network.get_weights()
    session.set_learning_rate(50.0)
    session.train(3)
    assert session.divergence and not session.can_train
    after = session.optimizer.get_state()
    assert after.keys() == state.keys()
    for key in state:
        np.testing.assert_array_equal(after[key], state[key])
    for kept, saved in zip(session.network.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(kept, saved)


# -- one diagnosis with the real cause ------------------------------------------------------------
def _diagnosis_after(client, epochs, **config):
    session = _create(client, **config)["session"]
    frame = client.post(f"/api/sessions/{session}/train", json={"epochs": epochs}).json()
    return frame["diagnosis"], frame


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spirals_relu_at_rate_10_blames_the_learning_rate_not_the_relus(client, seed):
    diagnosis, _ = _diagnosis_after(
        client,
        1,
        dataset="spirals",
        seed=seed,
        learning_rate=10,
        hidden=[{"units": 8, "activation": "relu"}] * 2,
    )
    assert diagnosis["status"] == "too_large_learning_rate"
    assert diagnosis["advice"].startswith("The learning rate (10) is too large")
    assert (
        "use leaky_relu" not in diagnosis["advice"]
        and "the activations (relu) are not the cause" in diagnosis["advice"]
    )


@pytest.mark.parametrize("seed", [0, 2])
def test_circles_tanh_at_rate_20_blames_the_learning_rate_not_tanh(client, seed):
    diagnosis, frame = _diagnosis_after(
        client,
        1,
        dataset="circles",
        seed=seed,
        learning_rate=20,
        hidden=[{"units": 8, "activation": "tanh"}] * 2,
    )
    assert diagnosis["status"] == "too_large_learning_rate"
    assert diagnosis["advice"].startswith(
        "The learning rate (20) is too large: in epoch 1 the training loss "
        f"jumped to {frame['losses']['train'][-1]:.4g}"
    )
    assert "Use relu" not in diagnosis["advice"]


def test_six_sigmoid_layers_at_a_sane_rate_stay_vanishing(client):
    diagnosis, _ = _diagnosis_after(
        client, 3, hidden=[{"units": 8, "activation": "sigmoid"}] * 6, learning_rate=0.1
    )
    assert diagnosis["status"] == "vanishing" and diagnosis["layer"] == 1
    assert "Use relu or leaky_relu" in diagnosis["advice"] and "learning rate" not in diagnosis["advice"][:40]


def test_a_new_learning_rate_starts_a_fresh_record_for_the_diagnosis(client):
    session = _create(
        client, dataset="spirals", learning_rate=10, hidden=[{"units": 8, "activation": "relu"}] * 2
    )["session"]
    client.post(f"/api/sessions/{session}/train", json={"epochs": 1})
    client.patch(f"/api/sessions/{session}", json={"learning_rate": 0.01})
    frame = client.post(f"/api/sessions/{session}/train", json={"epochs": 1}).json()
    # The units the rate of 10 killed stay dead; at 0.01 nothing jumps, so the units are the story now.
    assert frame["diagnosis"]["status"] == "no_gradient"
    assert "Press Reset" in frame["diagnosis"]["advice"]


# -- the network graph's numbers -------------------------------------------------------------------
def _unit_map(entry: dict) -> np.ndarray:
    q = np.frombuffer(base64.b64decode(entry["q"]), dtype=np.uint8).astype(float)
    return entry["lo"] + q / 255 * (entry["hi"] - entry["lo"])


def test_frames_carry_the_engines_weights_biases_and_full_batch_gradients():
    store = SessionStore(max_sessions=1)
    session = store.create({"n_samples": 100, "hidden": [{"units": 3, "activation": "tanh"}]})
    session.train(2)
    frame = session.frame()
    for layer, weights, biases in zip(session.network.layers, frame["weights"], frame["biases"], strict=True):
        np.testing.assert_array_equal(np.array(weights), layer.weights.astype(np.float64))
        np.testing.assert_array_equal(np.array(biases), layer.biases.astype(np.float64))
    # dE/dW of the whole training set at these weights, against central differences of the mean loss.
    network, data = session.network, session.dataset

    def mean_loss() -> float:
        return float(network.evaluate(data.X_train, data.y_train, session.loss))

    layer = network.layers[0]
    original = layer.weights.copy()
    for i, j in [(0, 0), (1, 2)]:
        steps = []
        for sign in (1, -1):
            layer.weights[...] = original
            layer.weights[i, j] += sign * 1e-2
            steps.append(mean_loss())
        layer.weights[...] = original
        numeric = (steps[0] - steps[1]) / 2e-2
        assert frame["weight_gradients"][0][i][j] == pytest.approx(numeric, rel=0.05, abs=1e-4), (i, j)


def test_unit_maps_are_each_units_output_over_the_plane_with_its_z_range():
    store = SessionStore(max_sessions=1)
    session = store.create({"n_samples": 100, "hidden": [{"units": 3, "activation": "tanh"}]})
    session.train(1)
    frame = session.frame()
    grid = session.dataset.grid(frame["boundary"]["size"])
    size = frame["boundary"]["size"]
    keep = np.zeros((size, size), dtype=bool)
    keep[::2, ::2] = True
    x = grid[keep.ravel()]
    layer = session.network.layers[0]
    z = x @ layer.weights.astype(np.float64) + layer.biases.astype(np.float64)
    for unit, entry in enumerate(frame["units"][1]):
        step = (entry["hi"] - entry["lo"]) / 255  # one quantisation level
        np.testing.assert_allclose(_unit_map(entry), np.tanh(z[:, unit]), atol=step)
        assert entry["z"] == pytest.approx([z[:, unit].min(), z[:, unit].max()])
    np.testing.assert_allclose(_unit_map(frame["units"][0][0]), x[:, 0], atol=0.02)  # the input x1
    output = frame["units"][2][0]  # the sigmoid output's map is the boundary, subsampled
    boundary = np.array(frame["boundary"]["values"]).reshape(size, size)[::2, ::2].ravel()
    np.testing.assert_allclose(_unit_map(output), boundary, atol=(output["hi"] - output["lo"]) / 255 + 1e-4)


def test_while_the_app_runs_blas_uses_one_thread():
    from threadpoolctl import threadpool_info

    def threads() -> set[int]:
        return {library["num_threads"] for library in threadpool_info() if library["user_api"] == "blas"}

    before = threads()
    with TestClient(create_app(SessionStore(max_sessions=1))) as running:  # runs the lifespan
        assert threads() == {1}
        frame = running.post("/api/sessions", json={"n_samples": 40}).json()
        trained = running.post(f"/api/sessions/{frame['session']}/train", json={"epochs": 2}).json()
        assert trained["epoch"] == 2 and trained["train_seconds"] > 0
    assert threads() == before


@pytest.mark.parametrize("name", ["three_blobs", "spirals3"])
def test_the_three_class_sets_train_a_softmax_output(client, name):
    frame = _create(client, dataset=name, n_samples=300, seed=3)
    assert frame["data"]["task"] == "multiclass" and frame["data"]["classes"] == ["0", "1", "2"]
    assert frame["network"]["sizes"][-1] == 3 and frame["network"]["loss"] == "cross_entropy"
    labels = [point[2] for point in frame["data"]["train"] + frame["data"]["test"]]
    assert sorted(set(labels)) == [0, 1, 2] and [labels.count(c) for c in (0, 1, 2)] == [100, 100, 100]
    assert frame["losses"]["train"][0] == pytest.approx(np.log(3), abs=0.15)  # a fresh softmax: about ln 3
    again = _create(client, dataset=name, n_samples=300, seed=3)
    assert again["data"]["train"] == frame["data"]["train"]  # seeded


def test_apply_takes_the_explained_batch_step_and_nothing_else(client):
    frame = _create(client, n_samples=100, optimizer="momentum")
    session = frame["session"]
    step = client.get(f"/api/sessions/{session}/explain?sample=4").json()
    assert 4 in step["batch"]["samples"] and step["batch"]["size"] == 10 and step["optimizer"] == "momentum"
    answer = client.post(f"/api/sessions/{session}/apply", json={"sample": 4}).json()
    assert answer["step"]["loss"] == step["loss"] == answer["loss_before"]
    assert answer["batch_loss_before"] == step["batch"]["loss"]
    assert answer["batch_loss_after"] < answer["batch_loss_before"]  # a small step down the batch's gradient
    rate = step["learning_rate"]
    pairs = zip(frame["weights"], answer["frame"]["weights"], step["layers"], strict=True)
    for (
        before,
        after,
        layer,
    ) in pairs:  # momentum's first step from rest is W <- W - lr dE/dW (the batch mean)
        np.testing.assert_allclose(
            np.array(after), np.array(before) - rate * np.array(layer["batch_grad_weights"]), atol=1e-6
        )
        x, grad_z = np.array(layer["x"]), np.array(layer["grad_z"])  # the sample's own term
        np.testing.assert_allclose(np.array(layer["grad_weights"]), np.outer(x, grad_z), rtol=1e-5, atol=1e-9)
    assert answer["frame"]["epoch"] == 0  # a step, not an epoch
    bad = client.post(f"/api/sessions/{session}/apply", json={"sample": 500})
    assert bad.status_code == 400 and "from 0 to 69" in bad.json()["error"]
    assert client.post(f"/api/sessions/{session}/apply", json={"epochs": 1}).status_code == 400


def test_input_features_are_computed_from_each_point_and_from_the_plane(client):
    frame = _create(client, dataset="circles", n_samples=100, inputs=["x1^2", "x2^2", "sin(pi*x1)"])
    assert frame["network"]["sizes"][0] == 3 and frame["data"]["features"] == ["x1^2", "x2^2", "sin(pi*x1)"]
    assert np.shape(frame["weights"][0]) == (3, 8)
    data = toy_dataset("circles", n_samples=100, noise=0.1, seed=0, inputs=("x1^2", "x2^2", "sin(pi*x1)"))
    plain = toy_dataset("circles", n_samples=100, noise=0.1, seed=0)
    x1, x2 = plain.X_train[:, 0], plain.X_train[:, 1]
    np.testing.assert_allclose(data.X_train, np.column_stack([x1**2, x2**2, np.sin(np.pi * x1)]))
    assert frame["data"]["train"] == [
        [round(x, 4), round(y, 4), t]
        for (x, y), t in zip(plain.X_train.tolist(), plain.y_train.tolist(), strict=True)
    ]
    size = frame["boundary"]["size"]
    grid = plain.grid(size)[np.kron(np.arange(size) % 2 == 0, np.arange(size) % 2 == 0).astype(bool)]
    np.testing.assert_allclose(_unit_map(frame["units"][0][0]), grid[:, 0] ** 2, atol=0.01)  # the input x1^2


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ([], "`inputs` must be a non-empty list of input features from: x1, x2, x1^2"),
        (
            ["x3"],
            "Unknown input feature(s) 'x3'. Choose from: x1, x2, x1^2, x2^2, x1*x2, sin(pi*x1), sin(pi*x2).",
        ),
        (["x1", "x1"], "`inputs` names a feature twice"),
        ("x1", "`inputs` must be a non-empty list"),
    ],
)
def test_bad_input_features_are_refused_naming_the_choices(client, inputs, words):
    response = client.post("/api/sessions", json={"inputs": inputs})
    assert response.status_code == 400 and words in response.json()["error"]


def test_train_with_frames_gives_every_epoch_its_own_frame_from_its_own_weights(client):
    """Play draws each epoch: {"frames": true} answers one frame per epoch, each the frame a
    session stepped one epoch at a time shows at that epoch (weights, pictures, its loss)."""
    config = {"n_samples": 100, "seed": 4}
    session = _create(client, **config)["session"]
    answer = client.post(f"/api/sessions/{session}/train", json={"epochs": 4, "frames": True}).json()
    frames = answer["frames"]
    assert [f["epoch"] for f in frames] == [1, 2, 3, 4] and answer["train_seconds"] > 0
    twin = _create(client, **config)["session"]
    for frame in frames:
        one = client.post(f"/api/sessions/{twin}/train", json={"epochs": 1}).json()
        assert frame["weights"] == one["weights"] and frame["boundary"] == one["boundary"]
        assert frame["units"] == one["units"] and frame["biases"] == one["biases"]
        assert (
            frame["losses"]
            == one["losses"]
            == {"start": frame["epoch"], "train": one["losses"]["train"], "test": one["losses"]["test"]}
        )
    bad = client.post(f"/api/sessions/{session}/train", json={"epochs": 2, "frames": "yes"})
    assert bad.status_code == 400 and "`frames` must be true or false" in bad.json()["error"]
