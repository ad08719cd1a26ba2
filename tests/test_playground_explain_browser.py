"""A step explained on the graph, in real Chromium: click a training point (it is ringed), the
forward pass layer by layer (z and a on the nodes), the backward pass from the output layer
down (dE/dz on the nodes, dE/dw on the lines, a weight's chain rule with numbers), and
"Apply this step" moving the weights by the step of the chosen point's mini-batch."""

from __future__ import annotations

import pytest

from playground_pages import ARTIFACTS, Page, expect, hover_weight, page_fixtures  # skips without a browser

store, page = page_fixtures(max_sessions=16)


def _click_training_point(page: Page, index: int) -> None:
    x, y = page.evaluate(f"""() => {{
        const [x0, x1, y0, y1] = state.frame.boundary.extent;
        const [px, py] = state.data.train[{index}];
        const box = document.getElementById('boundary').getBoundingClientRect();
        return [box.left + (px - x0) / (x1 - x0) * box.width, box.top + (y1 - py) / (y1 - y0) * box.height];
    }}""")
    page.mouse.click(x, y)


def test_click_a_point_then_walk_forward_and_backward_on_the_graph(page: Page):
    before = page.evaluate("document.getElementById('boundary').toDataURL()")
    _click_training_point(page, 17)
    expect(page.locator("#graph .badge").first).to_be_visible()
    chosen = int(page.locator("#sample").input_value())
    expect(page.locator("#explanation")).to_contain_text(f"Sample {chosen}:")
    assert page.evaluate("document.getElementById('boundary').toDataURL()") != before  # the point is ringed
    step = page.evaluate("state.step")
    # Stage 0: the inputs and the first layer's z and a.
    expect(page.locator("#graph").locator(".badge.forward")).to_have_count(2 + 8)
    x_badge = page.locator('#graph .node[data-layer="0"][data-unit="0"] .badge')
    assert float(x_badge.inner_text().split()[1]) == pytest.approx(step["inputs"][0], abs=1e-3)
    for stage in range(1, 3):  # forward through H2 and the output
        page.click("#stage-next")
        expect(page.locator("#graph")).to_have_attribute("data-stage", str(stage))
    expect(page.locator("#graph .badge.forward")).to_have_count(2 + 8 + 8 + 1)
    page.click("#stage-next")  # backward, output layer first
    expect(page.locator("#stage-note")).to_contain_text("Backward, output")
    expect(page.locator("#graph .badge.backward")).to_have_count(1)
    expect(page.locator("#graph line.explained")).to_have_count(8)
    output_delta = float(page.locator('#graph .node[data-layer="3"] .badge.backward').inner_text().split()[1])
    assert output_delta == pytest.approx(step["layers"][2]["grad_z"][0], abs=1e-3)
    page.click("#stage-next")
    page.click("#stage-next")
    expect(page.locator("#graph .badge.backward")).to_have_count(8 + 8 + 1)
    expect(page.locator("#graph .badge.forward")).to_have_count(2)  # one badge a node: dE/dz replaces z, a
    expect(page.locator("#graph line.explained")).to_have_count(2 * 8 + 8 * 8 + 8)
    expect(page.locator("#stage-next")).to_be_disabled()
    # A weight's own chain rule, with numbers: hover its line.
    hover_weight(page, 1, 1, 4)
    tip = page.locator("#weight-tip")
    expect(tip).to_contain_text(f"Sample {chosen}: dE/dw = dE/da")
    expect(tip).to_contain_text("× f'(z)")
    expect(tip).to_contain_text("Mean over its batch of 10: dE/dw = ")
    # The batch: the chosen point's mini-batch in the next epoch, and the text says so.
    assert chosen in step["batch"]["samples"] and step["batch"]["size"] == 10
    expect(page.locator("#explanation")).to_contain_text(
        f"mini-batch {step['batch']['index'] + 1} of {step['batch']['count']} in epoch 1"
    )
    layer = step["layers"][0]
    product = layer["grad_a"][4] * layer["derivative"][4] * layer["x"][1]
    assert product == pytest.approx(layer["grad_weights"][1][4], rel=1e-4, abs=1e-9)
    page.locator("#graph").screenshot(path=str(ARTIFACTS / "explain-on-graph.png"))
    page.mouse.move(1, 1)


def test_apply_this_step_moves_the_weights_by_minus_lr_times_the_gradient(page: Page, store):
    # Its own step (not one a previous test left): a point clicked, explained at stage 0.
    page.fill("#sample", "")
    _click_training_point(page, 23)
    expect(page.locator("#sample")).not_to_have_value("")
    expect(page.locator("#explanation")).to_contain_text(f"Sample {page.locator('#sample').input_value()}:")
    step = page.evaluate("state.step")
    assert step is not None and step["sample"] == int(page.locator("#sample").input_value())
    session = store.sessions[page.evaluate("state.session")]
    before = [layer.weights.copy() for layer in session.network.layers]
    # The weight the batch's gradient moves most.
    _, layer, source, target = max(
        (abs(g), index, i, j)
        for index, info in enumerate(step["layers"])
        for i, row in enumerate(info["batch_grad_weights"])
        for j, g in enumerate(row)
    )
    where = f'[data-layer="{layer + 1}"][data-from="{source}"][data-to="{target}"]'
    line = page.locator(f"#graph line.weight{where}")
    shown_before = float(line.get_attribute("data-weight"))
    page.click("#apply-step")
    result = page.locator("#apply-result")
    expect(result).to_contain_text(
        f"on the mini-batch of sample {step['sample']} (10 samples): the batch's loss"
    )
    assert float(result.get_attribute("data-after")) < float(result.get_attribute("data-before"))
    # sgd: W <- W - lr x the batch's mean dE/dW (test_playground_steps.py: it is the engine's step)
    expected = (
        shown_before - step["learning_rate"] * step["layers"][layer]["batch_grad_weights"][source][target]
    )
    expect(line).not_to_have_attribute("data-weight", str(shown_before))
    assert float(line.get_attribute("data-weight")) == pytest.approx(expected, rel=1e-5, abs=1e-7)
    after = [layer.weights for layer in session.network.layers]
    assert any((a != b).any() for a, b in zip(after, before, strict=True))
    expect(page.locator("#graph")).to_have_attribute("data-epoch", "0")  # a step, not an epoch
    # Deep networks fold: only the output layer's table is open.
    assert page.evaluate("[...document.querySelectorAll('#explanation details')].map((d) => d.open)") == [
        True,
        False,
        False,
    ]
    page.click("#step")  # training moves on: the explained step leaves the graph
    expect(page.locator("#graph .badge")).to_have_count(0)
