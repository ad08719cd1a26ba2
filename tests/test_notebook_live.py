"""``fit(..., live=True)``: one output area redrawn (by the clock, not per epoch) inside a notebook, the
terminal's progress bar outside one, and Ctrl-C exactly as in a fit without it."""

from __future__ import annotations

import itertools
import os
import signal
import xml.etree.ElementTree as ET
from typing import ClassVar

import numpy as np
import pytest
from tests.test_notebooks import _require

import neuralab as nl
from neuralab.callbacks import live_display, register_live_display
from neuralab.errors import ValidationError
from neuralab.notebook.live import INTERVAL, LiveTraining
from neuralab.sklearn import NeuralClassifier


def xor_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)


def small_net():
    return nl.Sequential([nl.Dense(8, "tanh"), nl.Dense(1, "sigmoid")])


class Area:
    """Stands in for IPython's display handle: keeps every picture it was given."""

    def __init__(self, frames):
        self.frames = frames

    def update(self, frame):
        self.frames.append(("update", frame.status, frame._repr_html_()))


def recording_display(frames):
    def show(frame):
        frames.append(("display", frame.status, frame._repr_html_()))
        return Area(frames)

    return show


def test_redraws_are_throttled_by_the_clock_not_made_per_epoch():
    frames = []
    ticks = itertools.count()  # the clock: 0.01 s more at every reading
    live = LiveTraining(display=recording_display(frames), clock=lambda: next(ticks) * 0.01)
    X, y = xor_data()
    history = small_net().fit(
        X, y, loss="binary_cross_entropy", optimizer="adam", epochs=200, seed=0, callbacks=[live]
    )
    kinds = [kind for kind, _, _ in frames]
    assert kinds[0] == "display" and set(kinds[1:]) == {"update"}  # one area, then updates only
    # 200 epochs read the clock about 200 times: 2 s, so about 2 / 0.25 = 8 redraws, not 200
    assert 5 <= live.redraws <= 2.5 / INTERVAL + 1
    assert frames[-1][1] == "finished: 200 epochs, stopped by: epochs"
    final = ET.fromstring(frames[-1][2])  # well-formed: the loss curve and the gradient-flow bars
    svg = "{http://www.w3.org/2000/svg}"
    assert len(list(final.iter(f"{svg}polyline"))) == 1 and len(list(final.iter(f"{svg}rect"))) == 2
    assert f"loss {history.loss[-1]:.4g}" in "".join(final.itertext())
    middle = frames[len(frames) // 2][1]
    assert middle.startswith("epoch ") and "/200: loss " in middle


def test_live_draws_the_same_training_as_a_fit_without_it():
    X, y = xor_data()
    plain, drawn = small_net(), small_net()
    options = {"loss": "binary_cross_entropy", "optimizer": "adam", "epochs": 30, "seed": 4}
    expected = plain.fit(X, y, **options)
    got = drawn.fit(X, y, callbacks=[LiveTraining(display=recording_display([]))], **options)
    assert got.loss == expected.loss
    for a, b in zip(plain.get_weights(), drawn.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


class CtrlC(nl.Callback):
    """Presses Ctrl-C (SIGINT to this process) at the end of one epoch."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs):
        if epoch == self.epoch:
            os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_stops_as_in_fit_and_the_last_picture_says_so():
    X, y = xor_data()
    options = {"loss": "binary_cross_entropy", "optimizer": "adam", "epochs": 50, "seed": 1, "batch_size": 16}
    plain = small_net()
    with pytest.raises(KeyboardInterrupt):
        plain.fit(X, y, callbacks=[CtrlC(7)], **options)
    frames = []
    drawn = small_net()
    with pytest.raises(KeyboardInterrupt):
        drawn.fit(X, y, callbacks=[CtrlC(7), LiveTraining(display=recording_display(frames))], **options)
    assert drawn.history.stop_reason == plain.history.stop_reason == "interrupted"
    assert drawn.history.loss == plain.history.loss  # the same batches were finished
    for a, b in zip(plain.get_weights(), drawn.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert frames[-1][1] == f"interrupted (Ctrl-C) after {drawn.history.epochs_run} epochs"


def test_outside_a_notebook_live_shows_the_terminal_progress_bar(capsys):
    X, y = xor_data()
    history = small_net().fit(
        X,
        y,
        loss="binary_cross_entropy",
        optimizer="adam",
        epochs=12,
        seed=0,
        live=True,
        validation_split=0.25,
    )
    out, err = capsys.readouterr()
    assert out == ""  # the bar goes to standard error, a program's output stays clean
    assert "epoch" in err and "12/12" in err
    assert f"loss {history.loss[-1]:.4g}" in err and f"val_loss {history.val_loss[-1]:.4g}" in err


def test_live_must_be_a_bool():
    X, y = xor_data()
    with pytest.raises(ValidationError, match=r"`live` must be True or False. Got 'yes'"):
        small_net().fit(X, y, loss="binary_cross_entropy", optimizer="adam", epochs=1, live="yes")


@pytest.fixture
def recorded_live():
    """fit(live=True) builds its LiveTraining with a recording display for the test's length."""
    frames = []
    register_live_display(lambda: LiveTraining(display=recording_display(frames)))
    try:
        yield frames
    finally:
        register_live_display(LiveTraining)
    assert isinstance(live_display(), LiveTraining)


def test_model_and_estimators_pass_live_to_the_loop(recorded_live):
    from neuralab.data import Table

    X, y = xor_data()
    table = Table.from_arrays(X, np.where(y > 0, "same", "other"), target_name="sign")
    model = nl.Model.for_data(table, "sign", hidden=(4,))
    model.fit(table, epochs=5, seed=0, live=True)
    assert recorded_live[-1][1] == "finished: 5 epochs, stopped by: epochs"

    recorded_live.clear()
    estimator = NeuralClassifier(hidden_layer_sizes=(4,), epochs=6, random_state=0, live=True)
    estimator.fit(X, y)
    assert recorded_live[0][0] == "display" and recorded_live[-1][1].startswith("finished: 6 epochs")
    assert estimator.get_params()["live"] is True

    recorded_live.clear()
    estimator.partial_fit(X, y)  # one epoch per call: no picture per call
    assert recorded_live == []


# -- inside a real notebook -----------------------------------------------------------------------
CELL = """
import time
import numpy as np
import neuralab as nl

class Slow(nl.Callback):  # 4 ms an epoch: 400 epochs last over 1.6 s, whatever the machine
    def on_epoch_end(self, epoch, logs):
        time.sleep(0.004)

rng = np.random.default_rng(0)
X = rng.normal(size=(64, 2))
y = (X[:, 0] * X[:, 1] > 0).astype(float)
net = nl.Sequential([nl.Dense(8, "tanh"), nl.Dense(1, "sigmoid")])
started = time.monotonic()
history = net.fit(X, y, loss="binary_cross_entropy", optimizer=nl.Adam(0.02), epochs=400, seed=0,
                  validation_split=0.25, callbacks=[Slow()], live=True)
elapsed = time.monotonic() - started
"""


INTERRUPTED = """
import os, signal

class CtrlC(nl.Callback):  # what "interrupt the kernel" does: SIGINT to the kernel's process
    def on_epoch_end(self, epoch, logs):
        if epoch == 30:
            os.kill(os.getpid(), signal.SIGINT)

stopped = nl.Sequential([nl.Dense(8, "tanh"), nl.Dense(1, "sigmoid")])
stopped.fit(X, y, loss="binary_cross_entropy", optimizer="adam", epochs=100_000, batch_size=16, seed=0,
            callbacks=[CtrlC()], live=True)
"""


def test_live_fit_in_an_executed_notebook_redraws_one_output_area(tmp_path):
    nbformat = _require("nbformat")
    nbclient = _require("nbclient")
    _require("ipykernel")

    class Recording(nbclient.NotebookClient):
        """Keeps the (cell, type, display id) of every output message of the kernel."""

        messages: ClassVar[list[tuple[int, str, str | None]]] = []

        def process_message(self, msg, cell, cell_index):
            transient = msg["content"].get("transient") or {}
            if msg["msg_type"] in ("display_data", "update_display_data", "execute_result", "stream"):
                self.messages.append((cell_index, msg["msg_type"], transient.get("display_id")))
            return super().process_message(msg, cell, cell_index)

    cells = [
        CELL,
        "print(f'{elapsed:.3f}')",
        INTERRUPTED,
        "print(stopped.history.stop_reason, stopped.history.epochs_run)",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell) for cell in cells])
    client = Recording(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,  # the interrupted cell ends in KeyboardInterrupt, as any interrupted fit
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    outputs = notebook.cells[0].outputs
    assert [output.output_type for output in outputs] == ["display_data"]  # one output area
    assert not [
        cell.outputs
        for cell in notebook.cells
        if cell is not notebook.cells[2] and any(output.output_type == "error" for output in cell.outputs)
    ]
    shown = [m[1:] for m in Recording.messages if m[:2] == (0, "display_data")]
    updates = [m[1:] for m in Recording.messages if m[:2] == (0, "update_display_data")]
    assert len(shown) == 1 and shown[0][1]  # shown once, with a display id ...
    assert updates and {display_id for _, display_id in updates} == {shown[0][1]}  # ... and redrawn in place
    elapsed = float(notebook.cells[1].outputs[0].text)
    assert elapsed > 1.6
    assert 2 <= len(updates) <= elapsed / INTERVAL + 1  # a few a second, never one per epoch (400)

    final = outputs[0].data
    assert "finished: 400 epochs, stopped by: epochs" in final["text/html"]
    assert final["text/plain"] == "Training: finished: 400 epochs, stopped by: epochs"
    root = ET.fromstring(final["text/html"])
    assert len(list(root.iter("{http://www.w3.org/2000/svg}svg"))) == 2  # loss curves, gradient flow
    assert "val_loss" in "".join(root.itertext())

    # Ctrl-C: the batch finishes, the history says "interrupted", KeyboardInterrupt reaches the
    # cell, and the output area keeps the last picture, which says so
    assert notebook.cells[3].outputs[0].text.split() == ["interrupted", "30"]
    picture, error = notebook.cells[2].outputs
    assert error.output_type == "error" and error.ename == "KeyboardInterrupt"
    assert picture.data["text/plain"] == "Training: interrupted (Ctrl-C) after 30 epochs"
    assert "interrupted (Ctrl-C) after 30 epochs" in picture.data["text/html"]
