"""The package's import graph: no cycles, and imports point down the layers that
docs/architecture.md draws.

Every module under src/neuralab is parsed with ``ast``; an import anywhere in a module counts
(inside a function too), except in an ``if TYPE_CHECKING:`` block (annotations only, never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import neuralab

PACKAGE = Path(neuralab.__file__).parent

# The layers, bottom first. A module may import modules of its own layer or of a lower one.
# Keep this table and the drawing in docs/architecture.md the same.
LAYERS: list[tuple[str, list[str]]] = [
    (
        "foundation",
        [
            "errors",
            "_version",
            "_scalars",
            "_registry",
            "_validation",
            "_files",
            "_html",
            "_svg",
            "history",
            "metrics",
        ],
    ),
    ("math", ["activations", "losses", "initializers", "optimizer_base", "optimizers", "data"]),
    ("layers", ["layer_interface", "layers", "dropout", "_sparse"]),
    ("backprop", ["backprop"]),
    ("network", ["network", "callbacks"]),
    ("analysis", ["diagnostics", "diagnosis", "gradient_statistics", "trace", "trace_display", "gradcheck"]),
    ("training", ["training"]),
    (
        "applications",
        [
            "model",
            "model_network",
            "model_evaluation",
            "model_display",
            "fit_defaults",
            "io",
            "onnx_export",
            "lr_find",
            "sklearn",
            "experiments",
            "plots",
            "report",
            "sweeps",
            "sanity",
        ],
    ),
    ("front ends", ["cli", "playground", "notebook"]),
    ("package", [""]),  # neuralab/__init__.py re-exports everything
]


def module_name(path: Path) -> str:
    """ "training.loop" for src/neuralab/training/loop.py, "" for the package's __init__.py."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(target: str) -> str | None:
    """The module a dotted name inside the package refers to (a module, or the package
    that holds an imported name); None outside the package."""
    while target not in MODULES:
        if "." not in target:
            return "" if target == "" else None
        target = target.rsplit(".", 1)[0]
    return target


def imports_of(name: str) -> set[str]:
    """The package's modules that module ``name`` imports (run-time imports only)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - node.level + 1]
                prefix = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and (node.module == "neuralab" or node.module.startswith("neuralab.")):
                prefix = node.module.removeprefix("neuralab").lstrip(".")
            else:
                prefix = None
            if prefix is not None:
                for alias in node.names:
                    full = f"{prefix}.{alias.name}" if prefix else alias.name
                    resolved = _resolve(full) if full in MODULES else _resolve(prefix)
                    if resolved is not None:
                        found.add(resolved)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "neuralab" or alias.name.startswith("neuralab."):
                    resolved = _resolve(alias.name.removeprefix("neuralab").lstrip("."))
                    if resolved is not None:
                        found.add(resolved)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    found.discard(name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def layer_of(name: str) -> int:
    """Index in LAYERS of the layer that holds module ``name`` (longest matching prefix)."""
    best, best_length = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = name == prefix or (prefix and name.startswith(prefix + "."))
            if matches and len(prefix) > best_length:
                best, best_length = index, len(prefix)
    if best is None:
        raise AssertionError(
            f"Module neuralab.{name} is in no layer: add it to LAYERS here and to the "
            "drawing in docs/architecture.md."
        )
    return best


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = walk(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = walk(start)
            if cycle:
                return cycle
    return None


def test_the_parser_sees_function_level_imports_and_skips_type_checking_blocks(tmp_path):
    # network.py names the History type under TYPE_CHECKING only: not an edge.
    assert "history" not in GRAPH["network"]
    assert "backprop" in GRAPH["network"]
    # io.py imports neuralab.data inside a function (a run-time edge all the same) or at the top.
    assert "data" in GRAPH["io"] or any(name.startswith("data") for name in GRAPH["io"])
    # and the cycle finder finds a planted cycle
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "Import cycle: " + " -> ".join(f"neuralab.{m}".rstrip(".") for m in cycle)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down_the_layers(name):
    own = layer_of(name)
    upward = sorted(target for target in GRAPH[name] if layer_of(target) > own)
    assert not upward, (
        f"neuralab.{name} ({LAYERS[own][0]}) imports "
        + ", ".join(f"neuralab.{t} ({LAYERS[layer_of(t)][0]})" for t in upward)
        + ": imports must point down the layers of docs/architecture.md."
    )


def test_training_is_above_network_and_diagnostics_does_not_import_it():
    assert layer_of("training.loop") > layer_of("network") > layer_of("backprop") > layer_of("layers")
    for name in ("diagnostics", "trace", "gradcheck", "network", "backprop"):
        assert not any(target.startswith("training") for target in GRAPH[name]), name


def test_the_architecture_page_draws_these_layers():
    page = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    for title, prefixes in LAYERS:
        if title == "package":
            continue
        assert f"[{title}]" in page, f"docs/architecture.md does not draw the layer [{title}]"
        for prefix in prefixes:
            shown = f"{prefix}.py" if (PACKAGE / f"{prefix}.py").exists() else f"{prefix}/"
            assert shown in page, f"docs/architecture.md does not place {shown} in [{title}]"


# Reads of a private name on another object that are the owner's own business: the class's
# classmethod on its new instance.
_OWN_PRIVATE = {("data.preprocessing", "_fit_scaling")}
# The standard library's documented underscore names.
_STDLIB = {("os", "_exit"), ("sys", "_getframe")}


def test_no_module_reads_another_objects_private_attributes():
    """``x._name`` only on ``self``/``cls``: what one module needs from another is public."""
    found = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            attribute = node.attr
            if not attribute.startswith("_") or attribute.startswith("__"):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if (name, attribute) in _OWN_PRIVATE:
                continue
            if isinstance(node.value, ast.Name) and (node.value.id, attribute) in _STDLIB:
                continue
            found.append(f"neuralab.{name}:{node.lineno} reads .{attribute}")
    assert not found, "\n".join(found)
