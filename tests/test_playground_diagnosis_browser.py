"""The page shows one diagnosis with the real cause (the engine's ``diagnose`` decides; the page
only titles it): a too-large learning rate is named as such, not as dead units or vanishing
gradients, and a deep sigmoid network at a sane rate still reads as vanishing."""

from __future__ import annotations

from playground_pages import ARTIFACTS, Page, expect, page_fixtures  # skips without a browser

store, page = page_fixtures(max_sessions=16)


def _rebuild(page: Page, action) -> None:
    before = int(page.locator("body").get_attribute("data-builds"))
    action()
    expect(page.locator("body")).to_have_attribute("data-builds", str(before + 1))


def _rate(page: Page, value: str) -> None:
    before = int(page.locator("body").get_attribute("data-rates"))
    page.fill("#learning-rate", value)
    page.locator("#learning-rate").blur()
    expect(page.locator("body")).to_have_attribute("data-rates", str(before + 1))


def _step(page: Page, epochs: int = 1) -> None:
    epoch = int(page.locator("#epoch").get_attribute("data-epoch"))
    for _ in range(epochs):
        page.click("#step")
        epoch += 1
        expect(page.locator("#epoch")).to_have_attribute("data-epoch", str(epoch))


def _activations(page: Page, name: str) -> None:
    selects = page.locator("#layers select.activation")
    for index in range(selects.count()):
        _rebuild(page, lambda index=index: selects.nth(index).select_option(name))


def test_spirals_relu_at_rate_10_names_the_learning_rate(page: Page):
    _rebuild(page, lambda: page.select_option("#dataset", "spirals"))
    _rate(page, "10")
    _step(page)
    warning = page.locator("#gradient-warning")
    expect(warning.locator("strong")).to_have_text("The learning rate is too large")
    expect(warning).to_contain_text("The learning rate (10) is too large")
    expect(warning).not_to_contain_text("use leaky_relu")
    page.screenshot(path=str(ARTIFACTS / "diagnosis-relu-rate-10.png"), full_page=True)


def test_circles_tanh_at_rate_20_names_the_learning_rate(page: Page):
    _rebuild(page, lambda: page.select_option("#dataset", "circles"))
    _activations(page, "tanh")
    _rate(page, "20")
    _step(page)
    warning = page.locator("#gradient-warning")
    expect(warning.locator("strong")).to_have_text("The learning rate is too large")
    expect(warning).to_contain_text("The learning rate (20) is too large: in epoch 1 the training loss")
    expect(warning).not_to_contain_text("Use relu")


def test_six_sigmoid_layers_at_a_sane_rate_read_as_vanishing(page: Page):
    _rate(page, "0.1")
    while page.locator("#layers .layer-row").count() < 6:
        _rebuild(page, lambda: page.click("#add-layer"))
    _activations(page, "sigmoid")
    _step(page, 3)
    warning = page.locator("#gradient-warning")
    expect(warning.locator("strong")).to_have_text("Vanishing gradients")
    expect(warning).to_contain_text("Use relu or leaky_relu")
