"""The layering holds: pure domain code, thin interfaces, no eval anywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hmc"
# The interfaces, and the modules only they use: the app factory and their shared dependencies.
INTERFACES = ("hmc.api", "hmc.web", "hmc.cli", "hmc.app", "hmc.deps")


def _module(path: Path) -> str:
    """The dotted name of a module under src/hmc, e.g. hmc.web.routes."""
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(module: str, source: str, *, package: bool = False) -> set[str]:
    """Every module ``source`` imports, absolute, also ``from X import Y`` as X.Y and X.

    >>> sorted(_imports("hmc.web.x", "from ..framework import models"))
    ['hmc.framework', 'hmc.framework.models']
    >>> sorted(_imports("hmc.web.x", "from . import view"))
    ['hmc.web', 'hmc.web.view']
    >>> sorted(_imports("hmc.web", "from .view import number", package=True))
    ['hmc.web.view', 'hmc.web.view.number']
    """
    here = module.split(".") if package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            name = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _imports_of(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    return _imports(_module(path), source, package=path.name == "__init__.py")


def _modules(*names: str) -> list[Path]:
    """The files of the packages or modules ``names`` (e.g. "api", "app.py")."""
    found: list[Path] = []
    for name in names:
        found += [SRC / name] if name.endswith(".py") else sorted((SRC / name).rglob("*.py"))
    return found


def _orm_or_sql(imported: str) -> bool:
    """Whether ``imported`` is SQLAlchemy itself or a module of ORM models (hmc.*.models)."""
    parts = imported.split(".")
    return parts[0] == "sqlalchemy" or (parts[0] == "hmc" and "models" in parts[1:])


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    forbidden = (*INTERFACES, "hmc.storage", "sqlalchemy", "fastapi", "typer")
    bad = {m for m in _imports_of(path) if m.startswith(forbidden)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


SERVICE_FOLDERS = ["evidence", "framework", "indicators", "timeline", "storage"]


@pytest.mark.parametrize(
    "path", [p for f in SERVICE_FOLDERS for p in _modules(f)], ids=lambda p: p.name
)
def test_services_do_not_import_interfaces(path: Path) -> None:
    bad = {m for m in _imports_of(path) if m.startswith(INTERFACES)}
    assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", _modules("api", "web", "cli", "app.py", "deps.py"), ids=lambda p: _module(p)
)
def test_interfaces_do_not_touch_tables(path: Path) -> None:
    """Interfaces call services and read records: no SQLAlchemy, no ORM model of their own."""
    bad = {m for m in _imports_of(path) if _orm_or_sql(m)}
    assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "source",
    [
        "import sqlalchemy",
        "import sqlalchemy.orm",
        "from sqlalchemy.orm import Session",
        "from sqlalchemy import select",
        "from hmc.framework.models import Commission",
        "from hmc.framework import models",
        "from ..framework import models",
        "from ..evidence.models import Event",
        "def f():\n    from hmc.indicators import models",
    ],
)
def test_the_table_rule_catches_every_way_of_importing(source: str) -> None:
    assert any(_orm_or_sql(m) for m in _imports("hmc.web.routes", source)), source


def _graph() -> dict[str, set[str]]:
    """Each module of hmc, and the modules of hmc it imports."""
    modules = {_module(p): p for p in SRC.rglob("*.py")}
    return {name: _imports_of(path) & modules.keys() for name, path in modules.items()}


def _reaches(graph: dict[str, set[str]], start: str, target: str) -> bool:
    """Whether a module of package ``start`` imports one of ``target``, directly or not."""
    seen: set[str] = set()
    todo = [m for m in graph if m == start or m.startswith(f"{start}.")]
    while todo:
        module = todo.pop()
        if module == target or module.startswith(f"{target}."):
            return True
        if module not in seen:
            seen.add(module)
            todo += graph[module]
    return False


def test_no_cycle_between_api_and_web() -> None:
    """hmc.app puts the two together; neither needs the other (their shared part: hmc.deps)."""
    graph = _graph()
    assert not (_reaches(graph, "hmc.api", "hmc.web") and _reaches(graph, "hmc.web", "hmc.api"))


def test_the_cycle_rule_catches_an_indirect_cycle() -> None:
    graph = {
        "hmc.api.routes": {"hmc.app"},  # e.g. to ask which paths are the API's
        "hmc.app": {"hmc.api.routes", "hmc.web.routes"},
        "hmc.web.routes": {"hmc.app"},
    }
    assert _reaches(graph, "hmc.api", "hmc.web") and _reaches(graph, "hmc.web", "hmc.api")
    graph["hmc.api.routes"] = set()
    assert not _reaches(graph, "hmc.api", "hmc.web")


def test_no_eval_or_exec() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert not calls & {"eval", "exec"}, path
