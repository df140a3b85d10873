"""The package's layers, read from its imports with ast: nothing imports upwards, nothing imports in a cycle.

From the bottom: the record model and the small pure modules; the loader; coverage (what the
records cover of their sources); the checks; the release and the site, which read the model and
the loaded dataset but never the validator's internals; the command line on top.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from pathlib import Path

from frontline import cli
from helpers import ROOT

PACKAGE = ROOT / "scripts" / "frontline"

# Layer of each top-level module or sub-package of frontline; a module may import only from lower or equal layers.
LAYERS = {
    "__init__": 0,
    "rules": 0,
    "markup": 0,
    "meta": 1,
    "model": 1,
    "problems": 1,
    "quotes": 1,
    "process": 1,
    "lock": 1,
    "gazetteer": 1,
    "atomic": 1,
    "cache": 1,
    "parallel": 1,
    "safety": 2,
    "yamlsafe": 2,
    "fmt": 2,
    "load": 3,
    "coverage": 4,
    "version": 4,
    "checks": 5,
    "release": 6,
    "site": 7,
    "scaffold": 6,
    "live": 8,
    "cli": 9,
}
# Layers that may not be imported by these units, even where the number would allow it.
FORBIDDEN = {"release": {"checks", "site", "cli"}, "site": {"checks", "cli"}}


def unit(path: Path) -> str:
    """The top-level module or sub-package a file belongs to."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported frontline unit, line, inside a function) for every import of a frontline module in path."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]  # ('frontline',) or ('frontline', 'site')
    found = []
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    inner = {id(child) for function in functions for child in ast.walk(function)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = [*base, *(node.module.split(".") if node.module else [])]
            else:
                target = node.module.split(".") if node.module else []
            if target[:1] != ["frontline"]:
                continue
            # from . import a, b names modules, or names defined in the package's __init__ (__version__)
            names = (
                [
                    alias.name if (PACKAGE / f"{alias.name}.py").exists() or (PACKAGE / alias.name).is_dir() else "__init__"
                    for alias in node.names
                ]
                if len(target) == 1
                else [target[1]]
            )
            found += [(name, node.lineno, id(node) in inner) for name in names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("frontline."):
                    found.append((alias.name.split(".")[1], node.lineno, id(node) in inner))
    return found


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_unit_has_a_layer():
    assert {unit(path) for path in modules()} <= set(LAYERS), "give the new module a layer in LAYERS"


def test_nothing_imports_upwards_or_across_forbidden_lines():
    wrong = []
    for path in modules():
        here = unit(path)
        for target, line, _ in imports(path):
            if target == here:
                continue
            if target not in LAYERS:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports unknown frontline.{target}")
            elif LAYERS[target] > LAYERS[here] or target in FORBIDDEN.get(here, ()):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {here} (layer {LAYERS[here]}) imports {target} (layer {LAYERS[target]})")
    assert wrong == []


def test_no_function_level_imports_of_the_package():
    inside = [f"{path.relative_to(ROOT)}:{line}" for path in modules() for _, line, nested in imports(path) if nested]
    assert inside == []


def test_no_private_names_imported_across_modules():
    private = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("frontline")):
                private += [
                    f"{path.relative_to(ROOT)}:{node.lineno}: {a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert private == []


def test_no_cycles_between_modules():
    """A depth-first search over module-level imports between files finds no cycle."""
    graph: dict[str, set[str]] = {}
    names = {path: ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__") for path in modules()}
    known = set(names.values())
    for path, name in names.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        edges = set()
        for node in tree.body:  # module level only: a cycle through a function body would still be a smell, but is caught above
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
                for alias in node.names:
                    candidate = f"{target}.{alias.name}"
                    edges.add(candidate if candidate in known else target)
        graph[name] = {edge for edge in edges if edge in known and edge != name}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


def test_the_layer_test_sees_imports():
    """The reader finds the imports it must judge (so that the tests above cannot pass by reading nothing)."""
    found = {target for path in (PACKAGE / "cli").glob("*.py") for target, _, _ in imports(path)}
    assert {"checks", "load", "release", "site"} <= found
    assert ("model", False) in {(t, nested) for t, _, nested in imports(PACKAGE / "site" / "index.py")} or any(
        t == "model" for t, _, _ in imports(PACKAGE / "site" / "index.py")
    )


def test_validate_imports_neither_the_release_nor_the_site():
    """`frontline validate` imports the checks, not the modules of the commands that write (cli.build, cli.records)."""
    probe = (
        "import sys\n"
        "from frontline import cli\n"
        "parsed = cli.parser().parse_args(['validate'])\n"
        "assert cli.command(parsed.func) is cli.cmd_validate\n"
        "print(sorted(m for m in sys.modules if m.startswith('frontline.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    )
    assert done.returncode == 0, done.stderr
    loaded = set(ast.literal_eval(done.stdout))
    assert "frontline.checks" in loaded
    assert not loaded & {
        "frontline.release",
        "frontline.site",
        "frontline.fmt",
        "frontline.live",
        "frontline.scaffold",
        "frontline.cli.build",
    }


def test_every_command_names_a_function_that_exists():
    parser = cli.parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    for name, sub in commands.items():
        func = cli.command(sub.get_default("func"))
        assert callable(func) and func.__name__ == f"cmd_{name}", name
