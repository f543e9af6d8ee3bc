"""The package's import graph runs one way: no module imports a higher layer, and no cycles.

Every ``import``/``from … import`` of an ``actuary`` module is counted, including imports inside
functions and under ``TYPE_CHECKING`` (a type-only edge is still a dependency a reader follows).
The layers are the ones ARCHITECTURE.md draws; a module not listed fails the test, so a new module
has to be placed on the map.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "actuary"

#: Bottom (0) to top. A module may import its own layer (without cycles) or any lower one.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "actuary._version",
        "actuary.errors",
        "actuary.benefit_items",
        "actuary.dims",
        "actuary.encoding",
    ),
    ("actuary.params",),
    ("actuary.spec",),
    ("actuary.rng", "actuary.io", "actuary.retirement", "actuary.benefits", "actuary.output"),
    ("actuary.data",),
    ("actuary.economy", "actuary.claims", "actuary.outturn"),
    ("actuary.policy",),
    ("actuary.projection",),
    ("actuary.rates", "actuary.pooling", "actuary.budget", "actuary.monitoring"),
    ("actuary.compare", "actuary.analysis", "actuary.manifest"),
    ("actuary.report",),
    ("actuary.commands", "actuary.cli", "actuary.__main__", "actuary"),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _layer(module: str) -> int:
    best = (-1, -1)  # (prefix length, layer)
    for i, group in enumerate(LAYERS):
        for prefix in group:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), i)
    if best[1] < 0:
        raise AssertionError(f"{module} is on no layer of tests/test_layers.py (place it)")
    return best[1]


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The actuary module an imported name lives in (``actuary.x.y`` may be a symbol of x)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def edges() -> dict[str, set[str]]:
    """module → actuary modules it imports (anywhere in the file)."""
    modules = _modules()
    out: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [f"{node.module}.{a.name}" for a in node.names]
            for n in names:
                if n == "actuary" or n.startswith("actuary."):
                    target = _resolve(n, modules)
                    # `from actuary.x import y`: module actuary.x.y if it is one, else actuary.x
                    if target is not None and target != mod:
                        out[mod].add(target)
    return out


def test_every_module_is_on_a_layer() -> None:
    for mod in _modules():
        _layer(mod)


def test_no_upward_imports() -> None:
    bad = []
    for mod, targets in edges().items():
        for t in targets:
            if _layer(t) > _layer(mod):
                bad.append(f"{mod} (layer {_layer(mod)}) imports {t} (layer {_layer(t)})")
    assert not bad, "upward imports:\n" + "\n".join(sorted(bad))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
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
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles() -> None:
    g = edges()
    # a package's __init__ re-exporting its submodules is not a cycle with them
    for mod in g:
        g[mod] = {
            t
            for t in g[mod]
            if not (mod.startswith(t + ".") and (PKG.parent / Path(*t.split("."))).is_dir())
        }
    cycles = _cycles(g)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


@pytest.mark.parametrize(
    ("mod", "allowed"),
    [
        (
            "actuary.spec",
            {
                "actuary.errors",
                "actuary.encoding",
                "actuary.params",
                "actuary.dims",
                "actuary.spec",
                "actuary._version",
            },
        )
    ],
)
def test_spec_is_the_bottom_layer(mod: str, allowed: set[str]) -> None:
    bad = {
        f"{m} imports {t}"
        for m, ts in edges().items()
        if m == mod or m.startswith(mod + ".")
        for t in ts
        if not any(t == a or t.startswith(a + ".") for a in allowed)
    }
    assert not bad, sorted(bad)
