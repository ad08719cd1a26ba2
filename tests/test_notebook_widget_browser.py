"""The notebook widget's front end in real Chromium, on a test page with a fake anywidget model.

Why not JupyterLab: starting JupyterLab (a server, a kernel, a notebook, the widget manager)
in a test is slow and brittle on a shared 2-core machine and tests JupyterLab more than this
widget. The page here does what anywidget does with a widget: it imports the widget's ``_esm``
(the exact text the kernel sends) from a ``blob:`` URL, adds its ``_css``, and calls
``render({model, el})`` with a model object of anywidget's interface (get, set, on, off, send,
save_changes). The model relays to the REAL Python widget: ``model.send`` reaches it through
ipywidgets' comm (``comm.handle_msg``, as a kernel delivers it) and what the widget sends back
through its comm comes back as the model's "msg:custom" event; a trait Python sets arrives as
"change:_frame". So the front end runs on frames of the real engine, trained in this process.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

pytest.importorskip("anywidget", reason="the notebook extra is not installed: pip install -e '.[test]'")

from neuralab.notebook import Playground
from playground_pages import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, expect  # skips without a browser

PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>widget test page</title>
<link rel="icon" href="data:,"></head>
<body style="margin: 0; background: #fff">
<div id="cell" style="width: 1100px; padding: 8px"></div></body></html>
"""

# anywidget's loading, as its front end does it, with a model that relays to the kernel side.
MOUNT = """async ({ esm, css, state }) => {
  const style = document.createElement("style");
  style.textContent = css;
  document.head.append(style);
  const values = { ...state };
  const listeners = {};
  const emit = (name, ...args) => { for (const fn of listeners[name] || []) fn(...args); };
  window.sent = [];
  const model = {
    get: (name) => values[name],
    set: (name, value) => { values[name] = value; },
    save_changes() {},
    on(name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
    off(name, fn) { listeners[name] = (listeners[name] || []).filter((f) => fn && f !== fn); },
    send(content) {
      window.sent.push(content);
      window.kernelSend(content).then((replies) => {
        for (const reply of replies) emit("msg:custom", reply, []);
      });
    },
  };
  window.fromKernel = (changes) => {
    for (const [name, value] of Object.entries(changes)) { values[name] = value; emit(`change:${name}`); }
  };
  window.listeners = listeners;
  const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
  const module = await import(url);
  URL.revokeObjectURL(url);
  window.cleanup = await module.default.render({ model, el: document.getElementById("cell") });
}"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(PAGE if self.path == "/" else b"")

    def log_message(self, *args):
        pass


@contextmanager
def _served():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Relay:
    """The kernel side of the fake model: messages through the widget's real comm."""

    def __init__(self, widget: Playground):
        self.widget = widget
        self.outbox: list[dict] = []
        self.changes: dict[str, object] = {}
        widget.comm.publish_msg = self._published
        widget.observe(self._changed, names=["_frame"])

    def _published(self, msg_type, data=None, **keys):
        if data and data.get("method") == "custom":
            self.outbox.append(data["content"])
        # "update" messages (trait changes) are relayed from the observer, as plain JSON

    def _changed(self, change):
        self.changes[change["name"]] = change["new"]

    def send(self, content: dict) -> list[dict]:
        """What the front end's model.send does: a comm message into the widget; returns its replies."""
        self.outbox = []
        self.widget.comm.handle_msg(
            {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
        )
        return self.outbox

    def push(self, page) -> None:
        """Deliver the traits Python changed since the last push (what the kernel's comm sends)."""
        changes, self.changes = self.changes, {}
        page.evaluate("(changes) => window.fromKernel(changes)", changes)


@pytest.fixture(scope="module")
def mounted(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    widget = Playground(
        "circles", hidden=[(5, "tanh"), (4, "relu")], learning_rate=0.3, n_samples=200, seed=3
    )
    relay = Relay(widget)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with _served() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1140, "height": 1300})
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.expose_function("kernelSend", relay.send)
        page.goto(url)
        state = widget.get_state()
        page.evaluate(MOUNT, {"esm": state["_esm"], "css": state["_css"], "state": state})
        expect(page.locator("[data-part=epoch]")).to_have_attribute("data-epoch", "0")
        yield page, widget, relay
        assert not errors, f"JavaScript errors on the page: {errors}"
        outside = [u for u in requests if not u.startswith((url, "blob:", "data:"))]
        assert not outside, f"the widget asked for files from outside the package: {outside}"
        browser.close()


def _lines(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.graph line.weight')].map((l) => ({
        layer: Number(l.dataset.layer), from: Number(l.dataset.from), to: Number(l.dataset.to),
        weight: Number(l.dataset.weight), gradient: Number(l.dataset.gradient)}))""")


def _check_lines_against_the_engine(page, widget) -> None:
    layers = widget.network.layers
    lines = _lines(page)
    assert len(lines) == sum(layer.weights.size for layer in layers)  # one line per weight
    assert len({(line["layer"], line["from"], line["to"]) for line in lines}) == len(lines)
    for line in lines:
        value = float(layers[line["layer"] - 1].weights[line["from"], line["to"]])
        assert line["weight"] == pytest.approx(value, rel=1e-4, abs=1e-12)
        gradient = float(widget.session.weight_gradients[line["layer"] - 1][line["from"], line["to"]])
        assert line["gradient"] == pytest.approx(gradient, rel=1e-4, abs=1e-12)


def _epoch(page) -> int:
    return int(page.locator("[data-part=epoch]").get_attribute("data-epoch"))


def test_the_graph_draws_one_line_per_weight_with_the_engines_value(mounted):
    page, widget, _ = mounted
    _check_lines_against_the_engine(page, widget)
    assert page.locator(".graph .node").count() == 2 + 5 + 4 + 1
    summary = page.locator("[data-part=summary]")
    expect(summary).to_have_text("circles: 2-5-4-1 network, 44 parameters, binary cross entropy loss")
    assert page.evaluate("window.sent.length") == 0  # drawn from the trait alone, no request yet


def test_step_and_train_change_the_epoch_through_the_kernel(mounted):
    page, widget, _ = mounted
    start = widget.session.epoch
    page.click("[data-part=step]")
    expect(page.locator("[data-part=epoch]")).to_have_attribute("data-epoch", str(start + 1))
    assert widget.session.epoch == start + 1
    assert page.evaluate("window.sent.at(-1)")["action"] == "train"
    _check_lines_against_the_engine(page, widget)
    page.fill("[data-part=n-epochs]", "6")
    page.click("[data-part=train-n]")
    expect(page.locator("[data-part=epoch]")).to_have_attribute("data-epoch", str(start + 7))
    expect(page.locator(".neuralab-playground")).to_have_attribute("data-busy", "0")
    expect(page.locator("[data-part=run-note]")).to_have_text(f"Trained 6 epochs; now at epoch {start + 7}.")
    _check_lines_against_the_engine(page, widget)
    readout = page.locator("[data-part=loss-readout]")
    assert float(readout.get_attribute("data-train")) == pytest.approx(
        widget.session.train_loss[-1], rel=1e-3
    )


def test_play_trains_until_pause_and_the_view_ends_on_the_kernels_weights(mounted):
    page, widget, _ = mounted
    start = _epoch(page)
    page.click("[data-part=play]")
    expect(page.locator("[data-part=play]")).to_have_text("Pause")
    page.wait_for_function(
        f"Number(document.querySelector('[data-part=epoch]').dataset.epoch) >= {start + 10}"
    )
    page.click("[data-part=play]")
    expect(page.locator(".neuralab-playground")).to_have_attribute("data-busy", "0")
    expect(page.locator("[data-part=play]")).to_have_text("Play")
    assert _epoch(page) == widget.session.epoch >= start + 10
    expect(page.locator("[data-part=run-note]")).to_have_text(f"Paused at epoch {widget.session.epoch}.")
    _check_lines_against_the_engine(page, widget)


def test_explain_shows_the_kernels_step_and_apply_takes_it(mounted):
    page, widget, _ = mounted
    page.fill("[data-part=sample]", "4")
    page.click("[data-part=explain]")
    explanation = page.locator(".explanation")
    expect(explanation).to_contain_text("Sample 4:")
    step = widget.explain(4)
    expect(explanation).to_contain_text(f"E = {step['loss']:.4f}")
    before = widget.network.layers[0].weights.copy()
    page.click("[data-part=apply-step]")
    result = page.locator("[data-part=apply-result]")
    expect(result).to_contain_text("Applied W ← W − 0.3 × dE/dW on the mini-batch of sample 4")
    # The step is the mini-batch's (the one training takes): its loss before is the batch's.
    assert float(result.get_attribute("data-before")) == pytest.approx(step["batch"]["loss"], rel=1e-6)
    assert not np.allclose(before, widget.network.layers[0].weights)
    _check_lines_against_the_engine(page, widget)
    page.locator(".neuralab-playground").screenshot(path=str(ARTIFACTS / "widget.png"))


def test_a_new_learning_rate_trains_the_next_epochs_in_the_kernel(mounted):
    page, widget, _ = mounted
    page.fill("[data-part=learning-rate]", "0.05")
    page.locator("[data-part=learning-rate]").dispatch_event("change")
    epoch = widget.session.epoch
    expect(page.locator("[data-part=run-note]")).to_have_text(
        f"Learning rate 0.05 from epoch {epoch + 1} on."
    )
    assert widget.session.optimizer.learning_rate == 0.05
    page.fill("[data-part=learning-rate]", "-1")
    page.locator("[data-part=learning-rate]").dispatch_event("change")
    expect(page.locator("[data-part=error]")).to_contain_text(
        "`learning_rate` must be > 0 and <= 1000. Got -1"
    )
    assert widget.session.optimizer.learning_rate == 0.05


def test_training_from_python_redraws_the_view(mounted):
    page, widget, relay = mounted
    widget.train(3)
    relay.push(page)
    expect(page.locator("[data-part=epoch]")).to_have_attribute("data-epoch", str(widget.session.epoch))
    _check_lines_against_the_engine(page, widget)
    widget.reset()
    relay.push(page)
    expect(page.locator("[data-part=epoch]")).to_have_attribute("data-epoch", "0")
    _check_lines_against_the_engine(page, widget)


def test_a_kernel_error_is_shown_not_thrown(mounted):
    page, widget, relay = mounted
    page.fill("[data-part=sample]", "9999")
    page.click("[data-part=explain]")
    expect(page.locator("[data-part=error]")).to_contain_text(
        "`sample` must be a training-sample index from 0 to 139 (the training set has 140 samples). Got 9999."
    )
    widget.train(1)  # Python moves the session on: the view starts over from it, the old error goes
    relay.push(page)
    expect(page.locator("[data-part=error]")).to_be_hidden()


def test_a_narrow_cell_stacks_the_panels_without_sideways_scroll(mounted):
    page, _, _ = mounted
    page.evaluate("document.getElementById('cell').style.width = '700px'")
    sizes = page.evaluate("""() => {
        const root = document.querySelector('.neuralab-playground');
        const [network, output] = root.querySelectorAll('.widget-grid > .panel');
        return { scroll: root.scrollWidth, width: root.clientWidth,
                 networkBottom: network.getBoundingClientRect().bottom,
                 outputTop: output.getBoundingClientRect().top }; }""")
    assert sizes["scroll"] <= sizes["width"] == 700
    assert sizes["outputTop"] > sizes["networkBottom"]  # the output panel went below the graph
    page.locator(".neuralab-playground").screenshot(path=str(ARTIFACTS / "widget-700px.png"))
    page.evaluate("document.getElementById('cell').style.width = '1100px'")


def test_the_view_stops_listening_when_it_is_removed(mounted):
    page, _, _ = mounted
    page.evaluate("window.cleanup()")
    assert page.evaluate("(window.listeners['msg:custom'] || []).length") == 0
    assert page.evaluate("(window.listeners['change:_frame'] || []).length") == 0
