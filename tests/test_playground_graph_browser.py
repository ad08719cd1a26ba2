"""The network graph in real Chromium: one drawn line per weight carrying the engine's value,
the epoch on screen, hover (w and dE/dw) and click (a unit's picture large, with its z range)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from playground_pages import ARTIFACTS, Page, expect, hover_weight, page_fixtures  # skips without a browser

store, page = page_fixtures(max_sessions=16)


def _lines(page: Page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('#graph line.weight')].map((l) => ({
        layer: Number(l.dataset.layer), from: Number(l.dataset.from), to: Number(l.dataset.to),
        weight: Number(l.dataset.weight), gradient: Number(l.dataset.gradient)}))""")


def _session(page: Page, store):
    return store.sessions[page.evaluate("state.session")]


def _check_lines_against_the_engine(page: Page, store) -> None:
    session = _session(page, store)
    layers = session.network.layers
    lines = _lines(page)
    assert len(lines) == sum(layer.weights.size for layer in layers)  # one line per weight
    seen = {(line["layer"], line["from"], line["to"]) for line in lines}
    assert len(seen) == len(lines)
    for line in lines:
        value = float(layers[line["layer"] - 1].weights[line["from"], line["to"]])
        assert line["weight"] == pytest.approx(value, rel=1e-4, abs=1e-12)  # at least 4 significant digits
        gradient = float(session.weight_gradients[line["layer"] - 1][line["from"], line["to"]])
        assert line["gradient"] == pytest.approx(gradient, rel=1e-4, abs=1e-12)


def test_every_weight_is_one_line_with_the_engines_value_at_the_epoch_shown(page: Page, store):
    expect(page.locator("#graph")).to_have_attribute("data-epoch", "0")
    _check_lines_against_the_engine(page, store)
    assert page.locator("#graph .node").count() == 2 + 8 + 8 + 1
    page.fill("#n-epochs", "7")
    page.click("#train-n")
    expect(page.locator("body")).to_have_attribute("data-busy", "0")
    expect(page.locator("#graph")).to_have_attribute("data-epoch", "7")
    assert _session(page, store).epoch == 7
    _check_lines_against_the_engine(page, store)  # the lines are the weights of epoch 7
    widths = page.evaluate(
        "[...document.querySelectorAll('#graph line.weight')].map((l) => "
        "[Math.abs(Number(l.dataset.weight)), Number(l.getAttribute('stroke-width'))])"
    )
    by_size = sorted(widths)
    assert by_size[0][1] < by_size[-1][1]  # width grows with |w| on one scale
    scale = float(page.locator("#weight-legend").get_attribute("data-scale"))
    assert scale >= by_size[-1][0]
    colours = page.evaluate(
        "[...document.querySelectorAll('#graph line.weight')].map((l) => "
        "[Number(l.dataset.weight) >= 0, l.getAttribute('stroke')])"
    )
    assert {stroke for positive, stroke in colours if positive} == {"#0877bd"}
    assert {stroke for positive, stroke in colours if not positive} == {"#e8710a"}
    page.locator("#graph").screenshot(path=str(ARTIFACTS / "graph.png"))


def test_hovering_a_line_shows_its_weight_and_gradient(page: Page, store):
    hover_weight(page, 2, 3, 5)
    tip = page.locator("#weight-tip")
    expect(tip).to_be_visible()
    weight = float(_session(page, store).network.layers[1].weights[3, 5])
    gradient = float(_session(page, store).weight_gradients[1][3, 5])
    expect(tip).to_contain_text(f"H1 unit 4 → H2 unit 6: w = {float(f'{weight:.4g}'):.4g}")
    text = tip.inner_text()
    shown = float(text.split("dE/dw = ")[1].split()[0])
    assert shown == pytest.approx(gradient, rel=1e-3)
    page.mouse.move(1, 1)
    expect(tip).to_be_hidden()


def test_clicking_a_node_shows_its_picture_large_with_its_z_range(page: Page, store):
    page.click('#graph .node[data-layer="1"][data-unit="2"]')
    detail = page.locator("#node-detail")
    expect(detail).to_be_visible()
    expect(page.locator('#graph .node[data-layer="1"][data-unit="2"]')).to_have_class("node selected")
    session = _session(page, store)
    frame = session.frame()
    entry = frame["units"][1][2]
    caption = page.locator("#node-caption")
    expect(caption).to_contain_text("H1 unit 3 (relu): a = f(z) from")
    text = caption.inner_text()
    shown = re.search(r"from (\S+) to (\S+) over the plane; z from (\S+) to (\S+); bias b = (\S+)\.$", text)
    assert shown, text
    a_lo, a_hi, z_lo, z_hi, bias = (float(v) for v in shown.groups())
    assert [z_lo, z_hi] == pytest.approx(entry["z"], rel=1e-3, abs=1e-4)
    assert [a_lo, a_hi] == pytest.approx([entry["lo"], entry["hi"]], rel=1e-3, abs=1e-4)
    assert bias == pytest.approx(float(session.network.layers[0].biases[2]), rel=1e-3, abs=1e-4)
    pixels = page.evaluate("""() => { const c = document.getElementById('node-large');
        return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.slice(0, 400)); }""")
    assert len(set(pixels)) > 2  # a picture, not a blank square
    page.click("#step")
    expect(page.locator("#graph")).to_have_attribute("data-epoch", "8")
    expect(detail).to_be_visible()  # it follows the training
    page.click("#node-close")
    expect(detail).to_be_hidden()


def test_the_unit_colour_legend_is_shared_and_named(page: Page):
    legend = page.locator("#unit-legend")
    expect(legend).to_contain_text("hidden unit output a")
    scale = float(legend.get_attribute("data-scale"))
    assert scale > 0 and np.isfinite(scale)
