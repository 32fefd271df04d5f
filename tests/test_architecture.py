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


# Every folder of hmc is one of these; a new folder must say which it is.
SERVICE_FOLDERS = (
    "accounts", "assessment", "audit", "evidence", "forecast", "framework", "indicators",
    "meetings", "report", "timeline",
)  # fmt: skip
INTERFACE_FOLDERS = ("api", "web", "cli")
# What every service stands on: pure domain code, the shipped gazetteers and message
# catalogues, the database. (The ground floor's single modules: actor.py, errors.py,
# schemas.py, settings.py.)
FLOOR_FOLDERS = ("domain", "gazetteers", "locale", "storage")
DATA_FOLDERS = ("commissions", "data")  # files only, no code
# Alembic runs this script to compare every table with the migrations: it imports every
# package's models on purpose, and no module of hmc imports it.
MIGRATIONS = SRC / "storage" / "migrations"


def test_every_folder_is_a_service_an_interface_or_the_floor() -> None:
    folders = {p.name for p in SRC.iterdir() if p.is_dir() and p.name != "__pycache__"}
    known = {*SERVICE_FOLDERS, *INTERFACE_FOLDERS, *FLOOR_FOLDERS, *DATA_FOLDERS}
    assert folders == known


@pytest.mark.parametrize(
    "path", [p for f in (*SERVICE_FOLDERS, "storage") for p in _modules(f)], ids=_module
)
def test_services_do_not_import_interfaces(path: Path) -> None:
    bad = {m for m in _imports_of(path) if m.startswith(INTERFACES)}
    assert not bad, f"{path} imports {sorted(bad)}"


def _package(module: str) -> str:
    """The top-level package (or ground-floor module) of hmc ``module`` is in.

    >>> _package("hmc.web.routes"), _package("hmc.actor"), _package("hmc")
    ('hmc.web', 'hmc.actor', 'hmc')
    """
    return ".".join(module.split(".")[:2])


@pytest.mark.parametrize(
    "path",
    [p for f in ("storage", "audit") for p in _modules(f) if MIGRATIONS not in p.parents],
    ids=_module,
)
def test_storage_and_audit_import_no_service(path: Path) -> None:
    """Every service writes through storage and into the audit: they know no service."""
    own = _package(_module(path))
    services = tuple(f"hmc.{f}" for f in SERVICE_FOLDERS)
    bad = {m for m in _imports_of(path) if _package(m) in services and _package(m) != own}
    assert not bad, f"{path} imports {sorted(bad)}"


# An interface may use only its own modules, the services and the floor. The one exception:
# `hmc serve` (hmc.cli.app) starts the app, and hmc.app is what puts the API and the pages
# together.
OTHER_INTERFACES = {
    "hmc.api": ("hmc.web", "hmc.cli"),
    "hmc.web": ("hmc.api", "hmc.cli"),
    "hmc.cli": ("hmc.api", "hmc.web"),
}


@pytest.mark.parametrize("path", _modules(*INTERFACE_FOLDERS), ids=_module)
def test_interfaces_import_no_other_interface(path: Path) -> None:
    others = OTHER_INTERFACES[_package(_module(path))]
    bad = {m for m in _imports_of(path) if m.startswith(others)}
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


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("hmc.web.timeline", "from hmc.api.timeline import custom"),  # as it was
        ("hmc.web.timeline", "from ..api import timeline"),
        ("hmc.api.routes", "import hmc.web.routes"),
        ("hmc.cli.app", "def serve():\n    from hmc.web.routes import router"),
    ],
)
def test_the_interface_rule_catches_every_way_of_importing(module: str, source: str) -> None:
    others = OTHER_INTERFACES[_package(module)]
    assert any(m.startswith(others) for m in _imports(module, source)), source


def _packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph between top-level packages (and ground-floor modules) of a module graph."""
    found: dict[str, set[str]] = {}
    for module, imported in graph.items():
        found.setdefault(_package(module), set()).update(_package(m) for m in imported)
    return {package: imported - {package} for package, imported in found.items()}


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of packages that import each other, directly or not (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for following in graph.get(node, ()):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            group: set[str] = set()
            while node not in group:
                group.add(stack.pop())
            if len(group) > 1:
                found.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# Package cycles allowed, each with its reason: none today.
ALLOWED_CYCLES: list[set[str]] = []


def test_no_import_cycle_between_packages() -> None:
    """Actor (hmc.actor) and the gazetteer (hmc.domain) sit below the packages that share them."""
    graph = {m: i for m, i in _graph().items() if not m.startswith("hmc.storage.migrations")}
    cycles = [c for c in _cycles(_packages(graph)) if c not in ALLOWED_CYCLES]
    assert not cycles, f"packages that import each other: {[sorted(c) for c in cycles]}"


def test_the_package_cycle_rule_catches_an_indirect_cycle() -> None:
    graph = {
        "hmc.audit.service": {"hmc.accounts.actor"},  # as it was: Actor lived in accounts
        "hmc.accounts.service": {"hmc.framework.service"},
        "hmc.framework.service": {"hmc.audit.service"},
        "hmc.domain.days": set(),
    }
    assert _cycles(_packages(graph)) == [{"hmc.audit", "hmc.accounts", "hmc.framework"}]
    graph["hmc.audit.service"] = {"hmc.actor"}
    assert _cycles(_packages(graph)) == []


def test_no_eval_or_exec() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert not calls & {"eval", "exec"}, path
