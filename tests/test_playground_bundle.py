"""The playground's ES modules bundled for a front end that cannot fetch them (the notebook widget),
and its stylesheet scoped to one element: the bundle is made of the package's files unchanged."""

from __future__ import annotations

import json
import re

import pytest

from neuralab.playground.bundle import STATIC, BundleError, bundle, module_order, scoped_css, split_imports


def _write(folder, files: dict[str, str]):
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_split_imports_cuts_at_every_sibling_specifier_and_nowhere_else():
    text = (
        'export const a = "from " + b + " to";\n'  # "from" in a string is no import
        "// import { x } from './comment.js' is in a comment, after //, not at a line start\n"
        "import {\n  c,\n  d } from './c.js';\n"
        'export { e } from "./e.js";\n'
        'import "./f.js";\n'
        "export function g() { return a.from; }\n"
    )
    parts = split_imports("x.js", text)
    assert parts[1::2] == ["c.js", "e.js", "f.js"]
    assert "".join(parts) == text.replace("./c.js", "c.js").replace("./e.js", "e.js").replace(
        "./f.js", "f.js"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'import { a } from "../a.js";\n',
            "imports '../a.js'; the bundle resolves modules of the playground",
        ),
        ('import { a } from "lodash";\n', "imports 'lodash'"),
        ('const m = await import("./a.js");\n', "uses a dynamic import()"),
    ],
)
def test_imports_the_bundle_cannot_resolve_are_refused_by_name(text, message):
    with pytest.raises(BundleError, match=re.escape(message)):
        split_imports("bad.js", text)


def test_modules_come_after_what_they_import_and_a_cycle_or_a_missing_file_is_named(tmp_path):
    folder = _write(
        tmp_path,
        {
            "entry.js": 'import { b } from "./b.js";\nimport { c } from "./c.js";\nexport default {};\n',
            "b.js": 'import { c } from "./c.js";\nexport const b = c + 1;\n',
            "c.js": "export const c = 1;\n",
        },
    )
    order, parts = module_order("entry.js", folder)
    assert order == ["c.js", "b.js", "entry.js"]
    assert parts["b.js"][1::2] == ["c.js"]
    _write(tmp_path, {"c.js": 'import { b } from "./b.js";\nexport const c = 1;\n'})
    with pytest.raises(BundleError, match=re.escape("in a cycle: b.js -> c.js -> b.js")):
        module_order("entry.js", folder)
    _write(tmp_path, {"c.js": 'import { z } from "./gone.js";\nexport const c = 1;\n'})
    with pytest.raises(BundleError, match=re.escape("c.js imports gone.js, which is not in")):
        module_order("entry.js", folder)


@pytest.mark.parametrize(("entry", "needs"), [("main.js", "graph.js"), ("widget.js", "views.js")])
def test_a_bundle_holds_the_package_files_unchanged(entry, needs):
    """Every module ``entry`` needs, each made of its file's text: joining its parts with the
    original specifiers gives the file back byte for byte (no copy, no rewrite of the code)."""
    esm = bundle(entry)
    order = json.loads(re.search(r"^const ORDER = (.*);$", esm, re.MULTILINE).group(1))
    found = re.search(r"^const PARTS = (.*?);\nconst urls", esm, re.MULTILINE | re.DOTALL)
    parts = json.loads(found.group(1))
    assert order[-1] == entry
    assert {needs, "charts.js", "colours.js"} <= set(order)
    for position, name in enumerate(order):
        pieces = parts[name]
        text = "".join(f"./{piece}" if i % 2 else piece for i, piece in enumerate(pieces))
        assert text == (STATIC / name).read_text(encoding="utf-8")
        for dependency in pieces[1::2]:
            assert order.index(dependency) < position  # loaded before the module that imports it
    assert "export default entry.default;" in esm


def test_the_page_and_the_widget_share_their_view_modules():
    page, _ = module_order("main.js")
    widget, _ = module_order("widget.js")
    shared = set(page) & set(widget)
    assert {"views.js", "graph.js", "charts.js", "player.js"} <= shared


def test_the_scoped_stylesheet_touches_nothing_outside_its_element():
    css = scoped_css((STATIC / "style.css").read_text(encoding="utf-8"), ".np")
    rules = re.findall(r"^([^{}@][^{}]*)\{", css, re.MULTILINE)
    assert rules
    for head in rules:
        for selector in head.split(","):
            assert selector.strip().startswith(".np"), selector
    assert ".np { --ink:" in css  # the page's custom properties apply to the widget's element
    assert "@media (max-width: 720px)" in css


def test_a_stylesheet_block_that_cannot_be_scoped_is_refused():
    with pytest.raises(BundleError, match="@font-face block cannot be scoped"):
        scoped_css("@font-face { font-family: x; }", ".np")
    with pytest.raises(BundleError, match="is not closed"):
        scoped_css("a { color: red;", ".np")
