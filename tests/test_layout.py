"""The layout shows the pipeline: one folder a stage, and no import runs back up a floor or round a circle.

Floors, bottom to top: `base` (errors, safe writing), `inputs`, `model`, `solver`, `results`, `analysis`, `outputs`,
`study`, and on top `api`, `cli` and the package itself. Every import statement of every module counts, those inside
functions too (an import deferred for speed is still an arrow). docs/architecture.md draws the same floors; the test
below keeps its module list true.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "planner"
FLOORS = ["base", "inputs", "model", "solver", "results", "analysis", "outputs", "study", "top"]
TOP = {"api", "cli", "__init__", "__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def floor(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in TOP:
        return FLOORS.index("top")
    return FLOORS.index(parts[1])


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, name: str) -> set[str]:
    """The planner modules a module imports, anywhere in it (a name imported from a package that is a module of
    its own counts as that module)."""
    known = modules()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "planner"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "planner":
                continue
            for a in node.names:
                sub = f"{target}.{a.name}"
                out.add(sub if sub in known else target)
    return {m for m in out if m != name}


def graph() -> dict[str, set[str]]:
    return {name: imports(path, name) for name, path in modules().items()}


def test_every_module_sits_on_a_floor():
    for name in modules():
        parts = name.split(".")
        assert len(parts) == 1 or parts[1] in TOP or parts[1] in FLOORS, f"{name}: not in a stage folder"


def test_no_import_runs_back_up_a_floor():
    upward = [f"{a} (floor {FLOORS[floor(a)]}) imports {b} (floor {FLOORS[floor(b)]})"
              for a, targets in graph().items() for b in targets
              if floor(b) > floor(a) and not (floor(a) == FLOORS.index("top"))]
    assert upward == []


def test_no_circle_of_imports():
    g = graph()
    state: dict[str, int] = {}
    circles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(g.get(node, ())):
            if nxt not in g:
                continue
            if state.get(nxt) == 1:
                circles.append(" -> ".join(path[path.index(nxt):] + [nxt]) if nxt in path else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for n in sorted(g):
        if n not in state:
            visit(n, [n])
    # a package's __init__ re-exporting its own modules is no circle: its modules never import the package itself
    assert circles == []


def test_the_architecture_page_is_drawn_from_the_code():
    """docs/architecture.md's diagram and module table are what scripts/architecture.py draws from the code now: every
    module of planner/ and no other, each in its stage, with the arrows the imports make."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("architecture", ROOT / "scripts" / "architecture.py")
    arch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(arch)
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawn = page.split(arch.BEGIN, 1)[1].split(arch.END, 1)[0].strip()
    assert drawn == arch.generated(), "docs/architecture.md is stale: run scripts/architecture.py --write"
    named = set(re.findall(r"\b(planner(?:\.[a-z_]+)+)\b", drawn.split("```", 2)[1]))
    assert named == {m for m in modules() if m != "planner" and not m.endswith("__main__")}


@pytest.mark.parametrize("package", [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()])
def test_each_stage_says_what_passes_in_and_out(package):
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8"))) or ""
    assert len(doc) > 80, f"planner/{package}/__init__.py needs a docstring: what passes in and out"
