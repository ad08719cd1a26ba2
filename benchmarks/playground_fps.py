"""Epochs and frames per second of the playground's Play, measured in Chromium (not a test).

Starts the playground server on 127.0.0.1, opens the page in Debian's /usr/bin/chromium
(Playwright), presses Play for ``--seconds`` and counts the epochs trained and the frames
drawn (each change of the epoch on screen is one frame, drawn from the weights of the epoch it
names). Two setups: the default (circles, 500 points, 2-8-8-1 relu, batch 10) and a deep one
(six hidden layers of 16 units), opened from a link that holds the setup. Also prints the
session alone (train one epoch + its frame + JSON, no browser) for comparison.

    python -m benchmarks.playground_fps [--seconds 5]

The issue's goal: >= 60 epochs/s on the default setup.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

SETUPS = {
    "default 2-8-8-1": "",
    "deep 2-16x6-1": "#hidden=16:relu,16:relu,16:relu,16:relu,16:relu,16:relu",
}


def session_eps(epochs: int = 200) -> float:
    from threadpoolctl import threadpool_limits

    from neuralab.playground import SessionStore  # loads numpy's BLAS, which the limit then finds

    threadpool_limits(1)  # as the server's lifespan does
    session = SessionStore().create({"dataset": "circles", "n_samples": 500, "seed": 0})
    start = time.perf_counter()
    for _ in range(epochs):
        before = session.train(1)
        json.dumps(session.frame(since=before + 1), allow_nan=False)
    return epochs / (time.perf_counter() - start)


def browser_rates(seconds: float) -> dict[str, tuple[float, float]]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from playground_pages import WatchedStore, open_page, serve

    results = {}
    with serve(WatchedStore(max_sessions=8), lifespan="on") as url:  # as `neuralab playground` runs
        for name, fragment in SETUPS.items():
            with open_page(url + "/" + fragment, Path(tempfile.mkdtemp())) as page:
                page.evaluate("""() => {
                    window.__frames = 0;
                    const epoch = document.getElementById('epoch');
                    new MutationObserver(() => { window.__frames += 1; })
                        .observe(epoch, { attributes: true, attributeFilter: ['data-epoch'] });
                }""")
                first = int(page.locator("#epoch").get_attribute("data-epoch"))
                page.click("#play")
                start = time.perf_counter()
                page.wait_for_timeout(seconds * 1000)
                page.click("#play")  # Pause: the chunk in flight is drawn, then it stops there
                page.wait_for_function("document.body.dataset.busy === '0'")
                elapsed = time.perf_counter() - start
                last = int(page.locator("#epoch").get_attribute("data-epoch"))
                frames = page.evaluate("window.__frames")
                results[name] = ((last - first) / elapsed, frames / elapsed)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    seconds = parser.parse_args().seconds
    print(f"Play in Chromium for {seconds:g} s per setup (circles, 500 points, batch 10, sgd)")
    print(f"{'setup':<18} {'epochs/s':>9} {'frames/s':>9}")
    for name, (eps, fps) in browser_rates(seconds).items():
        print(f"{name:<18} {eps:9.1f} {fps:9.1f}")
    print(f"session alone (train 1 epoch + frame + JSON, no browser): {session_eps():.1f} epochs/s")


if __name__ == "__main__":
    main()
