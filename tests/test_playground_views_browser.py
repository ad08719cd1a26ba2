"""The playground's views mounted by a second front end, in real Chromium: views.js mounted on
bare elements with no ids (as a notebook widget mounts them), fed frames by hand and asking
a plain JavaScript object (not api.js) for explained steps. The page's own wiring is not used."""

from __future__ import annotations

import numpy as np

from playground_pages import Page, expect, page_fixtures  # skips without a browser

store, page = page_fixtures(max_sessions=16)

MOUNT = """async () => {
    const { mountViews } = await import('/static/views.js');
    const post = async (path, body) => (await fetch(path, { method: 'POST',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
    const full = await post('/api/sessions', { dataset: 'xor', n_samples: 200, seed: 3,
        hidden: [{ units: 3, activation: 'tanh' }] });
    const roots = {};
    const box = document.createElement('div');
    box.id = 'widget';
    for (const name of ['network', 'plane', 'loss', 'gradients', 'explain']) {
        roots[name] = document.createElement('div');
        box.append(roots[name]);
    }
    document.body.prepend(box);
    const asked = [];
    const answered = [];  // the explained steps that came back (an answer is drawn when it comes)
    const source = {  // a kernel's stand-in: any object with explain(sample) and apply(sample)
        explain: (sample) => { asked.push(['explain', sample]);
            return fetch(`/api/sessions/${full.session}/explain?sample=${sample}`).then((r) => r.json())
                .then((step) => { answered.push(step.sample); return step; }); },
        apply: (sample) => { asked.push(['apply', sample]);
            return post(`/api/sessions/${full.session}/apply`, { sample }); },
    };
    const views = mountViews(roots, { source });
    window.widget = { views, full, asked, answered };
    views.start(full);
    views.update(await post(`/api/sessions/${full.session}/train`, { epochs: 3 }));
    return full.session;
}"""


def test_views_mount_on_bare_elements_and_draw_frames_fed_by_hand(page: Page, store):
    session_id = page.evaluate(MOUNT)
    widget = page.locator("#widget")
    assert widget.locator("[id]").count() == 0  # no ids: several widgets can share a page
    session = store.sessions[session_id]
    # One drawn line per weight, each with the engine's value at epoch 3.
    expect(widget.locator(".graph")).to_have_attribute("data-epoch", "3")
    lines = widget.locator("line.weight")
    expect(lines).to_have_count(2 * 3 + 3 * 1)
    for index, layer in enumerate(session.network.layers):
        for (i, j), w in np.ndenumerate(layer.weights):
            where = f'[data-layer="{index + 1}"][data-from="{i}"][data-to="{j}"]'
            assert float(widget.locator(f"line.weight{where}").get_attribute("data-weight")) == float(w)
    # The loss view holds epochs 0..3 and shows the last one.
    readout = widget.locator('[data-part="loss-readout"]')
    assert float(readout.get_attribute("data-train")) == session.train_loss[-1]
    assert page.evaluate("widget.views.loss.train.length") == 4
    # Explain: a click on the plane asks the source, the step goes on the graph.
    canvas = widget.locator('[data-part="boundary"]')
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(widget.locator(".badge.forward").first).to_be_visible()
    asked = page.evaluate("widget.asked")
    assert asked[0][0] == "explain"
    sample = int(asked[0][1])
    expect(widget.locator('[data-part="explanation"]')).to_contain_text(f"Sample {sample}:")
    widget.locator('[data-part="apply-step"]').click()
    expect(widget.locator('[data-part="apply-result"]')).to_contain_text(f"mini-batch of sample {sample}")
    assert page.evaluate("widget.asked.map((a) => a[0])") == ["explain", "apply", "explain"]
    page.wait_for_function("widget.answered.length === 2")  # the step of the new weights is drawn
    # A frame from elsewhere (the weights moved): the explained step leaves the graph.
    page.evaluate(f"""async () => widget.views.update(await (await fetch('/api/sessions/{session_id}/train',
        {{ method: 'POST', headers: {{ 'Content-Type': 'application/json' }},
           body: '{{"epochs": 1}}' }})).json())""")
    expect(widget.locator(".badge")).to_have_count(0)
    expect(widget.locator(".graph")).to_have_attribute("data-epoch", "4")
    page.evaluate("widget.views.clear()")
    expect(widget.locator("line.weight")).to_have_count(0)
