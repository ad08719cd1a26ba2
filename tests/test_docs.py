"""The documentation: every public name has an API entry, every Python example on the pages
runs, and the site builds with `mkdocs build --strict` (a broken link, a missing page or an
unresolved reference fails).

The build test is skipped with a message only when mkdocs is not installed and CI is not
set; in CI (CI set) it always runs.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import neuralab

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# Hand-written pages (generated/ and notebooks/ are written by the build).
PAGES = sorted(
    p for p in DOCS.rglob("*.md") if not {"generated", "notebooks"} & set(p.relative_to(DOCS).parts)
)


def _identifiers() -> list[str]:
    found = []
    for page in (DOCS / "reference").glob("*.md"):
        found += re.findall(r"^::: ([\w.]+)", page.read_text(), flags=re.M)
    return found


def test_every_public_name_has_an_api_entry():
    identifiers = _identifiers()
    missing = [
        name
        for name in neuralab.__all__
        if name != "__version__"
        and not any(
            i == f"neuralab.{name}" or (i.startswith("neuralab.") and i.endswith(f".{name}"))
            for i in identifiers
        )
    ]
    assert not missing, f"add `::: neuralab.NAME` to a page in docs/reference/ for: {missing}"
    assert "neuralab.__version__" in (DOCS / "reference" / "index.md").read_text()


# The public names: neuralab's __all__ and the __all__ of its public subpackages.
PUBLIC_PACKAGES = ("neuralab", "neuralab.experiments", "neuralab.sweeps", "neuralab.data")


def _public_names() -> list[tuple[str, str]]:
    return [
        (package, name)
        for package in PUBLIC_PACKAGES
        for name in importlib.import_module(package).__all__
        if name != "__version__"
    ]


def _docstring_of(package: str, name: str):
    """The griffe object mkdocstrings documents for ``package.name`` (what the site shows)."""
    import types

    obj = getattr(importlib.import_module(package), name)
    if isinstance(obj, types.ModuleType):
        path = obj.__name__
    elif isinstance(obj, type) or callable(obj):
        path = f"{obj.__module__}.{obj.__qualname__}"
    else:  # a constant: its attribute docstring, found through the package
        path = f"{package}.{name}"
    found = _griffe_package()
    for part in path.split(".")[1:]:
        found = found.members[part]
        while found.is_alias:
            found = found.final_target
    return found


@functools.cache
def _griffe_package():
    import griffe

    return griffe.load("neuralab", search_paths=[str(ROOT / "src")], docstring_parser="numpy")


@pytest.mark.parametrize(("package", "name"), _public_names(), ids=lambda value: str(value))
def test_every_public_name_has_a_runnable_example(package, name):
    """A numpy 'Examples' section with >>> lines: the site renders it as code, pytest's
    --doctest-modules runs it. Attribute docstrings are invisible to --doctest-modules, so
    their examples run here."""
    import doctest

    obj = _docstring_of(package, name)
    docstring = obj.docstring
    assert docstring is not None, f"{package}.{name} has no docstring"
    sections = docstring.parse("numpy")
    examples = [section for section in sections if section.kind.value == "examples"]
    assert examples and ">>>" in docstring.value, (
        f"{package}.{name} ({obj.filepath.name}) needs an 'Examples' section with a >>> example"
    )
    assert not [section for section in sections if section.kind.value == "text" and ">>>" in section.value], (
        f"{package}.{name}: a >>> outside the 'Examples' section renders as a quote, not code"
    )
    if obj.is_attribute:
        test = doctest.DocTestParser().get_doctest(
            docstring.value, {}, f"{package}.{name}", str(obj.filepath), docstring.lineno or 0
        )
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test)
        assert runner.summarize(verbose=False).failed == 0, f"the example of {package}.{name} fails"


def _resolve(identifier: str) -> object:
    """The object an mkdocstrings identifier names: the longest importable module, then attributes."""
    parts = identifier.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part)
        return obj
    raise AssertionError(f"{identifier} names no module")


def test_every_api_entry_names_something_real():
    for identifier in _identifiers():
        assert _resolve(identifier) is not None, identifier


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", page.read_text(), flags=re.S | re.M)


@pytest.mark.parametrize(
    "page", [p for p in PAGES if _python_blocks(p)], ids=lambda p: str(p.relative_to(DOCS))
)
def test_page_examples_run(page, tmp_path, monkeypatch):
    """The ```python blocks of a page run top to bottom in one namespace (bash blocks do not)."""
    if (
        "onnxruntime" in page.read_text()
        and importlib.util.find_spec("onnxruntime") is None
        and not os.environ.get("CI")
    ):
        pytest.skip("onnxruntime is not installed: pip install -e '.[test]'")
    monkeypatch.chdir(tmp_path)  # pages may write files (a CSV, a model)
    namespace: dict = {"__name__": "__docs__"}
    for number, block in enumerate(_python_blocks(page), start=1):
        code = compile(block, f"{page.relative_to(DOCS)} (python block {number})", "exec")
        exec(code, namespace)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built once with ``mkdocs build --strict`` (its log is checked by the next test)."""
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("CI"):
            pytest.fail("mkdocs is not installed in CI: it is in the test extra (pip install -e '.[test]')")
        pytest.skip("mkdocs is not installed: pip install -e '.[docs]' to build the docs")
    site = tmp_path_factory.mktemp("docs") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = done.stdout + done.stderr
    (site.parent / "build.log").write_text(log)
    assert done.returncode == 0, log
    return site


def _html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_docs_build_strictly(site):
    log = (site.parent / "build.log").read_text()
    assert "WARNING" not in log, log
    api = (site / "reference" / "network" / "index.html").read_text()
    assert 'id="neuralab.Sequential"' in api and "n_samples" in api
    tutorial = (site / "tutorials" / "learning-rate" / "index.html").read_text()
    assert "--8&lt;--" not in tutorial and "suggested learning rate" in tutorial
    for figure in re.findall(r'src="\.\./\.\./generated/([\w.]+\.png)"', tutorial):
        assert (site / "generated" / figure).stat().st_size > 1000
    pictures = {
        "index.html": ["generated/xor_boundary.png", "images/playground.png"],
        "tutorials/gradient-descent/index.html": ["generated/descent_zigzag.png"],
        "tutorials/backpropagation/index.html": ["generated/backprop.png", "images/playground.png"],
        "tutorials/real-data/index.html": ["generated/real_history.png"],
    }
    for page, figures in pictures.items():
        html = (site / page).read_text()
        for figure in figures:
            assert figure in html, f"{page} should show {figure}"
            assert (site / figure).stat().st_size > 10_000, figure
    backprop = (site / "tutorials" / "backpropagation" / "index.html").read_text()
    # the backprop figure beside the sketch, before the computation it pictures
    assert backprop.index("generated/backprop.png") < backprop.index('id="the-forward-pass"')


# A script, stylesheet or font fetched from another host: the site must work offline.
_REMOTE = re.compile(
    r"""<script[^>]*\ssrc=["']?(?:https?:)?//"""
    r"""|<link[^>]*\shref=["']?(?:https?:)?//[^>]*>"""
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//""",
    re.I,
)


def _remote_assets(text: str) -> list[str]:
    found = []
    for match in _REMOTE.finditer(text):
        tag = match.group(0)
        # <link> also names the canonical address, the repository and alternates: not fetched
        if tag.lower().startswith("<link") and not re.search(r"stylesheet|preload|font|icon", tag, re.I):
            continue
        found.append(tag[:160])
    return found


def test_remote_asset_detector_catches_cdn_math_and_fonts():
    """The offline check below is only as good as this detector: it must see what mkdocs.yml once had."""
    assert _remote_assets('<script src="https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js"></script>')
    assert _remote_assets('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">')
    assert _remote_assets('<link href="//fonts.gstatic.com" rel="preconnect font">')
    assert _remote_assets("@font-face{src:url(https://example.org/a.woff2)}")
    assert not _remote_assets('<link rel="canonical" href="https://example.org/page/">')
    assert not _remote_assets('<script src="../assets/katex/katex.min.js"></script>')


def test_site_loads_no_script_stylesheet_or_font_from_the_internet(site):
    offenders = {}
    for path in [*_html_pages(site), *site.rglob("*.css")]:
        found = _remote_assets(path.read_text(errors="replace"))
        if found:
            offenders[str(path.relative_to(site))] = found
    assert not offenders, f"assets fetched from the internet (vendor them under docs/assets/): {offenders}"
    page = (site / "index.html").read_text()
    assert "assets/katex/katex.min.js" in page and "assets/katex/katex.min.css" in page
    assert (site / "assets" / "katex" / "fonts" / "KaTeX_Main-Regular.woff2").stat().st_size > 10_000


def test_no_untypeset_math_markup_in_built_pages(site):
    """Docstring math is written `$$ ... $$` / `\\( ... \\)` (arithmatex); reST markup would show raw."""
    left = {}
    for path in _html_pages(site):
        text = path.read_text()
        hits = [marker for marker in (".. math::", ":math:`", "$$") if marker in text]
        if hits:
            left[str(path.relative_to(site))] = hits
    assert not left, f"math markup the site does not typeset: {left}"
    activations = (site / "reference" / "activations" / "index.html").read_text()
    assert activations.count('class="arithmatex"') >= 7  # one formula per activation at least


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts" / "docs"


def _browser_missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed: pip install -e '.[test]'"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found; install Debian's chromium (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def served_site(site):
    """The built site over HTTP on 127.0.0.1, as `mkdocs serve` or any static host would give it."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser_page(served_site):
    reason = _browser_missing()
    if reason is not None:
        if os.environ.get("NEURALAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"NEURALAB_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        def route(route_request):  # the site must not need anything but itself
            if route_request.request.url.startswith(served_site):
                route_request.continue_()
            else:
                outside.append(route_request.request.url)
                route_request.abort()

        page.route("**/*", route)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page, served_site, outside, errors
        browser.close()


def test_math_is_typeset_offline_in_chromium(site, browser_page):
    """Every page with a formula (tutorials, notation, notebooks, reference, how-tos): all of
    them typeset by the vendored KaTeX, none it could not parse, no request off the site."""
    page, base, outside, errors = browser_page
    paths = sorted(
        str(html.parent.relative_to(site)) + "/"
        for html in _html_pages(site)
        if 'class="arithmatex"' in html.read_text()
    )
    assert len(paths) >= 15 and "notation/" in paths and "reference/losses/" in paths, paths
    for path in paths:
        page.goto(f"{base}/{path}")
        page.wait_for_selector(".arithmatex .katex", state="attached")
        untypeset = page.locator(".arithmatex:not([data-typeset])").count()
        assert untypeset == 0, f"{untypeset} formulas on {path} were not typeset"
        bad = page.locator(".katex-error").all_inner_texts()
        assert not bad, f"KaTeX could not parse on {path}: {bad}"
        text = page.locator("article").inner_text()
        assert "\\(" not in text and "$$" not in text, f"raw TeX shows on {path}"
    assert not outside, f"pages asked the internet for {outside}"
    assert not errors, f"JavaScript errors: {errors}"


def test_home_tutorial_and_dense_entry_look_right_in_chromium(browser_page):
    """Screenshots for people (test-artifacts/docs/), and what a reader must see on them."""
    page, base, outside, errors = browser_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{base}/")
    assert page.locator("h1").first.inner_text().rstrip("¶") == "neuralab"
    page.screenshot(path=str(ARTIFACTS / "home.png"))
    page.goto(f"{base}/tutorials/backpropagation/")
    page.wait_for_selector(".arithmatex .katex")
    page.screenshot(path=str(ARTIFACTS / "tutorial-backpropagation.png"))
    page.goto(f"{base}/reference/network/#neuralab.Dense")
    entry = page.locator("div.doc-object:has(> h2#neuralab\\.Dense)").first
    example = entry.locator(":scope > .doc-contents > div.highlight").filter(has_text=">>> ").first
    assert "Dense(" in example.inner_text() and "array([[0.5987, 0.7503]])" in example.inner_text()
    example.evaluate("element => element.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(ARTIFACTS / "reference-dense.png"))
    assert entry.locator("blockquote").count() == 0, "an example rendered as a quote (a bare >>>)"
    assert not outside and not errors, (outside, errors)


TUTORIALS = sorted((DOCS / "tutorials").glob("*.md"))


@pytest.mark.parametrize("page", TUTORIALS, ids=lambda p: p.stem)
def test_every_tutorial_links_the_notation_and_ends_with_what_to_remember_and_exercises(page):
    text = page.read_text()
    assert "](../notation.md)" in text, f"{page.name}: link the notation page near the top"
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[-2:] == ["What to remember", "Exercises"], (
        f"{page.name} must end with '## What to remember' then '## Exercises'; its last headings: "
        f"{headings[-3:]}"
    )
    exercises = text.split("\n## Exercises\n", 1)[1]
    answers = re.findall(r'^--8<-- "(ex_[\w]+\.md)"$', exercises, flags=re.M)
    assert 2 <= len(answers) <= 4, f"{page.name}: 2 to 4 exercises, each with its answer; found {answers}"
    assert len(re.findall(r"^\*\*\d\.\*\* ", exercises, flags=re.M)) == len(answers)
    for answer in answers:  # written by docs/gen_figures.py from the engine, never by hand
        assert f'"{answer[3:-3]}"' in (DOCS / "gen_figures.py").read_text(), answer


def test_exercise_answers_fold_and_hold_engine_numbers(site):
    for page in TUTORIALS:
        html = (site / "tutorials" / page.stem / "index.html").read_text()
        exercises = html.split('id="exercises"', 1)[1]
        folded = re.findall(
            r'<details class="success">\s*<summary>Answer</summary>(.*?)</details>', exercises, flags=re.S
        )
        assert 2 <= len(folded) <= 4 and all(re.search(r"\d", answer) for answer in folded), page.name
    gradient = (site / "tutorials" / "gradient-descent" / "index.html").read_text()
    assert "[0.2, 4.25, -0.8125, 5.516]" in gradient  # w after 3 steps at 1.8: 2 + (-1.25)^k (0.2 - 2)


def test_notebooks_are_pages_with_their_outputs(site):
    import json

    for notebook in sorted((ROOT / "examples").glob("*.ipynb")):
        html = (site / "notebooks" / notebook.stem / "index.html").read_text()
        cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
        blocks = html.count('<div class="highlight"')
        assert "executed top to" in html and blocks > len(cells), (  # a block per cell, and outputs
            f"{notebook.name}: {blocks} code blocks for {len(cells)} code cells: no outputs?"
        )
        assert "Traceback" not in html and "%matplotlib" not in html
    xor = (site / "notebooks" / "02-backprop-xor" / "index.html").read_text()
    # its rich displays, inline: the course's dE/dw1 in the trace table, the live fit's last
    # picture and the History's loss curve (SVG)
    assert "0.0010214" in xor and "finished: 500 epochs" in xor
    assert re.search(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*aria-label="Loss"', xor)
    for tutorial, notebook in [
        ("backpropagation", "02-backprop-xor"),
        ("vanishing-gradient", "03-vanishing-gradient"),
    ]:
        assert f"../notebooks/{notebook}.md" in (DOCS / "tutorials" / f"{tutorial}.md").read_text()
