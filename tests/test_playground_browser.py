"""End-to-end: the playground page in real headless Chromium (Debian's /usr/bin/chromium),
driven by Playwright against a uvicorn server on 127.0.0.1 (the machinery, and when these
tests skip: tests/playground_pages.py). Every wait is on DOM state (Playwright's
``expect``), never on a timer; training is seeded, so the epochs run are deterministic.
Screenshots go to test-artifacts/playground/ (gitignored).
"""

from __future__ import annotations

import pytest

from playground_pages import ARTIFACTS, Page, expect, page_fixtures  # skips without a browser

store, page = page_fixtures(max_sessions=64)


def _builds(page: Page) -> int:
    return int(page.locator("body").get_attribute("data-builds"))


def _rebuilt(page: Page, before: int) -> None:
    expect(page.locator("body")).to_have_attribute("data-builds", str(before + 1))


def _boundary(page: Page) -> str:
    return page.evaluate("document.getElementById('boundary').toDataURL()")


def _train_loss(page: Page) -> float:
    return float(page.locator("#loss-readout").get_attribute("data-train"))


def _set_number(page: Page, selector: str, value: str) -> None:
    before = _builds(page)
    page.fill(selector, value)
    # Leaving the field fires the browser's own change event, once. (A synthetic change
    # event would be followed by a second, native one at the next click elsewhere.)
    page.locator(selector).blur()
    _rebuilt(page, before)


def test_build_train_and_watch_the_loss_fall(page: Page):
    before = _builds(page)
    page.click("#add-layer")  # 2-8-8-1 -> 2-8-8-8-1
    _rebuilt(page, before)
    expect(page.locator("#summary")).to_contain_text("2-8-8-8-1 network")
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", "0")
    initial_loss = _train_loss(page)
    initial_image = _boundary(page)

    page.fill("#n-epochs", "25")
    page.click("#train-n")  # streams 25 frames over server-sent events, then stops
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", "25")
    expect(page.locator("body")).to_have_attribute("data-busy", "0")
    page.screenshot(path=str(ARTIFACTS / "trained.png"), full_page=True)

    final_loss = _train_loss(page)
    assert final_loss < 0.5 * initial_loss, (initial_loss, final_loss)  # circles: 0.69 -> well below
    assert _boundary(page) != initial_image
    assert page.locator("#graph .node").count() == 2 + 24 + 1  # inputs, three hidden layers of 8, output
    expect(page.locator("#gradient-warning")).to_be_hidden()

    page.click("#step")
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", "26")
    page.click("#reset")
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", "0")
    assert _train_loss(page) == pytest.approx(initial_loss)  # the same initial weights


def test_explain_this_step(page: Page):
    page.fill("#sample", "3")
    page.click("#explain")
    expect(page.locator("#explanation table")).to_have_count(4)  # one per layer of 2-8-8-8-1
    expect(page.locator("#explanation")).to_contain_text("dE/dz = dE/da × f'(z)")


def _set_learning_rate(page: Page, value: str) -> None:
    """The learning rate applies mid-run (no rebuild): the page counts the changes it sent."""
    before_rates, before_builds = page.locator("body").get_attribute("data-rates"), _builds(page)
    page.fill("#learning-rate", value)
    page.locator("#learning-rate").blur()
    expect(page.locator("body")).to_have_attribute("data-rates", str(int(before_rates) + 1))
    assert _builds(page) == before_builds


def test_huge_learning_rate_shows_divergence(page: Page):
    trained = str(int(page.locator("#epoch").get_attribute("data-epoch")) + 1)
    page.click("#step")
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", trained)
    _set_learning_rate(page, "100")  # the same weights go on with the new rate
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", trained)
    page.click("#step")
    message = page.locator("#divergence")
    expect(message).to_be_visible()
    expect(message).to_contain_text("learning rate 100")
    expect(message).to_contain_text("smaller learning rate")
    expect(page.locator("#step")).to_be_disabled()
    expect(page.locator("#run-note")).to_contain_text("the training diverged")
    page.screenshot(path=str(ARTIFACTS / "divergence.png"), full_page=True)
    _set_learning_rate(page, "0.1")  # the weights from before the divergence were kept: go on
    expect(message).to_contain_text("The learning rate is now 0.1")  # why it stopped stays visible
    expect(page.locator("#step")).to_be_enabled()
    epoch = int(page.locator("#epoch").get_attribute("data-epoch"))
    page.click("#step")
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", str(epoch + 1))
    expect(message).to_be_hidden()  # cleared once an epoch trained


def test_deep_sigmoid_network_shows_vanishing_gradients(page: Page):
    for _ in range(2):  # 3 -> 5 hidden layers
        before = _builds(page)
        page.click("#add-layer")
        _rebuilt(page, before)
    selects = page.locator("#layers select.activation")
    for index in range(selects.count()):
        before = _builds(page)
        selects.nth(index).select_option("sigmoid")
        _rebuilt(page, before)
    warning = page.locator("#gradient-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Gradients vanish")
    expect(warning).to_contain_text("sigmoid")
    page.screenshot(path=str(ARTIFACTS / "vanishing.png"), full_page=True)


def test_binary_step_explains_why_it_cannot_train(page: Page):
    before = _builds(page)
    page.locator("#layers select.activation").first.select_option("binary_step")
    _rebuilt(page, before)
    message = page.locator("#not-trainable")
    expect(message).to_be_visible()
    expect(message).to_contain_text("no gradient flows back")
    expect(page.locator("#step")).to_be_disabled()


def _server_epoch(page: Page) -> int:
    return page.evaluate("fetch(`/api/sessions/${state.session}`).then((r) => r.json()).then((f) => f.epoch)")


def _wait_epoch_at_least(page: Page, epoch: int) -> None:
    page.wait_for_function(f"Number(document.getElementById('epoch').dataset.epoch) >= {epoch}")


def test_play_never_runs_ahead_of_the_picture_and_pause_freezes_there(page: Page):
    before = _builds(page)
    page.locator("#layers select.activation").first.select_option("relu")  # binary_step cannot train
    _rebuilt(page, before)
    expect(page.locator("#step")).to_be_enabled()
    start = int(page.locator("#epoch").get_attribute("data-epoch"))
    page.click("#play")
    expect(page.locator("#play")).to_have_text("Pause")
    for ahead in range(1, 4):  # the server is at most the chunk in flight ahead of the screen
        _wait_epoch_at_least(page, start + 2 * ahead)
        # The loop goes on while the server is asked, so the epoch on screen is read before and
        # after: the server's epoch lies between the first and one chunk past the second.
        # A chunk is several epochs (as many as keep Play near 75 epochs/s): the largest chunk
        # sent while the server was asked bounds how far it can be ahead.
        before, server, after, chunk = page.evaluate("""async () => {
            const shown = () => Number(document.getElementById('epoch').dataset.epoch);
            const inFlight = () => (state.loop ? state.loop.inFlight : 0);
            const before = shown();
            let chunk = inFlight();
            const frame = await (await fetch(`/api/sessions/${state.session}`)).json();
            chunk = Math.max(chunk, inFlight());
            return [before, frame.epoch, shown(), chunk];
        }""")
        assert 1 <= chunk <= 25
        assert before <= server <= after + chunk, (before, server, after, chunk)
    page.click("#play")  # Pause: the chunk in flight is drawn, then nothing more trains
    expect(page.locator("body")).to_have_attribute("data-busy", "0")
    paused = int(page.locator("#epoch").get_attribute("data-epoch"))
    assert _server_epoch(page) == paused
    expect(page.locator("#run-note")).to_have_text(f"Paused at epoch {paused}.")
    page.click("#step")
    expect(page.locator("#epoch")).to_have_attribute("data-epoch", str(paused + 1))
    assert _server_epoch(page) == paused + 1


def test_a_failed_build_leaves_nothing_trainable_and_offers_the_batch_size_that_works(page: Page):
    before = _builds(page)
    failed = int(page.locator("body").get_attribute("data-failed"))
    page.fill("#n-samples", "20")  # 14 training samples, batch size 10: still builds
    page.locator("#n-samples").blur()
    _rebuilt(page, before)
    page.fill("#batch-size", "50")
    page.locator("#batch-size").blur()
    expect(page.locator("body")).to_have_attribute("data-failed", str(failed + 1))
    expect(page.locator("#error")).to_contain_text("`batch_size` 50 is larger than the 14 training samples")
    expect(page.locator("#not-built")).to_be_visible()
    expect(page.locator("#epoch")).to_have_text("Not built")
    for button in ("#play", "#step", "#train-n", "#reset", "#explain"):
        expect(page.locator(button)).to_be_disabled()
    assert page.evaluate("state.session") is None
    page.screenshot(path=str(ARTIFACTS / "not-built.png"), full_page=True)
    page.click("#apply-fix")  # "Use batch size 14"
    _rebuilt(page, before + 1)
    expect(page.locator("#batch-size")).to_have_value("14")
    expect(page.locator("#not-built")).to_be_hidden()
    expect(page.locator("#step")).to_be_enabled()
    _set_number(page, "#batch-size", "10")
    _set_number(page, "#n-samples", "500")


def _csv(rows: int) -> bytes:
    lines = ["height,width,depth,kind"] + [
        f"{(i * 37 % 17) / 4:.2f},{(i * 11 % 13) / 3:.2f},{i % 5},{'big' if i % 3 else 'small'}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_uploads_keep_their_own_error_and_the_y_list_excludes_x(page: Page):
    page.select_option("#dataset", "upload")
    expect(page.locator("#not-built")).to_be_visible()  # no CSV yet: nothing to train
    before = _builds(page)
    page.set_input_files("#upload", files=[{"name": "good.csv", "mimeType": "text/csv", "buffer": _csv(40)}])
    _rebuilt(page, before)
    expect(page.locator("#x-feature")).to_have_value("height")
    expect(page.locator("#y-feature")).to_have_value("width")
    assert page.locator("#y-feature option").all_inner_texts() == ["width", "depth"]
    page.select_option("#x-feature", "width")
    _rebuilt(page, before + 1)
    assert page.locator("#y-feature option").all_inner_texts() == ["height", "depth"]
    expect(page.locator("#y-feature")).to_have_value("height")
    expect(page.locator("#error")).to_be_hidden()

    failed = int(page.locator("body").get_attribute("data-failed"))
    bad = b"a,b,c\n" + b"x,y,z\n" * 20
    page.set_input_files("#upload", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}])
    expect(page.locator("#error")).to_contain_text("bad.csv has 0 numeric column")
    expect(page.locator("#not-built")).to_contain_text("The upload of bad.csv failed")
    expect(page.locator("#step")).to_be_disabled()
    assert _builds(page) == before + 2 and int(page.locator("body").get_attribute("data-failed")) == failed
    page.select_option("#dataset", "circles")
    _rebuilt(page, before + 2)
    expect(page.locator("#error")).to_be_hidden()


def test_accessible_names_and_the_layer_limit_hint(page: Page):
    expect(page.get_by_label("Noise", exact=True)).to_have_attribute("type", "range")
    expect(page.get_by_label("Test share", exact=True)).to_have_attribute("type", "range")
    expect(page.get_by_role("button", name="remove hidden layer 1")).to_be_visible()
    expect(page.get_by_role("button", name="more neurons in hidden layer 2")).to_be_visible()
    select = page.locator("#layers select.activation").first
    fits = select.evaluate(
        "(s) => { const o = s.value; s.value = 'binary_step'; "
        "const ok = s.scrollWidth <= s.clientWidth; s.value = o; return ok; }"
    )
    assert fits and select.bounding_box()["width"] >= 100
    while page.locator("#layers .layer-row").count() < 6:
        before = _builds(page)
        page.click("#add-layer")
        _rebuilt(page, before)
    expect(page.locator("#add-layer")).to_be_disabled()
    expect(page.locator("#add-layer")).to_have_attribute(
        "title", "At most 6 hidden layers: remove one (×) to add another."
    )
    expect(page.locator("#layers-hint")).to_contain_text("remove one")


def test_reloading_closes_the_pages_session(page: Page, store):
    old = page.evaluate("state.session")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-builds", "1")
    with store.changed:  # the keepalive DELETE sent on pagehide arrives (no timer: a Condition)
        assert store.changed.wait_for(lambda: old in store.closed, timeout=20)
    assert old not in store.sessions and page.evaluate("state.session") in store.sessions
