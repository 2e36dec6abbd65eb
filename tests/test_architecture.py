"""The package's shape, as docs/architecture.md draws it: stages that only look down, no import
cycle (imports inside functions count too: they hide a cycle, they do not remove it), small
modules, and graph_builder never importing the service."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph_builder", "service")

# Lower layers first. A module may import its own layer's package and anything below it, never
# above; two packages of one layer (pipeline, synth) do not import each other.
LAYERS = [
    {"graph_builder", "graph_builder.errors", "graph_builder.paths", "graph_builder.iris",
     "graph_builder.ntriples", "graph_builder.oxrdf", "graph_builder.lifetime"},
    {"graph_builder.reference"},
    {"graph_builder.extract"},
    {"graph_builder.to_rdf"},
    {"graph_builder.links"},
    {"graph_builder.reason"},
    {"graph_builder.derive"},
    {"graph_builder.validate"},
    {"graph_builder.export"},
    {"graph_builder.pipeline", "graph_builder.synth"},
    {"graph_builder.publish"},
    {"graph_builder.cli"},
]
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))
            if "node_modules" not in p.parts}


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every project module `name` imports, at any depth of its code."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            # `from pkg import module` names a module; `from module import name` a name in it.
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in MODULES else mod for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> tuple[int, str] | None:
    """(rank, the package of the layer) of a graph_builder module."""
    best = None
    for rank, names in enumerate(LAYERS):
        for n in names:
            if (module == n or module.startswith(n + ".")) and (best is None or len(n) > len(best[1])):
                best = (rank, n)
    return best


def test_every_graph_builder_module_has_a_layer():
    assert [m for m in MODULES if m.startswith("graph_builder") and _layer(m) is None] == []


def test_no_stage_imports_upward_or_sideways():
    wrong = []
    for mod, deps in GRAPH.items():
        if not mod.startswith("graph_builder"):
            continue
        rank, pkg = _layer(mod)
        for dep in deps:
            if dep.startswith("service"):
                wrong.append(f"{mod} -> {dep} (graph_builder never imports the service)")
                continue
            drank, dpkg = _layer(dep)
            if drank > rank or (drank == rank and dpkg != pkg and rank > 0):
                wrong.append(f"{mod} -> {dep}")
    assert wrong == []


def test_no_import_cycles():
    # Tarjan's strongly connected components; any component of more than one module is a cycle.
    index, low, stack, on, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert cycles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[module].relative_to(ROOT)}: {lines} lines"


def test_the_checker_sees_a_planted_upward_import_and_cycle(monkeypatch):
    """The rules above can fail: an upward import and a two-module cycle are both caught."""
    planted = {**GRAPH, "graph_builder.iris": GRAPH["graph_builder.iris"] | {"graph_builder.pipeline.build"}}
    monkeypatch.setitem(globals(), "GRAPH", planted)
    with pytest.raises(AssertionError):
        test_no_stage_imports_upward_or_sideways()
    planted = {**GRAPH, "graph_builder.errors": {"graph_builder.paths"},
               "graph_builder.paths": {"graph_builder.errors"}}
    monkeypatch.setitem(globals(), "GRAPH", planted)
    with pytest.raises(AssertionError):
        test_no_import_cycles()
