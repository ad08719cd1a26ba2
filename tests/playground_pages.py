"""The playground page in real headless Chromium (Debian's /usr/bin/chromium), driven by
Playwright's sync API against a uvicorn server on 127.0.0.1: the shared machinery of the
browser tests (tests/test_playground_*browser*.py and the graph tests).

No browser is downloaded: Playwright launches the system Chromium. Without Chromium or
Playwright the tests skip with a message, unless NEURALAB_REQUIRE_BROWSER=1 (set by .ci/run),
where a missing browser is a failure. Import ``REASON`` first and skip the module on it.
"""

from __future__ import annotations

import os
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
REQUIRED = os.environ.get("NEURALAB_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "playground"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        return f"the browser tests need playwright, starlette and uvicorn ({exc}); pip install -e '.[test]'"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found; install Debian's chromium (apt-get install chromium)"
    return None


REASON = _missing()
if REASON is not None:
    if REQUIRED:
        raise RuntimeError(f"NEURALAB_REQUIRE_BROWSER=1 but {REASON}")
    pytest.skip(REASON, allow_module_level=True)

import uvicorn  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from neuralab.playground import SessionStore  # noqa: E402

# Waits on DOM state, never on timers; on a loaded machine (CI, parallel helpers) 25 epochs can
# take longer than Playwright's default 5 s for ``expect``.
expect.set_options(timeout=30_000)
from neuralab.playground.app import create_app  # noqa: E402


class _Server(uvicorn.Server):
    """uvicorn that says when it listens (an Event, no polling)."""

    def __init__(self, config):
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets=None):
        await super().startup(sockets)
        self.ready.set()


class WatchedStore(SessionStore):
    """A SessionStore that says which sessions were closed (waited on with a Condition, no polling)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.closed: list[str] = []
        self.changed = threading.Condition()

    def delete(self, session_id: str) -> None:
        super().delete(session_id)
        with self.changed:
            self.closed.append(session_id)
            self.changed.notify_all()


@contextmanager
def serve(store: SessionStore, *, lifespan: str = "off"):
    """A uvicorn server of the playground over ``store`` on a free 127.0.0.1 port; yields its URL.

    ``lifespan="on"`` runs the app's lifespan as ``neuralab playground`` does (one BLAS thread
    in this whole process while it serves)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))  # a free port, chosen by the OS and kept by this socket
    port = listener.getsockname()[1]
    server = _Server(uvicorn.Config(create_app(store), log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    assert server.ready.wait(20), "the playground server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        listener.close()


@contextmanager
def open_page(url: str, profile: Path, *, width: int = 1400, height: int = 1050):
    """A Chromium page on ``url`` once the first network is built; fails on JavaScript errors
    and on files the page asked for and did not get."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
        )
        context.set_default_timeout(20_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        missing: list[str] = []  # e.g. /favicon.ico: the page names an inline icon instead
        page.on(
            "response", lambda r: missing.append(r.url) if r.status == 404 and "/api/" not in r.url else None
        )
        page.goto(url)
        expect(page.locator("body")).to_have_attribute("data-builds", "1")
        yield page
        context.close()
        assert not errors, f"JavaScript errors on the page: {errors}"
        assert not missing, f"files the page asked for and did not get: {missing}"


def page_fixtures(max_sessions: int = 16, **viewport):
    """The module-scoped fixtures ``store`` (a WatchedStore) and ``page`` (Chromium on a server of
    that store), for a test module to bind: ``store, page = page_fixtures()``."""

    @pytest.fixture(scope="module")
    def store():
        return WatchedStore(max_sessions=max_sessions)

    @pytest.fixture(scope="module")
    def page(store, tmp_path_factory):
        profile = tmp_path_factory.mktemp("chromium-profile")
        with serve(store) as url, open_page(url, profile, **viewport) as page:
            yield page

    return store, page


def hover_weight(page, layer: int, source: int, target: int) -> None:
    """Move the mouse onto the drawn weight line ``layer``/``source``/``target`` where it is the
    topmost element (lines cross, so a point is searched along it)."""
    point = page.evaluate(f"""() => {{
        const hit = document.querySelector(
            '#graph .hits line[data-layer="{layer}"][data-from="{source}"][data-to="{target}"]');
        const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((k) => Number(hit.getAttribute(k)));
        const box = document.getElementById('graph').getBoundingClientRect();
        for (let t = 0.05; t < 1; t += 0.01) {{
            const x = box.left + x1 + t * (x2 - x1), y = box.top + y1 + t * (y2 - y1);
            if (document.elementFromPoint(x, y) === hit) return [x, y];
        }}
        return null; }}""")
    assert point is not None, "the line is covered everywhere"
    page.mouse.move(*point)


__all__ = [
    "ARTIFACTS",
    "Page",
    "WatchedStore",
    "expect",
    "hover_weight",
    "open_page",
    "page_fixtures",
    "serve",
]
