"""The package's layers, as docs/architecture.md states them: no module imports
from a layer above its own, the packages form no import circle, and no
Python file grows past about 400 lines. Read from the source (every import
statement, function-level ones included), so nothing needs importing."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "passlm"

#: Lowest first. A module belongs to the layer of its longest listed prefix.
#: Keep in step with the table in docs/architecture.md.
LAYERS = [
    # 0: foundations: the compiled core and what everything shares (standard library only, or _core)
    ["passlm", "passlm._core", "passlm._build_info", "passlm.errors", "passlm.defaults", "passlm.paths",
     "passlm.command", "passlm.messages", "passlm.jsonformat", "passlm.metrics", "passlm.textmetrics"],
    # 1: LLVM services and infrastructure
    ["passlm.compile", "passlm.csmith", "passlm.llc", "passlm.store", "passlm.pipelines"],
    # 2: what passlm knows: corpora, screening, the models
    ["passlm.data", "passlm.screen", "passlm.model"],
    # 3: engines and search
    ["passlm.engine", "passlm.tune"],
    # 4: applications: evaluation, training, serving, the plugin's bridge, the text tasks, the demo, gym
    ["passlm.eval", "passlm.train", "passlm.server", "passlm.bridge", "passlm.text", "passlm.demo",
     "passlm.gym", "passlm.gym_cli"],
    # 5: the command line
    ["passlm.cli", "passlm.__main__"],
]
MAX_LINES = 420  # "about 400"


def layer_of(module: str) -> int:
    best, layer = "", None
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) >= len(best):
                best, layer = prefix, i
    if module.endswith(".__main__"):  # python -m passlm.X: a command-line entry point
        return len(LAYERS) - 1
    assert layer is not None, f"{module}: in no layer of tests/test_architecture.py"
    return layer


def group_of(module: str) -> str:
    """The top-level subpackage or module a module belongs to (passlm.tune.search -> passlm.tune)."""
    parts = module.split(".")
    return ".".join(parts[:2])


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    tree = ast.parse(path.read_text())
    # The package root's imports under TYPE_CHECKING only give its lazily
    # loaded entry points (load_module, make_engine...) their types: never run.
    typing_only = {id(n) for top in tree.body if name == "passlm" and isinstance(top, ast.If)
                   and ast.unparse(top.test) == "TYPE_CHECKING" for n in ast.walk(top)}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("passlm"):
                # from passlm import x / from . import x: x may be a submodule
                for alias in node.names:
                    candidate = f"{target}.{alias.name}"
                    targets.add(candidate if candidate in _ALL else target)
        elif isinstance(node, ast.Import):
            targets.update(a.name for a in node.names if a.name.startswith("passlm"))
    return {t for t in targets if t != name}


_ALL = modules()


def test_no_module_imports_from_a_layer_above_it():
    upward = []
    for name, path in sorted(_ALL.items()):
        for target in sorted(imports(name, path)):
            if layer_of(target) > layer_of(name):
                upward.append(f"{name} (layer {layer_of(name)}) imports {target} (layer {layer_of(target)})")
    assert not upward, "\n".join(upward)


def test_packages_form_no_import_circle():
    edges = defaultdict(set)
    for name, path in _ALL.items():
        for target in imports(name, path):
            a, b = group_of(name), group_of(target)
            if a != b and b != "passlm":  # the package root (lazy _core names) is below everything
                edges[a].add(b)
    circles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                circles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not circles, "\n".join(circles)


def test_no_python_file_over_about_400_lines():
    long = [f"{p.relative_to(PACKAGE.parent)}: {n} lines" for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES]
    assert not long, "\n".join(long)


def test_the_layer_checker_sees_an_upward_import():
    # The checks above are only as good as import reading: a known upward edge must be found.
    assert "passlm.pipelines.space" in imports("passlm.model.pipeline_lm", _ALL["passlm.model.pipeline_lm"])
    assert layer_of("passlm.eval.run") > layer_of("passlm.engine.model") > layer_of("passlm.model.llama")
    assert layer_of("passlm.tune.__main__") == len(LAYERS) - 1
