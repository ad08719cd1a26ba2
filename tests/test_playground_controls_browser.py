"""The controls learners expect and the readability of the page, in real Chromium: log-scale
loss, show/hide test data, discretized output, regenerate data, L1, the three-class sets, plain
gradient descent as "batch size = all", the legends, and no sideways scroll at 390 px."""

from __future__ import annotations

from playground_pages import ARTIFACTS, Page, expect, page_fixtures  # skips without a browser

store, page = page_fixtures(max_sessions=16)


def _image(page: Page, canvas: str) -> str:
    return page.evaluate(f"document.getElementById('{canvas}').toDataURL()")


def _rebuild(page: Page, action) -> None:
    before = int(page.locator("body").get_attribute("data-builds"))
    action()
    expect(page.locator("body")).to_have_attribute("data-builds", str(before + 1))


def test_log_scale_show_test_and_discretize_redraw_without_training(page: Page):
    page.fill("#n-epochs", "5")
    page.click("#train-n")
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", "5")
    expect(page.locator("body")).to_have_attribute("data-busy", "0")
    toggles = [("#log-loss", "loss-chart"), ("#show-test", "boundary"), ("#discretize", "boundary")]
    for toggle, canvas in toggles:
        before = _image(page, canvas)
        page.click(toggle)
        after = _image(page, canvas)
        assert after != before, toggle
        page.click(toggle)
        assert _image(page, canvas) == before, toggle  # the same frame, drawn the same way again
    page.click("#log-loss")
    expect(page.locator("#loss-chart")).to_have_attribute("data-scale", "log")
    page.click("#log-loss")
    expect(page.locator("#loss-chart")).to_have_attribute("data-scale", "linear")
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", "5")  # nothing trained
    expect(page.locator("#output-legend")).to_contain_text("probability of class 1: 0 0.5 1")


def _tick_values(labels: str) -> list[float]:
    return [float(label.replace("−", "-")) for label in labels.split()]


def test_the_loss_chart_has_ticks_that_span_the_losses_on_both_scales(page: Page, store):
    page.fill("#n-epochs", "12")
    page.click("#train-n")
    expect(page.locator("body")).to_have_attribute("data-busy", "0")
    session = store.sessions[page.evaluate("state.session")]
    losses = [v for v in session.train_loss + session.test_loss if v is not None]
    epoch = session.epoch
    chart = page.locator("#loss-chart")
    linear = _tick_values(chart.get_attribute("data-y-ticks"))
    assert linear[0] == 0 and linear[-1] <= max(losses) * 1.05 and len(linear) >= 3
    assert linear[-1] + (linear[1] - linear[0]) > max(losses)  # the next tick would be above the data
    epochs = [int(t) for t in chart.get_attribute("data-x-ticks").split()]
    assert epochs[0] == 0 and epochs[-1] <= epoch < epochs[-1] + (epochs[1] - epochs[0]) and len(epochs) >= 3
    page.click("#log-loss")
    expect(chart).to_have_attribute("data-scale", "log")
    log = _tick_values(chart.get_attribute("data-y-ticks"))
    assert log[0] <= min(losses) and log[-1] >= max(losses)  # whole decades around the data
    assert log == sorted(set(log)) and len(log) >= 3
    page.click("#log-loss")
    expect(chart).to_have_attribute("data-scale", "linear")


def test_regenerate_draws_new_data_from_the_next_seed(page: Page, store):
    old = page.evaluate("state.data.train")
    _rebuild(page, lambda: page.click("#regenerate"))
    expect(page.locator("#seed")).to_have_value("1")
    assert page.evaluate("state.data.train") != old
    assert store.sessions[page.evaluate("state.session")].config.seed == 1
    assert "seed=1" in page.evaluate("location.hash")


def test_l1_is_a_setting_of_the_link_and_the_session(page: Page, store):
    _rebuild(page, lambda: (page.fill("#l1", "0.01"), page.locator("#l1").blur()))
    assert store.sessions[page.evaluate("state.session")].config.l1 == 0.01
    assert "l1=0.01" in page.evaluate("location.hash")
    page.fill("#l1", "2")
    expect(page.locator("#field-error")).to_contain_text("L1 regularisation must be a number from 0 to 1")
    expect(page.locator("#step")).to_be_disabled()
    _rebuild(page, lambda: (page.fill("#l1", "0"), page.locator("#l1").blur()))


def test_three_class_sets_and_plain_gradient_descent_as_batch_size_all(page: Page, store):
    options = page.locator("#dataset option").all_inner_texts()
    assert "three_blobs" in options and "spirals3" in options
    assert "gd" not in page.locator("#optimizer option").all_inner_texts()
    _rebuild(page, lambda: page.select_option("#dataset", "spirals3"))
    expect(page.locator("#summary")).to_contain_text("2-8-8-3 network")
    expect(page.locator("#output-legend")).to_contain_text("class: 0 1 2")
    page.screenshot(path=str(ARTIFACTS / "three-arm-spiral.png"), full_page=True)
    # An old link naming "gd" opens as sgd with one batch of all samples.
    opened = page.context.new_page()
    opened.goto(page.url.split("#")[0] + "#dataset=three_blobs&optimizer=gd&batch=10&hidden=4:relu")
    expect(opened.locator("body")).to_have_attribute("data-builds", "1")
    expect(opened.locator("#optimizer")).to_have_value("sgd")
    expect(opened.locator("#batch-size")).to_have_value("")
    session = store.sessions[opened.evaluate("state.session")]
    assert session.config.batch_size is None and session.dataset.task == "multiclass"
    opened.close()


def test_no_sideways_scroll_at_390_px(page: Page):
    narrow = page.context.new_page()
    narrow.set_viewport_size({"width": 390, "height": 844})
    narrow.goto(page.url.split("#")[0] + "#hidden=16:relu,16:relu,16:relu,16:relu,16:relu,16:relu")
    expect(narrow.locator("body")).to_have_attribute("data-builds", "1")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 390
    box = narrow.locator("#graph").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert narrow.locator("#graph line.weight").count() == 2 * 16 + 5 * 16 * 16 + 16
    narrow.screenshot(path=str(ARTIFACTS / "narrow-390.png"), full_page=True)
    narrow.close()


def test_input_features_become_input_nodes_and_part_of_the_link(page: Page, store):
    _rebuild(page, lambda: page.select_option("#dataset", "circles"))
    for name in ("x1^2", "x2^2"):
        _rebuild(page, lambda name=name: page.check(f'#inputs input[value="{name}"]'))
    expect(page.locator("#summary")).to_contain_text("4-8-8-1 network")
    labels = page.locator('#graph .node[data-layer="0"] .input-name').all_inner_texts()
    assert labels == ["x1", "x2", "x1²", "x2²"]
    assert "inputs=x1,x2,x1^2,x2^2" in page.evaluate("location.hash")
    session = store.sessions[page.evaluate("state.session")]
    assert session.dataset.feature_names == ["x1", "x2", "x1^2", "x2^2"]
    x1 = session.dataset.X_train[:, 0]
    assert (session.dataset.X_train[:, 2] == x1**2).all()
    _rebuild(page, lambda: page.uncheck('#inputs input[value="x1"]'))
    expect(page.locator("#summary")).to_contain_text("3-8-8-1 network")
