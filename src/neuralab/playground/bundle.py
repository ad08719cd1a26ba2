"""The playground's ES modules and stylesheet for a front end that cannot fetch them.

``bundle``: the modules as one self-contained ES module; ``scoped_css``: the page's stylesheet
with every rule confined to one element (a widget must not restyle the notebook around it).

A notebook widget (anywidget) receives its front end as the text of one ES module and imports
it from a ``blob:`` URL, where a relative ``import ... from "./graph.js"`` has nothing to
resolve against. ``bundle(entry)`` reads ``entry`` and every module it imports from
``static/`` (the same files the page loads: nothing is copied into the repository) and writes
a small loader module around them: it turns each module, dependencies first, into a ``blob:``
URL of its own with its ``"./name.js"`` specifiers replaced by the URLs of the modules it
imports, then imports the entry and re-exports its default export. Each module still runs as
the ES module it is (its own scope, live bindings, imported once per loader); only the
specifiers change.

The specifiers are found here, in Python (``split_imports``), so the loader only joins text:

    module text = part 0 + URL(dependency 1) + part 2 + URL(dependency 3) + ...

Only static imports of sibling modules are allowed (``import {a} from "./x.js"``, ``export
{a} from "./x.js"``, ``import "./x.js"``): a dynamic ``import("./x.js")``, a parent or a bare
specifier, a missing file or an import cycle raises ``BundleError`` naming the module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import NeuralabError

STATIC = Path(__file__).parent / "static"

# A static import or re-export at the start of a line (where the modules write them), up to its
# specifier: ``import { a,\n b } from "./x.js"``, ``export { a } from "./x.js"``, ``import "./x.js"``.
# Anchored so that the word "from" in a string or a comment (``"from " + a``) is never taken.
_STATIC_IMPORT = re.compile(
    r"""^(?:import|export)\b(?:[^;"'`]*?\bfrom)?\s*(["'])([^"'\n]+)\1""", re.MULTILINE
)
_DYNAMIC_IMPORT = re.compile(r"""(?<![\w$.])import\s*\(""")
_SIBLING = re.compile(r"^\./([A-Za-z0-9_-]+\.js)$")


class BundleError(NeuralabError):
    """The playground's ES modules cannot be bundled as they are (the message names the module)."""


def split_imports(name: str, text: str) -> list[str]:
    """``text`` cut at its sibling-module specifiers: [text, file, text, file, ..., text].

    Odd items are the imported files' names (``"graph.js"``), even items the text between
    them, so ``"".join`` of the parts with each odd item replaced by a URL is the module with
    its imports pointing there.

    >>> split_imports("a.js", 'import { b } from "./b.js";\\nexport const a = b;\\n')
    ['import { b } from "', 'b.js', '";\\nexport const a = b;\\n']
    """
    if _DYNAMIC_IMPORT.search(text):
        raise BundleError(
            f"{name} uses a dynamic import(); the bundle resolves static imports only. "
            'Import the module statically: import { x } from "./module.js".'
        )
    parts: list[str] = []
    last = 0
    for match in _STATIC_IMPORT.finditer(text):
        specifier = match.group(2)
        sibling = _SIBLING.match(specifier)
        if sibling is None:
            raise BundleError(
                f"{name} imports {specifier!r}; the bundle resolves modules of the playground's "
                'static/ folder only, named as "./module.js".'
            )
        parts += [text[last : match.start(2)], sibling.group(1)]
        last = match.end(2)
    parts.append(text[last:])
    return parts


def module_order(entry: str, folder: Path = STATIC) -> tuple[list[str], dict[str, list[str]]]:
    """The modules ``entry`` needs, each after the modules it imports, and each one's parts.

    Returns (order, parts): ``order`` ends with ``entry``; ``parts[name]`` is
    ``split_imports`` of that file.
    """
    parts: dict[str, list[str]] = {}
    order: list[str] = []
    visiting: list[str] = []

    def visit(name: str, importer: str | None) -> None:
        if name in parts:
            return
        if name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(name) :], name])
            raise BundleError(f"The playground's modules import each other in a cycle: {cycle}.")
        path = folder / name
        if not path.is_file():
            where = f"{importer} imports" if importer else "The entry module is"
            raise BundleError(f"{where} {name}, which is not in {folder}.")
        visiting.append(name)
        pieces = split_imports(name, path.read_text(encoding="utf-8"))
        for dependency in pieces[1::2]:
            visit(dependency, name)
        visiting.pop()
        parts[name] = pieces
        order.append(name)

    visit(entry, None)
    return order, parts


_LOADER = """\
// neuralab playground: {entry} and the modules it imports, from the package's static/ folder,
// each loaded from a blob: URL with its "./x.js" imports pointing at the blob: URLs of those
// modules (written by neuralab.playground.bundle; the module texts are the files unchanged).
const ORDER = {order};
const PARTS = {parts};
const urls = {{}};
for (const name of ORDER) {{
  const text = PARTS[name].map((part, i) => (i % 2 ? urls[part] : part)).join("");
  urls[name] = URL.createObjectURL(new Blob([text], {{ type: "text/javascript" }}));
}}
const entry = await import(urls[{entry_json}]);
export default entry.default;
"""


def bundle(entry: str, folder: Path = STATIC) -> str:
    """One ES module that loads ``entry`` (a file in ``folder``) and the modules it imports,
    and re-exports ``entry``'s default export."""
    order, parts = module_order(entry, folder)
    return _LOADER.format(
        entry=entry,
        entry_json=json.dumps(entry),
        order=json.dumps(order),
        parts=json.dumps({name: parts[name] for name in order}, indent=0),
    )


# -- the stylesheet ---------------------------------------------------------------------------
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_PAGE = re.compile(r"^(?::root|html|body)(?![\w-])")


def _scope_selector(selector: str, scope: str) -> str:
    """``.graph line`` -> ``SCOPE .graph line``; ``:root``, ``html`` and ``body`` become SCOPE."""
    selector = selector.strip()
    if _PAGE.match(selector):
        return _PAGE.sub(scope, selector)
    return f"{scope} {selector}"


def scoped_css(text: str, scope: str) -> str:
    """``text`` (rules and ``@media`` blocks of rules) with each selector inside ``scope``.

    The page's globals (``:root`` custom properties and font, ``body``) apply to ``scope``
    itself; every other selector only matches inside it.

    >>> css = ":root { --ink: #000; } h2, .tip b { margin: 0; } @media (max-width: 9px) { a { x: y; } }"
    >>> print(scoped_css(css, ".w"))
    .w { --ink: #000; }
    .w h2, .w .tip b { margin: 0; }
    @media (max-width: 9px) {
    .w a { x: y; }
    }
    """
    text = _COMMENT.sub("", text)
    out: list[str] = []
    position = 0
    while True:
        start = text.find("{", position)
        if start < 0:
            if text[position:].strip():
                raise BundleError(
                    f"The stylesheet ends with text outside a rule: {text[position:].strip()[:40]!r}."
                )
            return "\n".join(out)
        head = text[position:start].strip()
        if head.startswith("@media"):
            end = _closing(text, start)
            out.append(f"{head} {{\n{scoped_css(text[start + 1 : end], scope)}\n}}")
        elif head.startswith("@"):
            raise BundleError(f"The stylesheet's {head.split()[0]} block cannot be scoped; use plain rules.")
        else:
            end = text.find("}", start)
            if end < 0:
                raise BundleError(f"The rule {head[:40]!r} in the stylesheet is not closed.")
            selectors = ", ".join(_scope_selector(part, scope) for part in head.split(","))
            out.append(f"{selectors} {{ {text[start + 1 : end].strip()} }}")
        position = end + 1


def _closing(text: str, start: int) -> int:
    """The index of the brace that closes the one at ``start``."""
    depth = 0
    for index in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index
    raise BundleError("A block in the stylesheet is not closed.")


__all__ = ["STATIC", "BundleError", "bundle", "module_order", "scoped_css", "split_imports"]
