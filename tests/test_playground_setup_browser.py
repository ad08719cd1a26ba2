"""The setup lives in the link: opening it rebuilds the same network from the same seeded start,
Back/Forward walk the setups, Copy link names it; an invalid field blocks Play and Step."""

from __future__ import annotations

import numpy as np

from neuralab.playground import SessionStore
from playground_pages import Page, expect, page_fixtures  # skips without a browser

store, page = page_fixtures(max_sessions=16)

SETUP = (
    "#dataset=xor&noise=0.2&samples=300&test=0.2&seed=7&lr=0.03&optimizer=adam&batch=all&l2=0.001&l1=0"
    "&inputs=x1,x2&hidden=4:tanh,3:sigmoid"
)
CONFIG = {
    "dataset": "xor",
    "noise": 0.2,
    "n_samples": 300,
    "test_fraction": 0.2,
    "seed": 7,
    "learning_rate": 0.03,
    "optimizer": "adam",
    "batch_size": None,
    "l2": 0.001,
    "hidden": [{"units": 4, "activation": "tanh"}, {"units": 3, "activation": "sigmoid"}],
}


def _drawn_weights(page: Page, layer: int, shape: tuple[int, int]) -> np.ndarray:
    values = np.full(shape, np.nan)
    lines = f"#graph line.weight[data-layer='{layer}']"
    for line in page.evaluate(f"""() => [...document.querySelectorAll("{lines}")]
            .map((l) => [Number(l.dataset.from), Number(l.dataset.to), Number(l.dataset.weight)])"""):
        values[line[0], line[1]] = line[2]
    return values


def test_a_link_reproduces_the_setup_and_its_seeded_start(page: Page, store):
    opened = page.context.new_page()  # a second tab opens the link
    opened.goto(page.url.split("#")[0] + SETUP)
    expect(opened.locator("body")).to_have_attribute("data-builds", "1")
    expect(opened.locator("#summary")).to_contain_text("2-4-3-1 network")
    for selector, value in [
        ("#dataset", "xor"),
        ("#n-samples", "300"),
        ("#seed", "7"),
        ("#learning-rate", "0.03"),
        ("#optimizer", "adam"),
        ("#batch-size", ""),
        ("#l2", "0.001"),
        ("#noise", "0.2"),
        ("#test-fraction", "0.2"),
    ]:
        expect(opened.locator(selector)).to_have_value(value)
    session = store.sessions[opened.evaluate("state.session")]
    assert session.config.batch_size is None and session.config.optimizer == "adam"
    expected = SessionStore().create(dict(CONFIG))  # the same configuration, built directly
    for index, layer in enumerate(expected.network.layers, start=1):
        np.testing.assert_allclose(
            _drawn_weights(opened, index, layer.weights.shape), layer.weights, rtol=1e-6
        )
    np.testing.assert_array_equal(session.dataset.X_train, expected.dataset.X_train)
    assert opened.evaluate("location.hash") == SETUP  # the page writes back what it read
    opened.close()


def test_back_and_forward_walk_the_setups(page: Page):
    before = int(page.locator("body").get_attribute("data-builds"))
    page.select_option("#dataset", "spirals")
    expect(page.locator("body")).to_have_attribute("data-builds", str(before + 1))
    assert "dataset=spirals" in page.evaluate("location.hash")
    page.go_back()
    expect(page.locator("body")).to_have_attribute("data-builds", str(before + 2))
    expect(page.locator("#dataset")).to_have_value("circles")
    assert "dataset=circles" in page.evaluate("location.hash")
    page.go_forward()
    expect(page.locator("body")).to_have_attribute("data-builds", str(before + 3))
    expect(page.locator("#dataset")).to_have_value("spirals")


def test_copy_link_names_the_setup(page: Page):
    page.click("#copy-link")
    note = page.locator("#link-note")
    expect(note).to_contain_text(page.url)
    assert "hidden=8:relu,8:relu" in page.url and "lr=0.1" in page.url


def test_an_invalid_field_blocks_play_and_step_until_fixed(page: Page, store):
    session = store.sessions[page.evaluate("state.session")]
    page.fill("#learning-rate", "")
    for button in ("#play", "#step", "#train-n"):
        expect(page.locator(button)).to_be_disabled()
    error = page.locator("#field-error")
    expect(error).to_contain_text('Learning rate must be a number > 0 and <= 1000 (it is "")')
    expect(page.locator("#learning-rate")).to_have_attribute("aria-invalid", "true")
    page.locator("#learning-rate").blur()
    assert session.config.learning_rate == 0.1  # nothing was sent
    page.fill("#batch-size", "2.5")
    expect(page.locator("#field-error")).to_contain_text("Batch size must be a whole number")
    page.fill("#batch-size", "10")
    rates = int(page.locator("body").get_attribute("data-rates"))
    page.fill("#learning-rate", "0.05")
    expect(page.locator("#step")).to_be_enabled()
    expect(page.locator("#field-error")).to_be_hidden()
    page.locator("#learning-rate").blur()
    expect(page.locator("body")).to_have_attribute("data-rates", str(rates + 1))
    assert session.config.learning_rate == 0.05 and "lr=0.05" in page.evaluate("location.hash")
