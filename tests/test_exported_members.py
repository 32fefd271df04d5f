"""Each package's public names are pinned: a name is added to or taken from one on purpose.

A package of hmc re-exports from its private modules what other packages may use (its
``__all__``); the rest are its own business. The names below are that surface, as of now.
"""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hmc"

PUBLIC: dict[str, list[str]] = {
    "hmc.accounts": [
        "Authenticated", "MemberInfo", "SignedIn", "TokenInfo", "add_member", "authenticate",
        "authenticate_token", "change_password", "create_token", "disable_member", "get_member",
        "list_members", "list_tokens", "reset_password", "revoke_token", "sign_in", "sign_out",
    ],
    "hmc.api": [],
    "hmc.assessment": [],
    "hmc.audit": [],
    "hmc.cli": ["app", "main"],
    "hmc.domain": [],
    "hmc.evidence": [],
    "hmc.framework": [],
    "hmc.gazetteers": ["gazetteer_of", "gazetteers", "load_gazetteer"],
    "hmc.indicators": [],
    "hmc.locale": [
        "DEFAULT", "LANGUAGES", "catalog", "configured", "counted", "direction", "language",
        "scenario_text", "translate",
    ],
    "hmc.meetings": [],
    "hmc.report": ["CHOICES", "DIGITS", "report_html", "report_pdf"],
    "hmc.storage": [
        "Base", "Session", "database_name", "get_engine", "migrate", "open_database",
        "session_scope",
    ],
    "hmc.timeline": [],
    "hmc.web": [],
}  # fmt: skip


def _packages() -> list[str]:
    return sorted(f"hmc.{p.parent.name}" for p in SRC.glob("*/__init__.py"))


def test_every_package_is_pinned() -> None:
    assert _packages() == sorted(PUBLIC)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_names_are_pinned(name: str) -> None:
    package = importlib.import_module(name)
    exported = list(getattr(package, "__all__", []))
    assert sorted(exported) == sorted(PUBLIC[name])
    missing = [n for n in exported if not hasattr(package, n)]
    assert not missing, f"{name}.__all__ names what it does not have: {missing}"


def _facade(name: str) -> bool:
    """Whether the package's ``__init__`` only re-exports (defines no function or class)."""
    tree = ast.parse((SRC / name.split(".")[1] / "__init__.py").read_text(encoding="utf-8"))
    return not any(isinstance(n, ast.FunctionDef | ast.ClassDef) for n in tree.body)


@pytest.mark.parametrize("name", [n for n in sorted(PUBLIC) if _facade(n)])
def test_a_facade_exports_all_it_imports(name: str) -> None:
    """As httpx checks its own: nothing public in the package is left out of ``__all__``."""
    package = importlib.import_module(name)
    held = sorted(
        member
        for member, value in vars(package).items()
        if not member.startswith("_")
        and not isinstance(value, types.ModuleType)
        and member != "annotations"  # from __future__
    )
    assert held == sorted(getattr(package, "__all__", []))
