"""The layering holds: pure domain code, thin interfaces, no eval anywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hmc"
INTERFACES = ("hmc.api", "hmc.web", "hmc.cli")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _modules(folder: str) -> list[Path]:
    return sorted((SRC / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    forbidden = (*INTERFACES, "hmc.storage", "sqlalchemy", "fastapi", "typer")
    bad = {m for m in _imports(path) if m.startswith(forbidden)}
    assert not bad, f"{path.name} imports {sorted(bad)}"


SERVICE_FOLDERS = ["evidence", "framework", "indicators", "timeline", "storage"]


@pytest.mark.parametrize(
    "path", [p for f in SERVICE_FOLDERS for p in _modules(f)], ids=lambda p: p.name
)
def test_services_do_not_import_interfaces(path: Path) -> None:
    bad = {m for m in _imports(path) if m.startswith(INTERFACES)}
    assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize("folder", ["api", "web", "cli"])
def test_interfaces_do_not_touch_tables(folder: str) -> None:
    """Interfaces call services; they build no query or write of their own."""
    for path in _modules(folder):
        bad = {m for m in _imports(path) if m in ("sqlalchemy", "sqlalchemy.sql")}
        assert not bad, f"{path} imports {sorted(bad)}"


def test_no_eval_or_exec() -> None:
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert not calls & {"eval", "exec"}, path
