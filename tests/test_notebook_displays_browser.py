"""The notebook displays in real Chromium on a light and a dark page (as JupyterLab's two themes
paint them): the text takes the page's colour, nothing paints its own background, the SVG charts'
axes and labels follow the page, every chart colour stands out from both backgrounds (WCAG 3:1
for graphics), and the page loads nothing. Screenshots go to test-artifacts/notebook/."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tests.playground_pages import CHROMIUM, CHROMIUM_ARGS  # skips (or fails in CI) without a browser

import neuralab as nl
from neuralab.trace import trace

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "notebook"
THEMES = {"light": ((255, 255, 255), (31, 35, 40)), "dark": ((17, 17, 17), (212, 212, 212))}


def displays() -> list[str]:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(120, 4)), rng.integers(0, 3, size=120)
    net = nl.Sequential([nl.Dense(8, "sigmoid") for _ in range(5)] + [nl.Dense(3, "softmax")])
    monitor = nl.GradientMonitor(X, y)
    history = net.fit(
        X,
        y,
        loss="cross_entropy",
        optimizer="adam",
        epochs=15,
        seed=0,
        validation_split=0.2,
        callbacks=[monitor],
    )
    course = nl.Sequential(
        [
            nl.Dense(1, "sigmoid", weights=[[0.15]], biases=[0.4]),
            nl.Dense(1, "sigmoid", weights=[[0.45]], biases=[0.65]),
        ],
        dtype="float64",
    )
    worked = trace(course, [[0.1]], [[0.25]], learning_rate=0.4)
    return [
        net._repr_html_(),
        history._repr_html_(),
        worked._repr_html_(),
        nl.diagnose(monitor)._repr_html_(),
    ]


def rgb(text: str) -> tuple[int, ...]:
    inside = text[text.index("(") + 1 : text.index(")")]
    return tuple(round(float(part)) for part in inside.replace("/", ",").split(",")[:3])


def luminance(colour: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


COMPUTED = """() => {
  const style = (e, p) => getComputedStyle(e)[p];
  const all = (selector) => [...document.querySelectorAll(selector)];
  const root = all('.neuralab-display');
  const shown = (e) => e.getAttribute('stroke') && e.getAttribute('stroke') !== 'none'
      ? style(e, 'stroke') : style(e, 'fill');
  return {
    cells: all('.neuralab-display td, .neuralab-display th').map(e => style(e, 'color')),
    backgrounds: all('.neuralab-display, .neuralab-display td, .neuralab-display tr')
        .map(e => style(e, 'backgroundColor')),
    svgText: all('.neuralab-display svg text[fill="currentColor"]').map(e => style(e, 'fill')),
    series: all('.neuralab-display svg polyline, .neuralab-display svg rect').map(shown),
    displays: root.length,
    overflow: root.filter(e => e.scrollWidth > e.clientWidth + 1).length,
  };
}"""


def test_displays_take_the_page_colours_on_light_and_dark_pages_and_load_nothing():
    from playwright.sync_api import sync_playwright

    body = "".join(f'<div class="jp-OutputArea-output">{markup}</div>' for markup in displays())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, (background, ink) in THEMES.items():
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.on("request", lambda request: requests.append(request.url))
                paint = f"margin:16px;background:rgb{background};color:rgb{ink}"
                page.set_content(f'<html><body style="{paint}">{body}</body></html>')
                found = page.evaluate(COMPUTED)
                page.screenshot(path=str(ARTIFACTS / f"displays-{name}.png"), full_page=True)
                page.close()
                assert found["displays"] == 4 and found["overflow"] == 0
                assert found["cells"] and {rgb(c) for c in found["cells"]} == {ink}
                assert {b for b in found["backgrounds"]} == {"rgba(0, 0, 0, 0)"}  # the page shows through
                assert found["svgText"] and {rgb(c) for c in found["svgText"]} == {ink}
                colours = {rgb(c) for c in found["series"]}
                assert len(colours) >= 3  # lines of several series, blue and red bars
                low = min(contrast(colour, background) for colour in colours)
                assert low >= 3.0, f"a chart colour has contrast {low:.2f} on the {name} page"
        finally:
            browser.close()
    assert [url for url in requests if not url.startswith(("about:", "data:"))] == []
