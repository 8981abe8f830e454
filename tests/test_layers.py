"""The package's shape: no import circles, and each stage imports only the stages below it.

The graph counts every import, at module level, inside functions and under
`TYPE_CHECKING` alike: a lazy import is still a dependency, only a later
one. Importing `crlint.a.b` runs `crlint/a/__init__.py` first, so it counts
as importing the package too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "crlint"

# Each stage, and the stages it may import. Lower stages never import higher ones.
ALLOWED = {
    "facts": set(),
    "world": {"facts"},
    "commands": {"facts", "world"},
    "discover": {"facts", "world"},
    "frontends": {"facts", "world", "commands", "discover"},
    "checks": {"facts", "world", "commands"},
    "fix": {"facts", "world", "commands", "discover", "frontends"},
    "engine": {"facts", "world", "commands", "discover", "frontends", "checks", "fix"},
    "report": {"facts", "discover", "engine"},
    "cli": {"facts", "discover", "engine", "fix", "report"},
    "__main__": {"cli"},
    "__init__": set(),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> set[str]:
    """The crlint modules `path` imports, with the packages that importing them runs."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            names += [f"{node.module}.{alias.name}" for alias in node.names]
        for imported in names:
            name = imported
            while name.startswith("crlint"):
                if name in modules:
                    found.add(name)
                name = name.rpartition(".")[0]
    return found


def graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    return {module_name(path): imports(path, modules) - {module_name(path)} for path in paths}


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_there_is_no_import_circle():
    edges = graph()
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges[module]):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_each_stage_imports_only_the_stages_below_it():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if stage(target) != stage(module)
        and stage(target) != "__init__"
        and stage(target) not in ALLOWED[stage(module)]
    )
    assert wrong == []


def test_every_module_sits_in_the_folder_of_a_stage():
    loose = [
        module_name(p)
        for p in PACKAGE.glob("*.py")
        if module_name(p) not in ("crlint", "crlint.cli", "crlint.__main__")
    ]
    assert loose == []
